"""The one API of the service: a django-ninja `NinjaAPI`, its OpenAPI 3.1 document and errors.

Routers live in `passeport/api/<topic>.py` and call the domain functions of the apps (the same
functions as the pages); each is mounted once in `ROUTERS` below. The document is generated
from the routers' code and served at `/api/v1/openapi.json`, its readable reference at
`/api/v1/docs`. Every error is `application/problem+json` in French (`problems.py`); the
document says so for every operation (`_describe_errors`).
"""

import logging
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousMultipartForm, TooManyFilesSent
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from . import deposits, holder, organisation, validation, verifications
from .auth import BEARER_HINT
from .problems import PROBLEM, TITLES, ApiProblem, problem
from .throttling import TokenRateThrottle

logger = logging.getLogger(__name__)

# (mount prefix, router): every path of the service's API, in the order of the document.
ROUTERS = [
    ("/api/v1/", deposits.router),
    ("/api/v1/", verifications.router),
    ("/api/v1/", holder.router),
    ("/api/v1/", organisation.router),
]

DESCRIPTION = """\
L'API du Passeport d'orientation, de formation et de compétences.

- **Organismes certificateurs** : dépôt des flux XML de la Caisse des Dépôts (schéma
  urn:cdc:cpf:pc5:schema:1.0.0, versions 1.1.2 et 1.1.5), suivi du traitement, accusé de
  traitement. Authentification par jeton d'API de l'organisme (`Authorization: Bearer pp_…`).
- **Employeurs, recruteurs, tout public** : vérification d'un CV ou d'une attestation (PDF
  signé), d'une attestation numérique Open Badges 3.0 (JSON ou JWT) ou d'un code imprimé ; sans
  authentification, limitée en débit par adresse.
- **Applications autorisées par un titulaire** : son passeport, rubrique par rubrique, ses
  justificatifs, ses partages — OAuth 2.0, code d'autorisation avec PKCE (`/oauth/authorize/`,
  `/oauth/token/`), une portée par rubrique (`passeport.certifications:lecture`…).
- **Organisations** (conseil en évolution professionnelle, France Travail, Cap emploi, APEC,
  missions locales) : les titulaires qui leur ont donné leur consentement et leur passeport,
  limité aux rubriques consenties — OAuth 2.0 client credentials.

Chaque lecture d'un passeport par un tiers est enregistrée et montrée au titulaire.

Les listes sont paginées (`?page=N`). Chaque jeton est limité en débit : au-delà, la réponse est
`429` avec l'en-tête `Retry-After`. Les erreurs suivent la RFC 9457
(`application/problem+json`), avec un titre et un détail en français.
"""


class Renderer(JSONRenderer):
    # French text stays readable in the bytes (RFC 8259 allows any Unicode in JSON strings).
    json_dumps_params = {"ensure_ascii": False}


class Document(OpenAPISchema):
    """ninja's document, with each operation's OAuth 2.0 scopes in its security requirement
    (ninja leaves them empty) and one named scheme per kind of credential."""

    def operation_security(self, operation):
        result = []
        for auth in operation.auth_callbacks:
            if not hasattr(auth, "openapi_security_schema"):
                continue
            name = getattr(auth, "name", auth.__class__.__name__)
            result.append({name: list(getattr(auth, "scopes", ()))})
            self.securitySchemes[name] = (
                auth.security_schema()
                if hasattr(auth, "security_schema")
                else auth.openapi_security_schema
            )
        return result or None


class PasseportAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = Document(api=self, path_prefix=path_prefix)
        _describe_errors(schema)
        return schema


api = PasseportAPI(
    title="API du Passeport de compétences",
    version="1.0.0",
    description=DESCRIPTION,
    openapi_url="/api/v1/openapi.json",
    docs_url="/api/v1/docs",
    docs=Swagger(settings={"persistAuthorization": True, "defaultModelsExpandDepth": 0}),
    urls_namespace="api",
    renderer=Renderer(),
    throttle=TokenRateThrottle(),
)

for prefix, router in ROUTERS:
    api.add_router(prefix, router)


