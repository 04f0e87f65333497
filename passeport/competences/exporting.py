"""The holder's competences and « Mon avenir » as data: the GDPR export's `competences` and
`avenir` sections, and what the « Mon avenir » page renders — the same dicts, so that an
operator, a counsellor later and the tests read exactly what the holder sees.

`competences[]`: `code_ogr` (null for a certifier's wording or the holder's own), `libelle`,
`categorie` savoir-faire | savoir-etre | savoir, `force` 1–4 (`force_libelle`), `statut`
deduite | confirmee | masquee | declaree, `provenances[]` with `entree` (entry id),
`entree_intitule`, `type`, `rome`, `bloc`, `certification`, `appellation`, `coeur_metier`
principale | emergente | null, `version` (the referential release read), `note`, and
`correspondance_suggeree` for a bloc competence.

`avenir`: `objectif` (or null), `metiers[]` ranked, each with `code_rome`, `libelle`,
`couverture` (percentage of the core competences covered, as shown), `coeur`, `couvertes`,
`manquantes[]` and `emergentes_manquantes[]` ({`code_ogr`, `libelle`}), `certifications[]`
(`code`, `intitule`, `actif`, `remplace`, `couvre[]`, `blocs[]`, `note`); `vos_metiers[]`;
`mobilites[]` ({`depuis`, `vers[]` with `ordre` and the same fields as a métier}).
"""

from . import ranking
from .deduction import Competence, Profile
from .referential import Referential


def _competence(competence: Competence) -> dict:
    return {
        "cle": competence.key,
        "code_ogr": competence.code_ogr,
        "libelle": competence.libelle,
        "categorie": competence.categorie,
        "macro": competence.macro_libelle or None,
        "force": competence.force,
        "force_libelle": competence.force_label,
        "statut": competence.statut,
        "provenances": [
            {
                "entree": p.entree or None,
                "entree_intitule": p.entree_intitule,
                "type": p.type,
                "rome": p.rome,
                "bloc": p.bloc,
                "certification": p.certification,
                "appellation": p.appellation,
                "coeur_metier": p.coeur_metier,
                "version": p.version,
                "note": p.note,
                "correspondance_suggeree": (
                    {"code_ogr": p.alignement[0], "libelle": p.alignement[1]}
                    if p.alignement
                    else None
                ),
            }
            for p in competence.provenances
        ],
    }


def competences_data(profile: Profile) -> list[dict]:
    return [_competence(c) for c in profile.competences]


def _items(referential: Referential, codes) -> list[dict]:
    return [
        {
            "code_ogr": code,
            "libelle": referential.items[code].libelle if code in referential.items else "",
        }
        for code in codes
    ]


def _metier(referential: Referential, coverage: ranking.Coverage, certifications=None) -> dict:
    data = {
        "code_rome": coverage.fiche,
        "libelle": coverage.libelle,
        "couverture": coverage.percent,
        "coeur": coverage.core,
        "couvertes": len(coverage.covered),
        "manquantes": _items(referential, coverage.missing),
        "emergentes_manquantes": _items(referential, coverage.emerging_missing),
    }
    if certifications is not None:
        data["certifications"] = [
            {
                "code": option.code,
                "intitule": option.intitule,
                "actif": option.actif,
                "remplace": option.replaces,
                "couvre": _items(referential, option.covers),
                "blocs": [
                    {"code": bloc.code, "libelle": bloc.libelle, "couvre": list(bloc.covers)}
                    for bloc in option.blocs
                ],
                "listes_de_competences": option.has_lists,
                "note": option.note,
            }
            for option in certifications
        ]
    return data


def avenir_data(referential: Referential, avenir: ranking.Avenir) -> dict:
    certifications = avenir.certifications
    return {
        "objectif": (
            _metier(referential, avenir.goal, certifications.get(avenir.goal.fiche, []))
            if avenir.goal
            else None
        ),
        "metiers": [
            _metier(referential, c, certifications.get(c.fiche, [])) for c in avenir.ranked
        ],
        "vos_metiers": [_metier(referential, c) for c in avenir.own],
        "mobilites": [
            {
                "depuis": {"code_rome": path.source, "libelle": path.source_libelle},
                "vers": [{"ordre": ordre, **_metier(referential, c)} for ordre, c in path.targets],
            }
            for path in avenir.paths
        ],
    }
