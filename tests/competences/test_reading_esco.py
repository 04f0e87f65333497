"""ESCO's CSV distribution in two languages and releases (oracle), damaged sets, and the ROME–ESCO
mapping."""

import pytest

from passeport.competences.reading.esco import LinkRow, read_esco
from passeport.competences.reading.sources import ReferentialError, open_source


def _read(path):
    with open_source(path) as source:
        return read_esco(source)


def test_esco_1_0_in_french(referentiels_oracle_dir):
    esco = _read(referentiels_oracle_dir / "esco-1.0-fr")
    assert (esco.label, esco.language) == ("1.0", "fr")  # from the folder's name
    assert (len(esco.occupations), len(esco.skills), len(esco.isco_groups)) == (2942, 13485, 619)
    first = esco.occupations[0]
    assert (
        first.libelle == "directeur technique/directrice technique" and first.isco_group == "2166"
    )
    assert "régisseuse" in first.alt_labels.splitlines()  # altLabels: one per line in the file
    assert esco.warnings == []


def test_esco_1_2_0_in_english_without_its_skills_file(referentiels_oracle_dir):
    esco = _read(referentiels_oracle_dir / "esco-1.2.0-en")
    assert (esco.label, esco.language) == ("1.2.0", "en")
    assert len(esco.occupations) == 3039 and esco.skills == []
    assert esco.occupations[0].code == "2654.1.7"
    assert esco.warnings == [
        "esco-1.2.0-en : aucun fichier skills_<langue>.csv ; les professions sont chargées "
        "sans les aptitudes et connaissances."
    ]


def test_occupations_are_required_and_languages_not_mixed(tmp_path):
    folder = tmp_path / "esco-1.0-fr"
    folder.mkdir()
    (folder / "skills_fr.csv").write_text(
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\n"
        "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/1,skill/competence,"
        "sector-specific,souder à l'arc,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferentialError, match=r"occupations_<langue>.csv introuvable"):
        _read(folder)
    (folder / "occupations_en.csv").write_text(
        "conceptUri,iscoGroup,preferredLabel\nhttp://data.europa.eu/esco/occupation/1,7212,welder\n",
        encoding="utf-8",
    )
    (folder / "occupations_fr.csv").write_text("conceptUri,preferredLabel\n", encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"plusieurs langues mélangés \(en, fr\)"):
        _read(folder)


def test_the_rome_esco_mapping_is_read_after_its_metadata_lines(tmp_path):
    folder = tmp_path / "esco-v1.1.1-fr"
    folder.mkdir()
    (folder / "occupations_fr.csv").write_text(
        "conceptUri,iscoGroup,preferredLabel\n"
        "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1,2512,"
        "développeur de logiciels/développeuse de logiciels\n",
        encoding="utf-8",
    )
    # The layout France Travail documents: metadata lines, then the header and the pairs.
    (folder / "EURESmapping_occs_FR_v1.1.csv").write_text(
        "Mapping FR ROME - ESCO\nversion,1.1\n\n"
        "classification 1 ID,classification 1 prefered label,classification 2 ID,"
        "classification 2 prefered label,mapping relation\n"
        "M1805,Développeur / Développeuse informatique,"
        "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1,"
        "développeur de logiciels,skos:closeMatch\n"
        "inconnu,?,http://example.org/x,?,skos:exactMatch\n",
        encoding="utf-8",
    )
    esco = _read(folder)
    assert esco.label == "1.1.1" and esco.language == "fr"
    assert esco.links == [
        LinkRow(
            "M1805",
            "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
            "closeMatch",
        )
    ]
    assert esco.warnings[-1] == (
        "EURESmapping_occs_FR_v1.1.csv, ligne 6 : couple « inconnu » / « http://example.org/x » ignoré."
    )
