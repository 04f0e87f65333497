"""Background tasks: enqueued by a request, run by a real `db_worker` process on the test database.

On PostgreSQL, workers on several machines share one database: two workers started at once must
never run the same task twice (django-tasks-db claims rows with SELECT … FOR UPDATE SKIP LOCKED).
"""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from passeport.core.models import WorkerHeartbeat
from passeport.core.tasks import worker_heartbeat
from passeport.testing import factories

ROOT = Path(__file__).resolve().parents[2]


def worker_env() -> dict[str, str]:
    """Environment for a worker subprocess pointing at the test database of this run."""
    settings = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{settings['NAME']}"
    return env


def run_worker(*extra: str, timeout: int = 120) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.05",
            *extra,
        ],
        env=worker_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def operator(django_user_model):
    return factories.UserFactory(email="ops@example.org", staff=True)


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_by_a_request_is_run_by_the_worker(client, operator):
    client.force_login(operator)
    response = client.post("/back-office/statut/")
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert WorkerHeartbeat.objects.count() == 0  # nothing ran inside the request

    worker = run_worker()
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output

    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.pid != os.getpid()  # run by the worker process, not by this test
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get("/back-office/statut/").content.decode()
    assert heartbeat.hostname in page


@pytest.mark.django_db(transaction=True)
def test_status_page_is_for_operators_only(client, django_user_model):
    assert client.get("/back-office/statut/").status_code == 302  # to the login page
    user = factories.UserFactory(email="someone@example.org")
    client.force_login(user)
    response = client.post("/back-office/statut/")
    assert response.status_code == 302 and "connexion" in response["Location"]
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_task_twice():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are a PostgreSQL deployment (SQLite serialises writers)")
    tokens = [f"t{i:04d}" for i in range(1000)]
    for token in tokens:
        worker_heartbeat.enqueue(token)

    workers = [run_worker(), run_worker()]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    runs = Counter(WorkerHeartbeat.objects.values_list("token", flat=True))
    assert set(runs) == set(tokens)
    assert max(runs.values()) == 1, [t for t, n in runs.items() if n > 1]
    # Both workers took part, so the test did exercise concurrency.
    assert len(set(WorkerHeartbeat.objects.values_list("pid", flat=True))) == 2
    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0
