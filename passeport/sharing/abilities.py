"""Abilities of the sharing objects: share links, consents, organisations, OAuth clients, tokens.

One function per kind (core.abilities): the holder's pages, the agents' pages and the API all
read them; an object someone may not `view` answers 404, never 403 (no hint that it exists).
"""

from oauth2_provider.models import get_access_token_model, get_application_model

from passeport.core import abilities

from .models import Agent, Consent, OAuthClient, Organisation, Share


def _holder_of(user):
    return getattr(user, "holder", None) if getattr(user, "is_authenticated", False) else None


def agent_of(user) -> Agent | None:
    """The user's agent profile when it may read (active agent of an active organisation)."""
    if not getattr(user, "is_authenticated", False):
        return None
    agent = Agent.objects.select_related("organisation").filter(user=user).first()
    return agent if agent is not None and agent.can_read else None


def _is_operator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


@abilities.register(Share)
def share_abilities(user, share: Share) -> dict[str, bool]:
    holder = _holder_of(user)
    owner = holder is not None and share.holder_id == holder.pk
    return {
        "view": owner,
        "see_views": owner,
        "revoke": owner and not share.is_revoked,
    }


@abilities.register(Consent)
def consent_abilities(user, consent: Consent) -> dict[str, bool]:
    holder = _holder_of(user)
    owner = holder is not None and consent.holder_id == holder.pk
    agent = agent_of(user)
    reader = (
        agent is not None
        and agent.organisation_id == consent.organisation_id
        and consent.is_live()
        and consent.organisation.is_active
    )
    return {
        "view": owner or reader,
        "withdraw": owner and consent.withdrawn_at is None,
        "read_passport": reader,
    }


@abilities.register(Organisation)
def organisation_abilities(user, organisation: Organisation) -> dict[str, bool]:
    agent = agent_of(user)
    member = agent is not None and agent.organisation_id == organisation.pk
    holder = _holder_of(user)
    return {
        "view": member or _is_operator(user) or (holder is not None and organisation.is_active),
        "list_holders": member,
        "be_granted": holder is not None and organisation.is_active,
        "administer": _is_operator(user),
    }


@abilities.register(get_application_model())
def oauth_client_abilities(user, application) -> dict[str, bool]:
    client = OAuthClient.objects.filter(application=application).first()
    holder = _holder_of(user)
    return {
        "view": _is_operator(user),
        "administer": _is_operator(user),
        # Acting for a holder is for clients without an organisation of their own: an
        # organisation's back end reads through consents, never with a holder's token.
        "authorize": holder is not None and (client is None or client.organisation_id is None),
    }


@abilities.register(get_access_token_model())
def token_abilities(user, token) -> dict[str, bool]:
    own = getattr(user, "is_authenticated", False) and token.user_id == user.pk
    return {
        "view": own or _is_operator(user),
        "revoke": own or _is_operator(user),
    }
