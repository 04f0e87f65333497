"""Per-token rate limit of the API: ninja's throttling, answered 429 with `Retry-After`.

ninja's `SimpleRateThrottle` (a sliding window of request times in Django's cache, shared by
every process when `CACHES` is shared) keeps its per-request state on the throttle object,
which ninja shares between the threads of a server: here that state is per thread. The rate
is read from `settings.API_THROTTLE_RATE` at each request (`"600/min"`, `"20/s"`…), so that
tests and deployments change it without re-importing the API.
"""

import threading

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from .auth import throttle_key


class _PerThread:
    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj._state, self.name, None)

    def __set__(self, obj, value):
        setattr(obj._state, self.name, value)


class TokenRateThrottle(SimpleRateThrottle):
    """One window per token; unauthenticated calls (public operations) per client address."""

    scope = "api"
    key = _PerThread()
    history = _PerThread()
    now = _PerThread()
    num_requests = _PerThread()
    duration = _PerThread()

    def __init__(self, setting: str = "API_THROTTLE_RATE"):
        self._state = threading.local()
        self.setting = setting
        super().__init__(rate=getattr(settings, setting))

    def allow_request(self, request) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.num_requests is None:
            return True
        return super().allow_request(request)

    def get_cache_key(self, request) -> str:
        principal = getattr(request, "auth", None)
        ident = throttle_key(principal) if principal is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
