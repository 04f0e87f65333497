"""`make run` end to end: `passeport run` on a fresh SQLite database, as a newcomer would.

Starts the real command (migrate, static files, demo data, daily tasks, gunicorn + db_worker),
then checks the DSFR home page in chromium (styles applied, no console error), that a request's
task is run by the worker, that Ctrl-C stops both processes, and that a second run seeds and
plans nothing twice.
"""

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyotp
import pytest

from passeport.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, OPERATOR_EMAIL
from passeport.testing.browser import assert_no_console_errors
from passeport.testing.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


def fresh_env(var_dir: Path) -> dict[str, str]:
    """The environment of a newcomer: no secrets, no DATABASE_URL, nothing of the test run."""
    drop = {
        "SECRET_KEY",
        "DATA_ENCRYPTION_KEYS",
        "DATA_HASH_KEY",
        "DATABASE_URL",
        "DEBUG",
        "PASSEPORT_INSECURE_HTTP",
        "ALLOWED_HOSTS",
        "EMAIL_BACKEND",
        "PASSEPORT_PLAIN_STATIC",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env["PASSEPORT_VAR_DIR"] = str(var_dir)
    return env


class Service:
    def __init__(self, var_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "passeport.cli", "run", "--demo", "--port", str(self.port)],
            cwd=ROOT,
            env=fresh_env(var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"passeport run s'est arrêté : {self.process.stdout.read()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise AssertionError("le service n'a pas répondu en 180 s")

    def stop(self) -> str:
        """Ctrl-C, as a user would; returns everything the command printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=30)
        return output


def children_of(pid: int) -> list[int]:
    result = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return [int(p) for p in result.stdout.split()]


def heartbeat_count(var_dir: Path) -> int:
    with sqlite3.connect(var_dir / "passeport.sqlite3") as connection:
        return connection.execute("SELECT COUNT(*) FROM core_workerheartbeat").fetchone()[0]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def login(opener, base: str) -> None:
    """The demo operator's login: password, then the TOTP code of the public demo secret."""
    html = opener.open(base + "/compte/connexion/").read().decode()
    data = {
        "csrfmiddlewaretoken": csrf_token(html),
        "username": OPERATOR_EMAIL,
        "password": DEMO_PASSWORD,
    }
    html = opener.open(base + "/compte/connexion/", urllib.parse.urlencode(data).encode())
    html = html.read().decode()
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    data = {"csrfmiddlewaretoken": csrf_token(html), "code": code}
    opener.open(base + "/compte/connexion/code/", urllib.parse.urlencode(data).encode())


def test_make_run_serves_the_site_with_a_worker_and_reseeds_nothing(tmp_path, browser):
    service = Service(tmp_path)
    try:
        children = children_of(service.process.pid)
        assert len(children) == 2  # gunicorn and db_worker

        # The DSFR home page, styled, in a real browser.
        page = browser.new_page()
        errors = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(service.url + "/")
        assert page.locator("header.fr-header").is_visible()
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Marianne" in font  # the DSFR stylesheet was applied
        page.console_errors = errors
        assert_no_console_errors(page)
        page.close()

        # A request enqueues a task; the worker started by `passeport run` runs it.
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login(opener, service.url)
        status = opener.open(service.url + "/back-office/statut/").read().decode()
        assert "aucun" in status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', status).group(1)
        opener.open(
            service.url + "/back-office/statut/",
            urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        )
        deadline = time.monotonic() + 30
        while "aucun" in status and time.monotonic() < deadline:
            time.sleep(0.5)
            status = opener.open(service.url + "/back-office/statut/").read().decode()
        assert re.search(r'id="last-heartbeat">\d\d/\d\d/\d{4}', status), status

        # The worker dies (as an idle one does when PostgreSQL restarts): it is started again,
        # and a task queued afterwards still runs.
        worker = next(
            pid for pid in children if "db_worker" in Path(f"/proc/{pid}/cmdline").read_text()
        )
        os.kill(worker, signal.SIGKILL)
        heartbeats = heartbeat_count(tmp_path)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = children_of(service.process.pid)
            if len(now) == 2 and worker not in now:
                break
            time.sleep(0.3)
        assert worker not in children_of(service.process.pid)
        status = opener.open(service.url + "/back-office/statut/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', status).group(1)
        opener.open(
            service.url + "/back-office/statut/",
            urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        )
        deadline = time.monotonic() + 30
        while heartbeat_count(tmp_path) == heartbeats and time.monotonic() < deadline:
            time.sleep(0.5)
        assert heartbeat_count(tmp_path) > heartbeats
        children = children_of(service.process.pid)
    finally:
        output = service.stop()

    assert service.process.returncode == 0, output
    assert f"http://127.0.0.1:{service.port}/" in output
    assert OPERATOR_EMAIL in output and DEMO_PASSWORD in output
    # No mail server on a fresh machine: the demo's e-mails are written to files to read.
    assert f"Les courriels envoyés sont écrits dans {tmp_path / 'mails'}/" in output
    assert any((tmp_path / "mails").iterdir())
    for pid in children:  # Ctrl-C stopped gunicorn and the worker too
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )

    database = tmp_path / "passeport.sqlite3"
    assert database.exists()  # the embedded default: SQLite under var/
    assert (tmp_path / "local.env").stat().st_mode & 0o777 == 0o600

    def counts() -> dict[str, int]:
        with sqlite3.connect(database) as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'django_%' "
                    "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'auth_%'"
                )
            ]
            return {
                t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables
            }

    def planned_reminders() -> int:
        with sqlite3.connect(database) as connection:
            return connection.execute(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
                "AND task_path = 'passeport.passport.tasks.daily_prevention_reminders'"
            ).fetchone()[0]

    # `schedule_tasks` at start-up: the daily reminders are planned, once.
    assert "Rappels du passeport de prévention : planifiée" in output
    assert planned_reminders() == 1

    before = counts()
    assert before["accounts_user"] >= 1
    second = Service(tmp_path)
    output = second.stop()
    assert second.process.returncode == 0, output
    assert "Rappels du passeport de prévention : déjà planifiée" in output
    assert planned_reminders() == 1
    after = counts()
    # Heartbeats and task results come from the first run's request, not from seeding.
    assert after == before


def test_the_readme_operator_commands_work_where_make_run_runs(tmp_path):
    """`python manage.py create_certifier …` typed as the README says, on the machine where
    `make run` created var/local.env: its secrets are used; the environment still wins; without
    the file (a production server), the settings refuse to start without secrets."""
    from passeport.core import runner

    env = fresh_env(tmp_path)

    def manage(*args, **extra):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
        )

    refused = manage("check")
    assert refused.returncode != 0
    assert "La variable d'environnement SECRET_KEY est obligatoire" in refused.stderr
    assert not (tmp_path / "local.env").exists()  # never created by manage.py

    secrets = runner._local_secrets(tmp_path)  # what `make run` writes, once
    assert manage("migrate", "--noinput", "-v", "0").returncode == 0
    created = manage(
        *("create_certifier", "--siret", "732 829 320 00074", "--name", "Université X"),
        *("--id-client", "UNIVX001", "--id-contrat", "2560080000127J"),
        *("--certification", "RNCP35340", "--token-file", str(tmp_path / "jeton.txt")),
    )
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "jeton.txt").read_text().startswith("pp_")

    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    assert manage("shell", "-c", show).stdout.strip().splitlines()[-1] == secrets["SECRET_KEY"]
    overridden = manage("shell", "-c", show, SECRET_KEY="from-the-environment")
    assert overridden.stdout.strip().splitlines()[-1] == "from-the-environment"
