"""Who calls the API: a certifier's API token (`pp_…`), later OAuth 2.0 access tokens.

Each class is a ninja authentication callable; an operation names the ones it accepts
(`auth=CertifierToken()`), which also puts the matching security scheme in the OpenAPI
document. A missing or foreign `Authorization` header gives `None` (ninja answers 401, see
`main.py`); a token that is presented but refused raises the problem that says why.
"""

from ninja.security import HttpBearer

from passeport.certifiers.models import authenticate_token

from .problems import ApiProblem

BEARER_HINT = (
    "Ajoutez l'en-tête « Authorization: Bearer <jeton> » avec un jeton d'API créé dans "
    "l'espace de votre organisme (menu « Jetons d'API »)."
)


class CertifierToken(HttpBearer):
    """`Authorization: Bearer pp_…`: an API token of a certifier (certifiers.models.ApiToken).
    `request.auth` is the token; its certifier is `request.auth.certifier`."""

    openapi_description = "Jeton d'API d'un organisme certificateur (pp_…)"

    def authenticate(self, request, token):
        api_token = authenticate_token(token.strip())
        if api_token is None:
            raise ApiProblem(
                401,
                "Jeton refusé",
                "Ce jeton d'API est inconnu, révoqué, ou son organisme est suspendu. Créez-en un "
                "nouveau dans l'espace de votre organisme.",
            )
        request.api_token = api_token
        return api_token


def throttle_key(principal) -> str:
    """What one rate limit counts: one token (of whatever kind)."""
    return f"{type(principal).__name__}:{principal.pk}"
