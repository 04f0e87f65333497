"""Production settings: secrets from the environment, `check --deploy` clean, secure headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "PASSEPORT_INSECURE_HTTP",
            "EMAIL_BACKEND",
            "PASSEPORT_PLAIN_STATIC",
            # The test run's demo-only switches (core/checks.py): never in production.
            "PROOFS_DEV_PKI",
            "FRANCECONNECT_DEV_PROVIDER",
            "FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG",
        }
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATA_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DATA_HASH_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="passeport.example.gouv.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PASSEPORT_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATA_ENCRYPTION_KEYS", "DATA_HASH_KEY"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = manage(env, "check")
    assert result.returncode != 0
    assert f"La variable d'environnement {missing} est obligatoire" in result.stderr


def test_check_deploy_flags_insecure_cookies(tmp_path):
    # The oracle works: the same check fails when cookies may travel over plain HTTP.
    result = manage(
        production_env(tmp_path, PASSEPORT_INSECURE_HTTP="1"),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


@pytest.mark.django_db
def test_responses_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    # The DSFR scripts are allowed by that nonce, and no script runs without it.
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_security_headers_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_cookies_are_secure_and_httponly_in_production(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    result = manage(production_env(tmp_path), "shell", "-v", "0", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 6


def test_the_prevention_reminders_hour_comes_from_the_environment(tmp_path):
    code = "from passeport.passport.tasks import reminders_hour; print(reminders_hour())"
    result = manage(production_env(tmp_path, PREVENTION_REMINDERS_HOUR="6"), "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "6", result.stderr
    result = manage(production_env(tmp_path, PREVENTION_REMINDERS_HOUR="huit"), "shell", "-c", code)
    assert "PREVENTION_REMINDERS_HOUR doit être une heure entière de 0 à 23 (reçu : 'huit')" in (
        result.stderr
    )
