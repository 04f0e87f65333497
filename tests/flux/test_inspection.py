"""Inspecting a spreadsheet before building: samples, recognition, idTechnique proposal, the
`passeport flux columns` command and its starting mapping file."""

import datetime

import openpyxl
import pytest

from passeport.flux import inspection as inspecting
from passeport.flux.building import build_flux
from passeport.flux.cli import main
from passeport.flux.columns import load_mapping
from passeport.flux.inspection import Inspection, inspect_spreadsheet

HEADERS = [
    "Code RNCP",
    "Nom",
    "Prénom",
    "Date",
    "Réf. interne",
    "N°",
    "Couleur",
    "Nom de naissance",
]


def workbook(path, rows=20):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Extraction du 01/10/2026"])
    sheet.append(HEADERS)
    for i in range(rows):
        sheet.append(
            [
                "RNCP19117",
                f"Dupont{i}",
                "Léa",
                datetime.date(2026, 9, 1),
                f"INS-{i:04d}",
                i + 1,
                "bleu",
                "",
            ]
        )
    sheet.append([])
    book.save(path)
    return path


@pytest.mark.parametrize("chunked", [False, True])
def test_every_column_with_samples_recognition_and_proposal(tmp_path, monkeypatch, chunked):
    if chunked:  # the bounded-memory path of large workbooks, on a small one
        monkeypatch.setattr(inspecting, "CHUNKED_MIN_BYTES", 0)
    calls = []
    found = inspect_spreadsheet(
        workbook(tmp_path / "jury.xlsx", rows=12000),
        progress=lambda rows, fraction: calls.append((rows, fraction)),
    )
    assert found.errors == [] and found.header_line == 2 and found.rows == 12000
    by_header = {c.header: c for c in found.columns}
    assert list(by_header) == HEADERS
    assert (by_header["Nom"].key, by_header["Nom"].rule) == ("nomNaissance", "synonym")
    assert by_header["Nom"].samples == ["Dupont0", "Dupont1", "Dupont2"]
    assert by_header["Date"].status == "ambiguous"
    assert by_header["Date"].samples == ["01/09/2026"]
    assert by_header["Date"].candidates[0] == "dateDebutValidite"
    assert by_header["Réf. interne"].proposed and by_header["Réf. interne"].key is None
    assert by_header["N°"].samples == ["1", "2", "3"] and not by_header["N°"].proposed
    assert not by_header["Couleur"].proposed  # the same value on every row
    assert by_header["Nom de naissance"].status == "duplicate"
    assert by_header["Nom de naissance"].duplicate_of == "Nom"
    assert by_header["Nom de naissance"].filled == 0
    assert [rows for rows, _ in calls] == [5000, 10000, 12000]
    assert calls[-1][1] == 1.0 and all(0 <= f <= 1 for _, f in calls)
    assert Inspection.from_json(found.as_json()) == found


def test_csv_progress_grows_with_the_file(tmp_path):
    path = tmp_path / "jury.csv"
    lines = ["Code RNCP;Nom;Prénom"] + [f"RNCP19117;Dupont{i};Léa" for i in range(15000)]
    path.write_text("\n".join(lines), encoding="cp1252")
    calls = []
    found = inspect_spreadsheet(path, progress=lambda r, f: calls.append(f))
    assert found.rows == 15000
    assert calls[0] < calls[1] < calls[2] < calls[3] == 1.0
    assert 0.25 < calls[0] < 0.4  # 5 000 rows of 15 000


def test_unreadable_files_named_as_the_user_knows_them(tmp_path):
    path = tmp_path / "a1b2c3.xlsx"
    path.write_bytes(b"PK\x03\x04 pas un classeur")
    found = inspect_spreadsheet(path, name="promotion.xlsx")
    assert found.errors and found.errors[0].startswith("promotion.xlsx : classeur illisible")
    assert str(path) not in found.errors[0]
    empty = tmp_path / "vide.csv"
    empty.write_text("Couleur;Taille\nbleu;3\n", encoding="utf-8")
    assert "aucune ligne de titres reconnue" in inspect_spreadsheet(empty).errors[0]


def test_columns_command_prints_and_writes_a_mapping_the_build_reads(tmp_path, capsys):
    source = workbook(tmp_path / "jury.xlsx", rows=3)
    toml = tmp_path / "correspondance.toml"
    assert main(["columns", str(source), "--toml", str(toml)]) == 1  # ambiguous, unknown
    out = capsys.readouterr().out
    assert "« Date » [01/09/2026] → AMBIGU : Date d'obtention (début de validité)" in out
    assert (
        "« Réf. interne » [INS-0000 | INS-0001 | INS-0002] → non reconnue — valeurs uniques" in out
    )
    assert "« Nom » [Dupont0 | Dupont1 | Dupont2] → Nom de naissance (8.1, nomNaissance)" in out
    text = toml.read_text("utf-8")
    assert '"Date" = ""  # AMBIGU, à choisir : dateDebutValidite' in text
    assert '"Réf. interne" = ""  # valeurs uniques' in text  # proposed, not taken
    mapping = load_mapping(toml)
    assert mapping.columns["Nom"] == "nomNaissance" and "Nom de naissance" not in mapping.columns
    # the certifier settles the two: the same file builds
    toml.write_text(
        text.replace('"Date" = ""', '"Date" = "dateDebutValidite"').replace(
            '"Réf. interne" = ""', '"Réf. interne" = "idTechnique"'
        )
        + '[valeurs]\nobtentionCertification = "PAR_ADMISSION"\ndonneeCertifiee = "Oui"\n'
        'sexe = "F"\nanneeNaissance = "1990"\n',
        encoding="utf-8",
    )
    ids = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "X1"}
    result = build_flux(source, None, mapping=toml, **ids)
    assert result.errors == []
    assert set(result.lines_by_id) == {"INS-0000", "INS-0001", "INS-0002"}
    assert main(["columns", str(tmp_path / "absent.xlsx")]) == 2
    assert "fichier introuvable" in capsys.readouterr().err
