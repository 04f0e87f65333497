"""Development identity provider at /fc-dev/: FranceConnect's protocol, test identities.

It answers exactly what our client asks FranceConnect (v2, authorization-code flow):
discovery, authorize (a page to pick a test identity), token (ID token signed RS256), userinfo
(a signed JWT, `application/jwt`, as FranceConnect v2 returns it), JWKS and end session. The
client code is the production one, pointed at this issuer by FRANCECONNECT_ISSUER.

On only when settings.FRANCECONNECT_DEV_PROVIDER is true (every view answers 404 otherwise;
apps.py refuses to start it without DEBUG unless explicitly allowed). Stateless: codes and
access tokens are signed and time-limited (django.core.signing), so that any web process
answers any step. Tests may set settings.FRANCECONNECT_DEV_FAULT to make it misbehave the way
a broken or hostile provider would: `bad_signature`, `expired`, `nonce`, `issuer` (ID token),
`userinfo_signature`, `userinfo_sub` (userinfo).
"""

import base64
import hashlib
import hmac
import time
from functools import wraps
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import validate_host
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from . import dev_keys
from .identities import BY_KEY, TEST_IDENTITIES

CODE_SALT = "passeport.franceconnect.dev.code"
ACCESS_SALT = "passeport.franceconnect.dev.access"
CODE_MAX_AGE = 120  # seconds; FranceConnect's codes are short-lived too
TOKEN_LIFETIME = 60
SCOPE_CLAIMS = (
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
    "preferred_username",
)
ACR_SUPPORTED = ("eidas1",)
MIN_STATE_LENGTH = 32  # FranceConnect v2 requires state and nonce of at least 32 characters


def enabled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.FRANCECONNECT_DEV_PROVIDER:
            raise Http404("Fournisseur d'identité de développement désactivé")
        return view(request, *args, **kwargs)

    return wrapper


def _fault() -> str:
    return settings.FRANCECONNECT_DEV_FAULT


def issuer(request) -> str:
    return request.build_absolute_uri(reverse("fc_dev:discovery")).removesuffix(
        "/.well-known/openid-configuration"
    )


def subject(client_id: str, identity_key: str) -> str:
    # FranceConnect's `sub` is pairwise: stable for one person at one service provider.
    return hashlib.sha256(f"{client_id}:{identity_key}".encode()).hexdigest() + "v1"


def _sign(claims: dict) -> str:
    fault = _fault()
    key = dev_keys.rogue_key() if fault == "bad_signature" else dev_keys.signing_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def _userinfo_sign(claims: dict) -> str:
    key = dev_keys.signing_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def _allowed_redirect(uri: str, expected_path: str) -> bool:
    """A return address of ours: our callback path, on one of our hosts (ALLOWED_HOSTS)."""
    parts = urlsplit(uri or "")
    return (
        parts.scheme in ("http", "https")
        and parts.path == expected_path
        and bool(parts.hostname)
        and validate_host(parts.hostname, settings.ALLOWED_HOSTS)
    )


def _error_redirect(redirect_uri: str, state: str, error: str, description: str):
    query = urlencode({"error": error, "error_description": description, "state": state})
    return HttpResponseRedirect(f"{redirect_uri}?{query}")


@enabled
@require_GET
def discovery(request):
    base = issuer(request)
    return JsonResponse(
        {
            "issuer": base,
            "authorization_endpoint": request.build_absolute_uri(reverse("fc_dev:authorize")),
            "token_endpoint": request.build_absolute_uri(reverse("fc_dev:token")),
            "userinfo_endpoint": request.build_absolute_uri(reverse("fc_dev:userinfo")),
            "jwks_uri": request.build_absolute_uri(reverse("fc_dev:jwks")),
            "end_session_endpoint": request.build_absolute_uri(reverse("fc_dev:end_session")),
            "scopes_supported": ["openid", *SCOPE_CLAIMS],
            "claims_supported": ["sub", *SCOPE_CLAIMS],
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "acr_values_supported": list(ACR_SUPPORTED),
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }
    )


@enabled
@require_GET
def jwks(request):
    return JsonResponse(dev_keys.public_jwks())


