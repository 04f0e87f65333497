"""Build a CDC flux from a certifier's spreadsheet (or from rows given by the portal).

    result = build_flux("passages.xlsx", "flux.xml", emetteur="AB123CDE",
                        certificateur="E564ACB0", contrat="2560080000127J")
    result.exit_code      # 0 every row written, 1 some rows rejected, 2 nothing written
    result.files          # [Path("flux.xml")] or [flux-1.xml, flux-2.xml…] above 200 000
    result.rejected       # [RejectedRow(line, values, anomalies)] → write_rejects(...)
    result.changes        # every automatic fix, aggregated by column and kind

The stable API (also used by the deposit portal's single-passage form, with `rows=[{...}]` and
`output=None`, which returns the XML in `result.xml`) is `build_flux`, `BuildResult`,
`RejectedRow`, `Anomaly` and `BuildError`; see docs/construire-un-flux.md.

Workflow per row: normalise each recognised cell (normalisation.py, each fix counted), apply the
mapping file's constant values, derive what can be derived (type from code, birth date split,
presence flags, idTechnique), check the rules the schema cannot express (rule ids of
docs/regles-flux.md), then render the passage (writer.py). A row with any anomaly is not
written: it goes to `rejected` with every anomaly, a French message and how to fix it. Since
every facet is enforced by the normalisers, written passages validate without re-parsing; the
tests check it against the official XSD.
"""

import datetime
import functools
import os
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

from passeport.flux import columns as cols
from passeport.flux.identifiers import derive_id_technique
from passeport.flux.normalisation import (
    InvalidValue,
    ValueSpec,
    certification_type,
    make_normaliser,
)
from passeport.flux.rules import check_nir
from passeport.flux.spreadsheets import SpreadsheetError, Table, open_table
from passeport.flux.writer import (
    MAX_BYTES,
    MAX_PASSAGES,
    Envelope,
    FluxWriter,
    PassageRenderer,
    render_results,
)

HEADER_SEARCH_ROWS = 10
PARALLEL_MIN_BYTES = 2 << 20  # xlsx above this: read by chunks, processed by WORKERS processes
CHUNK_BYTES = 4 << 20  # worksheet XML per chunk (about 3 000 rows of 40 columns)
FIRST_CHUNK_ROWS = 200  # read here, to find the header row before starting the workers
WORKERS = 2
CHUNK_TIMEOUT = 600  # seconds for one chunk of about 3 000 rows: only a dead worker takes that
MIN_AGE, MAX_AGE = 14, 100  # plausible age at the award (rule REG-NAISSANCE-AGE, rules.py)
MEMO_SIZE = 2048
MAX_EXAMPLES = 3
_CLIENT_ID = re.compile(r"[A-Za-z0-9]{8}")
_NIR = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}")
_RESULT = re.compile(r"\s*([1-8])?\s*/\s*(\S)?\s*/\s*(\S)?\s*")


class BuildError(ValueError):
    """Nothing can be built (bad usage, unreadable input); the message is French."""


@dataclass(frozen=True)
class Anomaly:
    line: int | None  # spreadsheet row (1-based), None for the whole file
    field: str  # element name (or column header when no field applies)
    column: str | None  # the spreadsheet header the value came from
    message: str
    hint: str
    rule: str = "BUILD-VALEUR"

    def text(self) -> str:
        where = f"colonne « {self.column} »" if self.column else f"champ {self.field}"
        return f"{where} : {self.message}"


@dataclass
class RejectedRow:
    line: int
    values: list  # the row as read (for the rejects spreadsheet)
    anomalies: list[Anomaly]


@dataclass
class ChangeSummary:
    column: str
    field: str
    change: str
    count: int = 0
    examples: list[tuple[int, str, str]] = field(default_factory=list)  # (line, before, after)


@dataclass
class BuildResult:
    source: str
    version: str = ""
    files: list[Path] = field(default_factory=list)
    xml: bytes | None = None  # when built without an output path
    rows: int = 0  # data rows read (blank rows excluded)
    written: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_line: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # header → field key
    unknown_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[ChangeSummary] = field(default_factory=list)
    warnings: list[Anomaly] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # fatal: nothing written
    certifications: dict[str, int] = field(default_factory=dict)  # code → passages written
    lines_by_id: dict[str, int] = field(default_factory=dict)  # idTechnique written → line

    @property
    def id_techniques(self) -> dict[int, str]:
        """line → idTechnique of every passage written (built on demand)."""
        return {line: id_technique for id_technique, line in self.lines_by_id.items()}

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def exit_code(self) -> int:
        if self.errors or (not self.written and not self.xml):
            return 2
        return 1 if self.rejected else 0


# Fields a row cannot do without (or the mapping's [valeurs] must give), by identity branch.
_REQUIRED = ("code", "obtentionCertification", "donneeCertifiee", "dateDebutValidite")
_TITULAIRE_REQUIRED = ("nomNaissance", "prenom1", "anneeNaissance", "sexe")
_TITULAIRE_KEYS = (
    "nomNaissance", "nomUsage", "prenom1", "prenom2", "prenom3", "anneeNaissance",
    "moisNaissance", "jourNaissance", "sexe", "codeInsee", "codePostal",
    "libelleCommuneNaissance", "codePaysNaissance", "libellePaysNaissance", "commentairesMEN",
)  # fmt: skip
_DOSSIER_KEYS = ("idDossier", "nomTitulaire", "prenom1Titulaire")
_PRESENCE = (  # (flag, level, other level, rule)
    ("presenceNiveauLangueEuro", "niveauLangueEuropeen", None, "REG-LANGUE-NIVEAU"),
    ("presenceNiveauNumeriqueEuro", "scoreGeneral", cols.RESULTS, "REG-NUMERIQUE-NIVEAU"),
)
_ALIASES = {
    "nomNaissance": ("identifiantNational/nomNaissance", "nomTitulaire"),
    "prenom1": ("prenom1Titulaire",),
}
_FIX_MAPPING = (
    "Ajoutez la colonne au tableau, ou indiquez-la dans le fichier de correspondance "
    '(--mapping) : [colonnes] "Votre titre" = "{key}", ou une valeur commune à toutes les '
    'lignes : [valeurs] {key} = "…".'
)


