"""API tokens of certifiers: issued, authenticated on every API call, revoked.

A token is `pp_<8 hex>_<43 url-safe chars>` (256 random bits). Only its SHA-256 is stored; the
readable prefix (`pp_ab12cd34`) finds the row and lets people recognise the token in lists
and logs. The clear value is shown once, when issued.
"""

import hashlib
import hmac
import secrets

from django.utils import timezone

from passeport.core.models import AuditEvent

from .models import TOKEN_PREFIX, TOKEN_PREFIX_LENGTH, ApiToken, Certifier


def hash_token(clear: str) -> str:
    """SHA-256 of the clear token: enough for 256-bit random secrets (no brute force possible),
    and fast, since every API call checks it."""
    return hashlib.sha256(clear.encode()).hexdigest()


def issue_token(certifier: Certifier, name: str, user=None, *, clear: str | None = None):
    """Create an API token, audited; returns `(token, clear_token)`. The clear value is shown
    once and never stored.

    `clear` lets the demo data install a documented fixed token; never pass it elsewhere.
    """
    if clear is None:
        # The 32-bit prefix is unique (it finds the row): draw again on the rare collision.
        while True:
            clear = f"{TOKEN_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
            if not ApiToken.objects.filter(prefix=clear[:TOKEN_PREFIX_LENGTH]).exists():
                break
    token = ApiToken.objects.create(
        certifier=certifier,
        name=name,
        prefix=clear[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(clear),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    AuditEvent.record("certifiers.token_issued", actor=user, target=token, prefix=token.prefix)
    return token, clear


def authenticate_token(clear: str | None) -> ApiToken | None:
    """The live token matching `clear`, with `last_used_at` updated; None if unknown, revoked,
    or its certifier is not active. The hash comparison is constant-time (`hmac.compare_digest`).
    """
    if not clear or not clear.startswith(TOKEN_PREFIX) or len(clear) < TOKEN_PREFIX_LENGTH + 16:
        return None
    token = (
        ApiToken.objects.select_related("certifier")
        .filter(prefix=clear[:TOKEN_PREFIX_LENGTH])
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(clear)):
        return None
    if token.revoked_at is not None or not token.certifier.is_active:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token


def suspended_certifier_of(clear: str | None):
    """The certifier of a live, genuine token refused only because the certifier is suspended
    (so the API can tell its caller why), else None."""
    if not clear or not clear.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("certifier")
        .filter(prefix=clear[:TOKEN_PREFIX_LENGTH], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(clear)):
        return None
    return None if token.certifier.is_active else token.certifier


def revoke_token(token: ApiToken, *, actor=None) -> bool:
    """Revoke `token` for good (the API refuses it from now on), audited. Revoking a token
    already revoked changes nothing and records nothing; returns whether it was revoked now."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    AuditEvent.record("certifiers.token_revoked", actor=actor, target=token)
    return True
