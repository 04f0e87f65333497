"""The template spreadsheet, read back with openpyxl; then filled in and built."""

import datetime

import openpyxl
import pytest
from lxml import etree

from passeport.flux.building import build_flux
from passeport.flux.cli import main
from passeport.flux.columns import spreadsheet_columns

IDS = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "2560080000127J"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("modele") / "modele.xlsx"
    assert main(["template", "-o", str(path)]) == 0
    return path


def test_columns_labels_order_and_comments(template):
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames[0] == "Passages"
    assert workbook["Listes"].sheet_state == "hidden"
    sheet = workbook["Passages"]
    columns = spreadsheet_columns("1.1.5")
    headers = [c.value for c in sheet[1]]
    assert headers == [c.label for c in columns]
    for cell, column in zip(sheet[1], columns, strict=True):
        assert cell.comment is not None
        assert column.number in cell.comment.text and column.help in cell.comment.text
    nom = sheet.cell(row=1, column=headers.index("Nom de naissance") + 1)
    assert "Obligatoire" in nom.comment.text


def test_drop_downs_for_every_enumeration(template):
    workbook = openpyxl.load_workbook(template)
    sheet, lists = workbook["Passages"], workbook["Listes"]
    headers = [c.value for c in sheet[1]]
    validations = {}
    for validation in sheet.data_validations.dataValidation:
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        validations[letter] = validation
    from openpyxl.utils import column_index_from_string, get_column_letter

    for column in spreadsheet_columns("1.1.5"):
        if column.spec.kind not in {"enum", "boolean", "sexe"}:
            continue
        letter = get_column_letter(headers.index(column.label) + 1)
        assert letter in validations, column.label
        formula = validations[letter].formula1  # 'Listes'!$C$2:$C$4
        ref = formula.split("!")[1].replace("$", "")
        start, end = ref.split(":")
        list_column = column_index_from_string(start.rstrip("0123456789"))
        values = [lists.cell(row=r, column=list_column).value
                  for r in range(int(start.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), int(end.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1)]  # fmt: skip
        if column.spec.kind == "enum":
            assert values == list(column.spec.choices), column.label
    modalite = get_column_letter(headers.index("Modalité d'accès") + 1)
    assert validations[modalite].type == "list"


def test_text_and_date_formats(template):
    sheet = openpyxl.load_workbook(template)["Passages"]
    headers = [c.value for c in sheet[1]]
    insee = headers.index("Code INSEE de la commune de naissance") + 1
    date = headers.index("Date d'obtention (début de validité)") + 1
    assert sheet.cell(row=2, column=insee).number_format == "@"
    assert sheet.cell(row=500, column=insee).number_format == "@"
    assert sheet.cell(row=2, column=date).number_format == "DD/MM/YYYY"


def test_filled_template_builds(template, tmp_path, flux_schema_112):
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Passages"]
    headers = [c.value for c in sheet[1]]
    values = {
        "Code de la certification": "RNCP19117",
        "Mode d'obtention": "PAR_ADMISSION",
        "Donnée certifiée": "Oui",
        "Date d'obtention (début de validité)": datetime.date(2026, 9, 1),
        "Nom de naissance": "Dupont",
        "Premier prénom": "Antoine",
        "Année de naissance": 1996,
        "Mois de naissance": 11,
        "Jour de naissance": 15,
        "Sexe": "M",
        "Code INSEE de la commune de naissance": "01053",
        "Modalité d'accès": "VAE",
    }
    for label, value in values.items():
        sheet.cell(row=2, column=headers.index(label) + 1, value=value)
    workbook.save(tmp_path / "rempli.xlsx")
    result = build_flux(tmp_path / "rempli.xlsx", tmp_path / "flux.xml", schema="1.1.2", **IDS)
    assert result.exit_code == 0, (result.errors, result.rejected)
    assert result.unknown_columns == []
    assert flux_schema_112.validate(etree.parse(str(tmp_path / "flux.xml")))


def test_template_112_has_no_nir(tmp_path):
    assert main(["template", "-o", str(tmp_path / "m.xlsx"), "--schema", "1.1.2"]) == 0
    headers = [c.value for c in openpyxl.load_workbook(tmp_path / "m.xlsx")["Passages"][1]]
    assert not any("NIR" in h for h in headers)


def test_template_bad_output(tmp_path, capsys):
    assert main(["template", "-o", str(tmp_path / "m.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert main(["template", "-o", str(tmp_path / "absent" / "m.xlsx")]) == 2
    assert "écriture impossible" in capsys.readouterr().err
