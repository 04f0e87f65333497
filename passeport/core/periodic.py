"""Recurring background work without cron: daily tasks that queue their own next run.

A daily task does its work and queues itself again for the next day (`Task.using(run_after=…)`),
like the deposits' watchdog. The chain is started — and restored, if it was ever lost (database
restored, a worker killed between two steps) — by `manage.py schedule_tasks`, which calls each
app's `passeport/<app>/scheduling.py: ensure_scheduled()`; `passeport run` runs it at start-up,
production deploys after `migrate`.

`enqueue_once` keeps exactly one pending run per task whoever asks (the task itself, the command
run by several deploys at once): the look-up of a READY run and the insertion happen under one
lock per task — a PostgreSQL advisory lock; on SQLite the project opens every transaction with
BEGIN IMMEDIATE (settings), which already serialises writers.
"""

import datetime
import hashlib

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def daily_run_after(hour: int, *, now: datetime.datetime | None = None, next_day: bool = False):
    """`hour`:00 local time (TIME_ZONE, Europe/Paris) on the next day if `next_day`, else the next
    such moment strictly after `now` (today if `hour` has not come yet)."""
    now = timezone.localtime(now or timezone.now())
    day = now.date()
    if next_day or now.time() >= datetime.time(hour):
        day += datetime.timedelta(days=1)
    # The zone's offset of that day: 08:00 stays 08:00 across the summer-time changes.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def pending_runs(task):
    """The runs of `task` queued and not started (due or planned), oldest first."""
    return DBTaskResult.objects.filter(
        task_path=task.module_path, backend_name=task.backend, status="READY"
    ).order_by("run_after")


def enqueue_once(task, *, run_after: datetime.datetime) -> tuple[DBTaskResult, bool]:
    """Queues `task` (no arguments) to run after `run_after` unless a run of it is already
    pending; returns (the pending run, whether it was queued now)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        raise ImproperlyConfigured(
            f"Tâche {task.name} : la planification quotidienne demande la file django-tasks-db "
            "(TASKS_BACKEND=django_tasks_db.DatabaseBackend)."
        )
    alias = router.db_for_write(DBTaskResult)
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            key = int.from_bytes(
                hashlib.sha256(task.module_path.encode()).digest()[:8], "big", signed=True
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        pending = pending_runs(task).first()
        if pending is not None:
            return pending, False
        result = task.using(run_after=run_after).enqueue()
        return DBTaskResult.objects.using(alias).get(pk=result.id), True
