"""Random damage to real flux files never raises, and every finding stays French.

Deterministic (seeded): byte flips, cuts, duplicated or swapped lines, values replaced by odd
strings. The validator must always answer with a report — the certifier never sees a traceback.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from passeport.flux.samples import flux_bytes
from passeport.flux.validation import validate_file

TODAY = dt.date(2026, 1, 15)
ODD_VALUES = ["", " ", "0", "-1", "99999999999999999999", "2020-02-30", "2025-13-45", "true",
              "NaN", "é" * 300, "<", "&amp;", "]]>", "\u00a0", "2A", "99", "1900", "M F"]  # fmt: skip
ENGLISH = re.compile(r"\b(Element|expected|allowed|facet|Missing|atomic type|nilled)\b")


def _mutate(data: bytes, rnd: random.Random) -> bytes:
    kind = rnd.randrange(6)
    if kind == 0:  # flip a few bytes
        buf = bytearray(data)
        for _ in range(rnd.randint(1, 5)):
            buf[rnd.randrange(len(buf))] = rnd.randrange(256)
        return bytes(buf)
    if kind == 1:  # cut
        return data[: rnd.randrange(len(data))]
    lines = data.split(b"\n")
    if kind == 2:  # duplicate a line
        i = rnd.randrange(len(lines))
        lines.insert(i, lines[i])
    elif kind == 3:  # swap two lines
        i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 4:  # drop a line
        del lines[rnd.randrange(len(lines))]
    else:  # replace a value
        text = data.decode("utf-8")
        values = list(re.finditer(r">([^<>\n]+)</", text))
        match = rnd.choice(values)
        odd = rnd.choice(ODD_VALUES).replace("<", "&lt;") if rnd.random() < 0.8 else "<x>"
        return (text[: match.start(1)] + odd + text[match.end(1) :]).encode("utf-8")
    return b"\n".join(lines)


@pytest.mark.parametrize("version", ["1.1.2", "1.1.5"])
def test_random_damage_never_raises(version):
    base = flux_bytes(6, seed=11, version=version)
    rnd = random.Random(2026)
    seen_rules: set[str] = set()
    for _ in range(250):
        data = _mutate(base, rnd)
        report = validate_file(data, today=TODAY)
        for f in report.findings:
            seen_rules.add(f.rule)
            assert f.message and f.hint
            assert not ENGLISH.search(f.message), f.message
            assert f.severity in ("error", "warning")
    assert len(seen_rules) >= 8, seen_rules  # the damage really exercised many rules


def test_random_damage_same_report_in_both_modes(tmp_path):
    base = flux_bytes(8, seed=12)
    rnd = random.Random(7)
    for i in range(25):
        path = tmp_path / f"f{i}.xml"
        path.write_bytes(_mutate(_mutate(base, rnd), rnd))
        sequential = validate_file(path, today=TODAY, parallel=False).to_dict()
        parallel = validate_file(path, today=TODAY, parallel=True).to_dict()
        assert sequential == parallel, path.read_bytes()[:200]
