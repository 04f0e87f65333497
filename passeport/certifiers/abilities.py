"""What a member (or an API token) may do in a certifier's space (core/abilities.py).

The only place where roles and the certifier's state become permissions: the page decorator
(`access.certifier_member_required("deposit")`), the views, the menus, the templates
(`{% if abilities.deposit %}`) and the API all read `certifier_abilities`.

- every member sees the space, the deposits, the accusés and the support tickets;
- administrators and depositors deposit, correct rejected passages and confirm an error a
  holder reported — only while the certifier is active: a suspended certifier's flux are
  refused at reception, so its pages must not offer what would then be refused;
- administrators manage members, invitations and API tokens, suspended or not (they must be
  able to revoke a token of a suspended certifier);
- an API token acts for its own certifier as a depositor (it authenticates only while the
  token is live and the certifier active, see `tokens`/`api.auth`).
"""

from passeport.core import abilities

from .models import DEPOSIT_ROLES, ApiToken, Certifier, Membership, Role

ACTIONS = (
    "view",
    "deposit",
    "correct",
    "confirm_error",
    "open_ticket",
    "administer",
    "manage_members",
    "manage_tokens",
)


def role_of(principal, certifier: Certifier) -> str | None:
    """The `Role` a user (member) or an API token has in `certifier`, or None."""
    if isinstance(principal, ApiToken):
        live = principal.certifier_id == certifier.pk and not principal.is_revoked
        return Role.DEPOSITOR if live else None
    if not getattr(principal, "is_authenticated", False) or not principal.is_active:
        return None
    return (
        Membership.objects.filter(user=principal, certifier=certifier)
        .values_list("role", flat=True)
        .first()
    )


def for_role(role: str | None, *, certifier_active: bool) -> dict[str, bool]:
    """The rules themselves, without the database (tests enumerate every role × state)."""
    member = role is not None
    depositor = role in DEPOSIT_ROLES and certifier_active
    administrator = role == Role.ADMINISTRATOR
    return {
        "view": member,
        "deposit": depositor,
        "correct": depositor,
        "confirm_error": depositor,
        "open_ticket": member,
        "administer": administrator,
        "manage_members": administrator,
        "manage_tokens": administrator,
    }


@abilities.register(Certifier)
def certifier_abilities(principal, certifier: Certifier) -> dict[str, bool]:
    return for_role(role_of(principal, certifier), certifier_active=certifier.is_active)
