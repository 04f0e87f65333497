"""Reading the certifiers' spreadsheets (xlsx, xls, ods, csv) as rows, streaming.

Spreadsheets are read with python-calamine (Rust, the fastest reader available to Python): cell
values keep their type (str, float, bool, date, datetime, time), which the normalisers use (an
Excel date is already a date, a number that lost its leading zero is a float). CSV files are
what a French office exports: UTF-8 with or without BOM, UTF-16 (Excel « texte Unicode »), or
cp1252 (Excel « CSV (séparateur : point-virgule) »); delimiter `;`, `,`, tab or `|`, sniffed.
Every cell of a CSV is a string.
"""

import codecs
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import cells

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_SNIFF_BYTES = 64 * 1024


class SpreadsheetError(ValueError):
    """An input that cannot be read; the message is French and names the file."""


@dataclass
class Table:
    """Rows of the first worksheet: `rows` yields `(line, values)`, line numbered from 1."""

    path: str
    sheet: str
    rows: Iterator[tuple[int, list]]
    encoding: str | None = None
    delimiter: str | None = None
    chunks: Iterator[bytes] | None = None  # further xlsx chunks (large files, see building)
    chunk_lines: list[tuple[int, int]] = field(default_factory=list)  # their first, last lines


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def open_table(path: str | os.PathLike) -> Table:
    """Open a spreadsheet or CSV file. Raises `SpreadsheetError` with a French message."""
    name = str(path)
    suffix = Path(path).suffix.lower()
    if not os.path.exists(path):
        raise SpreadsheetError(f"{name} : fichier introuvable.")
    if os.path.isdir(path):
        raise SpreadsheetError(f"{name} : c'est un dossier, pas un fichier.")
    if suffix in CSV_SUFFIXES:
        return _open_csv(path)
    if suffix in SPREADSHEET_SUFFIXES:
        return _open_workbook(path)
    raise SpreadsheetError(
        f"{name} : format « {suffix or 'sans extension'} » non pris en charge. "
        "Enregistrez le fichier au format .xlsx, .ods ou .csv."
    )


def _open_workbook(path) -> Table:
    import python_calamine

    name = str(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet_name = None
        for metadata in workbook.sheets_metadata:
            visible = str(metadata.visible).endswith("Visible")
            if visible and str(metadata.typ).endswith("WorkSheet"):
                sheet_name = metadata.name
                break
        if sheet_name is None:
            raise SpreadsheetError(f"{name} : le classeur ne contient aucune feuille visible.")
        sheet = workbook.get_sheet_by_name(sheet_name)
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine raises several types for corrupt / encrypted files
        raise SpreadsheetError(
            f"{name} : classeur illisible ({type(exc).__name__} : {exc}). Vérifiez qu'il "
            "n'est pas protégé par un mot de passe ni endommagé, ou enregistrez-le de nouveau "
            "au format .xlsx."
        ) from None
    first_column = sheet.start[1] if sheet.height else 0

    def rows():
        # calamine's iter_rows starts at row 1 but at the first non-empty column: re-align
        # on column A so that positions are the same in every reader (see xlsx_chunks).
        for offset, values in enumerate(sheet.iter_rows()):
            yield 1 + offset, ([""] * first_column + values) if first_column else values

    return Table(path=name, sheet=sheet_name, rows=rows())


def detect_encoding(path) -> str:
    """BOMs first, then strict UTF-8 over the whole file (C speed), else cp1252."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if not lines:
        return ";"
    # The header row names the columns and is rarely quoted: when only one candidate appears
    # in it, that is the delimiter (the sniffer can be misled by quoted values full of commas).
    header = lines[0]
    present = [d for d in ";,\t|" if d in header]
    if len(present) == 1 and '"' not in header:
        return present[0]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ";,\t|"}
        return max(counts, key=counts.get) if max(counts.values()) else ";"


def _open_csv(path) -> Table:
    name = str(path)
    encoding = detect_encoding(path)
    try:
        handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 (closed by rows())
        sample = handle.read(_SNIFF_BYTES)
        handle.seek(0)
    except (OSError, UnicodeError) as exc:
        raise SpreadsheetError(f"{name} : lecture impossible ({exc}).") from None
    if "\x00" in sample:
        handle.close()
        raise SpreadsheetError(
            f"{name} : ce fichier n'est pas un CSV texte. Enregistrez-le au format .csv ou .xlsx."
        )
    delimiter = detect_delimiter(sample)

    def rows():
        with handle:
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                for values in reader:
                    # Our own files (rejects) wrote formula-like text with an apostrophe.
                    yield reader.line_num, [cells.from_csv(value) for value in values]
            except csv.Error as exc:
                raise SpreadsheetError(f"{name}, ligne {reader.line_num} : {exc}.") from None

    return Table(path=name, sheet="", rows=rows(), encoding=encoding, delimiter=delimiter)
