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

This module is the straight line, top to bottom; the row pipeline is build_rows.py (its
checks row_checks.py), the worker processes of a large xlsx building_parallel.py, the result
types build_results.py.
"""

import datetime
import os
import re
from array import array
from collections.abc import Iterable
from collections.abc import Mapping as MappingABC
from pathlib import Path

from passeport.flux import building_parallel
from passeport.flux import columns as cols
from passeport.flux.build_results import (
    Anomaly,
    BuildError,
    BuildResult,
    ChangeSummary,
    RejectedRow,
)
from passeport.flux.build_rows import Changes, Plan, make_plan, process_rows
from passeport.flux.row_checks import duplicate_anomaly, missing_columns
from passeport.flux.spreadsheets import SpreadsheetError, Table, open_table
from passeport.flux.writer import MAX_BYTES, MAX_PASSAGES, Envelope, FluxWriter

__all__ = [
    "Anomaly",
    "BuildError",
    "BuildResult",
    "ChangeSummary",
    "RejectedRow",
    "build_flux",
    "check_ids",
    "passage_lines",
]

HEADER_SEARCH_ROWS = 10
_CLIENT_ID = re.compile(r"[A-Za-z0-9]{8}")
_FIX_MAPPING = (
    "Ajoutez la colonne au tableau, ou indiquez-la dans le fichier de correspondance "
    '(--mapping) : [colonnes] "Votre titre" = "{key}", ou une valeur commune à toutes les '
    'lignes : [valeurs] {key} = "…".'
)


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
    result.errors.extend(check_ids(emetteur, certificateur, contrat))
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
        plan = make_plan(header_values, mapping, forced_version, result)
    except cols.MappingError as exc:
        result.errors.extend(getattr(exc, "messages", None) or [str(exc)])
        return result
    result.version = plan.version
    missing = missing_columns(plan)
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
    changes = Changes()
    today = today or datetime.date.today()
    out = _Output(plan, writer, result)
    try:
        process_rows(table.rows, plan, out, changes, today)
        if table.chunks is not None:  # a large xlsx: the other chunks, in worker processes
            building_parallel.process_chunks(
                table, header_values, mapping, forced_version, today, out, changes
            )
    except SpreadsheetError as exc:
        writer.close()
        result.errors.append(str(exc))
        return result
    if any(r.values is None for r in result.rejected):
        building_parallel.fill_values(table, result)
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


def check_ids(emetteur: str, certificateur: str, contrat: str) -> list[str]:
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
            table = building_parallel.chunked_table(source, parallel)
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


class _Output:
    """Where processed rows go in this process: the writer and the result."""

    def __init__(self, plan: Plan, writer: FluxWriter, result: BuildResult):
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
                RejectedRow(line, values, [duplicate_anomaly(line, self.plan, id_technique, first)])
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
                    RejectedRow(
                        line, None, [duplicate_anomaly(line, self.plan, id_technique, first)]
                    )
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