def _nir_normaliser(spec: ValueSpec):
    def normalise(value):
        if isinstance(value, float) and value == int(value):
            value = str(int(value))
        text = "".join(str(value).split()).upper().replace(".", "").replace("-", "")
        if not text:
            return None, None
        change = None
        if len(text) == 15 and _NIR.fullmatch(text[:13]):
            text, change = text[:13], "clé du NIR retirée (13 premiers caractères)"
        problems: list = []
        if _NIR.fullmatch(text):
            check_nir(text, problems)
        if problems or not _NIR.fullmatch(text):
            raise InvalidValue(
                f"« {value} » n'est pas un NIR à 13 caractères",
                "Saisissez les 13 premiers caractères du numéro de sécurité sociale (sans la clé "
                "de 2 chiffres) : sexe, année, mois, département (2A/2B pour la Corse), commune, "
                "numéro d'ordre.",
            )
        return text, change

    return normalise


def _results_normaliser(spec: ValueSpec):
    def normalise(value):
        text = str(value).strip()
        if not text:
            return None, None
        triples = []
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            match = _RESULT.fullmatch(part)
            if not match:
                raise InvalidValue(
                    f"« {part.strip()} » n'est pas un résultat niveau/domaine/compétence",
                    "Écrivez chaque résultat « niveau/domaine/compétence » (niveau de 1 à 8, "
                    "domaine et compétence d'un caractère), séparés par « ; » : 5/3/4 ; 7/1/1.",
                )
            triples.append(tuple(g or "" for g in match.groups()))
        return render_results(triples), None

    return normalise


def _normaliser(column: cols.Column):
    if column.key == cols.RESULTS:
        return _results_normaliser(column.spec)
    if column.spec.kind == "nir":
        return _nir_normaliser(column.spec)
    return make_normaliser(column.spec)


@dataclass
class _Plan:
    """Everything precomputed once for a header row."""

    cells: list[tuple[int, str, object, str, dict]]  # (index, key, normaliser, header, memo)
    headers: list[str]
    constants: dict[str, str]
    version: str
    renderer: PassageRenderer
    keys: set[str]
    auto: bool = False  # version chosen automatically: 1.1.5 only if a NIR is written
    nir_used: bool = False
    header_of: dict[str, str] = field(default_factory=dict)  # field key → its header

    def __post_init__(self):
        self.header_of = {key: header for _, key, _, header, _ in self.cells}


class _Changes:
    def __init__(self):
        self.by_kind: dict[tuple[str, str, str], ChangeSummary] = {}

    def add(self, column: str, key: str, change: str, line: int, before, after) -> None:
        summary = self.by_kind.get((column, change))
        if summary is not None and summary.count >= MAX_EXAMPLES:
            summary.count += 1
            return
        if summary is None:
            kind = change if not change.startswith("«") else change.split("»", 1)[-1].strip()
            summary = self.by_kind.get((column, kind))
            if summary is None:
                summary = self.by_kind[(column, kind)] = ChangeSummary(column, key, kind)
            self.by_kind[(column, change)] = summary
        summary.count += 1
        if len(summary.examples) < MAX_EXAMPLES:
            summary.examples.append((line, _display(before), after))

    def _summary(self, column: str, key: str, change: str) -> ChangeSummary:
        summary = self.by_kind.get((column, change))
        if summary is None:
            kind = change if not change.startswith("«") else change.split("»", 1)[-1].strip()
            summary = self.by_kind.get((column, kind))
            if summary is None:
                summary = self.by_kind[(column, kind)] = ChangeSummary(column, key, kind)
            self.by_kind[(column, change)] = summary
        return summary

    def add_many(self, column: str, key: str, change: str, count: int) -> None:
        self._summary(column, key, change).count += count

    def example(self, column: str, change: str, line: int, before, after) -> None:
        summary = self.by_kind[(column, change)]
        if len(summary.examples) < MAX_EXAMPLES:
            summary.examples.append((line, _display(before), after))

    def summaries(self) -> list[ChangeSummary]:
        return list({id(c): c for c in self.by_kind.values()}.values())

    def merge(self, summaries: list[ChangeSummary]) -> None:
        for other in summaries:
            summary = self.by_kind.get((other.column, other.change))
            if summary is None:
                summary = self.by_kind[(other.column, other.change)] = ChangeSummary(
                    other.column, other.field, other.change
                )
            summary.count += other.count
            room = MAX_EXAMPLES - len(summary.examples)
            summary.examples.extend(other.examples[: max(room, 0)])


def _display(value) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _check_ids(emetteur: str, certificateur: str, contrat: str) -> list[str]:
    errors = []
    for label, value in (("--emetteur", emetteur), ("--certificateur", certificateur)):
        if not value or not _CLIENT_ID.fullmatch(value):
            errors.append(
                f"{label} « {value or ''} » : l'identifiant client attribué par la Caisse des "
                "Dépôts fait exactement 8 caractères (lettres et chiffres), par exemple AB123CDE."
            )
    if not contrat or len(contrat) > 20:
        errors.append(
            f"--contrat « {contrat or ''} » : le numéro de contrat fait de 1 à 20 caractères "
            "(par exemple 2560080000127J)."
        )
    return errors


