"""Other inputs: OpenDocument spreadsheets, an official XSD given by path, usage errors."""

import zipfile
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from passeport.flux.building import build_flux
from passeport.flux.cli import main

IDS = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "2560080000127J"}
CLI_IDS = ["--emetteur", "AB123CDE", "--certificateur", "E564ACB0", "--contrat", "2560080000127J"]
HEADERS = ["Code RNCP", "Nom de naissance", "Prénom", "Sexe", "Date de naissance", "Date du jury",
           "Mode d'obtention", "Donnée certifiée", "Code INSEE"]  # fmt: skip


def write_ods(path, rows):
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, reduced to the cells)."""

    def cell(value):
        if isinstance(value, float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        if isinstance(value, tuple):  # ("date", "1996-11-15")
            return f'<table:table-cell office:value-type="date" office:date-value="{value[1]}"><text:p>{value[1]}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Passages">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def test_ods_input(tmp_path, flux_schema_112):
    path = write_ods(tmp_path / "passages.ods", [
        HEADERS,
        ["RNCP19117", "Dupont", "Antoine", "H", ("date", "1996-11-15"), ("date", "2026-09-01"),
         "PAR_ADMISSION", "Oui", 1053.0],
    ])  # fmt: skip
    result = build_flux(path, tmp_path / "flux.xml", **IDS)
    assert result.exit_code == 0, (result.errors, result.rejected)
    root = etree.parse(str(tmp_path / "flux.xml"))
    assert flux_schema_112.validate(root), flux_schema_112.error_log
    ns = {"cpf": "urn:cdc:cpf:pc5:schema:1.0.0"}
    assert root.findtext(".//cpf:codeInsee", namespaces=ns) == "01053"
    assert root.findtext(".//cpf:jourNaissance", namespaces=ns) == "15"


def test_xsd_given_by_path(tmp_path, flux_xsd_112):
    path = write_ods(tmp_path / "p.ods", [
        HEADERS, ["RS5262", "Martin", "Zoé", "F", "05/03/1990", "01/09/2026", "PAR_ADMISSION", "Oui", "31555"],
    ])  # fmt: skip
    out = tmp_path / "flux.xml"
    code = main(
        [
            "build",
            str(path),
            "-o",
            str(out),
            *CLI_IDS,
            "--schema",
            str(flux_xsd_112),
        ]
    )
    assert code == 0
    assert b"<cpf:action>" not in out.read_bytes()


def test_schema_not_found(tmp_path, capsys):
    path = write_ods(tmp_path / "p.ods", [HEADERS])
    assert (
        main(
            ["build", str(path), "-o", str(tmp_path / "f.xml"), *CLI_IDS, "--schema", "absent.xsd"]
        )
        == 2
    )
    assert "absent.xsd" in capsys.readouterr().err


@pytest.mark.parametrize("output", ["flux.txt", "flux"])
def test_output_must_be_xml(tmp_path, output, capsys):
    path = write_ods(tmp_path / "p.ods", [HEADERS])
    assert main(["build", str(path), "-o", str(tmp_path / output), *CLI_IDS]) == 2
    assert ".xml" in capsys.readouterr().err


def test_headers_only_writes_nothing(tmp_path, capsys):
    path = write_ods(tmp_path / "p.ods", [HEADERS])
    assert main(["build", str(path), "-o", str(tmp_path / "f.xml"), *CLI_IDS]) == 2
    assert "aucune ligne de passage" in capsys.readouterr().err
    assert not (tmp_path / "f.xml").exists()


def test_missing_required_arguments(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "x.xlsx"])
    assert exit_.value.code == 2
    assert "erreur d'utilisation" in capsys.readouterr().err


def test_line_numbers_when_the_table_starts_lower(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C3"] = "Passages 2026"  # a title, then the table from row 5, column C
    for offset, row in enumerate([HEADERS, ["RNCP19117", "Durand", "Léa", "F", "31/02/1996",
                                            "01/09/2026", "PAR_ADMISSION", "Oui", "31555"]]):  # fmt: skip
        for column, value in enumerate(row, start=3):
            sheet.cell(row=5 + offset, column=column, value=value)
    book.save(tmp_path / "in.xlsx")
    result = build_flux(tmp_path / "in.xlsx", tmp_path / "f.xml", **IDS)
    assert result.header_line == 5
    assert [r.line for r in result.rejected] == [6]
    assert result.rejected[0].anomalies[0].column == "Date de naissance"


def test_binary_file_named_csv(tmp_path, capsys):
    (tmp_path / "x.csv").write_bytes(b"\x00\x01\x02 pas un csv \x00" * 10)
    assert main(["build", str(tmp_path / "x.csv"), "-o", str(tmp_path / "f.xml"), *CLI_IDS]) == 2
    assert "n'est pas un CSV texte" in capsys.readouterr().err


def test_directory_given(tmp_path, capsys):
    (tmp_path / "dossier.xlsx").mkdir()
    assert (
        main(["build", str(tmp_path / "dossier.xlsx"), "-o", str(tmp_path / "f.xml"), *CLI_IDS])
        == 2
    )
    assert "dossier" in capsys.readouterr().err


def test_csv_with_title_row_and_crlf(tmp_path):
    text = "Export scolarité;;\r\n" + ";".join(HEADERS) + "\r\n"
    text += "RS5262;Martin;Zoé;F;05/03/1990;01/09/2026;PAR_ADMISSION;Oui;31555\r\n"
    (tmp_path / "in.csv").write_bytes(text.encode("cp1252"))
    result = build_flux(tmp_path / "in.csv", tmp_path / "f.xml", **IDS)
    assert result.exit_code == 0, (result.errors, result.rejected)
    assert result.header_line == 2
    assert "Zoé".encode() in (tmp_path / "f.xml").read_bytes()


def test_output_folder_missing(tmp_path, capsys):
    path = write_ods(tmp_path / "p.ods", [
        HEADERS, ["RS5262", "Martin", "Zoé", "F", "05/03/1990", "01/09/2026", "PAR_ADMISSION", "Oui", "31555"],
    ])  # fmt: skip
    assert main(["build", str(path), "-o", str(tmp_path / "absent" / "f.xml"), *CLI_IDS]) == 2
    err = capsys.readouterr().err
    assert "écriture impossible" in err and "Traceback" not in err and "inattendue" not in err


def test_rejects_folder_missing(tmp_path, capsys):
    path = write_ods(tmp_path / "p.ods", [
        HEADERS, ["RS5262", "Martin", "Zoé", "F", "31/02/1990", "01/09/2026", "PAR_ADMISSION", "Oui", "31555"],
    ])  # fmt: skip
    code = main(["build", str(path), "-o", str(tmp_path / "f.xml"), *CLI_IDS,
                 "--rejects", str(tmp_path / "absent" / "r.xlsx")])  # fmt: skip
    assert code == 2
    assert "écriture impossible" in capsys.readouterr().err
