"""Background tasks of the deposits (Django Tasks API, django-tasks-db workers).

`process_deposit` does the work; `watch_deposit` is the safety net for processes that die: queued
(deferred) in the very transaction that records the deposit (reception.py), it re-queues itself
while the deposit is unfinished and re-runs it once its lease has expired — a killed worker's
deposit resumes on any other worker without an operator, from its last committed chunk, and a
deposit whose receiving process died during the reception checks is checked by a worker.
"""

from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from . import processing
from .models import Deposit

# How long after a lease's end the watchdog looks: the worker's polling interval and the clocks
# of the machines (leases are written by one, read by another) must have let it expire.
WATCH_MARGIN_SECONDS = 2.0


def watch_interval() -> float:
    """The longest delay between two looks of the watchdog at an unfinished deposit."""
    return float(settings.DEPOSIT_WATCH_SECONDS)


def next_look(deposit: Deposit):
    """When the watchdog should look at `deposit` again: right after its lease ends.

    A lease is renewed at each chunk, so a look at a fixed interval nearly always finds a lease
    about to end and waits a whole interval more: a killed worker's deposit would resume up to
    twice the lease after its last chunk. Looking at the lease's end plus a margin resumes it
    within the lease and the margin. With no lease held (queued, or expired: this very look
    takes one), the lease it is about to get is the one to wait for."""
    now = timezone.now()
    lease = deposit.lease_expires_at
    if lease is None or lease < now:
        lease = now + timedelta(seconds=processing.lease_seconds())
    return min(
        lease + timedelta(seconds=WATCH_MARGIN_SECONDS),
        now + timedelta(seconds=watch_interval()),
    )


def watch(deposit: Deposit) -> None:
    """Queue the watchdog's next look at `deposit` (inside the caller's transaction when it has
    one: the queue is a table of the same database)."""
    watch_deposit.using(run_after=next_look(deposit)).enqueue(str(deposit.pk))


def ensure_watched(deposit: Deposit) -> None:
    """Queue a watchdog for `deposit` unless one is queued or running already (each look queues
    the next: two would double every look)."""
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(
        task_path=watch_deposit.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    if not any(r.args_kwargs.get("args") == [str(deposit.pk)] for r in pending):
        watch(deposit)


def enqueue_processing(deposit_id) -> None:
    process_deposit.enqueue(str(deposit_id))
    watch(Deposit.objects.get(pk=deposit_id))


@task(takes_context=True)
def process_deposit(context, deposit_id: str) -> str:
    _close_lost_runs_if_lease_expired(deposit_id, context.task_result.id)
    return processing.process(deposit_id)


@task(takes_context=True)
def watch_deposit(context, deposit_id: str) -> str:
    deposit = Deposit.objects.filter(pk=deposit_id).first()
    if deposit is None:
        return "absent"
    if deposit.is_finished:
        if deposit.status == Deposit.Status.REJECTED and deposit.notified_at is None:
            # Rejected at reception by a process that died before its mail went out.
            from .notifications import notify_depositor

            notify_depositor(deposit)
        return deposit.status
    # Queue the next watch first: if this worker dies too, someone still looks after it.
    watch(deposit)
    lease = deposit.lease_expires_at
    if lease is None or lease < timezone.now():
        _close_lost_runs_if_lease_expired(deposit_id, context.task_result.id)
        return processing.process(deposit_id)
    return deposit.status


class WorkerLost(Exception):
    """The worker running a deposit stopped renewing its lease: killed, or its machine lost."""


def _close_lost_runs_if_lease_expired(deposit_id: str, current_run_id) -> None:
    """Mark as failed the runs for this deposit that a dead worker left « running » in the task
    queue (django-tasks-db cannot know its worker died), so that the queue's admin and the status
    page tell the truth. Either task may have been the one killed: the processing, or a watch
    that had started it. The deposit itself resumes from its last committed chunk right after."""
    from django_tasks_db.models import DBTaskResult

    deposit = Deposit.objects.filter(pk=deposit_id).only("lease_owner", "lease_expires_at").first()
    if deposit is None or not deposit.lease_owner or deposit.lease_expires_at is None:
        return
    if deposit.lease_expires_at >= timezone.now():
        return
    running = (
        DBTaskResult.objects.running()
        .filter(task_path__in=[process_deposit.module_path, watch_deposit.module_path])
        .exclude(pk=current_run_id)
    )
    for result in running:
        if result.args_kwargs.get("args") == [str(deposit_id)]:
            result.set_failed(
                WorkerLost(
                    f"Le worker {deposit.lease_owner} n'a plus renouvelé son bail sur le dépôt "
                    f"{deposit_id} : traitement repris par un autre worker."
                )
            )


@task()
def import_identities_file(storage_name: str, display_name: str, user_id: str) -> dict:
    """Back-office import of the identity register (the same code as `import_identities`)."""
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from passeport.identity.importing import ImportFileError, import_identities

    user = get_user_model().objects.filter(pk=user_id).first()
    try:
        with default_storage.open(storage_name, "rb") as stream:
            stream.name = display_name
            report = import_identities(stream, user=user)
    except ImportFileError as exc:
        from passeport.identity.models import IdentityImport

        IdentityImport.objects.create(
            source_name=display_name, started_by=user, errors=[str(exc)], finished_at=timezone.now()
        )
        return {"error": str(exc)}
    finally:
        default_storage.delete(storage_name)
    return {
        "lines": report.lines,
        "created": report.created,
        "updated": report.updated,
        "errors": report.error_count,
    }


@task()
def inspect_analysis(analysis_id: str) -> str:
    """A spreadsheet deposited in the portal: its columns, samples and recognition."""
    from . import analysis

    return analysis.inspect(analysis_id)


@task()
def build_analysis(analysis_id: str) -> str:
    """A spreadsheet whose columns are mapped: the flux, its report and rejects, the preview."""
    from . import analysis

    return analysis.build(analysis_id)


SWEEP_HOUR = 3  # local time: the night, when nobody is between two screens


@task()
def daily_analysis_sweep() -> int:
    """Delete the spreadsheets left before their deposit for a day, then queue tomorrow's run."""
    from passeport.core.periodic import daily_run_after, enqueue_once

    from . import analysis

    # Tomorrow's run first: a failure today does not end the chain.
    enqueue_once(daily_analysis_sweep, run_after=daily_run_after(SWEEP_HOUR, next_day=True))
    return analysis.sweep_abandoned()
