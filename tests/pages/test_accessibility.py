"""axe-core on the main pages of each journey (visitor, certifier, holder, operator), in a real
browser, failing on any violation; and the error handling of the online entry form as a keyboard
or screen reader user meets it (RGAA 11.10: summary focused, links to the fields, fields marked
invalid)."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from passeport.deposits.models import Deposit
from passeport.deposits.reception import receive
from passeport.testing import factories, tasks
from passeport.testing.browser import assert_no_axe_violations, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, *, two_factor=True):
    """The browser gets the session of `user` (the login pages have their own browser tests)."""
    client = Client()
    if two_factor:
        factories.verified_client(client, user)
    else:
        client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def check(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    assert_no_axe_violations(page)
    assert_no_console_errors(page)


def test_visitor_pages(page):
    for url in ("/", "/compte/connexion/", "/depots/verifier-mon-fichier/"):
        check(page, url)


def test_certifier_pages(page, live_server):
    certifier = factories.CertifierFactory(sample=True)
    admin = factories.MemberFactory(certifier=certifier, email="admin@example.fr")
    factories.register_holders(4, skip=(0,))
    receive(
        ContentFile(factories.sample_flux(4)),
        file_name="promo.xml",
        certifier=certifier,
        user=admin,
        channel=Deposit.Channel.PORTAL,
    )
    tasks.run_worker()
    deposit = Deposit.objects.get()
    log_in(page, live_server, admin)
    base = f"/depots/{certifier.pk}/"
    space = f"/certificateurs/{certifier.pk}/"
    for url in (
        base,
        base + "deposer/",
        base + "saisir/",
        f"{base}{deposit.pk}/",
        space + "membres/",
        space + "jetons/",
        space + "support/",
    ):
        check(page, url)
    # On a narrow screen (RGAA 10.11, WCAG 1.4.10) the dashboard's actions keep their text.
    page.set_viewport_size({"width": 360, "height": 800})
    check(page, base)
    for name in ("Déposer des fichiers", "Saisir un passage en ligne"):
        link = page.get_by_role("link", name=name).first
        clipped = link.evaluate("e => e.scrollWidth > e.clientWidth + 1")
        assert not clipped, f"« {name} » : texte coupé sur un écran étroit"


def test_login_sent_empty_in_the_browser(page):
    page.goto("/compte/connexion/")
    page.get_by_role("button", name="Se connecter").click()
    page.locator("#error-summary").wait_for()
    assert page.title().startswith("Erreur : Se connecter")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)


def test_holder_pages(page, live_server):
    holder = factories.HolderFactory(name="alice", linked=True)
    factories.CertificationFactory(person=holder.person)
    entry = factories.EntryFactory(holder=holder)
    log_in(page, live_server, holder.user, two_factor=False)
    for url in (
        "/passeport/",
        "/passeport/parcours/",
        f"/passeport/entrees/{entry.pk}/",
        "/passeport/mes-donnees/",
    ):
        check(page, url)


def test_backoffice_home(page, live_server):
    log_in(page, live_server, factories.UserFactory(operator=True))
    check(page, "/back-office/")


def test_online_entry_sent_empty_in_the_browser(page, live_server):
    certifier = factories.CertifierFactory(sample=True)
    user = factories.MemberFactory(certifier=certifier, email="d@example.fr", depositor=True)
    log_in(page, live_server, user)
    page.goto(f"/depots/{certifier.pk}/saisir/")
    page.get_by_role("button", name="Déposer le passage").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.title().startswith("Erreur : Saisir un passage")
    assert page.evaluate("() => document.activeElement && document.activeElement.id") == (
        "error-summary"
    )
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert links.count() >= 8
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        field = page.locator(target)
        assert field.get_attribute("aria-invalid") == "true", target
        described = field.get_attribute("aria-describedby").split()
        assert f"{target[1:]}-desc-error" in described
        for id_ in described:
            assert page.locator(f"#{id_}").count() == 1, id_
    # Following a link of the summary takes the keyboard to the field.
    links.first.focus()
    page.keyboard.press("Enter")
    first = links.first.get_attribute("href")[1:]
    page.wait_for_function(f"() => document.activeElement.id === '{first}'")
    assert_no_axe_violations(page)
    assert Deposit.objects.count() == 0


def test_spreadsheet_deposit_pages(page, live_server):
    from passeport.deposits import analysis as analysing
    from passeport.deposits.demo import dirty_spreadsheet

    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    member = factories.MemberFactory(certifier=certifier, depositor=True)
    found = analysing.start(ContentFile(dirty_spreadsheet()), file_name="jury.xlsx",
                            certifier=certifier)  # fmt: skip
    tasks.run_worker()
    found.refresh_from_db()
    log_in(page, live_server, member)
    base = f"/depots/{certifier.pk}/tableurs/{found.pk}/"
    check(page, base + "colonnes/")
    analysing.choose(found, {**found.mapping, "Date PV": "dateDebutValidite"})
    tasks.run_worker()
    check(page, base + "apercu/")
