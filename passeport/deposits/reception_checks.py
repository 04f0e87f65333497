"""Reception checks of a deposited file: is it a CDC flux, valid, and ours to deposit?

The accusé de réception answers at once: received, or rejected with the reasons — not
XML, not valid against the CDC schema, ids that do not belong to the depositing account or its
mandates. A rejected file processes no passage.

XSD validation streams the file through libxml2 with the project's schema (`passeport/flux/
schemas`), the version chosen as the flux library does (`auto`: 1.1.5 when the flux has
`action`); the ids come out of the same pass. The ids rules are the certifiers app's
(`flux_ids_errors`): this module only gathers what the flux says.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from lxml import etree

from passeport.certifiers.mandates import flux_ids_errors
from passeport.certifiers.models import Certifier
from passeport.flux import safexml, sniffing, validation
from passeport.flux.validation import validate_file

from .reading import Header

_ACTION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?action[\s>]")
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?flux[\s>/]")


@dataclass
class CheckResult:
    header: Header
    version: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors


def guess_version(path: str | Path) -> str:
    """`1.1.5` when the flux carries `action` (mandatory there, absent from 1.1.2)."""
    with open(path, "rb") as stream:
        head = stream.read(64 * 1024)
    return "1.1.5" if _ACTION.search(head) else "1.1.2"


def _syntax_reason(file_name: str, exc: etree.XMLSyntaxError) -> str:
    """A malformed-XML error as a French reason (line, column, what to do)."""
    line = getattr(exc, "lineno", None) or "?"
    message = (exc.msg or "").strip()
    if validation.is_limit_error(message):
        return (
            f"{file_name}, ligne {line} : le fichier dépasse une limite de sécurité de "
            f"l'analyseur XML : {validation.limit_reason(message)}."
        )
    return (
        f"{file_name}, ligne {line} : le fichier n'est pas un XML bien formé "
        f"({validation.syntax_reason(message)}). Un flux s'enregistre en XML UTF-8 ; exportez-le "
        "à nouveau depuis votre outil, sans le modifier à la main."
    )


MAX_REASONS = 20
# Findings that reject the whole file at reception: unreadable or malformed XML, anything the
# CDC schema refuses. Business rules (REG-*) only make their own passage KO during processing.
_FILE_LEVEL = ("XML-", "XSD-")


def _fill_header(header: Header, report) -> None:
    """The ids the flux declares, as the validation pass gathered them (no second reading)."""
    declared = report.declared
    header.id_flux, header.horodatage = declared.id_flux, declared.horodatage
    header.action, header.emetteur = declared.action, declared.emetteur
    header.passages = report.passages
    header.certificateurs = Header.from_json(declared.certificateurs).certificateurs


def check_file(
    path: str | Path,
    file_name: str,
    certifier: Certifier,
    *,
    today=None,
    on_values=None,
) -> CheckResult:
    """Run the reception checks on a stored file; never raises on bad input.

    1. a quick look at the first bytes (empty file, not a flux at all);
    2. the flux library's streaming validation (`passeport.flux.validation.validate_file`):
       XSD errors and errors outside passages reject the file, with their French messages and
       lines;
    3. the ids of the émetteur, certificateurs, contracts and certifications against the
       depositing account and its mandates (`certifiers.mandates.flux_ids_errors`).
    `on_values` receives each passage as the validation reads it (staging.StagingWriter).
    """
    header = Header()
    result = CheckResult(header=header)
    try:
        with open(path, "rb") as stream:
            head = stream.read(64 * 1024)
    except OSError as exc:
        result.errors.append(f"{file_name} : lecture impossible ({exc.strerror}).")
        return result
    if not head.strip():
        result.errors.append(f"{file_name} : le fichier est vide.")
        return result
    kind = sniffing.kind_of_non_xml(head)
    if kind is not None:
        result.errors.append(sniffing.not_a_flux_message(file_name, kind))
        return result
    encoding = sniffing.wide_encoding(head)
    if encoding is not None:
        result.errors.append(sniffing.wide_encoding_message(file_name, encoding))
        return result
    if not _ROOT.search(head):
        # Not even the start of a flux: tell a spreadsheet, a PDF… from broken XML.
        try:
            for _ in safexml.iter_events(
                str(path), events=("start",), remove_comments=True, remove_pis=True
            ):
                break
        except etree.XMLSyntaxError as exc:
            result.errors.append(_syntax_reason(file_name, exc))
            return result
        result.errors.append(
            f"{file_name} : ce n'est pas un flux de la Caisse des Dépôts (l'élément racine doit "
            "être « flux » dans l'espace de noms urn:cdc:cpf:pc5:schema:1.0.0)."
        )
        return result
    report = validate_file(
        str(path),
        schema="auto",
        today=today or timezone.localdate(),
        name=file_name,
        on_values=on_values,
        # One process: the library's parallel mode parses the file a second time in a forked
        # child — a shorter reception for 40 % more CPU, taken from the other deposits and
        # the workers of a server (bench/bench_deposit_pipeline.py, docs/depots.md).
        parallel=False,
    )
    result.version = report.schema if report.schema in ("1.1.2", "1.1.5") else guess_version(path)
    rejecting = [
        f
        for f in report.findings
        if f.is_error and (f.rule.startswith(_FILE_LEVEL) or f.idTechnique is None)
    ]
    if rejecting or not report.readable:
        for finding in rejecting[:MAX_REASONS]:
            where = f", ligne {finding.line}" if finding.line else ""
            result.errors.append(f"{file_name}{where} : {finding.message} {finding.hint}".strip())
        if len(rejecting) > MAX_REASONS:
            result.errors.append(
                f"… et {len(rejecting) - MAX_REASONS} autres erreurs : « passeport flux validate "
                f"{file_name} » les liste toutes."
            )
        if not result.errors:
            result.errors.append(f"{file_name} : le fichier ne peut pas être lu.")
        return result
    _fill_header(header, report)
    if header.passages == 0:
        result.errors.append(f"{file_name} : le flux ne contient aucun passage de certification.")
        return result
    for certificateur in header.certificateurs:
        codes = [c.code for c in certificateur.certifications]
        natures = {c.nature_deposant for c in certificateur.certifications if c.nature_deposant}
        reasons = flux_ids_errors(
            certifier,
            header.emetteur,
            certificateur.id_client,
            id_contrat=certificateur.id_contrat,
            certification_codes=codes,
            nature_deposant=next(iter(natures)) if len(natures) == 1 else None,
        )
        for reason in reasons:
            if reason not in result.errors:
                result.errors.append(reason)
        if len(natures) > 1:
            result.errors.append(
                f"Le certificateur {certificateur.id_client} mélange les natures de déposant "
                f"{', '.join(sorted(natures))} : une seule est possible par certificateur."
            )
    return result
