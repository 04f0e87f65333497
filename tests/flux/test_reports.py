"""The report sinks (reports.py): every format complete while findings stream, memory flat."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import tracemalloc
from collections import Counter

import pytest

from passeport.flux.findings import WARNING, Finding, Report
from passeport.flux.reports import SINKS
from passeport.flux.samples import flux_bytes
from passeport.flux.validation import validate_file

TODAY = dt.date(2026, 1, 15)


def _stream(kind: str, data: bytes, name: str = "historique.xml"):
    out = io.StringIO()
    sink = SINKS[kind](out)
    sink.begin(name)
    report = validate_file(data, schema="1.1.2", today=TODAY, name=name, on_finding=sink.add)
    sink.end(report)
    sink.close()
    return out.getvalue(), report


@pytest.fixture(scope="module")
def dirty() -> bytes:
    return flux_bytes(1000, seed=1, historical=True)


def test_json_is_valid_complete_and_counts_every_finding(dirty):
    text, report = _stream("json", dirty)
    data = json.loads(text)
    assert set(data) == {"file", "schema", "valid", "passages", "errors", "warnings", "findings"}
    severities = Counter(f["severity"] for f in data["findings"])
    assert data["warnings"] == severities["warning"] > 1000  # more findings than passages
    assert data["errors"] == severities["error"] >= 1 and data["valid"] is False
    assert report.findings == []  # nothing kept in memory: all passage findings were written
    lines = [f["line"] for f in data["findings"]]
    assert lines == sorted(lines)


def test_text_recap_counts_equal_the_findings_written(dirty):
    text, report = _stream("text", dirty)
    written = Counter(re.findall(r"^  (?:ERREUR|AVERTISSEMENT) \[([A-Z-]+)\]", text, re.M))
    recap = text.rstrip().splitlines()[-1]
    assert recap.startswith("  Synthèse : ")
    counted = {k: int(v) for k, v in re.findall(r"([A-Z-]+) × (\d+)", recap)}
    assert counted == dict(written) and sum(written.values()) == report.errors + report.warnings
    assert f"{report.warnings} avertissements" in text.splitlines()[0]


def test_html_recap_per_rule_and_field_equals_the_rows(dirty):
    page, report = _stream("html", dirty)
    rows = re.findall(r"<tr class='(?:error|warning)'>.*?<code>([A-Z-]+)</code></td><td>\d*</td>"
                      r"<td>[^<]*</td><td>([^<]*)</td>", page)  # fmt: skip
    assert len(rows) == report.errors + report.warnings
    recap = dict(re.findall(r"data-q='([A-Z-]+)'><code>[A-Z-]+</code></a></td><td>[^<]*</td>"
                            r"<td>(\d+)</td>", page))  # fmt: skip
    assert {k: int(v) for k, v in recap.items()} == Counter(rule for rule, _ in rows)
    fields = dict(re.findall(r"data-q='([a-zA-Z()]+)'><code>[^<]+</code></a></td><td>(\d+)</td>",
                             page))  # fmt: skip
    assert {k: int(v) for k, v in fields.items()} == Counter(f or "(fichier)" for _, f in rows)
    assert f"<span id='nb'>{len(rows)}</span>" in page and "id='filtre'" in page
    assert html.escape("REG-DELAI-DEPASSE") in page and "Synthèse" in page


def _finding(i: int) -> Finding:
    return Finding(WARNING, "REG-DELAI-DEPASSE", 10 + i, f"P-{i:08d}", "dateDebutValidite",
                   f"Obtenu il y a plus de 3 mois (passage {i}).", "Transmettez plus tôt.", 9 + i)  # fmt: skip


def _peak(kind: str, n: int) -> int:
    out = open("/dev/null", "w", encoding="utf-8")  # noqa: SIM115
    sink = SINKS[kind](out)
    tracemalloc.start()
    sink.begin("x.xml")
    for i in range(n):
        sink.add(_finding(i))
    sink.end(Report(file="x.xml", passages=n, warning_count=n, error_count=0))
    sink.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out.close()
    return peak


@pytest.mark.parametrize("kind", ["text", "json", "html"])
def test_memory_does_not_grow_with_the_findings(kind):
    small, large = _peak(kind, 5_000), _peak(kind, 50_000)
    # a list of 45 000 more findings would hold > 10 Mo; the spool holds at most 1 Mo
    assert large - small < 512 * 1024, (small, large)
    assert large < 4 << 20
