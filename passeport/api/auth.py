"""Who calls the API: a certifier's API token (`pp_…`), or an OAuth 2.0 access token.

Each class is a ninja authentication callable; an operation names the ones it accepts
(`auth=CertifierToken()`), which also puts the matching security scheme in the OpenAPI
document. A missing or foreign `Authorization` header gives `None` (ninja answers 401, see
`main.py`); a token that is presented but refused raises the problem that says why.
"""

import hashlib

from django.urls import reverse
from django.utils import timezone
from ninja.security import HttpBearer
from oauth2_provider.models import get_access_token_model

from passeport.certifiers.standing import suspension_notice
from passeport.certifiers.tokens import authenticate_token, suspended_certifier_of
from passeport.sharing.scopes import all_scopes

from .problems import ApiProblem

BEARER_HINT = (
    "Ajoutez l'en-tête « Authorization: Bearer <jeton> » avec un jeton d'API créé dans "
    "l'espace de votre organisme (menu « Jetons d'API »)."
)


class CertifierToken(HttpBearer):
    """`Authorization: Bearer pp_…`: an API token of a certifier (certifiers.models.ApiToken,
    checked by certifiers.tokens). `request.auth` is the token; its certifier is
    `request.auth.certifier`."""

    openapi_description = "Jeton d'API d'un organisme certificateur (pp_…)"
    name = "jetonCertificateur"

    def authenticate(self, request, token):
        api_token = authenticate_token(token.strip())
        suspended = suspended_certifier_of(token.strip()) if api_token is None else None
        if suspended is not None:
            raise ApiProblem(403, "Organisme suspendu", suspension_notice(suspended))
        if api_token is None:
            raise ApiProblem(
                401,
                "Jeton refusé",
                "Ce jeton d'API est inconnu ou révoqué. Créez-en un nouveau dans l'espace de "
                "votre organisme.",
            )
        request.api_token = api_token
        return api_token


def throttle_key(principal) -> str:
    """What one rate limit counts: one token (of whatever kind)."""
    return f"{type(principal).__name__}:{principal.pk}"


class OAuthToken(HttpBearer):
    """`Authorization: Bearer <access token>` issued by the service's OAuth 2.0 server
    (django-oauth-toolkit), holding every scope in `scopes`.

    `client="holder"`: a token obtained with the authorization code flow, acting for the holder
    who approved it (`request.holder`); `client="organisation"`: a client credentials token of
    an organisation's back end (`request.organisation`), which reads only what holders
    consented to. A token of the other kind is refused (403), as is a missing scope (RFC 6750
    §3.1 `insufficient_scope`).
    """

    openapi_type = "oauth2"
    name = "oauth2"

    def __init__(self, *scopes: str, client: str):
        if client not in ("holder", "organisation"):
            raise ValueError(client)
        self.scopes = tuple(scopes)
        self.client = client
        super().__init__()

    def security_schema(self) -> dict:
        scopes = all_scopes()
        return {
            "type": "oauth2",
            "description": "Jeton OAuth 2.0 du service (RFC 6749) : code d'autorisation avec "
            "PKCE pour une application agissant pour un titulaire, client credentials pour le "
            "système d'une organisation.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": reverse("oauth2_provider:authorize"),
                    "tokenUrl": reverse("oauth2_provider:token"),
                    "refreshUrl": reverse("oauth2_provider:token"),
                    "scopes": scopes,
                },
                "clientCredentials": {
                    "tokenUrl": reverse("oauth2_provider:token"),
                    "scopes": scopes,
                },
            },
        }

    def authenticate(self, request, token):
        checksum = hashlib.sha256(token.strip().encode()).hexdigest()
        access = (
            get_access_token_model()
            .objects.select_related("application", "user", "application__passeport_client")
            .filter(token_checksum=checksum)
            .first()
        )
        if access is None or access.expires <= timezone.now():
            raise ApiProblem(
                401,
                "Jeton refusé",
                "Ce jeton OAuth est inconnu, expiré ou révoqué. Obtenez-en un nouveau auprès de "
                "/oauth/token/.",
            )
        missing = [scope for scope in self.scopes if scope not in access.scope.split()]
        if missing:
            raise _forbidden(
                "Portée insuffisante",
                f"Ce jeton n'a pas la portée {', '.join(missing)}, nécessaire à cette opération.",
                scope=" ".join(self.scopes),
            )
        if self.client == "holder":
            holder = getattr(access.user, "holder", None) if access.user_id else None
            if holder is None:
                raise _forbidden(
                    "Jeton d'un autre type",
                    "Cette opération lit le passeport du titulaire qui a autorisé l'application "
                    "(code d'autorisation) ; ce jeton n'agit pour aucun titulaire.",
                )
            request.holder = holder
        else:
            client = getattr(access.application, "passeport_client", None)
            organisation = client.organisation if client is not None else None
            if access.user_id or organisation is None or not organisation.is_active:
                raise _forbidden(
                    "Jeton d'un autre type",
                    "Cette opération est celle du système d'une organisation (client "
                    "credentials) ; ce jeton n'est pas celui d'une organisation active.",
                )
            request.organisation = organisation
        request.oauth_token = access
        return access


def _forbidden(title: str, detail: str, scope: str = "") -> ApiProblem:
    challenge = 'Bearer realm="passeport", error="insufficient_scope"'
    if scope:
        challenge += f', scope="{scope}"'
    return ApiProblem(403, title, detail, headers={"WWW-Authenticate": challenge})
