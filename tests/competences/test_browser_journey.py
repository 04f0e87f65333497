"""A holder's journey in a real browser: FranceConnect (dev provider) → « Mes compétences »
(the map, a provenance opened, an appellation chosen, a competence confirmed, one hidden) →
« Mon avenir » (ranked occupations, gaps, certifications) → a goal, shown on the passport."""

import datetime

import pytest

from passeport.franceconnect import client as fc_client
from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.recording import record_certification
from passeport.testing import factories
from passeport.testing.browser import assert_no_console_errors, unnamed_interactive_elements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dev_provider(settings, live_server):
    settings.FRANCECONNECT_DEV_PROVIDER = True
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/fc-dev"
    settings.FRANCECONNECT_CLIENT_SECRET = "secret-de-test-navigateur"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    fc_client._clients.clear()
    yield
    fc_client._clients.clear()


def _check(page):
    assert unnamed_interactive_elements(page) == [], page.url
    assert_no_console_errors(page)


def test_competences_and_avenir_journey(page, live_server, dev_provider, loaded):
    (person,) = ensure_in_register(BY_KEY["camille"])
    record_certification(
        person,
        emetteur_id="LYCEDEMO",
        certificateur_id="LYCEDEMO",
        certifier_name="Lycée de Démo",
        code="RNCP35340",
        type="RNCP",
        title="BTS Services informatiques aux organisations",
        award_date=datetime.date(2012, 7, 4),
        id_technique="NAV-BTS-1",
        flux_id="FLUX-NAV",
    )
    for title, codes in (
        ("Administratrice systèmes et réseaux", {"code_rome": "M1801", "appellation": "489089"}),
        ("RSSI", {}),  # no code: its appellation is suggested from the title
    ):
        factories.GuaranteedEntryFactory(
            person_id=person.pk, career=True, title=title, details={"job_title": title, **codes}
        )

    page.goto("/franceconnect/")
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.wait_for_url("**/fc-dev/authorize?*")
    page.locator("label", has_text="Camille Lefèvre").click()
    page.get_by_role("button", name="Se connecter avec cette identité").click()
    page.wait_for_url("**/passeport/")

    # « Mes compétences »: the map, then a competence's provenance down to entry and release.
    page.get_by_role("link", name="Mes compétences").first.click()
    page.wait_for_url("**/passeport/competences/")
    _check(page)
    assert page.get_by_role("heading", name="Carte de vos compétences").is_visible()
    assert page.locator("svg.pp-map circle").count() > 100
    row = page.locator(
        "tr", has=page.get_by_role("rowheader", name="Gérer les droits d'accès des utilisateurs")
    )
    row.locator("summary").click()
    chain = row.locator(".pp-chain").inner_text()
    assert "BTS Services informatiques aux organisations" in chain and "RNCP35340" in chain
    assert "M1801" in chain and "cœur de métier" in chain and "ROME v460" in chain
    assert "3 — solide" in row.inner_text()  # the BTS's fiches (2) and the job (1)

    # The experience without codes: its suggested appellation, applied only when chosen.
    # The closest appellation, proposed first…
    assert page.locator('input[name="appellation"][value="404296"]').is_checked()
    page.get_by_role("button", name="Valider pour « RSSI »").click()  # …applied when validated
    page.wait_for_url("**/passeport/competences/#appellations")
    assert "est appliquée" in page.locator(".fr-alert").first.inner_text()
    _check(page)

    # Confirm one competence, hide another.
    page.get_by_role(
        "button", name="Confirmer « Gérer les droits d'accès des utilisateurs »"
    ).click()
    assert "Compétence confirmée." in page.locator(".fr-alert").first.inner_text()
    row = page.locator(
        "tr", has=page.get_by_role("rowheader", name="Gérer les droits d'accès des utilisateurs")
    )
    assert "confirmée par vous" in row.inner_text().lower()  # (badges are upper-cased by CSS)
    assert "4 — très solide" in row.inner_text()
    page.get_by_role("button", name="Masquer « Travailler en mode projet »").click()
    page.get_by_text("Compétences masquées (1)").wait_for()
    assert page.get_by_role("button", name="Confirmer « Travailler en mode projet »").count() == 0
    _check(page)

    # « Mon avenir »: ranked occupations with their gaps and certifications.
    page.get_by_role("link", name="Mon avenir").first.click()
    page.wait_for_url("**/passeport/avenir/")
    _check(page)
    first = page.locator("#metiers li.pp-entry").first
    assert "%" in first.inner_text()
    first.locator("summary").click()
    assert "Cœur de métier qui vous manque" in first.inner_text()
    assert (
        page.locator("#metiers").get_by_text("Certifications qui préparent à ce métier").count()
        >= 1
    )
    assert page.get_by_role("heading", name="Mobilités depuis vos métiers").is_visible()

    # A goal: its gap here and on the passport page.
    target = page.locator("#metiers li.pp-entry").nth(1)
    name = target.locator("h3 a").inner_text()
    target.get_by_role("button", name=f"Choisir « {name} » comme objectif").click()
    page.wait_for_url("**/passeport/avenir/#objectif")
    assert f"Votre objectif est « {name} »" in page.locator(".fr-alert").first.inner_text()
    assert name in page.locator("#objectif").inner_text()
    page.get_by_role("link", name="Mon passeport").first.click()
    page.wait_for_url("**/passeport/")
    panel = page.locator("#objectif-professionnel")
    assert name in panel.inner_text() and "%" in panel.inner_text()
    _check(page)
