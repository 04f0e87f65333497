"""An organisation's back end reads a holder's competences and « Mon avenir » only when the
holder's live consent grants that section and its token carries the scope; each read is logged
for the holder with the organisation's and the application's names."""

import pytest

from passeport.competences import profiles
from passeport.passport.models import AccessLog
from passeport.sharing import consents
from passeport.testing import factories

pytestmark = pytest.mark.django_db

CONSENTS = "passeport.consentements:lecture"
COMPETENCES = "passeport.competences:lecture"
CERTS = "passeport.certifications:lecture"


@pytest.fixture
def holder(loaded):
    holder = factories.HolderFactory(name="antoine", linked=True)
    factories.CertificationFactory(person=holder.person)  # RNCP35340, the BTS SIO
    return holder


@pytest.fixture
def organisation():
    return factories.OrganisationFactory(name="Mission locale de Lyon")


@pytest.fixture
def system(organisation):
    return factories.OAuthClientFactory(
        organisation=organisation, grant="client-credentials", name="SI Mission locale"
    ).application


def bearer(system, scope):
    return {"HTTP_AUTHORIZATION": f"Bearer {factories.oauth_access_token(system, scope)}"}


def test_consented_competences_and_avenir(client, holder, organisation, system):
    consent = consents.grant(
        holder, organisation, sections=["certifications", "competences"], days=30
    )
    headers = bearer(system, f"{CONSENTS} {COMPETENCES}")
    base = f"/api/v1/organisation/titulaires/{holder.pk}"
    answer = client.get(f"{base}/competences", **headers)
    assert answer.status_code == 200, answer.content
    visible = profiles.state_of(holder).profile.visible()
    assert answer.json()["total"] == len(visible)
    avenir = client.get(f"{base}/avenir", **headers)
    assert avenir.status_code == 200, avenir.content
    assert avenir.json()["metiers"]
    logs = AccessLog.objects.filter(holder=holder).order_by("created_at")
    assert [log.purpose for log in logs] == ["Compétences (API)", "Mon avenir (API)"]
    assert all(
        "Mission locale de Lyon" in log.accessor_label and "SI Mission locale" in log.accessor_label
        for log in logs
    )
    # Withdrawal: the next request finds nothing.
    consents.withdraw(consent)
    for url in (f"{base}/competences", f"{base}/avenir"):
        assert client.get(url, **headers).status_code == 404


def test_a_consent_without_competences_or_a_token_without_the_scope(
    client, holder, organisation, system
):
    consents.grant(holder, organisation, sections=["certifications"], days=30)
    base = f"/api/v1/organisation/titulaires/{holder.pk}"
    not_consented = client.get(f"{base}/competences", **bearer(system, f"{CONSENTS} {COMPETENCES}"))
    assert not_consented.status_code == 403
    assert not_consented.json()["title"] == "Rubrique non consentie"
    consents.grant(holder, organisation, sections=["certifications", "competences"], days=30)
    for url in (f"{base}/competences", f"{base}/avenir"):
        refused = client.get(url, **bearer(system, f"{CONSENTS} {CERTS}"))
        assert refused.status_code == 403 and refused.json()["title"] == "Portée insuffisante"
    assert not AccessLog.objects.filter(holder=holder).exists()


def test_another_organisations_holder_is_unknown(client, holder, system):
    consents.grant(holder, factories.OrganisationFactory(), sections=["competences"], days=30)
    answer = client.get(
        f"/api/v1/organisation/titulaires/{holder.pk}/avenir",
        **bearer(system, f"{CONSENTS} {COMPETENCES}"),
    )
    assert answer.status_code == 404 and answer.json()["title"] == "Titulaire introuvable"
