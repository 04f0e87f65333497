"""ESCO's CSV distribution (European Commission), any language, read by header name.

Files: `occupations_<lang>.csv`, `skills_<lang>.csv`, `ISCOGroups_<lang>.csv` and, when present,
`occupationSkillRelations_<lang>.csv` (columns `occupationUri, relationType, skillType,
skillUri`); older releases drop the language suffix on some files. The language comes from the
suffix (or the folder's name), the release from the folder's or zip's name (`esco-1.2.0-en`,
« ESCO dataset - v1.2.0 »): ESCO's CSV files do not carry it.

When the folder also holds France Travail's ROME ↔ ESCO mapping (`EURESmapping_occs_FR_*.csv`:
a few metadata lines, then `classification 1 ID, classification 1 prefered label,
classification 2 ID, classification 2 prefered label, mapping relation` with
`skos:exactMatch|narrowMatch|broadMatch|closeMatch`), its lines are kept: they are the only
official crosswalk between the two; without it the product bridges through ISCO and says so.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from .sources import Member, ReferentialError, Source, clean, decode, table

FILE_NAME = re.compile(
    r"(?:.*/)?(?P<table>occupations|skills|iscogroups|occupationskillrelations)"
    r"(?:_(?P<lang>[a-z]{2}))?\.csv"
)
MAPPING = re.compile(r"(?:.*/)?euresmapping[^/]*\.csv")
_RELEASE = re.compile(r"v?(\d+\.\d+(?:\.\d+)?)")
_LANGUAGE_IN_NAME = re.compile(r"[-_ ](?P<lang>[a-z]{2})(?:[-_ .]|$)")
_ROME = re.compile(r"[A-N]\d{4}")
_URI = re.compile(r"https?://data\.europa\.eu/esco/occupation/\S+")


class OccupationRow(NamedTuple):
    uri: str
    code: str
    isco_group: str
    libelle: str
    alt_labels: str


class SkillRow(NamedTuple):
    uri: str
    skill_type: str
    reuse_level: str
    libelle: str
    alt_labels: str


class IscoRow(NamedTuple):
    uri: str
    code: str
    libelle: str


class RelationRow(NamedTuple):
    occupation_uri: str
    skill_uri: str
    relation: str


class LinkRow(NamedTuple):
    rome_code: str
    occupation_uri: str
    relation: str


@dataclass
class EscoSet:
    label: str
    language: str
    occupations: list[OccupationRow] = field(default_factory=list)
    skills: list[SkillRow] = field(default_factory=list)
    isco_groups: list[IscoRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    def tables(self) -> dict[str, list]:
        return {
            "occupations": self.occupations,
            "skills": self.skills,
            "isco_groups": self.isco_groups,
            "relations": self.relations,
            "links": self.links,
        }


def _labels(value: str) -> str:
    """altLabels: one per line in the main files, « | »-separated in the collections."""
    parts = re.split(r"\s*\|\s*|[\r\n]+", value or "")
    return "\n".join(part.strip() for part in parts if part.strip())


def read_esco(source: Source, progress: Callable[[int], None] = lambda n: None) -> EscoSet:
    files: dict[str, Member] = {}
    languages: set[str] = set()
    for member, match in source.matching(FILE_NAME):
        files[match["table"]] = member
        if match["lang"]:
            languages.add(match["lang"])
    if "occupations" not in files:
        raise ReferentialError(
            "fichier occupations_<langue>.csv introuvable : ce n'est pas un jeu ESCO en CSV.",
            file=source.name,
            fix="Indiquez le dossier (ou le zip) de la distribution CSV d'ESCO.",
        )
    if len(languages) > 1:
        raise ReferentialError(
            f"fichiers de plusieurs langues mélangés ({', '.join(sorted(languages))}).",
            file=source.name,
            fix="Importez une langue à la fois.",
        )
    language = next(iter(languages), "")
    if not language and (match := _LANGUAGE_IN_NAME.search(source.name.lower())):
        language = match["lang"]
    release = _RELEASE.search(source.name)
    esco = EscoSet(label=release.group(1) if release else "", language=language)
    esco.members = list(files.values())

    def rows(name: str, required: tuple[str, ...]):
        csv_table = table(files[name], required)
        if csv_table.text.warning:
            esco.warnings.append(csv_table.text.warning)
        count = 0
        for line, row in csv_table.rows():
            count += 1
            yield line, row
        progress(count)

    for line, row in rows("occupations", ("conceptUri", "preferredLabel")):
        if not row["conceptUri"]:
            raise ReferentialError("conceptUri vide.", file=files["occupations"].name, line=line)
        esco.occupations.append(
            OccupationRow(
                row["conceptUri"],
                row.get("code", ""),
                row.get("iscoGroup", ""),
                row["preferredLabel"],
                _labels(row.get("altLabels", "")),
            )
        )
    if "skills" in files:
        for _line, row in rows("skills", ("conceptUri", "preferredLabel")):
            esco.skills.append(
                SkillRow(
                    row["conceptUri"],
                    row.get("skillType", ""),
                    row.get("reuseLevel", ""),
                    row["preferredLabel"],
                    _labels(row.get("altLabels", "")),
                )
            )
    else:
        esco.warnings.append(
            f"{source.name} : aucun fichier skills_<langue>.csv ; les professions sont chargées "
            "sans les aptitudes et connaissances."
        )
    if "iscogroups" in files:
        for _line, row in rows("iscogroups", ("conceptUri", "code", "preferredLabel")):
            esco.isco_groups.append(IscoRow(row["conceptUri"], row["code"], row["preferredLabel"]))
    if "occupationskillrelations" in files:
        for _line, row in rows(
            "occupationskillrelations", ("occupationUri", "relationType", "skillUri")
        ):
            esco.relations.append(
                RelationRow(row["occupationUri"], row["skillUri"], row["relationType"])
            )
    for member, _match in source.matching(MAPPING):
        esco.members.append(member)
        esco.links.extend(read_mapping(member, esco.warnings))
    return esco


def read_mapping(member: Member, warnings: list[str]) -> list[LinkRow]:
    """France Travail's ROME ↔ ESCO mapping: metadata lines, then its header, then the pairs."""
    text = decode(member).text
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "classification 1 id" in line.lower()), None)
    if start is None:
        raise ReferentialError(
            "en-tête « classification 1 ID, … mapping relation » introuvable.",
            file=member.name,
            fix="Ce n'est pas le fichier de correspondance ROME–ESCO de France Travail.",
        )
    delimiter = max((",", ";", "\t"), key=lines[start].count)
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    header = [column.strip().lower() for column in next(reader)]
    try:
        first, second = header.index("classification 1 id"), header.index("classification 2 id")
        relation = header.index("mapping relation")
    except ValueError:
        raise ReferentialError(
            f"colonnes attendues absentes (trouvées : {', '.join(header)}).",
            file=member.name,
            line=start + 1,
        ) from None
    links = []
    for offset, record in enumerate(reader, start=start + 2):
        if not any(record):
            continue
        if len(record) <= max(first, second, relation):
            raise ReferentialError("ligne incomplète.", file=member.name, line=offset)
        a, b = clean(record[first]), clean(record[second])
        kind = clean(record[relation]).removeprefix("skos:")
        rome, uri = (a, b) if _URI.fullmatch(b) else (b, a)
        if not _URI.fullmatch(uri) or not (_ROME.fullmatch(rome) or rome.isdigit()):
            warnings.append(f"{member.name}, ligne {offset} : couple « {a} » / « {b} » ignoré.")
            continue
        links.append(LinkRow(rome, uri, kind))
    return links
