"""The sharing journeys in a real browser:

- a holder creates a link with an access code → a visitor opens it with the code → the holder
  sees the view in « Qui a consulté mon passeport » and on the link → revokes it → the visitor
  gets « Lien révoqué » (410);
- a holder grants an organisation chosen sections → its agent (password and TOTP) reads those
  sections only → the holder withdraws → the agent sees nothing;
- a third-party application obtains a holder's token through authorization code + PKCE (the
  holder logs in with FranceConnect and approves the scopes on the consent screen), then reads
  the granted scope only, over HTTP, and is refused another.
"""

import re

import pytest

from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.models import Entry, Holder
from passeport.passport.recording import record_certification
from passeport.sharing.models import ShareView
from passeport.testing import factories
from passeport.testing.browser import (
    assert_no_console_errors,
    login_with_franceconnect,
    unnamed_interactive_elements,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDIRECT = "https://appli.exemple.test/retour"


def _check(page):
    assert unnamed_interactive_elements(page) == [], page.url
    assert_no_console_errors(page)


def _camille_with_entries():
    """Camille Lefèvre in the register with a guaranteed certification; her holder account is
    created at her first FranceConnect login (`_declared` adds a declared training then)."""
    (person,) = ensure_in_register(BY_KEY["camille"])
    record_certification(
        person,
        emetteur_id="UNIVDEMO",
        certificateur_id="UNIVDEMO",
        certifier_name="Université de Démo",
        code="RNCP35185",
        type="RNCP",
        title="Licence professionnelle Métiers du numérique",
        award_date=None,
        id_technique="NAV-PARTAGE-1",
        flux_id="FLUX-NAV",
    )
    return person


def _log_in_camille(page, person, start="/franceconnect/"):
    login_with_franceconnect(page, "Camille Lefèvre", start)
    page.wait_for_load_state()
    holder = Holder.objects.get(person_id=person.pk)
    if not Entry.objects.filter(
        holder=holder, title="Formation Sauveteur secouriste du travail"
    ).exists():
        factories.EntryFactory(
            holder=holder, kind="training", title="Formation Sauveteur secouriste du travail"
        )
    return holder


def _visitor(browser, live_server):
    visitor = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    visitor.console_errors = []
    visitor.on(
        "console", lambda m: visitor.console_errors.append(m.text) if m.type == "error" else None
    )
    return visitor


def test_share_with_code_viewed_shown_to_holder_then_revoked(page, browser, fc_browser):
    person = _camille_with_entries()
    _log_in_camille(page, person)
    page.wait_for_url("**/passeport/")

    page.goto("/passeport/partages/")
    _check(page)
    page.get_by_label("Libellé").fill("Candidature Airbus")
    page.get_by_label("Tout mon passeport").check()
    page.get_by_label("Code d'accès (facultatif)").fill("7319")
    page.get_by_role("button", name="Créer le lien").click()
    link = page.get_by_label("Lien de partage à copier").input_value()
    assert re.search(r"/p/sh_[0-9a-f]{8}_[\w-]{40,}/$", link), link
    _check(page)
    page.goto("/passeport/partages/")
    assert link not in page.content()  # shown once; only its hash is kept

    # A visitor (another browser, not logged in) opens the link: the code first.
    visitor = _visitor(browser, fc_browser)
    answer = visitor.goto(link)
    assert answer.headers["x-robots-tag"] == "noindex, nofollow"
    visitor.get_by_label("Code d'accès").fill("0000")
    visitor.get_by_role("button", name="Ouvrir le partage").click()
    assert "Ce code d'accès n'est pas le bon." in visitor.content()
    visitor.get_by_label("Code d'accès").fill("7319")
    visitor.get_by_role("button", name="Ouvrir le partage").click()
    main = visitor.locator("main").inner_text()
    assert "Licence professionnelle Métiers du numérique" in main
    assert "Formation Sauveteur secouriste du travail" in main
    assert person.nir not in visitor.content()
    _check(visitor)

    # The holder sees the view, in « Qui a consulté mon passeport » and on the link's page.
    page.goto("/passeport/mes-donnees/")
    accesses = page.get_by_role("table", name="Consultations par une autre personne que vous")
    assert "Lien de partage « Candidature Airbus » (Chrome)" in accesses.inner_text()
    _check(page)
    page.goto("/passeport/partages/")
    page.get_by_role("link", name="Candidature Airbus").click()
    views = page.get_by_role("table", name=re.compile("Ouvertures du lien"))
    assert "Consulté" in views.inner_text() and "Code d'accès erroné" in views.inner_text()
    _check(page)

    # The holder revokes: the visitor's next request is refused, with the reason, and logged.
    page.get_by_role("button", name="Révoquer ce lien").click()
    assert "est révoqué" in page.content()
    answer = visitor.goto(link)
    assert answer.status == 410
    assert visitor.get_by_role("heading", name="Lien révoqué").is_visible()
    assert "a révoqué ce lien de partage" in visitor.locator("main").inner_text()
    assert "Licence professionnelle" not in visitor.content()
    assert ShareView.objects.filter(outcome=ShareView.Outcome.REVOKED).count() == 1
    page.reload()
    assert "Refusé : lien révoqué" in page.locator("main").inner_text()
