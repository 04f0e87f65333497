"""One permission model for the certifier space: `certifiers.abilities`.

For every role × certifier state, every page of the space: an action the page shows (a link
or a form to another page of the space) is allowed, and every allowed action's page works
while every refused one answers 403 — a suspended certifier offers no « Déposer » nor
« Corriger » that would then be refused.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from passeport.certifiers import abilities as certifier_rules
from passeport.certifiers import tickets, tokens
from passeport.certifiers.models import Certifier, Role
from passeport.core import abilities
from passeport.deposits.models import PassageOutcome
from passeport.testing import factories, tasks

# The certifier ability each page of the space requires (by URL name).
PAGE_ACTIONS = {
    "certifiers:space": "view",
    "certifiers:members": "manage_members",
    "certifiers:member_update": "manage_members",
    "certifiers:invitation_cancel": "manage_members",
    "certifiers:tokens": "manage_tokens",
    "certifiers:token_revoke": "manage_tokens",
    "certifiers:tickets": "view",
    "certifiers:ticket_new": "open_ticket",
    "certifiers:ticket": "open_ticket",
    "deposits:dashboard": "view",
    "deposits:upload": "deposit",
    "deposits:entry": "deposit",
    "deposits:detail": "view",
    "deposits:status": "view",
    "deposits:accuse": "view",
    "deposits:rejects": "view",
    "deposits:correct": "correct",
}
ROLES = [Role.ADMINISTRATOR, Role.DEPOSITOR, Role.READ_ONLY]
LINK = re.compile(r"""(?:href|action)="([^"]+)\"""")


def test_rules_table():
    """The rules themselves: roles × state, without the database."""
    table = {
        (role, active): certifier_rules.for_role(role, certifier_active=active)
        for role in [*ROLES, None]
        for active in (True, False)
    }
    assert all(set(row) == set(certifier_rules.ACTIONS) for row in table.values())
    assert not any(any(table[(None, active)].values()) for active in (True, False))
    for role in ROLES:
        assert table[(role, True)]["view"] and table[(role, False)]["view"]
        # Suspended: nothing deposited nor corrected, whatever the role.
        assert not table[(role, False)]["deposit"] and not table[(role, False)]["correct"]
    assert table[(Role.DEPOSITOR, True)]["deposit"] and table[(Role.ADMINISTRATOR, True)]["correct"]
    assert not table[(Role.READ_ONLY, True)]["deposit"]
    # Administrators keep managing members and tokens of a suspended certifier (to revoke).
    assert table[(Role.ADMINISTRATOR, False)]["manage_tokens"]
    assert not table[(Role.DEPOSITOR, True)]["manage_members"]


@pytest.mark.django_db
def test_tokens_members_and_strangers():
    certifier = factories.CertifierFactory(codes=())
    other = factories.CertifierFactory(codes=())
    token = factories.ApiTokenFactory(certifier=certifier)
    assert abilities.for_user(token, certifier)["deposit"]
    assert not abilities.for_user(token, other)["view"]
    tokens.revoke_token(token)
    assert not abilities.for_user(token, certifier)["view"]

    admin = factories.MemberFactory(certifier=certifier, administrator=True)
    assert abilities.for_user(admin, certifier)["manage_tokens"]
    assert not abilities.for_user(admin, other)["view"]
    admin.is_active = False
    admin.save()
    assert not abilities.for_user(admin, certifier)["view"]


@pytest.fixture
def space(db):
    """A certifier with a processed deposit holding rejected passages, and a support ticket."""
    certifier = factories.CertifierFactory(sample=True)
    factories.register_holders(4, skip=(0,))  # the first holder is unknown: its passage is rejected
    deposit = factories.DepositFactory(certifier=certifier, passages=4)
    tasks.run_worker()
    deposit.refresh_from_db()
    assert deposit.passages_ko >= 1
    admin = factories.MemberFactory(certifier=certifier, administrator=True)
    ticket = tickets.open_ticket(certifier, subject="Question", body="…", author=admin)
    outcome = PassageOutcome.objects.filter(deposit=deposit, status=PassageOutcome.Status.KO)[0]
    pages = [
        f"/certificateurs/{certifier.pk}/",
        f"/certificateurs/{certifier.pk}/membres/",
        f"/certificateurs/{certifier.pk}/jetons/",
        f"/certificateurs/{certifier.pk}/support/",
        f"/certificateurs/{certifier.pk}/support/nouvelle/",
        f"/certificateurs/{certifier.pk}/support/{ticket.pk}/",
        f"/depots/{certifier.pk}/",
        f"/depots/{certifier.pk}/deposer/",
        f"/depots/{certifier.pk}/saisir/",
        f"/depots/{certifier.pk}/{deposit.pk}/",
        f"/depots/{certifier.pk}/{deposit.pk}/accuse-traitement/",
        f"/depots/{certifier.pk}/{deposit.pk}/passages-rejetes.xlsx",
        f"/depots/{certifier.pk}/{deposit.pk}/passages/{outcome.pk}/corriger/",
    ]
    return {"certifier": certifier, "pages": pages}


def _action_of(url: str) -> str | None:
    try:
        match = resolve(urlsplit(unescape(url)).path)
    except Resolver404:
        return None
    return PAGE_ACTIONS.get(match.view_name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("suspended", [False, True], ids=["actif", "suspendu"])
@pytest.mark.parametrize("role", ROLES)
def test_every_action_shown_is_allowed_and_every_allowed_one_works(client, space, role, suspended):
    certifier = space["certifier"]
    if suspended:
        certifier.status = Certifier.Status.SUSPENDED
        certifier.save()
    member = factories.MemberFactory(certifier=certifier, role=role)
    factories.verified_client(client, member)
    allowed = abilities.for_user(member, Certifier.objects.get(pk=certifier.pk))

    # Every page of the space must be covered by PAGE_ACTIONS (a new page gets a rule here).
    assert {_action_of(url) for url in space["pages"]} <= set(allowed)
    assert None not in {_action_of(url) for url in space["pages"]}
    for url in space["pages"]:
        action = _action_of(url)
        response = client.get(url)
        if not allowed[action]:
            assert response.status_code == 403, (role, suspended, url)
            continue
        assert response.status_code == 200, (role, suspended, url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        shown = {link for link in LINK.findall(response.content.decode()) if _action_of(link)}
        refused = sorted(link for link in shown if not allowed[_action_of(link)])
        assert not refused, (role, suspended, url, refused)
