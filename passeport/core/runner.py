"""`passeport run` (what `make run` calls): one command for a working local service.

Prepares the database (migrate, static files, with `--demo` the demo data, daily tasks, all
idempotent), then runs a
production-grade WSGI server (gunicorn) and a background worker (django-tasks-db's
`db_worker`) side by side; Ctrl-C (or either process dying) stops both.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Seconds before a worker that exited is started again: first, and at most (doubling while it
# keeps dying young).
WORKER_RESTART_DELAYS = (1.0, 30.0)


def _local_secrets(var_dir: Path) -> dict[str, str]:
    """Secrets for a local run, created once under var/ (mode 600) when the environment has none.

    Production sets SECRET_KEY, DATA_ENCRYPTION_KEYS and DATA_HASH_KEY in the environment; this
    file only exists so that `make run` works on a fresh machine.
    """
    from cryptography.fernet import Fernet

    path = var_dir / "local.env"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        content = (
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"DATA_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
            f"DATA_HASH_KEY={secrets.token_urlsafe(32)}\n"
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def prepare_environment(host: str, port: int, *, demo: bool = False) -> dict[str, str]:
    """The environment of a local run: secrets of var/local.env, plain HTTP on loopback, mails
    written to files; with `demo`, the demo-only switches too (the development identity
    provider, the test PKI), which `check --deploy` refuses (core/checks.py)."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    var_dir = Path(env.get("PASSEPORT_VAR_DIR", ROOT / "var"))
    for key, value in _local_secrets(var_dir).items():
        env.setdefault(key, value)
    # Local run over plain HTTP on loopback: cookies cannot be HTTPS-only there.
    env.setdefault("PASSEPORT_INSECURE_HTTP", "1")
    env.setdefault("ALLOWED_HOSTS", f"{host},localhost,127.0.0.1")
    env.setdefault("SITE_URL", f"http://{host}:{port}")
    # No mail server on a fresh machine: e-mails (invitations, accusés…) go to files to read.
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    env.setdefault("EMAIL_FILE_PATH", str(var_dir / "mails"))
    if demo:
        # Holders log in through the development FranceConnect provider (/fc-dev/).
        env.setdefault("FRANCECONNECT_DEV_PROVIDER", "1")
        env.setdefault("FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG", "1")
        # Signed CVs and credentials with a test PKI generated under var/ (never production keys).
        env.setdefault("PROOFS_DEV_PKI", "1")
    return env


def remember_demo(var_dir: Path, demo: bool) -> None:
    """Operator commands on this machine (`use_local_environment`) see the same demo-only
    switches as the service that runs here: on after `passeport run --demo`, off after a run
    without it."""
    marker = var_dir / "demo"
    if demo:
        var_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text("passeport run --demo\n")
    else:
        marker.unlink(missing_ok=True)


def _ran_the_demo(var_dir: Path) -> bool:
    return (var_dir / "demo").is_file()


def use_local_environment() -> bool:
    """For `manage.py` and `passeport manage` on the machine where `make run` runs.

    The README's operator commands (`python manage.py create_certifier …`) need the secrets
    `make run` created in `var/local.env`, and the same local settings as the running service:
    they are added to the environment for the variables it does not already set (the
    environment always wins). A server in production has no such file (its secrets come from
    its environment): nothing is read, nothing is created.
    """
    var_dir = Path(os.environ.get("PASSEPORT_VAR_DIR", ROOT / "var"))
    if not (var_dir / "local.env").is_file():
        return False
    # `make run` serves on 127.0.0.1 and $PORT (8000 by default): the same SITE_URL, so that
    # links and the proofs' issuer are the service's.
    port = int(os.environ.get("PORT", "8000"))
    for key, value in prepare_environment("127.0.0.1", port, demo=_ran_the_demo(var_dir)).items():
        os.environ.setdefault(key, value)
    return True


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def worker_command(interval: float = 0.5) -> list[str]:
    """The background worker `passeport run` starts (django-tasks-db's `db_worker`)."""
    return [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--no-reload",
        "--interval",
        str(interval),
    ]


class Supervised:
    """A worker process started again whenever it exits, sooner the longer it had lived.

    An idle django-tasks-db worker exits when its database goes away (a PostgreSQL restart:
    its polling query raises OperationalError), and with no worker left nothing would run
    again, the deposits' watchdog included. `tick()` is called in the supervisor's loop.
    """

    def __init__(self, start, delays: tuple[float, float] = WORKER_RESTART_DELAYS):
        self.start, self.delays = start, delays
        self.delay = delays[0]
        self.process = start()
        self.started = time.monotonic()
        self.restart_at: float | None = None
        self.restarts = 0

    def tick(self) -> None:
        if self.restart_at is None:
            if self.process.poll() is None:
                return
            lived = time.monotonic() - self.started
            self.delay = self.delays[0] if lived > 60 else min(self.delay * 2, self.delays[1])
            print(
                f"Le worker s'est arrêté (code {self.process.returncode}) : relancé dans "
                f"{self.delay:.0f} s.",
                file=sys.stderr,
                flush=True,
            )
            self.restart_at = time.monotonic() + self.delay
        elif time.monotonic() >= self.restart_at:
            self.process, self.started, self.restart_at = self.start(), time.monotonic(), None
            self.restarts += 1


def run(
    host: str = "127.0.0.1", port: int = 8000, web_workers: int = 2, *, demo: bool = False
) -> int:
    env = prepare_environment(host, port, demo=demo)
    var_dir = Path(env.get("PASSEPORT_VAR_DIR", ROOT / "var"))
    remember_demo(var_dir, demo)
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        if demo:
            _manage(env, "seed_demo")
        _manage(env, "schedule_tasks")  # the daily tasks (reminders), queued once
    except subprocess.CalledProcessError as exc:
        print(f"La préparation a échoué (étape : {' '.join(exc.cmd[2:4])}).", file=sys.stderr)
        return 1

    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "config" / "gunicorn.conf.py"),
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(web_workers),
            "config.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
    )

    worker = Supervised(lambda: subprocess.Popen(worker_command(), env=env, cwd=ROOT))
    mails = env["EMAIL_FILE_PATH"] if "filebased" in env["EMAIL_BACKEND"] else ""
    print(
        f"\nPasseport est lancé : http://{host}:{port}/  (Ctrl-C pour arrêter)"
        + (f"\nLes courriels envoyés sont écrits dans {mails}/" if mails else "")
        + "\n",
        flush=True,
    )

    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and web.poll() is None:
        worker.tick()
        time.sleep(0.2)
    for child in (web, worker.process):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in (web, worker.process):
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    print("Passeport est arrêté.")
    return 0 if stopping else 1
