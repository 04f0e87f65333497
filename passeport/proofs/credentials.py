"""Every guaranteed entry as an Open Badges 3.0 credential (1EdTech OB 3.0.3, W3C VC 2.0).

Credentials are issued **lazily**: the first time the holder (or a CV, an attestation, the
export) needs one, never during a deposit's processing — a 200 000-passage deposit signs
nothing. `current(entry)` returns the entry's credential, issuing it when the entry has none
or when the entry changed since (the old one is then revoked as « corrected »).

What a credential states (`claims`) comes from the entry only; the subject is identified by
a pseudonymous `id` and a salted hash of the holder's name (`IdentityObject`, never the NIR).
The `@context` is the VC 2.0 context, the OB 3.0.3 context and the 1EdTech extensions context
that defines `1EdTechJsonSchemaValidator2019`, the type of `credentialSchema`.
"""

import datetime
import hashlib
import json
import secrets
import unicodedata
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from passeport.core.crypto import keyed_hash
from passeport.passport.models import Entry

from . import linkeddata, referentials, signing, statuslists
from .models import Credential

OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CONTEXT = [linkeddata.VC_V2, linkeddata.OB_V3P0, linkeddata.OB_V3P0_EXTENSIONS]
ISSUER_NAME = "Passeport d’orientation, de formation et de compétences"
# 1EdTech OB 3.0 AchievementType (extensible with « ext: »).
ACHIEVEMENT_TYPES = {
    Entry.Kind.CERTIFICATION: "Certification",
    Entry.Kind.TRAINING: "CertificateOfCompletion",
    Entry.Kind.EXPERIENCE: "ext:ExperienceProfessionnelle",
    Entry.Kind.VOLUNTEERING: "CommunityService",
    Entry.Kind.LICENCE: "License",
    Entry.Kind.PREVENTION: "Certificate",
    Entry.Kind.OTHER: "Achievement",
}
FRANCE_COMPETENCES = "https://www.francecompetences.fr/recherche/{register}/{number}/"


def eligible(entry: Entry) -> bool:
    """Only what an authority guarantees, confirmed and not withdrawn, becomes a credential."""
    return entry.is_guaranteed and not entry.provisional and not entry.is_withdrawn


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def claims(entry: Entry) -> dict:
    """The facts of the entry a credential states; its hash tells a correction apart."""
    return {
        "kind": entry.kind,
        "title": entry.title,
        "organisation": entry.organisation,
        "certification_type": entry.certification_type,
        "certification_code": entry.certification_code,
        "certificateur": entry.certificateur_id,
        "emetteur": entry.emetteur_id,
        "id_technique": entry.id_technique,
        "award_date": _date(entry.award_date),
        "start_date": _date(entry.start_date),
        "end_date": _date(entry.end_date),
        "expires_on": _date(entry.expires_on),
        "details": {k: entry.details[k] for k in sorted(entry.details) if entry.details[k]},
    }


