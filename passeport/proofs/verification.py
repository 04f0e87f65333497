"""Verification of what the passport signed: a PDF, a credential (JSON or JWT), a printed code.

The page « Vérifier un document », the QR links and `POST /api/v1/verifications` all call
`verify_*` here and show the same `Verdict`: one of six, in plain French, with the checks made.
Order of precedence when several apply: modified, unknown signature, revoked, expired.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from . import signing
from .models import Credential, StatusList

AUTHENTIC = "authentique"
ALTERED = "modifie"
UNKNOWN_SIGNATURE = "signature_inconnue"
REVOKED = "revoque"
EXPIRED = "expire"
NOT_FOUND = "introuvable"

TITLES = {
    AUTHENTIC: "Authentique",
    ALTERED: "Modifié après signature",
    UNKNOWN_SIGNATURE: "Signature inconnue",
    REVOKED: "Révoqué",
    EXPIRED: "Expiré",
    NOT_FOUND: "Introuvable",
}


class InputError(ValueError):
    """What was given is not something we can verify (not a verdict): a French message."""


@dataclass
class Check:
    label: str
    ok: bool
    detail: str = ""

    def as_json(self) -> dict:
        return {"controle": self.label, "reussi": self.ok, "detail": self.detail}


@dataclass
class Verdict:
    code: str
    reason: str
    kind: str  # "credential", "cv", "attestation"
    checks: list[Check] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    credential: Credential | None = None
    document: object | None = None  # proofs.SignedDocument
    comparison: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return TITLES[self.code]

    @property
    def is_authentic(self) -> bool:
        return self.code == AUTHENTIC

    def as_json(self) -> dict:
        return {
            "verdict": self.code,
            "libelle": self.title,
            "raison": self.reason,
            "nature": self.kind,
            "controles": [check.as_json() for check in self.checks],
            "donnees": self.facts,
            "comparaison": self.comparison,
        }


# -- credentials ------------------------------------------------------------------------------


def _parse_time(value) -> datetime.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _credential_record(document: dict) -> Credential | None:
    identifier = str(document.get("id", ""))
    if not identifier.startswith("urn:uuid:"):
        return None
    try:
        return Credential.objects.select_related("entry").filter(pk=identifier[9:]).first()
    except Exception:
        return None


def _status_list(status: dict) -> StatusList | None:
    url = str(status.get("statusListCredential", ""))
    prefix = signing.issuer_id().rsplit("/preuves/", 1)[0] + "/preuves/statuts/"
    number = url[len(prefix) :].strip("/") if url.startswith(prefix) else ""
    return StatusList.objects.filter(number=int(number)).first() if number.isdigit() else None


_REVOCATION_WORDS = {
    Credential.RevocationReason.WITHDRAWN: (
        "révoquée par le certificateur : le passage a été retiré (flux de suppression)"
    ),
    Credential.RevocationReason.CORRECTED: (
        "révoquée par le certificateur : remplacée par une attestation corrigée"
    ),
    Credential.RevocationReason.ERROR_CONFIRMED: (
        "révoquée par le certificateur : une erreur signalée par le titulaire a été confirmée"
    ),
}


def _facts(document: dict) -> dict:
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else {}
    achievement = achievement if isinstance(achievement, dict) else {}
    creator = achievement.get("creator") if isinstance(achievement.get("creator"), dict) else {}
    issuer = document.get("issuer")
    return {
        "intitule": achievement.get("name") or document.get("name", ""),
        "code": achievement.get("humanCode", ""),
        "organisme": creator.get("name", ""),
        "emetteur": issuer.get("name", "") if isinstance(issuer, dict) else str(issuer or ""),
        "valable_a_partir_du": document.get("validFrom", ""),
        "valable_jusqu_au": document.get("validUntil", ""),
        "identifiant": document.get("id", ""),
    }


def _judge_credential(document: dict, checks: list[Check], *, count: bool) -> Verdict:
    """Status and validity of a credential whose signature already holds."""
    record = _credential_record(document)
    facts = _facts(document)
    status = document.get("credentialStatus")
    statuses = status if isinstance(status, list) else [status] if status else []
    revoked_reason = ""
    for entry in statuses:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            continue
        status_list = _status_list(entry)
        try:
            index = int(entry.get("statusListIndex", ""))
        except ValueError:
            index = -1
        if status_list is None or not 0 <= index < status_list.size:
            checks.append(Check("Statut de révocation", False, "liste de statut inconnue"))
            return Verdict(
                UNKNOWN_SIGNATURE,
                "La liste de révocation citée n’est pas celle du passeport.",
                "credential",
                checks,
                facts,
                record,
            )
        if status_list.bit(index):
            revoked_reason = (
                _REVOCATION_WORDS.get(record.revocation_reason, "révoquée")
                if record
                else "révoquée"
            )
    checks.append(
        Check("Statut de révocation", not revoked_reason, revoked_reason or "non révoquée")
    )
    if record is not None and count:
        Credential.objects.filter(pk=record.pk).update(
            verification_count=F("verification_count") + 1, last_verified_at=timezone.now()
        )
    if revoked_reason:
        return Verdict(
            REVOKED,
            f"Cette attestation a été {revoked_reason}.",
            "credential",
            checks,
            facts,
            record,
        )
    now = timezone.now()
    until = _parse_time(document.get("validUntil"))
    starts = _parse_time(document.get("validFrom"))
    if until is not None and until <= now:
        checks.append(Check("Période de validité", False, f"expirée le {until:%d/%m/%Y}"))
        return Verdict(
            EXPIRED,
            f"Cette attestation n’est plus valable depuis le {timezone.localtime(until):%d/%m/%Y}.",
            "credential",
            checks,
            facts,
            record,
        )
    if starts is not None and starts > now:
        checks.append(Check("Période de validité", False, "pas encore valable"))
        return Verdict(
            EXPIRED,
            "Cette attestation n’est pas encore valable.",
            "credential",
            checks,
            facts,
            record,
        )
    checks.append(Check("Période de validité", True, "en cours de validité"))
    return Verdict(
        AUTHENTIC,
        "Cette attestation a été émise par le passeport et n’a pas été modifiée depuis.",
        "credential",
        checks,
        facts,
        record,
    )


def _from_proof_error(error: signing.ProofError, checks: list[Check], facts: dict) -> Verdict:
    checks.append(Check("Signature", False, str(error)))
    if error.reason == signing.ALTERED:
        return Verdict(
            ALTERED,
            f"Le contenu ne correspond plus à sa signature : {error}.",
            "credential",
            checks,
            facts,
        )
    return Verdict(
        UNKNOWN_SIGNATURE,
        f"Ce document n’est pas signé par le passeport : {error}.",
        "credential",
        checks,
        facts,
    )


def verify_credential(document: dict, *, count: bool = True) -> Verdict:
    """A credential with an embedded Data Integrity proof."""
    if not isinstance(document, dict):
        raise InputError("Le JSON collé n’est pas une attestation (un objet JSON est attendu).")
    checks: list[Check] = []
    facts = _facts(document)
    try:
        proof = signing.verify_proof(document)
    except signing.ProofError as error:
        return _from_proof_error(error, checks, facts)
    checks.append(Check("Signature", True, f"eddsa-rdfc-2022, clé {proof.verification_method}"))
    return _judge_credential(document, checks, count=count)


_JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "exp", "iat", "aud")


def credential_of_jws(header: dict, payload: dict) -> tuple[dict, list[str]]:
    """The credential a JWT carries, and the mismatches between its claims and the credential.

    Three forms are read: Open Badges 3.0 §8.2 (the credential is the payload, with iss, jti,
    sub, nbf, exp mirroring it), VC-JOSE-COSE (`typ` vc+jwt: the payload is the credential),
    and VC 1.1's JWT (the credential under the `vc` claim)."""
    if isinstance(payload.get("vc"), dict):
        credential = dict(payload["vc"])
    else:
        credential = {key: value for key, value in payload.items() if key not in _JWT_CLAIMS}
    problems = []
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    expected = {"iss": issuer_id, "jti": credential.get("id"), "sub": subject_id}
    for claim, value in expected.items():
        if claim in payload and payload[claim] != value:
            problems.append(f"la revendication « {claim} » ne correspond pas à l’attestation")
    for claim, name in (("nbf", "validFrom"), ("exp", "validUntil")):
        if claim in payload:
            moment = _parse_time(credential.get(name))
            if moment is None or int(moment.timestamp()) != payload[claim]:
                problems.append(f"la revendication « {claim} » ne correspond pas à « {name} »")
    return credential, problems


