"""Helpers of the certifiers' tests (imported as `certifiers_helpers`: tests/ has no packages): certifiers, members with an enrolled TOTP app, clients
logged in with both factors."""

import time

import pyotp
from django.utils import timezone

from passeport.accounts.models import TotpDevice, User
from passeport.certifiers.models import Certifier, CertifierCertification, Membership, Role

PASSWORD = "Une-phrase-de-passe-solide-2026"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
VALID_SIRETS = ["73282932000074", "19750001000107", "18000123200107"]


def make_certifier(id_client: str, **fields) -> Certifier:
    fields.setdefault("siret", VALID_SIRETS[0])
    fields.setdefault("name", f"Organisme {id_client}")
    fields.setdefault("id_contrat", f"C{id_client}")
    certifier = Certifier.objects.create(id_client=id_client, **fields)
    CertifierCertification.objects.create(certifier=certifier, code="RNCP35340")
    return certifier


def make_member(certifier, email, role=Role.ADMINISTRATOR, *, secret=SECRET) -> User:
    user = User.objects.create_user(email, PASSWORD)
    Membership.objects.create(user=user, certifier=certifier, role=role)
    TotpDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return user


def verified_client(client, user):
    """A test client whose session was opened with both factors (skips the login pages)."""
    client.force_login(user)
    session = client.session
    session["two_factor_verified"] = True
    session.save()
    return client


def next_code(secret=SECRET) -> str:
    """The code of the next 30 s step (accepted: ±1 step of drift), so that two logins in the
    same step do not hit the replay protection."""
    return pyotp.TOTP(secret).at(time.time() + 30)
