"""A passport's entries as the API gives them (holders' applications and organisations alike)."""

import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema

from passeport.passport.models import Entry
from passeport.sharing.sections import SECTIONS, section_of_kind


class Entree(Schema):
    id: UUID
    rubrique: str
    nature: Literal[tuple(Entry.Kind.values)]
    libelleNature: str
    intitule: str
    organisme: str
    niveauConfiance: Literal[tuple(Entry.Trust.values)]
    libelleNiveauConfiance: str
    source: str
    libelleSource: str
    provisoire: bool
    dateDebut: datetime.date | None
    dateFin: datetime.date | None
    dateObtention: datetime.date | None
    dateExpiration: datetime.date | None
    codeCertification: str
    details: dict[str, Any]


class Rubrique(Schema):
    code: str
    libelle: str
    entrees: list[Entree]


def entry_json(entry: Entry) -> dict:
    section = section_of_kind(entry.kind)
    return {
        "id": entry.pk,
        "rubrique": section.code if section else "",
        "nature": entry.kind,
        "libelleNature": entry.get_kind_display(),
        "intitule": entry.title,
        "organisme": entry.organisation,
        "niveauConfiance": entry.trust,
        "libelleNiveauConfiance": entry.get_trust_display(),
        "source": entry.source,
        "libelleSource": entry.get_source_display(),
        "provisoire": entry.provisional,
        "dateDebut": entry.start_date,
        "dateFin": entry.end_date,
        "dateObtention": entry.award_date,
        "dateExpiration": entry.expires_on,
        "codeCertification": entry.certification_code,
        "details": {k: v for k, v in entry.details.items() if v not in (None, "")},
    }


def sections_json(entries, codes) -> list[dict]:
    """The entry sections among `codes`, in the passport's order, each with its entries (an
    empty section is listed: the reader sees it was granted and holds nothing)."""
    by_code = {
        s.code: {"code": s.code, "libelle": s.label, "entrees": []}
        for s in SECTIONS
        if s.code in codes and s.kinds
    }
    for entry in entries:
        section = section_of_kind(entry.kind)
        if section is not None and section.code in by_code:
            by_code[section.code]["entrees"].append(entry_json(entry))
    return list(by_code.values())
