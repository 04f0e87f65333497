"""Find the passages rejected by an accusé de traitement in what was deposited.

The source is either the certifier's spreadsheet (rows matched by idTechnique: the column, or the
id derived exactly as `flux build` derives it) or the flux XML itself (read streaming, hardened:
no DTD, no entity, no network). Each rejected passage becomes a row to correct, with the CDC's
message explained (« Anomalies ») and the fix (« Comment corriger »).
"""

import os
from pathlib import Path

from lxml import etree

from passeport.flux import dictionary, safexml
from passeport.flux.accuses import Accuse
from passeport.flux.columns import MappingError, spreadsheet_columns
from passeport.flux.spreadsheets import CSV_SUFFIXES, SPREADSHEET_SUFFIXES, open_table

NS = f"{{{dictionary.NAMESPACE}}}"
XSI_NIL = f"{{{dictionary.XSI_NAMESPACE}}}nil"


class SourceError(ValueError):
    """The source cannot be read; the message is French and names the file."""


def _row_texts(accuse: Accuse) -> dict[str, tuple[str, str]]:
    out = {}
    for passage in accuse.rejected:
        explanation = passage.explanation
        anomaly = (
            f"Rejet de la Caisse des Dépôts : « {passage.message} ». {explanation.explanation}"
        )
        out[passage.id_technique] = (anomaly, explanation.fix)
    return out


def rejected_rows_from_source(source: str | os.PathLike, accuse: Accuse, mapping=None):
    """(headers, rows, missing ids); rows are (line, values, [anomaly], [fix])."""
    suffix = Path(source).suffix.lower()
    if not os.path.isfile(source):
        raise SourceError(f"{source} : fichier introuvable.")
    texts = _row_texts(accuse)
    if suffix == ".xml":
        headers, found = _from_flux(source, texts)
    elif suffix in SPREADSHEET_SUFFIXES | CSV_SUFFIXES:
        headers, found = _from_spreadsheet(source, texts, mapping)
    else:
        raise SourceError(
            f"{source} : format non pris en charge ; indiquez le tableur (.xlsx, .ods, .csv) ou "
            "le flux (.xml) déposé."
        )
    rows = []
    for id_technique, (line, values) in sorted(found.items(), key=lambda item: item[1][0]):
        anomaly, fix = texts[id_technique]
        rows.append((line, values, [anomaly], [fix]))
    missing = [p.id_technique for p in accuse.rejected if p.id_technique not in found]
    return headers, rows, missing


def _from_spreadsheet(source, texts, mapping):
    from passeport.flux.building import passage_lines

    try:
        result, lines = passage_lines(source, mapping=mapping)
    except MappingError as exc:
        raise SourceError(str(exc)) from None
    if result.errors:
        raise SourceError(" ".join(result.errors))
    wanted = {lines[i]: i for i in texts if i in lines}
    found = {}
    table = open_table(source)
    for line, values in table.rows:
        if line in wanted:
            found[wanted[line]] = (line, list(values))
    return result.headers, found


def _flatten(passage: etree._Element) -> dict[str, str]:
    values: dict[str, str] = {}
    results = []
    for element in passage.iter():
        if not isinstance(element.tag, str) or len(element):
            if isinstance(element.tag, str) and element.tag == f"{NS}resultat":
                parts = [
                    element.findtext(f"{NS}{n}") or ""
                    for n in ("niveau", "domaineCompetenceId", "competenceId")
                ]
                results.append("/".join(parts))
            continue
        name = etree.QName(element).localname
        if (
            element.getparent() is not None
            and etree.QName(element.getparent()).localname == "resultat"
        ):
            continue
        values[name] = "" if element.get(XSI_NIL) == "true" else (element.text or "").strip()
    if results:
        values["resultats"] = " ; ".join(results)
    return values


def _from_flux(source, texts):
    with open(source, "rb") as handle:
        head = handle.read(4096)
    if b"<!DOCTYPE" in head.upper():
        raise SourceError(
            f"{source} : le fichier contient une déclaration DOCTYPE, refusée par sécurité."
        )
    columns = spreadsheet_columns("1.1.5")
    headers = [c.label for c in columns]
    keys = [c.field.name if c.field else c.key for c in columns]
    found = {}
    code = type_ = ""
    try:
        for _event, element in safexml.iter_events(
            str(source),
            events=("end",),
            tag=(f"{NS}code", f"{NS}type", f"{NS}passageCertification"),
        ):
            local = etree.QName(element).localname
            if local == "code":
                code = (element.text or "").strip()
                continue
            if local == "type":
                type_ = (element.text or "").strip()
                continue
            id_technique = (element.findtext(f"{NS}idTechnique") or "").strip()
            if id_technique in texts:
                values = _flatten(element)
                values.update(code=code, type=type_)
                found[id_technique] = (element.sourceline, [values.get(k, "") for k in keys])
            element.clear()
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{source} : XML mal formé, ligne {exc.lineno} ({exc.msg}).") from None
    return headers, found
