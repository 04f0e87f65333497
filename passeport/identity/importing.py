"""Loading the identity register from a CSV file (`import_identities`, back-office import).

Columns: `nir,nom_naissance,prenoms,sexe,date_naissance,code_insee_naissance,code_pays_naissance`
(`prenoms` space-separated, `date_naissance` as aaaa-mm-jj; comma or semicolon separated, UTF-8
with or without BOM). The file is read as a stream and written by batches of upserts keyed by the
NIR's keyed hash: importing the same file twice changes nothing, importing a corrected file
updates the entries. Bad lines are reported (line number, column, how to fix) and skipped; the
NIR never appears in a message or a log.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.utils import timezone
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir

from passeport.core.planner import refresh_statistics

from .models import IdentityImport, Person
from .normalisation import (
    normalise_commune,
    normalise_nir,
    normalise_sex,
    split_given_names,
)

COLUMNS = (
    "nir",
    "nom_naissance",
    "prenoms",
    "sexe",
    "date_naissance",
    "code_insee_naissance",
    "code_pays_naissance",
)
REQUIRED = COLUMNS[:5]
BATCH_SIZE = 5000
MAX_ERRORS_KEPT = 1000


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (French message naming the file)."""


@dataclass
class ImportReport:
    source_name: str
    lines: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)


def check_nir(value: str) -> str:
    """The normalised NIR (13 or 15 characters), or ValueError with a French reason (no value)."""
    nir = normalise_nir(value)
    if len(nir) not in (13, 15):
        raise ValueError(
            f"le NIR doit compter 13 ou 15 caractères (ici {len(nir)}) ; "
            "recopiez-le sans espace depuis la carte Vitale ou l'attestation de droits"
        )
    full = nir if len(nir) == 15 else nir + stdnum_nir.calc_check_digits(nir)
    try:
        stdnum_nir.validate(full)
    except StdnumError:
        if len(nir) == 15:
            raise ValueError(
                "la clé du NIR (2 derniers chiffres) ne correspond pas aux 13 premiers ; "
                "vérifiez chaque chiffre"
            ) from None
        raise ValueError(
            "le NIR n'a pas le format attendu (sexe, année, mois, département…)"
        ) from None
    return nir


def parse_row(row: dict[str, str]) -> Person:
    """A Person from one CSV row; ValueError naming the column and how to fix it."""

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    try:
        nir = check_nir(cell("nir"))
    except ValueError as exc:
        raise ValueError(f"colonne nir : {exc}") from None
    birth_name = cell("nom_naissance")
    if not birth_name:
        raise ValueError("colonne nom_naissance : le nom de naissance est vide")
    given = split_given_names(cell("prenoms"))
    if not given:
        raise ValueError("colonne prenoms : au moins un prénom est attendu")
    sex = normalise_sex(cell("sexe"))
    if not sex:
        raise ValueError(
            f"colonne sexe : « {cell('sexe')[:10]} » n'est pas reconnu ; indiquez M ou F"
        )
    if nir[0] in "12" and {"1": "M", "2": "F"}[nir[0]] != sex:
        raise ValueError("colonne sexe : ne correspond pas au premier chiffre du NIR")
    try:
        born = datetime.date.fromisoformat(cell("date_naissance"))
        if len(cell("date_naissance")) != 10:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"colonne date_naissance : « {cell('date_naissance')[:20]} » n'est pas une date "
            "aaaa-mm-jj (exemple : 1996-11-15)"
        ) from None
    commune = normalise_commune(cell("code_insee_naissance"))
    if commune and len(commune) != 5:
        raise ValueError(
            f"colonne code_insee_naissance : « {commune[:10]} » n'est pas un code INSEE de "
            "5 caractères"
        )
    return Person.build(
        nir=nir,
        birth_name=birth_name,
        given_names=" ".join(given),
        sex=sex,
        birth_date=born,
        birth_commune=commune,
        birth_country=cell("code_pays_naissance"),
    )


