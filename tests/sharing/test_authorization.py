"""For every object kind of sharing (share, consent, organisation, OAuth client, token) and every
URL id: nobody reaches another person's data, and the answer does not confirm the id exists."""

import uuid

import pytest
from oauth2_provider.models import AccessToken

from passeport.core import abilities
from passeport.sharing import consents, links
from passeport.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return factories.HolderFactory(linked=True)


@pytest.fixture
def bob():
    return factories.HolderFactory(linked=True)


def test_someone_elses_share(client, alice, bob):
    share = factories.ShareFactory(holder=alice)
    client.force_login(bob.user)
    for url in (f"/passeport/partages/{share.pk}/", f"/passeport/partages/{uuid.uuid4()}/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/passeport/partages/{share.pk}/revoquer/").status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None
    assert not any(abilities.for_user(bob.user, share).values())
    assert abilities.for_user(alice.user, share)["revoke"]
    client.force_login(alice.user)
    assert client.post(f"/passeport/partages/{share.pk}/revoquer/").status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert not abilities.for_user(alice.user, share)["revoke"]


def test_anonymous_is_sent_to_franceconnect(client, alice):
    share = factories.ShareFactory(holder=alice)
    for url in (
        "/passeport/partages/",
        f"/passeport/partages/{share.pk}/",
        "/passeport/autorisations/",
    ):
        answer = client.get(url)
        assert answer.status_code == 302 and "/franceconnect/" in answer["Location"]


def test_someone_elses_consent(client, alice, bob):
    organisation = factories.OrganisationFactory()
    consent = consents.grant(alice, organisation, sections=["certifications"], days=30)
    client.force_login(bob.user)
    assert client.post(f"/passeport/autorisations/{consent.pk}/retirer/").status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert not any(abilities.for_user(bob.user, consent).values())


def test_agent_of_another_organisation(client, alice):
    consent = consents.grant(
        alice, factories.OrganisationFactory(), sections=["certifications"], days=30
    )
    outsider = factories.AgentFactory()
    factories.verified_client(client, outsider.user)
    assert client.get(f"/organisations/titulaires/{consent.pk}/").status_code == 404
    assert client.get(f"/organisations/titulaires/{uuid.uuid4()}/").status_code == 404
    assert not abilities.for_user(outsider.user, consent)["read_passport"]
    assert not abilities.for_user(outsider.user, consent.organisation)["list_holders"]


def test_holders_and_members_have_no_agent_pages(client, alice):
    client.force_login(alice.user)
    assert client.get("/organisations/").status_code == 404


def test_organisation_abilities(alice):
    organisation = factories.OrganisationFactory()
    agent = factories.AgentFactory(organisation=organisation)
    operator = factories.UserFactory(is_staff=True)
    assert abilities.for_user(agent.user, organisation)["list_holders"]
    assert abilities.for_user(alice.user, organisation)["be_granted"]
    assert not abilities.for_user(alice.user, organisation)["administer"]
    assert abilities.for_user(operator, organisation)["administer"]
    organisation.is_active = False
    organisation.save()
    assert not abilities.for_user(alice.user, organisation)["be_granted"]


def test_oauth_client_and_token_abilities(client, alice, bob):
    third_party = factories.OAuthClientFactory()
    org_client = factories.OAuthClientFactory(organisation=factories.OrganisationFactory())
    assert abilities.for_user(alice.user, third_party.application)["authorize"]
    assert not abilities.for_user(alice.user, org_client.application)["authorize"]
    assert not abilities.for_user(alice.user, third_party.application)["administer"]
    from django.utils import timezone

    token = AccessToken.objects.create(
        user=alice.user,
        application=third_party.application,
        token="x" * 30,
        expires=timezone.now() + timezone.timedelta(hours=1),
        scope="passeport.certifications:lecture",
    )
    assert abilities.for_user(alice.user, token)["revoke"]
    assert not abilities.for_user(bob.user, token)["revoke"]
    client.force_login(bob.user)
    assert (
        client.post(f"/passeport/autorisations/applications/{token.pk}/revoquer/").status_code
        == 404
    )
    assert AccessToken.objects.filter(pk=token.pk).exists()


def test_a_share_token_only_opens_its_own_share(client, alice, bob):
    factories.CertificationFactory(person=alice.person, title="Diplôme d'Alice")
    factories.CertificationFactory(person=bob.person, title="Diplôme de Bob")
    share = factories.ShareFactory(holder=alice)
    html = client.get(f"/p/{share.clear_token}/").content.decode()
    assert "Alice" in html and "Bob" not in html
    assert links.find_share(share.clear_token).holder == alice
