"""The spreadsheet deposit's pages (deposits/analysis_views.py): upload, mapping screen, preview,
confirm, downloads, and who may reach them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from passeport.deposits.demo import DIRTY_FILE_NAME, dirty_spreadsheet
from passeport.deposits.models import Deposit, SpreadsheetAnalysis
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def depositor():
    certifier = factories.CertifierFactory(codes=("RNCP35340",))
    member = factories.MemberFactory(certifier=certifier, depositor=True)
    return certifier, factories.verified_client(Client(), member)


def upload(client, certifier, data=None, name=DIRTY_FILE_NAME):
    body = SimpleUploadedFile(name, dirty_spreadsheet() if data is None else data)
    return client.post(reverse("deposits:upload", args=[certifier.pk]), {"fichier": body})


def test_upload_map_preview_confirm_and_download(depositor):
    certifier, client = depositor
    response = upload(client, certifier)
    found = SpreadsheetAnalysis.objects.get()
    assert response.url == reverse("deposits:analysis", args=[certifier.pk, found.pk])
    assert '<progress id="analysis-progress"' in client.get(response.url).content.decode()
    tasks.run_worker()
    columns = reverse("deposits:analysis_columns", args=[certifier.pk, found.pk])
    assert client.get(response.url).url == columns
    page = client.get(columns).content.decode()
    assert "Date PV" in page and "non reconnue" in page and "Nom de naissance (8.1)" in page
    position = next(c["position"] for c in found.__class__.objects.get().inspection["columns"]
                    if c["header"] == "Date PV")  # fmt: skip
    post = client.post(columns, {f"colonne-{position}": "dateDebutValidite"})
    assert post.status_code == 400  # the other columns were not sent: undecided
    choices = {f"colonne-{c['position']}": c["key"] or "" for c in
               SpreadsheetAnalysis.objects.get().inspection["columns"]}  # fmt: skip
    choices[f"colonne-{position}"] = "dateDebutValidite"
    assert client.post(columns, choices).status_code == 302
    tasks.run_worker()
    preview_url = reverse("deposits:analysis_preview", args=[certifier.pk, found.pk])
    preview = client.get(preview_url).content.decode()
    assert "3 passage(s) seront écrits" in preview and "1053 → 01053" in preview
    assert "31/02/1996" in preview
    toml = client.get(reverse("deposits:analysis_mapping", args=[certifier.pk, found.pk]))
    assert '"Date PV" = "dateDebutValidite"' in toml.content.decode()
    confirmed = client.post(preview_url)
    deposit = Deposit.objects.get()
    assert confirmed.url == reverse("deposits:detail", args=[certifier.pk, deposit.pk])
    detail = client.get(confirmed.url).content.decode()
    assert "Télécharger le flux XML construit" in detail
    for kind in ("flux", "rapport", "lignes"):
        got = client.get(reverse("deposits:analysis_download", args=[certifier.pk, found.pk, kind]))
        assert got.status_code == 200 and b"".join(got.streaming_content)
    assert client.post(preview_url).status_code == 302  # confirmed once: back to the deposit
    assert Deposit.objects.count() == 1


def test_bad_file_shows_a_french_message(depositor):
    certifier, client = depositor
    response = upload(client, certifier, b"pas un classeur", name="jury.csv")
    tasks.run_worker()
    page = client.get(response.url).content.decode()
    assert "Ce tableur ne peut pas être utilisé" in page and "jury.csv" in page


def test_unknown_analysis_and_another_certifiers_are_404(depositor):
    certifier, client = depositor
    upload(client, certifier)
    found = SpreadsheetAnalysis.objects.get()
    other = factories.CertifierFactory()
    other_member = factories.MemberFactory(certifier=other, depositor=True)
    stranger = factories.verified_client(Client(), other_member)
    for name in ("analysis", "analysis_columns", "analysis_preview", "analysis_mapping"):
        assert (
            stranger.get(reverse(f"deposits:{name}", args=[certifier.pk, found.pk])).status_code
            == 404
        )
        assert (
            stranger.get(reverse(f"deposits:{name}", args=[other.pk, found.pk])).status_code == 404
        )
    unknown = reverse("deposits:analysis", args=[certifier.pk, other.pk])
    assert client.get(unknown).status_code == 404
    reader = factories.MemberFactory(certifier=certifier, read_only=True)
    reading = factories.verified_client(Client(), reader)
    assert (
        reading.get(reverse("deposits:analysis", args=[certifier.pk, found.pk])).status_code == 404
    )