def claims_hash(entry: Entry) -> str:
    encoded = json.dumps(claims(entry), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def valid_from(entry: Entry) -> datetime.datetime:
    day = entry.award_date or entry.end_date or entry.start_date
    return _midnight(day) if day else entry.created_at


def valid_until(entry: Entry) -> datetime.datetime | None:
    # An expiry date is the last day of validity (passport.Entry.is_expired).
    return _midnight(entry.expires_on + datetime.timedelta(days=1)) if entry.expires_on else None


def normalised_name(name: str) -> str:
    """The form of a name that `identityHash` hashes: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def identity_hash(name: str, salt: str) -> str:
    """OB 3.0 IdentityHash: « sha256$ » + hex SHA-256 of the UTF-8 identity then the salt."""
    digest = hashlib.sha256((normalised_name(name) + salt).encode()).hexdigest()
    return f"sha256${digest}"


def subject_id(person_id) -> str:
    """A stable pseudonym of the person (keyed hash of the register id: not the NIR, and
    meaningless outside the service)."""
    digest = keyed_hash(str(person_id), purpose="proofs.subject")
    return f"urn:uuid:{uuid.UUID(digest[:32])}"


def _person_name(entry: Entry) -> str:
    from passeport.identity.models import Person

    person = Person.objects.filter(pk=entry.person_id).first()
    return person.display_name if person else ""


def _creator(entry: Entry) -> dict:
    key = entry.certificateur_id or entry.organisation
    return {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'passeport:organisme:{key}')}",
        "type": ["Profile"],
        "name": entry.organisation or "Organisme non renseigné",
    }


def _register(entry: Entry) -> tuple[str, str] | None:
    code = entry.certification_code.upper().replace(" ", "")
    for prefix, register in (("RNCP", "rncp"), ("RS", "rs")):
        if code.startswith(prefix) and code[len(prefix) :].isdigit():
            return register, code[len(prefix) :]
    return None


def achievement(entry: Entry) -> dict:
    register = _register(entry) if entry.kind == Entry.Kind.CERTIFICATION else None
    if register:
        achievement_id = FRANCE_COMPETENCES.format(register=register[0], number=register[1])
    else:
        seed = f"passeport:{entry.kind}:{entry.organisation}:{entry.title}"
        achievement_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
    kind_label = entry.get_kind_display()
    if register:
        narrative = (
            f"Certification enregistrée au {'RNCP' if register[0] == 'rncp' else 'Répertoire spécifique'}"
            f" sous le code {entry.certification_code}, délivrée par {entry.organisation or 'son certificateur'}"
            " et transmise à la Caisse des Dépôts par l’organisme certificateur."
        )
    else:
        narrative = f"{kind_label} transmise au passeport par {entry.get_source_display().lower()}."
    value = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES.get(entry.kind, "Achievement"),
        "name": entry.title,
        "description": f"{kind_label} : {entry.title}",
        "criteria": {"narrative": narrative},
        "creator": _creator(entry),
        "inLanguage": "fr",
    }
    if register:
        value["humanCode"] = entry.certification_code
        value["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": entry.certification_code,
                "identifierType": "identifier",
            }
        ]
        value["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": entry.title,
                "targetUrl": achievement_id,
                "targetCode": entry.certification_code,
                "targetFramework": "RNCP" if register[0] == "rncp" else "Répertoire spécifique",
                "targetType": "ceterms:Credential",
            }
        ]
        found = referentials.fiche(entry.certification_code)
        if found is not None:
            # The fiche's blocs of competences and its level (cadre national des
            # certifications professionnelles), from the current France Compétences release.
            value["alignment"] += [
                {
                    "type": ["Alignment"],
                    "targetName": bloc.title,
                    "targetUrl": f"{achievement_id}#{bloc.code}",
                    "targetCode": bloc.code,
                    "targetFramework": "Blocs de compétences RNCP",
                    "targetType": "ceasn:Competency",
                }
                for bloc in found.blocs
            ]
            if found.level_label:
                value["alignment"].append(
                    {
                        "type": ["Alignment"],
                        "targetName": found.level_label,
                        "targetUrl": f"{achievement_id}#niveau",
                        "targetCode": found.level,
                        "targetFramework": "Cadre national des certifications professionnelles",
                        "targetType": "ext:NiveauDeQualification",
                    }
                )
    if entry.details.get("option"):
        value["specialization"] = entry.details["option"]
    return value


def public_url(credential_pk) -> str:
    """The entry's public verification page (LinkedIn's `certUrl`, the badge image's link)."""
    return settings.SITE_URL + reverse("proofs:credential_public", args=[credential_pk])


def build(entry: Entry, *, credential_pk: uuid.UUID, status: dict, salt: str) -> dict:
    """The unsigned credential of an entry."""
    subject = {
        "id": subject_id(entry.person_id),
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(_person_name(entry), salt),
                "identityType": "name",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": achievement(entry),
    }
    if entry.start_date:
        subject["activityStartDate"] = signing._iso(_midnight(entry.start_date))
    if entry.end_date:
        subject["activityEndDate"] = signing._iso(_midnight(entry.end_date))
    if entry.details.get("mention"):
        subject["narrative"] = f"Mention : {entry.details['mention']}"
    document = {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{credential_pk}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": entry.title,
        "description": (
            f"{entry.get_kind_display()} garantie par le passeport d’orientation, de formation "
            f"et de compétences. Vérification : {public_url(credential_pk)}"
        ),
        "issuer": {
            "id": signing.issuer_id(),
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": settings.SITE_URL + "/",
        },
        "validFrom": signing._iso(valid_from(entry)),
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": status,
    }
    if entry.award_date:
        document["awardedDate"] = signing._iso(_midnight(entry.award_date))
    until = valid_until(entry)
    if until:
        document["validUntil"] = signing._iso(until)
    return document


def jwt_payload(document: dict) -> dict:
    """Open Badges 3.0 §8.2.3: the credential (with its embedded proof, made first) and the
    registered claims that mirror it."""
    payload = {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": int(datetime.datetime.fromisoformat(document["validFrom"]).timestamp()),
    }
    if "validUntil" in document:
        payload["exp"] = int(datetime.datetime.fromisoformat(document["validUntil"]).timestamp())
    return payload


def _issue(entry: Entry, digest: str) -> Credential:
    status_list, index = statuslists.allocate()
    pk = uuid.uuid4()
    unsigned = build(
        entry,
        credential_pk=pk,
        status=statuslists.status_entry(status_list, index),
        salt=secrets.token_hex(16),
    )
    key = signing.signing_key()
    signed = signing.add_proof(unsigned, key=key)
    return Credential.objects.create(
        id=pk,
        entry=entry,
        person_id=entry.person_id,
        claims_hash=digest,
        status_list=status_list,
        status_index=index,
        document=json.dumps(signed, ensure_ascii=False, indent=2),
        jwt=signing.sign_jws(jwt_payload(signed), key=key),
        key_id=key.id,
        valid_from=valid_from(entry),
        valid_until=valid_until(entry),
    )


def current(entry: Entry) -> Credential | None:
    """The entry's valid credential (issued now if needed), None when it cannot have one."""
    if not eligible(entry):
        return None
    digest = claims_hash(entry)
    existing = Credential.objects.filter(entry=entry, revoked_at__isnull=True).first()
    if existing is not None and existing.claims_hash == digest:
        return existing
    try:
        with transaction.atomic():
            if existing is not None:
                statuslists.revoke([existing.pk], Credential.RevocationReason.CORRECTED)
                transaction.on_commit(_publish_later)
            return _issue(entry, digest)
    except IntegrityError:
        # Issued at the same instant by another request (one active credential per entry).
        return Credential.objects.filter(entry=entry, revoked_at__isnull=True).first()


def _publish_later() -> None:
    from .tasks import publish_status_lists

    publish_status_lists.enqueue()


def current_for(entries) -> dict:
    """entry id → credential, for the eligible entries among `entries`."""
    return {entry.pk: credential for entry in entries if (credential := current(entry))}


def loads(credential: Credential) -> dict:
    return json.loads(credential.document)
