"""The OAuth 2.0 scopes of the service (django-oauth-toolkit's scopes backend).

One read scope per passport section (`passeport.<section>:lecture`, sections.py), plus the
holder's documents and shares; higher apps add theirs with `register` (the Open Badges host
API's scopes are 1EdTech's own URIs). The consent screen shows each scope's French description.
A client may only ask for the scopes its `OAuthClient.allowed_scopes` lists (all when empty).
"""

from oauth2_provider.scopes import BaseScopes

from .sections import SECTIONS

DOCUMENTS = "passeport.justificatifs:lecture"
SHARES = "passeport.partages:lecture"
CONSENTS = "passeport.consentements:lecture"

_SCOPES: dict[str, str] = {
    **{
        section.scope: f"Lire la rubrique « {section.label} » de votre passeport"
        for section in SECTIONS
    },
    DOCUMENTS: "Télécharger les justificatifs que vous avez joints à vos entrées",
    SHARES: "Voir vos liens de partage et les organisations que vous avez autorisées",
    CONSENTS: "Organisation : lister les titulaires qui lui ont donné leur consentement",
}


def register(scope: str, description: str) -> None:
    _SCOPES.setdefault(scope, description)


def all_scopes() -> dict[str, str]:
    return dict(_SCOPES)


def section_scope(code: str) -> str:
    return f"passeport.{code}:lecture"


def sections_of(scopes) -> set[str]:
    """The section codes that `scopes` grant."""
    granted = set(scopes)
    return {section.code for section in SECTIONS if section.scope in granted}


class Scopes(BaseScopes):
    def get_all_scopes(self):
        return all_scopes()

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        from .models import OAuthClient

        client = (
            OAuthClient.objects.filter(application=application).first() if application else None
        )
        if client is not None and client.allowed_scopes:
            return [scope for scope in client.allowed_scopes if scope in _SCOPES]
        return list(_SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return []
