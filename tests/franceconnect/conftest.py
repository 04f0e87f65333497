"""The development identity provider, served by pytest-django's live server, as the issuer.

Back-channel calls of the real client (discovery, token, userinfo, JWKS) go over HTTP to the
live server; front-channel steps (browser redirects) go through Django's test client.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from passeport.franceconnect import client as fc_client


@pytest.fixture
def fc_dev(settings, live_server):
    settings.FRANCECONNECT_DEV_PROVIDER = True
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/fc-dev"
    settings.FRANCECONNECT_CLIENT_ID = "passeport-test"
    settings.FRANCECONNECT_CLIENT_SECRET = "secret-de-test"
    settings.FRANCECONNECT_DEV_FAULT = ""
    fc_client._clients.clear()
    yield live_server
    fc_client._clients.clear()


class FranceConnectBrowser:
    """Walks the front channel with Django's test client, like a browser would."""

    def __init__(self, client):
        self.client = client

    def start(self):
        response = self.client.get("/franceconnect/connexion/")
        assert response.status_code == 302, response.content[:500]
        location = urlsplit(response["Location"])
        assert location.path == "/fc-dev/authorize"
        return {key: values[0] for key, values in parse_qs(location.query).items()}

    def choose(self, params, identity):
        response = self.client.post("/fc-dev/authorize", {**params, "identity": identity})
        assert response.status_code == 302, response.content[:500]
        return response["Location"]

    def callback(self, location):
        parts = urlsplit(location)
        return self.client.get(f"{parts.path}?{parts.query}")

    def login(self, identity):
        return self.callback(self.choose(self.start(), identity))


@pytest.fixture
def fc_browser(client, fc_dev):
    return FranceConnectBrowser(client)
