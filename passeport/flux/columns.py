"""The spreadsheet's columns: which dictionary field each header means.

A certifier's headers are whatever their office produced: « Nom de naissance », « NOM NAISSANCE »,
« nomNaissance », « 8.1 », « 8.1 - Nom de naissance », « Date de naissance (jj/mm/aaaa) »… A header
is recognised (`recognise_headers`) by, in order:

1. the explicit TOML mapping file, if any (`[colonnes]` « header » = "element, key or number");
2. the dictionary's element name, key, French label or field number, compared folded (case,
   accents, punctuation, spaces and little words « de », « du », « la »… ignored);
3. the same with the field number or a parenthesised note removed (« 8.1 Nom de naissance »,
   « Date de naissance (jj/mm/aaaa) ») or the number alone;
4. a short list of usual synonyms (« Nom », « Prénom », « Date du jury », « Code RNCP »…).

Unknown headers are reported (never silently dropped). Two pseudo-columns exist beside the
dictionary's fields: `dateNaissance` (the birth date in one column, split into
`anneeNaissance`, `moisNaissance`, `jourNaissance`) and `resultats` (the DigComp results
« niveau/domaine/compétence » separated by « ; », e.g. « 5/3/4 ; 7/1/1 »).
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from passeport.flux import dictionary
from passeport.flux.normalisation import ValueSpec, fold

BIRTH_DATE = "dateNaissance"
RESULTS = "resultats"
_STOP_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "et", "the"}
_NUMBER = re.compile(r"^\s*(\d{1,2}\.\d{1,2})\b[\s\-–—:.)]*|\(\s*(\d{1,2}\.\d{1,2})\s*\)")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")

# Field keys that are not spreadsheet columns: the shared nomNaissance of the NIR branch is
# the same column as the titulaire's, the DigComp results come through the `resultats` column.
_NOT_COLUMNS = {"identifiantNational/nomNaissance", "niveau", "domaineCompetenceId", "competenceId"}
_SPECIAL_KINDS = {
    "code": "certification",
    "codeInsee": "insee",
    "codePostal": "postal",
    "codePostalCentreExamen": "postal",
    "nir": "nir",
    "sexe": "sexe",
}
_KINDS = {"string": "text", "date": "date", "int": "int", "boolean": "boolean", "enum": "enum"}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("code rncp", "code rs", "code certification", "certification", "code fiche",
             "numero fiche", "rncp", "code france competences"),
    "type": ("repertoire", "type certification"),
    "idTechnique": ("id technique", "identifiant passage", "id passage", "identifiant technique"),
    "nomNaissance": ("nom", "nom famille", "nom jeune fille", "nom patronymique", "patronyme",
                     "nom naissance titulaire"),
    "nomUsage": ("nom marital", "nom epouse", "nom usuel"),
    "prenom1": ("prenom", "prenoms", "premier prenom", "prenom 1"),
    "prenom2": ("deuxieme prenom", "second prenom", "prenom 2"),
    "prenom3": ("troisieme prenom", "prenom 3"),
    "sexe": ("genre", "civilite", "sexe titulaire"),
    BIRTH_DATE: ("date naissance", "ne le", "nee le", "ne e le", "naissance", "ddn",
                 "date naissance titulaire"),
    "anneeNaissance": ("annee naissance",),
    "moisNaissance": ("mois naissance",),
    "jourNaissance": ("jour naissance",),
    "codeInsee": ("code insee", "insee", "code insee naissance", "insee naissance",
                  "code commune naissance", "code insee commune naissance"),
    "codePostal": ("code postal naissance", "cp naissance"),
    "libelleCommuneNaissance": ("commune naissance", "ville naissance", "lieu naissance"),
    "codePaysNaissance": ("code pays", "code pays naissance"),
    "libellePaysNaissance": ("pays naissance", "pays"),
    "dateDebutValidite": ("date obtention", "date jury", "date certification", "date delivrance",
                          "date diplome", "date validation", "debut validite"),
    "dateFinValidite": ("fin validite", "date expiration"),
    "dateDebutExamen": ("debut examen", "date examen"),
    "dateFinExamen": ("fin examen",),
    "obtentionCertification": ("obtention", "mode obtention"),
    "donneeCertifiee": ("certifiee", "resultat definitif", "donnee certifiee"),
    "mentionValidee": ("mention", "mention obtenue"),
    "modaliteAcces": ("voie acces", "modalite acces", "acces"),
    "niveauLangueEuropeen": ("niveau langue", "niveau cecrl", "cecrl"),
    "niveauNumeriqueEuropeen": (),
    "scoreGeneral": ("score numerique", "score general", "score pix"),
    "scoring": ("score", "note", "note obtenue"),
    "codePostalCentreExamen": ("cp centre examen", "code postal examen", "code postal centre"),
    "idDossier": ("numero dossier cpf", "dossier cpf", "id dossier", "numero dossier"),
    "nir": ("numero securite sociale", "nss", "numero ss", "nir titulaire"),
    "urlPreuve": ("url preuve", "lien preuve", "preuve"),
    "libelleOption": ("option", "specialite", "parcours"),
    "natureDeposant": ("nature deposant", "deposant"),
}  # fmt: skip


class MappingError(ValueError):
    """A mapping file that cannot be used; the message is French and names the file."""


@dataclass(frozen=True)
class Column:
    key: str  # the dictionary field key, or BIRTH_DATE / RESULTS
    number: str
    label: str
    help: str
    spec: ValueSpec
    field: dictionary.Field | None = None
    versions: tuple[str, ...] = dictionary.VERSIONS

    @property
    def name(self) -> str:
        return self.field.name if self.field else self.key


def header_key(text: str) -> str:
    """A header folded for comparison: « Nom de naissance » → « nom naissance »."""
    text = re.sub(r"([a-z])([A-Z0-9])", r"\1 \2", str(text))  # camelCase → words
    return " ".join(w for w in fold(text).split() if w not in _STOP_WORDS)


def _spec(f: dictionary.Field) -> ValueSpec:
    kind = _SPECIAL_KINDS.get(f.name) or _KINDS[f.kind]
    length = f.min_length if f.min_length is not None and f.min_length == f.max_length else None
    return ValueSpec(
        name=f.key,
        kind=kind,
        label=f.label,
        min_length=None if length else f.min_length,
        max_length=None if length else f.max_length,
        length=length,
        min_value=f.min,
        max_value=f.max,
        choices=dict(f.choices),
    )


def spreadsheet_columns(version: str = "1.1.5") -> list[Column]:
    """Every column a spreadsheet may have, in the dictionary's order (the template's order)."""
    columns: list[Column] = []
    for f in dictionary.FIELDS:
        if f.is_group or f.scope == "flux" or f.key in _NOT_COLUMNS or version not in f.versions:
            continue
        columns.append(
            Column(f.key, f.number, f.label, f.help, _spec(f), field=f, versions=f.versions)
        )
        if f.name == "scoreGeneral":
            columns.append(
                Column(
                    RESULTS,
                    "5.3",
                    "Résultats par compétence numérique",
                    "Les résultats DigComp « niveau/domaine/compétence » séparés par « ; » "
                    "(par exemple 5/3/4 ; 7/1/1).",
                    ValueSpec(name=RESULTS, kind="text", max_length=2000),
                )
            )
    return columns


def birth_date_column() -> Column:
    return Column(
        BIRTH_DATE,
        "8.6",
        "Date de naissance",
        "La date de naissance complète (jj/mm/aaaa), à la place des colonnes année, mois, jour.",
        ValueSpec(name=BIRTH_DATE, kind="date"),
    )


@dataclass
class HeaderMapping:
    """Result of header recognition: column index → Column, plus what was not recognised."""

    columns: dict[int, Column] = field(default_factory=dict)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (index, header)
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)  # (index, header, key)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # mapped to "" explicitly
    unsupported: list[tuple[int, str]] = field(default_factory=list)  # not in this version
    version: str = "1.1.2"

    def keys(self) -> set[str]:
        return {c.key for c in self.columns.values()}


@dataclass
class Mapping:
    """A TOML mapping file: headers → fields, and constant values for every row."""

    columns: dict[str, str] = field(default_factory=dict)  # header → key ("" = ignore)
    values: dict[str, object] = field(default_factory=dict)  # key → constant value
    path: str = ""


def _index(version: str) -> dict[str, Column]:
    index: dict[str, Column] = {}
    all_columns = [*spreadsheet_columns(version), birth_date_column()]
    for column in all_columns:
        names = {column.key, column.label, column.name}
        names.update(SYNONYMS.get(column.key, ()))
        for name in names:
            index.setdefault(header_key(name), column)
    for column in all_columns:  # numbers last: « 8.1 » never shadows a name
        index.setdefault(column.number, column) if column.field else None
    return index


def resolve_field(name: str, version: str = "1.1.5") -> Column | None:
    """A column from a mapping value: element name, key, number or label."""
    index = _index(version)
    return index.get(name.strip()) or index.get(header_key(name))


def _recognise(header: str, index: dict[str, Column]) -> Column | None:
    key = header_key(header)
    if key in index:
        return index[key]
    match = _NUMBER.search(header)
    if match:
        number = match.group(1) or match.group(2)
        rest = header_key(_NUMBER.sub(" ", header))
        if rest in index:
            return index[rest]
        if number in index:
            return index[number]
    stripped = header_key(_PAREN.sub(" ", header))
    if stripped and stripped in index:
        return index[stripped]
    return None


def recognise_headers(
    headers: list, mapping: Mapping | None = None, version: str | None = None
) -> HeaderMapping:
    """Map each header cell to a Column. `version` None: 1.1.5 if a NIR column is present."""
    index = _index("1.1.5")
    explicit = {header_key(k): v for k, v in (mapping.columns if mapping else {}).items()}
    result = HeaderMapping()
    seen: dict[str, int] = {}
    for position, raw in enumerate(headers):
        header = "" if raw is None else str(raw).strip()
        if not header:
            continue
        target = explicit.get(header_key(header))
        if target is not None:
            if target == "":
                result.ignored.append((position, header))
                continue
            column = resolve_field(target)
            if column is None:
                raise MappingError(
                    f"{mapping.path} : la colonne « {header} » est associée à « {target} », qui "
                    "n'est pas un champ du flux. Utilisez le nom de l'élément (nomNaissance), "
                    "son numéro (8.1) ou son libellé."
                )
        else:
            column = _recognise(header, index)
        if column is None:
            result.unknown.append((position, header))
            continue
        if column.key in seen:
            result.duplicates.append((position, header, column.key))
            continue
        seen[column.key] = position
        result.columns[position] = column
    if version is None:
        version = "1.1.5" if "nir" in seen else "1.1.2"
    result.version = version
    if version != "1.1.5":
        for position, column in list(result.columns.items()):
            if version not in column.versions:
                del result.columns[position]
                result.unsupported.append((position, str(headers[position]).strip()))
    return result


def load_mapping(path: str | Path) -> Mapping:
    """Read a TOML mapping file (`[colonnes]` and `[valeurs]`). Raises MappingError."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise MappingError(f"{name} : lecture impossible ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"{name} : fichier de correspondance TOML invalide ({exc}). Chaque ligne doit "
            'avoir la forme "Titre de colonne" = "nomElement".'
        ) from None
    unknown_tables = set(data) - {"colonnes", "columns", "valeurs", "values"}
    if unknown_tables:
        raise MappingError(
            f"{name} : section(s) inconnue(s) {', '.join(sorted(unknown_tables))} ; seules "
            "[colonnes] et [valeurs] sont permises."
        )
    columns = {**data.get("columns", {}), **data.get("colonnes", {})}
    values = {**data.get("values", {}), **data.get("valeurs", {})}
    for header, target in columns.items():
        if not isinstance(target, str):
            raise MappingError(
                f"{name} : [colonnes] « {header} » doit être associé à un texte (nom de "
                'l\'élément, par exemple "nomNaissance").'
            )
    resolved_values: dict[str, object] = {}
    for key, value in values.items():
        column = resolve_field(key)
        if column is None:
            raise MappingError(
                f"{name} : [valeurs] « {key} » n'est pas un champ du flux. Utilisez le nom de "
                "l'élément (obtentionCertification), son numéro (4.4) ou son libellé."
            )
        resolved_values[column.key] = value
    return Mapping(columns=columns, values=resolved_values, path=name)
