"""Holders' login with FranceConnect: start, callback, logout at the provider.

Views stay thin: the protocol is in `client`, the account and its link to the identity
register in `accounts_flow` and `passeport.passport.linking`.
"""

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError

from . import accounts_flow, client

logger = logging.getLogger(__name__)

SESSION_NEXT = "franceconnect_next"
SESSION_ID_TOKEN = "franceconnect_id_token"  # noqa: S105 - a session key, not a secret


def _error(request, title: str, message: str, status: int = 400):
    return render(
        request,
        "franceconnect/error.html",
        {"title": title, "message": message},
        status=status,
    )


def _unavailable(request):
    return _error(
        request,
        _("FranceConnect est momentanément indisponible"),
        _("Le service d’identification n’a pas répondu. Réessayez dans quelques minutes."),
        status=502,
    )


@require_GET
def login_page(request):
    if request.user.is_authenticated and hasattr(request.user, "holder"):
        return redirect("passport:home")
    return render(
        request,
        "franceconnect/login.html",
        {
            "title": _("Connexion des titulaires"),
            "next": _safe_next(request.GET.get("next", ""), request),
        },
    )


def _safe_next(url: str, request) -> str:
    """A page of ours to go back to after login (never another site: no open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@require_GET
def start(request):
    redirect_uri = request.build_absolute_uri(reverse("franceconnect:callback"))
    request.session[SESSION_NEXT] = _safe_next(request.GET.get("next", ""), request)
    try:
        return client.authorize_redirect(request, redirect_uri)
    except requests.RequestException:
        logger.warning("FranceConnect : découverte impossible", exc_info=True)
        return _unavailable(request)


@require_GET
def callback(request):
    if request.GET.get("error"):
        # The person cancelled, or the provider refused the request.
        logger.info("FranceConnect : retour en erreur %s", request.GET.get("error"))
        return _error(
            request,
            _("Connexion annulée"),
            _("La connexion avec FranceConnect n’a pas abouti. Vous pouvez recommencer."),
        )
    try:
        token = client.exchange_code(request)
        pivot = client.fetch_userinfo(token)
    except MismatchingStateError:
        return _error(
            request,
            _("Connexion expirée"),
            _(
                "Cette réponse de FranceConnect ne correspond à aucune connexion en cours (elle a "
                "expiré ou vient d’un autre onglet). Recommencez la connexion."
            ),
        )
    except requests.RequestException:
        logger.warning("FranceConnect : échange du code impossible", exc_info=True)
        return _unavailable(request)
    except (AuthlibBaseError, JoseError, client.UserinfoError, ValueError, KeyError) as exc:
        # Signature, issuer, audience, expiry, nonce or acr: never log the token itself.
        logger.warning("FranceConnect : réponse refusée (%s : %s)", type(exc).__name__, exc)
        return _error(
            request,
            _("Connexion refusée"),
            _(
                "La réponse de FranceConnect n’a pas pu être vérifiée (signature, validité ou "
                "jeton à usage unique incorrects). Par sécurité, la connexion est refusée. "
                "Recommencez ; si le problème persiste, contactez le support."
            ),
        )
    outcome = accounts_flow.sign_in(request, token, pivot)
    request.session[SESSION_ID_TOKEN] = token.get("id_token", "")
    # The header's « Se déconnecter » posts here, so that logging out anywhere on the site also
    # ends the FranceConnect session (base.html reads `logout_url`).
    request.session["logout_url"] = reverse("franceconnect:logout")
    if outcome.refused_under_age:
        return render(
            request,
            "franceconnect/under_age.html",
            {"title": _("Passeport accessible à partir de 15 ans"), "minimum_age": 15},
            status=403,
        )
    if outcome.error:
        return _error(request, _("Connexion impossible"), outcome.error)
    return redirect(request.session.pop(SESSION_NEXT, "") or "passport:home")


@require_POST
def logout_view(request):
    """Logs out here at once, then at FranceConnect (end session), which comes back to us."""
    id_token = request.session.get(SESSION_ID_TOKEN, "")
    logout(request)  # new, empty session: the logout state below is kept in it
    if not id_token:
        return redirect("pages:home")
    try:
        return client.logout_redirect(
            request, id_token, request.build_absolute_uri(reverse("franceconnect:logout_return"))
        )
    except requests.RequestException:
        messages.warning(
            request,
            _(
                "Vous êtes déconnecté de Passeport, mais FranceConnect n’a pas pu être joint : "
                "fermez votre navigateur pour terminer votre session FranceConnect."
            ),
        )
        return redirect("pages:home")


@require_GET
def logout_return(request):
    try:
        client.validate_logout_return(request)
    except OAuthError:
        messages.warning(request, _("Le retour de déconnexion de FranceConnect est invalide."))
        return redirect("pages:home")
    messages.success(request, _("Vous êtes déconnecté de Passeport et de FranceConnect."))
    return redirect("pages:home")
