"""POST /api/v1/verifications: public, throttled per address, the page's verdicts as JSON."""

import json

import pytest
from django.test import override_settings

from passeport.proofs import credentials, documents
from passeport.testing import factories

URL = "/api/v1/verifications"


@pytest.fixture
def holder(db):
    person = factories.PersonFactory(birth_name="Lefèvre", given_names="Camille")
    return factories.HolderFactory(name="camille", person=person)


@pytest.fixture
def certification(holder):
    return factories.CertificationFactory(person=holder.person, id_technique="IDT-API")


@pytest.fixture
def signed_cv(settings, tmp_path, holder, certification):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    document = documents.sign_cv(factories.CVFactory(holder=holder, entries=[certification]))
    return document, documents.pdf_bytes(document)


def _post_json(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_signed_pdf_is_authentic_with_its_comparison(client, signed_cv):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document, data = signed_cv
    response = client.post(URL, {"document": SimpleUploadedFile("cv.pdf", data, "application/pdf")})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "authentique" and body["nature"] == "cv"
    assert body["donnees"]["code_de_verification"] == document.code
    assert body["comparaison"][0]["same"] is True
    assert {c["controle"] for c in body["controles"]} >= {"Intégrité", "Certificat du signataire"}
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 0xFF
    response = client.post(URL, {"document": SimpleUploadedFile("cv.pdf", bytes(tampered))})
    assert response.json()["verdict"] in ("modifie", "signature_inconnue")


def test_a_credential_as_json_as_jwt_and_a_code(client, certification, signed_cv):
    credential = credentials.current(certification)
    assert (
        _post_json(client, {"attestation": json.loads(credential.document)}).json()["verdict"]
        == "authentique"
    )
    assert _post_json(client, {"jwt": credential.jwt}).json()["verdict"] == "authentique"
    altered = json.loads(credential.document)
    altered["name"] = "Doctorat"
    assert _post_json(client, {"attestation": altered}).json()["verdict"] == "modifie"
    document, _ = signed_cv
    assert _post_json(client, {"code": document.code}).json()["verdict"] == "authentique"
    assert _post_json(client, {"code": "AAAAA-AAAAA"}).json()["verdict"] == "introuvable"


@pytest.mark.parametrize(
    ("body", "content_type", "detail"),
    [
        ("{}", "application/json", "exactement une des clés"),
        ("{pas du json", "application/json", "pas du JSON (ligne 1, colonne 2)"),
        (b"\xb4{}", "application/json", "pas du texte UTF-8 (octet 0)"),
        ('{"jwt": 12}', "application/json", "doit être un texte"),
        ('{"jwt": "a.b.c"}', "application/json", "Jeton illisible"),
        ("x", "text/plain", "multipart/form-data"),
    ],
)
def test_bad_requests_are_french_problems(client, db, body, content_type, detail):
    response = client.post(URL, body, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert detail in response.json()["detail"]


def test_too_large_is_refused_before_reading(client, db):
    response = client.post(
        URL, b"x", content_type="application/json", CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413


@override_settings(API_VERIFICATIONS_THROTTLE_RATE="2/min")
def test_throttled_per_address(client, db):
    from django.core.cache import cache

    cache.clear()  # ninja's counters (the default cache): the earlier tests' calls counted
    for _ in range(2):
        assert _post_json(client, {"code": "AAAAA-AAAAA"}).status_code == 200
    response = _post_json(client, {"code": "AAAAA-AAAAA"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_described_in_the_openapi_document(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["post"]
    assert operation["operationId"] == "verifier"
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    verdicts = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert verdicts  # the Verification schema
    assert "security" not in operation or operation["security"] in ([], [{}])
