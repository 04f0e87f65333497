"""A member of certifier A never sees B's members, tokens or tickets, whatever the URL; roles
limit what members do; the back office is for operators only."""

import uuid

import pytest
from django.utils import timezone

from passeport.accounts.models import User
from passeport.certifiers import tickets
from passeport.certifiers.models import ApiToken, Invitation, Membership, Role
from passeport.certifiers.tokens import issue_token
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(univ, other):
    a_admin = factories.MemberFactory(certifier=univ, email="admin@a.fr")
    a_reader = factories.MemberFactory(certifier=univ, email="lecteur@a.fr", read_only=True)
    b_admin = factories.MemberFactory(certifier=other, email="admin@b.fr")
    b_token, _ = issue_token(other, "jeton de B", b_admin)
    b_ticket = tickets.open_ticket(other, subject="Question de B", body="…", author=b_admin)
    b_membership = Membership.objects.get(user=b_admin)
    b_invitation = Invitation.objects.create(certifier=other, email="x@b.fr", role=Role.DEPOSITOR)
    return {
        "a": univ,
        "b": other,
        "a_admin": a_admin,
        "a_reader": a_reader,
        "b_admin": b_admin,
        "b_token": b_token,
        "b_ticket": b_ticket,
        "b_membership": b_membership,
        "b_invitation": b_invitation,
    }


