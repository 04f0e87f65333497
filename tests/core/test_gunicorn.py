"""gunicorn as configured by config/gunicorn.conf.py (production and `passeport run`)."""

import os
import runpy
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from passeport.testing.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn.conf.py"


def test_worker_class_and_timeouts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    monkeypatch.setenv("GUNICORN_KEEPALIVE", "2")
    values = runpy.run_path(str(CONFIG))
    assert (values["worker_class"], values["timeout"], values["keepalive"]) == ("sync", 45, 2)
    monkeypatch.delenv("GUNICORN_TIMEOUT")
    assert runpy.run_path(str(CONFIG))["timeout"] == 300


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_access_log_masks_share_tokens():
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(CONFIG),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    secret = "sh_0123abcd_" + "S" * 43
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/p/{secret}/", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # an answer (404 for an unknown link): the request was logged
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn arrêté : {server.stderr.read()}") from error
                time.sleep(0.3)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "/p/sh_0123abcd_[jeton masqué]/" in out
    assert secret not in out + err
