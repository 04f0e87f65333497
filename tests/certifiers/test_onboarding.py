"""« Se faire connaître » → operator approval → invitation e-mail → password → TOTP → space."""

import re
from datetime import timedelta
from unittest import mock

import pyotp
import pytest
from django.core import mail, signing

from passeport.accounts.models import User
from passeport.certifiers import invitations, onboarding
from passeport.certifiers.models import (
    Certifier,
    Invitation,
    Membership,
    OnboardingRequest,
    Role,
)
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db

FORM = {
    "siret": "732 829 320 00074",
    "name": "Université de Lorraine Sud",
    "contact_name": "Camille Scolarité",
    "contact_email": "Camille@Univ-Sud.fr",
    "contact_phone": "01 02 03 04 05",
    "certification_codes": "rncp35340, RS6117\nRNCP35340",
    "message": "",
}
NEW_PASSWORD = "Ma-phrase-de-passe-est-longue-2026"


@pytest.fixture
def operator():
    return factories.UserFactory(email="ops@cdc.fr", staff=True)


def test_onboarding_form_rejects_bad_siret_and_codes_in_french(client):
    response = client.post(
        "/certificateurs/se-faire-connaitre/",
        {**FORM, "siret": "73282932000075", "certification_codes": "RNCP35340, ABC12"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le SIRET « 73282932000075 » n&#x27;est pas valide" in html
    assert "Codes non reconnus : ABC12" in html
    assert 'aria-invalid="true"' in html
    assert OnboardingRequest.objects.count() == 0


def test_onboarding_request_is_stored_and_acknowledged(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/certificateurs/se-faire-connaitre/", FORM)
    assert response["Location"] == "/certificateurs/se-faire-connaitre/envoyee/"
    request = OnboardingRequest.objects.get()
    assert request.siret == "73282932000074"
    assert request.certification_codes == ["RNCP35340", "RS6117"]
    assert request.status == OnboardingRequest.Status.PENDING
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "camille@univ-sud.fr" in [r.lower() for r in recipients]
    assert len(mail.outbox) == 2  # acknowledgement + operators' notice
    # a second request for the same SIRET while the first is pending is refused
    response = client.post("/certificateurs/se-faire-connaitre/", FORM)
    assert response.status_code == 200
    assert "déjà en cours d&#x27;examen" in response.content.decode()
    assert OnboardingRequest.objects.count() == 1


def _invitation_link(message) -> str:
    return re.search(r"http://[^/\s]+(/certificateurs/invitation/\S+/)", message.body).group(1)


def test_full_journey_to_the_certifier_space(client, operator, django_capture_on_commit_callbacks):
    client.post("/certificateurs/se-faire-connaitre/", FORM)
    request = OnboardingRequest.objects.get()
    mail.outbox.clear()

    # the operator approves in the back office
    client.force_login(operator)
    page = client.get(f"/back-office/accrochage/{request.pk}/")
    assert page.status_code == 200 and "Accepter la demande" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/back-office/accrochage/{request.pk}/",
            {"action": "approve", "id_client": "", "id_contrat": ""},
        )
    certifier = Certifier.objects.get()
    assert response["Location"] == f"/back-office/certificateurs/{certifier.pk}/"
    assert len(certifier.id_client) == 8 and certifier.id_contrat
    assert certifier.certification_codes() == {"RNCP35340", "RS6117"}
    assert certifier.is_active and certifier.contact_email == "camille@univ-sud.fr"
    request.refresh_from_db()
    assert request.status == "approved" and request.reviewed_by == operator
    assert AuditEvent.objects.filter(
        action="certifiers.onboarding_approved", actor=operator
    ).exists()
    [invitation_mail] = mail.outbox
    assert invitation_mail.to == ["camille@univ-sud.fr"]
    assert "Administrateur" in invitation_mail.body
    assert (
        f"idClient {certifier.id_client}, idContrat {certifier.id_contrat}" in invitation_mail.body
    )
    client.post("/compte/deconnexion/")

    # the contact opens the link, sets a strong password
    link = _invitation_link(invitation_mail)
    page = client.get(link)
    assert page.status_code == 200 and "Université de Lorraine Sud" in page.content.decode()
    weak = client.post(
        link,
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "new_password1": "camille2026",
            "new_password2": "camille2026",
        },
    )
    assert weak.status_code == 200 and User.objects.filter(email="camille@univ-sud.fr").count() == 0
    response = client.post(
        link,
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == "/compte/double-authentification/activer/"
    user = User.objects.get(email="camille@univ-sud.fr")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user).role == Role.ADMINISTRATOR
    assert not client.get("/").context["user"].is_authenticated  # not before the TOTP

    # enrolment, then the space
    page = client.get("/compte/double-authentification/activer/")
    secret = page.context["secret"]
    response = client.post(
        "/compte/double-authentification/activer/", {"code": pyotp.TOTP(secret).now()}
    )
    codes_page = client.get(response["Location"])
    assert codes_page.context["next"] == f"/certificateurs/{certifier.pk}/"
    space = client.get(f"/certificateurs/{certifier.pk}/")
    assert space.status_code == 200
    html = space.content.decode()
    assert certifier.id_client in html and certifier.id_contrat in html and "RS6117" in html

    # the link cannot be used again
    again = client.get(link)
    assert again.status_code == 410 and "déjà été utilisée" in again.content.decode()


def test_reject_requires_a_reason_and_tells_the_contact(
    client, operator, django_capture_on_commit_callbacks
):
    request = onboarding.submit(
        siret="73282932000074",
        name="Organisme",
        contact_name="X",
        contact_email="x@o.fr",
        certification_codes=["RNCP1"],
    )
    mail.outbox.clear()
    client.force_login(operator)
    url = f"/back-office/accrochage/{request.pk}/"
    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "reject", "reason": "SIRET d'un autre organisme."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected" and Certifier.objects.count() == 0
    [message] = mail.outbox
    assert "SIRET d'un autre organisme." in message.body
    # a reviewed request cannot be approved afterwards
    with pytest.raises(onboarding.ReviewError):
        onboarding.approve(request, operator=operator)
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "déjà été examinée" in response.content.decode()


def test_approve_with_chosen_ids_and_duplicate_refused(client, operator):
    Certifier.objects.create(siret="73282932000074", name="A", id_client="TAKEN001", id_contrat="1")
    request = onboarding.submit(
        siret="73282932000074",
        name="B",
        contact_name="X",
        contact_email="x@o.fr",
        certification_codes=["RNCP1"],
    )
    client.force_login(operator)
    url = f"/back-office/accrochage/{request.pk}/"
    page = client.get(url)
    assert "existe(nt) déjà avec ce SIRET" in page.content.decode()
    response = client.post(url, {"action": "approve", "id_client": "TAKEN001"})
    assert response.status_code == 200
    assert "déjà attribué" in response.content.decode()
    client.post(url, {"action": "approve", "id_client": "NEWID002", "id_contrat": "CTR-9"})
    assert Certifier.objects.get(id_client="NEWID002").id_contrat == "CTR-9"


def test_expired_tampered_and_cancelled_invitations(client):
    certifier = Certifier.objects.create(
        siret="73282932000074", name="A", id_client="UNIVAAAA", id_contrat="1"
    )
    invitation = invitations.invite(certifier, "new@a.fr", Role.DEPOSITOR)
    token = invitations.make_token(invitation)
    url = f"/certificateurs/invitation/{token}/"
    assert client.get(url).status_code == 200

    later = signing.time.time() + invitations.INVITATION_MAX_AGE.total_seconds() + 60
    with mock.patch.object(signing.time, "time", return_value=later):
        response = client.get(url)
    assert response.status_code == 410 and "a expiré" in response.content.decode()

    response = client.get(f"/certificateurs/invitation/{token[:-2]}xx/")
    assert response.status_code == 410 and "altéré" in response.content.decode()

    # a new invitation to the same address replaces the old link
    invitations.invite(certifier, "new@a.fr", Role.READ_ONLY)
    response = client.get(url)
    assert response.status_code == 410 and "annulée" in response.content.decode()
    assert Invitation.objects.filter(email="new@a.fr", cancelled_at__isnull=True).count() == 1
    assert timedelta(days=7) == invitations.INVITATION_MAX_AGE


def test_existing_user_accepts_after_logging_in(client):
    a = factories.CertifierFactory(id_client="AAAAAAAA")
    b = factories.CertifierFactory(id_client="BBBBBBBB")
    user = factories.MemberFactory(certifier=a, email="multi@a.fr")
    invitation = invitations.invite(b, "multi@a.fr", Role.READ_ONLY)
    url = f"/certificateurs/invitation/{invitations.make_token(invitation)}/"
    page = client.get(url)
    assert "Un compte existe déjà" in page.content.decode()
    factories.verified_client(client, user)
    assert "Accepter l'invitation" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == f"/certificateurs/{b.pk}/"
    assert Membership.objects.get(user=user, certifier=b).role == Role.READ_ONLY
