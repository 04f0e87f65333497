"""`import_referentiel rome|rncp|esco PATH`: a release loaded beside the current one.

1. The files are read and checked (reading/), before anything is written — except the RNCP XML
   export, about a gigabyte, streamed fiche by fiche while it is written.
2. The release is recognised by the SHA-256 of its files: imported again, it changes nothing
   (or becomes current again if another release had replaced it).
3. A new release is written in ONE transaction: its version row, all its rows (COPY on
   PostgreSQL), then the switch — the previous release stops being current and this one
   becomes current. Pages read the current release only, so they see the old one until the
   commit and the new one after it, never a mix; an error or a crash anywhere leaves the
   database as it was (nothing half-loaded).
4. Old releases are kept, so a code that disappeared still resolves for the entries, goals and
   provenances that cite it (`referential.py` looks codes up in older releases too).
"""

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, models, transaction

from passeport.core.models import AuditEvent
from passeport.core.planner import refresh_statistics

from . import models as m
from .reading import esco as esco_reading
from .reading import rncp as rncp_reading
from .reading import rome as rome_reading
from .reading.sources import ReferentialError, Source, open_source

Kind = m.ReferentialVersion.Kind
BATCH = 5000

ROME_TABLES = {
    "fiches": m.RomeFiche,
    "appellations": m.RomeAppellation,
    "items": m.RomeItem,
    "fiche_items": m.RomeFicheItem,
    "mobilities": m.RomeMobility,
    "groups": m.RomeGroup,
}
RNCP_TABLES = {
    "certifications": m.Certification,
    "blocs": m.CertificationBloc,
    "romes": m.CertificationRome,
    "successions": m.CertificationSuccession,
}
ESCO_TABLES = {
    "occupations": m.EscoOccupation,
    "skills": m.EscoSkill,
    "isco_groups": m.EscoIscoGroup,
    "relations": m.EscoOccupationSkill,
    "links": m.EscoRomeLink,
}
TABLES = {Kind.ROME: ROME_TABLES, Kind.RNCP: RNCP_TABLES, Kind.ESCO: ESCO_TABLES}
TABLE_LABELS = {
    "fiches": "fiches",
    "appellations": "appellations",
    "items": "compétences, savoirs et contextes",
    "fiche_items": "liens fiche–compétence",
    "mobilities": "mobilités",
    "groups": "nœuds de l'arborescence",
    "certifications": "fiches",
    "blocs": "blocs",
    "romes": "codes ROME",
    "successions": "successions",
    "occupations": "professions",
    "skills": "aptitudes et connaissances",
    "isco_groups": "groupes ISCO",
    "relations": "liens profession–aptitude",
    "links": "correspondances ROME–ESCO",
}


@dataclass
class ImportResult:
    version: m.ReferentialVersion
    status: str  # "loaded", "unchanged" (already current), "restored" (current again)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        version = self.version
        if self.status == "unchanged":
            return f"{version.display} est déjà chargée et en vigueur : rien n'a changé."
        if self.status == "restored":
            return f"{version.display} était déjà chargée : elle est de nouveau en vigueur."
        rows = sum(self.counts.values())
        rate = rows / self.seconds if self.seconds else 0
        detail = ", ".join(
            f"{_thousands(count)} {TABLE_LABELS.get(name, name)}"
            for name, count in self.counts.items()
            if count
        )
        return (
            f"{version.display} chargée et en vigueur : {_thousands(rows)} lignes ({detail}) en "
            f"{self.seconds:.1f} s ({_thousands(rate)} lignes/s)."
        )


def _thousands(number: float) -> str:
    return f"{number:,.0f}".replace(",", "\u202f")  # narrow no-break space, French style


Tick = Callable[[int], None]


def _ignore(rows: int) -> None:
    return None


