"""What a holder may do with the entries and documents of their passport (core/abilities.py).

Guaranteed entries belong to the identity person and are written only by their certifier's
flux: the holder sees them and may report an error, never edit, delete or attach to them
(PRODUCT.md: guaranteed data kept apart from declared). Declared entries are the holder's own:
edited, deleted and documented freely. A withdrawn entry is no longer anyone's to see.
"""

from passeport.core import abilities

from .models import Document, Entry


def _holder(user):
    return getattr(user, "holder", None) if getattr(user, "is_authenticated", False) else None


def _owns(holder, entry: Entry) -> bool:
    if holder is None or entry.withdrawn_at is not None:
        return False
    if entry.is_guaranteed:
        return holder.person_id is not None and entry.person_id == holder.person_id
    return entry.holder_id == holder.pk


@abilities.register(Entry)
def entry_abilities(user, entry: Entry) -> dict[str, bool]:
    owner = _owns(_holder(user), entry)
    declared = owner and not entry.is_guaranteed
    return {
        "view": owner,
        "edit": declared,
        "delete": declared,
        "add_document": declared,
        "report_error": owner and entry.is_guaranteed,
    }


@abilities.register(Document)
def document_abilities(user, document: Document) -> dict[str, bool]:
    entry = abilities.for_user(user, document.entry)
    return {"download": entry["view"], "delete": entry["add_document"]}
