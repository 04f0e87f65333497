"""France Compétences exports: the CSV zip and the XML, real (oracle), small ones written by the
tests or the demo's, damaged, and the splitting of `LISTE_COMPETENCES`."""

import zipfile

import pytest

from passeport.competences.reading import rncp
from passeport.competences.reading.lists import ListItem, split_competences
from passeport.competences.reading.sources import ReferentialError, open_source

CHAIN = [
    ("RNCP1197", "RNCP4049"),
    ("RNCP19468", "RS6117"),
    ("RNCP22094", "RNCP28155"),
    ("RNCP28155", "RNCP30271"),
    ("RNCP4049", "RNCP22094"),
    ("RNCP509", "RNCP38228"),
]


def _csv(path):
    with open_source(path) as source:
        return rncp.read_csv(source)


def _xml(path):
    with open_source(path) as source:
        return rncp.read_xml(source)


@pytest.mark.parametrize(
    "name", ["export-fiches-csv-2024-02-22.zip", "export-fiches-csv-2024-02-22-nfd-names.zip"]
)
def test_real_csv_exports(referentiels_oracle_dir, name):
    data = _csv(referentiels_oracle_dir / "rncp" / name)
    assert (data.label, data.format, data.warnings) == ("2024-02-22", "CSV", [])
    by_code = {c.code: c for c in data.certifications}
    assert sorted(by_code) == sorted(
        [
            "RNCP509",
            "RNCP1197",
            "RNCP4049",
            "RNCP22094",
            "RNCP28155",
            "RNCP30271",
            "RS5000",
            "RNCP19468",
            "RS6117",
        ]
    )
    assert by_code["RS6117"].actif and by_code["RS5000"].actif  # ACTIVE
    assert not by_code["RNCP509"].actif  # INACTIVE
    assert by_code["RNCP509"].niveau == "NIV3" and by_code["RNCP509"].abrege == "CAP"
    assert str(by_code["RNCP509"].date_fin_enregistrement) == "2023-08-31"
    # SIRET values begin with a TAB inside their quotes in the file.
    assert [c["siret"] for c in by_code["RS6117"].certificateurs] == [
        "78466840200018",
        "31504294500032",
    ]
    assert by_code["RNCP509"].nsf == [
        {"code": "251", "libelle": "Mécanique générale et de précision, usinage"}
    ]
    # Doubled apostrophes are literal in the file: read as one.
    assert ("RNCP4049", "H1102", "Management et ingénierie d'affaires") in data.romes
    assert [b.code for b in data.blocs] == [f"RNCP509BC0{i}" for i in range(1, 7)]
    # Successions from both columns: the NFD variant lacks the RNCP22094 line, and its pair
    # RNCP22094 → RNCP28155 still comes from RNCP28155's « Ancienne_Certification ».
    assert data.successions == [rncp.SuccessionRow(*pair) for pair in CHAIN]


def test_real_xml_export(referentiels_oracle_dir):
    data = _xml(referentiels_oracle_dir / "rncp" / "export-fiches-rncp-extract.xml")
    assert data.format == "XML 4.1" and data.label == ""  # no date in this file's name
    old, new = data.certifications
    assert (old.code, old.actif, new.code, new.actif) == ("RNCP35340", False, "RNCP40792", True)
    assert new.niveau == "NIV5" and new.abrege == "BTS"
    assert [r.rome_code for r in data.romes if r.certification_code == "RNCP40792"] == [
        "M1810",
        "M1801",
        "M1805",
    ]
    assert data.successions == [
        rncp.SuccessionRow("RNCP17108", "RNCP35340"),
        rncp.SuccessionRow("RNCP35340", "RNCP40792"),
    ]
    blocs = {b.code: b for b in data.blocs}
    # Items separated by runs of spaces (RNCP35340)…
    assert [c["libelle"] for c in blocs["RNCP35340BC02"].competences] == [
        "Concevoir une solution d’infrastructure réseau",
        "Installer, tester et déployer une solution d’infrastructure réseau",
        "Exploiter, dépanner et superviser une solution d’infrastructure réseau",
    ]
    # … or marked « * » (compétence) and « o » (savoir-faire under it) (RNCP40792).
    first = blocs["RNCP40792BC01"].competences
    assert [c["niveau"] for c in first].count(1) == 6 and len(first) == 28
    assert first[0] == {
        "position": 1,
        "niveau": 1,
        "parent": None,
        "libelle": "Gérer le patrimoine informatique",
    }
    assert first[1] == {
        "position": 2,
        "niveau": 2,
        "parent": 1,
        "libelle": "Recenser et identifier les ressources numériques",
    }
    assert first[-1]["libelle"] == "Développer son projet professionnel"


