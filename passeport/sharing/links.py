"""Share links: created by the holder, opened by anyone who has the link (and its code).

A link's token is `sh_<8 hex>_<43 url-safe chars>` (256 random bits, `secrets`): the prefix finds
the row, the SHA-256 of the whole token is compared in constant time (`hmac.compare_digest`), as
for certifiers' API tokens; the clear token is shown to the holder once, in the link. An access
code is chosen by the holder, hence short: it is stored with Django's password hasher, and wrong
codes are rate-limited per link (core.throttling, django-ratelimit: `share-access-code` in
settings.THROTTLE_RATES).

Revocation and expiry are checked on every request (nothing is cached): the next request after a
revocation gets 410. Every opening — shown, refused, wrong code — is a `ShareView`; a shown one
is also written in the passport's access log (« Qui a consulté mon passeport »).
"""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from passeport.core import throttling
from passeport.core.crypto import keyed_hash
from passeport.core.models import AuditEvent
from passeport.passport.access import log_access
from passeport.passport.models import AccessLog, Entry

from . import shareables
from .models import Share, ShareView

TOKEN_PREFIX = "sh_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
DEFAULT_DAYS = 30
MAX_DAYS = 366


def hash_token(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def create_share(
    holder,
    *,
    label: str,
    kind: str,
    entries=(),
    object_id=None,
    expires_on: datetime.date | None = None,
    access_code: str = "",
    actor=None,
    clear: str | None = None,
) -> tuple[Share, str]:
    """A new link; returns `(share, clear_token)`. Raises ValidationError (French) when the
    expiry, the entries or the shared object are not acceptable.

    `clear` lets the demo data install a documented fixed link; never pass it elsewhere."""
    today = timezone.localdate()
    expires_on = expires_on or today + datetime.timedelta(days=DEFAULT_DAYS)
    if expires_on <= today:
        raise ValidationError({"expires_on": "La date d'expiration doit être dans le futur."})
    if expires_on > today + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError({"expires_on": "Un lien expire au plus tard dans un an."})
    entries = list(entries)
    if kind == Share.Kind.ENTRIES:
        own = set(Entry.objects.of_holder(holder).filter(pk__in=[e.pk for e in entries]))
        if not entries or len(own) != len(set(entries)):
            raise ValidationError({"entries": "Choisissez au moins une entrée de votre passeport."})
    elif kind == Share.Kind.PASSPORT:
        entries = []
    else:
        if shareables.load(kind, holder, object_id) is None:
            raise ValidationError({"object_id": "Cet objet n'existe pas dans votre passeport."})
        entries = []
    if access_code and len(access_code) < 4:
        raise ValidationError({"access_code": "Le code d'accès a au moins 4 caractères."})
    while clear is None:
        clear = f"{TOKEN_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
        if Share.objects.filter(prefix=clear[:PREFIX_LENGTH]).exists():
            clear = None
    end = datetime.datetime.combine(expires_on, datetime.time.max)
    with transaction.atomic():
        share = Share.objects.create(
            holder=holder,
            label=label.strip()[:100] or "Partage",
            kind=kind,
            object_id=object_id if kind not in (Share.Kind.PASSPORT, Share.Kind.ENTRIES) else None,
            prefix=clear[:PREFIX_LENGTH],
            token_hash=hash_token(clear),
            access_code_hash=make_password(access_code) if access_code else "",
            expires_at=timezone.make_aware(end) if timezone.is_naive(end) else end,
        )
        if entries:
            share.entries.set(entries)
        AuditEvent.record("sharing.share_created", actor=actor, target=share, kind=kind)
    return share, clear


def find_share(clear: str | None) -> Share | None:
    """The share whose token is `clear` (live or not: the caller says why it refuses)."""
    if not clear or not clear.startswith(TOKEN_PREFIX) or len(clear) < PREFIX_LENGTH + 16:
        return None
    share = Share.objects.select_related("holder").filter(prefix=clear[:PREFIX_LENGTH]).first()
    if share is None or not hmac.compare_digest(share.token_hash, hash_token(clear)):
        return None
    return share


def revoke(share: Share, *, actor=None) -> None:
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at", "updated_at"])
        AuditEvent.record("sharing.share_revoked", actor=actor, target=share)


CODE_RULE = "share-access-code"  # settings.THROTTLE_RATES


def _code_rule(share: Share) -> throttling.Rule:
    # Per link, whatever the address: a visitor cannot try more codes by changing addresses.
    return throttling.Rule(CODE_RULE, throttling.value(share.pk))


def code_wait(request, share: Share) -> int:
    """Seconds before another code may be tried on this link (0: now)."""
    return throttling.blocked(request, _code_rule(share))


def count_wrong_code(request, share: Share) -> int:
    return throttling.hit(request, _code_rule(share))


def check_access_code(share: Share, code: str) -> bool:
    return bool(code) and check_password(code, share.access_code_hash)


def browser_family(user_agent: str) -> str:
    """The browser's family only (a whole user agent string identifies too much)."""
    ua = user_agent or ""
    for marker, family in (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ):
        if marker in ua:
            return family
    return "autre" if ua else "inconnu"


def record_view(share: Share, request, outcome: str) -> ShareView:
    view = ShareView.objects.create(
        share=share,
        outcome=outcome,
        address_hash=keyed_hash(request.META.get("REMOTE_ADDR", ""), purpose="share-view"),
        browser=browser_family(request.headers.get("User-Agent", "")),
    )
    if outcome == ShareView.Outcome.SHOWN:
        log_access(
            holder=share.holder,
            accessor_label=f"Lien de partage « {share.label} » ({view.browser})",
            channel=AccessLog.Channel.SHARE,
            purpose=share.get_kind_display(),
        )
    return view


def shared_entries(share: Share):
    """The entries the link shows (withdrawn ones never; a deleted entry simply disappears)."""
    entries = Entry.objects.of_holder(share.holder)
    if share.kind == Share.Kind.PASSPORT:
        return entries
    if share.kind == Share.Kind.ENTRIES:
        return entries.filter(pk__in=share.entries.values("pk"))
    return entries.none()
