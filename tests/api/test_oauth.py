"""OAuth 2.0 through django-oauth-toolkit, end to end with the API: authorization code + PKCE for
an application acting for a holder, client credentials for an organisation's back end, refresh,
revocation, scopes, and tokens stored hashed."""

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from oauth2_provider.models import AccessToken, RefreshToken

from passeport.passport.models import AccessLog
from passeport.sharing import consents
from passeport.testing import factories
from passeport.testing.factories import pkce_pair

pytestmark = pytest.mark.django_db

REDIRECT = "https://appli.exemple.test/retour"
CERTS = "passeport.certifications:lecture"
TRAININGS = "passeport.formations:lecture"
CONSENTS = "passeport.consentements:lecture"


def authorize(client, app_client, scope, challenge, *, allow=True):
    params = {
        "response_type": "code",
        "client_id": app_client.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "etat-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = client.get("/oauth/authorize/?" + urlencode(params))
    assert page.status_code == 200, page.content
    form = {**params, **({"allow": "Authorize"} if allow else {})}
    return page, client.post("/oauth/authorize/?" + urlencode(params), form)


def exchange(client, app_client, code, verifier):
    return client.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app_client.application.client_id,
            "client_secret": app_client.clear_secret,
            "code_verifier": verifier,
        },
    )


@pytest.fixture
def holder():
    holder = factories.HolderFactory(linked=True)
    factories.CertificationFactory(person=holder.person, title="Licence de chimie")
    factories.EntryFactory(holder=holder, kind="training", title="Formation SST")
    return holder


@pytest.fixture
def app_client():
    return factories.OAuthClientFactory(name="Appli Carrière")


def holder_token(client, holder, app_client, scope=CERTS):
    client.force_login(holder.user)
    verifier, challenge = pkce_pair()
    page, answer = authorize(client, app_client, scope, challenge)
    assert answer.status_code == 302, answer.content
    query = parse_qs(urlparse(answer["Location"]).query)
    assert query["state"] == ["etat-123"]
    client.logout()  # the token exchange is the application's back end, not the browser
    tokens = exchange(client, app_client, query["code"][0], verifier)
    assert tokens.status_code == 200, tokens.content
    return page, tokens.json()


def test_authorization_code_with_pkce_reads_the_granted_scope_only(client, holder, app_client):
    page, tokens = holder_token(client, holder, app_client)
    html = page.content.decode()
    assert "Appli Carrière" in html
    assert "Lire la rubrique « Certifications et diplômes » de votre passeport" in html
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    answer = client.get("/api/v1/moi/certifications", **bearer)
    assert answer.status_code == 200, answer.content
    assert [e["intitule"] for e in answer.json()["entrees"]] == ["Licence de chimie"]
    refused = client.get("/api/v1/moi/formations", **bearer)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert TRAININGS in refused.json()["detail"]
    assert 'error="insufficient_scope"' in refused["WWW-Authenticate"]
    whole = client.get("/api/v1/moi/passeport", **bearer).json()
    assert [r["code"] for r in whole["rubriques"]] == ["certifications"]
    assert "Formation SST" not in str(whole)
    # Each read is shown to the holder, with the application's name.
    logs = AccessLog.objects.filter(holder=holder, channel=AccessLog.Channel.API)
    assert logs.count() == 2 and "Appli Carrière" in logs.first().accessor_label


def test_pkce_is_required_and_checked(client, holder, app_client):
    client.force_login(holder.user)
    params = {
        "response_type": "code",
        "client_id": app_client.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": CERTS,
    }
    answer = client.get("/oauth/authorize/?" + urlencode(params))
    assert answer.status_code == 302 and "error=invalid_request" in answer["Location"]
    _verifier, challenge = pkce_pair()
    _page, answer = authorize(client, app_client, CERTS, challenge)
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    wrong = exchange(client, app_client, code, pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


def test_refused_consent_gives_no_code(client, holder, app_client):
    client.force_login(holder.user)
    _page, answer = authorize(client, app_client, CERTS, pkce_pair()[1], allow=False)
    assert "error=access_denied" in answer["Location"] and "code=" not in answer["Location"]


def test_tokens_are_stored_hashed(client, holder, app_client):
    _page, tokens = holder_token(client, holder, app_client)
    access = AccessToken.objects.get()
    assert access.token == "" and tokens["access_token"] not in access.token_checksum
    assert access.token_checksum == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
    refresh = RefreshToken.objects.get()
    assert refresh.token == "" and tokens["refresh_token"] not in refresh.token_checksum
    application = app_client.application
    application.refresh_from_db()
    assert app_client.clear_secret not in application.client_secret  # hashed by the library


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(client, holder, app_client):
    _page, tokens = holder_token(client, holder, app_client)
    credentials = {
        "client_id": app_client.application.client_id,
        "client_secret": app_client.clear_secret,
    }
    renewed = client.post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **credentials},
    )
    assert renewed.status_code == 200, renewed.content
    new = renewed.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {new['access_token']}"}
    assert client.get("/api/v1/moi/certifications", **bearer).status_code == 200
    # A refresh token used twice was stolen (RFC 9700 §4.14.2): the whole family is revoked.
    reused = client.post(
        "/oauth/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **credentials},
    )
    assert reused.status_code == 400
    assert client.get("/api/v1/moi/certifications", **bearer).status_code == 401


