"""A spreadsheet deposited in the portal: stored, inspected, mapped, previewed, then deposited.

The certifier's spreadsheet goes through the same builder as `passeport flux build`
(`flux.inspection` for its columns, `flux.building` for the passages); nothing here re-implements
them. The steps, each one screen (deposits/analysis_views.py) and the API's spreadsheet deposit
call the same functions:

    analysis = start(upload, file_name="jury.xlsx", certifier=c, user=u)   # stored + queued
    inspect(analysis.pk)          # background task: columns, samples, recognition, memory
    column_rows(analysis)         # what the mapping screen shows, one dict per column
    errors = choose(analysis, {"Date PV": "dateDebutValidite", "Commentaire": ""})
    build(analysis.pk)            # background task: XML, HTML report, rejects, preview
    reception = confirm(analysis, user=u)    # the built XML through reception.receive
    mapping_toml(analysis)        # the CLI's TOML mapping file of the chosen columns
    sweep_abandoned()             # daily: analyses not deposited after a day, with their files

The upload is stored with its SHA-256 before anything else (the project's rule for deposited
files, as reception.py does). Between two screens only the analysis row is kept: the stored
files and plain JSON (the inspection, the chosen mapping, the preview), never the rows.
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.utils import timezone

from passeport.flux import columns as cols
from passeport.flux import rejects as flux_rejects
from passeport.flux.building import build_flux
from passeport.flux.inspection import Inspection, inspect_spreadsheet

from . import mappings
from .models import Deposit, SpreadsheetAnalysis

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv")
KEEP_FOR = timedelta(days=1)  # an analysis not deposited within a day is abandoned
PREVIEW_ROWS = 200  # rows needing a human shown on the preview (all are in the rejects file)
EXAMPLES = 2  # before/after examples of each automatic fix on the preview
CHUNK = 1 << 20
# Why a column maps to its field, beside columns.RULES: the portal's own reasons.
REMEMBERED = "comme la dernière fois"
CHOSEN = "choisi par vous"
IGNORE = ""  # the mapping's value for a column not transmitted (columns.Mapping)
UNDECIDED = "?"  # an ambiguous column not decided yet: never guessed


class AnalysisError(Exception):
    """A spreadsheet that cannot even be stored or used; the message is French."""


def is_spreadsheet(file_name: str) -> bool:
    return Path(file_name or "").suffix.lower() in SPREADSHEET_SUFFIXES


def start(source, *, file_name: str, certifier, user=None) -> SpreadsheetAnalysis:
    """Store `source` (a file object) with its checksum, record the analysis and queue its
    inspection. Raises AnalysisError for a file that is not a spreadsheet or too large."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise AnalysisError(
            f"{file_name} : format non pris en charge. Déposez un flux XML ou un tableur "
            "(.xlsx, .ods ou .csv)."
        )
    name, size, digest = _store(source, f"spreadsheets/{timezone.now():%Y/%m}/{uuid.uuid4().hex}",
                                suffix)  # fmt: skip
    analysis = SpreadsheetAnalysis.objects.create(
        certifier=certifier,
        started_by=user if getattr(user, "is_authenticated", False) else None,
        file_name=Path(file_name).name[:255],
        file=name,
        size=size,
        sha256=digest,
    )
    from . import tasks

    transaction.on_commit(lambda: tasks.inspect_analysis.enqueue(str(analysis.pk)))
    return analysis


def _store(source, stem: str, suffix: str) -> tuple[str, int, str]:
    digest, size = hashlib.sha256(), 0
    with contextlib.suppress(AttributeError, OSError, ValueError):
        source.seek(0)
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as copy:
        while data := source.read(CHUNK):
            size += len(data)
            if size > settings.MAX_UPLOAD_BYTES:
                copy.close()
                os.unlink(copy.name)
                raise AnalysisError(
                    f"Le fichier dépasse la taille maximale d'un dépôt "
                    f"({settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo)."
                )
            digest.update(data)
            copy.write(data)
    try:
        with open(copy.name, "rb") as handle:
            name = default_storage.save(stem + suffix, File(handle))
    finally:
        os.unlink(copy.name)
    return name, size, digest.hexdigest()


