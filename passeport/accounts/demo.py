"""Demo accounts (idempotent). Never loaded in production: only `passeport run` calls it."""

from .models import User

DEMO_PASSWORD = "Passeport-Demo-2026"  # noqa: S105 - documented public demo password
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
    return [("Opératrice (back-office)", OPERATOR_EMAIL, DEMO_PASSWORD)]
