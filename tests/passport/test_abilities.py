"""One permission model for the holder's entries and documents: `passport.abilities`.

On every entry page, each action offered (a link or a form) is allowed, each allowed action
works, and each refused one answers 404 — a guaranteed entry is never edited, deleted nor
documented by its holder; someone else's entry does not exist.
"""

import re
from html import unescape

import pytest
from django.urls import resolve

from passeport.core import abilities
from passeport.passport.models import Document, Entry
from passeport.testing import factories

pytestmark = pytest.mark.django_db

# The URL name of each action, and how it is exercised (method, data).
ENTRY_ACTIONS = {
    "view": ("passport:entry", "get", None),
    "edit": ("passport:entry_edit", "get", None),
    "delete": ("passport:entry_delete", "post", {}),
    "add_document": ("passport:document_add", "post", {}),
    "report_error": ("passport:report_error", "get", None),
}
DOCUMENT_ACTIONS = {
    "download": ("passport:document", "get", None),
    "delete": ("passport:document_delete", "post", {}),
}
LINK = re.compile(r"""(?:href|action)="(/passeport/[^"]+)\"""")


@pytest.fixture
def passport(private_storage):
    holder = factories.HolderFactory(linked=True)
    guaranteed = factories.CertificationFactory(person=holder.person)
    declared = factories.EntryFactory(holder=holder)
    document = factories.DocumentFactory(entry=declared)
    stranger = factories.EntryFactory()
    return {
        "holder": holder,
        "guaranteed": guaranteed,
        "declared": declared,
        "document": document,
        "stranger": stranger,
    }


def _url(name, obj):
    from django.urls import reverse

    return reverse(name, args=[obj.pk])


def _shown_actions(html: str) -> set[tuple[str, str]]:
    """(URL name, object id) of every passport link or form of the page."""
    shown = set()
    for link in LINK.findall(html):
        match = resolve(unescape(link).split("?")[0])
        shown.add((match.view_name, str(match.kwargs.get("pk", ""))))
    return shown


def test_rules():
    holder = factories.HolderFactory(linked=True)
    guaranteed = factories.CertificationFactory(person=holder.person)
    declared = factories.EntryFactory(holder=holder)
    mine_g = abilities.for_user(holder.user, guaranteed)
    mine_d = abilities.for_user(holder.user, declared)
    assert mine_g["view"] and mine_g["report_error"] and not mine_g["edit"]
    assert not mine_g["delete"] and not mine_g["add_document"]
    assert mine_d["view"] and mine_d["edit"] and mine_d["delete"] and not mine_d["report_error"]
    other = factories.HolderFactory(linked=True)
    assert not any(abilities.for_user(other.user, guaranteed).values())
    assert not any(abilities.for_user(other.user, declared).values())
    declared.withdrawn_at = declared.created_at
    assert not any(abilities.for_user(holder.user, declared).values())


@pytest.mark.parametrize("kind", ["guaranteed", "declared", "stranger"])
def test_every_action_shown_is_allowed_and_every_allowed_one_works(client, passport, kind):
    client.force_login(passport["holder"].user)
    entry = Entry.objects.get(pk=passport[kind].pk)
    allowed = abilities.for_user(passport["holder"].user, entry)
    page = client.get(_url("passport:entry", entry))
    if not allowed["view"]:
        assert page.status_code == 404
    else:
        assert page.status_code == 200
        shown = _shown_actions(page.content.decode())
        for action, (name, _method, _data) in ENTRY_ACTIONS.items():
            if action != "view":
                assert ((name, str(entry.pk)) in shown) == allowed[action], (kind, action)
        for document in Document.objects.filter(entry=entry):
            document_allowed = abilities.for_user(passport["holder"].user, document)
            for action, (name, _method, _data) in DOCUMENT_ACTIONS.items():
                assert ((name, str(document.pk)) in shown) == document_allowed[action], action

    # Refused actions answer 404 (the entry's existence is never confirmed); allowed ones work.
    for action, (name, method, data) in ENTRY_ACTIONS.items():
        if action in ("delete", "add_document"):
            continue  # destructive or multipart: exercised below
        response = getattr(client, method)(_url(name, entry), data)
        assert response.status_code == (200 if allowed[action] else 404), (kind, action)
    refused_post = client.post(_url("passport:entry_delete", entry))
    if allowed["delete"]:
        assert refused_post.status_code == 302 and not Entry.objects.filter(pk=entry.pk).exists()
    else:
        assert refused_post.status_code == 404 and Entry.objects.filter(pk=entry.pk).exists()


def test_documents_of_a_declared_entry(client, passport):
    client.force_login(passport["holder"].user)
    document = passport["document"]
    assert client.get(_url("passport:document", document)).status_code == 200
    assert client.post(_url("passport:document_delete", document)).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    # Someone else's document does not exist for this holder.
    foreign = factories.DocumentFactory()
    assert client.get(_url("passport:document", foreign)).status_code == 404
    assert client.post(_url("passport:document_delete", foreign)).status_code == 404
    assert Document.objects.filter(pk=foreign.pk).exists()
