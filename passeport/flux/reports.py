"""Validation reports for people: text (terminal), JSON (tools), HTML (a file to open and forward).

The reports are written by sinks that receive the findings one by one while the file is
validated, so that a report of 200 000 findings costs the memory of its counters, not of its
findings:

    sink = SINKS["json"](out, several=len(files) > 1)   # out: a text stream
    sink.begin(name)                                     # for each file, then
    report = validate_file(path, on_finding=sink.add)    # passage findings, in document order
    sink.end(report)                                     # counts; findings outside passages
    sink.close()                                         # summaries that need every file

A summary comes before the findings in each format (status line, JSON counts, HTML recap per
rule and per field): until it is known, the findings wait in a spooled temporary file (memory up
to SPOOL_MEMORY bytes, then disk), already rendered. In each file's list, the findings outside
passages (envelope, certification: few, known at the end) come first, then the passages' in
file order.

`render_text`, `render_json`, `render_html` (RENDERERS) render complete Reports held in memory
(a library caller that kept `report.findings`), through the same sinks.

The HTML report is one self-contained file (inline CSS and a few lines of JS: no network), with
counts per rule and per field, then every finding in a table that a filter box narrows.
"""

from __future__ import annotations

import html
import io
import json
import shutil
import tempfile
from collections import Counter
from typing import TextIO

from passeport.flux.findings import ERROR, Finding, Report
from passeport.flux.rules import RULES

SPOOL_MEMORY = 1 << 20  # rendered findings kept in memory before the spool moves to disk


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _spool():
    return tempfile.SpooledTemporaryFile(
        max_size=SPOOL_MEMORY, mode="w+", encoding="utf-8", newline="\n"
    )


class ReportSink:
    """Receives the findings of one file after another; writes its format to `out`.

    Subclasses render one finding (`render`) and write a file's part (`write_file`). The
    counters (per rule, per field, per severity) cover every finding received."""

    def __init__(self, out: TextIO, *, several: bool = False):
        self.out = out
        self.several = several
        self.by_rule: Counter = Counter()
        self.by_field: Counter = Counter()
        self.written = 0  # findings rendered, all files
        self.files = 0
        self._spool = None
        self._file_rules: Counter = Counter()
        self._name = ""

    # -- the validator's side --------------------------------------------------------------
    def begin(self, name: str) -> None:
        self._name = name
        self._spool = _spool()
        self._file_rules = Counter()

    def add(self, finding: Finding) -> None:
        self._count(finding)
        self._spool.write(self.render(finding))

    def end(self, report: Report) -> None:
        """The file is validated: `report` has its exact counts, and in `report.findings` the
        findings not given to `add` (outside passages, or all of them for a Report built in
        memory)."""
        first = "".join(self._rendered(report.findings))
        self._spool.seek(0)
        self.write_file(report, first, self._spool, self._file_rules)
        self.files += 1

    def close(self) -> None:
        """Write what follows the last file; the caller closes `out`."""

    # -- helpers for the formats -----------------------------------------------------------
    def _count(self, finding: Finding) -> None:
        self.by_rule[finding.rule] += 1
        self.by_field[finding.field or "(fichier)"] += 1
        self._file_rules[finding.rule] += 1
        self.written += 1

    def _rendered(self, findings):
        for finding in findings:
            self._count(finding)
            yield self.render(finding)

    def _release(self, spool) -> None:
        spool.close()
        if spool is self._spool:
            self._spool = None

    def render(self, finding: Finding) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def write_file(self, report, first: str, spool, rules: Counter) -> None:  # pragma: no cover
        raise NotImplementedError


