"""Background tasks of the passport (Django Tasks API, run by `manage.py db_worker`)."""

from django.tasks import task

from .linking import relink_unlinked_holders
from .reminders import send_prevention_reminders


@task()
def send_prevention_reminders_task(days: int = 60) -> int:
    return send_prevention_reminders(days=days)


@task()
def relink_holders_task() -> int:
    """After an identity-register import: attach the accounts whose person has appeared."""
    return relink_unlinked_holders()
