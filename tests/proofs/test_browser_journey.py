"""The proofs journey in a real browser, with the independent verifier at the end:

a holder builds a CV with guaranteed and declared entries → downloads the signed PDF → a
visitor uploads it on « Vérifier un document » → « Authentique » with the comparison; the
holder revokes the CV → « Révoqué »; the certifier's SUPPRESSION of the passage (a real
deposit, processed by the worker) → its credential verifies as revoked on our page and in
Digital Bazaar's verifier."""

import json

import pytest
from django.core.files.base import ContentFile

from passeport.deposits.reception import receive
from passeport.flux.suppression import build_suppression
from passeport.franceconnect import client as fc_client
from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.models import Entry, Holder
from passeport.passport.recording import record_certification
from passeport.proofs import credentials, linkeddata
from passeport.testing import factories, tasks
from passeport.testing.browser import assert_no_console_errors, unnamed_interactive_elements
from passeport.testing.verifiers import node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fc_dev(settings, live_server):
    settings.FRANCECONNECT_DEV_PROVIDER = True
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/fc-dev"
    settings.FRANCECONNECT_CLIENT_SECRET = "secret-de-test-navigateur"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.SITE_URL = live_server.url
    fc_client._clients.clear()
    yield
    fc_client._clients.clear()


def _check(page):
    assert unnamed_interactive_elements(page) == [], page.url
    assert_no_console_errors(page)


def _login_as_camille(page):
    page.goto("/franceconnect/")
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.wait_for_url("**/fc-dev/authorize?*")
    page.locator("label", has_text="Camille Lefèvre").click()
    page.get_by_role("button", name="Se connecter avec cette identité").click()
    page.wait_for_url("**/passeport/")


def _upload(page, path) -> str:
    page.goto("/verifier/")
    page.get_by_label("Document à vérifier").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier", exact=True).click()
    page.wait_for_selector("[data-verdict]")
    return page.locator("[data-verdict]").get_attribute("data-verdict")


def test_cv_signed_verified_revoked_then_suppression(
    page, browser, live_server, fc_dev, storage, tmp_path, client
):
    certifier = factories.CertifierFactory(sample=True)
    (person,) = ensure_in_register(BY_KEY["camille"])
    entry = record_certification(
        person,
        emetteur_id=certifier.id_client,
        certificateur_id=certifier.id_client,
        certifier_name=certifier.name,
        code="RNCP35185",
        type="RNCP",
        title="Licence professionnelle Métiers du numérique",
        award_date=None,
        id_technique="NAV-PREUVE-1",
        flux_id="FLUX-NAV",
    )
    _login_as_camille(page)
    holder = Holder.objects.get(person_id=person.pk)
    factories.EntryFactory(holder=holder, title="Bénévole aux Restos du cœur")

    # The holder builds a CV: both entries are proposed, each with its trust level in words.
    page.get_by_role("link", name="Mes CV").first.click()
    _check(page)
    page.get_by_role("link", name="Créer un CV").click()
    page.get_by_label("Nom du CV").fill("Candidature Airbus")
    page.get_by_label("Titre affiché").fill("Développeuse web")
    assert page.get_by_label(
        "Licence professionnelle Métiers du numérique — Donnée garantie"
    ).is_checked()
    assert page.get_by_label("Bénévole aux Restos du cœur — Déclarée par le titulaire").is_checked()
    preview = page.locator("#cv-preview")
    preview.get_by_text("Développeuse web").wait_for()  # the live preview follows the form
    _check(page)
    page.get_by_role("button", name="Enregistrer le CV").click()
    page.wait_for_url("**/passeport/cv/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le PDF signé").click()
    pdf = tmp_path / "cv.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    _check(page)

    # A visitor, not logged in, verifies the PDF.
    visitor = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    visitor.console_errors = []
    visitor.on(
        "console", lambda m: visitor.console_errors.append(m.text) if m.type == "error" else None
    )
    assert _upload(visitor, pdf) == "authentique"
    table = visitor.get_by_role(
        "table", name="Comparaison : ce que dit le CV, ce que le passeport contient aujourd’hui"
    )
    assert "Licence professionnelle Métiers du numérique" in table.inner_text()
    assert "identique" in table.inner_text().lower()  # a DSFR badge, shown in capitals
    _check(visitor)

    # The holder revokes the CV: the same PDF is now « révoqué ».
    page.get_by_role("button", name="Révoquer").click()
    page.wait_for_url("**/passeport/cv/")
    assert _upload(visitor, pdf) == "revoque"
    assert "révoqué par son titulaire" in visitor.locator("[data-verdict]").inner_text()

    # The certifier withdraws the passage with a SUPPRESSION flux; the worker processes it and
    # runs the revocation task it queued.
    credential = credentials.current(entry)
    suppression = build_suppression(
        [("RNCP35185", "NAV-PREUVE-1")],
        None,
        emetteur=certifier.id_client,
        certificateur=certifier.id_client,
        contrat=certifier.id_contrat,
    )
    receive(ContentFile(suppression.xml), file_name="suppression.xml", certifier=certifier)
    tasks.run_worker()
    tasks.run_worker()  # the revocation task queued when the withdrawal committed
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None

    visitor.goto(f"/verifier/attestation/{credential.pk}/")
    assert visitor.locator("[data-verdict]").get_attribute("data-verdict") == "revoque"
    assert "le passage a été retiré" in visitor.locator("main").inner_text()
    visitor.goto("/verifier/")
    visitor.get_by_label("Ou collez une attestation numérique").fill(credential.jwt)
    visitor.get_by_role("button", name="Vérifier", exact=True).click()
    assert visitor.locator("[data-verdict]").get_attribute("data-verdict") == "revoque"
    _check(visitor)

    # Digital Bazaar's verifier, given what the app serves: the status says revoked.
    document = json.loads(credential.document)
    status_url = document["credentialStatus"]["statusListCredential"]
    served = {
        "controller": json.loads(client.get("/preuves/emetteur").content),
        "documents": {
            **{
                url: linkeddata.context_document(url)
                for url in (linkeddata.OB_V3P0, linkeddata.OB_V3P0_EXTENSIONS, linkeddata.CID_V1)
            },
            status_url: json.loads(client.get(status_url.removeprefix(live_server.url)).content),
        },
    }
    result = node("credentials.mjs", "verify", {"credential": document, **served})
    assert (
        result["proofVerified"] is True and result["revoked"] is True and result["valid"] is False
    )
    assert Entry.objects.filter(pk=entry.pk, withdrawn_at__isnull=False).exists()
