"""SUPPRESSION flux (schema 1.1.5): withdraw passages already deposited.

A withdrawn passage is designated by its `idTechnique` alone, inside its certification
(`type`, `code`), in a flux whose `action` is SUPPRESSION (docs/regles-flux.md « Flux de
suppression »: every other child of passageCertification is ignored there). The ids come from
the command line, a text file (one per line, optionally « code;idTechnique »), or a spreadsheet
with an idTechnique column and optionally a certification code column — e.g. the rejects or the
spreadsheet that was deposited.
"""

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from passeport.flux.columns import recognise_headers
from passeport.flux.normalisation import (
    InvalidValue,
    ValueSpec,
    certification_normaliser,
    certification_type,
)
from passeport.flux.spreadsheets import (
    CSV_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    SpreadsheetError,
    is_blank,
    open_table,
)
from passeport.flux.writer import (
    MAX_PASSAGES,
    Envelope,
    FluxWriter,
    escape,
)

_CODE = certification_normaliser(ValueSpec(name="code", kind="certification", max_length=100))


class SuppressionError(ValueError):
    """Bad usage or unreadable id list; the message is French."""


@dataclass
class SuppressionResult:
    files: list[Path] = field(default_factory=list)
    xml: bytes | None = None
    passages: int = 0
    duplicates: list[str] = field(default_factory=list)
    certifications: dict[str, int] = field(default_factory=dict)


def certification_code(value, where: str) -> str:
    try:
        code, _ = _CODE(value)
    except InvalidValue as exc:
        raise SuppressionError(f"{where} : {exc.message}. {exc.hint}") from None
    if code is None:
        raise SuppressionError(
            f"{where} : code de certification absent. Indiquez --code RNCP12345 (ou une colonne "
            "« Code de la certification » dans le fichier)."
        )
    return code


def read_ids(path: str | os.PathLike, default_code: str | None = None) -> list[tuple[str, str]]:
    """(code, idTechnique) pairs from a text file or a spreadsheet."""
    name = str(path)
    suffix = Path(path).suffix.lower()
    pairs: list[tuple[str, str]] = []
    if suffix in SPREADSHEET_SUFFIXES or (suffix in CSV_SUFFIXES and suffix != ".txt"):
        try:
            table = open_table(path)
            header_line, headers = next(
                ((ln, values) for ln, values in table.rows if not all(is_blank(v) for v in values)),
                (0, []),
            )
        except SpreadsheetError as exc:
            raise SuppressionError(str(exc)) from None
        recognised = recognise_headers(headers)
        positions = {c.key: i for i, c in recognised.columns.items()}
        if "idTechnique" not in positions:
            raise SuppressionError(
                f"{name}, ligne {header_line} : aucune colonne « idTechnique » (identifiant "
                "technique du passage). Ajoutez-la, ou donnez un fichier texte avec un "
                "idTechnique par ligne."
            )
        for line, values in table.rows:
            raw = values[positions["idTechnique"]] if positions["idTechnique"] < len(values) else ""
            if is_blank(raw):
                continue
            id_technique = _id_text(raw)
            code_cell = values[positions["code"]] if "code" in positions else None
            code_value = code_cell if not is_blank(code_cell) else default_code
            pairs.append((certification_code(code_value, f"{name}, ligne {line}"), id_technique))
        return pairs
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = Path(path).read_text(encoding="cp1252")
    except OSError as exc:
        raise SuppressionError(f"{name} : lecture impossible ({exc.strerror}).") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("\t", ";").replace(",", ";").split(";")]
        if len(parts) >= 2 and parts[0]:
            pairs.append((certification_code(parts[0], f"{name}, ligne {number}"), parts[1]))
        else:
            pairs.append((certification_code(default_code, f"{name}, ligne {number}"), parts[-1]))
    return pairs


def _id_text(value) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def build_suppression(
    ids: Iterable[tuple[str, str]],
    output: str | os.PathLike | None,
    *,
    emetteur: str,
    certificateur: str,
    contrat: str,
    id_flux: str | None = None,
    horodatage: str | None = None,
    max_passages: int = MAX_PASSAGES,
) -> SuppressionResult:
    """Write a 1.1.5 SUPPRESSION flux for (code, idTechnique) pairs. Raises SuppressionError."""
    from passeport.flux.building import check_ids

    errors = check_ids(emetteur, certificateur, contrat)
    if errors:
        raise SuppressionError(" ".join(errors))
    writer = FluxWriter(Envelope(emetteur, certificateur, contrat, "1.1.5", action="SUPPRESSION"),
                        max_passages=max_passages)  # fmt: skip
    result = SuppressionResult()
    seen: set[tuple[str, str]] = set()
    for code, id_technique in ids:
        if not 1 <= len(id_technique) <= 255:
            writer.close()
            raise SuppressionError(
                f"idTechnique « {id_technique[:40]} » : il fait de 1 à 255 caractères."
            )
        if (code, id_technique) in seen:
            result.duplicates.append(id_technique)
            continue
        seen.add((code, id_technique))
        writer.add(
            code,
            certification_type(code),
            None,
            "<cpf:passageCertification>\n"
            f" <cpf:idTechnique>{escape(id_technique)}</cpf:idTechnique>\n"
            "</cpf:passageCertification>\n",
        )
        result.certifications[code] = result.certifications.get(code, 0) + 1
    if not writer.count:
        writer.close()
        raise SuppressionError("Aucun idTechnique à supprimer : indiquez-les avec --ids.")
    result.passages = writer.count
    if output is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="passeport-suppression-") as tmp:
            writer.max_passages = writer.max_bytes = 1 << 62  # one file, in memory
            path = writer.write(Path(tmp) / "flux.xml", id_flux=id_flux, horodatage=horodatage)[0]
            result.xml = path.read_bytes()
    else:
        result.files = writer.write(output, id_flux=id_flux, horodatage=horodatage)
    return result
