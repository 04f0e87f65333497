"""What a user may do with the proofs app's objects (core.abilities, one function per kind)."""

from passeport.core import abilities

from .models import CV, Credential, SignedDocument


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


@abilities.register(CV)
def cv_abilities(user, cv: CV) -> dict[str, bool]:
    """A CV is its holder's alone; once revoked it is kept (its PDFs verify as revoked) but no
    longer edited or signed."""
    holder = _holder(user)
    owner = holder is not None and holder.pk == cv.holder_id
    live = owner and not cv.is_revoked
    return {
        "view": owner,
        "edit": live,
        "preview": live,
        "sign": live,
        "revoke": live,
        "delete": owner,
    }


@abilities.register(SignedDocument)
def signed_document_abilities(user, document: SignedDocument) -> dict[str, bool]:
    holder = _holder(user)
    owner = holder is not None and holder.pk == document.holder_id
    return {"view": owner, "download": owner}