class Reporter:
    """What an import tells while it runs: phases (« lecture », « écriture ») and rows done.

    The command draws them as progress bars (progress.py); the default says nothing."""

    def phase(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass

    def done(self) -> None:
        pass


def import_referential(kind: str, path, *, reporter: Reporter | None = None, actor=None):
    """Load the release at `path` (folder, zip or file) of referential `kind`."""
    kind = Kind(kind)
    reporter = reporter or Reporter()
    started = time.monotonic()
    with open_source(path) as source:
        if kind == Kind.RNCP and rncp_reading.is_xml(source):
            result = _import_rncp_xml(source, reporter)
        else:
            result = _import_read(kind, source, reporter)
        reporter.done()
    result.seconds = time.monotonic() - started
    if result.status == "loaded":
        m.ReferentialVersion.objects.filter(pk=result.version.pk).update(seconds=result.seconds)
        result.version.seconds = result.seconds
        refresh_statistics(*TABLES[kind].values())
    AuditEvent.record(
        "competences.referential_import",
        actor=actor,
        target=result.version,
        kind=kind,
        label=result.version.label,
        status=result.status,
        rows=sum(result.counts.values()),
    )
    return result


def _members(kind, source: Source) -> list:
    """The files a release is made of (what its checksum covers)."""
    if kind == Kind.ROME:
        _label, files = rome_reading.find_files(source)
        notes = [member for member in source.members if member.key == "version.txt"]
        return [*files.values(), *notes]
    if kind == Kind.RNCP:
        members = [member for member, _ in source.matching(rncp_reading.CSV_MEMBER)]
        if not members:
            rncp_reading.read_csv(source)  # raises its « no file » error
        return members
    members = [
        member
        for member, _ in (
            *source.matching(esco_reading.FILE_NAME),
            *source.matching(esco_reading.MAPPING),
        )
    ]
    if not members:
        esco_reading.read_esco(source)  # raises its « no file » error
    return members


def _line_count(members) -> int:
    total = 0
    for member in members:
        with member.open() as handle:
            while chunk := handle.read(1 << 20):
                total += chunk.count(b"\n")
    return total


def _import_read(kind, source: Source, reporter: Reporter) -> ImportResult:
    # The release is recognised before it is read: importing it again costs a checksum.
    members = _members(kind, source)
    checksum = source.checksum(members)
    known = _known(kind, checksum)
    if known is not None:
        return known
    progress = reporter.advance
    if kind == Kind.ROME:
        reporter.phase("Lecture ", _line_count(members))
        data = rome_reading.read_rome(source, progress)
        values = {"label": data.label, "title": data.title, "published_on": data.published_on}
    elif kind == Kind.RNCP:
        reporter.phase("Lecture ", _line_count(members))
        data = rncp_reading.read_csv(source, progress)
        values = {
            "label": data.label,
            "title": f"Export {data.format} de France Compétences du {data.published_on:%d/%m/%Y}",
            "published_on": data.published_on,
        }
    else:
        reporter.phase("Lecture ", _line_count(members))
        data = esco_reading.read_esco(source, progress)
        values = {"label": data.label, "language": data.language, "title": "ESCO"}
    if not values["label"]:
        values["label"] = f"empreinte {checksum[:12]}"
        data.warnings.append(
            f"{source.name} : aucun numéro de version dans les noms de fichiers ; la version est "
            "désignée par l'empreinte de son contenu."
        )
    tables = data.tables()
    reporter.phase("Écriture", sum(len(rows) for rows in tables.values()))
    with transaction.atomic():
        version = m.ReferentialVersion.objects.create(
            kind=kind, checksum=checksum, source_name=source.name, warnings=data.warnings, **values
        )
        counts = {}
        for name, model in TABLES[kind].items():
            counts[name] = write_rows(model, version.pk, tables[name], progress)
        _make_current(version, counts)
    return ImportResult(version, "loaded", counts, data.warnings)


def _import_rncp_xml(source: Source, reporter: Reporter) -> ImportResult:
    member = rncp_reading.xml_member(source)
    checksum = source.checksum([member])
    known = _known(Kind.RNCP, checksum)
    if known is not None:
        return known
    label, published = rncp_reading.xml_label(member)
    warnings: list[str] = []
    if not label:
        label = f"empreinte {checksum[:12]}"
        warnings.append(
            f"{member.name} : aucune date dans le nom du fichier ; la version est désignée par "
            "l'empreinte de son contenu."
        )
    formats: list[str] = []
    counts = dict.fromkeys(RNCP_TABLES, 0)
    reporter.phase("Fiches  ")
    with transaction.atomic():
        version = m.ReferentialVersion.objects.create(
            kind=Kind.RNCP,
            label=label,
            published_on=published,
            checksum=checksum,
            source_name=source.name,
            title="Export XML de France Compétences"
            + (f" du {published:%d/%m/%Y}" if published else ""),
        )
        buffers: dict[str, list] = {name: [] for name in RNCP_TABLES}
        successions: set = set()
        seen: set[str] = set()

        def flush():
            for name in ("certifications", "blocs", "romes"):
                counts[name] += write_rows(RNCP_TABLES[name], version.pk, buffers[name])
                buffers[name].clear()

        for fiche in rncp_reading.iter_xml(member, formats):
            code = fiche.certification.code
            if code in seen:
                raise ReferentialError(f"la fiche {code} y figure deux fois.", file=member.name)
            seen.add(code)
            buffers["certifications"].append(fiche.certification)
            buffers["blocs"].extend(fiche.blocs)
            buffers["romes"].extend(fiche.romes)
            successions.update(fiche.successions)
            reporter.advance(1)
            if len(buffers["certifications"]) >= 1000:
                flush()
        flush()
        if not seen:
            raise ReferentialError(
                "aucune fiche <FICHE> : ce n'est pas un export XML de France Compétences.",
                file=member.name,
                fix="Indiquez l'export XML des fiches RNCP ou RS (ou le zip de l'export CSV).",
            )
        counts["successions"] = write_rows(
            m.CertificationSuccession, version.pk, sorted(successions)
        )
        if formats:
            version.title = f"Export XML {formats[0]} de France Compétences" + (
                f" du {published:%d/%m/%Y}" if published else ""
            )
        version.warnings = warnings
        version.save(update_fields=["title", "warnings"])
        _make_current(version, counts)
    return ImportResult(version, "loaded", counts, warnings)


def _known(kind, checksum: str) -> ImportResult | None:
    version = m.ReferentialVersion.objects.filter(kind=kind, checksum=checksum).first()
    if version is None:
        return None
    if version.is_current:
        return ImportResult(version, "unchanged", dict(version.counts), list(version.warnings))
    with transaction.atomic():
        _make_current(version, version.counts)
    return ImportResult(version, "restored", dict(version.counts), list(version.warnings))


def _make_current(version: m.ReferentialVersion, counts: dict[str, int]) -> None:
    """The switch, inside the caller's transaction: the previous release stops being current."""
    (
        m.ReferentialVersion.objects.select_for_update()
        .filter(kind=version.kind, is_current=True)
        .exclude(pk=version.pk)
        .update(is_current=False)
    )
    version.is_current = True
    version.counts = counts
    version.save(update_fields=["is_current", "counts"])


def write_rows(model, version_id, rows: Iterable, progress: Tick = _ignore) -> int:
    """Insert `rows` (named tuples whose fields are the model's) for one version.

    PostgreSQL: COPY (one stream, no per-row statement); elsewhere: executemany in batches."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    names = ("version_id", *first._fields)
    meta = model._meta
    fields = [
        meta.get_field(name.removesuffix("_id") if name == "version_id" else name) for name in names
    ]
    columns = [field.column for field in fields]
    encoders = [_encoder(field) for field in fields]
    table = connection.ops.quote_name(meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    version_value = meta.get_field("version").target_field.get_db_prep_value(version_id, connection)

    def values(row):
        return [
            version_value,
            *(encode(value) for encode, value in zip(encoders[1:], row, strict=True)),
        ]

    def chained():
        yield first
        yield from rows

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in chained():
                    copy.write_row(values(row))
                    count += 1
                    if count % BATCH == 0:
                        progress(BATCH)
        else:
            marks = ", ".join(["%s"] * len(columns))
            statement = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in chained():
                batch.append(values(row))
                count += 1
                if len(batch) >= BATCH:
                    cursor.executemany(statement, batch)
                    progress(len(batch))
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
    progress(count % BATCH)
    return count


def _encoder(field):
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, ensure_ascii=False)
    if isinstance(field, models.UUIDField) and connection.vendor != "postgresql":
        return lambda value: value.hex if value is not None else None
    return _same


def _same(value):
    return value


def current_versions() -> dict[str, m.ReferentialVersion]:
    return {v.kind: v for v in m.ReferentialVersion.objects.filter(is_current=True)}


__all__ = ["ImportResult", "ReferentialError", "Reporter", "current_versions", "import_referential"]
