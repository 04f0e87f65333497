"""The header corpus: real-looking column titles, each with the field it means, « ambigu » (two
fields plausible: never guessed) or « inconnu » (not a field of the flux).

A recognition is false when a header is recognised as another field than the one it means, or
recognised at all when it is ambiguous or unknown: none is allowed. A header that means a field
but is not recognised is a miss: the certifier maps it by hand; the rate is printed and may only
go up.
"""

import csv
from collections import Counter
from pathlib import Path

import pytest

from passeport.flux.columns import birth_date_column, recognise, spreadsheet_columns

CORPUS = Path(__file__).with_name("header_corpus.csv")
MIN_RATE = 0.95  # of the headers that mean a field, recognised as that field


def corpus() -> list[tuple[str, str, str, int]]:
    """(header, expected, note, lot): lot 2 was written after the rules were tuned on lot 1,
    and measured before any rule was added for it — its rate is the one to believe."""
    entries, lot = [], 1
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        for row in list(csv.reader(handle, delimiter=";"))[1:]:
            if not row:
                continue
            if row[0].startswith("#"):
                lot += row[0].startswith("# Deuxième lot")
                continue
            entries.append((row[0], row[1], row[2] if len(row) > 2 else "", lot))
    return entries


LOTS = corpus()
ENTRIES = [(h, e, n) for h, e, n, _ in LOTS]


def outcome(header: str) -> str:
    found = recognise(header)
    if found.column is not None:
        return found.column.key
    return "ambigu" if found.ambiguous else "inconnu"


def test_corpus_size_and_coverage():
    keys = {c.key for c in [*spreadsheet_columns("1.1.5"), birth_date_column()]}
    expected = Counter(e for _, e, _ in ENTRIES)
    assert len(ENTRIES) >= 150
    assert set(expected) - {"ambigu", "inconnu"} <= keys, "a field that does not exist"
    assert keys <= set(expected), f"fields without a header: {sorted(keys - set(expected))}"
    assert expected["ambigu"] >= 10 and expected["inconnu"] >= 10
    assert len({h for h, _, _ in ENTRIES}) == len(ENTRIES), "a header written twice"


@pytest.mark.parametrize(("header", "expected", "note"), ENTRIES, ids=[h for h, _, _ in ENTRIES])
def test_no_false_recognition(header, expected, note):
    got = outcome(header)
    if expected in ("ambigu", "inconnu"):
        assert got == expected, f"« {header} » est {expected} mais reconnu : {got}"
        return
    # a field: recognised as that field, or not at all (a miss, counted below), or ambiguous
    # among candidates that include it (the certifier chooses) — never as another field
    if got == "ambigu":
        candidates = [c.key for c in recognise(header).candidates]
        assert expected in candidates, f"« {header} » désigne {expected}, candidats {candidates}"
        return
    assert got in (expected, "inconnu"), f"« {header} » désigne {expected}, reconnu : {got}"


def test_recognition_rate(capsys):
    meant = [(h, e) for h, e, _ in ENTRIES if e not in ("ambigu", "inconnu")]
    missed = [(h, e) for h, e in meant if outcome(h) != e]
    rate = 1 - len(missed) / len(meant)
    rules = Counter(recognise(h).rule for h, e in meant if outcome(h) == e)
    second = [(h, e) for h, e, _, lot in LOTS if lot == 2 and e not in ("ambigu", "inconnu")]
    second_found = sum(1 for h, e in second if outcome(h) == e)
    with capsys.disabled():
        print(
            f"\nCorpus de titres : {len(ENTRIES)} titres, {len(meant)} désignent un champ, "
            f"{len(meant) - len(missed)} reconnus ({rate:.1%}) ; deuxième lot : "
            f"{second_found}/{len(second)} ({second_found / len(second):.1%}) ; règles : "
            + ", ".join(f"{rule} {n}" for rule, n in rules.most_common())
            + (f" ; manqués : {', '.join(h for h, _ in missed)}" if missed else "")
        )
    assert rate >= MIN_RATE


def test_every_recognition_names_its_rule():
    for header, expected, _ in ENTRIES:
        found = recognise(header)
        if found.column is not None:
            assert found.rule and found.explanation, header
        elif expected == "ambigu":
            assert len(found.candidates) >= 2 and found.explanation.startswith("ambigu : ")