def build_flux(
    source: str | os.PathLike | Table | Iterable[MappingABC] | None = None,
    output: str | os.PathLike | None = None,
    *,
    emetteur: str,
    certificateur: str,
    contrat: str,
    schema: str = "auto",
    mapping: cols.Mapping | str | os.PathLike | None = None,
    rows: Iterable[MappingABC] | None = None,
    id_flux: str | None = None,
    horodatage: str | None = None,
    max_passages: int = MAX_PASSAGES,
    max_bytes: int = MAX_BYTES,
    today: datetime.date | None = None,
    parallel: bool | None = None,
) -> BuildResult:
    """Build a flux. `source`: a spreadsheet path, a `Table`, or dict rows (field key or header
    → value, as the portal's form gives). `output` None: the XML is returned in `result.xml`.
    `schema`: "auto" (1.1.5 when a NIR column is present), "1.1.2", "1.1.5" or an XSD path.
    Never raises for bad data: problems are in `result.errors` (fatal) or `result.rejected`."""
    if rows is not None:
        source = rows
    name = str(source) if isinstance(source, str | os.PathLike) else "saisie"
    if isinstance(source, Table):
        name = source.path
    result = BuildResult(source=name)
    result.errors.extend(_check_ids(emetteur, certificateur, contrat))
    try:
        if mapping is not None and not isinstance(mapping, cols.Mapping):
            mapping = cols.load_mapping(mapping)
        forced_version, user_schema = _schema_choice(schema)
        table = _as_table(source, name, parallel)
    except (cols.MappingError, SpreadsheetError, BuildError) as exc:
        result.errors.append(str(exc))
        return result
    if result.errors:
        return result

    found = cols.find_header_row(table.rows, mapping, HEADER_SEARCH_ROWS)
    if found is None:
        result.errors.append(
            f"{name} : aucune ligne de titres reconnue dans les {HEADER_SEARCH_ROWS} premières "
            "lignes. La première ligne doit contenir les titres des colonnes (par exemple « Nom "
            "de naissance », « Code de la certification »…) : partez du modèle (passeport flux "
            "template) ou indiquez vos titres dans un fichier de correspondance (--mapping)."
        )
        return result
    header_line, header_values = found
    result.header_line = header_line
    try:
        plan = _make_plan(header_values, mapping, forced_version, result)
    except cols.MappingError as exc:
        result.errors.extend(getattr(exc, "messages", None) or [str(exc)])
        return result
    result.version = plan.version
    missing = _missing_columns(plan)
    if missing:
        for key in missing:
            label = cols.resolve_field(key).label if cols.resolve_field(key) else key
            result.errors.append(
                f"{name}, ligne {header_line} : aucune colonne pour « {label} » ({key}), "
                "obligatoire. " + _FIX_MAPPING.format(key=key)
            )
        return result

    envelope = Envelope(emetteur, certificateur, contrat, plan.version)
    writer = FluxWriter(envelope, max_passages=max_passages, max_bytes=max_bytes)
    changes = _Changes()
    today = today or datetime.date.today()
    out = _Output(plan, writer, result)
    try:
        _process_rows(table.rows, plan, out, changes, today)
        if table.chunks is not None:  # a large xlsx: the other chunks, in worker processes
            _process_chunks(table, header_values, mapping, forced_version, today, out, changes)
    except SpreadsheetError as exc:
        writer.close()
        result.errors.append(str(exc))
        return result
    if any(r.values is None for r in result.rejected):
        _fill_values(table, result)
    result.changes = changes.summaries()
    if plan.auto and plan.version == "1.1.5" and not plan.nir_used:
        # the NIR column is empty: the passages are 1.1.2 passages, keep the current schema
        plan.version = result.version = envelope.version = "1.1.2"
    result.written = writer.count
    if not writer.count:
        writer.close()
        return result
    if output is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="passeport-build-") as tmp:
            target = Path(tmp) / "flux.xml"
            writer.max_passages = writer.max_bytes = 1 << 62  # one file, in memory
            paths = writer.write(target, id_flux=id_flux, horodatage=horodatage)
            result.xml = paths[0].read_bytes()
    else:
        try:
            result.files = writer.write(output, id_flux=id_flux, horodatage=horodatage)
        except OSError as exc:
            writer.close()
            result.written = 0
            result.errors.append(
                f"{output} : écriture impossible ({exc.strerror or exc}). Vérifiez que le dossier "
                "existe, que vous pouvez y écrire et qu'il reste de la place sur le disque."
            )
            return result
    if user_schema is not None:
        _check_against_user_schema(result, user_schema)
    return result


def _schema_choice(schema: str) -> tuple[str | None, object | None]:
    if schema in (None, "", "auto"):
        return None, None
    if schema in ("1.1.2", "1.1.5"):
        return schema, None
    from passeport.flux.xsd import SchemaError, load_schemas

    try:
        schemas = load_schemas(schema)
    except SchemaError as exc:
        raise BuildError(str(exc)) from None
    version = schemas.version if schemas.version in ("1.1.2", "1.1.5") else None
    return version, schemas


def _check_against_user_schema(result: BuildResult, schemas) -> None:
    """With an XSD given by the user, the written file is validated against it as written."""
    from passeport.flux import safexml

    for path in result.files or []:
        document = safexml.parse(str(path))
        if not schemas.complete.validate(document):
            first = schemas.complete.error_log[0]
            result.errors.append(
                f"{path} : le fichier construit n'est pas valide selon le schéma {schemas.source} "
                f"(ligne {first.line} : {first.message}). Ce schéma diffère de la version "
                "connue ; vérifiez qu'il s'agit bien du XSD officiel de la Caisse des Dépôts."
            )


def _as_table(source, name: str, parallel: bool | None = None) -> Table:
    if isinstance(source, Table):
        return source
    if isinstance(source, str | os.PathLike):
        if Path(source).suffix.lower() in (".xlsx", ".xlsm") and os.path.isfile(source):
            if parallel is None:
                parallel = (os.cpu_count() or 1) >= 2 and os.path.getsize(
                    source
                ) >= PARALLEL_MIN_BYTES
            if parallel:
                table = _chunked_table(source)
                if table is not None:
                    return table
        return open_table(source)
    if source is None:
        raise BuildError("Aucune donnée à construire : indiquez un fichier ou des lignes.")
    rows = [dict(r) for r in source]
    headers: list[str] = []
    for row in rows:
        headers.extend(k for k in row if k not in headers)

    def iter_rows():
        yield 1, headers
        for number, row in enumerate(rows, start=2):
            yield number, [row.get(h, "") for h in headers]

    return Table(path=name, sheet="", rows=iter_rows())


