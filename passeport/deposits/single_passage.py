"""Online entry and online correction of a single passage: form → flux builder → pipeline.

The form's values become one row for `passeport.flux.building.build_flux` (the builder of
spreadsheets: same normalisation, same checks, same XML writer), and the XML it returns is
deposited through `reception.receive` like any file. A correction re-deposits a KO passage of
an earlier deposit, prefilled from the deposited file; the KO outcome is linked to the new
deposit (`corrected_by`).
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from passeport.certifiers.mandates import expected_nature_deposant
from passeport.flux.building import build_flux
from passeport.flux.row_checks import REQUIRED, TITULAIRE_REQUIRED, required_hint

from .forms import columns
from .models import Deposit, PassageOutcome
from .reading import Header, Passage, iter_flux
from .reception import Reception, receive


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    hint: str = ""


def load_passage(outcome: PassageOutcome) -> Passage | None:
    """The passage of a deposited file at the outcome's position (streaming, no full load)."""
    with default_storage.open(outcome.deposit.file.name, "rb") as stream:
        declared = Header.from_json(outcome.deposit.certificateurs or [])
        for passage in iter_flux(stream, declared=declared, start_after=outcome.position - 1):
            return passage
    return None


def row_from_passage(passage: Passage, version: str) -> dict:
    row = {}
    for column in columns(version):
        value = passage.value(column.name)
        if value:
            row[column.key] = value
    row["type"] = passage.certification.type
    row["code"] = passage.certification.code
    return row


def _field_named(message: str, version: str) -> str:
    """The field a builder error names as « (key) », e.g. a missing column; "" for the flux."""
    for column in columns(version):
        if f"({column.key})" in message or f"({column.name})" in message:
            return column.key
    return ""


def certifiers_deposited_for(depositor) -> list:
    """Whom `depositor`'s online entry deposits for: itself when it holds certifications (or is
    not a trusted third party), and, for a trusted third party, every certifier whose mandate
    to it is in force (`Mandate.in_force`)."""
    own = (
        [depositor]
        if not depositor.is_trusted_third_party or depositor.certification_codes()
        else []
    )
    mandators = list(depositor.active_mandators()) if depositor.is_trusted_third_party else []
    return own + mandators or [depositor]


def deposit_row(
    row: dict,
    *,
    certifier,
    user,
    version: str,
    certificateur: str | None = None,
    contrat: str | None = None,
    correction_of: PassageOutcome | None = None,
) -> tuple[Reception | None, list]:
    """Build a one-passage flux from `row` and deposit it; (reception, []) or (None, problems).

    Each problem names the field it concerns (dictionary key or element name) when there is
    one, so that the form shows it under that field (RGAA 11.10)."""
    if not any(str(value).strip() for value in row.values()):
        # The builder skips a blank row (not a passage): the form sent empty gets what every
        # passage needs, each under its field, in the builder's words.
        return None, [
            Problem(key, "valeur obligatoire absente", required_hint(key))
            for key in (*REQUIRED, *TITULAIRE_REQUIRED)
        ]
    if certificateur and certificateur != certifier.id_client and not row.get("natureDeposant"):
        # Émetteur ≠ certificateur: the trusted third party says so (CDC dictionary).
        row = {
            **row,
            "natureDeposant": expected_nature_deposant(certifier.id_client, certificateur),
        }
    result = build_flux(
        rows=[row],
        emetteur=certifier.id_client,
        certificateur=certificateur or certifier.id_client,
        contrat=contrat or certifier.id_contrat,
        schema=version,
    )
    if result.errors:
        return None, [Problem(_field_named(message, version), message) for message in result.errors]
    if result.rejected:
        return None, result.rejected[0].anomalies
    if not result.xml:
        return None, [Problem("", "Le passage n'a pas pu être construit.")]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    id_technique = next(iter(result.id_techniques.values()), "passage")
    prefix = "correction" if correction_of else "saisie"
    reception = receive(
        ContentFile(result.xml),
        file_name=f"{prefix}-{id_technique}-{stamp}.xml"[:255],
        certifier=certifier,
        user=user,
        channel=Deposit.Channel.CORRECTION if correction_of else Deposit.Channel.ONLINE,
        correction_of=correction_of,
    )
    if correction_of is not None:
        PassageOutcome.objects.filter(pk=correction_of.pk).update(corrected_by=reception.deposit)
    return reception, []
