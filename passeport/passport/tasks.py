"""Background tasks of the passport (Django Tasks API, run by `manage.py db_worker`)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.tasks import task

from passeport.core.periodic import daily_run_after, enqueue_once

from .linking import relink_unlinked_holders
from .reminders import DEFAULT_DAYS, send_prevention_reminders


def reminders_hour() -> int:
    """Local hour (TIME_ZONE) of the daily prevention reminders: PREVENTION_REMINDERS_HOUR, 8."""
    hour = settings.PREVENTION_REMINDERS_HOUR
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ImproperlyConfigured(
            f"PREVENTION_REMINDERS_HOUR doit être une heure entière de 0 à 23 (reçu : {hour!r})."
        )
    return hour


@task()
def send_prevention_reminders_task(days: int = DEFAULT_DAYS) -> int:
    """One sending of the due reminders, now (the daily run is `daily_prevention_reminders`)."""
    return send_prevention_reminders(days=days)


@task()
def daily_prevention_reminders() -> int:
    """The reminders of the day, then tomorrow's run (started by `manage.py schedule_tasks`)."""
    # Tomorrow's run is queued first: if sending fails (mail server down) or this worker dies,
    # the chain goes on. This run is RUNNING, so it does not count as the pending one.
    enqueue_once(
        daily_prevention_reminders, run_after=daily_run_after(reminders_hour(), next_day=True)
    )
    return send_prevention_reminders()


@task()
def relink_holders_task() -> int:
    """After an identity-register import: attach the accounts whose person has appeared."""
    return relink_unlinked_holders()
