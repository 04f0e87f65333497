"""A holder's competences and « Mon avenir » as the API gives them (the holder's applications
and consented organisations alike).

The same functions as the pages (`competences/profiles.py`) and the same dicts as the GDPR
export (`competences/exporting.py`, whose docstring describes every field): what a reader of the
API gets is exactly what the holder sees on « Mes compétences » and « Mon avenir ». Competences
the holder hid are left out, as on the holder's map.
"""

from typing import Literal

from ninja import Schema

from passeport.competences import exporting, profiles

from .pagination import PageMeta, paginate


class CompetenceCorrespondance(Schema):
    code_ogr: str
    libelle: str


class CompetenceProvenance(Schema):
    entree: str | None
    entree_intitule: str
    type: str
    rome: str | None
    bloc: str | None
    certification: str | None
    appellation: str | None
    coeur_metier: Literal["principale", "emergente"] | None
    version: str
    note: str
    correspondance_suggeree: CompetenceCorrespondance | None


class Competence(Schema):
    cle: str
    code_ogr: str | None
    libelle: str
    categorie: str
    macro: str | None
    force: int
    force_libelle: str
    statut: Literal["deduite", "confirmee", "declaree"]
    provenances: list[CompetenceProvenance]


class CompetenceList(PageMeta):
    competences: list[Competence]


class ItemRome(Schema):
    code_ogr: str
    libelle: str


class BlocCouvrant(Schema):
    code: str
    libelle: str
    couvre: list[str]


class CertificationVisee(Schema):
    code: str
    intitule: str
    actif: bool
    remplace: str | None
    couvre: list[ItemRome]
    blocs: list[BlocCouvrant]
    listes_de_competences: bool
    note: str


class Metier(Schema):
    code_rome: str
    libelle: str
    couverture: int
    coeur: int
    couvertes: int
    manquantes: list[ItemRome]
    emergentes_manquantes: list[ItemRome]
    certifications: list[CertificationVisee] = []


class MetierOrdonne(Metier):
    ordre: int


class MetierDepart(Schema):
    code_rome: str
    libelle: str


class Mobilite(Schema):
    depuis: MetierDepart
    vers: list[MetierOrdonne]


class Avenir(Schema):
    objectif: Metier | None
    metiers: list[Metier]
    vos_metiers: list[Metier]
    mobilites: list[Mobilite]


def competences_page(holder, page: int) -> dict:
    """One page of the holder's visible competences, in the order of « Mes compétences »."""
    profile = profiles.state_of(holder).profile
    visible = [c for c in exporting.competences_data(profile) if c["statut"] != "masquee"]
    items, meta = paginate(visible, page)
    return {"competences": list(items), **meta}


def avenir_json(holder) -> dict:
    """« Mon avenir » as its page renders it (`profiles.avenir_view`)."""
    return profiles.avenir_view(profiles.state_of(holder))
