"""System status for operators: database, background worker, pending tasks."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat
from .tasks import worker_heartbeat


@dataclass(frozen=True)
class SystemStatus:
    database: str
    ready_tasks: int
    running_tasks: int
    failed_tasks: int
    last_heartbeat: datetime | None
    last_heartbeat_host: str


def system_status() -> SystemStatus:
    counts = {row["status"]: row["n"] for row in _task_counts()}
    last = WorkerHeartbeat.objects.order_by("-created_at").first()
    return SystemStatus(
        database=connection.vendor,
        ready_tasks=counts.get("READY", 0),
        running_tasks=counts.get("RUNNING", 0),
        failed_tasks=counts.get("FAILED", 0),
        last_heartbeat=last.created_at if last else None,
        last_heartbeat_host=f"{last.hostname} (pid {last.pid})" if last else "",
    )


def _task_counts():
    from django.db.models import Count

    return DBTaskResult.objects.values("status").annotate(n=Count("id"))


def request_heartbeat() -> str:
    """Enqueue a heartbeat task; returns its token."""
    token = secrets.token_hex(8)
    worker_heartbeat.enqueue(token)
    return token