def _chunked_table(path) -> Table | None:
    """A large xlsx: the first rows here, the rest as chunks for the worker processes."""
    from passeport.flux.xlsx_chunks import ChunkingUnsupported, XlsxChunks

    try:
        chunks = XlsxChunks(path, chunk_bytes=CHUNK_BYTES, first_chunk_rows=FIRST_CHUNK_ROWS)
        iterator = iter(chunks)
        first = next(iterator, None)
    except (ChunkingUnsupported, OSError, ValueError, KeyError):
        return None  # not a zip we can cut safely: calamine reads it whole
    except Exception:
        return None
    rows = iter(()) if first is None else chunks.rows(first)
    table = Table(path=str(path), sheet=chunks.sheet_name, rows=rows)
    table.chunks = _guarded(iterator, chunks)
    return table


def _guarded(iterator, chunks):
    from passeport.flux.xlsx_chunks import ChunkingUnsupported

    try:
        yield from iterator
    except (ChunkingUnsupported, OSError, zipfile.BadZipFile) as exc:
        raise SpreadsheetError(f"{chunks.path} : classeur illisible ({exc}).") from None
    finally:
        chunks.close()


# -- worker processes (large xlsx): each reads and processes whole chunks --------------------
_WORKER: dict = {}


def _worker_init(header_values, mapping, version, today, source, directory) -> None:
    from passeport.flux.xlsx_chunks import XlsxChunks

    scratch = BuildResult(source="")
    reader = XlsxChunks(source)  # the workbook's other parts (styles, shared strings), once
    reader.close()
    _WORKER.update(
        plan=_make_plan(header_values, mapping, version, scratch),
        today=today,
        reader=reader,
        directory=Path(directory),
    )


def _worker_chunk(chunk: bytes, index: int):

    plan = _WORKER["plan"]
    out = _ChunkOutput(plan)
    changes = _Changes()
    lines: list[int] = []

    def rows():
        scratch = _WORKER["directory"] / f"tranche-{os.getpid()}.xlsx"
        for line, values in _WORKER["reader"].rows(chunk, scratch):
            if not lines:
                lines.append(line)
            yield line, values
        lines.append(line)

    try:
        _process_rows(rows(), plan, out, changes, _WORKER["today"])
    except Exception as exc:
        return {"error": f"{type(exc).__name__} : {exc}"}
    return {
        "rows": out.rows,
        "rejected": out.rejected,
        "groups": out.packed(_WORKER["directory"], index),
        "changes": changes.summaries(),
        "nir_used": plan.nir_used,
        "lines": (lines[0], lines[-1]) if lines else (0, 0),
    }


def _process_chunks(table, header_values, mapping, version, today, out, changes) -> None:
    import multiprocessing
    import threading
    from collections import deque

    workers = min(WORKERS, os.cpu_count() or 1)
    # fork is the fastest start, but forking a multi-threaded process (a web server, a task
    # worker) may deadlock the child: those get a fresh interpreter from a fork server.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    context = multiprocessing.get_context(method)
    with context.Pool(
        workers,
        initializer=_worker_init,
        initargs=(header_values, mapping, version, today, table.path, out.writer.directory),
    ) as pool:
        pending: deque = deque()
        for index, chunk in enumerate(table.chunks, start=1):
            pending.append(pool.apply_async(_worker_chunk, (chunk, index)))
            del chunk
            while len(pending) > workers:  # bounded: at most workers + 1 chunks in flight
                _merge_chunk(_result(pending.popleft(), table), table, out, changes)
        while pending:
            _merge_chunk(_result(pending.popleft(), table), table, out, changes)


def _result(pending, table) -> dict:
    """A worker's answer; a worker that died (killed, out of memory) must not hang the build."""
    import multiprocessing

    try:
        return pending.get(timeout=CHUNK_TIMEOUT)
    except multiprocessing.TimeoutError:
        raise SpreadsheetError(
            f"{table.path} : le traitement d'une tranche du classeur n'a pas abouti en "
            f"{CHUNK_TIMEOUT} s (processus de travail interrompu ?). Relancez la commande ; si "
            "le problème persiste, enregistrez le fichier en CSV."
        ) from None


def _merge_chunk(done: dict, table, out, changes) -> None:
    if "error" in done:
        raise SpreadsheetError(f"{table.path} : lecture impossible ({done['error']}).")
    out.result.rows += done["rows"]
    table.chunk_lines.append(done["lines"])
    out.plan.nir_used |= done["nir_used"]
    out.result.rejected.extend(done["rejected"])
    for code, (type_, nature, path, lengths, lines, ids) in done["groups"].items():
        out.passages_file(code, type_, nature, path, lengths, lines, ids)
    changes.merge(done["changes"])


def _fill_values(table: Table, result: BuildResult) -> None:
    """Rows rejected as duplicates of a row of another chunk: read their values again."""
    from passeport.flux.xlsx_chunks import XlsxChunks

    wanted = {r.line: r for r in result.rejected if r.values is None}
    chunks = XlsxChunks(table.path, chunk_bytes=CHUNK_BYTES, first_chunk_rows=FIRST_CHUNK_ROWS)
    ranges = [(0, 0), *table.chunk_lines]  # the same cuts as the first reading, in order
    try:
        for index, chunk in enumerate(chunks):
            first, last = ranges[index] if index < len(ranges) else (0, 1 << 62)
            if not any(first <= line <= last for line in wanted):
                continue  # only the chunks holding a wanted row are read again
            for line, values in chunks.rows(chunk):
                if line in wanted:
                    wanted.pop(line).values = list(values)
            if not wanted:
                break
    finally:
        chunks.close()
    result.rejected.sort(key=lambda r: r.line)


