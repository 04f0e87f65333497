"""The daily prevention reminders: queued once by `schedule_tasks`, run by the worker, requeued
for the next day at PREVENTION_REMINDERS_HOUR (Europe/Paris), never e-mailing anyone twice."""

import contextlib
import datetime
import email
import os
import smtplib
import subprocess
import sys
import threading
import types
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tasks_db.models import DBTaskResult

from passeport.core import periodic
from passeport.passport import reminders
from passeport.passport.models import Entry
from passeport.passport.scheduling import ensure_scheduled
from passeport.passport.tasks import daily_prevention_reminders
from passeport.testing import factories

ROOT = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")
TASK_PATH = "passeport.passport.tasks.daily_prevention_reminders"


def paris_today() -> datetime.date:
    return datetime.datetime.now(PARIS).date()


def at_hour(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def next_at_hour(hour: int) -> datetime.datetime:
    now = datetime.datetime.now(PARIS)
    day = now.date() if now.hour < hour else now.date() + datetime.timedelta(days=1)
    return at_hour(day, hour)


def pending():
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY"))


def holder_with_expiring_training(name="camille", *, in_days=20, reference="SST-1"):
    holder = factories.HolderFactory(name=name, linked=True)
    entry = Entry.objects.create(
        person_id=holder.person_id,
        kind=Entry.Kind.PREVENTION,
        trust=Entry.Trust.GUARANTEED,
        source="prevention",
        source_reference=reference,
        title="Sauveteur secouriste du travail",
        organisation="Prévention Sud",
        expires_on=paris_today() + datetime.timedelta(days=in_days),
    )
    return holder, entry


# The run times -------------------------------------------------------------------------------


def test_daily_run_after_is_the_local_hour_today_or_tomorrow():
    before = datetime.datetime(2026, 6, 10, 7, 59, tzinfo=PARIS)
    after = datetime.datetime(2026, 6, 10, 8, 0, tzinfo=PARIS)
    assert periodic.daily_run_after(8, now=before) == at_hour(datetime.date(2026, 6, 10), 8)
    assert periodic.daily_run_after(8, now=after) == at_hour(datetime.date(2026, 6, 11), 8)
    # The daily task asks for the next day even when it runs early (a late run of yesterday's).
    early = datetime.datetime(2026, 6, 10, 6, 0, tzinfo=PARIS)
    assert periodic.daily_run_after(8, now=early, next_day=True) == at_hour(
        datetime.date(2026, 6, 11), 8
    )
    # 00:30 on the 11th in Paris is still the 10th in UTC: the local date counts.
    late = datetime.datetime(2026, 6, 10, 22, 30, tzinfo=datetime.UTC)
    assert periodic.daily_run_after(8, now=late, next_day=True) == at_hour(
        datetime.date(2026, 6, 12), 8
    )


def test_daily_run_after_keeps_the_local_hour_across_summer_time():
    # 29 March 2026: Paris moves from UTC+1 to UTC+2; 08:00 local is then 06:00 UTC.
    saturday = datetime.datetime(2026, 3, 28, 9, 0, tzinfo=PARIS)
    sunday_run = periodic.daily_run_after(8, now=saturday, next_day=True)
    assert sunday_run.astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 29, 6, 0, tzinfo=datetime.UTC
    )
    assert saturday.astimezone(datetime.UTC).hour == 8  # the day before: UTC+1


# Scheduling ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ensure_scheduled_queues_one_run_only(settings):
    settings.PREVENTION_REMINDERS_HOUR = 6
    assert pending() == []
    (label, first_run, created) = ensure_scheduled()[0]
    assert created and "prévention" in label
    (_, second_run, created_again) = ensure_scheduled()[0]
    assert not created_again and second_run == first_run
    (run,) = pending()
    assert run.run_after == next_at_hour(6) == first_run


@pytest.mark.django_db
def test_schedule_tasks_command_is_idempotent(capsys):
    call_command("schedule_tasks")
    expected = next_at_hour(8)
    out = capsys.readouterr().out
    assert (
        "Rappels du passeport de prévention : planifiée, prochaine exécution le "
        f"{expected:%d/%m/%Y} à 08:00" in out
    )
    call_command("schedule_tasks")
    assert "Rappels du passeport de prévention : déjà planifiée" in capsys.readouterr().out
    (run,) = pending()
    assert run.run_after == expected


@pytest.mark.django_db
@pytest.mark.parametrize("hour", [24, -1, "8"])
def test_schedule_tasks_refuses_a_bad_hour(settings, hour):
    settings.PREVENTION_REMINDERS_HOUR = hour
    with pytest.raises(CommandError, match="PREVENTION_REMINDERS_HOUR doit être une heure entière"):
        call_command("schedule_tasks")
    assert pending() == []


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_one_run(monkeypatch):
    """Two deploys running `schedule_tasks` at the same moment: both look for a pending run
    before either has queued one — unless the lock makes the second wait for the first."""
    looked = threading.Barrier(2, timeout=3)
    original = periodic.pending_runs

    def look_then_wait_for_the_other(task):
        found = original(task).first()
        # Without the lock, both get here having found nothing; with it, the other one waits
        # for the lock and this one goes on alone after the timeout.
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait()
        return types.SimpleNamespace(first=lambda: found)

    monkeypatch.setattr(periodic, "pending_runs", look_then_wait_for_the_other)
    results, errors = [], []

    def schedule():
        try:
            results.append(ensure_scheduled()[0][2])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(pending()) == 1


