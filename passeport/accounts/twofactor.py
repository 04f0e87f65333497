"""Two-factor login: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

Who must use it: any user for whom one of the registered requirement checks answers yes (the
certifiers app registers "is a member of a certifier" in its `ready()`: accounts cannot import
it, see the dependency order in ARCHITECTURE.md), and any user who enrolled an app anyway.

The login is in two steps (views.LoginView then views.TotpVerifyView): after the right password
the user is NOT logged in; the session only remembers who passed the first step
(`PENDING_SESSION_KEY`) for `PENDING_MAX_AGE` seconds and `MAX_ATTEMPTS` wrong codes. Wrong
codes are also counted per account across sessions and servers by the same throttle as wrong
passwords (core/throttling.py, `login-code-account`): no brute force by starting over.
"""

import io
import secrets
from collections.abc import Callable

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe

from passeport.core.crypto import keyed_hash

from .models import RecoveryCode, TotpDevice, User

ISSUER = "Passeport de compétences"
PENDING_SESSION_KEY = "two_factor_pending"
PENDING_MAX_AGE = 600  # seconds between the password and the code
MAX_ATTEMPTS = 5  # wrong codes before the password must be typed again
RECOVERY_CODE_COUNT = 10
# Recovery codes: 10 characters of base32 (50 bits), shown as xxxxx-xxxxx.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

_requirement_checks: list[Callable[[User], bool]] = []
_landings: list[Callable[[User], str | None]] = []


def register_requirement(check: Callable[[User], bool]) -> None:
    """Add a rule saying a user must log in with two factors (called from apps' `ready()`)."""
    if check not in _requirement_checks:
        _requirement_checks.append(check)


def register_landing(landing: Callable[[User], str | None]) -> None:
    """Add a rule giving where a user lands after a two-factor login without `next` (e.g. the
    certifiers app sends its members to their space)."""
    if landing not in _landings:
        _landings.append(landing)


def landing_url(user) -> str | None:
    for landing in _landings:
        url = landing(user)
        if url:
            return url
    return None


def confirmed_device(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def is_required(user) -> bool:
    """Must `user` give a second factor after their password?"""
    if confirmed_device(user) is not None:
        return True
    return any(check(user) for check in _requirement_checks)


# -- enrolment --------------------------------------------------------------------------------


def start_enrolment(user) -> TotpDevice:
    """The unconfirmed device of `user`, created with a fresh secret if needed. A confirmed one
    is replaced only through `reset_device` (operator action or recovery)."""
    device, _ = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def qr_code_svg(device: TotpDevice) -> str:
    """The enrolment QR code as inline SVG, drawn server-side (the CSP forbids remote images)."""
    buffer = io.BytesIO()
    segno.make(provisioning_uri(device), error="m").save(
        buffer,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        svgns=True,
        title="Code QR à scanner avec votre application d'authentification",
        svgclass="pp-qrcode",
        lineclass=None,
    )
    # segno's output is our own markup (no user data but the e-mail, percent-encoded in the URI).
    svg = buffer.getvalue().decode()
    svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
    return mark_safe(svg.replace("<title>", '<title id="qr-title">', 1))  # noqa: S308


def _matching_step(device: TotpDevice, code: str) -> int | None:
    """The time step whose code is `code` (±1 step of clock drift), if not already used."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(device.secret)
    now = timezone.now().timestamp()
    current = int(now // totp.interval)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            if device.last_used_step is not None and step <= device.last_used_step:
                return None  # replay of a code already used
            return step
    return None


def verify_code(device: TotpDevice, code: str) -> bool:
    """Check a 6-digit code; a right code is consumed (cannot be used twice)."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(pk=device.pk)
        step = _matching_step(device, code)
        if step is None:
            return False
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return True


def confirm_enrolment(device: TotpDevice, code: str) -> list[str] | None:
    """Activate the device if `code` is right; returns fresh recovery codes (to show once)."""
    if not verify_code(device, code):
        return None
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    device.refresh_from_db()
    return new_recovery_codes(device.user)


def reset_device(user) -> None:
    """Forget the user's app and recovery codes: the next login asks for a new enrolment."""
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


# -- recovery codes ---------------------------------------------------------------------------


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _recovery_hash(code: str) -> str:
    # A keyed hash (HMAC with the server's DATA_HASH_KEY): 50 random bits are out of reach of
    # brute force without the key, and lookups stay one indexed query.
    return keyed_hash(_normalise_recovery(code), purpose="totp-recovery-code")


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, returned in clear."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes
        )
    return codes


def use_recovery_code(user, code: str) -> bool:
    """Consume one unused recovery code of `user`; False if unknown or already used."""
    if len(_normalise_recovery(code)) != 10:
        return False
    return bool(
        RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(code), used_at__isnull=True
        ).update(used_at=timezone.now())
    )


def remaining_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# -- pending login (between password and code) ------------------------------------------------


def begin_pending_login(request, user, *, backend: str | None = None, next_url: str = "") -> None:
    """Remember that `user` passed the password step (or set their password from an invitation).

    The session key is cycled so that a session id seen before the password is worthless.
    """
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user_id": str(user.pk),
        "backend": backend or getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0],
        "since": timezone.now().timestamp(),
        "attempts": 0,
        "next": next_url,
    }


def pending_login(request) -> tuple[User, dict] | tuple[None, None]:
    """The user waiting for their second factor, if any and not expired."""
    data = request.session.get(PENDING_SESSION_KEY)
    if not data:
        return None, None
    if timezone.now().timestamp() - data.get("since", 0) > PENDING_MAX_AGE:
        clear_pending_login(request)
        return None, None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        clear_pending_login(request)
        return None, None
    return user, data


def record_failed_attempt(request) -> int:
    """Count a wrong code; returns the attempts left (0: the pending login was dropped)."""
    data = request.session.get(PENDING_SESSION_KEY) or {}
    data["attempts"] = data.get("attempts", 0) + 1
    left = MAX_ATTEMPTS - data["attempts"]
    if left <= 0:
        clear_pending_login(request)
        return 0
    request.session[PENDING_SESSION_KEY] = data
    return left


def clear_pending_login(request) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


VERIFIED_SESSION_KEY = "two_factor_verified"


def mark_session_verified(request) -> None:
    """Called once both factors were given (after `login()`, which keeps session data)."""
    request.session[VERIFIED_SESSION_KEY] = True


def session_is_verified(request) -> bool:
    """Was this session opened with the second factor? Pages of certifier spaces require it."""
    return bool(request.session.get(VERIFIED_SESSION_KEY))
