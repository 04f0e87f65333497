"""SUPPRESSION flux (1.1.5): ids from the command line, a text file or a spreadsheet."""

import openpyxl
import pytest
from lxml import etree

from passeport.flux.cli import main
from passeport.flux.suppression import SuppressionError, build_suppression
from passeport.flux.validation import validate_file
from passeport.flux.xsd import load_schemas

NS = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
CLI_IDS = ["--emetteur", "AB123CDE", "--certificateur", "E564ACB0", "--contrat", "2560080000127J"]


def check(path):
    root = etree.parse(str(path)).getroot()
    schema = load_schemas("1.1.5").complete
    assert schema.validate(root), schema.error_log
    assert root.findtext("cpf:action", namespaces=NS) == "SUPPRESSION"
    report = validate_file(path, "1.1.5")
    assert report.errors == 0, [f.message for f in report.findings]
    return root


def test_ids_on_command_line(tmp_path):
    out = tmp_path / "supp.xml"
    assert (
        main(
            [
                "suppression",
                "--ids",
                "id-1",
                "id-2",
                "A&B",
                "--code",
                "rncp 19117",
                *CLI_IDS,
                "-o",
                str(out),
            ]
        )
        == 0
    )
    root = check(out)
    assert root.findtext(".//cpf:code", namespaces=NS) == "RNCP19117"
    assert root.findtext(".//cpf:type", namespaces=NS) == "RNCP"
    assert [e.text for e in root.iterfind(".//cpf:idTechnique", NS)] == ["id-1", "id-2", "A&B"]
    passage = root.find(".//cpf:passageCertification", NS)
    assert [etree.QName(c).localname for c in passage] == ["idTechnique"]


def test_ids_from_text_file_with_codes(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("# à retirer\nRNCP19117;a1\nRS5262;b1\n\nc1\nRNCP19117;a1\n", encoding="utf-8")
    out = tmp_path / "supp.xml"
    assert (
        main(["suppression", "--ids", str(ids), "--code", "RS5262", *CLI_IDS, "-o", str(out)]) == 0
    )
    root = check(out)
    groups = {c.findtext("cpf:code", namespaces=NS): [e.text for e in c.iterfind(".//cpf:idTechnique", NS)]
              for c in root.iterfind(".//cpf:certification", NS)}  # fmt: skip
    assert groups == {"RNCP19117": ["a1"], "RS5262": ["b1", "c1"]}


def test_ids_from_spreadsheet(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Code de la certification", "Identifiant technique du passage", "Nom"])
    sheet.append(["RS5262", 1979262.0, "x"])
    sheet.append(["RNCP19117", "abc", "y"])
    workbook.save(tmp_path / "ids.xlsx")
    out = tmp_path / "supp.xml"
    assert main(["suppression", "--ids", str(tmp_path / "ids.xlsx"), *CLI_IDS, "-o", str(out)]) == 0
    root = check(out)
    assert sorted(e.text for e in root.iterfind(".//cpf:idTechnique", NS)) == ["1979262", "abc"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--ids", "x"], "code de certification absent"),
        (["--ids", "x", "--code", "12345"], "RNCP"),
        (["--ids", "x" * 300, "--code", "RS1"], "255"),
    ],
)
def test_errors(tmp_path, argv, expected, capsys):
    assert main(["suppression", *argv, *CLI_IDS, "-o", str(tmp_path / "s.xml")]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_spreadsheet_without_id_column(tmp_path, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nom", "Prénom"])
    workbook.save(tmp_path / "ids.xlsx")
    assert (
        main(
            [
                "suppression",
                "--ids",
                str(tmp_path / "ids.xlsx"),
                "--code",
                "RS1",
                *CLI_IDS,
                "-o",
                str(tmp_path / "s.xml"),
            ]
        )
        == 2
    )
    assert "idTechnique" in capsys.readouterr().err


def test_library_returns_bytes_and_checks_ids():
    result = build_suppression(
        [("RS1", "x")], None, emetteur="AB123CDE", certificateur="E564ACB0", contrat="1"
    )
    assert b"<cpf:action>SUPPRESSION</cpf:action>" in result.xml
    with pytest.raises(SuppressionError):
        build_suppression(
            [("RS1", "x")], None, emetteur="court", certificateur="E564ACB0", contrat="1"
        )
    with pytest.raises(SuppressionError):
        build_suppression([], None, emetteur="AB123CDE", certificateur="E564ACB0", contrat="1")


def test_output_folder_missing(tmp_path, capsys):
    out = tmp_path / "absent" / "s.xml"
    assert main(["suppression", "--ids", "a", "--code", "RS1", *CLI_IDS, "-o", str(out)]) == 2
    assert "écriture impossible" in capsys.readouterr().err
