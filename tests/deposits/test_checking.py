"""« Vérifier mon fichier » (deposits/checking.py and its public page): the CLI's report for a
flux, a build preview for a spreadsheet, hostile files refused in French, nothing kept."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from passeport.deposits import checking
from passeport.deposits.models import Deposit
from passeport.testing import factories

pytestmark = pytest.mark.django_db

URL = "/depots/verifier-mon-fichier/"
CSV = (
    "Code RNCP;NOM NAISSANCE;Prénom;Sexe;Date de naissance;Date du jury;Mode d'obtention;"
    "Donnée certifiée;Code INSEE;Modalité d'accès\n"
    "RNCP19117;Dupont;Antoine;H;15/11/1996;01/09/2026;Par admission;Oui;1053;VAE\n"
    "RNCP19117;Martin;Julie;F;02/03/1995;01/09/2026;Par admission;Oui;2108;VAE\n"
    "RNCP19117;Durand;Léa;F;31/02/1996;01/09/2026;Par admission;Oui;31555;VAE\n"
)


@pytest.fixture(autouse=True)
def fresh_counters():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def post(client, name, data, **extra):
    return client.post(URL, {"fichier": SimpleUploadedFile(name, data)}, **extra)


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def billion_laughs() -> bytes:
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE cpf:flux [{entities}]>\n'
        '<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0"><cpf:idFlux>&l9;</cpf:idFlux>'
        "</cpf:flux>"
    ).encode()


# -- the module ----------------------------------------------------------------------------------


def test_spreadsheet_suffix_by_content_then_name():
    assert checking.spreadsheet_suffix("x.bin", b"PK\x03\x04....xl/workbook.xml") == ".xlsx"
    assert checking.spreadsheet_suffix("promo.CSV", b"a;b\n") == ".csv"
    assert checking.spreadsheet_suffix("flux.xml", b"<?xml") is None
    assert checking.spreadsheet_suffix("sans-nom", b"\x00\x01") is None


def test_public_name_drops_the_clients_path():
    assert checking.public_name("C:\\Users\\moi\\promo.xlsx") == "promo.xlsx"
    assert checking.public_name("../../etc/passwd") == "passwd"


def test_zip_refusal_reads_declared_sizes_only(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(zip_bomb())
    message = checking.zip_refusal(bomb, "bomb.xlsx")
    assert "bomb.xlsx" in message and "volume anormal" in message
    ordinary = tmp_path / "a.csv"
    ordinary.write_text(CSV)
    assert checking.zip_refusal(ordinary, "a.csv") is None


# -- the page ------------------------------------------------------------------------------------


def test_the_page_is_public_and_linked_from_home(client):
    page = client.get(URL)
    assert page.status_code == 200
    assert "Vérifier mon fichier" in page.text and "Rien n’est déposé" in page.text
    assert page["X-Robots-Tag"] == "noindex"
    assert URL in client.get("/").text


def test_a_valid_flux_gets_the_clis_html_report(client):
    response = post(client, "promo.xml", factories.sample_flux(3))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Rapport de validation du flux CDC" in response.text
    assert "promo.xml" in response.text and "valide" in response.text
    # the report's own inline style and script are allowed by hash, nothing else inline
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy
    assert Deposit.objects.count() == 0


def test_an_invalid_flux_lists_its_findings(client):
    data = factories.sample_flux(2).replace(b"<cpf:idFlux>", b"<cpf:idFluxX>", 1)
    response = post(client, "faux.xml", data)
    assert response.status_code == 200
    assert "non valide" in response.text
    assert "ERREUR" in response.text.upper()


def test_a_spreadsheet_gets_a_build_preview(client):
    response = post(client, "promo.csv", CSV.encode("utf-8"))
    assert response.status_code == 200, response.text
    text = response.text
    assert "Aperçu de la construction : promo.csv" in text
    assert "3 lignes lues" in text and "2 passages seraient écrits" in text
    assert "1 ligne à corriger" in text
    assert "1053 → 01053" in text  # an automatic fix, with its example
    assert "Colonnes reconnues" in text and "NOM NAISSANCE" in text
    assert "Certification RNCP19117 : 2 passages" in text
    assert Deposit.objects.count() == 0


def test_a_spreadsheet_without_headers_says_what_to_do(client):
    response = post(client, "vide.csv", b"a;b\n1;2\n")
    assert response.status_code == 200
    assert "Aucun flux ne peut être construit" in response.text
    assert "vide.csv" in response.text and "/tmp" not in response.text


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bombe.xlsx", zip_bomb(), "volume anormal"),
        ("rires.xml", billion_laughs(), "DOCTYPE"),
        (
            "xxe.xml",
            b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0">&x;</cpf:flux>',
            "DOCTYPE",
        ),
        ("bruit.xlsx", bytes(range(256)) * 64, "bruit.xlsx"),
        ("bruit.xml", bytes(range(256)) * 64, "bruit.xml"),
    ],
)
def test_hostile_files_get_a_french_message(client, name, data, words):
    response = post(client, name, data)
    assert response.status_code in (200, 422), response.text[:500]
    assert words in response.text
    assert "Traceback" not in response.text and "root:" not in response.text
    assert Deposit.objects.count() == 0


@override_settings(CHECK_FILE_MAX_BYTES=10_000)
def test_size_limit(client):
    response = post(client, "gros.xml", b"<a>" + b" " * 20_000 + b"</a>")
    assert response.status_code == 413
    assert "gros.xml : fichier trop volumineux" in response.text
    assert "passeport flux validate" in response.text


def test_nothing_sent(client):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Aucun fichier reçu" in response.text


def test_rate_limited_per_client_with_a_french_429(client):
    rates = {**settings.THROTTLE_RATES, "check-file-address": "2/m"}
    with override_settings(THROTTLE_RATES=rates):
        for _ in range(2):
            assert post(client, "a.csv", CSV.encode()).status_code == 200
        refused = post(client, "a.csv", CSV.encode())
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) >= 1
        assert "Trop de fichiers vérifiés" in refused.text and "Réessayez" in refused.text
        # another client is not affected
        assert post(client, "a.csv", CSV.encode(), REMOTE_ADDR="10.9.9.9").status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [("promo.csv", CSV.encode()), ("promo.xml", None), ("bombe.xlsx", zip_bomb())],
)
def test_the_upload_is_deleted_once_the_report_is_made(client, tmp_path, name, data):
    # Every upload goes to a temporary file there (no in-memory upload), as a large one does.
    data = data or factories.sample_flux(2)
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), FILE_UPLOAD_MAX_MEMORY_SIZE=0):
        response = post(client, name, data)
    assert response.status_code in (200, 422)
    assert list(tmp_path.iterdir()) == []
