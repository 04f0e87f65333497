"""`passeport flux validate`: exit codes, text / JSON / HTML reports, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from passeport.flux.cli import main
from passeport.flux.samples import flux_bytes, flux_from_passages, sample_passage


@pytest.fixture
def valid_file(tmp_path):
    path = tmp_path / "valide.xml"
    path.write_bytes(flux_bytes(4, seed=1))
    return path


@pytest.fixture
def invalid_file(tmp_path):
    passage = sample_passage(2)
    passage["donneeCertifiee"] = "Oui"
    passage["dateDebutValidite"] = "2025-12-01"
    passage["dateFinValidite"] = "2025-11-01"
    path = tmp_path / "invalide.xml"
    path.write_bytes(flux_from_passages([sample_passage(1), passage]))
    return path


def run(capsys, *argv):
    code = main(["validate", "--date-reference", "2026-01-15", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_file_exit_0_text(capsys, valid_file):
    code, out, err = run(capsys, str(valid_file))
    assert code == 0 and err == ""
    assert "4 passages" in out and "VALIDE" in out and "0 erreur" in out


def test_warnings_only_exit_0(capsys, tmp_path):
    passage = sample_passage(0)
    passage["donneeCertifiee"] = "false"
    path = tmp_path / "provisoire.xml"
    path.write_bytes(flux_from_passages([passage]))
    code, out, _ = run(capsys, str(path))
    assert code == 0
    assert "AVERTISSEMENT [REG-DONNEE-PROVISOIRE]" in out


def test_invalid_file_exit_1_text(capsys, invalid_file):
    code, out, _ = run(capsys, str(invalid_file))
    assert code == 1
    assert "ERREUR [XSD-TYPE]" in out and "ERREUR [REG-DATES-VALIDITE]" in out
    assert "« Oui »" in out and "true ou false" in out
    assert "→" in out  # every finding has its hint


def test_json_one_object_per_file(capsys, valid_file, invalid_file):
    code, out, _ = run(capsys, "--format", "json", str(invalid_file))
    data = json.loads(out)
    assert code == 1
    assert set(data) == {"file", "schema", "valid", "passages", "errors", "warnings", "findings"}
    assert data["valid"] is False and data["passages"] == 2 and data["errors"] == 2
    for finding in data["findings"]:
        assert set(finding) == {
            "severity", "rule", "line", "idTechnique", "field", "message", "hint"
        }  # fmt: skip
        assert finding["idTechnique"] and finding["line"]
    code, out, _ = run(capsys, "--format", "json", str(valid_file), str(invalid_file))
    data = json.loads(out)
    assert code == 1 and [d["valid"] for d in data] == [True, False]


def test_html_report_to_file(capsys, tmp_path, invalid_file):
    out_path = tmp_path / "rapport.html"
    code, out, _ = run(capsys, "--format", "html", "-o", str(out_path), str(invalid_file))
    assert code == 1
    assert "Rapport écrit dans" in out and "2 erreur(s)" in out
    page = out_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "lang='fr'" in page
    assert "id='filtre'" in page and "<script>" in page  # searchable
    assert "XSD-TYPE" in page and "REG-DATES-VALIDITE" in page and "donneeCertifiee" in page
    assert "Synthèse" in page
    # self-contained: no external resource
    assert (
        "src=" not in page
        and "<link" not in page
        and "http" not in page.lower().replace("https://diplomes.example.fr", "")
    )


def test_html_escapes_values(capsys, tmp_path):
    passage = sample_passage(0)
    passage["idTechnique"] = "<script>alert(1)</script>"
    passage["donneeCertifiee"] = "false"
    path = tmp_path / "x.xml"
    path.write_bytes(flux_from_passages([passage]))
    code, out, _ = run(capsys, "--format", "html", str(path))
    assert code == 0
    assert "<script>alert(1)</script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_unreadable_file_exit_2(capsys, tmp_path, valid_file):
    code, out, err = run(capsys, str(valid_file), str(tmp_path / "absent.xml"))
    assert code == 2
    assert "introuvable" in out and "Traceback" not in out + err


def test_directory_exit_2(capsys, tmp_path):
    code, out, _ = run(capsys, str(tmp_path))
    assert code == 2 and "dossier" in out


def test_malformed_is_a_data_error(capsys, tmp_path):
    path = tmp_path / "casse.xml"
    path.write_bytes(flux_bytes(2)[:-30])
    code, out, _ = run(capsys, str(path))
    assert code == 1 and "XML-MAL-FORME" in out and "colonne" in out


def test_bad_schema_is_usage_error(capsys, valid_file, tmp_path):
    code, _, err = run(capsys, "--schema", "2.0", str(valid_file))
    assert code == 2 and "Schéma introuvable" in err
    bad = tmp_path / "faux.xsd"
    bad.write_text("<pas-un-schema/>")
    code, _, err = run(capsys, "--schema", str(bad), str(valid_file))
    assert code == 2 and "n'est pas un schéma XSD" in err


def test_schema_given_as_a_file(capsys, valid_file, flux_xsd_112):
    code, out, _ = run(capsys, "--schema", str(flux_xsd_112), str(valid_file))
    assert code == 0 and "1.1.2" in out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "pdf", "x.xml"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--date-reference", "15/01/2026", "x.xml"])
    assert exc.value.code == 2
    assert "date invalide" in capsys.readouterr().err


def test_output_into_missing_directory_exit_2(capsys, valid_file, tmp_path):
    code, _, err = run(capsys, "-o", str(tmp_path / "absent" / "r.json"), str(valid_file))
    assert code == 2 and "impossible d'écrire" in err


def test_console_script_end_to_end(tmp_path, invalid_file):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from passeport.cli import main; sys.exit(main())",
            "flux",
            "validate",
            "--format",
            "json",
            str(invalid_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["errors"] == 2
    assert "django" not in result.stderr.lower()


def test_standard_input(invalid_file):
    result = subprocess.run(
        [sys.executable, "-m", "passeport.flux.cli", "validate", "--format", "json", "-"],
        input=invalid_file.read_bytes(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["file"] == "(entrée standard)" and data["errors"] == 2


def test_long_text_report_ends_with_a_recap(capsys, tmp_path):
    passages = [sample_passage(i) for i in range(12)]
    for p in passages:
        p["donneeCertifiee"] = "false"
    passages[0]["dateFinValidite"] = "2001-01-01"
    path = tmp_path / "long.xml"
    path.write_bytes(flux_from_passages(passages))
    code, out, _ = run(capsys, str(path))
    assert code == 1
    assert out.rstrip().splitlines()[-1] == (
        "  Synthèse : REG-DONNEE-PROVISOIRE × 12, REG-DATES-VALIDITE × 1"
    )


@pytest.mark.parametrize("processes", ["1", "2", "auto"])
def test_process_modes_give_the_same_report(capsys, invalid_file, processes):
    code, out, _ = run(capsys, "--format", "json", "--processus", processes, str(invalid_file))
    data = json.loads(out)
    assert code == 1 and data["errors"] == 2 and data["passages"] == 2
