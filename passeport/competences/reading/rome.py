"""The ROME 4.0 open-data CSV set of France Travail (RefRomeCsv), read into rows to load.

Files are named `unix_<table>_v<NNN>_utf8.csv`; `<NNN>` (`460`: ROME 4, release 60) changes
three times a year and is read from the names, never written here. `version.txt`, when shipped,
gives the release number and its publication date. Columns are read by header name.

What is kept (the rest of the set — centres d'intérêt, secteurs, thèmes — is not used):
- `referentiel_code_rome`: the fiches (code, OGR code, title, parent fiche);
- `cr_gd_dp`: each fiche's grand domaine and domaine professionnel;
- `texte`: the definition and « accès au métier » sentences, in their order;
- `referentiel_appellation`: appellations (principal and synonyms) with fiche and parent fiche;
- `item`: every item's label and rubrique (1 savoir-faire, 2 savoir-être, 3 savoir, empty: a
  work context); `referentiel_competence` (savoir-faire and savoir-être with their
  macro-compétence), `referentiel_savoir` (savoirs' categories), `referentiel_contexte_travail`;
- `coherence_item`: the items of each fiche and their `coeur_metier` (Principale / Émergente /
  empty);
- `rubrique_mobilite`: the mobilities of each fiche, in their `numero_ordre`;
- `arborescence_competences` when present (not in every mirror): the labels of the competence
  tree's domains, enjeux and objectives;
- `referentiel_code_rome_riasec` when present.

Cross-file consistency is checked (a fiche's item must exist, a mobility's target too): a file
cut at a line boundary is otherwise invisible, and the error names the file that lacks the code.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from .sources import Member, ReferentialError, Source, decode, table

FILE_NAME = re.compile(r"unix_(?P<table>[a-z0-9_]+?)_v(?P<version>\d+)(?:_utf8)?\.csv")
REQUIRED = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "item",
    "referentiel_competence",
    "referentiel_savoir",
    "referentiel_contexte_travail",
    "coherence_item",
    "rubrique_mobilite",
    "texte",
    "cr_gd_dp",
)
OPTIONAL = ("arborescence_competences", "referentiel_code_rome_riasec")

CORE = {"principale": "principale", "émergente": "emergente", "emergente": "emergente", "": ""}
RUBRIQUE = {"1": "savoir-faire", "2": "savoir-etre", "3": "savoir"}


class FicheRow(NamedTuple):
    code: str
    code_ogr: str
    libelle: str
    parent_code: str
    grand_domaine_code: str
    grand_domaine: str
    domaine_code: str
    domaine: str
    definition: str
    acces: str
    riasec: str
    tags: list


class AppellationRow(NamedTuple):
    code_ogr: str
    libelle: str
    libelle_court: str
    fiche_code: str
    parent_code: str
    principale: bool
    peu_usitee: bool


class ItemRow(NamedTuple):
    code_ogr: str
    libelle: str
    categorie: str
    nature: str
    macro_code_ogr: str
    macro_code: str
    groupe: str
    sous_groupe: str
    definition: str


class FicheItemRow(NamedTuple):
    fiche_code: str
    item_code: str
    coeur_metier: str


class MobilityRow(NamedTuple):
    fiche_code: str
    target_code: str
    ordre: int


class GroupRow(NamedTuple):
    level: str
    code: str
    libelle: str


@dataclass
class RomeSet:
    label: str  # "v460"
    title: str = ""
    published_on: date | None = None
    fiches: list[FicheRow] = field(default_factory=list)
    appellations: list[AppellationRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    fiche_items: list[FicheItemRow] = field(default_factory=list)
    mobilities: list[MobilityRow] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    def tables(self) -> dict[str, list]:
        return {
            "fiches": self.fiches,
            "appellations": self.appellations,
            "items": self.items,
            "fiche_items": self.fiche_items,
            "mobilities": self.mobilities,
            "groups": self.groups,
        }


def find_files(source: Source) -> tuple[str, dict[str, Member]]:
    """(the release suffix, {table: member}) of a ROME set; errors name what is missing."""
    found = source.matching(FILE_NAME)
    if not found:
        raise ReferentialError(
            "aucun fichier du ROME (unix_<table>_v<version>_utf8.csv) n'y figure.",
            file=source.name,
            fix="Indiquez le dossier ou le zip du ROME publié par France Travail.",
        )
    versions = sorted({match["version"] for _, match in found})
    if len(versions) > 1:
        raise ReferentialError(
            f"fichiers de plusieurs versions mélangés (v{', v'.join(versions)}).",
            file=source.name,
            fix="Importez une seule version à la fois, dans un dossier à part.",
        )
    files = {match["table"]: member for member, match in found}
    missing = [name for name in REQUIRED if name not in files]
    if missing:
        names = ", ".join(f"unix_{name}_v{versions[0]}_utf8.csv" for name in missing)
        raise ReferentialError(
            f"fichier(s) manquant(s) : {names}.",
            file=source.name,
            fix="Le jeu de fichiers est incomplet ; reprenez-le en entier.",
        )
    return f"v{versions[0]}", files


_VERSION_NUMBER = re.compile(r"Num[ée]ro de version\s*:\s*(\S+)", re.I)
_PUBLISHED = re.compile(r"Date de publication\s*:\s*(\d{2})/(\d{2})/(\d{4})", re.I)
_TITLE = re.compile(r"Titre/commentaire\s*:\s*(.+)", re.I)


def _release_note(source: Source, rome: RomeSet) -> None:
    notes = [m for m in source.members if m.key == "version.txt"]
    if not notes:
        return
    text = decode(notes[0]).text
    if match := _TITLE.search(text):
        rome.title = match.group(1).strip()
    elif match := _VERSION_NUMBER.search(text):
        rome.title = f"version {match.group(1)}"
    if match := _PUBLISHED.search(text):
        day, month, year = map(int, match.groups())
        try:
            rome.published_on = date(year, month, day)
        except ValueError:
            rome.warnings.append(f"{notes[0].name} : date de publication invalide, ignorée.")


def read_rome(source: Source, progress: Callable[[int], None] = lambda n: None) -> RomeSet:
    label, files = find_files(source)
    rome = RomeSet(label=label, members=list(files.values()))
    _release_note(source, rome)

    def rows(name: str, required: tuple[str, ...]):
        csv_table = table(files[name], required)
        if csv_table.text.warning:
            rome.warnings.append(csv_table.text.warning)
        count = 0
        for line, row in csv_table.rows():
            count += 1
            if count % 5000 == 0:
                progress(5000)
            yield line, row
        progress(count % 5000)

    # Fiches, their domains, definitions and RIASEC codes.
    domains: dict[str, tuple[str, str, str, str]] = {}
    for _line, row in rows(
        "cr_gd_dp",
        (
            "code_rome",
            "code_grand_domaine",
            "libelle_grand_domaine",
            "code_domaine_professionel",
            "libelle_domaine_professionel",
        ),
    ):
        domains[row["code_rome"]] = (
            row["code_grand_domaine"],
            row["libelle_grand_domaine"],
            row["code_domaine_professionel"],
            row["libelle_domaine_professionel"],
        )
    texts: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for line, row in rows(
        "texte", ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte")
    ):
        key = (row["code_rome"], row["libelle_type_texte"])
        texts.setdefault(key, []).append((_int(row["position_phrase"], files["texte"], line), row))
    riasec: dict[str, str] = {}
    if "referentiel_code_rome_riasec" in files:
        for _line, row in rows(
            "referentiel_code_rome_riasec", ("code_rome", "riasec_majeur", "riasec_mineur")
        ):
            riasec[row["code_rome"]] = row["riasec_majeur"] + row["riasec_mineur"]

    def sentences(code: str, kind: str) -> str:
        return "\n".join(row["libelle_texte"] for _, row in sorted(texts.get((code, kind), [])))

    fiche_file = files["referentiel_code_rome"]
    seen: dict[str, int] = {}
    for line, row in rows(
        "referentiel_code_rome", ("code_rome", "code_ogr", "libelle_rome", "code_rome_parent")
    ):
        code = row["code_rome"]
        if code in seen:
            raise ReferentialError(
                f"la fiche {code} y figure deux fois (déjà ligne {seen[code]}).",
                file=fiche_file.name,
                line=line,
            )
        seen[code] = line
        grand_code, grand, domain_code, domain = domains.get(code, ("", "", "", ""))
        tags = [
            label
            for column, label in (
                ("emploi_cadre", "Emploi cadre"),
                ("emploi_reglemente", "Métier réglementé"),
                ("transition_num", "Transition numérique"),
                ("transition_demo", "Transition démographique"),
            )
            if row.get(column) == "O"
        ]
        if row.get("transition_eco") and row["transition_eco"] != "Emploi Blanc":
            tags.append(row["transition_eco"])
        rome.fiches.append(
            FicheRow(
                code=code,
                code_ogr=row["code_ogr"],
                libelle=row["libelle_rome"],
                parent_code=row["code_rome_parent"],
                grand_domaine_code=grand_code,
                grand_domaine=grand,
                domaine_code=domain_code,
                domaine=domain,
                definition=sentences(code, "definition"),
                acces=sentences(code, "acces_metier"),
                riasec=riasec.get(code, ""),
                tags=tags,
            )
        )

    # Items: labels and rubriques, then the details of each kind.
    competences: dict[str, dict[str, str]] = {}
    for _line, row in rows(
        "referentiel_competence",
        ("code_ogr", "nature", "code_ogr_macro_comp", "code_macro_comp", "cat_comp"),
    ):
        competences[row["code_ogr"]] = row
    savoirs: dict[str, dict[str, str]] = {}
    for _line, row in rows(
        "referentiel_savoir", ("code_ogr_savoir", "categorie_savoir", "sous_categorie_savoir")
    ):
        savoirs[row["code_ogr_savoir"]] = row
    contexts: dict[str, str] = {}
    for _line, row in rows("referentiel_contexte_travail", ("code_ogr", "libelle_type_cont_trav")):
        contexts[row["code_ogr"]] = row["libelle_type_cont_trav"]
    macro_codes = {
        code: row["code_macro_comp"]
        for code, row in competences.items()
        if row["nature"].lower().startswith("macro")
    }
    item_codes: set[str] = set()
    for line, row in rows("item", ("code_ogr", "libelle", "code_rubrique")):
        code = row["code_ogr"]
        item_codes.add(code)
        detail = competences.get(code)
        if detail is not None:
            macro = detail["nature"].lower().startswith("macro")
            categorie = "savoir-etre" if _is_savoir_etre(detail["cat_comp"]) else "savoir-faire"
            macro_code_ogr = code if macro else detail["code_ogr_macro_comp"]
            rome.items.append(
                ItemRow(
                    code_ogr=code,
                    libelle=row["libelle"] or detail.get("libelle_competence", ""),
                    categorie=categorie,
                    nature="macro" if macro else "competence",
                    macro_code_ogr=macro_code_ogr,
                    macro_code=macro_codes.get(macro_code_ogr, ""),
                    groupe=detail.get("sous_cat_comp", ""),
                    sous_groupe="",
                    definition=detail.get("definition", ""),
                )
            )
        elif code in savoirs:
            rome.items.append(
                ItemRow(
                    code_ogr=code,
                    libelle=row["libelle"],
                    categorie="savoir",
                    nature="savoir",
                    macro_code_ogr="",
                    macro_code="",
                    groupe=savoirs[code]["categorie_savoir"],
                    sous_groupe=savoirs[code]["sous_categorie_savoir"],
                    definition="",
                )
            )
        elif code in contexts or row["code_rubrique"] == "":
            rome.items.append(
                ItemRow(
                    code,
                    row["libelle"],
                    "contexte",
                    "contexte",
                    "",
                    "",
                    contexts.get(code, ""),
                    "",
                    "",
                )
            )
        elif row["code_rubrique"] in RUBRIQUE:
            categorie = RUBRIQUE[row["code_rubrique"]]
            rome.items.append(
                ItemRow(
                    code,
                    row["libelle"],
                    categorie,
                    "savoir" if categorie == "savoir" else "competence",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
            )
        else:
            raise ReferentialError(
                f"rubrique « {row['code_rubrique']} » inconnue pour l'item {code} (1 savoir-faire, "
                "2 savoir-être, 3 savoirs, vide pour un contexte de travail).",
                file=files["item"].name,
                line=line,
            )

    fiche_codes = set(seen)
    item_file, coherence = files["item"], files["coherence_item"]
    for line, row in rows("coherence_item", ("code_rome", "code_ogr", "coeur_metier")):
        if row["code_rome"] not in fiche_codes:
            raise _missing(row["code_rome"], "la fiche", fiche_file, coherence, line)
        if row["code_ogr"] not in item_codes:
            raise _missing(row["code_ogr"], "l'item", item_file, coherence, line)
        core = CORE.get(row["coeur_metier"].lower())
        if core is None:
            raise ReferentialError(
                f"coeur_metier « {row['coeur_metier']} » inconnu (Principale, Émergente ou vide).",
                file=coherence.name,
                line=line,
            )
        rome.fiche_items.append(FicheItemRow(row["code_rome"], row["code_ogr"], core))

    mobility = files["rubrique_mobilite"]
    for line, row in rows("rubrique_mobilite", ("code_rome", "code_rome_cible", "numero_ordre")):
        for code in (row["code_rome"], row["code_rome_cible"]):
            if code not in fiche_codes:
                raise _missing(code, "la fiche", fiche_file, mobility, line)
        rome.mobilities.append(
            MobilityRow(
                row["code_rome"], row["code_rome_cible"], _int(row["numero_ordre"], mobility, line)
            )
        )

    appellations = files["referentiel_appellation"]
    for line, row in rows(
        "referentiel_appellation",
        ("code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome"),
    ):
        if row["code_rome"] not in fiche_codes:
            raise _missing(row["code_rome"], "la fiche", fiche_file, appellations, line)
        rome.appellations.append(
            AppellationRow(
                code_ogr=row["code_ogr"],
                libelle=row["libelle_appellation_long"] or row["libelle_appellation_court"],
                libelle_court=row["libelle_appellation_court"],
                fiche_code=row["code_rome"],
                parent_code=row.get("code_rome_parent", ""),
                principale=row.get("classification", "").upper() == "PRINCIPALE",
                peu_usitee=row.get("peu_usite", "").upper() == "O",
            )
        )

    if "arborescence_competences" in files:
        _tree(rows, rome)
    return rome


def _tree(rows, rome: RomeSet) -> None:
    seen: set[tuple[str, str]] = set()
    for _line, row in rows(
        "arborescence_competences",
        ("code_domaine_competence", "domaine_competence", "code_enjeu", "enjeu"),
    ):
        for level, code, label in (
            ("domaine", row["code_domaine_competence"], row["domaine_competence"]),
            ("enjeu", row.get("code_enjeu", ""), row.get("enjeu", "")),
            ("objectif", row.get("code_objectif", ""), row.get("objectif", "")),
        ):
            if code and (level, code) not in seen:
                seen.add((level, code))
                rome.groups.append(GroupRow(level, code, label))


def _is_savoir_etre(category: str) -> bool:
    # « Savoir-être professionnel » (the 16 of ROME 4.0), however its accents were written.
    return category.lower().replace("ê", "e").startswith("savoir-etre")


def _missing(code: str, what: str, owner: Member, citing: Member, line: int) -> ReferentialError:
    return ReferentialError(
        f"{what} {code}, citée ici, est absente de {owner.basename} : l'un des deux fichiers "
        "est tronqué ou ne vient pas de la même version.",
        file=citing.name,
        line=line,
        fix="Reprenez le jeu de fichiers complet.",
    )


def _int(value: str, member: Member, line: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise ReferentialError(
            f"« {value} » n'est pas un nombre entier.", file=member.name, line=line
        ) from None
