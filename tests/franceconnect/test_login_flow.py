"""FranceConnect login end to end through the development provider (real client, real HTTP)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from passeport.core.models import AuditEvent
from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.linking import relink_unlinked_holders
from passeport.passport.models import Holder
from passeport.passport.recording import record_certification
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def _certify(person, id_technique="T-1"):
    return record_certification(
        person,
        emetteur_id="EMET0001",
        certificateur_id="EMET0001",
        certifier_name="Université de Démo",
        code="RNCP35185",
        type="RNCP",
        title="Licence professionnelle métiers du numérique",
        award_date=None,
        id_technique=id_technique,
    )


def test_authorize_request_carries_what_franceconnect_requires(fc_browser, settings):
    params = fc_browser.start()
    assert params["response_type"] == "code"
    assert params["scope"] == (
        "openid given_name family_name birthdate gender birthplace birthcountry email"
    )
    assert params["acr_values"] == "eidas1"
    assert params["client_id"] == "passeport-test"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["redirect_uri"] == "http://testserver/franceconnect/retour/"


def test_login_links_the_person_and_shows_the_guaranteed_certification(fc_browser, client):
    (person,) = ensure_in_register(BY_KEY["camille"])
    _certify(person)
    response = fc_browser.login("camille")
    assert response.status_code == 302 and response["Location"] == "/passeport/"
    holder = Holder.objects.get()
    assert holder.person_id == person.pk and holder.link_status == Holder.LinkStatus.LINKED
    assert holder.user.email == "camille.lefevre@demo.passeport.localhost"
    assert not holder.user.has_usable_password()
    # Identity data stays encrypted: only the first given name (to greet) is in clear.
    assert (holder.user.first_name, holder.user.last_name) == ("Camille", "")
    attestation = client.get("/passeport/prevention/attestation/").content.decode()
    assert "Camille Anne Lefèvre" in attestation and "12/04/1988" in attestation
    page = client.get("/passeport/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Licence professionnelle métiers du numérique" in html
    assert "Garantie" in html
    # The pivot identity is stored encrypted, not in clear.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pivot_identity FROM passport_holder")
        (raw,) = cursor.fetchone()
    assert "Lefèvre" not in raw and "1988-04-12" not in raw


def test_second_login_finds_the_same_account(fc_browser, client):
    ensure_in_register(BY_KEY["antoine"])
    fc_browser.login("antoine")
    client.logout()
    fc_browser.login("antoine")
    assert Holder.objects.count() == 1 and get_user_model().objects.count() == 1


def test_normalised_spelling_and_birth_abroad_still_link(fc_browser, client):
    ensure_in_register(BY_KEY["antoine"])  # register: DUPONT / ANTOINE JULIEN PHILIPPE
    ensure_in_register(BY_KEY["ana"])
    fc_browser.login("antoine")
    client.logout()
    fc_browser.login("ana")
    assert set(Holder.objects.values_list("link_status", flat=True)) == {"linked"}


def test_under_15_is_refused_and_no_account_is_created(fc_browser):
    ensure_in_register(BY_KEY["lea"])
    response = fc_browser.login("lea")
    assert response.status_code == 403
    assert "à partir de 15" in response.content.decode()
    assert not Holder.objects.exists() and not get_user_model().objects.exists()
    assert "_auth_user_id" not in fc_browser.client.session
    assert AuditEvent.objects.filter(action="franceconnect.refused_under_age").exists()


def test_no_match_gives_an_empty_account_attached_when_the_person_appears(fc_browser, client):
    response = fc_browser.login("nadia")
    assert response.status_code == 302
    holder = Holder.objects.get()
    assert holder.link_status == Holder.LinkStatus.NO_MATCH and holder.person_id is None
    page = client.get("/passeport/").content.decode()
    assert "Aucune donnée garantie pour l’instant" in page

    # The person is imported into the register later, with a certification deposited.
    from passeport.identity.models import Person

    person = Person.build(
        nir="285021305512345",
        birth_name="BELKACEM",
        given_names="NADIA",
        sex="F",
        birth_date=__import__("datetime").date(1985, 2, 20),
        birth_commune="13055",
        birth_country="99100",
    )
    person.save()
    _certify(person, "T-NADIA")
    assert relink_unlinked_holders() == 1
    holder.refresh_from_db()
    assert holder.person_id == person.pk
    page = client.get("/passeport/").content.decode()
    assert "Licence professionnelle métiers du numérique" in page


def test_no_match_relinks_at_next_login(fc_browser, client):
    fc_browser.login("nadia")
    client.logout()
    from passeport.identity.models import Person

    person = Person.build(
        nir="285021305512345",
        birth_name="Belkacem",
        given_names="Nadia",
        sex="F",
        birth_date=__import__("datetime").date(1985, 2, 20),
        birth_commune="13055",
        birth_country="99100",
    )
    person.save()
    fc_browser.login("nadia")
    assert Holder.objects.get().person_id == person.pk


def test_ambiguous_homonyms_are_not_guessed(fc_browser, client):
    ensure_in_register(BY_KEY["dominique"])
    response = fc_browser.login("dominique")
    assert response.status_code == 302
    holder = Holder.objects.get()
    assert holder.link_status == Holder.LinkStatus.AMBIGUOUS and holder.person_id is None
    page = client.get("/passeport/").content.decode()
    assert "Plusieurs personnes du répertoire national d’identité" in page


def test_state_mismatch_is_refused(fc_browser, client):
    params = fc_browser.start()
    location = fc_browser.choose({**params, "state": "x" * 40}, "camille")
    response = fc_browser.callback(location)
    assert response.status_code == 400
    assert "ne correspond à aucune connexion en cours" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_replayed_callback_is_refused(fc_browser, client):
    ensure_in_register(BY_KEY["camille"])
    location = fc_browser.choose(fc_browser.start(), "camille")
    assert fc_browser.callback(location).status_code == 302
    client.logout()
    assert fc_browser.callback(location).status_code == 400  # state used once


@pytest.mark.parametrize(
    "fault", ["nonce", "bad_signature", "expired", "issuer", "userinfo_signature", "userinfo_sub"]
)
def test_untrustworthy_id_token_is_refused(fc_browser, client, settings, fault):
    ensure_in_register(BY_KEY["camille"])
    settings.FRANCECONNECT_DEV_FAULT = fault
    response = fc_browser.login("camille")
    assert response.status_code == 400
    assert "n’a pas pu être vérifiée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Holder.objects.exists()


def test_cancel_at_the_provider(fc_browser, client):
    params = fc_browser.start()
    response = client.post("/fc-dev/authorize", {**params, "cancel": "1"})
    assert "error=access_denied" in response["Location"]
    page = fc_browser.callback(response["Location"])
    assert page.status_code == 400 and "Connexion annulée" in page.content.decode()


def test_logout_ends_the_session_here_and_at_the_provider(fc_browser, client):
    ensure_in_register(BY_KEY["camille"])
    fc_browser.login("camille")
    id_token = client.session["franceconnect_id_token"]
    response = client.post("/franceconnect/deconnexion/")
    assert "_auth_user_id" not in client.session
    location = urlsplit(response["Location"])
    assert location.path == "/fc-dev/session/end"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["id_token_hint"] == id_token
    assert (
        query["post_logout_redirect_uri"] == "http://testserver/franceconnect/deconnexion/retour/"
    )
    provider = client.get(f"{location.path}?{location.query}")
    back = urlsplit(provider["Location"])
    assert parse_qs(back.query)["state"] == [query["state"]]
    final = client.get(f"{back.path}?{back.query}", follow=True)
    assert "déconnecté de Passeport et de FranceConnect" in final.content.decode()
    # A forged return (unknown state) is not taken for a logout confirmation.
    forged = client.get("/franceconnect/deconnexion/retour/?state=inconnu", follow=True)
    assert "invalide" in forged.content.decode()


def test_header_logout_of_a_franceconnect_session_goes_through_franceconnect(
    fc_browser, client, django_user_model
):
    ensure_in_register(BY_KEY["camille"])
    fc_browser.login("camille")
    html = client.get("/").content.decode()
    assert 'action="/franceconnect/deconnexion/"' in html
    client.post("/franceconnect/deconnexion/")
    # A password session (certifier staff, operators) keeps the ordinary logout.
    staff = factories.UserFactory(email="ops@example.org")
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert 'action="/compte/deconnexion/"' in html
    assert 'action="/franceconnect/deconnexion/"' not in html


def test_dev_provider_is_off_unless_enabled(client, settings):
    settings.FRANCECONNECT_DEV_PROVIDER = False
    for path in (
        "/fc-dev/.well-known/openid-configuration",
        "/fc-dev/jwks",
        "/fc-dev/authorize",
        "/fc-dev/session/end",
    ):
        assert client.get(path).status_code == 404
    assert client.post("/fc-dev/token").status_code == 404


def test_dev_provider_refuses_unknown_client_and_foreign_redirect(fc_browser, client):
    params = fc_browser.start()
    bad_client = client.get("/fc-dev/authorize", {**params, "client_id": "intrus"})
    assert bad_client.status_code == 400
    foreign = client.get(
        "/fc-dev/authorize",
        {**params, "redirect_uri": "https://evil.example/franceconnect/retour/"},
    )
    assert foreign.status_code == 400


def test_token_endpoint_refuses_a_wrong_secret(fc_dev, client):
    response = client.post(
        "/fc-dev/token",
        {
            "grant_type": "authorization_code",
            "code": "x",
            "client_id": "passeport-test",
            "client_secret": "mauvais",
        },
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_dev_provider_refused_at_startup_without_debug(settings):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG = False
    settings.FRANCECONNECT_DEV_PROVIDER = True
    settings.FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        apps.get_app_config("franceconnect").ready()
    settings.FRANCECONNECT_DEV_PROVIDER_WITHOUT_DEBUG = True
    apps.get_app_config("franceconnect").ready()


def test_login_returns_to_the_page_asked_for_and_never_elsewhere(fc_browser, client):
    ensure_in_register(BY_KEY["camille"])
    response = client.get("/passeport/parcours/")
    assert response["Location"] == "/franceconnect/?next=/passeport/parcours/"
    login_page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/passeport/parcours/"' in login_page
    start = client.get("/franceconnect/connexion/?next=/passeport/parcours/")
    params = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    final = fc_browser.callback(fc_browser.choose(params, "camille"))
    assert final["Location"] == "/passeport/parcours/"
    client.logout()
    start = client.get("/franceconnect/connexion/?next=https://evil.example/")
    params = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    final = fc_browser.callback(fc_browser.choose(params, "camille"))
    assert final["Location"] == "/passeport/"
