"""Consents: a holder grants an organisation chosen sections; its agents read those only, and
nothing once withdrawn or expired; every read is shown to the holder with the names."""

import datetime

import pytest
from django.utils import timezone

from passeport.accounts import twofactor
from passeport.passport.models import AccessLog
from passeport.sharing import consents
from passeport.sharing.models import Consent
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    holder = factories.HolderFactory(linked=True, user__first_name="Léa", user__last_name="Durand")
    factories.CertificationFactory(person=holder.person, title="BTS Comptabilité")
    factories.EntryFactory(holder=holder, kind="prevention", title="SST recyclage")
    return holder


@pytest.fixture
def agent():
    return factories.AgentFactory(
        organisation__name="CEP Île-de-France", user__first_name="Nadia", user__last_name="Kone"
    )


def test_holder_grants_from_the_page_and_withdraws(client, holder, agent):
    client.force_login(holder.user)
    answer = client.post(
        "/passeport/autorisations/",
        {"organisation": agent.organisation.pk, "sections": ["certifications"], "days": "90"},
    )
    assert answer.status_code == 302
    consent = Consent.objects.get()
    assert consent.sections == ["certifications"] and consent.is_live()
    assert 89 <= (consent.expires_at - timezone.now()).days <= 90
    page = client.get("/passeport/autorisations/").content.decode()
    assert "CEP Île-de-France" in page and "Retirer l’accès de CEP Île-de-France" in page
    assert client.post(f"/passeport/autorisations/{consent.pk}/retirer/").status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_form_refuses_no_section(client, holder, agent):
    client.force_login(holder.user)
    answer = client.post(
        "/passeport/autorisations/", {"organisation": agent.organisation.pk, "days": "90"}
    )
    assert answer.status_code == 200 and Consent.objects.count() == 0
    assert "fr-fieldset--error" in answer.content.decode()


def test_agent_reads_granted_sections_only_then_nothing(client, holder, agent):
    consent = consents.grant(holder, agent.organisation, sections=["certifications"], days=30)
    factories.verified_client(client, agent.user)
    home = client.get("/organisations/").content.decode()
    assert "Léa Durand" in home
    page = client.get(f"/organisations/titulaires/{consent.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "BTS Comptabilité" in html and "SST recyclage" not in html
    assert page["Cache-Control"] == "private, no-store"
    printable = client.get(f"/organisations/titulaires/{consent.pk}/?imprimer=1").content.decode()
    assert "BTS Comptabilité" in printable and "SST recyclage" not in printable
    logs = AccessLog.objects.filter(holder=holder).order_by("created_at")
    assert [log.channel for log in logs] == [AccessLog.Channel.ORGANISATION] * 2
    assert logs[0].accessor_label == "CEP Île-de-France — Nadia Kone"
    # The holder sees it in « Qui a consulté mon passeport ».
    client.force_login(holder.user)
    assert (
        "CEP Île-de-France — Nadia Kone" in client.get("/passeport/mes-donnees/").content.decode()
    )
    # Withdrawn: nothing at once.
    consents.withdraw(consent)
    factories.verified_client(client, agent.user)
    assert client.get(f"/organisations/titulaires/{consent.pk}/").status_code == 404
    assert "Léa Durand" not in client.get("/organisations/").content.decode()


def test_expired_consent_reads_nothing(client, holder, agent):
    consent = consents.grant(holder, agent.organisation, sections=["certifications"], days=30)
    Consent.objects.filter(pk=consent.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    factories.verified_client(client, agent.user)
    assert client.get(f"/organisations/titulaires/{consent.pk}/").status_code == 404
    assert "Léa Durand" not in client.get("/organisations/").content.decode()


def test_granting_again_replaces_the_open_consent(holder, agent):
    first = consents.grant(holder, agent.organisation, sections=["certifications"], days=30)
    second = consents.grant(holder, agent.organisation, sections=["prevention"], days=90)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and second.is_live()
    assert list(consents.readable_entries(second).values_list("title", flat=True)) == [
        "SST recyclage"
    ]


def test_agents_log_in_with_two_factors(client, agent):
    assert twofactor.is_required(agent.user)
    client.force_login(agent.user)  # password only: no second factor yet
    answer = client.get("/organisations/")
    assert answer.status_code == 302 and "/compte/connexion/" in answer["Location"]


def test_inactive_agent_or_organisation_reads_nothing(client, holder, agent):
    consent = consents.grant(holder, agent.organisation, sections=["certifications"], days=30)
    factories.verified_client(client, agent.user)
    agent.organisation.is_active = False
    agent.organisation.save()
    assert client.get(f"/organisations/titulaires/{consent.pk}/").status_code == 404
    assert client.get("/organisations/").status_code == 404
