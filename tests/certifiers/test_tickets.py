"""Support tickets: threads between a certifier and operators, statuses, e-mails; a holder's
error report on a guaranteed entry opens a ticket to the certifier."""

import uuid

import pytest
from django.core import mail
from django.test import override_settings

from passeport.certifiers.models import Ticket
from passeport.core.models import AuditEvent
from passeport.passport.models import Entry
from passeport.passport.signals import entry_error_reported
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return factories.UserFactory(email="ops@cdc.fr", staff=True)


@override_settings(SUPPORT_EMAIL="support@cdc.fr")
def test_thread_between_certifier_and_support(
    client, univ, operator, django_capture_on_commit_callbacks
):
    depositor = factories.MemberFactory(certifier=univ, email="depot@a.fr", depositor=True)
    factories.MemberFactory(certifier=univ, email="admin@a.fr")
    factories.verified_client(client, depositor)
    deposit_id = uuid.uuid4()
    new_url = f"/certificateurs/{univ.pk}/support/nouvelle/"
    page = client.get(f"{new_url}?deposit_id={deposit_id}&deposit_label=flux-juin.xml")
    assert "flux-juin.xml" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url,
            {
                "subject": "Passage rejeté à tort",
                "body": "Le passage abc est KO.",
                "deposit_id": str(deposit_id),
                "deposit_label": "flux-juin.xml",
                "id_technique": "abc-123",
            },
        )
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/certificateurs/{univ.pk}/support/{ticket.pk}/"
    assert ticket.deposit_id == deposit_id and ticket.id_technique == "abc-123"
    assert ticket.status == Ticket.Status.WAITING_SUPPORT and ticket.opened_by == depositor
    [to_support] = mail.outbox
    assert to_support.to == ["support@cdc.fr"] and ticket.reference in to_support.subject
    assert f"/back-office/support/{ticket.pk}/" in to_support.body
    mail.outbox.clear()

    # the operator sees it in the queue and answers
    client.force_login(operator)
    queue = client.get("/back-office/support/").content.decode()
    assert "Passage rejeté à tort" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/back-office/support/{ticket.pk}/",
            {"action": "reply", "body": "Corrigez la date de naissance."},
        )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING_CERTIFIER
    [to_certifier] = mail.outbox
    assert sorted(to_certifier.to) == ["admin@a.fr", "depot@a.fr"]
    assert "Corrigez" not in to_certifier.body  # the content stays in the app
    assert f"/certificateurs/{univ.pk}/support/{ticket.pk}/" in to_certifier.body
    assert AuditEvent.objects.filter(action="certifiers.ticket_message", actor=operator).exists()
    # no longer "à traiter" for the support
    assert "Passage rejeté à tort" not in client.get("/back-office/support/").content.decode()

    # the certifier reads the thread, replies, then resolves
    factories.verified_client(client, depositor)
    url = f"/certificateurs/{univ.pk}/support/{ticket.pk}/"
    html = client.get(url).content.decode()
    assert "Corrigez la date de naissance." in html and "Le passage abc est KO." in html
    client.post(url, {"action": "reply", "body": "Merci, c'est corrigé."})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING_SUPPORT
    client.post(url, {"action": "resolve"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.messages.count() == 3

    # operator changes the status explicitly
    client.force_login(operator)
    client.post(f"/back-office/support/{ticket.pk}/", {"action": "status", "status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_empty_reply_refused(client, univ):
    user = factories.MemberFactory(certifier=univ, email="depot@a.fr", depositor=True)
    factories.verified_client(client, user)
    response = client.post(
        f"/certificateurs/{univ.pk}/support/nouvelle/", {"subject": "", "body": ""}
    )
    assert response.status_code == 200 and "obligatoire" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_holder_error_report_opens_a_ticket_to_the_certifier(
    univ, django_capture_on_commit_callbacks
):
    factories.MemberFactory(certifier=univ, email="admin@a.fr")
    deposit_id = uuid.uuid4()
    entry = Entry(
        person_id=uuid.uuid4(),
        kind=Entry.Kind.CERTIFICATION,
        trust=Entry.Trust.GUARANTEED,
        source=Entry.Source.CERTIFIER_DEPOSIT,
        title="Licence pro",
        certification_code="RNCP35340",
        emetteur_id=univ.id_client,
        certificateur_id=univ.id_client,
        id_technique="tech-42",
        deposit_id=deposit_id,
    )
    with django_capture_on_commit_callbacks(execute=True):
        entry_error_reported.send(
            sender=Entry, entry=entry, holder=None, message="Mon nom est mal orthographié"
        )
    ticket = Ticket.objects.get()
    assert ticket.certifier == univ and ticket.origin == Ticket.Origin.HOLDER_REPORT
    assert ticket.id_technique == "tech-42" and ticket.deposit_id == deposit_id
    assert ticket.passport_entry_id == entry.pk
    assert "Mon nom est mal orthographié" in ticket.messages.get().body
    assert "admin@a.fr" in {address for m in mail.outbox for address in m.to}


def test_holder_report_for_unknown_certifier_opens_nothing():
    entry = Entry(kind=Entry.Kind.CERTIFICATION, certificateur_id="INCONNU1", title="x")
    entry_error_reported.send(sender=Entry, entry=entry, holder=None, message="")
    assert Ticket.objects.count() == 0


def test_mail_server_failure_does_not_lose_the_message(
    univ, caplog, django_capture_on_commit_callbacks
):
    from unittest import mock

    from passeport.certifiers import tickets

    user = factories.MemberFactory(certifier=univ, email="depot@a.fr", depositor=True)
    with (
        mock.patch("passeport.certifiers.notifications.send_mail", side_effect=OSError("smtp")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket = tickets.open_ticket(univ, subject="S", body="B", author=user)
    assert Ticket.objects.get(pk=ticket.pk).messages.count() == 1
    assert "Envoi du courriel ticket_message_to_support" in caplog.text
    assert "depot@a.fr" not in caplog.text


def _reported(univ, django_capture_on_commit_callbacks):
    person = factories.PersonFactory()
    entry = factories.CertificationFactory(
        person=person, emetteur_id=univ.id_client, certificateur_id=univ.id_client
    )
    with django_capture_on_commit_callbacks(execute=True):
        entry_error_reported.send(sender=Entry, entry=entry, holder=None, message="Mauvais titre")
    return entry, Ticket.objects.get(passport_entry_id=entry.pk)


def test_the_certifier_confirms_a_reported_error_and_its_credentials_are_revoked(
    client, univ, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from passeport.proofs import credentials, tasks
    from passeport.proofs.models import Credential

    entry, ticket = _reported(univ, django_capture_on_commit_callbacks)
    credential = credentials.current(entry)
    depositor = factories.MemberFactory(certifier=univ, email="depot@a.fr", depositor=True)
    factories.verified_client(client, depositor)
    url = f"/certificateurs/{univ.pk}/support/{ticket.pk}/"
    page = client.get(url).content.decode()
    assert "Confirmer l’erreur signalée" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "confirm_error"})
    assert response.status_code == 302
    for row in DBTaskResult.objects.filter(task_path=tasks.revoke_for_entries.module_path):
        tasks.revoke_for_entries.call(*row.args_kwargs["args"])
    credential.refresh_from_db()
    assert credential.revocation_reason == Credential.RevocationReason.ERROR_CONFIRMED
    assert "confirme l'erreur" in ticket.messages.order_by("-created_at").first().body
    # Once: the action is gone and a second post changes nothing.
    assert "Confirmer l’erreur signalée" not in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="certifiers.reported_error_confirmed").count() == 1


def test_a_read_only_member_cannot_confirm(client, univ, django_capture_on_commit_callbacks):
    _entry, ticket = _reported(univ, django_capture_on_commit_callbacks)
    reader = factories.MemberFactory(certifier=univ, email="lecture@a.fr", read_only=True)
    factories.verified_client(client, reader)
    url = f"/certificateurs/{univ.pk}/support/{ticket.pk}/"
    assert "Confirmer l’erreur signalée" not in client.get(url).content.decode()
    assert client.post(url, {"action": "confirm_error"}).status_code == 403
    assert not AuditEvent.objects.filter(action="certifiers.reported_error_confirmed").exists()
