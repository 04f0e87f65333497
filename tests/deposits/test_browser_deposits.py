"""A certifier in a real browser: TOTP login → upload → progress → accusés → online correction."""

import re
from pathlib import Path

import pyotp
import pytest

from passeport.deposits.models import Deposit, PassageOutcome
from passeport.flux.samples import sample_passage
from passeport.identity.models import Person
from passeport.testing import factories, tasks
from passeport.testing.browser import assert_no_console_errors, unnamed_interactive_elements


def log_in(page, url: str, email: str) -> None:
    """The member's real login (password, then TOTP), landing on the dashboard at `url`."""
    page.goto(url)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill(
        pyotp.TOTP(factories.TOTP_SECRET).now()
    )
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("heading", name="Tableau de bord des dépôts").wait_for()


def check_page(page):
    assert_no_console_errors(page)
    assert unnamed_interactive_elements(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_progress_accuses_and_online_correction(page, live_server, tmp_path):
    certifier = factories.CertifierFactory(sample=True)
    factories.MemberFactory(certifier=certifier, email="scolarite@example.fr", depositor=True)
    # Passage 1's holder is missing from the register: it comes back KO, to be corrected.
    factories.register_holders(6, skip=(0,))
    flux = tmp_path / "promotion-2026.xml"
    flux.write_bytes(factories.sample_flux(6))

    log_in(page, f"/depots/{certifier.pk}/", "scolarite@example.fr")
    check_page(page)

    page.get_by_role("link", name="Déposer des fichiers").first.click()
    page.get_by_role("heading", name="Déposer des fichiers").wait_for()
    check_page(page)
    page.get_by_label(re.compile("Fichiers à déposer")).set_input_files(str(flux))
    page.get_by_role("button", name="Déposer", exact=True).click()
    progress = page.locator("#deposit-progress")
    progress.get_by_text("Traitement").wait_for()
    assert page.locator("#deposit-progress progress").count() == 1
    deposit = Deposit.objects.get()
    assert deposit.status == "recu"

    tasks.run_worker()
    link = progress.get_by_role("link", name="Voir le dépôt et ses accusés")
    link.wait_for()
    ok = factories.expected_ok(6, skip=(0,))
    assert f"{ok} accepté(s), {6 - ok} rejeté(s)" in progress.inner_text()
    link.click()

    page.get_by_role("heading", name=re.compile(f"Dépôt n° {deposit.number} ")).wait_for()
    check_page(page)
    assert "Aucun titulaire ne correspond aux critères obligatoires" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'accusé de traitement (XML)").click()
    assert download.value.suggested_filename.startswith("Accusé de traitement_promotion-2026.xml_")

    outcome = PassageOutcome.objects.get(status="ko", position=1)
    holder = sample_passage(0, 1)["identificationTitulaire"]["titulaire"]
    Person.objects.bulk_create(
        [
            factories.PersonFactory.build(
                **{**factories.titulaire_fields(holder), "birth_name": "Nom-Rectifié"}
            )
        ]
    )
    page.get_by_role("link", name=f"Corriger en ligne le passage {outcome.id_technique}").click()
    page.get_by_role("heading", name=f"Corriger le passage {outcome.id_technique}").wait_for()
    check_page(page)
    # Checked as it is typed (dictionary facets), before anything is sent — once the page's
    # deferred script runs: typing earlier is only checked when the field loses the focus.
    page.wait_for_load_state()
    year = page.get_by_label(re.compile(r"Année de naissance \(8\.6\)"))
    year.fill("19x6")
    page.get_by_text("Nombre entier attendu, en chiffres.").wait_for()
    assert year.get_attribute("aria-invalid") == "true"
    year.fill(holder["anneeNaissance"])
    assert year.get_attribute("aria-invalid") is None
    name_field = page.get_by_label(re.compile(r"Nom de naissance \(8\.1\)"))
    assert name_field.input_value() == holder["nomNaissance"]
    name_field.fill("Nom-Rectifié")
    page.get_by_role("button", name="Déposer le passage corrigé").click()
    page.get_by_text("Correction du passage").wait_for()
    correction = Deposit.objects.exclude(pk=deposit.pk).get()
    page.get_by_role("heading", name=re.compile(f"Dépôt n° {correction.number} ")).wait_for()
    tasks.run_worker()
    # status.js polls and reloads the page once the deposit is processed.
    page.get_by_role("heading", name="Accusé de traitement").wait_for()
    assert "1 passage(s) accepté(s), 0 rejeté(s)" in page.content()
    check_page(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ko_export_downloaded_in_the_browser_holds_a_typed_formula_as_text(page, live_server):
    """OWASP CSV injection, where staff meet it: the KO spreadsheet of their deposit page."""
    import io
    import zipfile

    from openpyxl import load_workbook

    certifier = factories.CertifierFactory(sample=True)
    factories.MemberFactory(certifier=certifier, email="scolarite@example.fr", depositor=True)
    evil = '=HYPERLINK("http://evil.example","Voir")'
    data = factories.sample_flux(2).replace(
        b"<cpf:nomNaissance>Dupont</cpf:nomNaissance>",
        b"<cpf:nomNaissance>" + evil.replace('"', "&quot;").encode() + b"</cpf:nomNaissance>",
        1,
    )
    deposit = factories.DepositFactory(certifier=certifier, data=data, file_name="formule.xml")
    tasks.run_worker()  # nobody is in the register: every passage is rejected
    log_in(page, f"/depots/{certifier.pk}/", "scolarite@example.fr")
    page.goto(f"{live_server.url}/depots/{certifier.pk}/{deposit.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les passages rejetés (tableur)").click()
    content = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    names = [row[rows[0].index("Nom de naissance (nomNaissance)")] for row in rows[1:]]
    assert evil in names
