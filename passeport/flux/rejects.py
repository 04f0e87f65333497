"""The rows that need a human, handed back in a spreadsheet, and the build report.

`write_rejects(path, headers, rows)` writes a copy of the rejected input rows (same columns,
same order, values as read) with two columns added at the end: « Anomalies » (what is wrong,
naming the column) and « Comment corriger » (how to fix it). The certifier corrects the rows
in that file and builds again from it: the file has the same columns as their own, so it is
recognised the same way. `.xlsx` (default) or `.csv` (UTF-8 with BOM, `;`, as Excel opens it).

`build_report(result)` gives the JSON-able summary of a build; `report_html(result)` a
self-contained page a certifier can open and forward.
"""

import csv
import datetime
import html
import json
import os
from collections.abc import Iterable
from pathlib import Path

from . import cells as cells_module

ANOMALIES = "Anomalies"
HOW_TO_FIX = "Comment corriger"
LINE = "Ligne d'origine"


def _cell(value):
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return int(value)
    return value


def write_rejects(
    path: str | os.PathLike,
    headers: list[str],
    rows: Iterable[tuple[int, list, list[str], list[str]]],
) -> Path:
    """rows: (line, values, anomaly texts, hints). Returns the path written."""
    path = Path(path)
    header_row = [*headers, ANOMALIES, HOW_TO_FIX, LINE]
    width = len(headers)

    def padded(values):
        values = list(values)[:width]
        return values + [""] * (width - len(values))

    if path.suffix.lower() == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(header_row)
            for line, values, anomalies, hints in rows:
                writer.writerow(
                    [
                        *(_csv(v) for v in padded(values)),
                        cells_module.to_csv("\n".join(anomalies)),
                        cells_module.to_csv("\n".join(hints)),
                        line,
                    ]
                )
        return path
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    # write-only mode: rows are streamed to the file (a rejects file may have 200 000 rows)
    with open(path, "wb") as handle:  # fails here, clearly, if the folder does not exist
        pass
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("À corriger")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    sheet.column_dimensions[get_column_letter(width + 2)].width = 60
    bold = Font(bold=True)
    highlight = PatternFill("solid", fgColor="FFE5E5")
    titles = []
    for index, title in enumerate(header_row):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        if index in (width, width + 1):
            cell.fill = highlight
        titles.append(cell)
    sheet.append(titles)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line, values, anomalies, hints in rows:
        cells = []
        for value in padded(values):
            value = _cell(value)
            if isinstance(value, str):
                cell = cells_module.text_cell(sheet, value)  # leading zeros kept, never a formula
            elif isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
            else:
                cell = value
            cells.append(cell)
        for text in ("\n".join(anomalies), "\n".join(hints)):
            cell = cells_module.text_cell(sheet, text)
            cell.alignment = wrap
            cells.append(cell)
        cells.append(line)
        sheet.append(cells)
    workbook.save(path)
    return path


def _csv(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    value = _cell(value)
    return "" if value is None else cells_module.to_csv(str(value))


def write_build_rejects(path, result) -> Path:
    """The rejects spreadsheet of a BuildResult."""
    return write_rejects(
        path,
        result.headers,
        (
            (r.line, r.values, [a.text() for a in r.anomalies], [a.hint for a in r.anomalies])
            for r in result.rejected
        ),
    )


def build_report(result) -> dict:
    return {
        "source": result.source,
        "schema": result.version,
        "files": [str(p) for p in result.files],
        "rows": result.rows,
        "written": result.written,
        "rejected": result.rejected_count,
        "exit_code": result.exit_code,
        "errors": list(result.errors),
        "certifications": dict(result.certifications),
        "columns": dict(result.columns),
        "unknown_columns": list(result.unknown_columns),
        "changes": [
            {
                "column": c.column,
                "field": c.field,
                "change": c.change,
                "count": c.count,
                "examples": [{"line": ln, "before": b, "after": a} for ln, b, a in c.examples],
            }
            for c in result.changes
        ],
        "warnings": [_anomaly(a) for a in result.warnings],
        "rejected_rows": [
            {"line": r.line, "anomalies": [_anomaly(a) for a in r.anomalies]}
            for r in result.rejected
        ],
    }


def _anomaly(a) -> dict:
    return {
        "line": a.line,
        "rule": a.rule,
        "field": a.field,
        "column": a.column,
        "message": a.message,
        "hint": a.hint,
    }


def write_report(path: str | os.PathLike, result) -> Path:
    path = Path(path)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(build_report(result), ensure_ascii=False, indent=2), "utf-8")
    else:
        path.write_text(report_html(result), "utf-8")
    return path


def report_html(result) -> str:
    data = build_report(result)
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>",
        f"<title>Construction du flux — {e(Path(data['source']).name)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
        "table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;"
        "padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eee}"
        ".ko{color:#b00}.ok{color:#070}</style></head><body>",
        f"<h1>Construction du flux à partir de {e(data['source'])}</h1>",
        f"<p>Schéma {e(data['schema'] or '?')} — {data['rows']} ligne(s) lue(s), "
        f"<strong class='ok'>{data['written']} passage(s) écrit(s)</strong>, "
        f"<strong class='ko'>{data['rejected']} ligne(s) à corriger</strong>.</p>",
    ]
    if data["files"]:
        parts.append("<p>Fichier(s) : " + ", ".join(e(f) for f in data["files"]) + "</p>")
    for error in data["errors"]:
        parts.append(f"<p class='ko'>{e(error)}</p>")
    if data["certifications"]:
        parts.append(
            "<h2>Passages par certification</h2><table><tr><th>Code</th><th>Passages</th></tr>"
        )
        parts += [
            f"<tr><td>{e(k)}</td><td>{n}</td></tr>" for k, n in data["certifications"].items()
        ]
        parts.append("</table>")
    if data["changes"]:
        parts.append(
            "<h2>Corrections automatiques</h2><table><tr><th>Colonne</th><th>Correction</th>"
            "<th>Lignes</th><th>Exemples</th></tr>"
        )
        for c in data["changes"]:
            examples = "<br>".join(
                f"ligne {x['line']} : « {e(x['before'])} » → « {e(x['after'])} »"
                for x in c["examples"]
            )
            parts.append(
                f"<tr><td>{e(c['column'])}</td><td>{e(c['change'])}</td><td>{c['count']}</td>"
                f"<td>{examples}</td></tr>"
            )
        parts.append("</table>")
    if data["warnings"]:
        parts.append("<h2>Avertissements</h2><ul>")
        parts += [f"<li>{e(w['message'])}. {e(w['hint'])}</li>" for w in data["warnings"]]
        parts.append("</ul>")
    if data["rejected_rows"]:
        parts.append(
            "<h2>Lignes à corriger</h2><table><tr><th>Ligne</th><th>Colonne</th><th>Anomalie</th>"
            "<th>Comment corriger</th></tr>"
        )
        for row in data["rejected_rows"]:
            for a in row["anomalies"]:
                parts.append(
                    f"<tr><td>{row['line']}</td><td>{e(a['column'] or a['field'])}</td>"
                    f"<td>{e(a['message'])}</td><td>{e(a['hint'])}</td></tr>"
                )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