class TextSink(ReportSink):
    def render(self, f: Finding) -> str:
        where = [f"ligne {f.line}" if f.line else "fichier"]
        if f.idTechnique:
            where.append(f"passage {f.idTechnique}")
        if f.field:
            where.append(f.field)
        kind = "ERREUR" if f.severity == ERROR else "AVERTISSEMENT"
        return f"  {kind} [{f.rule}] {', '.join(where)} : {f.message}\n      → {f.hint}\n"

    def write_file(self, report, first, spool, rules) -> None:
        out = self.out
        status = "VALIDE" if report.valid else "NON VALIDE"
        out.write(
            f"{report.file} — schéma {report.schema or '?'} — {_plural(report.passages, 'passage')}"
            f" — {_plural(report.errors, 'erreur')}, {_plural(report.warnings, 'avertissement')}"
            f" — {status}\n"
        )
        out.write(first)
        shutil.copyfileobj(spool, out)
        self._release(spool)
        if report.omitted:
            out.write(
                f"  … et {report.omitted} autres constats non détaillés (limite d'affichage).\n"
            )
        if sum(rules.values()) > 10:  # a long list: recap by rule, after it
            counts = rules.most_common()
            out.write("  Synthèse : " + ", ".join(f"{rule} × {n}" for rule, n in counts) + "\n")


