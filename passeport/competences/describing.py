"""« Fiche métier » and « Fiche certification » as data: the HTML pages and their JSON twins
(`/metiers/<code>.json`, `/certifications/<code>.json`) render the same dict, so they cannot
disagree. Field names are French, as the rest of the passport's data (export, API):

Fiche métier: `code_rome`, `libelle`, `version`, `definition`, `acces`, `domaine_professionnel`,
`appellations[]` (`code_ogr`, `libelle`, `principale`), `competences[]` (`code_ogr`, `libelle`,
`categorie` savoir-faire | savoir-etre | savoir, `coeur_metier` principale | emergente | null,
`macro` {`code_ogr`, `libelle`} for a savoir-faire, else null), `contextes[]`, `mobilites[]`
(`ordre`, `code_rome`, `libelle`), `certifications[]` (`code`, `intitule`, `actif`).

Fiche certification: `code`, `type` RNCP | RS, `intitule`, `version`, `actif`, `statut`
active | inactive, `niveau`, `blocs[]` (`code`, `libelle`, `competences[]` with `position`,
`niveau` 1 compétence | 2 savoir-faire, `parent`, `libelle`), `romes[]` (`code_rome`,
`libelle`), `successeur_actif`, `nouvelles[]`, `anciennes[]`, `nsf[]`, `formacodes[]`,
`certificateurs[]`.
"""

from . import models as m
from .ranking import active_successor
from .referential import Referential

CATEGORY_ORDER = ("savoir-faire", "savoir-etre", "savoir")


def fiche_data(referential: Referential, code: str) -> dict | None:
    fiche = referential.fiche(code)
    if fiche is None:
        return None
    current = fiche.version == referential.rome
    row = m.RomeFiche.objects.filter(version_id=fiche.version.id, code=code).first()
    competences, contexts = [], []
    for item_code, core in fiche.items:
        item = referential.item(item_code, fiche)
        if item is None:
            continue
        if item.categorie == "contexte":
            contexts.append({"code_ogr": item.code, "libelle": item.libelle, "type": item.groupe})
            continue
        macro = None
        if item.categorie == "savoir-faire" and item.macro:
            macro_item = referential.item(item.macro, fiche)
            macro = {"code_ogr": item.macro, "libelle": macro_item.libelle if macro_item else ""}
        competences.append(
            {
                "code_ogr": item.code,
                "libelle": item.libelle,
                "categorie": item.categorie,
                "coeur_metier": core or None,
                "macro": macro,
            }
        )
    competences.sort(
        key=lambda c: (
            {"principale": 0, "emergente": 1}.get(c["coeur_metier"], 2),
            CATEGORY_ORDER.index(c["categorie"]),
        )
    )
    appellations = list(
        m.RomeAppellation.objects.filter(version_id=fiche.version.id, fiche_code=code)
        .order_by("-principale", "libelle")
        .values_list("code_ogr", "libelle", "principale")
    )
    mobilities = []
    for target, ordre in fiche.mobilities:
        target_fiche = referential.fiche(target)
        mobilities.append(
            {
                "ordre": ordre,
                "code_rome": target,
                "libelle": target_fiche.libelle if target_fiche else "",
            }
        )
    certifications = [
        {"code": c.code, "intitule": c.intitule, "actif": c.actif}
        for c in (
            referential.certifications[x] for x in referential.certifications_by_rome.get(code, ())
        )
    ]
    certifications.sort(key=lambda c: (not c["actif"], c["code"]))
    return {
        "code_rome": fiche.code,
        "libelle": fiche.libelle,
        "version": fiche.version.label,
        "version_en_vigueur": current,
        "definition": fiche.definition,
        "acces": fiche.acces,
        "domaine_professionnel": {
            "code": row.domaine_code if row else "",
            "libelle": fiche.domaine,
            "grand_domaine": fiche.grand_domaine,
        },
        "fiche_parente": fiche.parent or None,
        "caracteristiques": list(fiche.tags),
        "appellations": [
            {"code_ogr": a, "libelle": libelle, "principale": principale}
            for a, libelle, principale in appellations
        ],
        "competences": competences,
        "contextes": contexts,
        "mobilites": mobilities,
        "certifications": certifications,
    }


def certification_data(referential: Referential, code: str) -> dict | None:
    certification = referential.certification(code)
    if certification is None:
        return None
    row = m.Certification.objects.filter(version_id=certification.version.id, code=code).first()
    blocs = [
        {
            "code": bloc.code,
            "libelle": bloc.libelle,
            "competences": [
                {
                    "position": i.position,
                    "niveau": i.niveau,
                    "parent": i.parent,
                    "libelle": i.libelle,
                }
                for i in bloc.competences
            ],
        }
        for bloc in referential.blocs_of(certification)
    ]
    romes = []
    labels = dict(
        m.CertificationRome.objects.filter(
            version_id=certification.version.id, certification_code=code
        ).values_list("rome_code", "libelle")
    )
    for rome in certification.romes:
        fiche = referential.fiche(rome)
        romes.append(
            {"code_rome": rome, "libelle": fiche.libelle if fiche else labels.get(rome, "")}
        )
    successor = None
    if not certification.actif:
        found, _unknown = active_successor(referential, code)
        if found is not None:
            successor = {"code": found.code, "intitule": found.intitule}

    def described(codes):
        out = []
        for other in codes:
            found = referential.certification(other)
            out.append(
                {
                    "code": other,
                    "intitule": found.intitule if found else "",
                    "actif": found.actif if found else None,
                }
            )
        return out

    return {
        "code": certification.code,
        "type": certification.kind,
        "intitule": certification.intitule,
        "version": certification.version.label,
        "version_en_vigueur": certification.version == referential.rncp,
        "actif": certification.actif,
        "statut": "active" if certification.actif else "inactive",
        "abrege": row.abrege_libelle or row.abrege if row else certification.abrege,
        "niveau": {"code": certification.niveau, "libelle": certification.niveau_libelle},
        "date_fin_enregistrement": (
            row.date_fin_enregistrement.isoformat() if row and row.date_fin_enregistrement else None
        ),
        "blocs": blocs,
        "romes": romes,
        "successeur_actif": successor,
        "nouvelles": described(referential.successors.get(code, ())),
        "anciennes": described(referential.predecessors.get(code, ())),
        "nsf": row.nsf if row else [],
        "formacodes": row.formacodes if row else [],
        "certificateurs": [
            {"nom": c.get("nom", ""), "siret": c.get("siret", "")}
            for c in (row.certificateurs if row else [])
        ],
    }
