"""Two-factor login of certifier users: password, then TOTP code; enrolment; recovery codes."""

import time

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.accounts import twofactor
from passeport.accounts.models import RecoveryCode, TotpDevice
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"
CODE = "/compte/connexion/code/"
SETUP = "/compte/double-authentification/activer/"


@pytest.fixture
def certifier():
    return factories.CertifierFactory(id_client="UNIVAAAA", name="Université")


@pytest.fixture
def member(certifier):
    return factories.MemberFactory(
        certifier=certifier, email="membre@univ.fr", depositor=True, not_enrolled=True
    )


@pytest.fixture
def enrolled(member):
    factories.TotpDeviceFactory(user=member)
    return member


def password_step(client, user, next_url=""):
    data = {"username": user.email, "password": factories.PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_user_without_membership_logs_in_with_password_only(client):
    user = factories.UserFactory(email="agent@example.org")
    assert not twofactor.is_required(user)
    response = password_step(client, user)
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_member_is_not_logged_in_until_the_code(client, enrolled, certifier):
    response = password_step(client, enrolled, next_url=f"/certificateurs/{certifier.pk}/")
    assert response.status_code == 302 and response["Location"] == CODE
    # Between the two steps: not logged in, the portal refuses.
    assert not client.get("/").context["user"].is_authenticated
    assert client.get(f"/certificateurs/{certifier.pk}/").status_code == 302

    page = client.get(CODE)
    assert "Code de vérification" in page.content.decode()
    response = client.post(CODE, {"code": pyotp.TOTP(factories.TOTP_SECRET).now()})
    assert response.status_code == 302
    assert response["Location"] == f"/certificateurs/{certifier.pk}/"
    assert client.get("/").context["user"] == enrolled
    assert client.get(f"/certificateurs/{certifier.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.login_two_factor").count() == 1


def test_wrong_code_then_too_many_attempts(client, enrolled):
    password_step(client, enrolled)
    good = pyotp.TOTP(factories.TOTP_SECRET).now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Code incorrect ou déjà utilisé" in html and "il vous reste 4 essais" in html
    assert not response.context["user"].is_authenticated
    for _ in range(3):
        client.post(CODE, {"code": wrong})
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 302 and response["Location"] == LOGIN
    # The pending login is gone: even the right code is not accepted now.
    response = client.post(CODE, {"code": good})
    assert response["Location"] == LOGIN
    assert not client.get("/").context["user"].is_authenticated


def test_a_code_cannot_be_used_twice(client, enrolled):
    code = pyotp.TOTP(factories.TOTP_SECRET).now()
    password_step(client, enrolled)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post("/compte/deconnexion/")
    password_step(client, enrolled)
    response = client.post(CODE, {"code": code})
    assert response.status_code == 200  # replay refused
    assert "déjà utilisé" in response.content.decode()


def test_pending_login_expires(client, enrolled, monkeypatch):
    password_step(client, enrolled)
    real_time = time.time()
    monkeypatch.setattr(
        twofactor.timezone,
        "now",
        lambda: timezone.datetime.fromtimestamp(real_time + 3600, tz=timezone.UTC),
    )
    response = client.post(CODE, {"code": pyotp.TOTP(factories.TOTP_SECRET).now()})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_first_login_enrols_with_qr_code_and_recovery_codes(client, member):
    response = password_step(client, member)
    assert response["Location"] == SETUP
    page = client.get(SETUP)
    html = page.content.decode()
    secret = page.context["secret"]
    assert "<svg" in html and 'role="img"' in html and "<img" not in html
    assert secret in html
    assert TotpDevice.objects.get(user=member).confirmed_at is None

    response = client.post(
        SETUP, {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in response.content.decode()

    response = client.post(SETUP, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/compte/double-authentification/codes-de-secours/"
    page = client.get(response["Location"])
    codes = page.context["codes"]
    assert len(codes) == 10 and all(len(c) == 11 for c in codes)
    assert codes[0] in page.content.decode()
    # shown once only; stored hashed
    assert client.get(response["Location"]).status_code == 302
    stored = set(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert TotpDevice.objects.get(user=member).confirmed_at is not None
    assert client.get("/").context["user"] == member


def test_enrolled_user_cannot_re_enrol_from_the_pending_state(client, enrolled):
    password_step(client, enrolled)
    response = client.get(SETUP)
    assert response["Location"] == CODE
    assert TotpDevice.objects.get(user=enrolled).secret == factories.TOTP_SECRET


def test_recovery_code_logs_in_once(client, enrolled):
    codes = twofactor.new_recovery_codes(enrolled)
    password_step(client, enrolled)
    response = client.post(CODE, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/").context["user"] == enrolled
    assert twofactor.remaining_recovery_codes(enrolled) == 9
    client.post("/compte/deconnexion/")
    password_step(client, enrolled)
    response = client.post(CODE, {"code": codes[0]})
    assert response.status_code == 200  # already used
    assert not response.context["user"].is_authenticated


def test_code_step_without_password_step_redirects_to_login(client):
    assert client.get(CODE)["Location"] == LOGIN
    assert client.get(SETUP)["Location"] == LOGIN


def test_password_only_session_is_refused_by_the_portal(client, enrolled, certifier):
    # e.g. a session opened before the user joined a certifier
    client.force_login(enrolled)
    response = client.get(f"/certificateurs/{certifier.pk}/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not client.get("/").context["user"].is_authenticated


def test_open_redirect_refused_and_members_land_on_their_space(client, enrolled, certifier):
    password_step(client, enrolled, next_url="https://evil.example/")
    response = client.post(CODE, {"code": pyotp.TOTP(factories.TOTP_SECRET).now()})
    assert response["Location"] == reverse("certifiers:home")
    assert client.get(response["Location"])["Location"] == f"/certificateurs/{certifier.pk}/"


def _login_fully(client, user):
    password_step(client, user)
    client.post(CODE, {"code": pyotp.TOTP(factories.TOTP_SECRET).now()})
    return client


def test_security_page(client, enrolled):
    old = twofactor.new_recovery_codes(enrolled)
    _login_fully(client, enrolled)
    page = client.get("/compte/securite/")
    assert (
        page.status_code == 200 and "Codes de secours encore utilisables" in page.content.decode()
    )
    response = client.post("/compte/securite/", {"action": "recovery_codes", "code": "12345"})
    assert response.status_code == 200
    assert twofactor.remaining_recovery_codes(enrolled) == 10
    # (the next step's code: the current one was just used to log in, and cannot be replayed)
    response = client.post(
        "/compte/securite/",
        {
            "action": "recovery_codes",
            "code": pyotp.TOTP(factories.TOTP_SECRET).at(time.time() + 30),
        },
    )
    assert response["Location"] == "/compte/double-authentification/codes-de-secours/"
    new = client.get(response["Location"]).context["codes"]
    assert set(new).isdisjoint(old)
    assert not twofactor.use_recovery_code(enrolled, old[0])
    assert twofactor.use_recovery_code(enrolled, new[0])


def test_user_without_app_can_enrol_from_the_security_page(client):
    user = factories.UserFactory(email="agent@example.org")
    client.post(LOGIN, {"username": user.email, "password": factories.PASSWORD})
    assert "pas activée" in client.get("/compte/securite/").content.decode()
    response = client.post("/compte/securite/", {"action": "enrol"})
    assert response["Location"] == SETUP
    secret = client.get(SETUP).context["secret"]
    response = client.post(SETUP, {"code": pyotp.TOTP(secret).now()})
    client.get(response["Location"])
    assert twofactor.is_required(user)  # from now on, every login asks for the code
    client.post("/compte/deconnexion/")
    assert password_step(client, user)["Location"] == CODE


def test_password_change_needs_the_current_password(client):
    user = factories.UserFactory(email="agent@example.org")
    client.force_login(user)
    url = "/compte/mot-de-passe/changer/"
    new = "Encore-une-phrase-de-passe-2027"
    response = client.post(
        url, {"old_password": "faux", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    response = client.post(
        url, {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == "/compte/securite/"
    user.refresh_from_db()
    assert user.check_password(new)


def test_account_locked_after_too_many_wrong_codes_across_logins(client, enrolled):
    good = pyotp.TOTP(factories.TOTP_SECRET).now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    for _ in range(2):
        password_step(client, enrolled)
        for _ in range(5):
            client.post(CODE, {"code": wrong})
    password_step(client, enrolled)
    response = client.post(CODE, {"code": good}, follow=True)
    assert "Trop de codes incorrects pour ce compte" in response.content.decode()
    assert not response.context["user"].is_authenticated
