"""System status for operators: database, background worker, pending and planned tasks."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat
from .tasks import worker_heartbeat


@dataclass(frozen=True)
class PlannedTask:
    """Runs of one task queued for later (daily tasks, deposit watchdogs)."""

    name: str
    next_run: datetime
    count: int


@dataclass(frozen=True)
class SystemStatus:
    database: str
    ready_tasks: int  # due now, waiting for a worker (planned ones apart)
    running_tasks: int
    failed_tasks: int
    last_heartbeat: datetime | None
    last_heartbeat_host: str
    planned: tuple[PlannedTask, ...] = ()


def system_status() -> SystemStatus:
    counts = {row["status"]: row["n"] for row in _task_counts()}
    planned = _planned_tasks()
    last = WorkerHeartbeat.objects.order_by("-created_at").first()
    return SystemStatus(
        database=connection.vendor,
        ready_tasks=max(0, counts.get("READY", 0) - sum(task.count for task in planned)),
        running_tasks=counts.get("RUNNING", 0),
        failed_tasks=counts.get("FAILED", 0),
        last_heartbeat=last.created_at if last else None,
        last_heartbeat_host=f"{last.hostname} (pid {last.pid})" if last else "",
        planned=planned,
    )


def _task_counts():
    return DBTaskResult.objects.values("status").annotate(n=Count("id"))


def _planned_tasks() -> tuple[PlannedTask, ...]:
    """READY runs whose `run_after` is still to come, by task: the next run and how many."""
    rows = (
        DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
        .exclude(run_after=get_date_max())  # django-tasks-db's "no run_after": due now
        .values("task_path")
        .annotate(next_run=Min("run_after"), n=Count("id"))
        .order_by("next_run")
    )
    return tuple(
        PlannedTask(
            name=row["task_path"].rsplit(".", 1)[-1], next_run=row["next_run"], count=row["n"]
        )
        for row in rows
    )


def request_heartbeat() -> str:
    """Enqueue a heartbeat task; returns its token."""
    token = secrets.token_hex(8)
    worker_heartbeat.enqueue(token)
    return token
