"""Spreadsheet of a deposit's KO passages: reason, explanation, fix, and the passage's data."""

import io

from django.core.files.storage import default_storage
from openpyxl import Workbook

from passeport.flux import cells
from passeport.flux.cdc_messages import explain

from .forms import columns
from .models import Deposit, PassageOutcome
from .reading import Header, iter_flux

FIXED = ["idTechnique", "Certification", "Message d'erreur", "Explication", "Comment corriger"]


def rejects_workbook(deposit: Deposit) -> bytes:
    """xlsx bytes; the passages' values come from the deposited file (read as a stream)."""
    outcomes = {
        o.position: o
        for o in PassageOutcome.objects.filter(deposit=deposit, status=PassageOutcome.Status.KO)
        .filter(corrected_by__isnull=True)
        .only("position", "id_technique", "message", "certification_code")
    }
    version = deposit.schema_version or "1.1.2"
    data_columns = columns(version)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Passages rejetés")
    sheet.append(FIXED + [f"{c.label} ({c.key})" for c in data_columns])
    if outcomes:
        last = max(outcomes)
        with default_storage.open(deposit.file.name, "rb") as stream:
            declared = Header.from_json(deposit.certificateurs or [])
            for passage in iter_flux(stream, declared=declared):
                if passage.position > last:
                    break
                outcome = outcomes.get(passage.position)
                if outcome is None:
                    continue
                explanation = explain(outcome.message)
                values = [
                    outcome.id_technique,
                    outcome.certification_code,
                    outcome.message,
                    explanation.explanation,
                    explanation.fix,
                ] + [passage.value(c.name) or "" for c in data_columns]
                # Every value is text a certifier (or anyone) typed: never a formula.
                sheet.append([cells.text_cell(sheet, str(value)) for value in values])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
