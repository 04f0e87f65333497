"""A certifier's column choices, remembered: the next spreadsheet with the same headers is
mapped the same way (shown as « comme la dernière fois »), and exportable as the TOML mapping
file that `passeport flux build --mapping` reads (`columns.dump_mapping`, the CLI's format).

Headers are compared as `columns.header_key` folds them (case, accents, articles), in their
order: « Nom de naissance » and « NOM NAISSANCE » are the same header.
"""

import hashlib

from passeport.flux import columns as cols

from .models import RememberedMapping


def headers_key(headers: list[str]) -> str:
    folded = "\n".join(cols.header_key(h) for h in headers)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def recall(certifier, headers: list[str]) -> dict[str, str] | None:
    """header → field key ("" = ignored) chosen last time for these headers, or None."""
    remembered = RememberedMapping.objects.filter(
        certifier=certifier, headers_key=headers_key(headers)
    ).first()
    return dict(remembered.columns) if remembered else None


def remember(certifier, columns: dict[str, str]) -> None:
    RememberedMapping.objects.update_or_create(
        certifier=certifier,
        headers_key=headers_key(list(columns)),
        defaults={"columns": dict(columns)},
    )


def as_toml(columns: dict[str, str], file_name: str) -> str:
    return cols.dump_mapping(
        cols.Mapping(columns=dict(columns)),
        title=f"Correspondance des colonnes de {file_name}\n"
        "passeport flux build tableur.xlsx flux.xml --mapping correspondance.toml …",
    )
