"""« Vérifier mon fichier »: anyone's flux or spreadsheet checked, nothing deposited, nothing kept.

A flux XML gets the very report of `passeport flux validate --format html`
(`flux.validation.validate_file` then `flux.reports.render_html`); a spreadsheet gets the preview
of a build (`flux.building.build_flux`, the CLI's builder): recognised columns, automatic fixes
with examples, rows that need a human, passages that would be written. The upload is copied
into a private temporary folder that is removed, with Django's own temporary file, before the
answer leaves (`check_upload`'s `finally`); no deposit, no database row, no log of the content.

A spreadsheet is a zip package (xlsx, ods): its declared sizes are read first (`zip_refusal`),
so that a zip bomb — a few kilobytes that inflate to gigabytes (CWE-409) — is refused before any
reader inflates it. The API's spreadsheet deposits use the same guard
(`spreadsheet_deposits.py`).
"""

import contextlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from passeport.flux import columns as cols
from passeport.flux.building import BuildResult, build_flux
from passeport.flux.reports import render_html
from passeport.flux.sniffing import kind_of_non_xml
from passeport.flux.spreadsheets import SpreadsheetError, open_table
from passeport.flux.validation import validate_file

# What a certifier's office saves a table as; `.xls` and `.tsv` are read by the same builder.
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv"}
_HEAD = 4096
# A build preview needs ids in the envelope; nothing built here ever leaves the server.
_PREVIEW_IDS = {"emetteur": "VERIFIER", "certificateur": "VERIFIER", "contrat": "VERIFICATION"}
# Deflate cannot shrink data more than about 1 000 times (RFC 1951's longest match over its
# shortest code); real worksheets shrink 5 to 50 times. Beyond this ratio an entry is a bomb.
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 10_000
SHOWN_REJECTED_ROWS = 100


@dataclass
class Check:
    """What the page shows: `report_html` for a flux, `build` for a spreadsheet, or `error`."""

    file_name: str
    kind: str  # "flux", "spreadsheet" or "refused"
    report_html: str = ""
    valid: bool | None = None
    build: BuildResult | None = None
    error: str = ""
    errors: list[str] = field(default_factory=list)


def public_name(name: str | None) -> str:
    """The file's own name, never a path a client sent (« C:\\Users\\…\\promo.xlsx »)."""
    return (name or "fichier").replace("\\", "/").rsplit("/", 1)[-1][:200] or "fichier"


def spreadsheet_suffix(file_name: str, head: bytes) -> str | None:
    """The suffix the builder reads the file by (".xlsx", ".ods", ".csv"…), or None for what
    must be a flux XML. The content decides for zip packages; the name for CSV and old xls."""
    kind = kind_of_non_xml(head) or ""
    if "(.xlsx)" in kind:
        return ".xlsx"
    if "(.ods)" in kind:
        return ".ods"
    suffix = Path(file_name).suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return suffix
    return None


def zip_refusal(path, file_name: str) -> str | None:
    """A French message when the zip package at `path` would inflate beyond what a worksheet
    can be (settings.SPREADSHEET_MAX_UNPACKED_BYTES, MAX_ZIP_RATIO, MAX_ZIP_ENTRIES); None
    when it may be read (or is no zip at all: the reader then says what it is)."""
    if not zipfile.is_zipfile(path):
        return None
    limit = settings.SPREADSHEET_MAX_UNPACKED_BYTES
    refused = (
        f"{file_name} : ce classeur se décompresse en un volume anormal (archive piégée ou "
        f"endommagée) ; il n'a pas été lu. Un tableur de passages décompressé tient en "
        f"{limit // (1024 * 1024)} Mo : enregistrez à nouveau le fichier depuis votre tableur "
        "(« Enregistrer sous », format .xlsx, .ods ou .csv)."
    )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return (
            f"{file_name} : archive illisible ; ce fichier n'est pas un classeur valide. "
            "Enregistrez-le à nouveau depuis votre tableur au format .xlsx, .ods ou .csv."
        )
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > limit:
        return refused
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_ZIP_RATIO * max(
            entry.compress_size, 1
        ):
            return refused
    return None


