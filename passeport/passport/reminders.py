"""Reminders before a prevention training or certificate expires (passeport de prévention).

Each entry is reminded once (`Entry.reminder_sent_on`), `days` before its expiry date, by e-mail
to the holder account it belongs to (declared entries) or of its person (guaranteed entries).
A person who never logged in has no address here: nothing is sent, and the entry is reminded if
they log in before it expires. Runs every day as the task `daily_prevention_reminders`
(tasks.py, started by `manage.py schedule_tasks`); `manage.py send_prevention_reminders` sends
the due reminders at once.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Entry, Holder

DEFAULT_DAYS = 60


def due_entries(*, days: int, today: datetime.date):
    return (
        Entry.objects.active()
        .filter(
            kind=Entry.Kind.PREVENTION,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=days),
            reminder_sent_on__isnull=True,
        )
        .order_by("expires_on")
    )


def send_prevention_reminders(*, days: int = DEFAULT_DAYS, today=None) -> int:
    """Sends the due reminders; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    entries = list(due_entries(days=days, today=today))
    person_ids = {entry.person_id for entry in entries if entry.person_id}
    holders_by_person = {
        holder.person_id: holder
        for holder in Holder.objects.select_related("user").filter(Q(person_id__in=person_ids))
    }
    holder_ids = {entry.holder_id for entry in entries if entry.holder_id}
    holders_by_id = {
        holder.pk: holder
        for holder in Holder.objects.select_related("user").filter(pk__in=holder_ids)
    }
    per_holder: dict = defaultdict(list)
    for entry in entries:
        holder = holders_by_id.get(entry.holder_id) or holders_by_person.get(entry.person_id)
        if holder is not None and holder.user.is_active:
            per_holder[holder].append(entry)
    sent = 0
    url = f"{settings.SITE_URL}{reverse('passport:prevention')}"
    for holder, listed in per_holder.items():
        with transaction.atomic():
            # Read again under row locks: another run (the daily task and the command at once)
            # may have reminded these entries since the list above; it then waits here and
            # finds them reminded — each entry is e-mailed once. A failed e-mail rolls back and
            # is retried by the next run.
            due = list(
                Entry.objects.select_for_update()
                .filter(pk__in=[entry.pk for entry in listed], reminder_sent_on__isnull=True)
                .order_by("expires_on")
            )
            if not due:
                continue
            _send(holder, due, url)
            Entry.objects.filter(pk__in=[entry.pk for entry in due]).update(reminder_sent_on=today)
        sent += 1
    return sent


def _send(holder, due, url) -> None:
    lines = "\n".join(
        f"- {entry.title} ({entry.organisation}) : expire le {entry.expires_on:%d/%m/%Y}"
        for entry in due
    )
    send_mail(
        subject="Passeport de prévention : une formation arrive à expiration",
        message=(
            f"Bonjour {holder.user.first_name},\n\n"
            "Les formations ou certificats de prévention suivants arrivent à expiration :\n"
            f"{lines}\n\n"
            "Pensez à les renouveler auprès d'un organisme de formation. Votre passeport de "
            f"prévention : {url}\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre."
        ),
        from_email=None,
        recipient_list=[holder.user.email],
    )
