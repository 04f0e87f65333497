"""Text cells of the spreadsheets the service writes, never run as formulas.

A value a certifier or a holder typed (a birth name, a message) may start with `=`, `+`, `-`,
`@`, a tab or a carriage return; a spreadsheet program opening the file would run it as a
formula (`=HYPERLINK(…)`, DDE). OWASP « CSV Injection »: such text is written as text.

- xlsx: an inline string cell with Excel's « quote prefix » (the cell stays text even when
  edited), and the value unchanged — the builder reads back exactly what it wrote;
- csv: the value prefixed with an apostrophe, which spreadsheet programs show as text; the
  builder's CSV reader takes that apostrophe off again (`from_csv`).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def to_csv(value: str) -> str:
    return "'" + value if is_formula_like(value) else value


def from_csv(value: str) -> str:
    return value[1:] if value.startswith("'") and is_formula_like(value[1:]) else value


def text_cell(sheet, value: str):
    """A write-only xlsx cell holding `value` as text (leading zeros and formulas alike)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl makes any « =… » value a formula
    cell.number_format = "@"
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell
