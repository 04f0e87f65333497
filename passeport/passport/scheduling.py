"""The passport's recurring work, started by `manage.py schedule_tasks` (core calls this hook).

The prevention reminders run every day at PREVENTION_REMINDERS_HOUR (default 8, local time) as
the self-rescheduling task `daily_prevention_reminders`; a changed hour applies from the run
after the pending one.
"""

from passeport.core.periodic import daily_run_after, enqueue_once

from .tasks import daily_prevention_reminders, reminders_hour


def ensure_scheduled() -> list[tuple[str, object, bool]]:
    """Queues the first daily run of the reminders unless one is pending (idempotent); returns
    (label, planned run time, queued now) for the command to print."""
    run, created = enqueue_once(
        daily_prevention_reminders, run_after=daily_run_after(reminders_hour())
    )
    return [("Rappels du passeport de prévention", run.run_after, created)]