def test_member_of_a_gets_404_on_every_page_of_b(client, setup):
    factories.verified_client(client, setup["a_admin"])
    b = setup["b"].pk
    for url in [
        f"/certificateurs/{b}/",
        f"/certificateurs/{b}/membres/",
        f"/certificateurs/{b}/jetons/",
        f"/certificateurs/{b}/support/",
        f"/certificateurs/{b}/support/nouvelle/",
        f"/certificateurs/{b}/support/{setup['b_ticket'].pk}/",
        f"/certificateurs/{uuid.uuid4()}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (f"/certificateurs/{b}/jetons/{setup['b_token'].pk}/revoquer/", {}),
        (f"/certificateurs/{b}/membres/{setup['b_membership'].pk}/", {"action": "remove"}),
        (f"/certificateurs/{b}/invitations/{setup['b_invitation'].pk}/annuler/", {}),
        (f"/certificateurs/{b}/support/{setup['b_ticket'].pk}/", {"body": "intrusion"}),
        (f"/certificateurs/{b}/membres/", {"email": "pirate@a.fr", "role": "administrator"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert ApiToken.objects.get(pk=setup["b_token"].pk).revoked_at is None
    assert Membership.objects.filter(pk=setup["b_membership"].pk).exists()
    assert setup["b_ticket"].messages.count() == 1
    assert not Invitation.objects.filter(email="pirate@a.fr").exists()


def test_objects_of_b_through_the_url_of_a_are_404(client, setup):
    """Mixing A's certifier id with B's object ids gives nothing either."""
    factories.verified_client(client, setup["a_admin"])
    a = setup["a"].pk
    assert client.get(f"/certificateurs/{a}/support/{setup['b_ticket'].pk}/").status_code == 404
    assert (
        client.post(f"/certificateurs/{a}/jetons/{setup['b_token'].pk}/revoquer/").status_code
        == 404
    )
    response = client.post(
        f"/certificateurs/{a}/membres/{setup['b_membership'].pk}/", {"action": "remove"}
    )
    assert response.status_code == 404
    assert (
        client.post(
            f"/certificateurs/{a}/invitations/{setup['b_invitation'].pk}/annuler/"
        ).status_code
        == 404
    )
    assert ApiToken.objects.get(pk=setup["b_token"].pk).revoked_at is None
    # and lists of A never show B's objects
    html = client.get(f"/certificateurs/{a}/jetons/").content.decode()
    assert setup["b_token"].prefix not in html
    html = client.get(f"/certificateurs/{a}/membres/").content.decode()
    assert "admin@b.fr" not in html
    html = client.get(f"/certificateurs/{a}/support/").content.decode()
    assert "Question de B" not in html


def test_read_only_member_cannot_administer(client, setup):
    factories.verified_client(client, setup["a_reader"])
    a = setup["a"].pk
    assert client.get(f"/certificateurs/{a}/").status_code == 200
    assert client.get(f"/certificateurs/{a}/support/").status_code == 200
    assert client.get(f"/certificateurs/{a}/membres/").status_code == 403
    assert client.get(f"/certificateurs/{a}/jetons/").status_code == 403
    assert client.post(f"/certificateurs/{a}/jetons/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(certifier=setup["a"]).exists()
    html = client.get(f"/certificateurs/{a}/").content.decode()
    assert f"/certificateurs/{a}/jetons/" not in html  # not offered in the menu either


def test_anonymous_is_sent_to_login(client, setup):
    a = setup["a"].pk
    response = client.get(f"/certificateurs/{a}/membres/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")


def test_back_office_is_for_staff_only(client, setup):
    for user in (None, setup["a_admin"]):
        if user:
            factories.verified_client(client, user)
        for url in [
            "/back-office/",
            "/back-office/accrochage/",
            "/back-office/certificateurs/",
            f"/back-office/certificateurs/{setup['b'].pk}/",
            "/back-office/support/",
            f"/back-office/support/{setup['b_ticket'].pk}/",
        ]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/compte/connexion/")


def test_last_administrator_cannot_be_removed_or_demoted(client, setup):
    factories.verified_client(client, setup["a_admin"])
    a = setup["a"]
    membership = Membership.objects.get(user=setup["a_admin"])
    url = f"/certificateurs/{a.pk}/membres/{membership.pk}/"
    response = client.post(url, {"action": "role", "role": Role.READ_ONLY}, follow=True)
    assert "au moins un administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR
    # with a second administrator, the change is allowed
    reader = Membership.objects.get(user=setup["a_reader"])
    client.post(
        f"/certificateurs/{a.pk}/membres/{reader.pk}/",
        {"action": "role", "role": Role.ADMINISTRATOR},
    )
    reader.refresh_from_db()
    assert reader.role == Role.ADMINISTRATOR
    client.post(url, {"action": "role", "role": Role.DEPOSITOR})
    membership.refresh_from_db()
    assert membership.role == Role.DEPOSITOR


def test_administrator_invites_and_removes_members(
    client, setup, django_capture_on_commit_callbacks
):
    from django.core import mail

    factories.verified_client(client, setup["a_admin"])
    a = setup["a"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/certificateurs/{a.pk}/membres/", {"email": "Nouveau@A.fr", "role": "depositor"}
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["nouveau@a.fr"] and "Déposant" in message.body
    # already a member: refused with a French message
    response = client.post(
        f"/certificateurs/{a.pk}/membres/", {"email": "lecteur@a.fr", "role": "depositor"}
    )
    assert "déjà membre" in response.content.decode()
    reader = Membership.objects.get(user=setup["a_reader"])
    client.post(f"/certificateurs/{a.pk}/membres/{reader.pk}/", {"action": "remove"})
    assert not Membership.objects.filter(pk=reader.pk).exists()
    assert User.objects.filter(email="lecteur@a.fr").exists()  # the account itself stays


def test_operators_log_in_with_two_factors_and_land_on_the_back_office(client):
    import pyotp

    operator = factories.UserFactory(email="ops@cdc.fr", staff=True)
    response = client.post(
        "/compte/connexion/", {"username": "ops@cdc.fr", "password": factories.PASSWORD}
    )
    # The password alone opens nothing: an operator without an app must set one up first.
    assert "_auth_user_id" not in client.session
    assert response["Location"] != "/back-office/"
    device = factories.TotpDeviceFactory(user=operator, secret=pyotp.random_base32())
    client.post("/compte/connexion/", {"username": "ops@cdc.fr", "password": factories.PASSWORD})
    response = client.post("/compte/connexion/code/", {"code": pyotp.TOTP(device.secret).now()})
    assert response["Location"] == "/back-office/"
    assert client.get("/back-office/").status_code == 200


def test_members_page_shows_expired_invitations(client, univ):
    from datetime import timedelta

    from django.utils import timezone

    admin = factories.MemberFactory(certifier=univ, email="admin@a.fr")
    old = Invitation.objects.create(certifier=univ, email="ancien@a.fr", role=Role.DEPOSITOR)
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    Invitation.objects.create(certifier=univ, email="recent@a.fr", role=Role.DEPOSITOR)
    factories.verified_client(client, admin)
    html = client.get(f"/certificateurs/{univ.pk}/membres/").content.decode()
    assert "ancien@a.fr (Déposant), envoyée le" in html and "expirée" in html
    assert html.count("expirée") == 1 and "valable jusqu" in html


def test_a_holder_opening_a_certifier_page_keeps_their_session(client, univ):
    """A page the user may not see answers 404; it never ends their session."""
    holder = factories.HolderFactory()
    client.force_login(holder.user)
    for url in (
        f"/certificateurs/{univ.pk}/",
        f"/depots/{univ.pk}/",
        f"/certificateurs/{uuid.uuid4()}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/passeport/").status_code == 200  # still logged in


def test_a_suspended_certifier_is_told_why_and_since_when(client):
    from passeport.core.models import AuditEvent

    certifier = factories.CertifierFactory(suspended=True)
    AuditEvent.record("certifiers.suspended", target=certifier, reason="Contrat échu")
    depositor = factories.MemberFactory(certifier=certifier, depositor=True)
    reader = factories.MemberFactory(certifier=certifier, read_only=True)
    factories.verified_client(client, depositor)
    response = client.get(f"/depots/{certifier.pk}/deposer/")
    assert response.status_code == 403
    text = response.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Votre organisme est suspendu depuis le {today}" in text and "support" in text
    # A read-only member is refused for their role, whatever the certifier's state.
    factories.verified_client(client, reader)
    response = client.get(f"/depots/{certifier.pk}/deposer/")
    assert response.status_code == 403 and "Votre rôle ne permet pas" in response.content.decode()
