"""Our credentials checked by an implementation that is not ours: Digital Bazaar's libraries.

Everything the verifier dereferences is what the app serves (the controller document, the
status lists) or the Open Badges contexts we ship; the W3C contexts are Digital Bazaar's own.
Each failure is checked for its reason, not only for « not verified ».
"""

import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from passeport.passport.recording import record_certification, withdraw_certification
from passeport.proofs import credentials, linkeddata, revoking, signing, statuslists
from passeport.proofs.models import Credential
from passeport.testing.verifiers import node

OB_CONTEXTS = [linkeddata.OB_V3P0, linkeddata.OB_V3P0_EXTENSIONS, linkeddata.CID_V1]


def _served(client, credential_document: dict) -> dict:
    """What a verifier fetches, as the app serves it."""
    controller = client.get(reverse("proofs:issuer")).json()
    documents = {url: linkeddata.context_document(url) for url in OB_CONTEXTS}
    status_url = credential_document["credentialStatus"]["statusListCredential"]
    path = status_url.removeprefix(signing.issuer_id().rsplit("/preuves/", 1)[0])
    documents[status_url] = json.loads(client.get(path).content)
    return {"controller": controller, "documents": documents}


def _verify(client, document: dict, **extra) -> dict:
    return node(
        "credentials.mjs", "verify", {"credential": document, **_served(client, document), **extra}
    )


@pytest.fixture
def issued(certification):
    credential = credentials.current(certification)
    return credential, json.loads(credential.document)


def test_our_credential_verifies_with_digital_bazaar(client, issued):
    _, document = issued
    result = _verify(client, document)
    assert result["errors"] == []
    assert result["verified"] is True and result["proofVerified"] is True
    assert result["statusVerified"] is True and result["revoked"] is False
    assert result["valid"] is True


def test_a_tampered_field_fails_there_too(client, issued):
    _, document = issued
    document["credentialSubject"]["achievement"]["name"] = "Master de physique"
    result = _verify(client, document)
    assert result["verified"] is False and result["proofVerified"] is False
    assert any("Invalid signature" in error for error in result["errors"]), result["errors"]


def test_another_key_fails_there_too(client, issued):
    _, document = issued
    private = Ed25519PrivateKey.generate()
    impostor = signing.Ed25519Key(signing.signing_key().id, private.public_key(), private)
    forged = signing.add_proof({k: v for k, v in document.items() if k != "proof"}, key=impostor)
    result = _verify(client, forged)
    assert result["verified"] is False and result["proofVerified"] is False
    assert any("Invalid signature" in error for error in result["errors"]), result["errors"]


def test_a_revoked_bit_fails_there_for_its_status(
    client, issued, django_capture_on_commit_callbacks
):
    credential, document = issued
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_certification("EMET0001", "IDT-1", "SUPPRESSION")
    # The task the signal queued, run as the worker would.
    revoking.revoke_for_entries([credential.entry_id])
    statuslists.publish_stale()
    result = _verify(client, document)
    assert result["proofVerified"] is True  # the signature still holds…
    assert result["revoked"] is True  # …but the status list says revoked,
    # which the library's own `verified` does not say: only its status result does.
    assert result["verified"] is True and result["valid"] is False


def test_an_expired_credential_fails_there_for_its_date(client, prevention):
    document = json.loads(credentials.current(prevention).document)
    after = prevention.expires_on + datetime.timedelta(days=2)
    result = _verify(client, document, now=f"{after.isoformat()}T12:00:00Z")
    # The library checks the dates before the proof: the reason is the expiry.
    assert result["verified"] is False
    assert any('after "validUntil"' in error for error in result["errors"]), result["errors"]
    before = prevention.expires_on - datetime.timedelta(days=2)
    assert _verify(client, document, now=f"{before.isoformat()}T12:00:00Z")["verified"] is True


def test_a_control_character_verifies_there(client, person):
    entry = record_certification(
        person,
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Lycée\bde Démo",
        code="RNCP35340",
        type="RNCP",
        title="Intitulé\u001fà séparateur\u007f",
        award_date=datetime.date(2024, 7, 5),
        id_technique="IDT-CTRL",
    )
    document = json.loads(credentials.current(entry).document)
    result = _verify(client, document)
    assert result["errors"] == [] and result["verified"] is True


def test_digital_bazaar_signs_what_we_verify_and_the_same_signature(client, issued):
    _credential, document = issued
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    key = signing.signing_key()
    created = document["proof"][0]["created"]
    served = _served(client, document)
    result = node(
        "credentials.mjs",
        "sign",
        {
            "credential": unsigned,
            "controller": served["controller"],
            "documents": served["documents"],
            "verificationMethod": key.verification_method,
            "publicKeyMultibase": key.multibase,
            "secretKeyMultibase": signing.secret_multibase(key),
            "created": created,
        },
    )
    theirs = result["credential"]
    proof = theirs["proof"] if isinstance(theirs["proof"], dict) else theirs["proof"][0]
    # Ed25519 is deterministic and RDFC-1.0 canonical: the same proof value, byte for byte.
    assert proof["proofValue"] == document["proof"][0]["proofValue"]
    from passeport.proofs import verification

    verdict = verification.verify_credential(theirs)
    assert verdict.code == verification.AUTHENTIC, verdict.reason


def test_the_jwt_verifies_with_jose(client, issued):
    credential, document = issued
    controller = client.get(reverse("proofs:issuer")).json()
    result = node(
        "credentials.mjs", "verify-jwt", {"jwt": credential.jwt, "controller": controller}
    )
    assert result["verified"] is True, result["errors"]
    assert result["payload"]["jti"] == document["id"]
    head, body, signature = credential.jwt.split(".")
    tampered = node(
        "credentials.mjs",
        "verify-jwt",
        {"jwt": f"{head}.{body[:-4]}AAAA.{signature}", "controller": controller},
    )
    assert (
        tampered["verified"] is False
        and tampered["code"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    )


def test_a_revoked_record_matches_the_served_list(client, issued):
    credential, _ = issued
    statuslists.revoke([credential.pk], Credential.RevocationReason.ERROR_CONFIRMED)
    statuslists.publish_stale()
    served = json.loads(
        client.get(reverse("proofs:status_list", args=[credential.status_list.number])).content
    )
    bits = statuslists.decode(served["credentialSubject"]["encodedList"])
    assert bits[credential.status_index // 8] & (0x80 >> (credential.status_index % 8))
