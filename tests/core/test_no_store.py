"""`Cache-Control: private, no-store` on every answer of the application, whatever the page, its
status or the visitor (core/middleware.py); static files keep their long caching."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from passeport.accounts.models import User


def every_path(resolver=None, prefix=""):
    """One concrete path per URL pattern of the project (ids drawn at random)."""
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from every_path(entry, pattern)
        elif isinstance(entry, URLPattern):
            path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), pattern)
            path = re.sub(r"<(int|path|str|slug)?:?\w+>", "1", path)
            if "(" not in path and "\\" not in path:  # regex patterns (admin) are left out
                yield "/" + path


# Person-free public answers cacheable on purpose (their views set Cache-Control): the
# issuer's published keys and the credential status lists, read by verifiers everywhere.
CACHEABLE = {"/preuves/emetteur", "/preuves/statuts/1"}


@pytest.mark.django_db
def test_every_page_of_the_project_is_private_and_never_stored():
    paths = sorted(set(every_path()))
    assert len(paths) > 40, paths
    anonymous = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    operator = User.objects.create_user("ops@example.org", "x" * 16, is_staff=True)
    staff.force_login(operator)
    session = staff.session
    session["two_factor_verified"] = True
    session.save()
    wrong = []
    for client in (anonymous, staff):
        for path in paths:
            if path in CACHEABLE:
                continue
            response = client.get(path)
            # Django's never_cache (login, admin) says more: max-age=0, no-cache, no-store…
            directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
            if "no-store" not in directives:
                wrong.append((path, response.status_code, response.get("Cache-Control")))
    assert wrong == []


def test_static_files_keep_their_caching(client):
    response = client.get("/static/core/passeport.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
