import pytest
from django.db import IntegrityError

from passeport.testing import factories


@pytest.fixture
def user(django_user_model):
    return factories.UserFactory(email="Agent@Example.org")


@pytest.mark.django_db
def test_emails_are_stored_lowercase_and_login_ignores_case(client, user):
    assert user.email == "agent@example.org"
    response = client.post(
        "/compte/connexion/", {"username": "AGENT@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_wrong_password_shows_a_french_error_and_keeps_the_user_out(client, user):
    response = client.post("/compte/connexion/", {"username": user.email, "password": "non"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert 'role="alert"' in html
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_inactive_account_cannot_log_in(client, user):
    user.is_active = False
    user.save()
    response = client.post(
        "/compte/connexion/", {"username": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.get("/compte/deconnexion/").status_code == 405
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_user_model_uses_uuid_keys_and_email_login(django_user_model, user):
    assert django_user_model.USERNAME_FIELD == "email"
    assert len(str(user.pk)) == 36
    with pytest.raises(IntegrityError):
        factories.UserFactory(email="agent@example.org")


@pytest.mark.django_db
def test_login_sent_empty_lists_the_fields_in_error_at_the_top(client):
    """RGAA 11.10 and 8.6: an error summary linking to each field, « Erreur : » in the title."""
    html = client.post("/compte/connexion/", {"username": "", "password": ""}).content.decode()
    assert "<title>Erreur : Se connecter" in html
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_username"' in summary and 'href="#id_password"' in summary
    assert "astérisque * sont obligatoires" in html
    assert "<title>Se connecter" in client.get("/compte/connexion/").content.decode()
