"""Signed PDFs: a CV, an attestation de certification, the attestation de prévention.

Each document is rendered (rendering.py), signed PAdES by the service (signing.py), stored
with its SHA-256 in private storage and recorded with what it states (`snapshot`), a short
printed code and its QR code leading to `/verifier/<code>/`. A CV embeds the Open Badges
credentials of its guaranteed entries as attached files.
"""

import hashlib
import json
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from passeport.core.models import AuditEvent
from passeport.passport.models import Entry, Holder

from . import credentials, cvs, referentials, rendering, signing
from .models import CV, SignedDocument

# Crockford's base32 without I, L, O, U: read aloud or typed without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A printed verification code: 10 characters (50 bits), shown as XXXXX-XXXXX."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(typed: str) -> str:
    text = "".join(ch for ch in typed.upper().translate(_READ_AS) if ch in _ALPHABET)
    return f"{text[:5]}-{text[5:]}" if len(text) == 10 else ""


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("proofs:verify_code", args=[code])


def _attachments(issued) -> list[tuple[str, str, str]]:
    return [
        (
            f"attestation-{credential.entry.certification_code or credential.pk.hex[:8]}.json",
            credential.document,
            f"Attestation numérique Open Badges 3.0 : {credential.entry.title}",
        )
        for credential in issued
    ]


def _issue(
    kind: str,
    *,
    holder: Holder,
    template: str,
    context: dict,
    title: str,
    reason: str,
    snapshot: dict,
    issued=(),
    cv: CV | None = None,
    entry: Entry | None = None,
    valid_until=None,
) -> SignedDocument:
    code = new_code()
    url = verify_url(code)
    pdf, pages = rendering.render(
        template,
        {
            **context,
            "code": code,
            "verify_url": url,
            "qr": rendering.qr_data_uri(url),
            "page_footer": rendering.css_string(
                f"Signé électroniquement par le passeport — code {code} — {url}"
            ),
        },
        attachments=_attachments(issued),
        title=title,
    )
    signed = signing.sign_pdf(pdf, reason=reason)
    document = SignedDocument(
        kind=kind,
        holder=holder,
        cv=cv,
        entry=entry,
        code=code,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        pages=pages,
        snapshot={**snapshot, "credentials": [c.urn for c in issued]},
        valid_until=valid_until,
    )
    with transaction.atomic():
        document.file.save(f"{document.pk.hex}.pdf", ContentFile(signed), save=False)
        document.save()
        document.credentials.set(issued)
        AuditEvent.record("proofs.document_signed", target=document, kind=kind)
    return document


def sign_cv(cv: CV) -> SignedDocument:
    """The CV as a signed PDF (a new document each time: the passport may have changed)."""
    if cv.is_revoked:
        raise ValueError("un CV révoqué ne se signe plus")
    content = cvs.content(cv)
    issued = [c for entry in content.guaranteed if (c := credentials.current(entry))]
    return _issue(
        SignedDocument.Kind.CV,
        holder=cv.holder,
        template="proofs/pdf/cv.html",
        context={"cv_content": content, "template": cv.template},
        title=f"CV de {content.full_name}",
        reason="CV issu du passeport d’orientation, de formation et de compétences",
        snapshot=cvs.snapshot(content),
        issued=issued,
        cv=cv,
    )


def sign_certification_attestation(holder: Holder, entry: Entry) -> SignedDocument:
    credential = credentials.current(entry)
    if credential is None or entry.kind != Entry.Kind.CERTIFICATION:
        raise ValueError("seule une certification garantie et confirmée s’atteste")
    name = cvs.full_name(holder)
    return _issue(
        SignedDocument.Kind.CERTIFICATION,
        holder=holder,
        template="proofs/pdf/attestation_certification.html",
        context={
            "entry": entry,
            "full_name": name,
            "fiche": referentials.fiche(entry.certification_code),
            "today": timezone.localdate(),
        },
        title=f"Attestation de certification — {entry.title}",
        reason="Attestation de certification du passeport",
        snapshot={"titulaire": name, "entrees": [cvs.line(entry).snapshot()]},
        issued=[credential],
        entry=entry,
        valid_until=entry.expires_on,
    )


def prevention_entries(holder: Holder, *, today=None) -> list[Entry]:
    today = today or timezone.localdate()
    return [
        entry
        for entry in Entry.objects.of_holder(holder)
        .filter(kind=Entry.Kind.PREVENTION)
        .order_by("expires_on", "title")
        if not entry.is_expired(today=today)
    ]


def sign_prevention_attestation(holder: Holder) -> SignedDocument:
    today = timezone.localdate()
    entries = prevention_entries(holder, today=today)
    lines = [cvs.line(entry) for entry in entries]
    issued = [c for entry in entries if (c := credentials.current(entry))]
    expiries = [entry.expires_on for entry in entries if entry.expires_on]
    name = cvs.full_name(holder)
    return _issue(
        SignedDocument.Kind.PREVENTION,
        holder=holder,
        template="proofs/pdf/attestation_prevention.html",
        context={
            "lines": lines,
            "full_name": name,
            "birth_date": holder.birth_date,
            "today": today,
        },
        title=f"Attestation de prévention de {name}",
        reason="Attestation de prévention du passeport",
        snapshot={"titulaire": name, "entrees": [line.snapshot() for line in lines]},
        issued=issued,
        valid_until=min(expiries) if expiries else None,
    )


def pdf_bytes(document: SignedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def credentials_of(document: SignedDocument) -> list[dict]:
    return [json.loads(c.document) for c in document.credentials.all()]
