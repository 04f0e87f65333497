"""Credentials whose entry no longer holds are revoked: withdrawn, corrected, confirmed wrong.

The passport tells us through its signals (`receivers.py`), which queue one task per
committed transaction; `sweep` is the daily safety net over every active credential.
"""

from . import credentials, statuslists
from .models import Credential

Reason = Credential.RevocationReason


def _reason(credential: Credential, requested: str) -> str | None:
    entry = credential.entry
    if entry.is_withdrawn:
        return Reason.WITHDRAWN
    if requested == Reason.ERROR_CONFIRMED:
        return Reason.ERROR_CONFIRMED
    if not credentials.eligible(entry) or credential.claims_hash != credentials.claims_hash(entry):
        return Reason.CORRECTED
    return None


def _revoke(candidates, requested: str) -> int:
    by_reason: dict[str, list] = {}
    for credential in candidates:
        reason = _reason(credential, requested)
        if reason:
            by_reason.setdefault(reason, []).append(credential.pk)
    return sum(statuslists.revoke(ids, reason) for reason, ids in by_reason.items())


def revoke_for_entries(entry_ids, requested: str = "") -> int:
    """Revokes the active credentials of these entries that no longer hold (the entry's state
    is read again: a signal from a rolled-back transaction revokes nothing)."""
    candidates = Credential.objects.filter(
        entry_id__in=list(entry_ids), revoked_at__isnull=True
    ).select_related("entry")
    return _revoke(candidates, requested)


def sweep(batch: int = 2000) -> int:
    """Every active credential checked against its entry, in batches of `batch`."""
    count, last = 0, None
    while True:
        page = Credential.objects.filter(revoked_at__isnull=True).select_related("entry")
        if last is not None:
            page = page.filter(pk__gt=last)
        page = list(page.order_by("pk")[:batch])
        if not page:
            return count
        count += _revoke(page, "")
        last = page[-1].pk
