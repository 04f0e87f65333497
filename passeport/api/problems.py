"""Errors of the API: `application/problem+json` (RFC 9457), titles and details in French.

Every error under the API's paths leaves through `problem()`: the routers raise `ApiProblem`,
the exception handlers of `main.py` turn ninja's and Django's own errors into it, and
`middleware.ProblemJsonMiddleware` rewrites what Django answers before any API view runs
(unknown path, malformed multipart body, CSRF…), so that a client never parses HTML.
"""

import json

from django.http import HttpResponse
from ninja import Schema
from pydantic import ConfigDict

PROBLEM = "application/problem+json"

# The paths served by the API (the Open Badges host API of 1EdTech lives under /ims/).
API_PATH_PREFIXES = ("/api/", "/ims/")

# Default French titles by status, for errors that do not carry their own.
TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non permise",
    406: "Format de réponse non disponible",
    409: "Conflit",
    410: "Ressource supprimée",
    411: "Longueur de la requête requise",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Requête non traitable",
    429: "Trop de requêtes",
    500: "Erreur inattendue",
    503: "Service indisponible",
    507: "Espace de stockage insuffisant",
}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PATH_PREFIXES)


class ApiProblem(Exception):
    """Raised by a router to answer a problem; `extra` members are RFC 9457 extensions."""

    def __init__(self, status: int, title: str, detail: str, *, headers=None, **extra):
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def response(self) -> HttpResponse:
        response = problem(self.status, self.title, self.detail, **self.extra)
        for name, value in self.headers.items():
            response[name] = value
        return response


def problem(status: int, title: str | None = None, detail: str = "", **extra) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM
    )
    if status == 401 and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="passeport"'
    return response


class Problem(Schema):
    """An error (RFC 9457): `title` and `detail` in French; other members may follow."""

    model_config = ConfigDict(extra="allow", title="Probleme")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
