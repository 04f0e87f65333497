"""Members of a certifier: role changed, removed, two-factor device reset — by the
certifier's administrators (portal) or by operators (back office). Every change is audited,
on the certifier, naming the member's user id.

Who may do it is the pages' check (`access.py`), not this module's.
"""

from passeport.accounts import twofactor
from passeport.core.models import AuditEvent

from .models import Membership


def change_role(membership: Membership, role: str, *, actor=None) -> None:
    """Give the member `role` (a `Role` value), audited."""
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    AuditEvent.record(
        "certifiers.member_role_changed",
        actor=actor,
        target=membership.certifier,
        user=str(membership.user_id),
        role=role,
    )


def remove_member(membership: Membership, *, actor=None) -> None:
    """The user is no longer a member of the certifier (their account stays), audited."""
    certifier = membership.certifier
    membership.delete()
    AuditEvent.record(
        "certifiers.member_removed",
        actor=actor,
        target=certifier,
        user=str(membership.user_id),
    )


def reset_two_factor(membership: Membership, *, actor=None) -> None:
    """Forget the member's authenticator app: a new one is enrolled at their next login
    (`accounts.twofactor`), audited."""
    twofactor.reset_device(membership.user)
    AuditEvent.record(
        "certifiers.member_two_factor_reset",
        actor=actor,
        target=membership.certifier,
        user=str(membership.user_id),
    )
