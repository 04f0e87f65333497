"""Imports from authorities other than certifiers: guaranteed entries keyed by the NIR.

Three feeds (formats in docs/formats-import.md), one engine:
- `trainings`: Agora / Mon Compte Formation (trainings followed);
- `careers`: DSN / RGCU (employment periods declared by employers);
- `prevention`: training bodies' declarations for the passeport de prévention (attestation de
  formation or justificatif de réussite, with an expiry date).

Each line gives the person's NIR (looked up through the identity register's keyed hash, never
stored in clear here) and the authority's own reference of the line (`reference`): importing the
same file twice changes nothing, a corrected line updates its entry. A bad line is reported with
the file, line, field and how to fix it, and does not stop the others.
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from passeport.core.models import AuditEvent

from .models import Entry

BATCH_SIZE = 500


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass
class ImportReport:
    source_name: str
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source_name} : {self.lines} ligne(s) lue(s), {self.created} entrée(s) "
            f"créée(s), {self.updated} mise(s) à jour, {self.unchanged} inchangée(s), "
            f"{len(self.errors)} erreur(s)."
        )


class LineError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def _date(row: dict, column: str, *, required: bool = False) -> datetime.date | None:
    value = (row.get(column) or "").strip()
    if not value:
        if required:
            raise LineError(column, "valeur obligatoire manquante ; indiquez une date aaaa-mm-jj")
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise LineError(column, f"« {value} » n'est pas une date ; écrivez-la aaaa-mm-jj (2024-06-30)")


def _text(row: dict, column: str, *, required: bool = False, max_length: int = 255) -> str:
    value = " ".join((row.get(column) or "").split())
    if required and not value:
        raise LineError(column, "valeur obligatoire manquante")
    if len(value) > max_length:
        raise LineError(column, f"{len(value)} caractères pour {max_length} au plus ; abrégez")
    return value


def _number(row: dict, column: str) -> str:
    value = (row.get(column) or "").strip().replace(",", ".")
    if not value:
        return ""
    try:
        number = float(value)
    except ValueError:
        raise LineError(column, f"« {value} » n'est pas un nombre (exemple : 35 ou 7,5)") from None
    if number < 0:
        raise LineError(column, "le nombre ne peut pas être négatif")
    return f"{number:g}"


def _siret(row: dict, column: str) -> str:
    from stdnum.fr import siret

    value = "".join((row.get(column) or "").split())
    if value and not siret.is_valid(value):
        raise LineError(column, f"« {value} » n'est pas un SIRET valide (14 chiffres, clé de Luhn)")
    return value


def _period(row: dict) -> tuple[datetime.date | None, datetime.date | None]:
    start, end = _date(row, "date_debut", required=True), _date(row, "date_fin")
    if end and start and end < start:
        raise LineError("date_fin", "la date de fin précède la date de début ; inversez-les")
    return start, end


def _training(row: dict) -> dict:
    start, end = _period(row)
    return {
        "kind": Entry.Kind.TRAINING,
        "title": _text(row, "intitule", required=True, max_length=500),
        "organisation": _text(row, "organisme", required=True),
        "start_date": start,
        "end_date": end,
        "details": {
            key: value
            for key, value in {
                "hours": _number(row, "duree_heures"),
                "provider": _text(row, "organisme"),
                "provider_siret": _siret(row, "siret_organisme"),
                "modalite_acces": _text(row, "modalite"),
            }.items()
            if value
        },
    }


_ROME_CODE = re.compile(r"[A-N]\d{4}")
_PCS_ESE = re.compile(r"\d{3}[a-z]")


def _code_rome(row: dict) -> str:
    value = "".join((row.get("code_rome") or "").split()).upper()
    if value and not _ROME_CODE.fullmatch(value):
        raise LineError(
            "code_rome",
            f"« {value} » n'est pas un code ROME (une lettre de A à N puis quatre chiffres, "
            "comme M1805)",
        )
    return value


def _appellation(row: dict) -> str:
    value = "".join((row.get("appellation") or "").split())
    if value and not (value.isdigit() and len(value) <= 8):
        raise LineError(
            "appellation",
            f"« {value} » n'est pas un code d'appellation du ROME (le code OGR : des chiffres, "
            "comme 489089)",
        )
    return value


def _pcs_ese(row: dict) -> str:
    value = "".join((row.get("pcs_ese") or "").split()).lower()
    if value and not _PCS_ESE.fullmatch(value):
        raise LineError(
            "pcs_ese",
            f"« {value} » n'est pas un code PCS-ESE (trois chiffres et une lettre, comme 388a)",
        )
    return value


def _career(row: dict) -> dict:
    start, end = _period(row)
    job = _text(row, "emploi", required=True, max_length=500)
    return {
        "kind": Entry.Kind.EXPERIENCE,
        "title": job,
        "organisation": _text(row, "employeur", required=True),
        "start_date": start,
        "end_date": end,
        "details": {
            key: value
            for key, value in {
                "job_title": job,
                "employer_siret": _siret(row, "siret_employeur"),
                "contract": _text(row, "contrat"),
                # Optional codes of the job (the DSN carries the PCS-ESE; France Travail's
                # appellation or ROME code when the sender knows them): what competences are
                # deduced from. Their existence in the referentials is checked there.
                "code_rome": _code_rome(row),
                "appellation": _appellation(row),
                "pcs_ese": _pcs_ese(row),
            }.items()
            if value
        },
    }


PREVENTION_TYPES = {
    "attestation_formation": "Attestation de formation",
    "justificatif_reussite": "Justificatif de réussite",
}


def _prevention(row: dict) -> dict:
    kind = _text(row, "type_justificatif", required=True).lower()
    if kind not in PREVENTION_TYPES:
        raise LineError(
            "type_justificatif",
            f"« {kind} » inconnu ; valeurs possibles : {', '.join(PREVENTION_TYPES)}",
        )
    obtained = _date(row, "date_obtention", required=True)
    expires = _date(row, "date_expiration")
    if expires and obtained and expires < obtained:
        raise LineError("date_expiration", "l'expiration précède l'obtention ; vérifiez les dates")
    return {
        "kind": Entry.Kind.PREVENTION,
        "title": _text(row, "intitule", required=True, max_length=500),
        "organisation": _text(row, "organisme", required=True),
        "award_date": obtained,
        "expires_on": expires,
        "details": {
            key: value
            for key, value in {
                "attestation_type": PREVENTION_TYPES[kind],
                "risk": _text(row, "risque"),
                "provider_siret": _siret(row, "siret_organisme"),
            }.items()
            if value
        },
    }


@dataclass(frozen=True)
class Feed:
    name: str
    source: str
    columns: tuple[str, ...]  # all the columns of the format, required ones first
    required: tuple[str, ...]
    build: Callable[[dict], dict]


FEEDS = {
    "trainings": Feed(
        "formations (Agora / Mon Compte Formation)",
        Entry.Source.AGORA,
        (
            "nir",
            "reference",
            "intitule",
            "organisme",
            "date_debut",
            "date_fin",
            "duree_heures",
            "siret_organisme",
            "modalite",
        ),
        ("nir", "reference", "intitule", "organisme", "date_debut"),
        _training,
    ),
    "careers": Feed(
        "carrières (DSN / RGCU)",
        Entry.Source.CAREER,
        (
            "nir",
            "reference",
            "emploi",
            "employeur",
            "date_debut",
            "date_fin",
            "siret_employeur",
            "contrat",
            "code_rome",
            "appellation",
            "pcs_ese",
        ),
        ("nir", "reference", "emploi", "employeur", "date_debut"),
        _career,
    ),
    "prevention": Feed(
        "passeport de prévention (organismes de formation)",
        Entry.Source.PREVENTION,
        (
            "nir",
            "reference",
            "type_justificatif",
            "intitule",
            "organisme",
            "date_obtention",
            "date_expiration",
            "risque",
            "siret_organisme",
        ),
        ("nir", "reference", "type_justificatif", "intitule", "organisme", "date_obtention"),
        _prevention,
    ),
}


def _read_rows(path: Path, feed: Feed) -> Iterator[tuple[int, dict]]:
    name = path.name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name} : le fichier n'est pas en UTF-8 (octet {exc.start}) ; enregistrez-le en "
            "« CSV UTF-8 » depuis votre tableur."
        ) from None
    except OSError as exc:
        raise ImportFileError(f"{name} : lecture impossible ({exc.strerror}).") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{name}, ligne {exc.lineno} : JSON invalide ({exc.msg}) ; vérifiez les "
                "virgules et les guillemets."
            ) from None
        rows = data.get("entrees") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise ImportFileError(
                f'{name} : une liste d\'objets est attendue (ou {{"entrees": [...]}}).'
            )
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise ImportFileError(f"{name}, élément {index} : un objet JSON est attendu.")
            yield index, {key: "" if value is None else str(value) for key, value in row.items()}
        return
    # Spreadsheets export with « , » or « ; » (French locale) or tabs: the header line decides.
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in feed.required if column not in header]
    if missing:
        raise ImportFileError(
            f"{name}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}. En-tête attendu : "
            f"{','.join(feed.columns)} (voir docs/formats-import.md)."
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, row


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_file(path, feed_name: str, *, actor=None) -> ImportReport:
    """Import one file of the feed `feed_name` (trainings, careers, prevention)."""
    from passeport.identity import keys
    from passeport.identity.importing import check_nir
    from passeport.identity.models import Person

    feed = FEEDS[feed_name]
    path = Path(path)
    report = ImportReport(source_name=path.name)
    label = "ligne" if path.suffix.lower() != ".json" else "élément"
    for batch in _batches(_read_rows(path, feed), BATCH_SIZE):
        parsed: list[tuple[int, str, str, dict]] = []
        for line, row in batch:
            report.lines += 1
            try:
                try:
                    nir = check_nir(row.get("nir", ""))
                except ValueError as exc:
                    raise LineError("nir", str(exc)) from None
                reference = _text(row, "reference", required=True)
                values = feed.build(row)
            except LineError as error:
                report.errors.append(
                    f"{path.name}, {label} {line}, champ « {error.column} » : {error}."
                )
                continue
            parsed.append((line, keys.nir_key(nir), reference, values))
        persons = dict(
            Person.objects.filter(nir_hash__in={p[1] for p in parsed}).values_list("nir_hash", "id")
        )
        references = [p[2] for p in parsed]
        existing = {
            entry.source_reference: entry
            for entry in Entry.objects.filter(source=feed.source, source_reference__in=references)
        }
        with transaction.atomic():
            for line, nir_hash, reference, values in parsed:
                person_id = persons.get(nir_hash)
                if person_id is None:
                    report.errors.append(
                        f"{path.name}, {label} {line}, champ « nir » : aucune personne du "
                        "registre d'identité n'a ce NIR ; vérifiez-le, ou importez d'abord la "
                        "personne (import_identities)."
                    )
                    continue
                entry = existing.get(reference)
                values = {
                    **values,
                    "person_id": person_id,
                    "trust": Entry.Trust.GUARANTEED,
                    "withdrawn_at": None,
                }
                if entry is None:
                    entry = Entry.objects.create(
                        source=feed.source, source_reference=reference, **values
                    )
                    existing[reference] = entry
                    report.created += 1
                elif any(getattr(entry, key) != value for key, value in values.items()):
                    for key, value in values.items():
                        setattr(entry, key, value)
                    entry.save()
                    report.updated += 1
                else:
                    report.unchanged += 1
    AuditEvent.record(
        "passport.import",
        actor=actor,
        feed=feed_name,
        file=path.name,
        lines=report.lines,
        created=report.created,
        updated=report.updated,
        errors=len(report.errors),
    )
    return report
