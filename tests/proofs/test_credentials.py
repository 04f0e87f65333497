"""Open Badges 3.0 credentials of guaranteed entries: content, schema, issuing, corrections."""

import datetime
import json
from pathlib import Path

import jsonschema
from django.utils import timezone

from passeport.passport.models import Entry
from passeport.passport.recording import record_certification, withdraw_certification
from passeport.proofs import credentials, linkeddata, signing
from passeport.proofs.models import Credential

SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "ob_v3p0_achievementcredential_schema.json").read_text()
)


def _document(credential: Credential) -> dict:
    return json.loads(credential.document)


def test_a_certification_credential_states_what_the_issue_names(certification, person):
    credential = credentials.current(certification)
    document = _document(credential)
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"urn:uuid:{credential.pk}"
    assert document["issuer"]["id"] == signing.issuer_id()
    assert document["validFrom"] == "2024-07-04T22:00:00Z"  # 5 July 2024, midnight in Paris
    assert "validUntil" not in document
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["id"] == "https://www.francecompetences.fr/recherche/rncp/35340/"
    assert achievement["humanCode"] == "RNCP35340"
    assert achievement["name"] == "BTS Services informatiques aux organisations"
    assert achievement["achievementType"] == "Certification"
    assert achievement["creator"]["name"] == "Lycée de Démo"
    assert "RNCP35340" in achievement["criteria"]["narrative"]
    assert document["credentialSchema"] == [
        {"id": credentials.OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert int(status["statusListIndex"]) == credential.status_index
    assert (
        isinstance(document["proof"], list)
        and document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    )
    signing.verify_proof(document)


def test_the_subject_is_a_salted_name_hash_never_the_nir(certification, person):
    document = _document(credentials.current(certification))
    text = json.dumps(document, ensure_ascii=False)
    assert person.nir not in text
    assert "Lefèvre" not in text  # the holder's name only as a hash
    (identity,) = document["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject"
    assert identity["hashed"] is True and identity["identityType"] == "name"
    assert identity["identityHash"] == credentials.identity_hash(
        "Camille LEFÈVRE", identity["salt"]
    )
    assert document["credentialSubject"]["id"] == credentials.subject_id(person.pk)
    other = credentials.current(
        record_certification(
            person,
            emetteur_id="EMET0001",
            certificateur_id="CERT0001",
            certifier_name="Lycée",
            code="RS5001",
            type="RS",
            title="Certificat Voltaire",
            award_date=datetime.date(2023, 1, 2),
            id_technique="IDT-2",
        )
    )
    # A fresh salt per credential: two credentials of one person do not share a hash.
    assert (
        _document(other)["credentialSubject"]["identifier"][0]["identityHash"]
        != identity["identityHash"]
    )


def test_an_expiring_entry_has_valid_until(prevention):
    document = _document(credentials.current(prevention))
    # Valid through its expiry day: until the next midnight in Paris (TIME_ZONE).
    until = datetime.datetime.fromisoformat(document["validUntil"])
    local = timezone.localtime(until)
    assert (local.date(), local.time()) == (
        prevention.expires_on + datetime.timedelta(days=1),
        datetime.time(0, 0),
    )
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"


def test_every_issued_credential_validates_against_1edtech_schema(certification, prevention):
    validator = jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for entry in (certification, prevention):
        document = _document(credentials.current(entry))
        errors = sorted(validator.iter_errors(document), key=lambda e: e.path)
        assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_catches_a_broken_credential(certification):
    document = _document(credentials.current(certification))
    del document["credentialSubject"]["achievement"]["criteria"]
    document["credentialSubject"]["identifier"][0]["nir"] = "1960531555012"
    validator = jsonschema.Draft201909Validator(SCHEMA)
    messages = [error.message for error in validator.iter_errors(document)]
    assert any("criteria" in message for message in messages)
    assert any("nir" in message for message in messages)


def test_issuing_is_lazy_and_idempotent(certification):
    assert not Credential.objects.exists()  # recording an entry signs nothing
    first = credentials.current(certification)
    assert credentials.current(certification) == first
    assert Credential.objects.count() == 1


def test_provisional_or_declared_entries_get_no_credential(person):
    provisional = record_certification(
        person,
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Lycée",
        code="RNCP1",
        type="RNCP",
        title="Provisoire",
        award_date=datetime.date(2024, 1, 1),
        id_technique="IDT-P",
        provisional=True,
    )
    assert credentials.current(provisional) is None
    declared = Entry(kind=Entry.Kind.TRAINING, trust=Entry.Trust.DECLARED, title="Déclarée")
    assert credentials.current(declared) is None


def test_a_correction_replaces_the_credential_and_revokes_the_old(certification, person):
    old = credentials.current(certification)
    withdraw_certification("EMET0001", "IDT-1", "suppression")
    corrected = record_certification(
        person,
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Lycée de Démo",
        code="RNCP35340",
        type="RNCP",
        title="BTS SIO (intitulé corrigé)",
        award_date=datetime.date(2024, 7, 5),
        id_technique="IDT-1",
    )
    new = credentials.current(corrected)
    old.refresh_from_db()
    assert new.pk != old.pk and old.is_revoked
    assert old.revocation_reason == Credential.RevocationReason.CORRECTED
    assert _document(new)["name"] == "BTS SIO (intitulé corrigé)"
    old.status_list.refresh_from_db()
    assert old.status_list.bit(old.status_index)
    assert not new.status_list.bit(new.status_index)


def test_a_text_with_a_control_character_is_signed_on_the_rdfc_form(person):
    entry = record_certification(
        person,
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Lycée\bde Démo",
        code="RNCP35340",
        type="RNCP",
        title="Titre avec\u001fséparateur",
        award_date=datetime.date(2024, 7, 5),
        id_technique="IDT-CTRL",
    )
    document = _document(credentials.current(entry))
    assert "\\u001Fs" in linkeddata.canonize({k: v for k, v in document.items() if k != "proof"})
    signing.verify_proof(document)


def test_the_jwt_form_mirrors_the_credential(certification):
    credential = credentials.current(certification)
    check = signing.verify_jws(credential.jwt)
    payload, document = check.payload, _document(credential)
    assert check.header["typ"] == "JWT" and check.header["alg"] == "Ed25519"
    assert payload["iss"] == document["issuer"]["id"]
    assert payload["jti"] == document["id"]
    assert payload["sub"] == document["credentialSubject"]["id"]
    assert payload["nbf"] == int(datetime.datetime(2024, 7, 4, 22, tzinfo=datetime.UTC).timestamp())
    assert payload["proof"] == document["proof"]  # the embedded proof is made first (OB 3.0 §8.2)
