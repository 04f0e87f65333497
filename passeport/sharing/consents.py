"""Consents: a holder lets one organisation read chosen sections of their passport, for a time.

Nothing is read without a live consent (not withdrawn, not expired), checked on every read —
withdrawal and expiry take effect on the next request; every read is written in the passport's
access log with the organisation's and the agent's (or the application's) names.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from passeport.core.models import AuditEvent
from passeport.passport.access import log_access
from passeport.passport.models import AccessLog, Entry

from .models import Consent, Organisation
from .sections import CONSENTABLE, kinds_of

DURATIONS = {30: "1 mois", 90: "3 mois", 180: "6 mois", 365: "1 an"}


def grant(holder, organisation: Organisation, *, sections, days: int, actor=None) -> Consent:
    """A new consent, replacing the open one of the same organisation (if any)."""
    allowed = {section.code for section in CONSENTABLE}
    sections = [code for code in dict.fromkeys(sections) if code in allowed]
    if not sections:
        raise ValidationError({"sections": "Choisissez au moins une rubrique à partager."})
    if days not in DURATIONS:
        raise ValidationError({"days": "Choisissez une durée proposée."})
    if not organisation.is_active:
        raise ValidationError({"organisation": "Cette organisation n'est plus active."})
    now = timezone.now()
    with transaction.atomic():
        Consent.objects.filter(
            holder=holder, organisation=organisation, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, updated_at=now)
        consent = Consent.objects.create(
            holder=holder,
            organisation=organisation,
            sections=sections,
            expires_at=now + datetime.timedelta(days=days),
        )
        AuditEvent.record(
            "sharing.consent_granted", actor=actor, target=consent, sections=sections, days=days
        )
    return consent


def withdraw(consent: Consent, *, actor=None) -> None:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at", "updated_at"])
        AuditEvent.record("sharing.consent_withdrawn", actor=actor, target=consent)


def live_consents_of(organisation: Organisation):
    return (
        Consent.objects.live()
        .filter(organisation=organisation, organisation__is_active=True)
        .select_related("holder", "holder__user")
        .order_by("-created_at")
    )


def live_consent(organisation: Organisation, holder_id) -> Consent | None:
    return live_consents_of(organisation).filter(holder_id=holder_id).first()


def readable_entries(consent: Consent, *, sections=None):
    """The entries `consent` lets its organisation read (within `sections` if given)."""
    codes = set(consent.sections) if sections is None else set(consent.sections) & set(sections)
    return Entry.objects.of_holder(consent.holder).filter(kind__in=kinds_of(codes))


def log_read(consent: Consent, *, reader_label: str, accessor=None, what: str) -> None:
    log_access(
        holder=consent.holder,
        accessor=accessor,
        accessor_label=f"{consent.organisation.name} — {reader_label}",
        channel=AccessLog.Channel.API if accessor is None else AccessLog.Channel.ORGANISATION,
        purpose=what,
    )