# -- errors -----------------------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _api_problem(request, exc: ApiProblem):
    return exc.response()


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(401, "Authentification requise", BEARER_HINT)


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    wait = f" Réessayez dans {int(exc.wait) + 1} s." if exc.wait else ""
    return problem(
        429,
        "Trop de requêtes",
        "La limite de requêtes de ce jeton (ou de votre adresse) est atteinte." + wait,
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return validation.problem_for(exc.errors).response()


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, detail="Aucune ressource ne porte cet identifiant.")


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request, exc):
    if "header size" in str(exc):
        # Django reads at most 1 024 bytes of headers per part (multipartparser's
        # MAX_TOTAL_HEADER_SIZE): in practice, a file name too long.
        return _long_part_headers()
    return problem(
        400,
        "Corps multipart illisible",
        "Le corps de la requête n'est pas un multipart/form-data valide (délimiteur « boundary » "
        "absent ou incorrect dans l'en-tête Content-Type, ou corps tronqué). Envoyez le fichier "
        "avec curl -F fichier=@flux.xml … ou une bibliothèque HTTP qui construit le multipart.",
    )


@api.exception_handler(SuspiciousMultipartForm)
def _suspicious_multipart(request, exc):
    return problem(
        400,
        "Corps multipart refusé",
        "Le corps multipart/form-data de la requête est mal construit et n'a pas été lu.",
    )


def _long_part_headers():
    return problem(
        400,
        "Corps multipart refusé",
        "Les en-têtes d'une partie du multipart dépassent 1 024 octets (par exemple un nom de "
        "fichier trop long). Renommez le fichier avec un nom plus court (255 caractères au plus).",
    )


@api.exception_handler(TooManyFilesSent)
def _too_many_files(request, exc):
    return problem(400, "Trop de fichiers", "La requête contient trop de fichiers.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem(
        413,
        "Requête trop volumineuse",
        "Les champs de la requête dépassent la taille acceptée ; envoyez les fichiers en "
        "multipart/form-data.",
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja's own HttpErrors carry English messages (e.g. an unreadable JSON body).
    status = exc.status_code
    detail = (
        "Le corps de la requête n'a pas pu être lu : vérifiez qu'il est au format annoncé par "
        "l'en-tête Content-Type."
        if status == 400
        else ""
    )
    return problem(status, TITLES.get(status), detail)


# -- the document -----------------------------------------------------------------------------

COMMON_ERRORS = {
    400: "Requête invalide (paramètre, corps)",
    401: "Jeton absent, inconnu, révoqué ou expiré",
    403: "Portée (scope) ou droit insuffisant",
    404: "Ressource inconnue, ou qui n'est pas accessible à ce client",
    429: "Trop de requêtes pour ce jeton : réessayer après Retry-After secondes",
}


def _describe_errors(schema: dict) -> None:
    """Every error answer is problem+json: say it in the document, for every operation, with
    the errors every operation of its kind may give (a schema-driven client, or schemathesis,
    then checks them like the rest)."""
    problem_ref = {"$ref": "#/components/schemas/Probleme"}
    schema["components"].setdefault("schemas", {})["Probleme"] = _problem_component()
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            # ninja keys its responses by int, openapi_extra by str: merge them under str.
            responses = {}
            for code, response in operation.get("responses", {}).items():
                merged = responses.setdefault(str(code), {})
                merged.update(response)
            codes = {400, 429}
            if operation.get("security"):
                codes |= {401, 403}
            if "{" in path:
                codes.add(404)
            for code in codes:
                responses.setdefault(str(code), {"description": COMMON_ERRORS[code]})
            responses = operation["responses"] = dict(sorted(responses.items()))
            for code, response in responses.items():
                if response.get("description") == _english_phrase(code):
                    response["description"] = (
                        COMMON_ERRORS.get(int(code)) or TITLES.get(int(code)) or "Succès"
                    )
                if code.isdigit() and int(code) >= 400:
                    response["content"] = {PROBLEM: {"schema": problem_ref}}
                    if int(code) == 429:
                        response["headers"] = {
                            "Retry-After": {
                                "description": "Secondes à attendre avant de réessayer",
                                "schema": {"type": "integer"},
                            }
                        }


def _english_phrase(code: str) -> str | None:
    try:
        return HTTPStatus(int(code)).phrase
    except ValueError:
        return None


def _problem_component() -> dict:
    from .problems import Problem

    component = Problem.model_json_schema()
    component["title"] = "Probleme"
    return component