def test_liste_competences_shapes():
    assert split_competences("Gérer les données    Administrer une base    ") == [
        ListItem(1, 1, None, "Gérer les données"),
        ListItem(2, 1, None, "Administrer une base"),
    ]
    assert split_competences(
        "  * Vendre      o Accueillir le client      o Conclure ;   * Gérer"
    ) == [
        ListItem(1, 1, None, "Vendre"),
        ListItem(2, 2, 1, "Accueillir le client"),
        ListItem(3, 2, 1, "Conclure"),
        ListItem(4, 1, None, "Gérer"),
    ]
    assert split_competences("- Préparer la pâte\n- Façonner les pièces.") == [
        ListItem(1, 1, None, "Préparer la pâte"),
        ListItem(2, 1, None, "Façonner les pièces"),
    ]
    # In a list whose compétences are not marked « * », « o » is text, not a marker.
    assert split_competences("o Utiliser un outil    Souder")[0].libelle == "o Utiliser un outil"
    assert split_competences("   ") == [] and split_competences(None) == []


def _rezip(source_zip, target, *, drop=None, change=None):
    """A copy of an export, its member names written with the zip's UTF-8 flag (the real exports
    leave it unset), without the member named like `drop`, `change(name, data)` applied."""
    with zipfile.ZipFile(source_zip) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            # Without the UTF-8 flag (0x800), zipfile decoded the name's UTF-8 bytes as CP437.
            name = info.filename
            if not info.flag_bits & 0x800:
                name = name.encode("cp437").decode("utf-8")
            if drop and drop in name:
                continue
            data = archive.read(info)
            out.writestr(name, change(name, data) if change else data)
    return target


def _export(path, standard: str):
    """A CSV export of France Compétences' layout: one member a kind, `standard` the rows of
    Standard (`;`-separated, every value quoted, CRLF, as in the real exports)."""
    members = {
        "Standard": '"Numero_Fiche";"Intitule";"Nomenclature_Europe_Niveau";"Actif";"Date_Fin_Enregistrement"\r\n'
        + standard,
        "Blocs_De_Compétences": '"Numero_Fiche";"Bloc_Competences_Code";"Bloc_Competences_Libelle"\r\n',
        "Rome": '"Numero_Fiche";"Codes_Rome_Code";"Codes_Rome_Libelle"\r\n',
        "Nsf": '"Numero_Fiche";"Nsf_Code";"Nsf_Intitule"\r\n',
        "Formacode": '"Numero_Fiche";"Formacode_Code";"Formacode_Libelle"\r\n',
        "Certificateurs": '"Numero_Fiche";"Siret_Certificateur";"Nom_Certificateur"\r\n',
        "Ancienne_Nouvelle_Certification": '"Numero_Fiche";"Ancienne_Certification";"Nouvelle_Certification"\r\n',
    }
    label = path.stem.removeprefix("export-fiches-csv-").replace("-", "_")
    with zipfile.ZipFile(path, "w") as archive:
        for kind, text in members.items():
            archive.writestr(f"export_fiches_CSV_{kind}_{label}.csv", text.encode())
    return path


@pytest.fixture
def csv_export(tmp_path):
    """A small CSV export written by the test (three fiches), to damage."""
    rows = (
        '"RNCP35185";"Manager d\'unité marchande";"NIV5";"ACTIVE";"31/12/2027"\r\n'
        '"RS5262";"Habilitation électrique";;"ACTIVE";"30/06/2028"\r\n'
        '"RNCP34117";"Chef de projet digital";"NIV7";"ACTIVE";"15/09/2026"\r\n'
    )
    return _export(tmp_path / "export-fiches-csv-2030-01-31.zip", rows)


