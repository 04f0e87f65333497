"""`passeport run`'s local environment, as operator commands on its machine read it."""

import os

from passeport.core import runner

SWITCHES = (
    "PROOFS_DEV_PKI",
    "FRANCECONNECT_DEV_PROVIDER",
    "FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG",
)


def _applied(monkeypatch, var_dir) -> dict[str, str]:
    for name in (*SWITCHES, "SECRET_KEY", "SITE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PASSEPORT_VAR_DIR", str(var_dir))
    monkeypatch.setattr(os, "environ", os.environ.copy())  # the test's own copy
    runner.use_local_environment()
    return {name: os.environ.get(name, "") for name in (*SWITCHES, "SECRET_KEY", "SITE_URL")}


def test_nothing_is_read_without_local_env(monkeypatch, tmp_path):
    assert not any(_applied(monkeypatch, tmp_path).values())
    assert not (tmp_path / "local.env").exists()


def test_demo_switches_follow_the_last_run(monkeypatch, tmp_path):
    secrets = runner._local_secrets(tmp_path)
    runner.remember_demo(tmp_path, True)
    applied = _applied(monkeypatch, tmp_path)
    assert applied["SECRET_KEY"] == secrets["SECRET_KEY"]
    assert all(applied[name] == "1" for name in SWITCHES)
    assert applied["SITE_URL"] == "http://127.0.0.1:8000"

    runner.remember_demo(tmp_path, False)  # then `passeport run` without --demo
    applied = _applied(monkeypatch, tmp_path)
    assert applied["SECRET_KEY"] == secrets["SECRET_KEY"]
    assert not any(applied[name] for name in SWITCHES)
