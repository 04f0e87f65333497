"""REST API: every endpoint, every error (problem+json in French)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from passeport.certifiers.tokens import issue_token, revoke_token
from passeport.deposits.models import Deposit
from passeport.flux.accuses import read_accuse
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/depots"


@pytest.fixture
def certifier():
    return factories.CertifierFactory(sample=True)


@pytest.fixture
def auth(certifier):
    _token, clear = issue_token(certifier, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def post_flux(client, auth, data: bytes, name="flux.xml"):
    return client.post(URL, {"fichier": SimpleUploadedFile(name, data, "application/xml")}, **auth)


def assert_problem(response, status, words):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert words in body["title"] + " " + body["detail"], body
    return body


def test_deposit_follow_and_download(client, auth):
    factories.register_holders(8)
    response = post_flux(client, auth, factories.sample_flux(8), "promo-2026.xml")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["statut"] == "recu"
    assert body["accuseReception"]["statut"] == "recu"
    assert body["accuseReception"]["passages"] == 8
    assert body["accuseReception"]["motifs"] == []
    assert response["Location"].endswith(f"/api/v1/depots/{body['id']}")

    pending = client.get(f"{URL}/{body['id']}/accuse-traitement", **auth)
    body_pending = assert_problem(pending, 409, "pas encore disponible")
    assert "passages traités" in body_pending["detail"]

    tasks.run_worker()
    state = client.get(f"{URL}/{body['id']}", **auth).json()
    assert state["statut"] in ("traite", "traite_avec_erreurs")
    assert state["passages"]["total"] == 8
    assert state["passages"]["acceptes"] + state["passages"]["rejetes"] == 8
    assert state["progression"] == 100

    accuse = client.get(f"{URL}/{body['id']}/accuse-traitement", **auth)
    assert accuse.status_code == 200
    assert accuse["Content-Type"] == "application/xml"
    assert "Accus%C3%A9%20de%20traitement_promo-2026.xml_" in accuse["Content-Disposition"]
    parsed = read_accuse(b"".join(accuse.streaming_content))
    assert parsed.nom_fichier == "promo-2026.xml"
    assert len(parsed.accepted) == state["passages"]["acceptes"]

    listing = client.get(URL, **auth).json()
    assert [d["id"] for d in listing["depots"]] == [body["id"]]
    assert listing["total"] == 1


def test_same_bytes_twice_answer_the_same_deposit(client, auth):
    data = factories.sample_flux(3)
    first = post_flux(client, auth, data).json()
    again = post_flux(client, auth, data, "autre-nom.xml")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["doublon"] is True
    assert Deposit.objects.count() == 1


def test_rejected_at_reception_is_422_with_reasons(client, auth):
    response = post_flux(client, auth, b"<html><body>pas un flux</body></html>", "page.xml")
    body = assert_problem(response, 422, "rejeté à la réception")
    assert body["statut"] == "rejete"
    assert "n'est pas un flux de la Caisse des Dépôts" in body["accuseReception"]["motifs"][0]
    deposit_id = body["id"]
    accuse = client.get(f"{URL}/{deposit_id}/accuse-traitement", **auth)
    assert_problem(accuse, 409, "rejeté à la réception")


def test_other_certifiers_ids_are_rejected(client, auth):
    response = post_flux(client, auth, factories.sample_flux(2, emetteur="ZZ999ZZZ"))
    body = assert_problem(response, 422, "ne correspond pas au compte déposant")
    assert "AB123CDE" in body["detail"]


def test_missing_file_and_bad_page_and_methods(client, auth):
    assert_problem(client.post(URL, {}, **auth), 400, "champ « fichier »")
    assert_problem(client.get(URL + "?page=9", **auth), 400, "Page invalide")
    assert_problem(client.get(URL + "?page=x", **auth), 400, "Page invalide")
    response = client.delete(URL, **auth)
    assert_problem(response, 405, "GET, POST")
    assert response["Allow"] == "GET, POST"


def test_authentication_errors(client, certifier):
    response = client.get(URL)
    assert_problem(response, 401, "Authorization: Bearer")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_problem(
        client.get(URL, HTTP_AUTHORIZATION="Bearer pp_inconnu_0000000000000000000"),
        401,
        "Jeton refusé",
    )
    token, clear = issue_token(certifier, "révoqué")
    revoke_token(token)
    body = assert_problem(
        client.get(URL, HTTP_AUTHORIZATION=f"Bearer {clear}"), 401, "Jeton refusé"
    )
    assert "suspendu" not in body["detail"]


def test_a_suspended_certifiers_token_is_told_why(client, certifier, auth):
    """Not « create a new token »: the organisation is suspended, since a given day."""
    from django.utils import timezone

    from passeport.certifiers import standing

    standing.suspend(certifier, reason="Contrat échu")
    body = assert_problem(client.get(URL, **auth), 403, "Organisme suspendu")
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Votre organisme est suspendu depuis le {today}" in body["detail"]
    assert "Créez-en un nouveau" not in body["detail"]
    standing.reactivate(certifier)
    assert client.get(URL, **auth).status_code == 200


def test_deposits_of_others_are_invisible(client, auth):
    other = factories.CertifierFactory(sample=True, id_client="CD456EFG", name="Autre école")
    _token, clear = issue_token(other, "autre")
    theirs = post_flux(
        client,
        {"HTTP_AUTHORIZATION": f"Bearer {clear}"},
        factories.sample_flux(2, emetteur="CD456EFG"),
    ).json()
    for path in (f"{URL}/{theirs['id']}", f"{URL}/{theirs['id']}/accuse-traitement"):
        assert_problem(client.get(path, **auth), 404, "Dépôt introuvable")
    assert client.get(URL, **auth).json()["depots"] == []
    assert_problem(
        client.get(f"{URL}/00000000-0000-0000-0000-000000000000", **auth), 404, "Aucun dépôt"
    )


@override_settings(MAX_UPLOAD_BYTES=1000)
def test_too_large(client, auth):
    response = post_flux(client, auth, factories.sample_flux(5))
    assert_problem(response, 413, "taille maximale")
    assert Deposit.objects.count() == 0


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    deposit_paths = {p for p in doc["paths"] if p.startswith("/api/v1/depots")}
    assert deposit_paths == {
        "/api/v1/depots",
        "/api/v1/depots/{id}",
        "/api/v1/depots/{id}/accuse-traitement",
    }
    assert set(doc["paths"]["/api/v1/depots"]) == {"get", "post"}
    statuses = doc["components"]["schemas"]["Depot"]["properties"]["statut"]["enum"]
    assert statuses == ["recu", "rejete", "en_cours", "traite", "traite_avec_erreurs"]
    assert set(Deposit.Status.values) == set(statuses)


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=0)
def test_a_large_upload_is_hashed_on_arrival_and_moved_into_storage(client, auth, monkeypatch):
    # Beyond FILE_UPLOAD_MAX_MEMORY_SIZE Django writes the upload to a temporary file; it is
    # hashed as it arrives (uploads.py) and moved, not copied, into the private storage.
    import hashlib

    from django.core.files.storage import default_storage

    from passeport.deposits import reception

    def no_copy(*args, **kwargs):
        raise AssertionError("the upload was copied and hashed again")

    monkeypatch.setattr(reception._HashingFile, "chunks", no_copy)
    data = factories.sample_flux(4)
    body = post_flux(client, auth, data, "gros.xml").json()
    deposit = Deposit.objects.get(pk=body["id"])
    assert deposit.sha256 == hashlib.sha256(data).hexdigest()
    assert deposit.size == len(data)
    with default_storage.open(deposit.file.name, "rb") as stored:
        assert stored.read() == data
    assert body["accuseReception"]["passages"] == 4
    again = post_flux(client, auth, data, "encore.xml")
    assert again.status_code == 200 and again.json()["doublon"] is True


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=0, MAX_UPLOAD_BYTES=1000)
def test_too_large_through_a_temporary_file(client, auth):
    assert_problem(post_flux(client, auth, factories.sample_flux(5)), 413, "taille maximale")
    assert Deposit.objects.count() == 0
