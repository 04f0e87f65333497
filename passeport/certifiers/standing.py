"""A certifier's standing, set by operators: suspended or active, trusted third party or not.

A suspended certifier deposits nothing and its API tokens are refused (`mandates.
flux_ids_errors`, `tokens.authenticate_token` read `Certifier.is_active`); its members still
see and administer its space. Every change is audited.
"""

from django.utils import timezone

from passeport.core.models import AuditEvent

from .models import Certifier

SUSPENDED = (
    "Votre organisme est suspendu{since} : les dépôts et les corrections sont refusés. "
    "Contactez le support."
)


def suspension_notice(certifier: Certifier) -> str:
    """« Votre organisme est suspendu depuis le … » — the date of the operator's decision, told
    to its members (pages) and its API tokens (API) alike."""
    event = (
        AuditEvent.objects.filter(
            action="certifiers.suspended",
            target_type="certifiers.certifier",
            target_id=certifier.pk,
        )
        .order_by("-created_at")
        .first()
    )
    since = f" depuis le {timezone.localtime(event.created_at):%d/%m/%Y}" if event else ""
    return SUSPENDED.format(since=since)


def suspend(certifier: Certifier, *, reason: str, actor=None) -> None:
    """Suspend `certifier` for `reason` (shown to operators), audited."""
    certifier.status = Certifier.Status.SUSPENDED
    certifier.suspended_reason = reason
    certifier.save(update_fields=["status", "suspended_reason", "updated_at"])
    AuditEvent.record("certifiers.suspended", actor=actor, target=certifier, reason=reason)


def reactivate(certifier: Certifier, *, actor=None) -> None:
    """Make `certifier` active again (its deposits and tokens accepted), audited."""
    certifier.status = Certifier.Status.ACTIVE
    certifier.suspended_reason = ""
    certifier.save(update_fields=["status", "suspended_reason", "updated_at"])
    AuditEvent.record("certifiers.reactivated", actor=actor, target=certifier)


def toggle_trusted_third_party(certifier: Certifier, *, actor=None) -> bool:
    """Declare `certifier` a trusted third party, or no longer one (its mandates then stop
    taking effect), audited; returns the new value."""
    certifier.is_trusted_third_party = not certifier.is_trusted_third_party
    certifier.save(update_fields=["is_trusted_third_party", "updated_at"])
    AuditEvent.record(
        "certifiers.third_party_changed",
        actor=actor,
        target=certifier,
        is_trusted_third_party=certifier.is_trusted_third_party,
    )
    return certifier.is_trusted_third_party