def test_the_small_export_is_read(csv_export):
    data = _csv(csv_export)
    assert (data.label, data.format, data.warnings) == ("2030-01-31", "CSV", [])
    assert [c.code for c in data.certifications] == ["RNCP35185", "RS5262", "RNCP34117"]


def test_a_missing_member_is_named(csv_export, tmp_path):
    path = _rezip(
        csv_export,
        tmp_path / "e.zip",
        drop="Standard",
    )
    with pytest.raises(ReferentialError) as error:
        _csv(path)
    assert str(error.value) == (
        "e.zip : fichier(s) manquant(s) dans l'export : Standard. L'export est incomplet ; "
        "téléchargez-le de nouveau."
    )


def test_a_truncated_member_or_archive_is_refused(csv_export, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(csv_export.read_bytes()[:-300])
    with pytest.raises(ReferentialError, match=r"cut.zip : archive zip tronquée ou abîmée"):
        _csv(cut)
    # A Standard member cut mid-line inside a well-formed archive.
    path = _rezip(
        csv_export,
        tmp_path / "standard-cut.zip",
        change=lambda name, data: (
            data[: data.index(b"Chef de projet")] if "Standard" in name else data
        ),
    )
    with pytest.raises(ReferentialError) as error:
        _csv(path)
    assert error.value.file == "export_fiches_CSV_Standard_2030_01_31.csv" and error.value.line == 4


def test_csv_values_are_checked(tmp_path):
    def export(standard: str):
        return _export(tmp_path / "export-fiches-csv-2030-01-31.zip", standard)

    data = _csv(export('"RS1";"Titre";;"ACTIVE";"31/12/2031"\r\n'))
    assert data.label == "2030-01-31" and data.certifications[0].actif
    with pytest.raises(ReferentialError, match=r"ligne 2 : Actif « PEUT-ÊTRE » inconnu"):
        _csv(export('"RS1";"Titre";;"PEUT-ÊTRE";\r\n'))
    with pytest.raises(ReferentialError, match=r"ligne 2 : « 31/02/2031 » n'est pas une date"):
        _csv(export('"RS1";"Titre";;"ACTIVE";"31/02/2031"\r\n'))
    with pytest.raises(
        ReferentialError, match=r"« 12345 » n'est pas un numéro de fiche RNCP ou RS"
    ):
        _csv(export('"12345";"Titre";;"ACTIVE";\r\n'))


def test_a_truncated_xml_names_its_line(demo_dir, tmp_path):
    (demo,) = (demo_dir / "rncp").glob("*.xml")
    text = demo.read_bytes()
    cut = tmp_path / "export-fiches-rncp-2026-09-29.xml"
    cut.write_bytes(text[: text.index(b"RNCP40792BC03")])
    with pytest.raises(ReferentialError) as error:
        _xml(cut)
    assert error.value.file == cut.name and error.value.line > 100
    assert "XML illisible" in str(error.value) and "tronqué" in str(error.value)
    assert rncp.xml_label(open_source(cut).members[0])[0] == "2026-09-29"


def test_xml_actif_must_be_oui_or_non(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(
        "<FICHES><FICHE><NUMERO_FICHE>RS7</NUMERO_FICHE><ACTIF>Peut-être</ACTIF></FICHE></FICHES>",
        encoding="utf-8",
    )
    with pytest.raises(
        ReferentialError, match=r"ligne 1 : ACTIF « Peut-être » inconnu pour la fiche RS7"
    ):
        _xml(path)


def test_xml_with_entities_is_not_expanded(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE FICHES [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<FICHES><FICHE><NUMERO_FICHE>RS7</NUMERO_FICHE><INTITULE>&x;</INTITULE>"
        "<ACTIF>Oui</ACTIF></FICHE></FICHES>",
        encoding="utf-8",
    )
    data = _xml(path)
    assert "root" not in data.certifications[0].intitule
