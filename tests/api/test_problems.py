"""Every answer under /api/ that is an error is problem+json in French, whatever gives it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from passeport.certifiers.tokens import issue_token
from passeport.deposits.models import Deposit
from passeport.testing import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/depots"


@pytest.fixture
def auth():
    _token, clear = issue_token(factories.CertifierFactory(sample=True), "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def assert_problem(response, status, words):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    text = body["title"] + " " + body["detail"]
    assert words in text, body
    # French, not Django's or ninja's English defaults.
    for english in ("Not Found", "Bad Request", "Method not allowed", "Unauthorized"):
        assert english not in text
    return body


@pytest.mark.parametrize(
    "path", ["/api/v1/inconnu", "/api/", "/api/v2/depots", "/api/v1/depots/x/y/z", "/ims/ob/x"]
)
def test_unknown_paths_are_404_problems(client, auth, path):
    assert_problem(client.get(path, **auth), 404, "Aucune ressource de l'API")


@pytest.mark.parametrize("bad_id", ["pas-un-uuid", "1234", "00000000-0000-0000-0000-00000000000g"])
def test_malformed_ids_are_404_problems(client, auth, bad_id):
    assert_problem(client.get(f"{URL}/{bad_id}", **auth), 404, "introuvable")
    assert_problem(client.get(f"{URL}/{bad_id}/accuse-traitement", **auth), 404, "introuvable")


def test_unknown_paths_of_pages_stay_html(client):
    response = client.get("/page-qui-n-existe-pas")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_multipart_without_boundary(client, auth):
    response = client.post(URL, data=b"--x\r\n\r\n", content_type="multipart/form-data", **auth)
    assert_problem(response, 400, "boundary")
    assert Deposit.objects.count() == 0


def test_multipart_with_an_over_long_file_name(client, auth):
    # Written by hand: the test client would shorten the name to 255 characters itself.
    name = "f" * 1100 + ".xml"
    body = (
        b"--limite\r\n"
        b'Content-Disposition: form-data; name="fichier"; filename="' + name.encode() + b'"\r\n'
        b"Content-Type: application/xml\r\n\r\n" + factories.sample_flux(1) + b"\r\n--limite--\r\n"
    )
    response = client.post(
        URL, data=body, content_type="multipart/form-data; boundary=limite", **auth
    )
    assert_problem(response, 400, "nom de fichier trop long")
    assert Deposit.objects.count() == 0


def test_chunked_upload_is_refused_explicitly(client, auth):
    response = client.post(
        URL,
        data=b"",
        content_type="multipart/form-data; boundary=x",
        HTTP_TRANSFER_ENCODING="chunked",
        **auth,
    )
    body = assert_problem(response, 411, "Content-Length")
    assert "Fichier manquant" not in body["title"]


def test_two_fichier_parts_are_refused(client, auth):
    first = SimpleUploadedFile("a.xml", factories.sample_flux(1), "application/xml")
    second = SimpleUploadedFile("b.xml", factories.sample_flux(2), "application/xml")
    response = client.post(URL, {"fichier": [first, second]}, **auth)
    assert_problem(response, 400, "2 parties « fichier »")
    assert Deposit.objects.count() == 0


def test_invalid_query_parameter_is_said_in_french(client, auth):
    body = assert_problem(client.get(URL + "?page=0", **auth), 400, "Page invalide")
    assert "à partir de 1" in body["detail"]


def test_method_not_allowed_keeps_allow(client, auth):
    response = client.put(f"{URL}/00000000-0000-0000-0000-000000000000", **auth)
    assert_problem(response, 405, "Méthodes acceptées : GET")
    assert response["Allow"] == "GET"


def test_a_crash_is_a_500_problem(client, auth, monkeypatch):
    from passeport.api import deposits

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(deposits, "paginate", broken)
    client.raise_request_exception = False
    body = assert_problem(client.get(URL, **auth), 500, "erreur inattendue")
    assert "panne simulée" not in body["detail"]


@override_settings(API_THROTTLE_RATE="3/min")
def test_throttled_per_token_with_retry_after(client, auth):
    for _ in range(3):
        assert client.get(URL, **auth).status_code == 200
    response = client.get(URL, **auth)
    assert_problem(response, 429, "limite de requêtes")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same certifier has its own allowance.
    _token, other = issue_token(
        factories.CertifierFactory(sample=True, id_client="CD456EFG", name="Autre"), "autre"
    )
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_reference_page_and_document_are_served(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]
