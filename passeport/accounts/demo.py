"""Demo accounts (idempotent). Never loaded in production: only `passeport run` calls it."""

from django.utils import timezone

from .models import TotpDevice, User

DEMO_PASSWORD = "Passeport-Demo-2026"  # noqa: S105 - documented public demo password
# Demo accounts that need a second factor are enrolled with this public secret (no bypass).
DEMO_TOTP_SECRET = "DEMOUNIVPASSEPORTTOTPSECRETKEYAA"  # noqa: S105 - public demo secret
TOTP_HOWTO = (
    f'puis le code TOTP : .venv/bin/python -c "import pyotp; '
    f"print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\" "
    f"(ou ajoutez la clé {DEMO_TOTP_SECRET} à une application d'authentification)"
)
OPERATOR_EMAIL = "operateur@demo.passeport.localhost"


def seed() -> list[tuple[str, str, str]]:
    operator, created = User.objects.get_or_create(
        email=OPERATOR_EMAIL,
        defaults={
            "first_name": "Olivia",
            "last_name": "Opératrice",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        operator.set_password(DEMO_PASSWORD)
        operator.save(update_fields=["password"])
    enrol_demo_totp(operator)
    return [("Opératrice (back-office)", OPERATOR_EMAIL, f"{DEMO_PASSWORD} {TOTP_HOWTO}")]


def enrol_demo_totp(user) -> None:
    TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": DEMO_TOTP_SECRET, "confirmed_at": timezone.now()}
    )
