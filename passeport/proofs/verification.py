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

    if data.startswith(b"%PDF-"):
        return verify_pdf(data)
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


# -- signed PDFs and printed codes ----------------------------------------------------------


def _entry_text(item: dict) -> str:
    parts = [item.get("title", "")]
    if item.get("code"):
        parts[0] += f" ({item['code']})"
    parts += [item.get("organisation", ""), item.get("period", "")]
    return " — ".join(part for part in parts if part)


def comparison(document) -> list[dict]:
    """For each guaranteed entry the document states: what it says, what the passport holds
    today, and whether they agree."""
    from passeport.passport.models import Entry

    from . import cvs

    rows = []
    items = [i for i in document.snapshot.get("entrees", []) if i.get("trust") == "garantie"]
    today = {
        str(entry.pk): entry
        for entry in Entry.objects.filter(pk__in=[item["entry"] for item in items])
    }
    for item in items:
        entry = today.get(item["entry"])
        row = {"document": _entry_text(item), "today": "", "same": False, "difference": ""}
        if entry is None:
            row["difference"] = "n’existe plus dans le passeport"
        elif entry.is_withdrawn:
            row["today"] = _entry_text(cvs.line(entry).snapshot())
            row["difference"] = (
                f"retirée par le certificateur le {timezone.localtime(entry.withdrawn_at):%d/%m/%Y}"
            )
        else:
            now = cvs.line(entry).snapshot()
            row["today"] = _entry_text(now)
            same = all(now[k] == item.get(k) for k in ("title", "organisation", "period", "code"))
            row["same"] = same
            row["difference"] = "" if same else "modifiée depuis la signature"
        rows.append(row)
    return rows


def _document_facts(document) -> dict:
    return {
        "titulaire": document.snapshot.get("titulaire", ""),
        "intitule": document.get_kind_display(),
        "signe_le": f"{timezone.localtime(document.created_at):%d/%m/%Y à %H:%M}",
        "code_de_verification": document.code,
    }


def _judge_document(document, checks: list[Check], *, count: bool, from_code: bool) -> Verdict:
    from .models import SignedDocument

    kind = "cv" if document.kind == SignedDocument.Kind.CV else "attestation"
    facts = _document_facts(document)
    if count:
        SignedDocument.objects.filter(pk=document.pk).update(
            verification_count=F("verification_count") + 1, last_verified_at=timezone.now()
        )
    if document.revoked_at is not None:
        when = timezone.localtime(document.revoked_at)
        checks.append(Check("Révocation", False, f"révoqué le {when:%d/%m/%Y}"))
        return Verdict(
            REVOKED,
            f"Ce document a été révoqué par son titulaire le {when:%d/%m/%Y} : il ne doit plus "
            "être pris en compte.",
            kind,
            checks,
            facts,
            document=document,
        )
    checks.append(Check("Révocation", True, "non révoqué"))
    if document.valid_until and document.valid_until < timezone.localdate():
        checks.append(
            Check("Période de validité", False, f"jusqu’au {document.valid_until:%d/%m/%Y}")
        )
        return Verdict(
            EXPIRED,
            f"Ce document n’est plus valable depuis le {document.valid_until:%d/%m/%Y}.",
            kind,
            checks,
            facts,
            document=document,
        )
    revoked = [c for c in document.credentials.all() if c.is_revoked]
    total = document.credentials.count()
    if total:
        checks.append(
            Check(
                "Attestations numériques jointes",
                not revoked,
                f"{total} jointe(s)"
                + (f", dont {len(revoked)} révoquée(s) depuis" if revoked else ""),
            )
        )
    reason = (
        f"Un document portant ce code a bien été émis par le passeport le {facts['signe_le']}. "
        "Comparez-le au document qu’on vous a remis ; pour le contrôler entièrement, déposez le PDF."
        if from_code
        else "Ce PDF a été signé par le passeport et n’a pas été modifié depuis."
    )
    return Verdict(
        AUTHENTIC, reason, kind, checks, facts, document=document, comparison=comparison(document)
    )


def verify_pdf(data: bytes, *, count: bool = True) -> Verdict:
    import hashlib

    from .models import SignedDocument

    check = signing.check_pdf(data)
    checks: list[Check] = []
    if check.status == signing.PDF_UNREADABLE:
        raise InputError(f"Le fichier n’est pas un PDF lisible : {check.message}.")
    if check.status == signing.PDF_NO_SIGNATURE:
        checks.append(Check("Signature électronique", False, check.message))
        return Verdict(
            UNKNOWN_SIGNATURE,
            "Ce PDF ne porte aucune signature électronique : il n’est pas issu du passeport, ou "
            "sa signature a été retirée.",
            "pdf",
            checks,
        )
    facts = {"signataire": check.signer}
    if check.status == signing.ALTERED:
        checks.append(Check("Intégrité", False, check.message))
        return Verdict(
            ALTERED,
            f"Ce PDF a été modifié après sa signature : {check.message}.",
            "pdf",
            checks,
            facts,
        )
    if check.status == signing.UNKNOWN_KEY:
        checks.append(Check("Certificat du signataire", False, check.message))
        return Verdict(
            UNKNOWN_SIGNATURE,
            f"Ce PDF est signé, mais pas par le passeport ({check.signer or 'signataire inconnu'}).",
            "pdf",
            checks,
            facts,
        )
    checks += [
        Check("Intégrité", True, "la signature couvre tout le fichier"),
        Check("Certificat du signataire", True, check.signer),
    ]
    digest = hashlib.sha256(data).hexdigest()
    document = SignedDocument.objects.filter(sha256=digest).first()
    if document is None:
        checks.append(Check("Registre des documents", False, "absent"))
        return Verdict(
            NOT_FOUND,
            "Ce PDF est signé par le passeport mais ne figure pas dans son registre des documents "
            "émis : il ne peut pas être confirmé.",
            "pdf",
            checks,
            facts,
        )
    checks.append(Check("Registre des documents", True, f"code {document.code}"))
    return _judge_document(document, checks, count=count, from_code=False)


def verify_code(typed: str, *, count: bool = True) -> Verdict:
    from .documents import normalise_code
    from .models import SignedDocument

    code = normalise_code(typed or "")
    document = SignedDocument.objects.filter(code=code).first() if code else None
    if document is None:
        return Verdict(
            NOT_FOUND,
            "Aucun document émis par le passeport ne porte ce code. Vérifiez sa saisie (10 "
            "caractères) ; un document dont le code est inconnu n’est pas authentique.",
            "code",
            [Check("Code de vérification", False, typed[:40] if typed else "vide")],
        )
    return _judge_document(
        document, [Check("Code de vérification", True, code)], count=count, from_code=True
    )