def _copy(upload, target: Path) -> bytes:
    """Write the upload to `target`; returns its first bytes."""
    head = b""
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            if len(head) < _HEAD:
                head += chunk[: _HEAD - len(head)]
            out.write(chunk)
    return head


def _discard(upload) -> None:
    # TemporaryUploadedFile deletes its file on close (NamedTemporaryFile); in memory, nothing.
    with contextlib.suppress(OSError):
        upload.close()


def check_upload(upload) -> Check:
    """Check one uploaded file (a Django UploadedFile); nothing of it remains afterwards."""
    name = public_name(upload.name)
    workdir = Path(tempfile.mkdtemp(prefix="passeport-check-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        staged = workdir / "fichier"
        head = _copy(upload, staged)
        suffix = spreadsheet_suffix(name, head)
        if suffix is None:
            return check_flux(staged, name)
        path = staged.rename(workdir / f"fichier{suffix}")
        return check_spreadsheet(path, name)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        _discard(upload)


def check_flux(path, name: str) -> Check:
    """The CLI's HTML validation report of the flux at `path`, shown as `name`."""
    # One process: a web worker forks nothing (validate_file's parallel mode is for the CLI).
    report = validate_file(str(path), name=name, parallel=False)
    return Check(
        file_name=name,
        kind="flux",
        report_html=render_html([report]),
        valid=report.valid,
    )


def _public(text: str, path, name: str) -> str:
    return str(text).replace(str(path), name)


def check_spreadsheet(path, name: str, mapping: cols.Mapping | None = None) -> Check:
    """The build preview of the spreadsheet at `path` (nothing written anywhere)."""
    refusal = zip_refusal(path, name)
    if refusal:
        return Check(file_name=name, kind="refused", error=refusal)
    result = preview_build(path, name, mapping=mapping, **_PREVIEW_IDS)
    return Check(
        file_name=name,
        kind="spreadsheet",
        build=result,
        valid=not result.errors and not result.rejected,
        errors=list(result.errors),
    )


def preview_build(path, name: str, *, mapping=None, **ids) -> BuildResult:
    """`build_flux` over the spreadsheet at `path`, messages naming `name` (not the temporary
    path), the XML kept in memory (`result.xml`)."""
    try:
        table = open_table(path)
    except SpreadsheetError as exc:
        result = BuildResult(source=name)
        result.errors.append(_public(exc, path, name))
        return result
    table.path = name
    result = build_flux(table, None, mapping=mapping, parallel=False, **ids)
    result.errors = [_public(e, path, name) for e in result.errors]
    return result


def field_label(key: str) -> str:
    column = cols.resolve_field(key)
    return column.describe() if column else key


def preview(result: BuildResult) -> dict:
    """What the preview template shows of a build: plain data, at most SHOWN_REJECTED_ROWS rows
    needing a human (the counts are complete)."""
    return {
        "columns": [
            {"header": header, "key": key, "label": field_label(key)}
            for header, key in result.columns.items()
        ],
        "unknown": list(result.unknown_columns),
        "ignored": list(result.ignored_columns),
        "changes": [
            {
                "column": change.column,
                "change": change.change,
                "count": change.count,
                "examples": [
                    {"line": line, "before": before, "after": after}
                    for line, before, after in change.examples[:2]
                ],
            }
            for change in result.changes
        ],
        "rejected": [
            {
                "line": row.line,
                "anomalies": [{"text": a.text(), "hint": a.hint} for a in row.anomalies],
            }
            for row in result.rejected[:SHOWN_REJECTED_ROWS]
        ],
        "rejected_count": result.rejected_count,
        "rejected_more": max(0, result.rejected_count - SHOWN_REJECTED_ROWS),
        "rows": result.rows,
        "written": result.written,
        "certifications": sorted(result.certifications.items()),
        "version": result.version,
        "warnings": [a.text() for a in result.warnings],
    }
