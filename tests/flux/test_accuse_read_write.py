"""Reading and writing the CDC's accusé de traitement: on the project's example, and on a real
one as oracle."""

import datetime
import time

import pytest

from passeport.flux.accuses import (
    Accuse,
    AccuseError,
    RejectedPassage,
    accuse_filename,
    read_accuse,
    write_accuse,
)
from passeport.flux.cdc_messages import explain


def test_reads_an_accuse(example_accuse):
    accuse = read_accuse(example_accuse)
    assert accuse.nom_fichier == "passeport-flux-20250708-091500.xml"
    assert accuse.id_flux == "0b7c2f4e-5a61-4d2e-9c3a-7f1e8d6b2a90"
    assert accuse.id_traitement == "81204"
    assert [p.id_technique for p in accuse.rejected] == ["40012", "40027", "40031"]
    assert accuse.accepted == ["40008", "40019"]
    assert accuse.total == 5
    codes = [p.explanation.code for p in accuse.rejected]
    assert codes == [
        "reconciliation-etape-1",
        "reconciliation-etape-2",
        "id-technique-deja-en-base",
    ]
    assert accuse.rejected[2].explanation.params == {
        "emetteur": "PS042ABC",
        "id_technique": "39870",
    }


def test_write_reproduces_the_accuse_byte_for_byte(example_accuse):
    original = example_accuse.read_bytes()
    assert write_accuse(read_accuse(example_accuse)) == original
    assert write_accuse(read_accuse(original)) == original


def test_reads_the_real_accuse(cdc_oracle_accuse):
    """Oracle: an accusé the CDC really returned."""
    accuse = read_accuse(cdc_oracle_accuse)
    assert accuse.nom_fichier == "pix-cpf-export-20231016-223239.xml"
    assert accuse.id_flux == "4df76fd4-0915-46df-8c56-525506af35be"
    assert accuse.id_traitement == "67598"
    assert [p.id_technique for p in accuse.rejected] == ["1979262", "1996215", "1983189"]
    assert accuse.accepted == ["1968666", "1964200"]
    assert accuse.total == 5
    codes = [p.explanation.code for p in accuse.rejected]
    assert codes == [
        "reconciliation-etape-1",
        "reconciliation-etape-2",
        "id-technique-deja-en-base",
    ]


def test_write_reproduces_the_real_accuse_byte_for_byte(cdc_oracle_accuse):
    """Oracle: the writer's layout is the CDC's own, to the byte."""
    original = cdc_oracle_accuse.read_bytes()
    assert write_accuse(read_accuse(cdc_oracle_accuse)) == original
    assert write_accuse(read_accuse(original)) == original


def test_write_to_file_and_escape(tmp_path):
    accuse = Accuse(
        nom_fichier="a&b<c>.xml",
        id_flux="f",
        id_traitement="1",
        rejected=[RejectedPassage("x", "l'id « A & B »")],
        accepted=[],
    )
    target = tmp_path / "accuse.xml"
    data = write_accuse(accuse, target)
    assert target.read_bytes() == data
    assert b"a&amp;b&lt;c&gt;.xml" in data
    assert b"<PassagesOK/>" in data
    again = read_accuse(target)
    assert again.nom_fichier == "a&b<c>.xml"
    assert again.rejected == [RejectedPassage("x", "l'id « A & B »")]
    assert again.accepted == []


def test_empty_rejections_round_trip():
    accuse = Accuse("f.xml", "id", "2", rejected=[], accepted=["1", "2"])
    data = write_accuse(accuse)
    assert b"<PassagesKO/>" in data
    assert read_accuse(data) == accuse


def test_duplicate_message_parameters_are_extracted():
    message = (
        "Le passage certification avec le bcr émetteur 03VML243 et l'id technique "
        "partenaire 1559735 existe déjà en base"
    )
    explanation = explain(message)
    assert explanation.known
    assert explanation.params == {"emetteur": "03VML243", "id_technique": "1559735"}
    assert "SUPPRESSION" in explanation.fix


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Aucun titulaire ne correspond aux critères obligatoires", "reconciliation-etape-1"),
        (
            "Aucun titulaire ne correspond aux critères obligatoires enrichis du jour et du "
            "mois de naissance",
            "reconciliation-etape-2",
        ),
        ("Plusieurs titulaires ont été identifiés", "reconciliation-plusieurs-titulaires"),
        ("Aucun titulaire ne correspond aux critères de réconciliation", "reconciliation-criteres"),
        ("  aucun titulaire ne correspond  aux critères obligatoires. ", "reconciliation-etape-1"),
    ],
)
def test_known_messages(message, code):
    explanation = explain(message)
    assert explanation.code == code
    assert explanation.known
    assert explanation.explanation and explanation.fix


def test_unknown_message_is_passed_through():
    explanation = explain("Erreur technique 42")
    assert not explanation.known
    assert explanation.code == "inconnu"
    assert "Erreur technique 42" in explanation.explanation


def test_xxe_is_refused_without_reading_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rapport><nomFichier>&x;</nomFichier></rapport>"
    ).encode()
    with pytest.raises(AccuseError) as error:
        read_accuse(hostile)
    assert "DOCTYPE" in str(error.value)
    assert "TOP-SECRET" not in str(error.value)


def test_billion_laughs_is_refused_fast():
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{"&a" + str(i - 1) + ";" * 1}{"&a" + str(i - 1) + ";"}">'
        for i in range(1, 30)
    )
    hostile = f"<!DOCTYPE r [{entities}]><rapport><nomFichier>&a29;</nomFichier></rapport>"
    start = time.monotonic()
    with pytest.raises(AccuseError):
        read_accuse(hostile.encode())
    assert time.monotonic() - start < 1


def test_malformed_xml_names_line():
    with pytest.raises(AccuseError) as error:
        read_accuse(b"<rapport>\n<nomFichier>x</rapport>")
    assert "ligne 2" in str(error.value)


def test_wrong_root_is_explained():
    with pytest.raises(AccuseError) as error:
        read_accuse(b'<flux xmlns="urn:cdc:cpf:pc5:schema:1.0.0"/>')
    assert "rapport" in str(error.value)


def test_missing_file():
    with pytest.raises(AccuseError) as error:
        read_accuse("/nonexistent/accuse.xml")
    assert "/nonexistent/accuse.xml" in str(error.value)


def test_rejected_passage_without_id():
    with pytest.raises(AccuseError) as error:
        read_accuse(
            b"<rapport><PassagesKO><passage><messageErreur>x</messageErreur></passage></PassagesKO></rapport>"
        )
    assert "sans idTechnique" in str(error.value)


def test_download_name():
    assert (
        accuse_filename("flux.xml", datetime.date(2024, 3, 5))
        == "Accusé de traitement_flux.xml_20240305.xml"
    )