def test_revocation_takes_effect_on_the_next_request(client, holder, app_client):
    _page, tokens = holder_token(client, holder, app_client)
    credentials = {
        "client_id": app_client.application.client_id,
        "client_secret": app_client.clear_secret,
    }
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/moi/certifications", **bearer).status_code == 200
    revoked = client.post("/oauth/revoke_token/", {"token": tokens["access_token"], **credentials})
    assert revoked.status_code == 200
    gone = client.get("/api/v1/moi/certifications", **bearer)
    assert gone.status_code == 401 and gone.json()["title"] == "Jeton refusé"


def test_holder_revokes_an_application_from_their_page(client, holder, app_client):
    _page, tokens = holder_token(client, holder, app_client)
    client.force_login(holder.user)
    page = client.get("/passeport/autorisations/").content.decode()
    assert "Appli Carrière" in page
    token = AccessToken.objects.get()
    assert (
        client.post(f"/passeport/autorisations/applications/{token.pk}/revoquer/").status_code
        == 302
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/moi/certifications", **bearer).status_code == 401


def test_an_organisation_client_cannot_act_for_a_holder(client, holder):
    organisation_client = factories.OAuthClientFactory(
        organisation=factories.OrganisationFactory(), name="Système de la mission locale"
    )
    client.force_login(holder.user)
    params = {
        "response_type": "code",
        "client_id": organisation_client.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": CERTS,
        "code_challenge": pkce_pair()[1],
        "code_challenge_method": "S256",
    }
    assert client.get("/oauth/authorize/?" + urlencode(params)).status_code == 403


def client_credentials(client, app_client, scope):
    basic = base64.b64encode(
        f"{app_client.application.client_id}:{app_client.clear_secret}".encode()
    ).decode()
    answer = client.post(
        "/oauth/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert answer.status_code == 200, answer.content
    return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['access_token']}"}


def test_client_credentials_read_only_consented_sections(client, holder):
    organisation = factories.OrganisationFactory(name="Mission locale de Lyon")
    org_client = factories.OAuthClientFactory(
        organisation=organisation, grant="client-credentials", name="SI Mission locale"
    )
    other_holder = factories.HolderFactory(linked=True)
    factories.CertificationFactory(person=other_holder.person)
    consent = consents.grant(holder, organisation, sections=["certifications"], days=30)
    factories.ConsentFactory(holder=other_holder)  # consented to another organisation
    bearer = client_credentials(client, org_client, f"{CONSENTS} {CERTS} {TRAININGS}")

    listing = client.get("/api/v1/organisation/titulaires", **bearer).json()
    assert [h["id"] for h in listing["titulaires"]] == [str(holder.pk)]
    passport = client.get(f"/api/v1/organisation/titulaires/{holder.pk}/passeport", **bearer)
    assert passport.status_code == 200
    titles = [e["intitule"] for r in passport.json()["rubriques"] for e in r["entrees"]]
    assert titles == ["Licence de chimie"]  # trainings have a scope but no consent
    log = AccessLog.objects.get(holder=holder, channel=AccessLog.Channel.API)
    assert (
        "Mission locale de Lyon" in log.accessor_label and "SI Mission locale" in log.accessor_label
    )
    # Another holder's id (no consent to this organisation) answers like an unknown one.
    for someone in (other_holder.pk, "00000000-0000-0000-0000-000000000000"):
        answer = client.get(f"/api/v1/organisation/titulaires/{someone}/passeport", **bearer)
        assert answer.status_code == 404
    # Withdrawal takes effect on the next request.
    consents.withdraw(consent)
    assert (
        client.get(f"/api/v1/organisation/titulaires/{holder.pk}/passeport", **bearer).status_code
        == 404
    )
    assert client.get("/api/v1/organisation/titulaires", **bearer).json()["titulaires"] == []


def test_tokens_of_one_kind_do_not_open_the_other(client, holder, app_client):
    _page, tokens = holder_token(client, holder, app_client, scope=f"{CERTS} {CONSENTS}")
    holder_bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    answer = client.get("/api/v1/organisation/titulaires", **holder_bearer)
    assert answer.status_code == 403 and answer.json()["title"] == "Jeton d'un autre type"
    org_client = factories.OAuthClientFactory(
        organisation=factories.OrganisationFactory(), grant="client-credentials"
    )
    org_bearer = client_credentials(client, org_client, f"{CONSENTS} {CERTS}")
    assert client.get("/api/v1/moi/certifications", **org_bearer).status_code == 403
    # A certifier's token is not an OAuth token, and the reverse.
    assert client.get("/api/v1/depots", **holder_bearer).status_code == 401
    assert (
        client.get("/api/v1/moi/certifications", HTTP_AUTHORIZATION="Bearer pp_x").status_code
        == 401
    )


def test_a_client_may_only_ask_its_allowed_scopes(client, holder):
    limited = factories.OAuthClientFactory(allowed_scopes=[CERTS], name="Appli limitée")
    client.force_login(holder.user)
    params = {
        "response_type": "code",
        "client_id": limited.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": f"{CERTS} {TRAININGS}",
        "code_challenge": pkce_pair()[1],
        "code_challenge_method": "S256",
    }
    answer = client.get("/oauth/authorize/?" + urlencode(params))
    assert answer.status_code == 302 and "error=invalid_scope" in answer["Location"]
