"""Sessions that carry their user: one query loads both, and every auth check still holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.accounts.models import Session

PASSWORD = "Mot-de-passe-solide-42"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("agent@example.org", PASSWORD)


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
