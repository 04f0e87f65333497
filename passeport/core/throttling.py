"""Throttling of pages: django-ratelimit's counters, used one way everywhere.

A `Rule` names a counter (its group), what it counts per (the client's address by default, an
account, a code…) and takes its rate from `settings.THROTTLE_RATES[group]` (django-ratelimit's
syntax: "10/15m" is ten per fixed window of fifteen minutes). The counters live in the
`shared` cache (config/settings.py, CACHE_URL), so every web process on every machine counts
together.

Two ways to count:
- every request — public pages (share-link codes, the public verification, « Vérifier mon
  fichier »): decorate the view with `@throttle(Rule("verification-address"))` (POST only by
  default), or inline `wait = hit(request, *rules)` then `if wait: return refusal(request,
  wait)`;
- failures only — secrets typed by a person (password, TOTP code): `blocked(request, *rules)`
  before checking the secret, `hit(request, *rules)` after a wrong one; a right secret costs
  nothing.

A refusal is HTTP 429 (RFC 6585 §4) with `Retry-After` in seconds (RFC 9110 §10.2.3) and a
French page saying how long to wait. The API has its own throttling (django-ninja's, per token).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django_ratelimit.core import get_usage

Key = str | Callable[[str, object], str]


def client_address(request) -> str:
    """The client's address (settings.RATELIMIT_IP_META_KEY): REMOTE_ADDR, or behind
    TRUSTED_PROXY_COUNT reverse proxies the X-Forwarded-For entry the outermost one appended —
    entries further left were written by the client and prove nothing (as the API's throttling,
    django-ninja's, reads it)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META["REMOTE_ADDR"]


def _rate(group: str, request) -> str:
    try:
        return settings.THROTTLE_RATES[group]
    except KeyError:
        raise ImproperlyConfigured(
            f"Limite « {group} » absente de THROTTLE_RATES (config/settings.py)."
        ) from None


@dataclass(frozen=True)
class Rule:
    """One counter: `group` names it and its rate in settings.THROTTLE_RATES; `key` is what it
    counts per: "ip" (the client's address, `client_address`), "post:<field>",
    "get:<field>", "header:<name>", or a function (group, request) → str such as
    `posted("email")` or `value(account_id)`."""

    group: str
    key: Key = "ip"

    def usage(self, request, *, increment: bool) -> dict | None:
        return get_usage(request, group=self.group, key=self.key, rate=_rate, increment=increment)


def posted(field: str) -> Callable[[str, object], str]:
    """Key: a posted field, case and surrounding spaces ignored (an e-mail address typed as
    « Nom@Exemple.fr » and « nom@exemple.fr » is one account)."""
    return lambda _group, request: request.POST.get(field, "").strip().casefold()


def value(fixed: object) -> Callable[[str, object], str]:
    """Key: a value the view knows (an account's id, a share link's id)."""
    return lambda _group, _request: str(fixed)


def _wait(usage: dict) -> int:
    # django-ratelimit's windows are fixed: time_left is the rest of the current one (at least
    # one second, also when the cache could not be read and the request is refused).
    return max(1, int(usage["time_left"]))


def hit(request, *rules: Rule) -> int:
    """Count this request against every rule; seconds to wait if one is now over its limit,
    else 0."""
    waits = [0]
    for rule in rules:
        usage = rule.usage(request, increment=True)
        if usage is not None and usage["should_limit"]:
            waits.append(_wait(usage))
    return max(waits)


def blocked(request, *rules: Rule) -> int:
    """Without counting: seconds to wait if a rule has reached its limit already, else 0."""
    waits = [0]
    for rule in rules:
        usage = rule.usage(request, increment=False)
        if usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"]):
            waits.append(_wait(usage))
    return max(waits)


def retry_text(seconds: int) -> str:
    """« dans 14 minutes », « dans 40 secondes »."""
    if seconds >= 90:
        minutes = -(-seconds // 60)
        return f"dans {minutes} minutes"
    if seconds > 59:
        return "dans une minute"
    return f"dans {seconds} seconde{'s' if seconds > 1 else ''}"


DEFAULT_MESSAGE = "Trop de demandes venant de votre connexion ces dernières minutes."


def refusal(
    request,
    wait: int,
    message: str = DEFAULT_MESSAGE,
    *,
    template: str = "core/throttled.html",
    context: dict | None = None,
):
    """The 429 answer: `template` (the generic page by default, or the form the user was
    filling, given `throttle_message` to show) with `Retry-After`."""
    text = f"{message} Réessayez {retry_text(wait)}."
    response = render(
        request,
        template,
        {"title": "Trop de tentatives", **(context or {}), "throttle_message": text},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def throttle(*rules: Rule, methods: tuple[str, ...] = ("POST",), message: str = DEFAULT_MESSAGE):
    """View decorator: every request of `methods` counts; beyond a limit, the 429 page.
    For a class-based view: `@method_decorator(throttle(...), name="dispatch")`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                wait = hit(request, *rules)
                if wait:
                    return refusal(request, wait, message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