def _make_plan(header_values, mapping, version, result: BuildResult) -> _Plan:
    headers = ["" if v is None else str(v).strip() for v in header_values]
    recognised = cols.recognise_headers(headers, mapping, version)
    cells = []
    for position, column in recognised.columns.items():
        cells.append((position, column.key, _normaliser(column), headers[position], {}))
        result.columns[headers[position]] = column.key
    result.headers = headers
    if recognised.ambiguous:  # never guessed: the mapping file says which field it is
        raise cols.AmbiguousHeaders(
            [
                cols.ambiguity_message(header, keys, result.source)
                for _, header, keys in recognised.ambiguous
            ]
        )
    result.unknown_columns = [h for _, h in recognised.unknown]
    result.ignored_columns = [h for _, h in recognised.ignored]
    for _position, header, key in recognised.duplicates:
        result.warnings.append(
            Anomaly(
                None, key, header,
                f"la colonne « {header} » désigne le même champ ({key}) qu'une colonne "
                "précédente : elle est ignorée",
                "Supprimez ou renommez l'une des deux colonnes.",
                rule="BUILD-COLONNE-DOUBLE",
            )
        )  # fmt: skip
    for _position, header in recognised.unsupported:
        result.ignored_columns.append(header)
        result.warnings.append(
            Anomaly(
                None, header, header,
                f"la colonne « {header} » n'existe pas dans le schéma {recognised.version} : "
                "elle est ignorée",
                "Pour transmettre le NIR, construisez le flux au schéma 1.1.5 (--schema 1.1.5).",
                rule="BUILD-COLONNE-VERSION",
            )
        )  # fmt: skip
    for header in result.unknown_columns:
        result.warnings.append(
            Anomaly(
                None, header, header,
                f"la colonne « {header} » n'est pas reconnue : son contenu n'est pas transmis",
                "Si elle correspond à un champ du flux, renommez-la comme dans le modèle "
                "(passeport flux template) ou déclarez-la dans le fichier de correspondance "
                f'(--mapping) : [colonnes] "{header}" = "nomElement". Sinon, ignorez ce message.',
                rule="BUILD-COLONNE-INCONNUE",
            )
        )  # fmt: skip
    constants: dict[str, str] = {}
    if mapping is not None:
        for key, value in mapping.values.items():
            column = cols.resolve_field(key)
            try:
                text, _ = _normaliser(column)(value)
            except InvalidValue as exc:
                raise cols.MappingError(
                    f"{mapping.path} : [valeurs] {key} = « {value} » : {exc.message}. {exc.hint}"
                ) from None
            if text is not None:
                constants[column.key] = text
    keys = {c[1] for c in cells} | set(constants)
    text_keys = [
        c.key for c in cols.spreadsheet_columns("1.1.5") if c.spec.kind == "text" and c.field
    ] + ["identifiantNational/nomNaissance"]
    renderer = PassageRenderer(recognised.version, text_keys)
    return _Plan(
        cells, headers, constants, recognised.version, renderer, keys, auto=version is None
    )


def _missing_columns(plan: _Plan) -> list[str]:
    keys = plan.keys
    missing = [k for k in _REQUIRED if k not in keys]
    identity = (
        "nir" in keys
        or "idDossier" in keys
        or (
            {"nomNaissance", "prenom1", "sexe"} <= keys
            and ({"anneeNaissance", cols.BIRTH_DATE} & keys)
        )
    )
    if not identity:
        for key in ("nomNaissance", "prenom1", "sexe"):
            if key not in keys:
                missing.append(key)
        if not {"anneeNaissance", cols.BIRTH_DATE} & keys:
            missing.append(cols.BIRTH_DATE)
    return missing


def _normalise_cell(normalise, cell, key: str) -> tuple:
    """(text, change, special): special is True for an invalid value (text None, change the
    InvalidValue) or a text needing XML escaping (« & < > »)."""
    try:
        text, change = normalise(cell)
    except InvalidValue as exc:
        return None, exc, True
    if key == cols.RESULTS:  # already XML (digits and single characters, escaped)
        return text, change, False
    special = text is not None and ("&" in text or "<" in text or ">" in text)
    return text, change, special


def _duplicate(line, plan: _Plan, id_technique: str, first: int) -> Anomaly:
    return Anomaly(
        line, "idTechnique", _header_of(plan, "idTechnique"),
        f"idTechnique « {id_technique} » déjà utilisé ligne {first} : deux lignes "
        "décrivent le même passage (même certification, même titulaire, même date)",
        "Supprimez la ligne en double, ou donnez à chaque passage un idTechnique "
        "différent.",
        rule="REG-ID-UNIQUE",
    )  # fmt: skip


