"""Faults: a worker killed mid-deposit, a database restart, a full disk.

Real parts: `manage.py db_worker` subprocesses against the suite's PostgreSQL cluster, killed
with SIGKILL; the cluster itself restarted under a running worker. Each time the deposit must
end processed exactly once: every passage has one outcome, accepted passages one passport entry,
the accusé lists every idTechnique once.
"""

import errno
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from passeport.deposits import processing, tasks
from passeport.deposits.models import Deposit, PassageOutcome
from passeport.deposits.reception import StorageFull, accuse_reception, receive
from passeport.flux.accuses import read_accuse
from passeport.passport.models import Entry
from passeport.testing import factories
from passeport.testing import tasks as worker_tasks

ROOT = Path(__file__).resolve().parents[2]
PASSAGES = 600


def worker_env(**knobs) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["PRIVATE_STORAGE_ROOT"] = str(settings.PRIVATE_STORAGE_ROOT)
    env["PASSEPORT_DEPOSIT_DB_RETRY_SECONDS"] = "60"
    env.update({f"PASSEPORT_DEPOSIT_{k}": str(v) for k, v in knobs.items()})
    return env


def start_worker(**knobs) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=worker_env(**knobs),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(predicate, timeout=90, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"délai dépassé en attendant : {what}")


def progress(deposit_id) -> int:
    return Deposit.objects.filter(pk=deposit_id).values_list("passages_done", flat=True).first()


def stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        _out, err = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        _out, err = worker.communicate(timeout=20)
    return (err or b"").decode(errors="replace")


def new_deposit(passages=PASSAGES, seed=3):
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(passages, seed=seed)
    reception = receive(
        ContentFile(factories.sample_flux(passages, seed=seed)),
        file_name="gros.xml",
        certifier=certifier,
    )
    assert reception.deposit.status == Deposit.Status.RECEIVED
    return reception.deposit


def assert_processed_exactly_once(deposit_id, passages=PASSAGES, seed=3):
    deposit = Deposit.objects.get(pk=deposit_id)
    assert deposit.is_finished, deposit.last_error
    positions = list(
        PassageOutcome.objects.filter(deposit=deposit).values_list("position", flat=True)
    )
    assert sorted(positions) == list(range(1, passages + 1))
    ok = factories.expected_ok(passages, seed=seed)
    assert deposit.passages_ok == ok
    assert deposit.passages_ko == passages - ok
    assert Entry.objects.filter(deposit_id=deposit.pk).count() == ok
    accuse = read_accuse(deposit.accuse.read())
    ids = accuse.accepted + [p.id_technique for p in accuse.rejected]
    assert len(ids) == passages
    assert max(Counter(ids).values()) == 1
    return deposit


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_deposit_resumes_exactly_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("les workers sous-processus partagent la base PostgreSQL de la suite")
    # The watchdog is queued by the reception (this process): it looks again after 1 s.
    settings.DEPOSIT_WATCH_SECONDS = 1
    deposit = new_deposit()
    knobs = {"CHUNK_SIZE": 40, "CHUNK_PAUSE": 0.15, "LEASE_SECONDS": 2, "WATCH_SECONDS": 1}
    first = start_worker(**knobs)
    try:
        done = wait_for(lambda: progress(deposit.pk), what="premier lot traité")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    killed_at = progress(deposit.pk)
    assert 0 < killed_at < PASSAGES, (done, killed_at)
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PROCESSING and deposit.lease_owner

    second = start_worker(**{**knobs, "CHUNK_PAUSE": 0})
    try:
        wait_for(lambda: Deposit.objects.get(pk=deposit.pk).is_finished, timeout=60, what="reprise")
    finally:
        log = stop(second)
        print(log)
    deposit = assert_processed_exactly_once(deposit.pk)
    assert deposit.attempts >= 2, log
    # The killed worker's run is not left « running » in the task queue.
    from django_tasks_db.models import DBTaskResult

    # The killed run is the processing, or a watch that had started it, whichever the first
    # worker took from the queue first.
    runs = DBTaskResult.objects.filter(
        task_path__in=[
            "passeport.deposits.tasks.process_deposit",
            "passeport.deposits.tasks.watch_deposit",
        ]
    )
    assert not runs.running().exists()
    lost = runs.failed().get()
    assert lost.exception_class_path == "passeport.deposits.tasks.WorkerLost"


