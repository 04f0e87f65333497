"""Nobody reads or changes another person's passport or documents, whatever URL or id they try.

Someone else's object answers 404 (not 403): its existence is not disclosed.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from passeport.passport.documents import attach_document
from passeport.passport.models import Document, Entry
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_things(bob, private_storage):
    guaranteed = factories.CertificationFactory(
        person=bob.person, id_technique="BOB-1", title="Diplôme de Bob"
    )
    declared = factories.EntryFactory(holder=bob, title="Secret de Bob")
    document = attach_document(
        declared, SimpleUploadedFile("bob.pdf", factories.PDF), "application/pdf"
    )
    return guaranteed, declared, document


def test_alice_cannot_reach_bobs_entries_or_documents(client, alice, bobs_things):
    guaranteed, declared, document = bobs_things
    client.force_login(alice.user)
    for entry in (guaranteed, declared):
        for suffix in ("", "modifier/", "signaler/"):
            assert client.get(f"/passeport/entrees/{entry.pk}/{suffix}").status_code == 404
        assert (
            client.post(
                f"/passeport/entrees/{entry.pk}/modifier/", {"kind": "other", "title": "pris"}
            ).status_code
            == 404
        )
        assert client.post(f"/passeport/entrees/{entry.pk}/supprimer/").status_code == 404
        assert (
            client.post(
                f"/passeport/entrees/{entry.pk}/signaler/", {"message": "ceci est faux"}
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/passeport/entrees/{entry.pk}/justificatifs/",
                {"document": SimpleUploadedFile("x.pdf", factories.PDF)},
            ).status_code
            == 404
        )
    assert client.get(f"/passeport/justificatifs/{document.pk}/").status_code == 404
    assert client.post(f"/passeport/justificatifs/{document.pk}/supprimer/").status_code == 404
    # Nothing of Bob's shows up in Alice's pages or downloads.
    for url in (
        "/passeport/",
        "/passeport/parcours/",
        "/passeport/prevention/",
        "/passeport/mes-donnees/export/",
        "/passeport/mes-donnees/export.json",
        "/passeport/prevention/attestation/",
    ):
        body = client.get(url).content.decode()
        assert "Bob" not in body, url
    # Alice's bulk deletion does not touch Bob's declared entries.
    client.post("/passeport/mes-donnees/supprimer-declarations/", {"confirm": "1"})
    assert Entry.objects.filter(pk=declared.pk).exists()
    assert Document.objects.filter(pk=document.pk).exists()
    declared.refresh_from_db()
    assert declared.title == "Secret de Bob"


def test_unknown_and_malformed_ids_are_404(client, alice):
    client.force_login(alice.user)
    assert client.get("/passeport/entrees/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/passeport/entrees/1/").status_code == 404
    assert client.get("/passeport/justificatifs/../../etc/passwd").status_code == 404


def test_anonymous_gets_nothing(client, bobs_things):
    _guaranteed, declared, document = bobs_things
    for url in (
        f"/passeport/entrees/{declared.pk}/",
        f"/passeport/justificatifs/{document.pk}/",
        "/passeport/mes-donnees/export.json",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/franceconnect/")
    assert client.post(f"/passeport/entrees/{declared.pk}/supprimer/").status_code == 302
    assert Entry.objects.filter(pk=declared.pk).exists()


def test_guaranteed_entries_of_an_unlinked_account_stay_hidden(client, db, bobs_things):

    stranger = factories.HolderFactory(name="stranger")  # not linked to any person
    client.force_login(stranger.user)
    assert "Diplôme de Bob" not in client.get("/passeport/").content.decode()


def test_delete_account_keeps_guaranteed_entries_with_the_person(
    client, alice, private_storage, django_user_model
):
    guaranteed = factories.CertificationFactory(person=alice.person)
    declared = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    response = client.post("/passeport/mes-donnees/supprimer-compte/")
    assert response.status_code == 302 and django_user_model.objects.filter(pk=alice.user.pk)
    client.post("/passeport/mes-donnees/supprimer-compte/", {"confirm": "1"})
    assert not django_user_model.objects.filter(pk=alice.user.pk).exists()
    assert not Entry.objects.filter(pk=declared.pk).exists()
    assert Entry.objects.filter(pk=guaranteed.pk).exists()


def test_operator_reads_in_the_back_office_are_logged_for_the_holder(
    client, alice, django_user_model
):
    from passeport.passport.models import AccessLog

    entry = factories.CertificationFactory(person=alice.person)
    operator = django_user_model.objects.create_superuser(
        email="olivia@cdc.test", password="x" * 16, first_name="Olivia", last_name="Agent"
    )
    client.force_login(operator)
    assert client.get(f"/back-office/admin/passport/entry/{entry.pk}/change/").status_code == 200
    assert client.get(f"/back-office/admin/passport/holder/{alice.pk}/change/").status_code == 200
    logs = list(AccessLog.objects.order_by("created_at"))
    assert [log.channel for log in logs] == ["back_office", "back_office"]
    assert all(log.accessor == operator and log.holder == alice for log in logs)
    client.force_login(alice.user)
    page = client.get("/passeport/mes-donnees/").content.decode()
    assert "Opérateur Olivia Agent" in page
    # The holder's own reads are never logged as consultations.
    client.get("/passeport/")
    client.get(f"/passeport/entrees/{entry.pk}/")
    assert AccessLog.objects.count() == 2
