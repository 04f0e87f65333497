import pytest
from django.db import connection


@pytest.mark.django_db
def test_home_page_renders_dsfr_layout(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "fr-header" in html
    assert "Je suis un organisme certificateur" in html


@pytest.mark.django_db
def test_database_is_the_one_asked_for():
    import os

    expected = "sqlite" if os.environ.get("PASSEPORT_TEST_DB") == "sqlite" else "postgresql"
    assert connection.vendor == expected
