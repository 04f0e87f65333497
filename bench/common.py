"""Shared helpers of the benchmarks: start the `make run` service, load it with wrk, report.

Every benchmark prints its own figures and a ratio against a reference measured in the same run,
so that results stay comparable on a loaded or slower machine.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from passeport.testing.pgcluster import free_port  # noqa: E402


@dataclass(frozen=True)
class LoadResult:
    url: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int

    def line(self, label: str) -> str:
        return (
            f"{label:<28} {self.requests_per_second:>9.1f} req/s   p50 {self.p50_ms:>7.2f} ms"
            f"   p99 {self.p99_ms:>7.2f} ms   non-2xx {self.non_2xx}"
        )


def _to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    keep_alive: bool = False,
) -> LoadResult:
    """Load `url` with wrk (Debian package) and parse requests/s and latency percentiles.

    A new connection per request unless `keep_alive`: with keep-alive, gunicorn's threaded
    workers each accept what they can, wrk's connections sometimes all land on one of the
    processes, which then serves alone on one core — the same page measured at 680 or at
    1 400 req/s by chance (anonymous home page, six runs of 2 s on PostgreSQL)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk est introuvable : lancez `make bench` (qui l'installe).")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    headers = dict(headers or {})
    if not keep_alive:
        headers.setdefault("Connection", "close")
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return LoadResult(url, rps, p50, p99, int(bad.group(1)) if bad else 0)


@contextmanager
def running_service(extra_env: dict[str, str] | None = None, var_dir: Path | None = None):
    """`passeport run` (what `make run` starts) on a free port with its own var/ directory."""
    own_dir = var_dir is None
    var_dir = var_dir or Path(tempfile.mkdtemp(prefix="passeport-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update({"PASSEPORT_VAR_DIR": str(var_dir), **(extra_env or {})})
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "passeport.cli", "run", "--demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise SystemExit("le service n'a pas démarré (passeport run s'est arrêté)")
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("le service n'a pas répondu en 180 s") from None
                time.sleep(0.5)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        if own_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


def manage(var_dir: Path, *args: str, extra_env: dict[str, str] | None = None) -> str:
    """`manage.py …` on the service of `running_service(var_dir=…)`: its var/local.env gives
    the secrets and the demo switches (passeport/core/runner.py), as for an operator on the
    machine of `make run`. Returns what the command printed."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update({"PASSEPORT_VAR_DIR": str(var_dir), **(extra_env or {})})
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {args[0]} a échoué :\n{result.stderr}")
    return result.stdout


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}×" if reference else "n/a"