# A run -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_run_sends_the_due_reminders_and_queues_tomorrow_once(settings):
    settings.PREVENTION_REMINDERS_HOUR = 7
    holder, entry = holder_with_expiring_training()
    _, later = holder_with_expiring_training("bob", in_days=200, reference="SST-2")

    assert daily_prevention_reminders.call() == 1
    (message,) = mail.outbox
    assert message.to == [holder.user.email]
    assert "Sauveteur secouriste du travail (Prévention Sud)" in message.body
    entry.refresh_from_db()
    later.refresh_from_db()
    assert entry.reminder_sent_on == paris_today() and later.reminder_sent_on is None
    (run,) = pending()
    assert run.run_after == at_hour(paris_today() + datetime.timedelta(days=1), 7)

    # A second run the same day (a retry, an operator's hand): nothing twice, still one next run.
    assert daily_prevention_reminders.call() == 0
    assert len(mail.outbox) == 1
    assert [r.pk for r in pending()] == [run.pk]


@pytest.mark.django_db
def test_a_run_keeps_the_run_already_pending():
    ensure_scheduled()
    (planned,) = pending()
    daily_prevention_reminders.call()
    assert [r.pk for r in pending()] == [planned.pk]


@pytest.mark.django_db
def test_a_run_whose_mail_server_is_down_still_queues_the_next(monkeypatch):
    _, entry = holder_with_expiring_training()

    def mail_server_down(**kwargs):
        raise smtplib.SMTPServerDisconnected("connexion refusée")

    monkeypatch.setattr(reminders, "send_mail", mail_server_down)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        daily_prevention_reminders.call()
    entry.refresh_from_db()
    assert entry.reminder_sent_on is None  # reminded by tomorrow's run
    (run,) = pending()
    assert run.run_after == at_hour(paris_today() + datetime.timedelta(days=1), 8)


@pytest.mark.django_db
def test_a_run_overtaken_by_another_sends_nothing_twice(monkeypatch):
    """The daily task and `send_prevention_reminders` at once: the second to send finds the
    entries reminded meanwhile and sends nothing."""
    holder, _ = holder_with_expiring_training()
    original = reminders.due_entries
    other_run = {}

    def list_then_let_another_run_finish(**kwargs):
        listed = list(original(**kwargs))
        if not other_run:
            other_run["sent"] = None
            other_run["sent"] = reminders.send_prevention_reminders(**kwargs)
        return listed

    monkeypatch.setattr(reminders, "due_entries", list_then_let_another_run_finish)
    assert reminders.send_prevention_reminders(days=60) == 0
    assert other_run["sent"] == 1
    assert [m.to for m in mail.outbox] == [[holder.user.email]]


# The real worker -------------------------------------------------------------------------------


def worker_env(mails: Path) -> dict[str, str]:
    """A worker process on this run's test database, writing its e-mails to files."""
    db = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    env["EMAIL_FILE_PATH"] = str(mails)
    return env


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_reminders_then_waits_for_tomorrow(tmp_path):
    holder, entry = holder_with_expiring_training()
    call_command("schedule_tasks")
    (first,) = pending()
    # 08:00 has come.
    DBTaskResult.objects.filter(pk=first.pk).update(
        run_after=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    )
    mails = tmp_path / "mails"
    worker = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.05",
        ],
        env=worker_env(mails),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr

    first.refresh_from_db()
    assert first.status == "SUCCESSFUL" and first.return_value == 1, first.traceback
    (written,) = list(mails.iterdir())
    message = email.message_from_string(written.read_text().split("\n" + "-" * 79)[0])
    assert message["To"] == holder.user.email
    body = message.get_payload(decode=True).decode()
    assert "Sauveteur secouriste du travail (Prévention Sud) : expire le" in body
    entry.refresh_from_db()
    assert entry.reminder_sent_on == paris_today()
    # The batch worker left tomorrow's run alone: planned, not run.
    (tomorrow,) = pending()
    assert tomorrow.run_after == at_hour(paris_today() + datetime.timedelta(days=1), 8)


# The operators' status page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_status_page_shows_the_next_run(client, django_user_model):
    operator = factories.UserFactory(email="ops@example.org", staff=True)
    client.force_login(operator)
    page = client.get("/back-office/statut/").content.decode()
    assert "daily_prevention_reminders" not in page and "Rien de planifié" in page
    ensure_scheduled()
    page = client.get("/back-office/statut/").content.decode()
    planned = page.split('id="planned-tasks"')[1]
    assert "<code>daily_prevention_reminders</code>" in planned
    assert f"{next_at_hour(8):%d/%m/%Y} 08:00" in planned
    # A planned run is not a task waiting for a worker.
    assert "<td>Tâches en attente (à exécuter maintenant)</td><td>0</td>" in page
