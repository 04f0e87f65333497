"""The signing door: Data Integrity proofs, JWS, keys and their rotation, the test PKI."""

import base64
import copy
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from passeport.proofs import linkeddata, signing


def _document():
    return {
        "@context": [linkeddata.VC_V2],
        "id": "urn:uuid:5f0c0d1e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": signing.issuer_id(),
        "validFrom": "2024-07-05T00:00:00Z",
        "name": "Attestation d’essai",
        "credentialSubject": {"id": "urn:uuid:5f0c0d1e-0000-4000-8000-000000000002"},
    }


def _seed(key=None) -> str:
    key = key or Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_proof_verifies_and_names_our_key(db):
    signed = signing.add_proof(_document())
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    proof = signed["proof"][0]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofValue"].startswith("z")
    check = signing.verify_proof(signed)
    assert check.verification_method == signing.signing_key().verification_method


def test_a_changed_field_breaks_the_proof(db):
    signed = signing.add_proof(_document())
    signed["name"] = "Attestation modifiée"
    with pytest.raises(signing.ProofError) as error:
        signing.verify_proof(signed)
    assert error.value.reason == signing.ALTERED


def test_an_added_undefined_property_is_a_modification(db):
    signed = signing.add_proof(_document())
    signed["noteAjoutee"] = "20/20"
    with pytest.raises(signing.ProofError) as error:
        signing.verify_proof(signed)
    assert error.value.reason == signing.ALTERED
    assert "noteAjoutee" in str(error.value)


def test_another_key_is_an_unknown_signature(db):
    stranger = signing.Ed25519Key(
        "cle-etrangere", *(lambda k: (k.public_key(), k))(Ed25519PrivateKey.generate())
    )
    signed = signing.add_proof(_document(), key=stranger)
    with pytest.raises(signing.ProofError) as error:
        signing.verify_proof(signed)
    assert error.value.reason == signing.UNKNOWN_KEY


def test_our_key_id_with_another_key_material_fails(db):
    impostor_key = Ed25519PrivateKey.generate()
    ours = signing.signing_key()
    impostor = signing.Ed25519Key(ours.id, impostor_key.public_key(), impostor_key)
    signed = signing.add_proof(_document(), key=impostor)
    with pytest.raises(signing.ProofError) as error:
        signing.verify_proof(signed)
    assert error.value.reason == signing.ALTERED


def test_rotation_new_key_signs_old_credentials_still_verify(settings):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.PROOFS_ED25519_KEYS = [f"cle-2025={_seed(old)}"]
    settings.PROOFS_ED25519_RETIRED_KEYS = []
    before = signing.add_proof(_document())
    assert before["proof"][0]["verificationMethod"].endswith("#cle-2025")

    settings.PROOFS_ED25519_KEYS = [f"cle-2026={_seed(new)}", f"cle-2025={_seed(old)}"]
    after = signing.add_proof(_document())
    assert after["proof"][0]["verificationMethod"].endswith("#cle-2026")
    assert signing.verify_proof(before).key.id == "cle-2025"
    assert signing.verify_proof(after).key.id == "cle-2026"

    # The old private key destroyed, its public key kept: what it signed still verifies.
    public = signing.Ed25519Key("x", old.public_key()).multibase
    settings.PROOFS_ED25519_KEYS = [f"cle-2026={_seed(new)}"]
    settings.PROOFS_ED25519_RETIRED_KEYS = [f"cle-2025={public}"]
    assert signing.verify_proof(before).key.id == "cle-2025"
    controller = signing.controller_document()
    methods = {method["id"].rsplit("#", 1)[1] for method in controller["verificationMethod"]}
    assert {"cle-2026", "cle-2025", "cle-2026-jwk", "cle-2025-jwk"} <= methods
    # Dropped entirely: now an unknown signature.
    settings.PROOFS_ED25519_RETIRED_KEYS = []
    with pytest.raises(signing.ProofError):
        signing.verify_proof(before)


@pytest.mark.parametrize(
    ("keys", "retired", "message"),
    [
        (["sans-egal"], [], "identifiant=valeur"),
        (["cle=pas-32-octets"], [], "32 octets"),
        ([], ["vieille=z6MkPasUneCle"], "RETIRED"),
    ],
)
def test_misconfigured_keys_say_what_is_wrong(settings, keys, retired, message):
    settings.PROOFS_ED25519_KEYS = keys
    settings.PROOFS_ED25519_RETIRED_KEYS = retired
    settings.PROOFS_DEV_PKI = False
    with pytest.raises(ImproperlyConfigured, match=message):
        signing.ed25519_keys()


def test_no_key_outside_development_is_a_clear_error(settings):
    settings.PROOFS_ED25519_KEYS = []
    settings.PROOFS_ED25519_RETIRED_KEYS = []
    settings.PROOFS_SIGNING_PKCS12 = ""
    settings.PROOFS_DEV_PKI = False
    with pytest.raises(ImproperlyConfigured, match="PROOFS_ED25519_KEYS"):
        signing.signing_key()
    with pytest.raises(ImproperlyConfigured, match="PROOFS_SIGNING_PKCS12"):
        signing.pdf_material()


def test_jws_round_trip_and_tampering(db):
    token = signing.sign_jws({"iss": signing.issuer_id(), "name": "essai"})
    header = signing.jws_header(token)
    assert header == {"alg": "Ed25519", "kid": signing.signing_key().jwk_method, "typ": "JWT"}
    assert signing.verify_jws(token).payload["name"] == "essai"
    head, _body, signature = token.split(".")
    forged = base64.urlsafe_b64encode(b'{"iss":"x","name":"faux"}').rstrip(b"=").decode()
    with pytest.raises(signing.ProofError) as error:
        signing.verify_jws(f"{head}.{forged}.{signature}")
    assert error.value.reason == signing.ALTERED


def test_the_test_pki_is_generated_outside_the_repository_with_private_files(settings):
    from django.conf import settings as django_settings

    signing.signing_key()
    pki = django_settings.PROOFS_DIR / signing.DEV_DIRECTORY
    assert pki.is_dir()
    repository = os.path.dirname(os.path.dirname(os.path.dirname(signing.__file__)))
    assert not str(pki.resolve()).startswith(os.path.join(repository, "passeport"))
    for path in pki.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert (pki / "racine.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_controller_document_lists_every_key_for_assertions(db):
    document = signing.controller_document()
    assert document["@context"] == [linkeddata.CID_V1]
    assert document["id"] == signing.issuer_id()
    multikey = next(m for m in document["verificationMethod"] if m["type"] == "Multikey")
    assert multikey["publicKeyMultibase"].startswith("z6Mk")  # ed25519-pub in base58btc
    assert multikey["controller"] == document["id"]
    assert set(document["assertionMethod"]) == {m["id"] for m in document["verificationMethod"]}
    assert not any("d" in m.get("publicKeyJwk", {}) for m in document["verificationMethod"])
    # The controller document itself is valid JSON-LD under the shipped CID context.
    linkeddata.canonize(copy.deepcopy(document))
