"""docs/construire-un-flux.md stays true: every column, rule and CDC message is documented."""

import re
from pathlib import Path

from passeport.flux import build_rows, building, building_parallel, row_checks
from passeport.flux.cdc_messages import KNOWN_MESSAGES
from passeport.flux.columns import birth_date_column, spreadsheet_columns

DOC = (Path(__file__).resolve().parents[2] / "docs" / "construire-un-flux.md").read_text("utf-8")


def test_every_column_documented_with_its_label():
    for column in [*spreadsheet_columns("1.1.5"), birth_date_column()]:
        assert f"`{column.key}`" in DOC, column.key
        assert column.label in DOC, column.label


def test_every_build_rule_documented():
    source = "".join(
        Path(module.__file__).read_text("utf-8")
        for module in (building, build_rows, row_checks, building_parallel)
    )
    rules = set(re.findall(r'"((?:REG|BUILD)-[A-Z-]+)"', source))
    for rule in rules:
        assert f"`{rule}`" in DOC, rule


def test_known_cdc_messages_documented():
    assert len(KNOWN_MESSAGES) == 5
    for fragment in ("critères obligatoires", "enrichis du jour et du mois", "Plusieurs titulaires",
                     "existe déjà en base", "critères de réconciliation"):  # fmt: skip
        assert fragment in DOC