class _Output:
    """Where processed rows go in this process: the writer and the result."""

    def __init__(self, plan: _Plan, writer: FluxWriter, result: BuildResult):
        self.plan, self.writer, self.result = plan, writer, result
        self.seen = result.lines_by_id  # idTechnique → line: the duplicates check and the result
        self.natures: dict[str, tuple[str | None, int]] = {}  # code → (natureDeposant, line)

    def nature(self, code: str, nature: str | None, line: int) -> None:
        """natureDeposant is one per certification: the first value given wins, others warn."""
        known = self.natures.get(code)
        if known is None or (known[0] is None and nature):
            self.natures[code] = (nature, line)
        elif nature and nature != known[0]:
            self.natures[code] = (known[0], known[1])
            self.result.warnings.append(
                Anomaly(
                    line, "natureDeposant", self.plan.header_of.get("natureDeposant"),
                    f"certification {code} : natureDeposant vaut {nature} ici mais {known[0]} "
                    f"ligne {known[1]} ; le flux en porte une seule par certification : "
                    f"{known[0]} est retenu",
                    "Indiquez la même nature du déposant sur toutes les lignes d'une "
                    "certification.",
                    rule="BUILD-NATURE-DEPOSANT",
                )
            )  # fmt: skip

    def row(self) -> None:
        self.result.rows += 1

    def reject(self, rejected: RejectedRow) -> None:
        self.result.rejected.append(rejected)

    def passage(self, line, row, id_technique, code, type_, nature, xml) -> None:
        first = self.seen.get(id_technique)
        if first is not None:
            values = list(row) if row is not None else None  # None: filled in at the end
            self.reject(
                RejectedRow(line, values, [_duplicate(line, self.plan, id_technique, first)])
            )
            return
        self.seen[id_technique] = line
        self.nature(code, nature, line)
        self.writer.add(code, type_, nature, xml)
        self.result.certifications[code] = self.result.certifications.get(code, 0) + 1

    def passages_file(self, code, type_, nature, path, lengths, lines, ids) -> None:
        """The passages of one certification from a worker: deduplicated across chunks."""
        seen = self.seen
        duplicates = []
        for position, (line, id_technique) in enumerate(zip(lines, ids, strict=True)):
            first = seen.get(id_technique)
            if first is not None:
                duplicates.append(position)
                self.reject(
                    RejectedRow(line, None, [_duplicate(line, self.plan, id_technique, first)])
                )
                continue
            seen[id_technique] = line
        if nature is not None or code not in self.natures:
            self.nature(code, nature, lines[0] if lines else 0)
        kept = len(lengths) - len(duplicates)
        if duplicates:  # rare: cut the duplicates out of the file
            blob = path.read_bytes()
            offsets = [0]
            for length in lengths:
                offsets.append(offsets[-1] + length)
            skip = set(duplicates)
            pieces = [
                blob[offsets[i] : offsets[i + 1]] for i in range(len(lengths)) if i not in skip
            ]
            path.write_bytes(b"".join(pieces))
            lengths = array("I", (lengths[i] for i in range(len(lengths)) if i not in skip))
        if kept:
            self.writer.add_file(code, type_, nature, path, lengths)
            self.result.certifications[code] = self.result.certifications.get(code, 0) + kept


class _ChunkOutput:
    """Where processed rows go in a worker process: lists sent back to the main process."""

    def __init__(self, plan: _Plan):
        self.plan = plan
        self.rows = 0
        self.rejected: list[RejectedRow] = []
        self.groups: dict[str, list] = {}  # code → [type, nature, chunks, lengths, lines, ids]
        self.seen: dict[str, int] = {}

    def row(self) -> None:
        self.rows += 1

    def reject(self, rejected: RejectedRow) -> None:
        self.rejected.append(rejected)

    def passage(self, line, row, id_technique, code, type_, nature, xml) -> None:
        first = self.seen.get(id_technique)
        if first is not None:
            self.reject(
                RejectedRow(line, list(row), [_duplicate(line, self.plan, id_technique, first)])
            )
            return
        self.seen[id_technique] = line
        group = self.groups.get(code)
        if group is None:
            group = self.groups[code] = [type_, nature, [], array("I"), array("q"), []]
        elif group[1] is None:
            group[1] = nature
        data = xml.encode()
        group[2].append(data)
        group[3].append(len(data))
        group[4].append(line)
        group[5].append(id_technique)

    def packed(self, directory: Path, chunk: int) -> dict[str, tuple]:
        """Per certification: (type, nature, file of the passages, lengths, lines, ids); the
        rendered passages are written to `directory`, shared with the main process."""
        packed = {}
        for number, (code, g) in enumerate(self.groups.items()):
            path = directory / f"c{chunk}-{number}.part"
            path.write_bytes(b"".join(g[2]))
            packed[code] = (g[0], g[1], path, g[3], g[4], g[5])
        return packed


BATCH_ROWS = 2000  # rows normalised together, column by column


def _process_rows(rows, plan: _Plan, out, changes, today) -> None:
    """Process (line, values) rows by batches."""
    batch: list = []
    for item in rows:
        batch.append(item)
        if len(batch) >= BATCH_ROWS:
            _process_batch(batch, plan, out, changes, today)
            batch = []
    if batch:
        _process_batch(batch, plan, out, changes, today)


def _process_batch(batch, plan: _Plan, out, changes, today) -> None:
    """Normalise a batch column by column: each distinct value of a column is normalised once
    (most columns hold few: dates, codes, Oui/Non…) and mapped back at C speed; changes are
    counted per distinct value, anomalies and escapes located only where they occur. Then each
    row goes through the derivations, rules and rendering (`_finish_row`)."""
    rows = [values for _, values in batch]
    width = max(map(len, rows))
    if min(map(len, rows)) < width:  # CSV rows may be short
        rows = [r if len(r) == width else [*r, *([""] * (width - len(r)))] for r in rows]
    columns = list(zip(*rows, strict=True))
    keys: list[str] = []
    text_columns: list = []
    anomalies: dict[int, list[Anomaly]] = {}
    escaped: dict[int, list[str]] = {}
    for index, key, normalise, header, memo in plan.cells:
        if index >= width:
            continue
        column = columns[index]
        texts: dict = {}
        changed: list = []
        special: list = []
        for value in set(column):
            if value == "" or value is None:
                texts[value] = None
                continue
            hit = memo.get(value) if type(value) is not bool else None
            if hit is None:
                hit = _normalise_cell(normalise, value, key)
                if len(memo) < MEMO_SIZE and type(value) is not bool:
                    memo[value] = hit
            texts[value] = hit[0]
            if hit[1] is not None and hit[0] is not None:
                changed.append((value, hit))
            if hit[2]:
                special.append((value, hit))
        keys.append(key)
        text_columns.append(list(map(texts.__getitem__, column)))
        if changed:
            _count_changes(changed, column, batch, header, key, changes)
        for value, (text, problem, _) in special:
            for position in [i for i, c in enumerate(column) if c == value]:
                if text is None:
                    anomalies.setdefault(position, []).append(
                        Anomaly(batch[position][0], key, header, problem.message, problem.hint)
                    )
                else:
                    escaped.setdefault(position, []).append(key)
    finish = _finish_row
    for position, texts_row in enumerate(zip(*text_columns, strict=True)):
        # the non-empty values (normalised texts are never ""): compress and filter drop the
        # same positions, at C speed
        v = dict(zip(compress(keys, texts_row), filter(None, texts_row)))  # noqa: B905
        row_anomalies = anomalies.get(position)
        if not v and row_anomalies is None:
            continue  # a blank row (or only blank-looking cells): not a passage
        line, row = batch[position]
        finish(line, row, v, row_anomalies, escaped.get(position), plan, out, changes, today)


