"""A throwaway PostgreSQL cluster on a free loopback port, for tests and benchmarks.

Uses the server binaries of Debian's `postgresql` package. initdb refuses to run as root, so as
root the cluster belongs to the `postgres` system user. Durability is off (fsync…): the data is
thrown away at the end.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def test_var_dir() -> str:
    path = Path(tempfile.gettempdir()) / f"passeport-test-var-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def _bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL est introuvable : lancez `make test` (qui installe le paquet Debian "
        "postgresql) ou `apt-get install -y postgresql`, ou utilisez PASSEPORT_TEST_DB=sqlite."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    datadir: Path
    port: int
    as_user: str | None

    @property
    def url(self) -> str:
        return f"postgres://passeport@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", self.as_user, "--"] if self.as_user else []
        subprocess.run([*prefix, *cmd], check=True, capture_output=True)

    @classmethod
    def start(cls, max_connections: int = 100, settings: dict[str, str] | None = None) -> "Cluster":
        """A fresh cluster; `settings` are extra server parameters (benchmarks size memory)."""
        bindir = _bindir()
        as_user = "postgres" if os.geteuid() == 0 else None
        base = Path(tempfile.mkdtemp(prefix="passeport-pg-"))
        datadir = base / "data"
        if as_user:
            shutil.chown(base, user=as_user)
            os.chmod(base, 0o700)
        cluster = cls(datadir=datadir, port=free_port(), as_user=as_user)
        cluster._run(
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "passeport",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-p {cluster.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections}"
        )
        for key, value in (settings or {}).items():
            options += f" -c {key}={value}"
        cluster._run(
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-o",
            options,
            "-l",
            str(base / "server.log"),
            "-w",
            "start",
        )
        cluster.bindir = bindir
        cluster.options = options
        return cluster

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir),
                "-m",
                "immediate",
                "-w",
                "stop",
            )
        shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def restart(self, down_for: float = 0) -> None:
        """Stop and start again (for fault tests: a database restart under a running worker);
        `down_for` seconds without a server in between (an outage longer than a worker's poll)."""
        pg_ctl, log = str(self.bindir / "pg_ctl"), str(self.datadir.parent / "server.log")
        # `-l`: without a log file the new postmaster inherits our captured stdout/stderr pipes
        # and `subprocess.run` would wait for them to close forever.
        if not down_for:
            self._run(pg_ctl, "-D", str(self.datadir), "-m", "fast", "-w", "-l", log, "restart")
            return
        self._run(pg_ctl, "-D", str(self.datadir), "-m", "fast", "-w", "stop")
        time.sleep(down_for)
        self._run(pg_ctl, "-D", str(self.datadir), "-o", self.options, "-w", "-l", log, "start")
