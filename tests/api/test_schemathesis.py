"""Property-based tests of the whole API from its served OpenAPI document (schemathesis).

Every operation of /api/v1/openapi.json, with requests generated from the document, sent as the
client the operation is for (a certifier's token, a holder's OAuth token with every scope, an
organisation's client credentials token): no 5xx, every answer's status, content type, headers
and body as the document says. Then every secured operation, called without credentials, with
the other kinds' tokens and with a token lacking its scope: never answered.
"""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from passeport.certifiers.tokens import issue_token
from passeport.sharing import consents
from passeport.sharing.scopes import all_scopes
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def _checks():
    from schemathesis import checks

    return [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
    ]


class Clients:
    """One credential per kind of client, and the data they can read."""

    def __init__(self):
        _token, self.certifier = issue_token(
            factories.CertifierFactory(sample=True), "schemathesis"
        )
        holder = factories.HolderFactory(linked=True)
        entry = factories.CertificationFactory(person=holder.person)
        factories.EntryFactory(holder=holder, kind="training")
        factories.ShareFactory(holder=holder, kind="entrees", entries=[entry], code="1234")
        factories.CVFactory(holder=holder, entries=[entry])
        every = " ".join(all_scopes())
        app = factories.OAuthClientFactory().application
        self.holder = factories.oauth_access_token(user=holder.user, application=app, scope=every)
        organisation = factories.OrganisationFactory()
        consents.grant(
            holder, organisation, sections=["certifications", "formations", "competences"], days=30
        )
        org_app = factories.OAuthClientFactory(
            organisation=organisation, grant="client-credentials"
        ).application
        self.organisation = factories.oauth_access_token(application=org_app, scope=every)
        self.holder_without_scopes = factories.oauth_access_token(
            user=holder.user, application=app, scope="passeport.consentements:lecture"
        )
        self.organisation_without_scopes = factories.oauth_access_token(
            application=org_app, scope="passeport.cv:lecture"
        )

    def kind_of(self, path: str, security) -> str | None:
        names = {name for requirement in security or [] for name in requirement}
        if "jetonCertificateur" in names:
            return "certifier"
        if "oauth2" in names:
            return "organisation" if path.startswith("/api/v1/organisation/") else "holder"
        return None

    def bearer(self, kind: str | None) -> dict:
        token = {
            "certifier": self.certifier,
            "holder": self.holder,
            "organisation": self.organisation,
        }.get(kind)
        return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture
def clients(settings):
    settings.API_THROTTLE_RATE = "100000/min"
    return Clients()


def _served_schema():
    # The document as the application serves it, fetched through its WSGI entry point (no
    # database needed for the document itself).
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _served_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # The WSGI handler closes the database connection after each request; the test's
    # transaction must outlive them (as Django's own test client arranges).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_as_its_client(case, clients):
    security = case.operation.definition.raw.get("security")
    kind = clients.kind_of(case.operation.path, security)
    case.call_and_validate(headers=clients.bearer(kind), checks=_checks())


def _operations(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_the_document_covers_every_route_of_the_api(client):
    """Every URL pattern the API serves is an operation of the document (nothing hidden)."""
    from django.urls import get_resolver

    from passeport.api.main import api

    documented = {path for path, _m, _o in _operations(client)}
    served = set()
    for router_prefix, router in api._routers:
        for path in router.path_operations:
            served.add(("/" + router_prefix.strip("/") + path).replace("//", "/"))
    served.discard("/")
    assert served <= documented, served - documented
    assert get_resolver()  # the URLconf loads with the API mounted


def test_no_operation_is_reachable_without_its_credentials_and_scopes(client, clients):
    secured = 0
    for path, method, operation in _operations(client):
        kind = clients.kind_of(path, operation.get("security"))
        if kind is None:
            continue
        secured += 1
        url = path.replace("{id}", str(uuid.uuid4()))
        call = getattr(client, method)
        wrong = {
            "certifier": [clients.holder, clients.organisation],
            "holder": [clients.certifier, clients.organisation, clients.holder_without_scopes],
            "organisation": [
                clients.certifier,
                clients.holder,
                clients.organisation_without_scopes,
            ],
        }[kind]
        answers = [call(url)] + [call(url, HTTP_AUTHORIZATION=f"Bearer {t}") for t in wrong]
        for answer in answers:
            assert answer.status_code in (401, 403), (method, path, answer.status_code)
            assert answer["Content-Type"] == "application/problem+json"
        assert answers[0].status_code == 401
    assert secured >= 10
