"""Background tasks of the core app (Django Tasks API, run by `manage.py db_worker`)."""

import os
import socket

from django.tasks import task

from .models import WorkerHeartbeat


@task()
def worker_heartbeat(token: str) -> str:
    heartbeat = WorkerHeartbeat.objects.create(
        token=token, hostname=socket.gethostname(), pid=os.getpid()
    )
    return str(heartbeat.pk)
