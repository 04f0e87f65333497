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

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.models import AccessLog, Entry, Holder
from passeport.passport.recording import record_certification
from passeport.sharing.models import ShareView
from passeport.testing import factories
from passeport.testing.browser import (
    assert_no_console_errors,
    login_with_franceconnect,
    login_with_two_factors,
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


def test_consent_agent_reads_granted_sections_then_nothing(page, browser, fc_browser):
    person = _camille_with_entries()
    organisation = factories.OrganisationFactory(name="Mission locale de Lyon")
    agent = factories.AgentFactory(
        organisation=organisation,
        user__email="amina@ml-lyon.fr",
        user__first_name="Amina",
        user__last_name="Conseillère",
    )
    holder = _log_in_camille(page, person)
    page.wait_for_url("**/passeport/")

    page.goto("/passeport/autorisations/")
    _check(page)
    page.get_by_label("Organisation", exact=True).select_option(label="Mission locale de Lyon")
    page.get_by_label("Certifications et diplômes").check()
    page.get_by_role("button", name="Autoriser", exact=True).click()
    assert "Mission locale de Lyon peut consulter : Certifications et diplômes" in page.content()
    _check(page)

    # The agent logs in with both factors and sees Camille, and only the granted section.
    agency = _visitor(browser, fc_browser)
    login_with_two_factors(
        agency, "amina@ml-lyon.fr", factories.PASSWORD, factories.TOTP_SECRET, "/organisations/"
    )
    agency.wait_for_url("**/organisations/")
    holders = agency.get_by_role("table", name="Consentements en cours")
    assert "Certifications et diplômes" in holders.inner_text()
    _check(agency)
    agency.get_by_role("link", name=holder.user.display_name).click()
    main = agency.locator("main").inner_text()
    assert "Licence professionnelle Métiers du numérique" in main
    assert "Formation Sauveteur secouriste du travail" not in main
    assert person.nir not in agency.content()
    _check(agency)
    passport_url = agency.url

    # The read is shown to the holder with the organisation's and the agent's names.
    page.goto("/passeport/mes-donnees/")
    accesses = page.get_by_role("table", name="Consultations par une autre personne que vous")
    assert "Mission locale de Lyon" in accesses.inner_text()
    assert agent.user.display_name in accesses.inner_text()

    # The holder withdraws: the agent's next request shows nothing.
    page.goto("/passeport/autorisations/")
    page.get_by_role("button", name="Retirer l’accès de Mission locale de Lyon").click()
    assert "ne peut plus consulter votre passeport" in page.content()
    answer = agency.goto(passport_url)
    assert answer.status == 404
    assert "Licence professionnelle" not in agency.content()
    agency.goto("/organisations/")
    assert "Aucun titulaire ne vous a donné accès" in agency.locator("main").inner_text()


def _http(url, *, data=None, headers=None):
    """The application's back end: plain HTTP to the live server (status, headers, JSON)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_application_gets_a_holder_token_with_pkce_and_reads_the_granted_scope_only(
    page, fc_browser
):
    person = _camille_with_entries()
    app = factories.OAuthClientFactory(name="Appli Carrière", redirect_uri=REDIRECT)
    verifier, challenge = factories.pkce_pair()
    params = {
        "response_type": "code",
        "client_id": app.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": "passeport.certifications:lecture",
        "state": "etat-navigateur",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    # The application's redirection endpoint, outside the service: the browser lands there.
    page.route(
        "https://appli.exemple.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Retour</p>"),
    )
    authorize = "/oauth/authorize/?" + urllib.parse.urlencode(params)
    page.goto(authorize)
    page.wait_for_url("**/franceconnect/**")  # the holder logs in with FranceConnect
    _log_in_camille(page, person, start=page.url)
    page.get_by_role("heading", name="Autoriser « Appli Carrière » à accéder à votre passeport ?")
    consent_screen = page.locator("main").inner_text()
    assert "Lire la rubrique « Certifications et diplômes » de votre passeport" in consent_screen
    _check(page)
    page.get_by_role("button", name="Autoriser", exact=True).click()
    page.wait_for_url("https://appli.exemple.test/retour?*")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["state"] == ["etat-navigateur"]

    base = fc_browser.url
    status, _headers, tokens = _http(
        f"{base}/oauth/token/",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": app.application.client_id,
            "client_secret": app.clear_secret,
            "code_verifier": verifier,
        },
    )
    assert status == 200, tokens
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    status, _headers, body = _http(f"{base}/api/v1/moi/certifications", headers=bearer)
    assert status == 200, body
    assert [e["intitule"] for e in body["entrees"]] == [
        "Licence professionnelle Métiers du numérique"
    ]
    status, headers, problem = _http(f"{base}/api/v1/moi/formations", headers=bearer)
    assert status == 403 and "passeport.formations:lecture" in problem["detail"]
    assert headers["Content-Type"] == "application/problem+json"
    assert AccessLog.objects.filter(
        holder__person_id=person.pk, accessor_label__contains="Appli Carrière"
    ).exists()
    # The holder sees the application among those authorized.
    page.goto("/passeport/autorisations/")
    assert page.get_by_role("button", name="Retirer l’accès de Appli Carrière").is_visible()
