"""The FranceConnect OpenID Connect client (Authlib), configured from settings.

What FranceConnect's documentation asks of a service provider, and where it is done:
- authorization-code flow with `state` and `nonce` (random, 32+ characters), `acr_values`
  (eidas1) and the pivot-identity scopes: `authorize_redirect` below;
- the ID token's signature checked against the provider's JWKS, and its `iss`, `aud`, `exp`,
  `iat`, `nonce` and `acr` claims: Authlib's `authorize_access_token` with our claims options;
- userinfo read with the access token; FranceConnect v2 answers with a signed JWT
  (`application/jwt`), verified like the ID token, with the same `sub`: `fetch_userinfo`;
- logout at the provider: `end_session_endpoint` with `id_token_hint`, `state` and
  `post_logout_redirect_uri`.
"""

import secrets
import time

import requests
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet

ALGORITHMS = ["RS256", "ES256"]
CLAIMS_LEEWAY = 60  # seconds of clock skew tolerated on exp/iat
HTTP_TIMEOUT = 10  # seconds, for every call to the provider

_clients: dict[tuple, object] = {}


class UserinfoError(Exception):
    pass


def get_client():
    """One Authlib client per configuration (metadata and JWKS are cached in it)."""
    key = (
        settings.FRANCECONNECT_ISSUER,
        settings.FRANCECONNECT_CLIENT_ID,
        settings.FRANCECONNECT_CLIENT_SECRET,
        settings.FRANCECONNECT_SCOPES,
    )
    client = _clients.get(key)
    if client is None:
        oauth = OAuth()
        client = oauth.register(
            "franceconnect",
            client_id=settings.FRANCECONNECT_CLIENT_ID,
            client_secret=settings.FRANCECONNECT_CLIENT_SECRET,
            server_metadata_url=(
                f"{settings.FRANCECONNECT_ISSUER}/.well-known/openid-configuration"
            ),
            client_kwargs={
                "scope": settings.FRANCECONNECT_SCOPES,
                "token_endpoint_auth_method": "client_secret_post",
                "timeout": HTTP_TIMEOUT,
            },
        )
        _clients[key] = client
    return client


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 43 characters: FranceConnect asks for 32 at least


def authorize_redirect(request, redirect_uri: str):
    return get_client().authorize_redirect(
        request,
        redirect_uri,
        state=new_secret(),
        nonce=new_secret(),
        acr_values=settings.FRANCECONNECT_ACR_VALUES,
    )


def claims_options() -> dict:
    client = get_client()
    metadata = client.load_server_metadata()
    return {
        "iss": {"essential": True, "values": [metadata["issuer"]]},
        "acr": {"essential": True, "values": settings.FRANCECONNECT_ACR_VALUES.split()},
    }


def exchange_code(request) -> dict:
    """Checks state, exchanges the code, verifies the ID token; returns Authlib's token dict
    (with `userinfo` = the verified ID token claims). Raises Authlib/joserfc errors."""
    return get_client().authorize_access_token(
        request, claims_options=claims_options(), leeway=CLAIMS_LEEWAY
    )


def fetch_userinfo(token: dict) -> dict:
    """The pivot identity, from a signed JWT (FranceConnect v2) or plain JSON (v1)."""
    client = get_client()
    metadata = client.load_server_metadata()
    # A plain bearer request: Authlib's session would refuse FranceConnect's 60-second access
    # token as already expired (its default 60-second leeway).
    response = requests.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=HTTP_TIMEOUT,
    )
    response.raise_for_status()
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type == "application/jwt":
        keys = KeySet.import_key_set(client.fetch_jwk_set())
        try:
            decoded = jwt.decode(response.text.strip(), keys, algorithms=ALGORITHMS)
        except InvalidKeyIdError:  # the provider rotated its keys: fetch them again
            keys = KeySet.import_key_set(client.fetch_jwk_set(force=True))
            decoded = jwt.decode(response.text.strip(), keys, algorithms=ALGORITHMS)
        claims = dict(decoded.claims)
        if "iss" in claims and claims["iss"] != metadata["issuer"]:
            raise UserinfoError("userinfo émis par un autre fournisseur")
        audience = claims.get("aud")
        if audience is not None and settings.FRANCECONNECT_CLIENT_ID not in (
            audience if isinstance(audience, list) else [audience]
        ):
            raise UserinfoError("userinfo destiné à un autre client")
        if "exp" in claims and claims["exp"] < time.time() - CLAIMS_LEEWAY:
            raise UserinfoError("userinfo expiré")
    else:
        claims = response.json()
    # OpenID Connect Core §5.3.2: the userinfo `sub` must be the ID token's.
    if claims.get("sub") != token["userinfo"]["sub"]:
        raise UserinfoError("le sub de userinfo diffère de celui du jeton d'identité")
    return claims


def logout_redirect(request, id_token: str, post_logout_redirect_uri: str):
    return get_client().logout_redirect(
        request,
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        state=new_secret(),
    )


def validate_logout_return(request) -> dict:
    return get_client().validate_logout_response(request)
