"""Operators' back office: certifier detail actions (suspend, certifications, mandates,
tokens), all audited; navigation registry used by other apps."""

import re

import pytest

from passeport.accounts.models import User
from passeport.certifiers import navigation
from passeport.certifiers.mandates import allowed_flux_ids
from passeport.certifiers.models import Certifier, Mandate
from passeport.certifiers.tokens import authenticate_token, issue_token
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = factories.UserFactory(email="ops@cdc.fr", staff=True)
    client.force_login(user)
    return user


def test_certifier_list_search_and_detail(client, operator, univ, other):
    html = client.get("/back-office/certificateurs/?q=UNIVAAAA").content.decode()
    assert "Université A" in html and "École B" not in html
    html = client.get("/back-office/certificateurs/?q=732 829").content.decode()
    assert "Université A" in html
    page = client.get(f"/back-office/certificateurs/{univ.pk}/")
    assert page.status_code == 200 and univ.id_contrat in page.content.decode()


def test_suspend_and_reactivate(client, operator, univ):
    _, clear = issue_token(univ, "t")
    url = f"/back-office/certificateurs/{univ.pk}/"
    response = client.post(url, {"action": "suspend", "reason": ""})
    assert response.status_code == 200  # reason required
    client.post(url, {"action": "suspend", "reason": "Impayé"})
    univ.refresh_from_db()
    assert univ.status == Certifier.Status.SUSPENDED and univ.suspended_reason == "Impayé"
    assert authenticate_token(clear) is None and allowed_flux_ids(univ) == set()
    client.post(url, {"action": "reactivate"})
    univ.refresh_from_db()
    assert univ.is_active and authenticate_token(clear) is not None
    actions = set(AuditEvent.objects.filter(actor=operator).values_list("action", flat=True))
    assert {"certifiers.suspended", "certifiers.reactivated"} <= actions


def test_certifications_add_and_remove(client, operator, univ):
    url = f"/back-office/certificateurs/{univ.pk}/"
    response = client.post(url, {"action": "add_certifications", "codes": "RS6117, FOO"})
    assert "Codes non reconnus : FOO" in response.content.decode()
    client.post(url, {"action": "add_certifications", "codes": "rs6117, RNCP1"})
    assert univ.certification_codes() == {"RNCP35340", "RS6117", "RNCP1"}
    certification = univ.certifications.get(code="RS6117")
    client.post(url, {"action": "remove_certification", "certification_id": certification.pk})
    assert univ.certification_codes() == {"RNCP35340", "RNCP1"}


def test_mandate_create_and_revoke(client, operator, univ):
    third = factories.CertifierFactory(id_client="TIERSCCC", trusted_third_party=True)
    url = f"/back-office/certificateurs/{univ.pk}/"
    page = client.get(url).content.decode()
    assert "TIERSCCC" in page
    response = client.post(
        url,
        {
            "action": "add_mandate",
            "third_party": third.pk,
            "starts_on": "2026-01-10",
            "ends_on": "2026-01-01",
        },
    )
    assert "La fin du mandat précède son début." in response.content.decode()
    client.post(url, {"action": "add_mandate", "third_party": third.pk, "starts_on": "2020-01-01"})
    mandate = Mandate.objects.get()
    assert mandate.mandator == univ and mandate.created_by == operator
    assert ("TIERSCCC", "UNIVAAAA") in allowed_flux_ids(third)
    client.post(url, {"action": "revoke_mandate", "mandate_id": mandate.pk})
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and mandate.revoked_by == operator
    assert ("TIERSCCC", "UNIVAAAA") not in allowed_flux_ids(third)
    assert AuditEvent.objects.filter(action="certifiers.mandate_revoked", actor=operator).exists()


def test_operator_revokes_a_token(client, operator, univ):
    token, clear = issue_token(univ, "t")
    client.post(
        f"/back-office/certificateurs/{univ.pk}/", {"action": "revoke_token", "token_id": token.pk}
    )
    assert authenticate_token(clear) is None


def test_navigation_registry_lists_links_of_other_apps(client, operator, monkeypatch):
    monkeypatch.setattr(navigation, "BACKOFFICE_LINKS", list(navigation.BACKOFFICE_LINKS))
    navigation.register_backoffice_link("Lien absent", "nulle:part", order=30)
    navigation.register_backoffice_link("Admin Django", "admin:index", order=31)
    html = client.get("/back-office/").content.decode()
    assert "Admin Django" in html and "/back-office/admin/" in html
    assert "Lien absent" not in html  # unknown URL names are skipped, not a crash
    assert 'aria-current="page"' in html


