"""The demo passports load, twice without duplicates, and read like a passport."""

import pytest
from django.core.management import call_command

from passeport.franceconnect import demo
from passeport.passport.models import Document, Entry, Holder

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_rich(private_storage, client):
    logins = demo.seed()
    counts = (Entry.objects.count(), Holder.objects.count(), Document.objects.count())
    demo.seed()
    assert (Entry.objects.count(), Holder.objects.count(), Document.objects.count()) == counts
    assert any("Camille Lefèvre" in login for _, login, _ in logins)
    holder = Holder.objects.get(user__email="camille.lefevre@demo.passeport.localhost")
    entries = Entry.objects.of_holder(holder)
    kinds = set(entries.values_list("kind", flat=True))
    assert {
        "certification",
        "training",
        "experience",
        "volunteering",
        "licence",
        "prevention",
    } <= kinds
    assert set(entries.values_list("trust", flat=True)) == {
        "garantie",
        "declaree_justificatif",
        "declaree",
    }
    assert entries.filter(kind="certification").count() >= 3
    # The demo document is a real PDF the holder can open.
    document = Document.objects.filter(entry__holder=holder).first()
    client.force_login(holder.user)
    response = client.get(f"/passeport/justificatifs/{document.pk}/")
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    page = client.get("/passeport/prevention/").content.decode()
    assert "Expire bientôt" in page


def test_seed_demo_command_prints_the_holder_logins(private_storage, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Camille Lefèvre" in out and "/franceconnect/" in out