def _count_changes(changed, column, batch, header, key, changes) -> None:
    counts = Counter(column) if len(changed) > 1 else {changed[0][0]: column.count(changed[0][0])}
    for value, (_text, change, _) in changed:
        changes.add_many(header, key, change, counts[value])
    # examples: the first rows of the batch holding a changed value
    wanted = {value: hit for value, hit in changed}
    found = 0
    for position, value in enumerate(column):
        hit = wanted.get(value) if type(value) is not bool else None
        if hit is not None:
            changes.example(header, hit[1], batch[position][0], value, hit[0])
            found += 1
            if found >= MAX_EXAMPLES * len(wanted) or found >= 50:
                break


def _finish_row(line, row, v, anomalies, escaped, plan: _Plan, out, changes, today) -> None:
    out.row()
    for key, text in plan.constants.items():
        if key not in v:
            v[key] = text
            if "&" in text or "<" in text or ">" in text:
                escaped = [*(escaped or ()), key]
    problems = _derive_and_check(line, v, plan, changes, today)
    if problems:
        if anomalies:  # a value already reported as invalid is not also reported as missing
            invalid = {a.field for a in anomalies}
            if cols.BIRTH_DATE in invalid:
                invalid |= {"anneeNaissance", "moisNaissance", "jourNaissance"}
            problems = [
                p for p in problems if not (p.rule == "BUILD-OBLIGATOIRE" and p.field in invalid)
            ]
        anomalies = (anomalies or []) + problems
    if anomalies:
        out.reject(RejectedRow(line, list(row), anomalies))
        return
    code = v.pop("code")
    type_ = v.pop("type")
    nature = v.pop("natureDeposant", None)
    if escaped:  # values copied under another element name by the identity branch
        escaped += [alias for key in escaped for alias in _ALIASES.get(key, ())]
    out.passage(
        line, row, v["idTechnique"], code, type_, nature, plan.renderer.render(v, escaped or ())
    )


def _header_of(plan: _Plan, key: str) -> str | None:
    return plan.header_of.get(key)


def _anomaly(line, plan, key, message, hint, rule="BUILD-VALEUR") -> Anomaly:
    return Anomaly(line, key, _header_of(plan, key), message, hint, rule)


def _derive_and_check(line, v: dict, plan: _Plan, changes: _Changes, today) -> list[Anomaly]:
    """Derivations (each reported) and the rules the schema cannot express."""
    out: list[Anomaly] = []
    # -- the certification: type from code (REG-CODE-CERTIF)
    code = v.get("code")
    if code:
        derived = certification_type(code)
        given = v.get("type")
        if given is None:
            v["type"] = derived
        elif given.upper() != derived:
            out.append(_anomaly(line, plan, "type", f"le type « {given} » ne correspond pas au "
                                f"code {code}", f"Indiquez {derived} (ou corrigez le code).",
                                "REG-CODE-CERTIF"))  # fmt: skip
        else:
            v["type"] = derived
    # -- birth date in one column
    birth = v.pop(cols.BIRTH_DATE, None)
    if birth:
        year, month, day = _split_birth(birth)
        for key, part in (("anneeNaissance", year), ("moisNaissance", month),
                          ("jourNaissance", day)):  # fmt: skip
            if key not in v:
                v[key] = part
            elif v[key] != part:
                out.append(_anomaly(line, plan, key, f"la date de naissance {birth} et la "
                                    f"colonne {key} ({v[key]}) ne concordent pas",
                                    "Corrigez l'une des deux colonnes."))  # fmt: skip
    # -- presence flags derived from the levels when empty
    for flag, level, other, rule in _PRESENCE:
        has_level = level in v or (other is not None and other in v)
        given = v.get(flag)
        if given is None:
            v[flag] = "true" if has_level else "false"
            changes.add(plan.header_of.get(flag) or flag, flag,
                        "déduit de la présence du niveau", line, "", v[flag])  # fmt: skip
        elif given == "true" and not has_level:
            out.append(_anomaly(line, plan, level, "le niveau est absent alors que "
                                f"{flag} vaut Oui", "Indiquez le niveau atteint, ou mettez Non "
                                "dans la colonne de présence.", rule))  # fmt: skip
    # -- required values
    for key in _REQUIRED:
        if key not in v:
            out.append(_anomaly(line, plan, key, "valeur obligatoire absente",
                                _required_hint(key), "BUILD-OBLIGATOIRE"))  # fmt: skip
    if v.get("obtentionCertification") == "PAR_SCORING" and "scoring" not in v:
        out.append(_anomaly(line, plan, "scoring", "le score est absent pour une obtention "
                            "PAR_SCORING", "Indiquez le score obtenu, ou choisissez "
                            "PAR_ADMISSION.", "REG-SCORING"))  # fmt: skip
    for start, end, rule in (
        ("dateDebutValidite", "dateFinValidite", "REG-DATES-VALIDITE"),
        ("dateDebutExamen", "dateFinExamen", "REG-DATES-EXAMEN"),
    ):
        if start in v and end in v and v[end] < v[start]:
            out.append(_anomaly(line, plan, end, f"{end} ({v[end]}) est antérieure à {start} "
                                f"({v[start]})", "Vérifiez les deux dates (jour et mois "
                                "inversés ?).", rule))  # fmt: skip
    out.extend(_identity(line, v, plan, changes, today))
    if not out and "idTechnique" not in v:
        v["idTechnique"] = derive_id_technique(v)
    return out


