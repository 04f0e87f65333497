"""Validation reports for people: text (terminal), JSON (tools), HTML (a file to open and forward).

The HTML report is one self-contained file (inline CSS and a few lines of JS: no network), with
counts per rule and per field, then every finding in a table that a filter box narrows.
"""

from __future__ import annotations

import html
import json
from collections import Counter

from passeport.flux.findings import ERROR, Report
from passeport.flux.rules import RULES


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def render_text(reports: list[Report]) -> str:
    lines: list[str] = []
    for report in reports:
        status = "VALIDE" if report.valid else "NON VALIDE"
        lines.append(
            f"{report.file} — schéma {report.schema or '?'} — {_plural(report.passages, 'passage')}"
            f" — {_plural(report.errors, 'erreur')}, {_plural(report.warnings, 'avertissement')}"
            f" — {status}"
        )
        for f in report.findings:
            where = [f"ligne {f.line}" if f.line else "fichier"]
            if f.idTechnique:
                where.append(f"passage {f.idTechnique}")
            if f.field:
                where.append(f.field)
            kind = "ERREUR" if f.severity == ERROR else "AVERTISSEMENT"
            lines.append(f"  {kind} [{f.rule}] {', '.join(where)} : {f.message}")
            lines.append(f"      → {f.hint}")
        if report.omitted:
            lines.append(
                f"  … et {report.omitted} autres constats non détaillés (limite d'affichage)."
            )
        if len(report.findings) > 10:  # a long list: recap by rule, after it
            counts = Counter(f.rule for f in report.findings).most_common()
            lines.append("  Synthèse : " + ", ".join(f"{rule} × {n}" for rule, n in counts))
    return "\n".join(lines) + "\n"


def render_json(reports: list[Report]) -> str:
    data = [r.to_dict() for r in reports]
    return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"


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


def render_html(reports: list[Report]) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>Rapport de validation du flux CDC</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Rapport de validation du flux CDC</h1>",
    ]
    all_findings = []
    for report in reports:
        status = (
            "<span class='ok'>valide</span>"
            if report.valid
            else "<span class='ko'>non valide</span>"
        )
        parts.append(
            f"<p><strong>{e(report.file)}</strong> — schéma {e(report.schema or '?')} — "
            f"{_plural(report.passages, 'passage')} — {_plural(report.errors, 'erreur')}, "
            f"{_plural(report.warnings, 'avertissement')} — {status}</p>"
        )
        if report.omitted:
            parts.append(f"<p>{report.omitted} constats supplémentaires non détaillés.</p>")
        all_findings.extend((report.file, f) for f in report.findings)

    by_rule = Counter(f.rule for _, f in all_findings)
    by_field = Counter(f.field or "(fichier)" for _, f in all_findings)
    parts.append("<h2>Synthèse</h2><div class='counts'>")
    parts.append(
        "<table><thead><tr><th>Règle</th><th>Description</th><th>Nombre</th></tr></thead><tbody>"
    )
    for rule, n in by_rule.most_common():
        title = RULES[rule].title if rule in RULES else rule
        parts.append(
            f"<tr><td><a href='#' data-q='{e(rule)}'><code>{e(rule)}</code></a></td>"
            f"<td>{e(title)}</td><td>{n}</td></tr>"
        )
    parts.append("</tbody></table>")
    parts.append("<table><thead><tr><th>Champ</th><th>Nombre</th></tr></thead><tbody>")
    for name, n in by_field.most_common():
        parts.append(
            f"<tr><td><a href='#' data-q='{e(name)}'><code>{e(name)}</code></a></td><td>{n}</td></tr>"
        )
    parts.append("</tbody></table></div>")

    parts.append("<h2>Constats</h2>")
    parts.append(
        "<p><label for='filtre'>Filtrer (règle, champ, idTechnique, ligne, texte) :</label><br>"
        "<input type='search' id='filtre' autocomplete='off'> "
        f"<span><span id='nb'>{len(all_findings)}</span> constat(s) affiché(s)</span></p>"
    )
    multi = len(reports) > 1
    head = "<th>Fichier</th>" if multi else ""
    parts.append(
        f"<table><thead><tr>{head}<th>Gravité</th><th>Règle</th><th>Ligne</th>"
        "<th>idTechnique</th><th>Champ</th><th>Constat et correction</th></tr></thead>"
        "<tbody class='f'>"
    )
    for file, f in all_findings:
        severity = "Erreur" if f.severity == ERROR else "Avertissement"
        cell = f"<td>{e(file)}</td>" if multi else ""
        parts.append(
            f"<tr class='{f.severity}'>{cell}<td>{severity}</td><td><code>{e(f.rule)}</code></td>"
            f"<td>{f.line or ''}</td><td>{e(f.idTechnique or '')}</td><td>{e(f.field or '')}</td>"
            f"<td>{e(f.message)}<div class='hint'>→ {e(f.hint)}</div></td></tr>"
        )
    parts.append("</tbody></table>")
    parts.append(f"<script>{_JS}</script></body></html>\n")
    return "".join(parts)


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
