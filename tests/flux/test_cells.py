"""Spreadsheets the service writes hold formula-like text as text (OWASP « CSV Injection »),
and the builder reads back exactly what was written."""

import zipfile

import pytest
from openpyxl import load_workbook

from passeport.flux import cells
from passeport.flux.rejects import write_rejects
from passeport.flux.spreadsheets import open_table

EVIL = ['=HYPERLINK("http://evil.example","Voir")', "+33 6 00", "-1+1", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_like_values_are_recognised(value):
    assert cells.is_formula_like(value)
    assert cells.from_csv(cells.to_csv(value)) == value
    assert cells.to_csv(value).startswith("'")


@pytest.mark.parametrize("value", ["Dupont", "01053", "d'Artagnan", "'quoted", ""])
def test_ordinary_values_are_left_alone(value):
    assert not cells.is_formula_like(value)
    assert cells.to_csv(value) == value and cells.from_csv(value) == value


def test_xlsx_rejects_hold_text_not_formulas(tmp_path):
    path = write_rejects(
        tmp_path / "rejets.xlsx",
        ["nomNaissance", "codeInsee"],
        [(2, [EVIL[0], "01053"], ["=1+1"], ["-corrigez"])],
    )
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere in the file
    row = next(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert row[:4] == (EVIL[0], "01053", "=1+1", "-corrigez")
    table = open_table(path)
    assert list(table.rows)[1][1][:2] == [EVIL[0], "01053"]


def test_csv_rejects_are_prefixed_and_read_back_unchanged(tmp_path):
    path = write_rejects(tmp_path / "rejets.csv", ["nomNaissance"], [(2, [EVIL[0]], ["x"], ["y"])])
    text = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    rows = list(open_table(path).rows)
    assert rows[1][1][0] == EVIL[0]
