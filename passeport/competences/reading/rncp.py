"""France Compétences' RNCP and RS fiches: the open-data CSV export (a zip) and the XML export.

CSV (`export-fiches-csv-YYYY-MM-DD.zip`): members `export_fiches_CSV_<Kind>_YYYY_MM_DD.csv`,
`;`-separated, every value quoted, CRLF. Kinds read: Standard (one line per fiche, `Actif`
ACTIVE / INACTIVE), Blocs_De_Compétences, Rome, Nsf, Formacode, Certificateurs,
Ancienne_Nouvelle_Certification. The competence lists of the blocs are not in this export.
Member names are matched whatever their encoding quirks (sources.py) and accents.

XML (`<FICHES><VERSION_FLUX>4.1` …): one `<FICHE>` per certification, with its blocs and their
`LISTE_COMPETENCES` (split by lists.py), `ACTIF` Oui / Non, ROME codes, NSF, Formacode,
certifiers, `ANCIENNES_CERTIFICATIONS` / `NOUVELLES_CERTIFICATIONS`. The full export is about a
gigabyte: it is streamed one fiche at a time (`iter_xml`), each fiche's elements freed once read,
so memory stays flat whatever the file's size.

Successions (old → new) come from both sides: the CSV table names, for each fiche, its old and
its new certification, and a pair is kept when either line gives it (one line of a chain may be
missing from an export, as in the real files).
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from lxml import etree

from passeport.flux import safexml

from .lists import split_competences
from .sources import Member, ReferentialError, Source, table

CSV_MEMBER = re.compile(r"(?:.*/)?export_fiches_csv_(?P<kind>.+)_(?P<date>\d{4}_\d{2}_\d{2})\.csv")
_DATE_IN_NAME = re.compile(r"(\d{4})[-_]?(\d{2})[-_]?(\d{2})")
CSV_KINDS = {
    "standard": "Standard",
    "blocs_de_competences": "Blocs_De_Compétences",
    "rome": "Rome",
    "nsf": "Nsf",
    "formacode": "Formacode",
    "certificateurs": "Certificateurs",
    "ancienne_nouvelle_certification": "Ancienne_Nouvelle_Certification",
}
_CODE = re.compile(r"(RNCP|RS)\d+")


class CertificationRow(NamedTuple):
    code: str
    intitule: str
    abrege: str
    abrege_libelle: str
    niveau: str
    niveau_libelle: str
    actif: bool
    etat: str
    type_enregistrement: str
    date_effet: date | None
    date_fin_enregistrement: date | None
    nsf: list
    formacodes: list
    certificateurs: list


class BlocRow(NamedTuple):
    certification_code: str
    code: str
    libelle: str
    position: int
    competences: list


class RomeLinkRow(NamedTuple):
    certification_code: str
    rome_code: str
    libelle: str


class SuccessionRow(NamedTuple):
    ancienne: str
    nouvelle: str


@dataclass
class RncpSet:
    label: str
    published_on: date | None
    format: str  # "CSV" or "XML 4.1"
    certifications: list[CertificationRow] = field(default_factory=list)
    blocs: list[BlocRow] = field(default_factory=list)
    romes: list[RomeLinkRow] = field(default_factory=list)
    successions: list[SuccessionRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    def tables(self) -> dict[str, list]:
        return {
            "certifications": self.certifications,
            "blocs": self.blocs,
            "romes": self.romes,
            "successions": self.successions,
        }


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _date(value: str, member: Member, line: int | None, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", value)
    if match:
        day, month, year = map(int, match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ReferentialError(
        f"« {value} » n'est pas une date jj/mm/aaaa (colonne {column}).",
        file=member.name,
        line=line,
    )


def _coded(value: str) -> str:
    """« 251 : Mécanique générale » → « Mécanique générale » (the code has its own column)."""
    return re.sub(r"^\s*\S+\s+:\s+", "", value)


def _check_code(value: str, member: Member, line: int | None, column: str) -> str:
    if not _CODE.fullmatch(value):
        raise ReferentialError(
            f"« {value} » n'est pas un numéro de fiche RNCP ou RS (RNCP509, RS6117…) "
            f"(colonne {column}).",
            file=member.name,
            line=line,
        )
    return value


def is_xml(source: Source) -> bool:
    return any(member.key.endswith(".xml") for member in source.members)


# ---------------------------------------------------------------------------------------- CSV


def read_csv(source: Source, progress: Callable[[int], None] = lambda n: None) -> RncpSet:
    members: dict[str, Member] = {}
    dates: set[str] = set()
    for member, match in source.matching(CSV_MEMBER):
        kind = _ascii(match["kind"])
        if kind in CSV_KINDS:
            members[kind] = member
            dates.add(match["date"])
    if not members:
        raise ReferentialError(
            "aucun fichier export_fiches_CSV_<type>_AAAA_MM_JJ.csv n'y figure.",
            file=source.name,
            fix="Indiquez le zip de l'export CSV de France Compétences (ou son export XML).",
        )
    missing = [label for kind, label in CSV_KINDS.items() if kind not in members]
    if missing:
        raise ReferentialError(
            f"fichier(s) manquant(s) dans l'export : {', '.join(missing)}.",
            file=source.name,
            fix="L'export est incomplet ; téléchargez-le de nouveau.",
        )
    if len(dates) > 1:
        raise ReferentialError(
            f"fichiers d'exports de dates différentes mélangés ({', '.join(sorted(dates))}).",
            file=source.name,
            fix="Importez un seul export à la fois.",
        )
    year, month, day = map(int, next(iter(dates)).split("_"))
    rncp = RncpSet(
        label=f"{year:04d}-{month:02d}-{day:02d}",
        published_on=date(year, month, day),
        format="CSV",
        members=list(members.values()),
    )

    def rows(kind: str, required: tuple[str, ...]):
        csv_table = table(members[kind], required)
        if csv_table.text.warning:
            rncp.warnings.append(csv_table.text.warning)
        count = 0
        for line, row in csv_table.rows():
            count += 1
            yield line, row
        progress(count)

    per_fiche: dict[str, dict[str, list]] = {}
    standard = members["standard"]
    order: list[tuple[int, dict[str, str]]] = []
    for line, row in rows(
        "standard",
        ("Numero_Fiche", "Intitule", "Nomenclature_Europe_Niveau", "Actif"),
    ):
        code = _check_code(row["Numero_Fiche"], standard, line, "Numero_Fiche")
        if code in per_fiche:
            raise ReferentialError(
                f"la fiche {code} y figure deux fois.", file=standard.name, line=line
            )
        actif = row["Actif"].upper()
        if actif not in ("ACTIVE", "INACTIVE"):
            raise ReferentialError(
                f"Actif « {row['Actif']} » inconnu (ACTIVE ou INACTIVE).",
                file=standard.name,
                line=line,
            )
        per_fiche[code] = {"nsf": [], "formacodes": [], "certificateurs": []}
        order.append((line, row))

    def attached(kind: str, required: tuple[str, ...]):
        member = members[kind]
        for line, row in rows(kind, ("Numero_Fiche", *required)):
            code = _check_code(row["Numero_Fiche"], member, line, "Numero_Fiche")
            if code not in per_fiche:
                raise ReferentialError(
                    f"la fiche {code} citée ici est absente de {standard.basename} : l'un des "
                    "deux fichiers est tronqué ou vient d'un autre export.",
                    file=member.name,
                    line=line,
                    fix="Téléchargez l'export de nouveau.",
                )
            yield code, line, row

    for code, _line, row in attached("nsf", ("Nsf_Code", "Nsf_Intitule")):
        per_fiche[code]["nsf"].append(
            {"code": row["Nsf_Code"], "libelle": _coded(row["Nsf_Intitule"])}
        )
    for code, _line, row in attached("formacode", ("Formacode_Code", "Formacode_Libelle")):
        per_fiche[code]["formacodes"].append(
            {"code": row["Formacode_Code"], "libelle": _coded(row["Formacode_Libelle"])}
        )
    for code, _line, row in attached(
        "certificateurs", ("Siret_Certificateur", "Nom_Certificateur")
    ):
        per_fiche[code]["certificateurs"].append(
            {"siret": row["Siret_Certificateur"], "nom": row["Nom_Certificateur"]}
        )
    blocs: dict[str, list[tuple[str, str]]] = {}
    for code, _line, row in attached(
        "blocs_de_competences", ("Bloc_Competences_Code", "Bloc_Competences_Libelle")
    ):
        blocs.setdefault(code, []).append(
            (row["Bloc_Competences_Code"], row["Bloc_Competences_Libelle"])
        )
    for code, _line, row in attached("rome", ("Codes_Rome_Code", "Codes_Rome_Libelle")):
        rncp.romes.append(RomeLinkRow(code, row["Codes_Rome_Code"], row["Codes_Rome_Libelle"]))

    successions: set[SuccessionRow] = set()
    member = members["ancienne_nouvelle_certification"]
    for line, row in rows(
        "ancienne_nouvelle_certification",
        ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"),
    ):
        code = _check_code(row["Numero_Fiche"], member, line, "Numero_Fiche")
        if row["Ancienne_Certification"]:
            old = _check_code(row["Ancienne_Certification"], member, line, "Ancienne_Certification")
            successions.add(SuccessionRow(old, code))
        if row["Nouvelle_Certification"]:
            new = _check_code(row["Nouvelle_Certification"], member, line, "Nouvelle_Certification")
            successions.add(SuccessionRow(code, new))
    rncp.successions = sorted(successions)

    for line, row in order:
        code = row["Numero_Fiche"]
        rncp.certifications.append(
            CertificationRow(
                code=code,
                intitule=row["Intitule"],
                abrege=row.get("Abrege_Libelle", ""),
                abrege_libelle=row.get("Abrege_Intitule", ""),
                niveau=row["Nomenclature_Europe_Niveau"],
                niveau_libelle=row.get("Nomenclature_Europe_Intitule", ""),
                actif=row["Actif"].upper() == "ACTIVE",
                etat="",
                type_enregistrement=row.get("Type_Enregistrement", ""),
                date_effet=_date(row.get("Date_Effet", ""), standard, line, "Date_Effet"),
                date_fin_enregistrement=_date(
                    row.get("Date_Fin_Enregistrement", ""),
                    standard,
                    line,
                    "Date_Fin_Enregistrement",
                ),
                **per_fiche[code],
            )
        )
        for position, (bloc_code, libelle) in enumerate(sorted(blocs.get(code, [])), start=1):
            rncp.blocs.append(BlocRow(code, bloc_code, libelle, position, []))
    return rncp


# ---------------------------------------------------------------------------------------- XML


@dataclass
class XmlFiche:
    certification: CertificationRow
    blocs: list[BlocRow]
    romes: list[RomeLinkRow]
    successions: list[SuccessionRow]


def _events(handle):
    # Hardened: no DTD, no entity expansion, no network (the XML comes from outside).
    return safexml.iter_events(
        handle,
        events=("end",),
        tag=("FICHE", "VERSION_FLUX"),
        remove_comments=True,
        remove_pis=True,
    )


def _text(element, path: str) -> str:
    found = element.find(path)
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


def _xml_date(element, path: str, member: Member, line: int | None) -> date | None:
    return _date(_text(element, path), member, line, path)


def xml_label(member: Member) -> tuple[str, date | None]:
    match = _DATE_IN_NAME.search(member.basename)
    if match:
        year, month, day = map(int, match.groups())
        try:
            return f"{year:04d}-{month:02d}-{day:02d}", date(year, month, day)
        except ValueError:
            pass
    return "", None


def iter_xml(member: Member, formats: list[str] | None = None) -> Iterator[XmlFiche]:
    """The fiches of an XML export, one at a time (memory independent of the file's size).

    `formats`, when given, receives the `VERSION_FLUX` of the file."""
    with member.open() as handle:
        events = _events(handle)
        try:
            for _event, element in events:
                if element.tag == "VERSION_FLUX":
                    if formats is not None:
                        formats.append((element.text or "").strip())
                    continue
                yield _fiche(element, member)
                # Free the fiche and what lxml keeps of the elements before it.
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else None
            raise ReferentialError(
                f"XML illisible ({exc.msg}) : le fichier est tronqué ou abîmé.",
                file=member.name,
                line=line,
                fix="Téléchargez l'export de nouveau.",
            ) from None


def _fiche(element, member: Member) -> XmlFiche:
    line = element.sourceline
    code = _check_code(_text(element, "NUMERO_FICHE"), member, line, "NUMERO_FICHE")
    actif = _text(element, "ACTIF").lower()
    if actif not in ("oui", "non"):
        raise ReferentialError(
            f"ACTIF « {_text(element, 'ACTIF')} » inconnu pour la fiche {code} (Oui ou Non).",
            file=member.name,
            line=line,
        )
    certification = CertificationRow(
        code=code,
        intitule=_text(element, "INTITULE"),
        abrege=_text(element, "ABREGE/CODE"),
        abrege_libelle=_text(element, "ABREGE/LIBELLE"),
        niveau=_text(element, "NOMENCLATURE_EUROPE/NIVEAU"),
        niveau_libelle=_text(element, "NOMENCLATURE_EUROPE/LIBELLE"),
        actif=actif == "oui",
        etat=_text(element, "ETAT_FICHE"),
        type_enregistrement=_text(element, "TYPE_ENREGISTREMENT"),
        date_effet=_xml_date(element, "DATE_EFFET", member, line),
        date_fin_enregistrement=_xml_date(element, "DATE_FIN_ENREGISTREMENT", member, line),
        nsf=[
            {"code": _text(nsf, "CODE"), "libelle": _text(nsf, "LIBELLE")}
            for nsf in element.iterfind("CODES_NSF/NSF")
        ],
        formacodes=[
            {"code": _text(item, "CODE"), "libelle": _text(item, "LIBELLE")}
            for item in element.iterfind("FORMACODES/FORMACODE")
        ],
        certificateurs=[
            {
                "siret": _text(item, "SIRET_CERTIFICATEUR"),
                "nom": _text(item, "NOM_CERTIFICATEUR"),
                "etat": _text(item, "ETAT_CERTIFICATEUR"),
            }
            for item in element.iterfind("CERTIFICATEURS/CERTIFICATEUR")
        ],
    )
    blocs = []
    for position, bloc in enumerate(element.iterfind("BLOCS_COMPETENCES/BLOC_COMPETENCES"), 1):
        listed = bloc.find("LISTE_COMPETENCES")
        items = split_competences(listed.text if listed is not None and listed.text else "")
        blocs.append(
            BlocRow(
                certification_code=code,
                code=_text(bloc, "CODE"),
                libelle=_text(bloc, "LIBELLE"),
                position=position,
                competences=[item._asdict() for item in items],
            )
        )
    romes = [
        RomeLinkRow(code, _text(rome, "CODE"), _text(rome, "LIBELLE"))
        for rome in element.iterfind("CODES_ROME/ROME")
    ]
    successions = []
    for new in element.iterfind("NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION"):
        other = _text(new, "ID_FICHE_NOUVELLE_CERTIFICATION")
        if other:
            successions.append(
                SuccessionRow(code, _check_code(other, member, line, "NOUVELLE_CERTIFICATION"))
            )
    for old in element.iterfind("ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION"):
        other = _text(old, "ID_FICHE_ANCIENNE_CERTIFICATION")
        if other:
            successions.append(
                SuccessionRow(_check_code(other, member, line, "ANCIENNE_CERTIFICATION"), code)
            )
    return XmlFiche(certification, blocs, romes, successions)


def read_xml(source: Source, progress: Callable[[int], None] = lambda n: None) -> RncpSet:
    """The whole XML export in memory (tests, small exports); `loading` streams with iter_xml."""
    member = xml_member(source)
    label, published = xml_label(member)
    formats: list[str] = []
    rncp = RncpSet(label=label, published_on=published, format="XML", members=[member])
    successions: set[SuccessionRow] = set()
    seen: set[str] = set()
    for fiche in iter_xml(member, formats):
        if fiche.certification.code in seen:
            raise ReferentialError(
                f"la fiche {fiche.certification.code} y figure deux fois.", file=member.name
            )
        seen.add(fiche.certification.code)
        rncp.certifications.append(fiche.certification)
        rncp.blocs.extend(fiche.blocs)
        rncp.romes.extend(fiche.romes)
        successions.update(fiche.successions)
        progress(1)
    rncp.successions = sorted(successions)
    rncp.format = f"XML {formats[0]}" if formats else "XML"
    return rncp


def xml_member(source: Source) -> Member:
    members = [m for m in source.members if m.key.endswith(".xml")]
    if len(members) != 1:
        raise ReferentialError(
            f"{len(members)} fichiers XML : un seul export XML à la fois.", file=source.name
        )
    return members[0]
