"""The holder's pages: contents, trust levels, declared entries and documents."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.core.models import AuditEvent
from passeport.passport.models import Document, Entry
from passeport.passport.signals import entry_error_reported
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_franceconnect(client):
    response = client.get("/passeport/")
    assert response.status_code == 302
    assert response["Location"].startswith("/franceconnect/")


def test_account_without_holder_profile_has_no_passport(client, django_user_model):
    staff = factories.UserFactory(email="agent@cdc.test")
    client.force_login(staff)
    assert client.get("/passeport/").status_code == 404


def test_passport_shows_three_trust_levels_in_words(client, alice, private_storage):
    factories.CertificationFactory(person=alice.person, mention="Bien")
    factories.EntryFactory(holder=alice, title="Permis B", kind=Entry.Kind.LICENCE)
    with_doc = factories.EntryFactory(
        holder=alice, title="Stage en mairie", kind=Entry.Kind.EXPERIENCE
    )
    client.force_login(alice.user)
    client.post(
        f"/passeport/entrees/{with_doc.pk}/justificatifs/",
        {"document": SimpleUploadedFile("attestation.pdf", factories.PDF)},
    )
    html = client.get("/passeport/").content.decode()
    assert "BTS Services informatiques" in html and "Permis B" in html
    assert "Garantie : 1" in html
    assert "Déclarée avec justificatif : 1" in html
    assert "Déclarée : 1" in html
    assert '<p class="fr-badge fr-badge--sm fr-badge--success">Garantie</p>' in html


def test_guaranteed_entry_is_traceable_and_never_editable(client, alice):
    entry = factories.CertificationFactory(person=alice.person, id_technique="IDT-TRACE")
    client.force_login(alice.user)
    html = client.get(f"/passeport/entrees/{entry.pk}/").content.decode()
    assert "IDT-TRACE" in html and "Lycée de Démo" in html and "CERT0001" in html
    assert "Signaler une erreur" in html
    assert client.get(f"/passeport/entrees/{entry.pk}/modifier/").status_code == 404
    assert (
        client.post(
            f"/passeport/entrees/{entry.pk}/modifier/", {"kind": "other", "title": "Falsifié"}
        ).status_code
        == 404
    )
    assert client.post(f"/passeport/entrees/{entry.pk}/supprimer/").status_code == 404
    assert (
        client.post(
            f"/passeport/entrees/{entry.pk}/justificatifs/",
            {"document": SimpleUploadedFile("a.pdf", factories.PDF)},
        ).status_code
        == 404
    )
    entry.refresh_from_db()
    assert entry.title == "BTS Services informatiques" and entry.trust == "garantie"


def test_report_an_error_sends_the_signal(client, alice):
    entry = factories.CertificationFactory(person=alice.person)
    received = []

    def receiver(sender, entry, holder, message, **kwargs):
        received.append((entry.pk, holder.pk, message))

    entry_error_reported.connect(receiver)
    try:
        client.force_login(alice.user)
        bad = client.post(f"/passeport/entrees/{entry.pk}/signaler/", {"message": ""})
        assert bad.status_code == 200 and received == []
        response = client.post(
            f"/passeport/entrees/{entry.pk}/signaler/",
            {"message": "La mention est Très bien, pas Bien."},
        )
        assert response.status_code == 302
    finally:
        entry_error_reported.disconnect(receiver)
    assert received == [(entry.pk, alice.pk, "La mention est Très bien, pas Bien.")]
    assert AuditEvent.objects.filter(action="passport.error_reported").exists()


def test_declared_entry_cannot_be_reported(client, alice):
    entry = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    assert client.get(f"/passeport/entrees/{entry.pk}/signaler/").status_code == 404


def test_add_edit_delete_a_declared_entry_with_document(
    client, alice, private_storage, django_capture_on_commit_callbacks
):
    client.force_login(alice.user)
    response = client.post(
        "/passeport/entrees/ajouter/",
        {
            "kind": "training",
            "title": "Formation premiers secours",
            "organisation": "Croix-Rouge",
            "start_date": "2023-03-01",
            "end_date": "2023-03-02",
            "description": "PSC1",
            "document": SimpleUploadedFile("psc1.png", factories.PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(title="Formation premiers secours")
    assert entry.holder == alice and entry.person_id is None
    assert entry.trust == Entry.Trust.DECLARED_WITH_PROOF
    assert entry.source == Entry.Source.HOLDER and entry.details == {"description": "PSC1"}
    document = entry.documents.get()
    assert document.content_type == "image/png" and document.size == len(factories.PNG)
    assert (private_storage / document.file.name).read_bytes() == factories.PNG
    assert "psc1" not in document.file.name  # stored under a random name

    download = client.get(f"/passeport/justificatifs/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == factories.PNG
    assert download["Content-Type"] == "image/png"

    response = client.post(
        f"/passeport/entrees/{entry.pk}/modifier/",
        {
            "kind": "training",
            "title": "PSC1",
            "organisation": "Croix-Rouge",
            "start_date": "2023-03-01",
            "end_date": "2023-02-01",
        },
    )
    assert response.status_code == 200
    assert "La date de fin doit suivre la date de début." in response.content.decode()
    response = client.post(
        f"/passeport/entrees/{entry.pk}/modifier/",
        {
            "kind": "training",
            "title": "PSC1",
            "organisation": "Croix-Rouge",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "PSC1" and entry.trust == Entry.Trust.DECLARED_WITH_PROOF

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/passeport/justificatifs/{document.pk}/supprimer/")
    entry.refresh_from_db()
    assert entry.trust == Entry.Trust.DECLARED and not Document.objects.exists()
    assert not (private_storage / document.file.name).exists()

    client.post(f"/passeport/entrees/{entry.pk}/supprimer/")
    assert not Entry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "cv.pdf",
            b"MZ\x90\x00 not a pdf at all",
            "n’est ni un PDF, ni une image PNG ou JPEG",
        ),
        (
            "photo.jpg",
            b"GIF89a....",
            "n’est ni un PDF, ni une image PNG ou JPEG",
        ),
        (
            "script.pdf",
            b"<script>alert(1)</script>",
            "n’est ni un PDF, ni une image PNG ou JPEG",
        ),
    ],
)
def test_document_type_is_checked_by_content(
    client, alice, private_storage, name, content, message
):
    entry = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    response = client.post(
        f"/passeport/entrees/{entry.pk}/justificatifs/",
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Document.objects.exists()
    entry.refresh_from_db()
    assert entry.trust == Entry.Trust.DECLARED


def test_document_size_is_limited(client, alice, private_storage, monkeypatch):
    from passeport.passport import documents

    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1024)
    entry = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    response = client.post(
        f"/passeport/entrees/{entry.pk}/justificatifs/",
        {"document": SimpleUploadedFile("big.pdf", factories.PDF + b"0" * 2048)},
    )
    assert response.status_code == 400
    assert "la limite est de" in response.content.decode()
    assert not Document.objects.exists()


def test_timeline_filters_by_kind_and_trust(client, alice):
    factories.CertificationFactory(person=alice.person)
    factories.EntryFactory(holder=alice, title="Aide aux devoirs", kind=Entry.Kind.VOLUNTEERING)
    Entry.objects.create(
        holder=alice,
        kind="training",
        trust="declaree",
        source="titulaire",
        title="MOOC Python",
        start_date=datetime.date(2019, 5, 1),
    )
    client.force_login(alice.user)
    html = client.get("/passeport/parcours/").content.decode()
    assert all(t in html for t in ("BTS Services informatiques", "Aide aux devoirs", "MOOC Python"))
    assert html.index("2024") < html.index("2019")  # most recent first
    html = client.get("/passeport/parcours/?kind=training").content.decode()
    assert "MOOC Python" in html and "Aide aux devoirs" not in html and "BTS" not in html
    html = client.get("/passeport/parcours/?trust=garantie").content.decode()
    assert "BTS Services informatiques" in html and "MOOC Python" not in html


def test_withdrawn_certification_disappears(client, alice):
    from passeport.passport.recording import withdraw_certification

    factories.CertificationFactory(person=alice.person, id_technique="IDT-W")
    withdraw_certification("EMET0001", "IDT-W", "SUPPRESSION")
    client.force_login(alice.user)
    assert "BTS Services informatiques" not in client.get("/passeport/").content.decode()


def test_passport_page_query_count_does_not_grow_with_entries(
    client, alice, django_assert_max_num_queries
):
    for index in range(60):
        factories.CertificationFactory(person=alice.person, id_technique=f"IDT-{index}")
        factories.EntryFactory(holder=alice, title=f"Déclaration {index}")
    client.force_login(alice.user)
    with django_assert_max_num_queries(6):
        response = client.get("/passeport/")
    assert response.status_code == 200
    assert response.content.decode().count("fr-badge--sm fr-badge--success") == 60


def test_passport_list_is_never_stale(client, alice, private_storage):
    """The rendered list is cached: every change that shows must show at once."""
    from passeport.passport.recording import withdraw_certification

    provisional = factories.CertificationFactory(
        person=alice.person, id_technique="IDT-P", provisional=True
    )
    entry = factories.EntryFactory(holder=alice, title="Titre initial")
    client.force_login(alice.user)
    assert "Titre initial" in client.get("/passeport/").content.decode()
    client.post(
        f"/passeport/entrees/{entry.pk}/modifier/", {"kind": "other", "title": "Titre corrigé"}
    )
    html = client.get("/passeport/").content.decode()
    assert "Titre corrigé" in html and "Titre initial" not in html and "Provisoire" in html
    client.post(
        f"/passeport/entrees/{entry.pk}/justificatifs/",
        {"document": SimpleUploadedFile("a.pdf", factories.PDF)},
    )
    assert "1 justificatif" in client.get("/passeport/").content.decode()
    # Confirmed by a bulk update that does not touch updated_at: still seen.
    Entry.objects.filter(pk=provisional.pk).update(provisional=False)
    assert "Provisoire" not in client.get("/passeport/").content.decode()
    withdraw_certification("EMET0001", "IDT-P", "SUPPRESSION")
    assert "BTS Services informatiques" not in client.get("/passeport/").content.decode()


def test_delete_all_declared_entries_needs_confirmation(client, alice, private_storage):
    guaranteed = factories.CertificationFactory(person=alice.person)
    declared = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    response = client.post("/passeport/mes-donnees/supprimer-declarations/", follow=True)
    assert "Cochez la case de confirmation" in response.content.decode()
    assert Entry.objects.filter(pk=declared.pk).exists()
    client.post("/passeport/mes-donnees/supprimer-declarations/", {"confirm": "1"})
    assert not Entry.objects.filter(pk=declared.pk).exists()
    assert Entry.objects.filter(pk=guaranteed.pk).exists()


@pytest.mark.django_db
def test_the_passport_page_costs_two_queries_once_cached(client, alice):
    # Session, user and holder come in one query (accounts/sessions.py, SESSION_USER_RELATED);
    # the cached list is checked by one aggregate (listing.py). Every other query is a regression
    # of bench/bench_passport_page.py.
    factories.CertificationFactory(person=alice.person)
    client.force_login(alice.user)
    client.get("/passeport/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/passeport/")
    assert again.content.count(b'class="pp-entry"') == 1
    assert "BTS Services informatiques" in again.content.decode()
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "passport_holder" in queries[0]["sql"]


@pytest.mark.django_db
def test_a_new_entry_shows_at_once_despite_the_cache(client, alice):
    client.force_login(alice.user)
    assert "BTS Services informatiques" not in client.get("/passeport/").content.decode()
    factories.CertificationFactory(person=alice.person)
    assert "BTS Services informatiques" in client.get("/passeport/").content.decode()


@pytest.mark.parametrize(
    ("sent_as", "content", "saved_as"),
    [
        ("cv.html", factories.PDF, "cv.pdf"),  # the name says HTML, the content is a factories.PDF
        ("diplome.pdf", factories.PNG, "diplome.png"),
        ("scan", factories.PDF, "scan.pdf"),
        ("Attestation.PDF", factories.PDF, "Attestation.PDF"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 32, "photo.jpeg"),
        ("note.2024.html", factories.PNG, "note.2024.png"),
    ],
)
def test_download_name_follows_the_checked_type(
    client, alice, private_storage, sent_as, content, saved_as
):
    entry = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    client.post(
        f"/passeport/entrees/{entry.pk}/justificatifs/",
        {"document": SimpleUploadedFile(sent_as, content, content_type="text/html")},
    )
    document = entry.documents.get()
    for query in ("", "?telecharger=1"):
        download = client.get(f"/passeport/justificatifs/{document.pk}/{query}")
        assert download["Content-Type"] == document.content_type
        assert f'filename="{saved_as}"' in download["Content-Disposition"]
    assert saved_as in client.get(f"/passeport/entrees/{entry.pk}/").content.decode()


def test_personal_pages_and_downloads_are_never_stored(client, alice, private_storage):
    entry = factories.EntryFactory(holder=alice)
    client.force_login(alice.user)
    client.post(
        f"/passeport/entrees/{entry.pk}/justificatifs/",
        {"document": SimpleUploadedFile("attestation.pdf", factories.PDF)},
    )
    document = entry.documents.get()
    for url in (
        "/passeport/",
        "/passeport/parcours/",
        f"/passeport/entrees/{entry.pk}/",
        f"/passeport/justificatifs/{document.pk}/?telecharger=1",
        "/passeport/prevention/attestation/",
        "/passeport/mes-donnees/",
        "/passeport/mes-donnees/export.json",
        "/passeport/mes-donnees/export/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