def test_operator_resets_two_factor_and_writes_to_a_certifier(
    client, operator, univ, django_capture_on_commit_callbacks
):
    from django.core import mail

    from passeport.accounts.models import TotpDevice
    from passeport.certifiers.models import Membership, Ticket

    member = factories.MemberFactory(certifier=univ, email="admin@a.fr")
    membership = Membership.objects.get(user=member)
    url = f"/back-office/certificateurs/{univ.pk}/"
    client.post(url, {"action": "reset_two_factor", "membership_id": membership.pk})
    assert not TotpDevice.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(action="certifiers.member_two_factor_reset").exists()

    response = client.post(url, {"action": "open_ticket", "subject": "", "body": ""})
    assert response.status_code == 200 and "obligatoire" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "open_ticket",
                "subject": "Vos dépôts de juin",
                "body": "Merci de vérifier.",
                "id_technique": "",
            },
        )
    ticket = Ticket.objects.get()
    assert ticket.origin == Ticket.Origin.OPERATOR
    assert ticket.status == Ticket.Status.WAITING_CERTIFIER
    assert [m.to for m in mail.outbox] == [["admin@a.fr"]]


def test_django_admin_pages_never_show_token_hashes(client, univ):
    superuser = User.objects.create_superuser("root@cdc.fr", "x")
    client.force_login(superuser)
    token, clear = issue_token(univ, "t")
    for url in [
        "/back-office/admin/certifiers/certifier/",
        f"/back-office/admin/certifiers/certifier/{univ.pk}/change/",
        "/back-office/admin/certifiers/apitoken/",
        f"/back-office/admin/certifiers/apitoken/{token.pk}/change/",
        "/back-office/admin/certifiers/ticket/",
        "/back-office/admin/accounts/totpdevice/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert token.token_hash not in html and clear not in html


def test_unknown_action_answers_400_in_french(client, operator, univ):
    url = f"/back-office/certificateurs/{univ.pk}/"
    for data in ({"action": "delete_everything"}, {}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Action inconnue" in response.content.decode()
    univ.refresh_from_db()
    assert univ.is_active
    assert not AuditEvent.objects.exists()


def _action_posts(univ):
    """The POST of each back-office action on `univ`'s page, with the audit event it records."""
    certification = univ.certifications.get()
    mandate = factories.MandateFactory(mandator=univ)
    new_third_party = factories.CertifierFactory(trusted_third_party=True)
    token = factories.ApiTokenFactory(certifier=univ)
    member = factories.MemberFactory(certifier=univ)
    membership = member.memberships.get()
    return {
        "suspend": ({"reason": "Impayé"}, "certifiers.suspended"),
        "reactivate": ({}, "certifiers.reactivated"),
        "toggle_third_party": ({}, "certifiers.third_party_changed"),
        "add_certifications": ({"codes": "RS6117"}, "certifiers.certifications_added"),
        "remove_certification": (
            {"certification_id": certification.pk},
            "certifiers.certification_removed",
        ),
        "add_mandate": (
            {"third_party": new_third_party.pk, "starts_on": "2026-01-01"},
            "certifiers.mandate_created",
        ),
        "revoke_mandate": ({"mandate_id": mandate.pk}, "certifiers.mandate_revoked"),
        "revoke_token": ({"token_id": token.pk}, "certifiers.token_revoked"),
        "reset_two_factor": (
            {"membership_id": membership.pk},
            "certifiers.member_two_factor_reset",
        ),
        "open_ticket": (
            {"subject": "Vos dépôts", "body": "Merci de vérifier.", "id_technique": ""},
            "certifiers.ticket_opened",
        ),
        "invite": ({"email": "nouveau@a.fr", "role": "depositor"}, "certifiers.invitation_sent"),
    }


def test_each_action_records_its_audit_event_once(client, operator, univ):
    from passeport.certifiers.backoffice_views import CERTIFIER_ACTIONS

    url = f"/back-office/certificateurs/{univ.pk}/"
    posts = _action_posts(univ)
    assert set(posts) == set(CERTIFIER_ACTIONS)  # every action of the page is covered
    for action, (data, event) in posts.items():
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        response = client.post(url, {"action": action, **data})
        assert response.status_code == 302, action
        new = AuditEvent.objects.exclude(pk__in=before)
        assert list(new.values_list("action", "actor")) == [(event, operator.pk)], action
        # posted again, a revocation changes nothing and records nothing
        if action in {"revoke_mandate", "revoke_token"}:
            before = set(AuditEvent.objects.values_list("pk", flat=True))
            client.post(url, {"action": action, **data})
            assert not AuditEvent.objects.exclude(pk__in=before).exists(), action


def test_backoffice_menu_marks_the_current_page_and_its_section(client, operator, univ):
    def current(url):
        html = client.get(url).content.decode()
        return re.findall(r'<a class="fr-sidemenu__link" href="([^"]+)" aria-current="(\w+)"', html)

    assert current("/back-office/") == [("/back-office/", "page")]
    assert current("/back-office/certificateurs/") == [("/back-office/certificateurs/", "page")]
    # A page inside a section: its section is current (WAI-ARIA aria-current="true").
    assert current(f"/back-office/certificateurs/{univ.pk}/") == [
        ("/back-office/certificateurs/", "true")
    ]