def first_takeover(deposit_id, killed_owner):
    row = Deposit.objects.filter(pk=deposit_id).values("lease_owner", "attempts").first()
    return row["attempts"] >= 2 and row["lease_owner"] not in ("", killed_owner)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_deposit_resumes_right_after_its_lease(settings):
    if connection.vendor != "postgresql":
        pytest.skip("les workers sous-processus partagent la base PostgreSQL de la suite")
    # The default settings' shape (the watchdog's interval is the lease), scaled down.
    lease = 8
    settings.DEPOSIT_LEASE_SECONDS = settings.DEPOSIT_WATCH_SECONDS = lease
    deposit = new_deposit(seed=12)
    knobs = {"CHUNK_SIZE": 40, "CHUNK_PAUSE": 0.3, "LEASE_SECONDS": lease}
    first = start_worker(**knobs)
    second = None
    try:
        wait_for(lambda: progress(deposit.pk), what="premier lot traité")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        killed_owner = Deposit.objects.get(pk=deposit.pk).lease_owner
        second = start_worker(**{**knobs, "CHUNK_PAUSE": 0})
        wait_for(
            lambda: first_takeover(deposit.pk, killed_owner), timeout=4 * lease, what="reprise"
        )
        waited = time.monotonic() - killed_at
        wait_for(lambda: Deposit.objects.get(pk=deposit.pk).is_finished, what="fin")
    finally:
        stop(first)
        if second is not None:
            stop(second)
    # The lease, the watchdog's margin and a poll of the queue; not a whole interval more.
    assert waited < lease + tasks.WATCH_MARGIN_SECONDS + 1.5, waited
    assert_processed_exactly_once(deposit.pk, seed=12)


