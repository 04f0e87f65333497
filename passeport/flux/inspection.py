"""Look at a spreadsheet before building from it: its header row, and for every column its
header, a few sample values, what it was recognised as and why (`columns.recognise`), and
whether it may be the passage's identifier.

    inspection = inspect_spreadsheet("passages.xlsx", mapping=None, progress=print)
    for column in inspection.columns:
        column.header, column.samples, column.recognition.explanation, column.proposed

The portal's column-mapping screen shows exactly this; `passeport flux columns` prints it. Every
row is read once (in bounded memory: a large xlsx by chunks, as `building` reads it) to count the
rows and to see which unrecognised columns hold unique identifier-like values
(`columns.IdentifierWatch`): such a column is proposed as idTechnique, never taken. The result
is plain data (`as_json` / `from_json`): the portal stores it between two screens.
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from passeport.flux import columns as cols
from passeport.flux.spreadsheets import SpreadsheetError, is_blank, open_table

SAMPLES = 3
HEADER_SEARCH_ROWS = 10
CHUNKED_MIN_BYTES = 2 << 20  # an xlsx above this is read by chunks (bounded memory)
PROGRESS_EVERY = 5000  # rows between two calls of `progress`


@dataclass
class InspectedColumn:
    position: int
    header: str
    samples: list[str] = field(default_factory=list)
    key: str | None = None  # the recognised field, None if ambiguous or unknown
    rule: str = ""  # a key of columns.RULES ("" if not recognised)
    candidates: list[str] = field(default_factory=list)  # ambiguous: the plausible fields
    proposed: bool = False  # unique identifier-like values: proposed as idTechnique
    ignored: bool = False  # the mapping says "": not transmitted
    duplicate_of: str | None = None  # the header of an earlier column of the same field
    filled: int = 0  # non-empty cells

    @property
    def status(self) -> str:
        """recognised | ambiguous | unknown | ignored | duplicate"""
        if self.ignored:
            return "ignored"
        if self.duplicate_of is not None:
            return "duplicate"
        if self.key:
            return "recognised"
        return "ambiguous" if self.candidates else "unknown"


@dataclass
class Inspection:
    source: str
    header_line: int = 0
    columns: list[InspectedColumn] = field(default_factory=list)
    rows: int = 0  # data rows (blank rows not counted)
    errors: list[str] = field(default_factory=list)  # nothing to map: the file is unusable

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def mapping(self) -> cols.Mapping:
        """The recognised columns as a mapping (header → field; "" for the others)."""
        return cols.Mapping(columns={c.header: c.key or "" for c in self.columns})

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "header_line": self.header_line,
            "rows": self.rows,
            "errors": list(self.errors),
            "columns": [vars(c).copy() for c in self.columns],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Inspection":
        return cls(
            source=data["source"],
            header_line=data["header_line"],
            rows=data["rows"],
            errors=list(data["errors"]),
            columns=[InspectedColumn(**c) for c in data["columns"]],
        )


def display(value) -> str:
    """A cell as the certifier typed it (dates as jj/mm/aaaa, 1053.0 as 1053)."""
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value).strip()


def inspect_spreadsheet(
    path: str | os.PathLike,
    *,
    mapping: cols.Mapping | None = None,
    progress: Callable[[int, float], None] | None = None,
    name: str | None = None,
) -> Inspection:
    """Read every row of `path` once. `progress(rows, fraction of the file read)` is called
    every few thousand rows. Never raises for a bad file: see `errors`."""
    name = name or str(path)
    inspection = Inspection(source=name)
    try:
        rows = _rows(path)
        found = cols.find_header_row(
            (item[:2] for item in rows), mapping, search=HEADER_SEARCH_ROWS
        )
    except SpreadsheetError as exc:
        inspection.errors.append(str(exc).replace(str(path), name))
        return inspection
    if found is None:
        inspection.errors.append(
            f"{name} : aucune ligne de titres reconnue dans les {HEADER_SEARCH_ROWS} premières "
            "lignes. La première ligne doit contenir les titres des colonnes (par exemple « Nom "
            "de naissance », « Code de la certification »…) : partez du modèle de tableur."
        )
        return inspection
    inspection.header_line, header_values = found
    recognised = cols.recognise_headers(header_values, mapping, "1.1.5")
    for position, value in enumerate(header_values):
        if is_blank(value):
            continue
        column = InspectedColumn(position, str(value).strip())
        recognition = recognised.recognitions.get(position)
        if recognition is None:  # mapped to "" by the mapping
            column.ignored, column.rule = True, "mapping"
        elif recognition.column is not None:
            column.key, column.rule = recognition.column.key, recognition.rule
        else:
            column.candidates = [c.key for c in recognition.candidates]
        inspection.columns.append(column)
    first_of = {column.key: position for position, column in recognised.columns.items()}
    for column in inspection.columns:
        first = first_of.get(column.key)
        if column.key and first is not None and first != column.position:
            column.duplicate_of = str(header_values[first]).strip()
    by_position = {c.position: c for c in inspection.columns}
    has_id = any(c.key == cols.ID_TECHNIQUE for c in inspection.columns)
    watch = cols.IdentifierWatch(
        [] if has_id else [c.position for c in inspection.columns if c.status == "unknown"]
    )
    try:
        for _line, values, fraction in rows:
            if all(is_blank(v) for v in values):
                continue
            inspection.rows += 1
            watch.add(values)
            for position, value in enumerate(values):
                column = by_position.get(position)
                if column is None or is_blank(value):
                    continue
                column.filled += 1
                if len(column.samples) < SAMPLES:
                    shown = display(value)
                    if shown not in column.samples:
                        column.samples.append(shown)
            if progress is not None and inspection.rows % PROGRESS_EVERY == 0:
                progress(inspection.rows, fraction)
    except SpreadsheetError as exc:
        inspection.errors.append(str(exc).replace(str(path), name))
        return inspection
    proposal = watch.proposal()
    if proposal is not None:
        by_position[proposal].proposed = True
    if progress is not None:
        progress(inspection.rows, 1.0)
    return inspection


def _rows(path):
    """(line, values, fraction read) of the first visible sheet, in bounded memory."""
    suffix = Path(path).suffix.lower()
    if (
        suffix in (".xlsx", ".xlsm")
        and os.path.isfile(path)
        and os.path.getsize(path) >= CHUNKED_MIN_BYTES
    ):
        chunked = _chunked_rows(path)
        if chunked is not None:
            return chunked
    table = open_table(path)  # a missing or unsupported file: its French message
    size = max(os.path.getsize(path), 1)
    if table.encoding is not None:  # a CSV: the share of the lines read, by their length
        ratio = 2 if table.encoding == "utf-16" else 1

        def csv_rows():
            read = 0
            for line, values in table.rows:
                read += sum(len(v) + 1 for v in values) * ratio
                yield line, values, min(read / size, 0.99)

        return csv_rows()

    def sheet_rows():  # read whole by calamine: the position is not known
        for line, values in table.rows:
            yield line, values, 0.0

    return sheet_rows()


def _chunked_rows(path):
    import zipfile

    from passeport.flux.xlsx_chunks import ChunkingUnsupported, XlsxChunks

    try:
        chunks = XlsxChunks(path)
        total = max(chunks.archive.getinfo(chunks.sheet_part).file_size, 1)
        iterator = iter(chunks)
        first = next(iterator, None)
    except (ChunkingUnsupported, OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None

    def rows():
        read = 0
        try:
            chunk = first
            while chunk is not None:
                read += len(chunk)
                for line, values in chunks.rows(chunk):
                    yield line, values, min(read / total, 0.99)
                chunk = next(iterator, None)
        except (ChunkingUnsupported, OSError, zipfile.BadZipFile) as exc:
            raise SpreadsheetError(f"{path} : classeur illisible ({exc}).") from None
        finally:
            chunks.close()

    return rows()
