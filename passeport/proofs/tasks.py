"""Background tasks of the proofs app (Django Tasks API, run by `manage.py db_worker`)."""

from django.tasks import task

from passeport.core.periodic import daily_run_after, enqueue_once

from . import revoking, statuslists

SWEEP_HOUR = 3


@task()
def publish_status_lists() -> int:
    """Re-signs and publishes the status lists whose bits changed."""
    return statuslists.publish_stale()


@task()
def revoke_for_entries(entry_ids: list[str], reason: str) -> int:
    """Entries withdrawn, corrected or confirmed wrong: their credentials are revoked and the
    status lists republished in the same run (visible within one task cycle)."""
    count = revoking.revoke_for_entries(entry_ids, reason)
    statuslists.publish_stale()
    return count


@task()
def daily_credential_sweep() -> int:
    """Safety net: every active credential whose entry was withdrawn or changed is revoked,
    should a signal have been lost (a process killed between a commit and its task)."""
    enqueue_once(daily_credential_sweep, run_after=daily_run_after(SWEEP_HOUR, next_day=True))
    count = revoking.sweep()
    statuslists.publish_stale()
    return count