@enabled
@require_http_methods(["GET", "POST"])
def authorize(request):
    params = request.POST if request.method == "POST" else request.GET
    client_id = params.get("client_id", "")
    redirect_uri = params.get("redirect_uri", "")
    state = params.get("state", "")
    # Errors about the client or where to send the answer are shown here, never redirected
    # (RFC 6749 §4.1.2.1): a forged redirect_uri must not receive anything.
    if client_id != settings.FRANCECONNECT_CLIENT_ID:
        return render(
            request,
            "fc_dev/error.html",
            {"title": "Client inconnu", "message": "Le client_id n'est pas enregistré."},
            status=400,
        )
    if not _allowed_redirect(redirect_uri, reverse("franceconnect:callback")):
        return render(
            request,
            "fc_dev/error.html",
            {
                "title": "Adresse de retour refusée",
                "message": "Le paramètre redirect_uri n'est pas une adresse de retour "
                "enregistrée pour ce client.",
            },
            status=400,
        )
    scopes = params.get("scope", "").split()
    nonce = params.get("nonce", "")
    acr = params.get("acr_values", "")
    if params.get("response_type") != "code":
        return _error_redirect(redirect_uri, state, "unsupported_response_type", "code attendu")
    if "openid" not in scopes:
        return _error_redirect(redirect_uri, state, "invalid_scope", "scope openid manquant")
    if len(state) < MIN_STATE_LENGTH or len(nonce) < MIN_STATE_LENGTH:
        return _error_redirect(
            redirect_uri,
            state,
            "invalid_request",
            "state et nonce de 32 caractères au moins sont obligatoires",
        )
    if acr not in ACR_SUPPORTED:
        return _error_redirect(
            redirect_uri, state, "invalid_request", "acr_values non pris en charge"
        )

    if request.method == "POST":
        if "cancel" in request.POST:
            return _error_redirect(
                redirect_uri, state, "access_denied", "L'utilisateur a annulé la connexion"
            )
        identity = BY_KEY.get(request.POST.get("identity", ""))
        if identity is not None:
            code = signing.dumps(
                {
                    "k": identity.key,
                    "n": nonce,
                    "c": client_id,
                    "r": redirect_uri,
                    "a": acr,
                    "s": " ".join(scopes),
                },
                salt=CODE_SALT,
            )
            return HttpResponseRedirect(
                f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"
            )
    oidc_params = {
        name: params.get(name, "")
        for name in (
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "nonce",
            "acr_values",
            "response_type",
        )
    }
    return render(
        request,
        "fc_dev/authorize.html",
        {
            "title": "Fournisseur d'identité de développement",
            "identities": TEST_IDENTITIES,
            "oidc_params": oidc_params,
            "error": request.method == "POST",
        },
    )


def _client_credentials(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except ValueError:
            return "", ""
        client_id, _, secret = decoded.partition(":")

        return unquote(client_id), unquote(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _oauth_error(error: str, description: str, status: int = 400):
    return JsonResponse({"error": error, "error_description": description}, status=status)


@csrf_exempt  # back-channel call authenticated by the client secret, not a browser form
@enabled
@require_http_methods(["POST"])
def token(request):
    client_id, secret = _client_credentials(request)
    if client_id != settings.FRANCECONNECT_CLIENT_ID or not hmac.compare_digest(
        secret.encode(), settings.FRANCECONNECT_CLIENT_SECRET.encode()
    ):
        return _oauth_error("invalid_client", "authentification du client refusée", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "authorization_code attendu")
    try:
        code = signing.loads(request.POST.get("code", ""), salt=CODE_SALT, max_age=CODE_MAX_AGE)
    except signing.BadSignature:
        return _oauth_error("invalid_grant", "code inconnu ou expiré")
    if code["c"] != client_id or code["r"] != request.POST.get("redirect_uri"):
        return _oauth_error("invalid_grant", "code émis pour un autre client ou une autre adresse")
    identity = BY_KEY[code["k"]]
    now = int(time.time())
    fault = _fault()
    if fault == "expired":
        now -= 3600
    claims = {
        "iss": "https://autre-fournisseur.invalid" if fault == "issuer" else issuer(request),
        "sub": subject(client_id, identity.key),
        "aud": client_id,
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        "auth_time": now,
        "nonce": "un-autre-nonce" if fault == "nonce" else code["n"],
        "acr": code["a"],
        "amr": ["pwd"],
    }
    access_token = signing.dumps(
        {"k": identity.key, "c": client_id, "s": code["s"]}, salt=ACCESS_SALT
    )
    return JsonResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "scope": code["s"],
            "id_token": _sign(claims),
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@csrf_exempt
@enabled
@require_http_methods(["GET", "POST"])
def userinfo(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return _oauth_error("invalid_token", "jeton d'accès manquant", 401)
    try:
        grant = signing.loads(header[7:], salt=ACCESS_SALT, max_age=TOKEN_LIFETIME * 10)
    except signing.BadSignature:
        return _oauth_error("invalid_token", "jeton d'accès inconnu ou expiré", 401)
    identity = BY_KEY[grant["k"]]
    scopes = set(grant["s"].split())
    now = int(time.time())
    fault = _fault()
    claims = {
        "sub": subject(
            grant["c"], "quelqu-un-d-autre" if fault == "userinfo_sub" else identity.key
        ),
        "iss": issuer(request),
        "aud": grant["c"],
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        **{name: value for name, value in identity.claims.items() if name in scopes},
    }
    if fault == "userinfo_signature":
        key = dev_keys.rogue_key()
        token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
    else:
        token = _userinfo_sign(claims)
    return HttpResponse(token, content_type="application/jwt")


@enabled
@require_GET
def end_session(request):
    redirect_uri = request.GET.get("post_logout_redirect_uri", "")
    if not _allowed_redirect(redirect_uri, reverse("franceconnect:logout_return")):
        return render(
            request,
            "fc_dev/error.html",
            {
                "title": "Adresse de retour refusée",
                "message": "post_logout_redirect_uri n'est pas enregistrée.",
            },
            status=400,
        )
    try:
        jwt.decode(
            request.GET.get("id_token_hint", ""), KeySet.import_key_set(dev_keys.public_jwks())
        )
    except (JoseError, ValueError):
        return render(
            request,
            "fc_dev/error.html",
            {"title": "Déconnexion refusée", "message": "id_token_hint absent ou invalide."},
            status=400,
        )
    state = request.GET.get("state", "")
    return HttpResponseRedirect(f"{redirect_uri}?{urlencode({'state': state})}")
