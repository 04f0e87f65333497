"""Supporting documents: accepted only when their *content* is a PDF, PNG or JPEG, size-limited.

The browser's declared type and the file name are not trusted: the type is read from the first
bytes (the formats' magic numbers). Files go to the default storage, which is private
(settings.STORAGES["default"] under PRIVATE_STORAGE_ROOT, never served by the web server); the
only way to read one is `views.document_download`, which checks the owner.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Document, Entry

MAX_DOCUMENT_BYTES = settings.PASSPORT_DOCUMENT_MAX_BYTES

# Magic numbers: PDF (ISO 32000-1 §7.5.2), PNG (RFC 2083 §3.1), JPEG (SOI marker + next marker).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def validate_upload(upload) -> str:
    """Returns the content type read from the content, or raises ValidationError (French)."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » pèse %(size)s Mo : la limite est de %(max)s Mo. "
                "Réduisez-le (scan en 150 dpi, PDF compressé) puis envoyez-le à nouveau."
            ),
            params={
                "name": upload.name,
                "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
                "max": MAX_DOCUMENT_BYTES // (1024 * 1024),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » n’est ni un PDF, ni une image PNG ou JPEG (son contenu "
                "a été vérifié, pas seulement son nom). Enregistrez votre justificatif dans l’un "
                "de ces formats."
            ),
            params={"name": upload.name},
            code="bad_type",
        )
    return content_type


def attach_document(entry: Entry, upload, content_type: str) -> Document:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        document = Document(
            entry=entry,
            original_name=(upload.name or "justificatif")[:255],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        document.file.save(upload.name or "justificatif", upload, save=False)
        document.save()
        entry.refresh_trust(has_document=True)
        entry.save(update_fields=["trust", "updated_at"])
    return document


def delete_document(document: Document) -> None:
    entry = document.entry
    with transaction.atomic():
        document.delete()
        entry.refresh_trust(has_document=entry.documents.exists())
        entry.save(update_fields=["trust", "updated_at"])
    # The file goes once the row is gone (a failed transaction keeps both).
    transaction.on_commit(lambda: document.file.storage.delete(document.file.name))
