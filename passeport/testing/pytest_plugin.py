"""pytest plugin of the project (loaded by `-p` in pyproject's addopts, before pytest-django).

1. Sets the test environment (keys, plain-HTTP cookies) before Django reads its settings.
2. Starts a throwaway PostgreSQL cluster on a free loopback port and points DATABASE_URL at it,
   unless PASSEPORT_TEST_DB=sqlite (the embedded path) or DATABASE_URL is already set.
"""

import os

import pytest

from passeport.testing import pgcluster

_cluster: pgcluster.Cluster | None = None

TEST_ENV = {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "DATA_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1vZi0zMi1ieXRlcy1leGFjdGw=",
    "DATA_HASH_KEY": "test-hash-key",
    "PASSEPORT_INSECURE_HTTP": "1",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "PASSEPORT_PLAIN_STATIC": "1",
    # The proofs app's test PKI, generated once per run in the test var directory.
    "PROOFS_DEV_PKI": "1",
}


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _cluster
    for key, value in TEST_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PASSEPORT_VAR_DIR", pgcluster.test_var_dir())
    wants_sqlite = os.environ.get("PASSEPORT_TEST_DB", "postgres") == "sqlite"
    if not wants_sqlite and "DATABASE_URL" not in os.environ:
        _cluster = pgcluster.Cluster.start()
        os.environ["DATABASE_URL"] = _cluster.url
    return (yield)


def pytest_report_header(config):
    backend = (
        "PostgreSQL (grappe jetable)" if _cluster else os.environ.get("DATABASE_URL", "SQLite")
    )
    return f"passeport: base de test {backend}"


def pytest_unconfigure(config):
    if _cluster is not None:
        _cluster.stop()


@pytest.fixture(autouse=True)
def _fresh_throttles(request, django_db_blocker):
    """Each test starts with no throttle counted. The counters live in the database's cache
    table (core/cache.py): a test in a transaction leaves none behind, but the flush that ends a
    transactional test does not empty that table."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not transactional:
        return
    from django.core.cache import caches
    from django.db import connections

    with django_db_blocker.unblock():
        caches["shared"].clear()
        # Closed at once: browser tests run inside Playwright's event loop, whose context-local
        # connections would otherwise outlive it and block the test database's removal.
        connections.close_all()
