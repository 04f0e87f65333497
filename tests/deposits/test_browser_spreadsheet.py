"""A certifier deposits a dirty spreadsheet in a real browser: map an unrecognised column →
preview of the fixes → confirm → the deposit's accusés and the built files; then a file with the
same headers is mapped « comme la dernière fois »."""

import re

import pytest

from passeport.deposits.demo import dirty_spreadsheet
from passeport.deposits.models import Deposit, SpreadsheetAnalysis
from passeport.testing import factories, tasks

from .test_browser_deposits import check_page, log_in


def send(page, path):
    page.get_by_role("link", name="Déposer des fichiers").first.click()
    page.get_by_label(re.compile("Fichiers à déposer")).set_input_files(str(path))
    page.get_by_role("button", name="Déposer", exact=True).click()
    page.get_by_role("heading", name=re.compile("Analyse du tableur")).wait_for()
    tasks.run_worker()  # the inspection, queued by the upload
    page.get_by_role("heading", name="Correspondance des colonnes").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_spreadsheet_mapped_previewed_deposited_then_remembered(page, live_server, tmp_path):
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    factories.MemberFactory(certifier=certifier, email="scolarite@example.fr", depositor=True)
    first = tmp_path / "jury-juin.xlsx"
    dirty_spreadsheet(first)
    log_in(page, f"/depots/{certifier.pk}/", "scolarite@example.fr")

    send(page, first)
    check_page(page)
    row = page.get_by_role("row").filter(has_text="Date PV")
    assert "non reconnue" in row.inner_text()
    page.get_by_label("Champ de « Date PV »").select_option("dateDebutValidite")
    page.get_by_role("button", name="Construire l'aperçu").click()
    page.get_by_role("heading", name=re.compile("Analyse du tableur")).wait_for()
    tasks.run_worker()  # the build
    page.get_by_role("heading", name="Aperçu avant dépôt").wait_for()
    check_page(page)
    text = page.content()
    assert "3 passage(s) seront écrits" in text and "1053 → 01053" in text
    assert "31/02/1996" in text

    page.get_by_role("button", name=re.compile("Déposer les 3 passage")).click()
    deposit = Deposit.objects.get()
    page.get_by_role("heading", name=re.compile(f"Dépôt n° {deposit.number} ")).wait_for()
    for name, suffix in (
        ("Télécharger le flux XML construit", ".xml"),
        ("Télécharger les lignes à corriger (tableur)", ".xlsx"),
        ("Télécharger le rapport de construction (HTML)", ".html"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        assert download.value.suggested_filename.endswith(suffix)
    tasks.run_worker()  # the deposit's processing: its accusé de traitement
    page.goto(f"/depots/{certifier.pk}/{deposit.pk}/")
    page.get_by_role("link", name="Télécharger l'accusé de traitement (XML)").wait_for()

    second = tmp_path / "jury-juillet.xlsx"
    dirty_spreadsheet(second, rows=[])
    send(page, second)
    assert "comme la dernière fois" in page.content()
    assert page.get_by_label("Champ de « Date PV »").input_value() == "dateDebutValidite"
    assert SpreadsheetAnalysis.objects.filter(remembered=True).count() == 1
