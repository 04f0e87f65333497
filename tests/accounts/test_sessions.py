"""Sessions that carry their user: one query loads both, and every auth check still holds."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from passeport.accounts.models import Session
from passeport.accounts.sessions import SessionStore, _joined_query
from passeport.testing import factories


@pytest.fixture
def user(django_user_model):
    return factories.UserFactory(email="agent@example.org")


@pytest.mark.django_db
def test_a_logged_in_request_loads_session_and_user_in_one_query(client, user):
    client.force_login(user)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.context["user"] == user
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "accounts_session" in queries[0]["sql"] and "accounts_user" in queries[0]["sql"]


@pytest.mark.django_db
def test_the_session_row_names_its_user_and_goes_with_it(client, user):
    client.force_login(user)
    assert Session.objects.get().user == user
    user.delete()
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_a_deactivated_user_is_logged_out(client, user):
    client.force_login(user)
    user.is_active = False
    user.save()
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_a_password_change_elsewhere_ends_the_session(client, user):
    client.force_login(user)
    user.set_password("Un-autre-mot-de-passe-99")
    user.save()
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_logout_deletes_the_session_row(client, user):
    client.force_login(user)
    client.post("/compte/deconnexion/")
    assert not Session.objects.filter(user=user).exists()
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_an_anonymous_session_after_a_logged_in_one_gets_no_user(client, user):
    # The user handed from session load to get_user is one-shot: a later request whose session
    # names nobody cannot inherit it.
    client.force_login(user)
    client.get("/")
    anonymous = type(client)()
    assert not anonymous.get("/").context["user"].is_authenticated
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_an_expired_session_is_not_loaded(client, user):
    client.force_login(user)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_a_session_without_user_keeps_its_data():
    store = SessionStore()
    store["next"] = "/passeport/"
    store.save()
    loaded = SessionStore(store.session_key)
    assert loaded["next"] == "/passeport/"
    assert loaded.get(SESSION_KEY) is None


def _field_values(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_the_joined_load_gives_the_very_values_of_the_orm(client, user):
    # The session query is SQL written once (sessions.py): its values must go through the same
    # conversions as the ORM's (dates with their time zone, booleans, UUIDs, JSON…).
    user.last_login = timezone.now()
    user.save()
    client.force_login(user)
    key = client.session.session_key
    session = _joined_query(Session, key)
    assert _field_values(session.user) == _field_values(type(user).objects.get(pk=user.pk))
    assert _field_values(session) == _field_values(Session.objects.get(pk=key))
    assert session.user._state.db == "default" and not session.user._state.adding


@pytest.mark.django_db
def test_a_user_without_profile_gets_none_cached_and_no_query(client, user, settings):
    settings.SESSION_USER_RELATED = ("holder",)
    client.force_login(user)
    session = _joined_query(Session, client.session.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert getattr(session.user, "holder", None) is None
    assert queries.captured_queries == []