def _open_text(source) -> tuple[io.TextIOBase, str]:
    if hasattr(source, "read"):
        raw = source
        name = getattr(source, "name", "fichier")
        if isinstance(raw.read(0), bytes):
            return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), str(name)
        return raw, str(name)
    try:
        return open(source, encoding="utf-8-sig", newline=""), str(source)
    except OSError as exc:
        raise ImportFileError(f"{source} : lecture impossible ({exc.strerror}).") from None


def _reader(text: io.TextIOBase, name: str) -> csv.DictReader:
    header = text.readline()
    if not header.strip():
        raise ImportFileError(f"{name} : le fichier est vide (ligne d'en-tête attendue).")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    columns = [column.strip().lower() for column in next(csv.reader([header], delimiter=delimiter))]
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise ImportFileError(
            f"{name}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}. En-tête attendu : "
            f"{','.join(COLUMNS)}"
        )
    return csv.DictReader(text, fieldnames=columns, delimiter=delimiter)


_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "nir",
    "nir_hash",
    "identity_data",
    "step1_hash",
    "step2_hash",
    "birth_name_hash",
    "given_names_hash",
    "commune_hash",
    "country_hash",
)


def _upsert_sql(connection) -> str:
    # One statement per batch, keyed by the NIR's hash (same SQL on PostgreSQL and SQLite):
    # Django's bulk_create spends more time compiling than the database spends inserting.
    table = connection.ops.quote_name(Person._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    updates = ", ".join(
        f"{connection.ops.quote_name(c)} = excluded.{connection.ops.quote_name(c)}"
        for c in _COLUMNS
        if c not in ("id", "created_at", "nir_hash")
    )
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    # Identifiers are the model's own, quoted; values are parameters.
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f'ON CONFLICT ("nir_hash") DO UPDATE SET {updates}'
    )


def _flush(batch: dict[str, Person], report: ImportReport) -> None:
    if not batch:
        return
    existing = set(
        Person.objects.filter(nir_hash__in=list(batch)).values_list("nir_hash", flat=True)
    )
    connection = connections[Person.objects.db]
    fields = {f.attname: f for f in Person._meta.concrete_fields}
    now = fields["created_at"].get_db_prep_value(timezone.now(), connection)
    pk = fields["id"]
    rows = [
        (
            pk.get_db_prep_value(person.id, connection),
            now,
            now,
            fields["nir"].get_db_prep_value(person.nir, connection),
            person.nir_hash,
            fields["identity_data"].get_db_prep_value(person.identity_data, connection),
            person.step1_hash,
            person.step2_hash,
            person.birth_name_hash,
            person.given_names_hash,
            person.commune_hash,
            person.country_hash,
        )
        for person in batch.values()
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(connection), rows)
    report.updated += len(existing)
    report.created += len(batch) - len(existing)
    batch.clear()


def import_identities(
    source,
    *,
    batch_size: int = BATCH_SIZE,
    user=None,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a CSV (path or binary/text file object) into the register; returns the counts."""
    text, name = _open_text(source)
    report = ImportReport(source_name=name)
    record = IdentityImport.objects.create(source_name=name[-255:], started_by=user)
    try:
        reader = _reader(text, name)
        batch: dict[str, Person] = {}
        for row in _rows(reader, report, name):
            # The same NIR twice in a batch: the last line wins (an upsert may not touch a row
            # twice in one statement).
            batch[row.nir_hash] = row
            if len(batch) >= batch_size:
                _flush(batch, report)
                if progress:
                    progress(report)
        _flush(batch, report)
        # Deposits reconcile against the register right after an import (core/planner.py).
        refresh_statistics(Person, vacuum=True)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name} : le fichier n'est pas en UTF-8 (octet {exc.start}) ; enregistrez-le en "
            "« CSV UTF-8 » depuis votre tableur."
        ) from None
    finally:
        if text is not source:
            text.close()
        record.lines = report.lines
        record.created, record.updated = report.created, report.updated
        record.errors = report.errors[:100]
        record.finished_at = timezone.now()
        record.save()
    return report


def _rows(reader: csv.DictReader, report: ImportReport, name: str) -> Iterable[Person]:
    for row in reader:
        line = reader.line_num + 1  # the header line was read before the reader started
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        report.lines += 1
        try:
            yield parse_row(row)
        except ValueError as exc:
            report.error(f"{name}, ligne {line} : {exc}")
