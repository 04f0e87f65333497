"""A holder's journey in a real browser: FranceConnect (dev provider) → guaranteed certification
→ declared entry with a document → timeline → download my data → logout."""

import json

import pytest

from passeport.franceconnect import client as fc_client
from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.recording import record_certification
from passeport.testing import factories
from passeport.testing.browser import assert_no_console_errors, unnamed_interactive_elements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fc_dev(settings, live_server):
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


def test_holder_journey(page, live_server, fc_dev, private_storage, tmp_path):
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
        id_technique="NAV-0001",
        flux_id="FLUX-NAV",
    )

    page.goto("/")
    page.get_by_role("link", name="Je suis titulaire").click()
    page.wait_for_url("**/franceconnect/")
    _check(page)
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.wait_for_url("**/fc-dev/authorize?*")
    _check(page)
    page.locator(
        "label", has_text="Camille Lefèvre"
    ).click()  # DSFR radios: the label is the target
    assert page.get_by_label("Camille Lefèvre").is_checked()
    page.get_by_role("button", name="Se connecter avec cette identité").click()
    page.wait_for_url("**/passeport/")
    _check(page)

    certification = page.locator(
        "li.pp-entry", has_text="Licence professionnelle Métiers du numérique"
    )
    assert certification.locator(".fr-badge", has_text="Garantie").is_visible()
    certification.get_by_role("link").click()
    assert "NAV-0001" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Signaler une erreur").is_visible()
    assert page.get_by_role("link", name="Modifier").count() == 0
    _check(page)

    page.get_by_role("link", name="Mon passeport").first.click()
    page.get_by_role("link", name="Ajouter une entrée").click()
    page.get_by_label("Nature").select_option("licence")
    page.get_by_label("Intitulé").fill("Permis de conduire B")
    page.get_by_label("Date d'obtention").fill("2008-06-12")
    document = tmp_path / "permis.pdf"
    document.write_bytes(factories.PDF)
    page.get_by_label("Justificatif").set_input_files(str(document))
    _check(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/passeport/entrees/*/")
    assert page.locator(".fr-badge", has_text="Déclarée avec justificatif").is_visible()
    assert page.get_by_role("link", name="permis.pdf").is_visible()
    _check(page)

    page.get_by_role("link", name="Mon parcours").first.click()
    main = page.locator("main")
    assert "Permis de conduire B" in main.inner_text()
    assert "Licence professionnelle Métiers du numérique" in main.inner_text()
    page.get_by_label("Niveau de confiance").select_option("garantie")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**trust=garantie*")
    assert "Permis de conduire B" not in page.locator("main").inner_text()
    _check(page)

    page.get_by_role("link", name="Mes données").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger (JSON)").click()
    data = json.loads(download_info.value.path().read_text())
    titles = {entry["intitule"] for entry in data["entrees"]}
    assert titles == {"Permis de conduire B", "Licence professionnelle Métiers du numérique"}
    _check(page)

    page.get_by_role("link", name="Consulter (page lisible)").click()
    assert "Permis de conduire B" in page.locator("main").inner_text()
    _check(page)
    page.get_by_role("link", name="Passeport de prévention").first.click()
    page.get_by_role("link", name="Mon attestation de prévention").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Attestation de prévention"
    _check(page)

    page.get_by_role("button", name="Se déconnecter").click()
    # Logged out here, then at the provider (end session), which sends the browser back home.
    page.wait_for_url(f"{live_server.url}/")
    assert (
        "Vous êtes déconnecté de Passeport et de FranceConnect" in page.locator("body").inner_text()
    )
    page.goto("/passeport/")
    page.wait_for_url("**/franceconnect/**")
    _check(page)