@pytest.mark.django_db
def test_the_watchdog_looks_right_after_the_lease_ends(settings):
    settings.DEPOSIT_LEASE_SECONDS = settings.DEPOSIT_WATCH_SECONDS = 120
    deposit = new_deposit(passages=2, seed=8)
    now = timezone.now()
    margin = timedelta(seconds=tasks.WATCH_MARGIN_SECONDS)
    # A worker renewed its lease 10 s ago: the next look comes as it ends, not 120 s from now.
    deposit.lease_expires_at = now + timedelta(seconds=110)
    expected = deposit.lease_expires_at + margin
    assert abs(tasks.next_look(deposit) - expected) < timedelta(seconds=1)
    # No lease (or an expired one): this look takes one, and the next look waits for its end.
    deposit.lease_expires_at = None
    assert tasks.next_look(deposit) - now >= timedelta(seconds=120)
    # A shorter DEPOSIT_WATCH_SECONDS looks more often.
    settings.DEPOSIT_WATCH_SECONDS = 5
    assert tasks.next_look(deposit) - now < timedelta(seconds=6)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_database_restart_under_a_running_worker():
    if connection.vendor != "postgresql":
        pytest.skip("redémarre la grappe PostgreSQL jetable de la suite")
    from passeport.testing import pytest_plugin

    cluster = pytest_plugin._cluster
    if cluster is None:
        pytest.skip("base fournie par DATABASE_URL : pas de grappe jetable à redémarrer")
    deposit = new_deposit(seed=4)
    worker = start_worker(CHUNK_SIZE=40, CHUNK_PAUSE=0.1, LEASE_SECONDS=30, WATCH_SECONDS=30)
    try:
        wait_for(lambda: progress(deposit.pk), what="premier lot traité")
        connection.close()
        cluster.restart()
        connection.close()
        wait_for(
            lambda: Deposit.objects.get(pk=deposit.pk).is_finished, what="fin après redémarrage"
        )
    finally:
        log = stop(worker)
    assert_processed_exactly_once(deposit.pk, seed=4)
    assert "Traceback" not in log or "OperationalError" in log


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("down_for", [0, 2])
def test_an_idle_worker_and_a_database_restart(down_for, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("redémarre la grappe PostgreSQL jetable de la suite")
    from passeport.core import runner
    from passeport.core.models import WorkerHeartbeat
    from passeport.core.tasks import worker_heartbeat
    from passeport.testing import pytest_plugin

    cluster = pytest_plugin._cluster
    if cluster is None:
        pytest.skip("base fournie par DATABASE_URL : pas de grappe jetable à redémarrer")
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    env = worker_env(LEASE_SECONDS=5)
    # Supervised the way `passeport run` supervises its worker (restarted whenever it exits).
    worker = runner.Supervised(
        lambda: subprocess.Popen(
            runner.worker_command(interval=0.2), cwd=ROOT, env=env, stdout=log, stderr=log
        ),
        delays=(0.5, 2.0),
    )
    first = worker.process

    def ran(token):
        worker.tick()
        return WorkerHeartbeat.objects.filter(token=token).first()

    try:
        worker_heartbeat.enqueue("avant")
        assert wait_for(lambda: ran("avant"), what="tâche avant le redémarrage").pid == first.pid
        # The worker is idle, polling the queue: PostgreSQL restarts under it.
        connection.close()
        cluster.restart(down_for=down_for)
        connection.close()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            worker.tick()
            time.sleep(0.1)
        exited = first.poll() is not None
        after = new_deposit(passages=10, seed=12)
        wait_for(
            lambda: worker.tick() or Deposit.objects.get(pk=after.pk).is_finished,
            what="dépôt traité après le redémarrage",
        )
    finally:
        for process in {first, worker.process}:
            stop(process)
        log.close()
    output = (tmp_path / "worker.log").read_text()
    # A quick restart may fall between two polls of the queue: the worker survives. Once a
    # poll finds no server, django-tasks-db's worker exits on the OperationalError, and only
    # its supervisor's restart brings the queue back to life.
    if down_for:
        assert exited and worker.restarts >= 1, output
        assert "OperationalError" in output, output
    else:
        assert exited == (worker.restarts >= 1), output
    assert_processed_exactly_once(after.pk, passages=10, seed=12)


@pytest.mark.django_db(transaction=True)
def test_full_disk_while_writing_the_accuse_then_resume(monkeypatch):
    deposit = new_deposit(passages=30, seed=5)
    real_save = default_storage.save
    calls = {"n": 0}

    def full_disk(name, content, *args, **kwargs):
        if name.startswith("accuses/") and calls["n"] == 0:
            calls["n"] += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(default_storage, "save", full_disk)
    with pytest.raises(OSError):
        processing.process(deposit.pk)
    deposit.refresh_from_db()
    assert not deposit.is_finished
    assert deposit.passages_done == 30 and "No space left" in deposit.last_error
    assert deposit.lease_owner == ""  # released: the watchdog (or anyone) may resume at once
    assert processing.process(deposit.pk) in ("traite", "traite_avec_erreurs")
    assert_processed_exactly_once(deposit.pk, passages=30, seed=5)


@pytest.mark.django_db(transaction=True)
def test_full_disk_at_reception_stores_nothing(monkeypatch):
    certifier = factories.CertifierFactory(sample=True)

    def full_disk(name, content, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    with pytest.raises(StorageFull, match="rien n'a été déposé"):
        receive(ContentFile(factories.sample_flux(2)), file_name="f.xml", certifier=certifier)
    assert Deposit.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_replayed_chunk_is_not_recorded_twice():
    # A chunk whose commit succeeded but whose acknowledgement was lost is sent again: the
    # progress marker makes the second call a no-op.
    deposit = new_deposit(passages=10, seed=6)
    owner = "test-worker"
    assert processing.claim(deposit.pk, owner)
    deposit.refresh_from_db()
    context = processing._context(deposit, owner)
    from passeport.deposits.reading import Header, iter_flux

    with default_storage.open(deposit.file.name, "rb") as stream:
        passages = list(iter_flux(stream, declared=Header.from_json(deposit.certificateurs)))
    processing.process_chunk(context, passages[:6])
    processing.process_chunk(context, passages[:6])
    processing.process_chunk(context, passages)
    assert PassageOutcome.objects.filter(deposit=deposit).count() == 10
    other = processing.Context(**{**context.__dict__, "owner": "intrus"})
    with pytest.raises(processing.LeaseLost):
        processing.process_chunk(other, passages)


# -- the receiving process killed ---------------------------------------------------------------

# What the portal and the API do with an upload, in a process of its own (`shell -c` takes no
# arguments: the file and the account come through the environment).
RECEIVE = """
import os
from django.core.files import File
from passeport.certifiers.models import Certifier
from passeport.deposits.reception import receive
certifier = Certifier.objects.get(pk=os.environ["CERTIFIER"])
with open(os.environ["FLUX_PATH"], "rb") as stream:
    receive(File(stream), file_name="flux.xml", certifier=certifier)
"""


def receive_killed_at(step: str, data: bytes, certifier, tmp_path) -> Deposit:
    """Run `receive` in a real process (the web's code path) and SIGKILL it at `step`."""
    path = tmp_path / "flux.xml"
    path.write_bytes(data)
    env = worker_env(LEASE_SECONDS=2, RECEPTION_PAUSE_AT=step)
    env.update(FLUX_PATH=str(path), CERTIFIER=str(certifier.pk))
    receiving = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", RECEIVE],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in receiving.stderr:
            lines.append(line)
            if line.strip() == f"reception: pause at {step}":
                break
        else:
            raise AssertionError("".join(lines))
        receiving.send_signal(signal.SIGKILL)
        receiving.wait(timeout=10)
    finally:
        if receiving.poll() is None:
            receiving.kill()
        receiving.communicate(timeout=10)
    return Deposit.objects.get(certifier=certifier)


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("les sous-processus partagent la base PostgreSQL de la suite")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["recorded", "checking", "checked", "answered"])
def test_a_reception_killed_at_any_step_is_finished_by_a_worker(step, tmp_path):
    postgres_only()
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(100, seed=12)
    deposit = receive_killed_at(step, factories.sample_flux(100, seed=12), certifier, tmp_path)
    # Killed before its checks' outcome was committed: nothing said received or rejected yet.
    assert deposit.status == Deposit.Status.RECEIVED
    assert (deposit.checked_at is None) == (step != "answered")
    worker = start_worker(LEASE_SECONDS=2)
    try:
        wait_for(lambda: Deposit.objects.get(pk=deposit.pk).is_finished, what="traitement")
    finally:
        log = stop(worker)
    deposit = assert_processed_exactly_once(deposit.pk, passages=100, seed=12)
    assert deposit.checked_at is not None and deposit.id_flux, log
    assert accuse_reception(deposit)["passages"] == 100


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_rejected_reception_killed_still_gets_its_accuse_de_reception(tmp_path):
    postgres_only()
    certifier = factories.CertifierFactory(sample=True)
    other = factories.CertifierFactory()
    data = factories.sample_flux(5, emetteur=other.id_client)  # not this account's flux
    deposit = receive_killed_at("checked", data, certifier, tmp_path)
    assert deposit.status == Deposit.Status.RECEIVED and deposit.checked_at is None
    worker = start_worker(LEASE_SECONDS=2)
    try:
        wait_for(lambda: Deposit.objects.get(pk=deposit.pk).is_finished, what="rejet")
        wait_for(lambda: Deposit.objects.get(pk=deposit.pk).notified_at, what="courriel de rejet")
    finally:
        stop(worker)
    deposit.refresh_from_db()
    accuse = accuse_reception(deposit)
    assert accuse["statut"] == "rejete" and accuse["motifs"] == deposit.rejection_reasons
    assert any(other.id_client in reason for reason in accuse["motifs"]), accuse["motifs"]
    assert not PassageOutcome.objects.filter(deposit=deposit).exists()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_resending_the_bytes_of_a_killed_reception_resumes_it(tmp_path, settings):
    postgres_only()
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(100, seed=12)
    data = factories.sample_flux(100, seed=12)
    deposit = receive_killed_at("checking", data, certifier, tmp_path)
    assert deposit.checked_at is None
    # Re-sent before its lease (the dead process's) ends: the watchdog will see to it.
    assert receive(ContentFile(data), file_name="flux.xml", certifier=certifier).duplicate
    assert Deposit.objects.get(pk=deposit.pk).checked_at is None
    wait_for(lambda: Deposit.objects.get(pk=deposit.pk).lease_expires_at < timezone.now())
    again = receive(ContentFile(data), file_name="flux.xml", certifier=certifier)
    # The answer to the re-send is the accusé de réception the first sending never got.
    assert again.duplicate and again.deposit.pk == deposit.pk
    assert again.deposit.checked_at is not None and again.deposit.lease_owner == ""
    assert accuse_reception(again.deposit)["passages"] == 100
    worker_tasks.run_worker()
    assert_processed_exactly_once(deposit.pk, passages=100, seed=12)
    assert Deposit.objects.count() == 1


def stuck(deposit: Deposit) -> Deposit:
    """The state a reception killed during its checks left before the watchdog was queued with
    the deposit: received, never checked, no lease, nothing in the task queue."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    Deposit.objects.filter(pk=deposit.pk).update(
        checked_at=None, id_flux="", schema_version="", passages_total=None
    )
    deposit.refresh_from_db()
    return deposit


def watches(deposit) -> int:
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path=tasks.watch_deposit.module_path, status="READY")
    return sum(1 for r in queued if r.args_kwargs["args"] == [str(deposit.pk)])


@pytest.mark.django_db(transaction=True)
def test_a_deposit_is_recorded_with_its_watchdog():
    deposit = new_deposit(passages=5, seed=12)
    assert deposit.checked_at is not None and deposit.lease_owner == ""
    from django_tasks_db.models import DBTaskResult

    queued = {r.task_path for r in DBTaskResult.objects.filter(status="READY")}
    assert queued == {tasks.process_deposit.module_path, tasks.watch_deposit.module_path}


@pytest.mark.django_db(transaction=True)
def test_resending_a_stuck_deposit_checks_and_queues_it():
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(20, seed=12)
    data = factories.sample_flux(20, seed=12)
    deposit = stuck(receive(ContentFile(data), file_name="f.xml", certifier=certifier).deposit)
    again = receive(ContentFile(data), file_name="f.xml", certifier=certifier)
    assert again.duplicate and again.deposit.pk == deposit.pk
    assert again.deposit.checked_at is not None and again.deposit.id_flux
    receive(ContentFile(data), file_name="f.xml", certifier=certifier)
    assert watches(deposit) == 1  # each look queues the next: one per deposit, not per re-send
    worker_tasks.run_worker()
    assert_processed_exactly_once(deposit.pk, passages=20, seed=12)


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_checks_a_dead_reception_did_not_finish():
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(20, seed=12)
    data = factories.sample_flux(20, seed=12)
    deposit = stuck(receive(ContentFile(data), file_name="f.xml", certifier=certifier).deposit)
    processing.process(deposit.pk)
    assert_processed_exactly_once(deposit.pk, passages=20, seed=12)
