"""The OAuth 2.0 authorization server, through django-oauth-toolkit (RFC 6749, 7636, 7009).

- authorization code with PKCE (S256 required) for applications acting for a holder: the holder
  logs in with FranceConnect and approves the scopes on a DSFR consent screen (`AuthorizeView`);
- client credentials for an organisation's own back end: its token names no holder, and reads
  only what the holders' consents to that organisation grant (api/organisation.py);
- refresh tokens rotated, revocation (RFC 7009) at /oauth/revoke_token/;
- tokens stored hashed: django-oauth-toolkit keeps only the SHA-256 checksum of access and
  refresh tokens when COMPLIANT_BCP_RFC9700_TOKEN_STORAGE is on (config/settings.py), and client
  secrets hashed (hash_client_secret). Authorization codes live 60 s and are used once.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse_lazy
from oauth2_provider import views as oauth_views

from passeport.core import abilities

from .scopes import all_scopes


class AuthorizeView(oauth_views.AuthorizationView):
    """The consent screen: holders only (they log in with FranceConnect)."""

    template_name = "sharing/oauth_authorize.html"
    login_url = reverse_lazy("franceconnect:login")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and getattr(request.user, "holder", None) is None:
            raise PermissionDenied(
                "Seul le titulaire d'un passeport (connecté avec FranceConnect) peut autoriser "
                "une application à y accéder."
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        if (
            application is not None
            and not abilities.for_request(self.request, application)["authorize"]
        ):
            raise PermissionDenied(
                "Cette application est celle d'une organisation : elle lit les passeports par "
                "les consentements qu'on lui donne, pas en votre nom."
            )
        descriptions = all_scopes()
        context["scope_items"] = [
            (scope, descriptions.get(scope, scope)) for scope in context.get("scopes", [])
        ]
        context["title"] = "Autoriser une application"
        return context


app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", AuthorizeView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth_views.IntrospectTokenView.as_view(), name="introspect"),
]
