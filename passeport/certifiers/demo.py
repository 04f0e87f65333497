"""Demo data of the certifiers' side (idempotent; only `seed_demo` / `passeport run` call it).

- « Université de démonstration » (idClient DEMOUNIV), active, with RNCP/RS certifications;
- its administrator, whose two-factor login is pre-enrolled with the PUBLIC secret
  DEMO_TOTP_SECRET (no bypass exists: the demo logs in like everyone else; the printed logins
  say how to get the current code);
- an API token with the fixed, documented value DEMO_API_TOKEN (for the README's curl example);
- « Tiers de confiance de démonstration » (idClient DEMOTIER) mandated by the university, with
  a depositor using the same demo secret.
Never run it on a production database: these secrets are public.
"""

from django.utils import timezone

from passeport.accounts.demo import DEMO_PASSWORD, TOTP_HOWTO, enrol_demo_totp
from passeport.accounts.models import User

from .models import (
    ApiToken,
    Certifier,
    CertifierCertification,
    Mandate,
    Membership,
    Role,
)
from .tokens import issue_token

DEMO_API_TOKEN = "pp_demouniv_jeton-de-demonstration-public-ne-pas-utiliser-en-production"  # noqa: S105
UNIVERSITY_ADMIN_EMAIL = "admin@universite-demo.passeport.localhost"
THIRD_PARTY_DEPOSITOR_EMAIL = "depot@tiers-demo.passeport.localhost"

UNIVERSITY = {
    "id_client": "DEMOUNIV",
    "siret": "19750001000107",
    "name": "Université de démonstration",
    "id_contrat": "DEMO2560080000127J",
    "contact_name": "Service de la scolarité",
    "contact_email": "scolarite@universite-demo.passeport.localhost",
    "contact_phone": "01 23 45 67 89",
}
CERTIFICATIONS = [
    ("RNCP35340", "Licence professionnelle Métiers de l'informatique : applications web"),
    ("RNCP34383", "Master Informatique"),
    ("RS6117", "Certification en langue anglaise"),
]
THIRD_PARTY = {
    "id_client": "DEMOTIER",
    "siret": "18000123200107",
    "name": "Tiers de confiance de démonstration",
    "id_contrat": "DEMOTIERS0001",
    "contact_name": "Équipe dépôts",
    "contact_email": "contact@tiers-demo.passeport.localhost",
    "is_trusted_third_party": True,
}


def _certifier(fields: dict) -> Certifier:
    fields = dict(fields)
    certifier, _ = Certifier.objects.get_or_create(
        id_client=fields.pop("id_client"), defaults=fields
    )
    return certifier


def _member(email: str, first_name: str, last_name: str, certifier: Certifier, role: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, certifier=certifier, defaults={"role": role})
    enrol_demo_totp(user)
    return user


def seed() -> list[tuple[str, str, str]]:
    university = _certifier(UNIVERSITY)
    for code, title in CERTIFICATIONS:
        CertifierCertification.objects.get_or_create(
            certifier=university, code=code, defaults={"title": title}
        )
    admin = _member(
        UNIVERSITY_ADMIN_EMAIL, "Alice", "Administratrice", university, Role.ADMINISTRATOR
    )
    if not ApiToken.objects.filter(prefix=DEMO_API_TOKEN[:11]).exists():
        issue_token(university, "Jeton de démonstration", admin, clear=DEMO_API_TOKEN)

    third_party = _certifier(THIRD_PARTY)
    if not Mandate.objects.filter(third_party=third_party, mandator=university).exists():
        Mandate.objects.create(
            third_party=third_party, mandator=university, starts_on=timezone.localdate()
        )
    _member(THIRD_PARTY_DEPOSITOR_EMAIL, "Denis", "Déposant", third_party, Role.DEPOSITOR)

    return [
        (
            "Administratrice, Université de démonstration (DEMOUNIV)",
            UNIVERSITY_ADMIN_EMAIL,
            f"{DEMO_PASSWORD} {TOTP_HOWTO}",
        ),
        (
            "Déposant, tiers de confiance (DEMOTIER, mandaté par DEMOUNIV)",
            THIRD_PARTY_DEPOSITOR_EMAIL,
            f"{DEMO_PASSWORD} + même code TOTP",
        ),
        ("Jeton d'API de DEMOUNIV (Authorization: Bearer …)", DEMO_API_TOKEN, "—"),
    ]
