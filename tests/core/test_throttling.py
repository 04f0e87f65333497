"""core/throttling.py and the shared cache it counts in (core/cache.py)."""

import threading

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from passeport.core import throttling


def test_the_shared_cache_counts_every_concurrent_increment(transactional_db):
    cache = caches["shared"]
    cache.set("compteur", 0, 60)
    errors = []

    def bump():
        try:
            for _ in range(25):
                cache.incr("compteur")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("compteur") == 100


@pytest.mark.django_db
def test_incr_of_a_missing_or_expired_key_fails_like_djangos():
    cache = caches["shared"]
    with pytest.raises(ValueError):
        cache.incr("absent")
    cache.set("périmé", 1, -1)
    with pytest.raises(ValueError):
        cache.incr("périmé")


@pytest.mark.django_db
def test_decorator_counts_each_request_and_answers_429_in_french(settings):
    settings.THROTTLE_RATES = {"essai": "2/m"}
    view = throttling.throttle(throttling.Rule("essai"))(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    assert view(factory.post("/")).status_code == 200
    assert view(factory.get("/")).status_code == 200  # GET not counted by default
    assert view(factory.post("/")).status_code == 200
    response = view(factory.post("/"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "Trop de demandes venant de votre connexion" in html and "Réessayez dans" in html
    assert view(factory.post("/", REMOTE_ADDR="198.51.100.1")).status_code == 200


@pytest.mark.django_db
def test_blocked_does_not_count_and_hit_does(settings):
    settings.THROTTLE_RATES = {"essai": "2/h"}
    rule = throttling.Rule("essai", key=throttling.value("compte-1"))
    request = RequestFactory().post("/")
    assert throttling.blocked(request, rule) == 0
    assert throttling.blocked(request, rule) == 0
    assert throttling.hit(request, rule) == 0
    assert throttling.hit(request, rule) == 0
    assert 0 < throttling.blocked(request, rule) <= 3600
    other = throttling.Rule("essai", key=throttling.value("compte-2"))
    assert throttling.blocked(request, other) == 0


def test_an_unknown_group_is_a_configuration_error(settings, db):
    settings.THROTTLE_RATES = {}
    with pytest.raises(Exception, match="absente de THROTTLE_RATES"):
        throttling.hit(RequestFactory().post("/"), throttling.Rule("inconnue"))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "dans 1 seconde"),
        (40, "dans 40 secondes"),
        (75, "dans une minute"),
        (840, "dans 14 minutes"),
    ],
)
def test_retry_text(seconds, text):
    assert throttling.retry_text(seconds) == text


def test_cache_url_chooses_the_shared_backend(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "from django.conf import settings; print(settings.CACHES['shared']['BACKEND'])"

    def shared_backend(url):
        env = {**os.environ, "CACHE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert shared_backend("").stdout.strip() == "passeport.core.cache.DatabaseCache"
    redis = shared_backend("redis://127.0.0.1:6379/0").stdout.strip()
    assert redis == "django.core.cache.backends.redis.RedisCache"
    refused = shared_backend("memcached://127.0.0.1:11211")
    assert refused.returncode != 0
    assert "CACHE_URL='memcached://127.0.0.1:11211' n'est pas reconnu" in refused.stderr


def test_client_address_behind_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttling.client_address(request) == "10.0.0.2"  # a client-sent header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttling.client_address(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert throttling.client_address(request) == "6.6.6.6"
