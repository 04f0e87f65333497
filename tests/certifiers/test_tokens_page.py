"""API tokens page: created and shown once, listed by prefix with last use, revoked."""

import pytest

from passeport.certifiers.models import ApiToken
from passeport.certifiers.tokens import authenticate_token
from passeport.core.models import AuditEvent
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def test_create_show_once_list_and_revoke(client, univ):
    admin = factories.MemberFactory(certifier=univ, email="admin@a.fr")
    factories.verified_client(client, admin)
    url = f"/certificateurs/{univ.pk}/jetons/"
    assert "Aucun jeton" in client.get(url).content.decode()

    response = client.post(url, {"name": ""})
    assert response.status_code == 200 and "obligatoire" in response.content.decode()

    response = client.post(url, {"name": "Logiciel de scolarité"})
    assert response["Location"] == url
    page = client.get(url)
    clear = page.context["new_token"]["clear"]
    html = page.content.decode()
    assert clear in html and "Copier le jeton" in html and "certifiers/copy.js" in html
    token = ApiToken.objects.get()
    assert token.prefix in html and token.created_by == admin
    assert authenticate_token(clear) == token

    # shown once: a reload lists the prefix only
    html = client.get(url).content.decode()
    assert clear not in html and f"{token.prefix}…" in html
    assert "Logiciel de scolarité" in html

    client.post(f"{url}{token.pk}/revoquer/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert authenticate_token(clear) is None
    assert "Révoqué le" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="certifiers.token_revoked", actor=admin).exists()
