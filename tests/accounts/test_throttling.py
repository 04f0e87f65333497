"""Throttled secrets: wrong passwords per account and per client address, password-reset
e-mails per address and per client, wrong TOTP codes per account — one mechanism
(core/throttling.py, django-ratelimit over the shared database cache)."""

import pyotp
import pytest
from django.core import mail
from django.utils import timezone

from passeport.accounts.models import TotpDevice, User
from passeport.certifiers.models import Certifier, Membership, Role

pytestmark = pytest.mark.django_db

PASSWORD = "Une-phrase-de-passe-solide-2026"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN = "/compte/connexion/"
CODE = "/compte/connexion/code/"
RESET = "/compte/mot-de-passe-oublie/"


@pytest.fixture
def user():
    return User.objects.create_user("agent@example.org", PASSWORD)


def login(client, email, password, address="192.0.2.10"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def assert_throttled(response, words):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    html = response.content.decode()
    assert words in html
    assert "Réessayez dans" in html
    assert "<title>Erreur : Se connecter" in html or "<title>Erreur :" in html


def test_ten_wrong_passwords_then_even_the_right_one_waits(client, user):
    for _ in range(10):
        assert login(client, user.email, "mauvais").status_code == 200
    response = login(client, "AGENT@example.org ", PASSWORD)  # the same account, typed otherwise
    assert_throttled(response, "Trop de tentatives de connexion pour ce compte")
    assert not client.get("/").context["user"].is_authenticated
    # From another address too: the limit is the account's.
    assert login(client, user.email, PASSWORD, address="198.51.100.7").status_code == 429


def test_the_right_password_costs_nothing(client, user):
    for _ in range(15):
        assert login(client, user.email, PASSWORD).status_code == 302
        client.post("/compte/deconnexion/")


def test_one_address_trying_many_accounts_is_throttled(client, user, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login-address": "5/15m"}
    for n in range(5):
        assert login(client, f"inconnu{n}@example.org", "x").status_code == 200
    assert_throttled(
        login(client, user.email, PASSWORD), "Trop de tentatives de connexion depuis votre adresse"
    )
    # Another client is not concerned.
    assert login(client, user.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_reset_emails_are_limited_per_address(client, user):
    for _ in range(3):
        assert client.post(RESET, {"email": user.email}).status_code == 302
    response = client.post(RESET, {"email": "Agent@Example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "aucun nouveau message n&#x27;a été envoyé" in response.content.decode()
    assert len(mail.outbox) == 3


def test_reset_requests_are_limited_per_client(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password-reset-address": "4/h"}
    for n in range(4):
        assert client.post(RESET, {"email": f"a{n}@example.org"}).status_code == 302
    assert client.post(RESET, {"email": "autre@example.org"}).status_code == 429
    other = client.post(RESET, {"email": "autre@example.org"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_wrong_codes_lock_the_account_with_the_same_mechanism(client):
    certifier = Certifier.objects.create(
        siret="73282932000074", name="Université", id_client="UNIVAAAA", id_contrat="C1"
    )
    member = User.objects.create_user("membre@univ.fr", PASSWORD)
    Membership.objects.create(user=member, certifier=certifier, role=Role.DEPOSITOR)
    TotpDevice.objects.create(user=member, secret=SECRET, confirmed_at=timezone.now())
    good = pyotp.TOTP(SECRET).now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for _ in range(2):  # five wrong codes per password step, twice
        assert login(client, member.email, PASSWORD).status_code == 302
        for _ in range(5):
            client.post(CODE, {"code": wrong})
    assert login(client, member.email, PASSWORD).status_code == 302
    response = client.post(CODE, {"code": good})
    assert_throttled(response, "Trop de codes incorrects pour ce compte")
    assert not client.get("/").context["user"].is_authenticated