@contextlib.contextmanager
def _local(name: str):
    """A path on disk for a stored file (the readers need one: calamine, the chunked xlsx)."""
    if isinstance(default_storage, FileSystemStorage):
        yield default_storage.path(name)
        return
    with tempfile.TemporaryDirectory(prefix="passeport-tableur-") as tmp:
        target = Path(tmp) / Path(name).name
        with default_storage.open(name, "rb") as stream, open(target, "wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        yield str(target)


def _set(analysis_id, **fields) -> None:
    SpreadsheetAnalysis.objects.filter(pk=analysis_id).update(updated_at=timezone.now(), **fields)


def inspect(analysis_id) -> str:
    """The background step after upload: every column with its samples and recognition; the
    mapping remembered for these headers, if any, is taken (« comme la dernière fois »)."""
    analysis = SpreadsheetAnalysis.objects.filter(pk=analysis_id).first()
    if analysis is None or analysis.state not in (
        SpreadsheetAnalysis.State.RECEIVED, SpreadsheetAnalysis.State.INSPECTING,
    ):  # fmt: skip
        return "absent" if analysis is None else analysis.state
    _set(analysis.pk, state=SpreadsheetAnalysis.State.INSPECTING, progress=0)

    def progress(rows, fraction):
        _set(analysis.pk, progress=min(int(fraction * 100), 99))

    with _local(analysis.file) as path:
        found = inspect_spreadsheet(path, progress=progress, name=analysis.file_name)
    if found.errors:
        _set(analysis.pk, state=SpreadsheetAnalysis.State.FAILED, errors=found.errors, progress=100)
        return SpreadsheetAnalysis.State.FAILED
    recalled = mappings.recall(analysis.certifier, found.headers)
    if recalled is not None and set(recalled) == set(found.headers):
        mapping, remembered = recalled, True
    else:
        mapping, remembered = proposed_mapping(found), False
    _set(
        analysis.pk,
        state=SpreadsheetAnalysis.State.MAPPING,
        progress=100,
        inspection=found.as_json(),
        mapping=mapping,
        remembered=remembered,
        errors=[],
    )
    return SpreadsheetAnalysis.State.MAPPING


def proposed_mapping(found: Inspection) -> dict[str, str]:
    """header → field as recognised; unknown columns ignored, ambiguous ones undecided."""
    mapping = {}
    for column in found.columns:
        if column.status == "recognised":
            mapping[column.header] = column.key
        elif column.status == "ambiguous":
            mapping[column.header] = UNDECIDED
        else:
            mapping[column.header] = IGNORE
    return mapping


def field_choices() -> list[tuple[str, str]]:
    """(key, « Libellé (numéro, élément) ») of every field a column can carry."""
    fields = [cols.birth_date_column(), *cols.spreadsheet_columns("1.1.5")]
    seen, choices = set(), []
    for column in fields:
        if column.key not in seen:
            seen.add(column.key)
            choices.append((column.key, column.describe()))
    return choices


def _describe(key: str) -> dict | None:
    column = cols.resolve_field(key) if key and key != UNDECIDED else None
    if column is None:
        return None
    return {"key": column.key, "label": column.label, "number": column.number,
            "name": column.name}  # fmt: skip


def column_rows(analysis: SpreadsheetAnalysis) -> list[dict]:
    """One dict per column for the mapping screen: header, samples, what it was recognised as
    and why, the candidates of an ambiguous header, the idTechnique proposal, and the current
    choice (`choice`: a field key, "" ignored, "?" undecided)."""
    found = Inspection.from_json(analysis.inspection)
    rows = []
    for column in found.columns:
        choice = analysis.mapping.get(column.header, IGNORE)
        recognised = column.key if column.status in ("recognised", "duplicate") else None
        if analysis.remembered:
            why = REMEMBERED
        elif choice and choice != UNDECIDED and choice != recognised:
            why = CHOSEN
        elif column.status == "recognised":
            why = cols.RULES.get(column.rule, column.rule)
        elif column.status == "duplicate":
            why = f"même champ que la colonne « {column.duplicate_of} »"
        elif column.status == "ambiguous":
            why = "ambigu : à choisir"
        else:
            why = "non reconnue"
        rows.append(
            {
                "position": column.position,
                "header": column.header,
                "samples": column.samples,
                "status": column.status,
                "recognised": _describe(recognised) if recognised else None,
                "why": why,
                "candidates": [d for d in map(_describe, column.candidates) if d],
                "proposed": column.proposed,
                "choice": choice,
                "chosen": _describe(choice),
            }
        )
    return rows


def choose(analysis: SpreadsheetAnalysis, choices: dict[str, str]) -> list[str]:
    """Record the certifier's mapping (header → field key, "" ignored) and queue the build;
    returns the French reasons it cannot be used (nothing recorded then)."""
    if analysis.state not in (
        SpreadsheetAnalysis.State.MAPPING, SpreadsheetAnalysis.State.PREVIEW,
    ):  # fmt: skip
        return ["Ce tableur n'en est plus à l'étape de la correspondance des colonnes."]
    known = {key for key, _ in field_choices()}
    headers = Inspection.from_json(analysis.inspection).headers
    errors, used = [], {}
    mapping = {}
    for header in headers:
        key = choices.get(header, UNDECIDED)
        if key == UNDECIDED:
            errors.append(
                f"Colonne « {header} » : son titre peut désigner plusieurs champs ; choisissez "
                "le bon champ ou « ignorer »."
            )
            continue
        if key and key not in known and cols.resolve_field(key) is None:
            errors.append(f"Colonne « {header} » : « {key} » n'est pas un champ du flux.")
            continue
        if key and key in used:
            errors.append(
                f"Colonnes « {used[key]} » et « {header} » : associées au même champ "
                f"« {cols.resolve_field(key).label} ». Gardez-en une, ignorez l'autre."
            )
            continue
        if key:
            used[key] = header
        mapping[header] = key
    if errors:
        return errors
    remembered = analysis.remembered and mapping == analysis.mapping
    mappings.remember(analysis.certifier, mapping)
    _set(analysis.pk, mapping=mapping, remembered=remembered, errors=[], progress=0,
         state=SpreadsheetAnalysis.State.BUILDING, preview={}, results={})  # fmt: skip
    from . import tasks

    transaction.on_commit(lambda: tasks.build_analysis.enqueue(str(analysis.pk)))
    return []


def build(analysis_id) -> str:
    """The background step after the mapping: the builder writes the flux, the report and the
    rejects into storage; the preview keeps the counts and the first rows to fix. A fatal
    problem (a mandatory field without a column…) sends the certifier back to the mapping."""
    analysis = SpreadsheetAnalysis.objects.filter(pk=analysis_id).first()
    if analysis is None or analysis.state != SpreadsheetAnalysis.State.BUILDING:
        return "absent" if analysis is None else analysis.state
    certifier = analysis.certifier
    stem = Path(analysis.file_name).stem or "tableur"
    folder = f"spreadsheets/{analysis.created_at:%Y/%m}/{analysis.pk.hex}"
    with _local(analysis.file) as path, tempfile.TemporaryDirectory(prefix="passeport-") as tmp:
        result = build_flux(
            path,
            Path(tmp) / f"{stem}.xml",
            emetteur=certifier.id_client,
            certificateur=certifier.id_client,
            contrat=certifier.id_contrat,
            mapping=cols.Mapping(columns=dict(analysis.mapping), path="correspondance"),
        )
        if result.errors:
            _set(analysis.pk, state=SpreadsheetAnalysis.State.MAPPING, errors=result.errors,
                 progress=100)  # fmt: skip
            return SpreadsheetAnalysis.State.MAPPING
        result.source = analysis.file_name
        built = [Path(p) for p in result.files]
        result.files = [Path(p.name) for p in built]
        results = {"xml": [], "xml_names": [p.name for p in built]}
        for local in built:
            with open(local, "rb") as handle:
                results["xml"].append(default_storage.save(f"{folder}/{local.name}", File(handle)))
        results["report"] = default_storage.save(
            f"{folder}/rapport.html", ContentFile(flux_rejects.report_html(result).encode())
        )
        if result.rejected:
            local = flux_rejects.write_build_rejects(Path(tmp) / "lignes.xlsx", result)
            with open(local, "rb") as handle:
                results["rejects"] = default_storage.save(f"{folder}/lignes.xlsx", File(handle))
    _set(analysis.pk, state=SpreadsheetAnalysis.State.PREVIEW, progress=100, results=results,
         preview=_preview(result))  # fmt: skip
    return SpreadsheetAnalysis.State.PREVIEW


def _preview(result) -> dict:
    report = flux_rejects.build_report(result)
    for change in report["changes"]:
        change["examples"] = change["examples"][:EXAMPLES]
    report["rejected_rows"] = report["rejected_rows"][:PREVIEW_ROWS]
    report["warnings"] = report["warnings"][:PREVIEW_ROWS]
    report["warnings_count"] = len(result.warnings)
    return report


def confirm(analysis: SpreadsheetAnalysis, *, user=None) -> list:
    """Deposit the built XML file(s) through the normal reception (same accusés, same
    processing); returns the receptions. Raises AnalysisError when there is nothing to deposit."""
    if analysis.state != SpreadsheetAnalysis.State.PREVIEW or not analysis.results.get("xml"):
        raise AnalysisError(
            "Aucun passage à déposer : corrigez le tableur et déposez-le à nouveau."
        )
    from .reception import receive

    receptions = []
    for name, display in zip(analysis.results["xml"], analysis.results["xml_names"], strict=True):
        with default_storage.open(name, "rb") as stream:
            receptions.append(
                receive(
                    stream,
                    file_name=display,
                    certifier=analysis.certifier,
                    user=user,
                    channel=Deposit.Channel.PORTAL,
                )
            )
    _set(analysis.pk, state=SpreadsheetAnalysis.State.DEPOSITED, deposit=receptions[0].deposit)
    analysis.refresh_from_db()
    return receptions


def mapping_toml(analysis: SpreadsheetAnalysis) -> str:
    """The chosen columns as the CLI's TOML mapping file (`passeport flux build --mapping`)."""
    chosen = {h: k for h, k in analysis.mapping.items() if k != UNDECIDED}
    return mappings.as_toml(chosen, analysis.file_name)


def for_deposit(deposit) -> SpreadsheetAnalysis | None:
    """The analysis a deposit was built from, if it came from a spreadsheet."""
    return SpreadsheetAnalysis.objects.filter(deposit=deposit).first()


def delete(analysis: SpreadsheetAnalysis) -> None:
    """The analysis and every file it stored."""
    names = [analysis.file, *analysis.results.get("xml", [])]
    names += [analysis.results.get(k) for k in ("report", "rejects")]
    for name in filter(None, names):
        default_storage.delete(name)
    analysis.delete()


def sweep_abandoned(now=None) -> int:
    """Delete the analyses not deposited a day after their upload, with their files."""
    limit = (now or timezone.now()) - KEEP_FOR
    stale = SpreadsheetAnalysis.objects.filter(created_at__lt=limit).exclude(
        state=SpreadsheetAnalysis.State.DEPOSITED
    )
    count = 0
    for analysis in stale.iterator():
        delete(analysis)
        count += 1
    return count
