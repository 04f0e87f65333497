"""`passeport flux accuse`: summary, explanations, rejected rows handed back from the source."""

import datetime

import openpyxl
import pytest

from passeport.flux.accuses import Accuse, RejectedPassage, read_accuse, write_accuse
from passeport.flux.building import build_flux
from passeport.flux.cli import main

IDS = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "2560080000127J"}
HEADERS = ["idTechnique", "Code RNCP", "Nom de naissance", "Prénom", "Sexe", "Date de naissance",
           "Date du jury", "Mode d'obtention", "Donnée certifiée"]  # fmt: skip
# The idTechnique of tests/flux/data/accuse-de-traitement.xml: three rejected, two accepted.
ACCUSE_IDS = ["40012", "40027", "40031", "40008", "40019"]


def spreadsheet(path, with_ids=True):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS if with_ids else HEADERS[1:])
    for i, id_technique in enumerate(ACCUSE_IDS):
        row = ["RNCP19117", f"Nom{i}", "Léa", "F", f"0{i + 1}/02/1990",
               datetime.date(2026, 9, 1), "PAR_ADMISSION", "Oui"]  # fmt: skip
        sheet.append([id_technique, *row] if with_ids else row)
    workbook.save(path)
    return path


def test_summary_and_explanations(example_accuse, capsys):
    assert main(["accuse", str(example_accuse)]) == 1
    out = capsys.readouterr().out
    assert "2 passage(s) accepté(s), 3 rejeté(s)" in out
    assert "inversion jour/mois" in out
    assert "Émetteur concerné : PS042ABC" in out
    assert "40012" in out


def test_no_rejection_exit_0(tmp_path, capsys):
    write_accuse(Accuse("f.xml", "x", "1", [], ["1"]), tmp_path / "a.xml")
    assert main(["accuse", str(tmp_path / "a.xml")]) == 0


def test_rejected_rows_from_spreadsheet_with_id_column(tmp_path, example_accuse, capsys):
    source = spreadsheet(tmp_path / "passages.xlsx")
    code = main(
        [
            "accuse",
            str(example_accuse),
            "--source",
            str(source),
            "--rejects",
            str(tmp_path / "r.xlsx"),
        ]
    )
    assert code == 1
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True))
    assert rows[0][: len(HEADERS)] == tuple(HEADERS)
    assert [r[0] for r in rows[1:]] == ["40012", "40027", "40031"]
    assert "critères obligatoires" in rows[1][len(HEADERS)]
    assert "nom de naissance" in rows[1][len(HEADERS) + 1]
    assert [r[len(HEADERS) + 2] for r in rows[1:]] == [2, 3, 4]


def test_rejected_rows_from_spreadsheet_with_derived_ids(tmp_path, capsys):
    source = spreadsheet(tmp_path / "passages.xlsx", with_ids=False)
    built = build_flux(source, tmp_path / "flux.xml", **IDS)
    ids = built.id_techniques  # line → derived idTechnique
    accuse = Accuse("flux.xml", "f", "9", [RejectedPassage(ids[4], "Plusieurs titulaires ont été identifiés")],
                    [ids[2], ids[3], ids[5], ids[6]])  # fmt: skip
    write_accuse(accuse, tmp_path / "accuse.xml")
    code = main(
        [
            "accuse",
            str(tmp_path / "accuse.xml"),
            "--source",
            str(source),
            "--rejects",
            str(tmp_path / "r.csv"),
        ]
    )
    assert code == 1
    text = (tmp_path / "r.csv").read_text("utf-8-sig")
    lines = text.splitlines()
    assert len(lines) == 2 and "Nom2" in lines[1] and "commune de naissance" in lines[1]


def test_rejected_rows_from_the_flux_xml(tmp_path, example_accuse):
    source = spreadsheet(tmp_path / "passages.xlsx")
    build_flux(source, tmp_path / "flux.xml", **IDS)
    code = main(
        [
            "accuse",
            str(example_accuse),
            "--source",
            str(tmp_path / "flux.xml"),
            "--rejects",
            str(tmp_path / "r.xlsx"),
        ]
    )
    assert code == 1
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    assert len(rows) == 4
    id_col, nom_col, code_col = (headers.index(h) for h in
                                 ("Identifiant technique du passage", "Nom de naissance", "Code de la certification"))  # fmt: skip
    assert [r[id_col] for r in rows[1:]] == ["40012", "40027", "40031"]
    assert rows[1][nom_col] == "Nom0" and rows[1][code_col] == "RNCP19117"
    # the rejects file of a flux is itself a spreadsheet flux build recognises
    again = build_flux(tmp_path / "r.xlsx", tmp_path / "again.xml", **IDS)
    assert again.written == 3, (again.errors, again.rejected)


def test_missing_ids_reported(tmp_path, example_accuse, capsys):
    source = spreadsheet(tmp_path / "passages.xlsx", with_ids=False)
    main(["accuse", str(example_accuse), "--source", str(source)])
    assert "3 idTechnique rejeté(s) absent(s)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--rejects", "r.xlsx"], "nécessite --source"),
        (["--source", "absent.xlsx"], "introuvable"),
        (["--source", "x.pdf"], "format non pris en charge"),
    ],
)
def test_usage_errors(tmp_path, example_accuse, argv, expected, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    assert main(["accuse", str(example_accuse), *argv]) == 2
    assert expected in capsys.readouterr().err


def test_unreadable_accuse(tmp_path, capsys):
    (tmp_path / "a.xml").write_text("<rapport>", encoding="utf-8")
    assert main(["accuse", str(tmp_path / "a.xml")]) == 2
    err = capsys.readouterr().err
    assert "mal formé" in err and "Traceback" not in err


def test_hostile_flux_source_refused(tmp_path, example_accuse, capsys):
    (tmp_path / "flux.xml").write_text(
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    )
    assert main(["accuse", str(example_accuse), "--source", str(tmp_path / "flux.xml")]) == 2
    assert "DOCTYPE" in capsys.readouterr().err


def test_read_then_write_is_the_portal_format(example_accuse):
    assert write_accuse(read_accuse(example_accuse)) == example_accuse.read_bytes()


def test_rejects_folder_missing(tmp_path, example_accuse, capsys):
    source = spreadsheet(tmp_path / "passages.xlsx")
    code = main(
        [
            "accuse",
            str(example_accuse),
            "--source",
            str(source),
            "--rejects",
            str(tmp_path / "no" / "r.xlsx"),
        ]
    )
    assert code == 2
    assert "écriture impossible" in capsys.readouterr().err
