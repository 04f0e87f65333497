"""Password reset by e-mail (Django's views, DSFR templates, French)."""

import re

import pytest
from django.core import mail

from passeport.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nouvelle-phrase-de-passe-2026"


def test_password_reset_by_email(client):
    user = User.objects.create_user("agent@example.org", "Ancienne-phrase-de-passe-1")
    page = client.get("/compte/connexion/")
    assert "/compte/mot-de-passe-oublie/" in page.content.decode()
    response = client.post("/compte/mot-de-passe-oublie/", {"email": "AGENT@example.org"})
    assert response["Location"] == "/compte/mot-de-passe-oublie/envoye/"
    [message] = mail.outbox
    assert message.to == ["agent@example.org"]
    assert "nouveau mot de passe" in message.subject
    link = re.search(r"http://[^/\s]+(/compte/mot-de-passe/\S+/)", message.body).group(1)

    page = client.get(link, follow=True)
    assert page.context["validlink"]
    set_url = page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    assert "au minimum 12 caractères" in response.content.decode()
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/compte/mot-de-passe/modifie/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # the link is single-use
    page = client.get(link, follow=True)
    assert not page.context["validlink"]
    assert "Lien invalide ou expiré" in page.content.decode()


def test_unknown_address_sends_nothing_but_says_the_same(client):
    response = client.post("/compte/mot-de-passe-oublie/", {"email": "personne@example.org"})
    assert response["Location"] == "/compte/mot-de-passe-oublie/envoye/"
    assert mail.outbox == []