def verify_jwt(token: str, *, count: bool = True) -> Verdict:
    checks: list[Check] = []
    try:
        result = signing.verify_jws(token)
    except signing.ProofError as error:
        if error.reason == signing.MALFORMED:
            raise InputError(f"Jeton illisible : {error}.") from None
        return _from_proof_error(error, checks, {})
    credential, problems = credential_of_jws(result.header, result.payload)
    facts = _facts(credential)
    checks.append(Check("Signature", True, f"JWS {result.header.get('alg')}, clé {result.key.id}"))
    if problems:
        checks.append(Check("Cohérence du jeton", False, "; ".join(problems)))
        return Verdict(
            ALTERED,
            f"Le jeton est signé mais incohérent : {'; '.join(problems)}.",
            "credential",
            checks,
            facts,
        )
    return _judge_credential(credential, checks, count=count)


def verify_text(text: str, *, count: bool = True) -> Verdict:
    """What a visitor pasted: a credential as JSON, or a JWT."""
    text = (text or "").strip()
    if not text:
        raise InputError("Collez une attestation (JSON) ou un jeton JWT.")
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as error:
            raise InputError(
                f"Le texte collé n’est pas un JSON valide (ligne {error.lineno}, colonne "
                f"{error.colno}) : vérifiez qu’il est complet."
            ) from None
        return verify_credential(document, count=count)
    if text.count(".") == 2:
        return verify_jwt(text, count=count)
    raise InputError(
        "Le texte collé n’est ni une attestation JSON (qui commence par « { ») ni un jeton JWT "
        "(trois parties séparées par des points)."
    )


def verify_credential_record(credential: Credential, *, count: bool = True) -> Verdict:
    """The public page of one credential (LinkedIn's link): the credential as we issued it."""
    return verify_credential(json.loads(credential.document), count=count)


def verify_bytes(data: bytes, *, name: str = "") -> Verdict:
    """An uploaded file: a baked badge image (PNG, SVG); PDFs are read by `verify_pdf`."""
    from . import baking

    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        text = baking.unbake_png(data)
        if text is None:
            raise InputError(f"L’image « {name} » ne contient aucune attestation Open Badges.")
        return verify_text(text)
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        text = baking.unbake_svg(data.decode("utf-8", errors="replace"))
        if text is None:
            raise InputError(f"L’image « {name} » ne contient aucune attestation Open Badges.")
        return verify_text(text)
    raise InputError(
        f"Le fichier « {name} » n’est ni un PDF, ni une image de badge PNG ou SVG : seuls les "
        "documents issus du passeport peuvent être vérifiés ici."
    )
