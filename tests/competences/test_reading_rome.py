"""The ROME 4.0 CSV set: the real release (oracle), the project's demo extract, damaged copies."""

import shutil
import zipfile

import pytest

from passeport.competences.reading.rome import read_rome
from passeport.competences.reading.sources import ReferentialError, open_source


def _read(path):
    with open_source(path) as source:
        return read_rome(source)


@pytest.fixture(scope="module")
def real(referentiels_oracle_dir):
    return _read(referentiels_oracle_dir / "rome-4.0-v460")


def test_the_real_release_is_read_whole(real):
    rome = real
    assert rome.label == "v460"  # from the file names, never from code
    assert rome.title == "ROME 4.0 version 60 - 25M09"
    assert str(rome.published_on) == "2025-09-18"
    assert len(rome.fiches) == 1584  # « Le ROME compte toujours 1584 fiches métier »
    assert len(rome.appellations) == 13120
    assert sum(a.principale for a in rome.appellations) == 1584
    assert len(rome.fiche_items) == 104219
    assert len(rome.mobilities) == 14912
    categories = {}
    for item in rome.items:
        categories[(item.categorie, item.nature)] = (
            categories.get((item.categorie, item.nature), 0) + 1
        )
    assert categories == {
        ("savoir-faire", "competence"): 17810,
        ("savoir-faire", "macro"): 491,
        ("savoir-etre", "macro"): 16,  # the 16 savoir-être professionnels
        ("savoir", "savoir"): 15354,
        ("contexte", "contexte"): 179,
    }
    cores = {}
    for row in rome.fiche_items:
        cores[row.coeur_metier] = cores.get(row.coeur_metier, 0) + 1
    assert cores == {"principale": 18900, "emergente": 1731, "": 83588}
    assert rome.warnings == []  # the Windows-1252 file of the set is not one the loader reads


def test_real_fiche_m1805_as_france_travail_publishes_it(real):
    rome = real
    fiche = next(f for f in rome.fiches if f.code == "M1805")
    assert fiche.libelle == "Développeur / Développeuse informatique"
    assert (fiche.grand_domaine_code, fiche.domaine_code) == ("M", "M18")
    # Sentences in their position order; the doubled apostrophes of the file read as one.
    assert fiche.definition.splitlines()[2] == (
        "Participe à l'analyse des besoins des clients et propose des solutions techniques adaptées"
    )
    assert "Bac+2 à Bac+5" in fiche.acces
    mobilities = sorted(
        (m.ordre, m.target_code) for m in rome.mobilities if m.fiche_code == "M1805"
    )
    assert mobilities == [
        (1, "M1802"),
        (2, "M1803"),
        (3, "M1810"),
        (4, "M1812"),
        (5, "M1818"),
        (6, "M1824"),
        (7, "M1831"),
        (8, "M1832"),
        (9, "M1842"),
        (10, "E1206"),
    ]
    items = [r for r in rome.fiche_items if r.fiche_code == "M1805"]
    assert sum(r.coeur_metier == "principale" for r in items) == 10  # grep -c of the file
    assert sum(r.coeur_metier == "emergente" for r in items) == 1
    item = next(i for i in rome.items if i.code_ogr == "100023")
    assert (item.libelle, item.macro_code_ogr, item.macro_code) == (
        "Abattre un arbre",
        "300230",
        "3B216",
    )
    appellation = next(a for a in rome.appellations if a.code_ogr == "10218")
    assert (appellation.fiche_code, appellation.parent_code) == ("K1224", "K1203")


def test_the_project_demo_extract_reads_like_the_real_set(demo_dir):
    rome = _read(demo_dir / "rome")
    assert rome.label == "v460"
    assert "démonstration" in rome.title
    codes = {f.code for f in rome.fiches}
    assert {"M1801", "M1805", "M1810", "M1812", "I1404"} <= codes
    assert all(m.fiche_code in codes and m.target_code in codes for m in rome.mobilities)
    assert sum(i.categorie == "savoir-etre" for i in rome.items) == 16


def test_a_zip_of_the_set_reads_the_same(demo_dir, tmp_path):
    path = tmp_path / "ROME_v460.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted((demo_dir / "rome").iterdir()):
            archive.write(file, f"RefRomeCsv/{file.name}")
    assert _read(path).tables() == _read(demo_dir / "rome").tables()


@pytest.fixture
def copy(demo_dir, tmp_path):
    target = tmp_path / "rome"
    shutil.copytree(demo_dir / "rome", target)
    return target


def test_a_missing_file_is_named(copy):
    (copy / "unix_coherence_item_v460_utf8.csv").unlink()
    with pytest.raises(ReferentialError) as error:
        _read(copy)
    assert str(error.value) == (
        "rome : fichier(s) manquant(s) : unix_coherence_item_v460_utf8.csv. Le jeu de fichiers "
        "est incomplet ; reprenez-le en entier."
    )


def test_a_file_cut_mid_line_is_named_with_its_line(copy):
    path = copy / "unix_coherence_item_v460_utf8.csv"
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"\n", len(data) // 2) + 8])  # cut inside a value
    lines = path.read_bytes().count(b"\n") + 1
    with pytest.raises(ReferentialError) as error:
        _read(copy)
    assert error.value.file == "unix_coherence_item_v460_utf8.csv"
    assert error.value.line == lines
    assert "tronqué" in str(error.value)


def test_a_file_cut_at_a_line_end_is_caught_by_the_files_citing_it(copy):
    path = copy / "unix_referentiel_code_rome_v460_utf8.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-5]), encoding="utf-8")  # the last five fiches lost
    with pytest.raises(ReferentialError) as error:
        _read(copy)
    message = str(error.value)
    assert message.startswith("unix_coherence_item_v460_utf8.csv, ligne ")
    assert "est absente de unix_referentiel_code_rome_v460_utf8.csv" in message


def test_wrong_encoding_and_mixed_versions_are_refused(copy):
    path = copy / "unix_item_v460_utf8.csv"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-16")
    with pytest.raises(
        ReferentialError, match=r"unix_item_v460_utf8.csv : le fichier est encodé en UTF-16"
    ):
        _read(copy)
    (copy / "unix_item_v459_utf8.csv").write_text('"code_ogr"\n', encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"plusieurs versions mélangés \(v459, v460\)"):
        _read(copy)


def test_windows_1252_files_of_the_set_are_read_and_reported(copy):
    path = copy / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    rome = _read(copy)
    assert any(
        "unix_referentiel_appellation_v460_utf8.csv : annoncé UTF-8" in w for w in rome.warnings
    )
    assert any(
        a.libelle == "Administrateur / Administratrice systèmes et réseaux"
        for a in rome.appellations
    )


def test_not_a_rome_set(tmp_path):
    (tmp_path / "notes.txt").write_text("bonjour", encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"aucun fichier du ROME"):
        _read(tmp_path)
