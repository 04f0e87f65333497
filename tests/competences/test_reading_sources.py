"""Files as the producers publish them: containers, member names, encodings, CSV quirks."""

import io
import zipfile

import pytest

from passeport.competences.reading.sources import ReferentialError, decode, open_source, table


def _zip_with_raw_names(path, members: dict[str, bytes], *, placeholders: dict[str, bytes]):
    """A zip whose member names are the raw bytes given, WITHOUT the UTF-8 flag, as the France
    Compétences exports store them: written under ASCII placeholders of the same length, then
    the placeholders replaced in the archive's bytes (names are outside the CRC)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = buffer.getvalue()
    for placeholder, real in placeholders.items():
        assert len(placeholder.encode()) == len(real)
        raw = raw.replace(placeholder.encode(), real)
    path.write_bytes(raw)
    return path


def test_zip_names_stored_as_utf8_without_the_flag_are_recovered_in_nfc(tmp_path):
    nfc = "Compétences".encode()  # 12 bytes
    nfd = "Compe\u0301tences".encode()  # 13 bytes: e + combining acute
    path = _zip_with_raw_names(
        tmp_path / "export.zip",
        {"a_Compxxtences.csv": b"x\n", "b_Compxxxtences.csv": b"y\n"},
        placeholders={"Compxxtences": nfc, "Compxxxtences": nfd},
    )
    with zipfile.ZipFile(path) as archive:  # what Python alone shows: code page 437 mojibake
        assert [i.filename for i in archive.infolist()] == [
            "a_Comp├⌐tences.csv",
            "b_Compe╠ütences.csv",
        ]
        assert not any(i.flag_bits & 0x800 for i in archive.infolist())
    with open_source(path) as source:
        names = [member.name for member in source.members]
        assert names == ["a_Compétences.csv", "b_Compétences.csv"]  # both NFC now
        assert [member.read_bytes() for member in source.members] == [b"x\n", b"y\n"]
        assert source.members[0].key == source.members[1].key.replace("b_", "a_")


def test_real_rncp_zips_show_the_same_member_names(referentiels_oracle_dir):
    plain = referentiels_oracle_dir / "rncp" / "export-fiches-csv-2024-02-22.zip"
    nfd = referentiels_oracle_dir / "rncp" / "export-fiches-csv-2024-02-22-nfd-names.zip"
    with open_source(plain) as a, open_source(nfd) as b:
        assert sorted(m.name for m in a.members) == sorted(m.name for m in b.members)
        assert "export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv" in {
            m.name for m in a.members
        }
        assert "export_fiches_CSV_VoixdAccès_2024_02_22.csv" in {m.name for m in b.members}


def test_a_file_named_utf8_that_is_windows_1252_is_read_with_a_warning(referentiels_oracle_dir):
    path = referentiels_oracle_dir / "rome-4.0-v460" / "unix_arborescence_secteur_naf_v460_utf8.csv"
    with open_source(path) as source:
        text = decode(source.members[0])
    assert text.encoding == "cp1252"
    assert "Culture et production animale" in text.text
    assert "Jardinier / Jardinière paysagiste" in text.text
    assert text.warning.startswith("unix_arborescence_secteur_naf_v460_utf8.csv : annoncé UTF-8")
    assert "dès la ligne 4" in text.warning  # « Jardinière », its first accented line


def test_utf16_mixed_and_unreadable_encodings_are_refused_with_file_and_line(tmp_path):
    utf16 = tmp_path / "unix_item_v460_utf8.csv"
    utf16.write_text('"code_ogr","libelle"\n"1","Été"\n', encoding="utf-16")
    with open_source(utf16) as source, pytest.raises(ReferentialError) as error:
        decode(source.members[0])
    assert str(error.value).startswith("unix_item_v460_utf8.csv : le fichier est encodé en UTF-16")

    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes('"a"\n"Été"\n'.encode() + '"Hôpital"\n'.encode("cp1252"))
    with open_source(mixed) as source, pytest.raises(ReferentialError) as error:
        decode(source.members[0])
    assert error.value.line == 2 and "mélange d'encodages" in str(error.value)
    assert "la ligne 3 n'est pas en UTF-8" in str(error.value)

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b'"a"\n"b"\n"\x81\x8d"\n')  # undefined in Windows-1252, invalid UTF-8
    with open_source(garbage) as source, pytest.raises(ReferentialError) as error:
        decode(source.members[0])
    assert str(error.value).startswith("garbage.csv, ligne 3 : octet 0x81 illisible")


def test_csv_values_lose_tabs_and_doubled_apostrophes_and_are_read_by_header(tmp_path):
    path = tmp_path / "certificateurs.csv"
    path.write_bytes(
        b'"Numero_Fiche";"Nom_Certificateur";"Siret_Certificateur"\r\n'
        b'"RNCP4049";"Management et ing\xc3\xa9nierie d\'\'affaires";"\t11004301500012"\r\n'
        b'"RS5000";;"\t79279132900016"\r\n'
    )
    with open_source(path) as source:
        rows = list(table(source.members[0], ("Siret_Certificateur", "Numero_Fiche")).rows())
    assert rows == [
        (
            2,
            {
                "Numero_Fiche": "RNCP4049",
                "Nom_Certificateur": "Management et ingénierie d'affaires",
                "Siret_Certificateur": "11004301500012",
            },
        ),
        (
            3,
            {
                "Numero_Fiche": "RS5000",
                "Nom_Certificateur": "",
                "Siret_Certificateur": "79279132900016",
            },
        ),
    ]


def test_csv_errors_name_file_line_and_fix(tmp_path):
    path = tmp_path / "unix_texte_v460_utf8.csv"
    path.write_text('"code_rome","libelle"\n"A1101","un"\n"A1102","deux\n', encoding="utf-8")
    with open_source(path) as source, pytest.raises(ReferentialError) as error:
        list(table(source.members[0], ("code_rome",)).rows())
    assert str(error.value).startswith("unix_texte_v460_utf8.csv, ligne 3 : CSV illisible")
    assert "Reprenez le fichier tel que publié" in str(error.value)

    path.write_text('"code_rome","libelle"\n"A1101","un"\n"A1102"\n', encoding="utf-8")
    with open_source(path) as source, pytest.raises(ReferentialError) as error:
        list(table(source.members[0], ("code_rome",)).rows())
    assert error.value.line == 3 and "1 champ(s) au lieu de 2" in str(error.value)

    with open_source(path) as source, pytest.raises(ReferentialError) as error:
        table(source.members[0], ("code_rome", "code_ogr"))
    assert str(error.value).startswith(
        "unix_texte_v460_utf8.csv, ligne 1 : colonne(s) absente(s) de l'en-tête : code_ogr"
    )

    path.write_bytes(b"")
    with open_source(path) as source, pytest.raises(ReferentialError, match=r"fichier vide"):
        table(source.members[0], ("code_rome",))


def test_missing_paths_and_truncated_zips_are_clear(tmp_path):
    with pytest.raises(ReferentialError, match=r"introuvable\. Vérifiez le chemin"):
        open_source(tmp_path / "absent.zip")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr("a.csv", "x" * 5000)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ReferentialError) as error:
        open_source(cut)
    assert str(error.value).startswith("cut.zip : archive zip tronquée ou abîmée")