def _required_hint(key: str) -> str:
    hints = {
        "code": "Indiquez le code de la fiche France compétences (RNCP12345 ou RS1234).",
        "obtentionCertification": "Indiquez PAR_ADMISSION (décision d'un jury) ou PAR_SCORING.",
        "donneeCertifiee": "Indiquez Oui si le résultat est définitif, Non s'il est provisoire.",
        "dateDebutValidite": "Indiquez la date d'obtention (date du jury), jj/mm/aaaa.",
    }
    return hints.get(key, "Renseignez cette valeur.")


@functools.lru_cache(maxsize=65536)
def _birth_date(year: str, month: str | None, day: str | None) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@functools.lru_cache(maxsize=65536)
def _split_birth(birth: str) -> tuple[str, str, str]:
    year, month, day = birth.split("-")
    return year, str(int(month)), str(int(day))


def _identity(line, v: dict, plan: _Plan, changes: _Changes, today) -> list[Anomaly]:
    """Choose the identification branch (NIR, CPF file, civil status) and check it."""
    out: list[Anomaly] = []
    if v.get("nir") and plan.version == "1.1.5":
        if "nomNaissance" not in v:
            out.append(_anomaly(line, plan, "nomNaissance", "le nom de naissance est absent",
                                "Indiquez le nom de naissance de la personne.",
                                "BUILD-OBLIGATOIRE"))  # fmt: skip
            return out
        nir, name = v["nir"], v["nomNaissance"]
        for key in (*_TITULAIRE_KEYS, *_DOSSIER_KEYS):
            v.pop(key, None)
        v["nir"], v["identifiantNational/nomNaissance"] = nir, name
        plan.nir_used = True
        return out
    v.pop("nir", None)
    if v.get("idDossier"):
        for key, fallback, size in (("nomTitulaire", "nomNaissance", 30),
                                    ("prenom1Titulaire", "prenom1", 20)):  # fmt: skip
            if key not in v and v.get(fallback):
                if len(v[fallback]) > size:
                    out.append(_anomaly(line, plan, key, f"« {v[fallback]} » dépasse les {size} "
                                        "caractères du dossier CPF", "Indiquez le nom tel qu'il "
                                        "figure sur le dossier CPF.", "BUILD-VALEUR"))  # fmt: skip
                    continue
                v[key] = v[fallback]
            if key not in v:
                out.append(_anomaly(line, plan, key, "valeur obligatoire pour un dossier CPF",
                                    "Indiquez le nom et le premier prénom du titulaire du "
                                    "dossier CPF.", "BUILD-OBLIGATOIRE"))  # fmt: skip
        for key in _TITULAIRE_KEYS:
            v.pop(key, None)
        return out
    for key in _DOSSIER_KEYS:
        v.pop(key, None)
    for key in _TITULAIRE_REQUIRED:
        if key not in v:
            out.append(_anomaly(line, plan, key, "valeur obligatoire absente",
                                "Renseignez l'état civil : nom de naissance, premier prénom, "
                                "sexe et année de naissance.", "BUILD-OBLIGATOIRE"))  # fmt: skip
    if "anneeNaissance" in v:
        born = _birth_date(v["anneeNaissance"], v.get("moisNaissance"), v.get("jourNaissance"))
        if born is None:
            year = v["anneeNaissance"]
            month, day = v.get("moisNaissance") or 1, v.get("jourNaissance") or 1
            out.append(_anomaly(line, plan, "jourNaissance", f"le {day}/{month}/{year} n'existe "
                                "pas", "Vérifiez le jour et le mois de naissance.",
                                "REG-NAISSANCE-DATE"))  # fmt: skip
        else:
            award = v.get("dateDebutValidite")
            reference = _iso_date(award) if award else today
            age = (
                reference.year
                - born.year
                - ((reference.month, reference.day) < (born.month, born.day))
            )
            if born > today or not MIN_AGE <= age <= MAX_AGE:
                out.append(_anomaly(line, plan, "anneeNaissance", f"une naissance le "
                                    f"{born:%d/%m/%Y} donne {age} ans à la date d'obtention",
                                    "Vérifiez l'année de naissance (et qu'elle n'a pas été "
                                    "confondue avec une autre date).", "REG-NAISSANCE-AGE"))  # fmt: skip
        if "jourNaissance" in v and "moisNaissance" not in v:
            out.append(_anomaly(line, plan, "moisNaissance", "le jour de naissance est donné "
                                "sans le mois", "Indiquez le mois de naissance.",
                                "REG-NAISSANCE-DATE"))  # fmt: skip
    insee = v.get("codeInsee")
    if insee:
        v.pop("codePostal", None)
        if insee.startswith("99") and "codePaysNaissance" not in v:
            out.append(_anomaly(line, plan, "codePaysNaissance", f"le code {insee} désigne une "
                                "naissance à l'étranger mais le pays n'est pas indiqué",
                                "Indiquez le code pays de naissance (3 caractères).",
                                "REG-PAYS-ETRANGER"))  # fmt: skip
    return out


def passage_lines(
    source: str | os.PathLike, *, mapping=None, schema: str = "auto"
) -> tuple[BuildResult, dict[str, int]]:
    """idTechnique → spreadsheet line of every passage `build_flux` would write from `source`
    (ids taken from the column or derived exactly as in build). Used to match the passages of
    an accusé de traitement with the certifier's rows."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="passeport-ids-") as tmp:
        result = build_flux(
            source,
            Path(tmp) / "flux.xml",
            emetteur="XXXXXXXX",  # the envelope is irrelevant here
            certificateur="XXXXXXXX",
            contrat="X",
            schema=schema,
            mapping=mapping,
        )
    return result, result.lines_by_id
