"""What a user may do with the proofs app's objects (core.abilities, one function per kind)."""

from passeport.core import abilities

from .models import Credential


def _holder(user):
    return getattr(user, "holder", None) if getattr(user, "is_authenticated", False) else None


@abilities.register(Credential)
def credential_abilities(user, credential: Credential) -> dict[str, bool]:
    """A credential belongs to the person its entry is guaranteed to: only that person's
    holder account sees it, downloads it, and shares it while it is valid."""
    holder = _holder(user)
    owner = (
        holder is not None
        and holder.person_id is not None
        and (holder.person_id == credential.person_id)
    )
    valid = owner and not credential.is_revoked
    return {"view": owner, "download": valid, "share": valid}
