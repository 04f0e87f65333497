"""Listeners of the passport's signals (a lower app: it cannot call us).

The passport sends `entry_withdrawn`, `entry_corrected` and `entry_error_confirmed` inside the
transaction that changes the entry. We only note the entry ids; when that transaction
commits, one task revokes their credentials — one task per deposit chunk, not per passage,
and nothing signed in the deposit's own work.
"""

import threading

from django.db import transaction

from passeport.passport import signals

from .models import Credential

_pending = threading.local()


def _flush() -> None:
    from .tasks import revoke_for_entries

    waiting: dict = getattr(_pending, "entries", None) or {}
    if not waiting:
        return
    _pending.entries = {}
    for reason, ids in waiting.items():
        revoke_for_entries.enqueue(sorted(str(i) for i in ids), reason)


def _note(entry_id, reason: str) -> None:
    waiting = getattr(_pending, "entries", None)
    if waiting is None:
        waiting = _pending.entries = {}
    waiting.setdefault(reason, set()).add(entry_id)
    # Registered at every note: the first callback of the commit flushes them all, the others
    # find nothing. Ids noted in a transaction that rolled back wait for the next commit (the
    # task reads the entries again, so they revoke nothing that still holds).
    transaction.on_commit(_flush)


def entry_withdrawn(sender, entry_id, **kwargs):
    _note(entry_id, Credential.RevocationReason.WITHDRAWN)


def entry_corrected(sender, entry_id, **kwargs):
    _note(entry_id, Credential.RevocationReason.CORRECTED)


def entry_error_confirmed(sender, entry_id, **kwargs):
    _note(entry_id, Credential.RevocationReason.ERROR_CONFIRMED)


def export_sections(sender, holder=None, person_id=None, **kwargs) -> dict:
    """The personal-data export's `attestations_numeriques`: every credential issued for the
    person, as issued (the signed JSON, its JWT, its public verification page)."""
    import json

    from .credentials import public_url

    if person_id is None:
        return {"attestations_numeriques": []}
    return {
        "attestations_numeriques": [
            {
                "attestation": json.loads(credential.document),
                "jwt": credential.jwt,
                "url_de_verification": public_url(credential.pk),
                "emise_le": credential.created_at.isoformat(),
                "revoquee_le": credential.revoked_at.isoformat() if credential.revoked_at else None,
                "motif_revocation": credential.get_revocation_reason_display()
                if credential.revoked_at
                else "",
            }
            for credential in Credential.objects.filter(person_id=person_id).order_by("created_at")
        ]
    }


def connect() -> None:
    signals.export_sections.connect(export_sections, dispatch_uid="proofs.export_sections")
    signals.entry_withdrawn.connect(entry_withdrawn, dispatch_uid="proofs.entry_withdrawn")
    signals.entry_corrected.connect(entry_corrected, dispatch_uid="proofs.entry_corrected")
    signals.entry_error_confirmed.connect(
        entry_error_confirmed, dispatch_uid="proofs.entry_error_confirmed"
    )