class JsonSink(ReportSink):
    """One object per file (a list of them for several files), keys in the order of
    `Report.to_dict`; each finding on one line of the `findings` array."""

    def __init__(self, out: TextIO, *, several: bool = False):
        super().__init__(out, several=several)
        self._indent = "    " if several else "  "
        if several:
            out.write("[")

    def render(self, f: Finding) -> str:
        return f",\n{self._indent}  " + json.dumps(f.to_dict(), ensure_ascii=False)

    def write_file(self, report, first, spool, rules) -> None:
        out, pad = self.out, self._indent
        head = {k: v for k, v in report.to_dict(findings=False).items() if k != "omitted"}
        if self.several:
            out.write(",\n  {" if self.files else "\n  {")
        else:
            out.write("{")
        for key, value in head.items():
            out.write(f"\n{pad}{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
        out.write(f'\n{pad}"findings": [')
        # every rendered finding starts with ",\n": the first one's comma is dropped
        body_started = bool(first)
        out.write(first[1:] if first else "")
        chunk = spool.read(1 << 16)
        if chunk and not body_started:
            chunk = chunk[1:]
        while chunk:
            out.write(chunk)
            chunk = spool.read(1 << 16)
        self._release(spool)
        empty = not first and not self._file_rules
        out.write("]" if empty else f"\n{pad}]")
        if report.omitted:
            out.write(f',\n{pad}"omitted": {report.omitted}')
        out.write("\n  }" if self.several else "\n}\n")

    def close(self) -> None:
        if self.several:
            self.out.write("\n]\n")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Marianne,Arial,sans-serif;margin:2rem;
color:#161616;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}
.ok{color:#18753c;font-weight:bold}.ko{color:#ce0500;font-weight:bold}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}tr.error td:first-child{border-left:4px solid #ce0500}
tr.warning td:first-child{border-left:4px solid #b34000}
.hint{color:#3a3a3a;font-size:.92em}.counts{display:flex;gap:2rem;flex-wrap:wrap}
.counts table{width:auto;min-width:18rem}
input[type=search]{font-size:1rem;padding:.4rem;width:min(40rem,100%)}
code{background:#f6f6f6;padding:0 .2rem}
"""

_JS = """
const box=document.getElementById('filtre');const rows=[...document.querySelectorAll('tbody.f tr')];
const shown=document.getElementById('nb');
box.addEventListener('input',()=>{const q=box.value.toLowerCase().trim();let n=0;
for(const r of rows){const v=!q||r.textContent.toLowerCase().includes(q);r.hidden=!v;if(v)n++;}
shown.textContent=n;});
for(const a of document.querySelectorAll('a[data-q]')){a.addEventListener('click',e=>{
e.preventDefault();box.value=a.dataset.q;box.dispatchEvent(new Event('input'));box.focus();});}
"""


class HtmlSink(ReportSink):
    """The page: one status line per file, the recap per rule and per field over all files,
    then one table of every finding. Rows wait in each file's spool until `close`."""

    def __init__(self, out: TextIO, *, several: bool = False):
        super().__init__(out, several=several)
        self._parts: list[tuple[str, str, object]] = []  # (status, first rows, spool) per file

    def render(self, f: Finding) -> str:
        e = html.escape
        severity = "Erreur" if f.severity == ERROR else "Avertissement"
        cell = f"<td>{e(self._name)}</td>" if self.several else ""
        return (
            f"<tr class='{f.severity}'>{cell}<td>{severity}</td><td><code>{e(f.rule)}</code></td>"
            f"<td>{f.line or ''}</td><td>{e(f.idTechnique or '')}</td><td>{e(f.field or '')}</td>"
            f"<td>{e(f.message)}<div class='hint'>→ {e(f.hint)}</div></td></tr>"
        )

    def write_file(self, report, first, spool, rules) -> None:
        e = html.escape
        status = (
            "<span class='ok'>valide</span>"
            if report.valid
            else "<span class='ko'>non valide</span>"
        )
        line = (
            f"<p><strong>{e(report.file)}</strong> — schéma {e(report.schema or '?')} — "
            f"{_plural(report.passages, 'passage')} — {_plural(report.errors, 'erreur')}, "
            f"{_plural(report.warnings, 'avertissement')} — {status}</p>"
        )
        if report.omitted:
            line += f"<p>{report.omitted} constats supplémentaires non détaillés.</p>"
        self._parts.append((line, first, spool))
        self._spool = None  # kept until close

    def close(self) -> None:
        e = html.escape
        out = self.out
        out.write(
            "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Rapport de validation du flux CDC</title>"
            f"<style>{_CSS}</style></head><body>"
            "<h1>Rapport de validation du flux CDC</h1>"
        )
        for line, _first, _spool in self._parts:
            out.write(line)
        out.write("<h2>Synthèse</h2><div class='counts'>")
        out.write(
            "<table><thead><tr><th>Règle</th><th>Description</th><th>Nombre</th></tr></thead>"
            "<tbody>"
        )
        for rule, n in self.by_rule.most_common():
            title = RULES[rule].title if rule in RULES else rule
            out.write(
                f"<tr><td><a href='#' data-q='{e(rule)}'><code>{e(rule)}</code></a></td>"
                f"<td>{e(title)}</td><td>{n}</td></tr>"
            )
        out.write("</tbody></table>")
        out.write("<table><thead><tr><th>Champ</th><th>Nombre</th></tr></thead><tbody>")
        for name, n in self.by_field.most_common():
            out.write(
                f"<tr><td><a href='#' data-q='{e(name)}'><code>{e(name)}</code></a></td>"
                f"<td>{n}</td></tr>"
            )
        out.write("</tbody></table></div>")
        out.write("<h2>Constats</h2>")
        out.write(
            "<p><label for='filtre'>Filtrer (règle, champ, idTechnique, ligne, texte) :</label>"
            "<br><input type='search' id='filtre' autocomplete='off'> "
            f"<span><span id='nb'>{self.written}</span> constat(s) affiché(s)</span></p>"
        )
        head = "<th>Fichier</th>" if self.several else ""
        out.write(
            f"<table><thead><tr>{head}<th>Gravité</th><th>Règle</th><th>Ligne</th>"
            "<th>idTechnique</th><th>Champ</th><th>Constat et correction</th></tr></thead>"
            "<tbody class='f'>"
        )
        for _line, first, spool in self._parts:
            out.write(first)
            shutil.copyfileobj(spool, out)
            spool.close()
        self._parts.clear()
        out.write("</tbody></table>")
        out.write(f"<script>{_JS}</script></body></html>\n")


SINKS: dict[str, type[ReportSink]] = {"text": TextSink, "json": JsonSink, "html": HtmlSink}


def _render(kind: str, reports: list[Report]) -> str:
    out = io.StringIO()
    sink = SINKS[kind](out, several=len(reports) > 1)
    for report in reports:
        sink.begin(report.file)
        sink.end(report)
    sink.close()
    return out.getvalue()


def render_text(reports: list[Report]) -> str:
    return _render("text", reports)


def render_json(reports: list[Report]) -> str:
    return _render("json", reports)


def render_html(reports: list[Report]) -> str:
    return _render("html", reports)


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
