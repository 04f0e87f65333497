"""Everything `flux build` writes passes `flux validate` (XSD + business rules) with no error,
and the official XSD; rows the validator would reject are rejected by build instead."""

import datetime
import random

import openpyxl
import pytest
from lxml import etree

from passeport.flux.building import build_flux
from passeport.flux.validation import validate_file

IDS = {"emetteur": "AB123CDE", "certificateur": "E564ACB0", "contrat": "2560080000127J"}
TODAY = datetime.date(2026, 9, 15)
HEADERS = ["Code RNCP", "Nom de naissance", "Nom d'usage", "Prénom", "Deuxième prénom", "Sexe",
           "Date de naissance", "Code INSEE", "Code du pays de naissance", "Date du jury",
           "Date de fin de validité", "Mode d'obtention", "Score", "Donnée certifiée",
           "Mention", "Modalité d'accès", "Voie d'accès VAE", "Niveau de langue européen (CECRL)",
           "Score général numérique", "Résultats par compétence numérique",
           "Code postal du centre d'examen", "Date de début de l'examen", "Date de fin de l'examen",
           "Numéro de dossier CPF", "URL de la preuve", "Verbatim", "Nature du déposant"]  # fmt: skip


def messy_rows(count: int, seed: int = 3):
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        award = TODAY - datetime.timedelta(days=rng.randrange(1, 80))
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(14000))
        scoring = i % 4 == 0
        rows.append([
            rng.choice(["RNCP19117", "rncp 35185", "RS-5262", "RS6046"]),
            rng.choice(["Dupont", " Le  Goff ", "N'Diaye", "Müller & Fils", "O<Brien>"]) + str(i),
            rng.choice([None, "Martin", ""]),
            rng.choice(["Élodie", "JEAN", "zoé"]),
            rng.choice([None, "Marie"]),
            rng.choice(["M", "F", "H", "Homme", "femme", 1.0, 2.0]),
            rng.choice([birth, birth.strftime("%d/%m/%Y"), birth.isoformat(), float((birth - datetime.date(1899, 12, 30)).days)]),
            rng.choice(["31555", 1053.0, "2A004", "99134", None, "97411"]),
            "134",
            rng.choice([award, award.strftime("%d/%m/%Y")]),
            rng.choice([None, award + datetime.timedelta(days=1000)]),
            "Par scoring" if scoring else rng.choice(["PAR_ADMISSION", "par admission"]),
            "15.5" if scoring else None,
            rng.choice(["Oui", "O", "X", 1.0, True, "Vrai"]),
            rng.choice([None, "Mention bien", "SANS_MENTION", "mention très bien avec félicitations du jury"]),
            rng.choice([None, "VAE", "Formation initiale hors apprentissage", "candidat libre"]),
            rng.choice([None, "VAE classique"]),
            rng.choice([None, "B2", "c1"]),
            rng.choice([None, 512.0]),
            rng.choice([None, "5/3/4 ; 7/1/1"]),
            rng.choice([None, 1000.0, "75009"]),
            award - datetime.timedelta(days=10),
            award - datetime.timedelta(days=9),
            str(1234567890000 + i) if i % 9 == 0 else None,
            rng.choice([None, "https://exemple.fr/preuve?a=1&b=2"]),
            rng.choice([None, "  texte   libre  "]),
            rng.choice([None, "Certificateur"]),
        ])  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parite")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    rows = messy_rows(400)
    # rows the validator rejects: build must reject them too
    rows[1][12] = None  # PAR_SCORING without score? only if row 1 is scoring
    rows[2][10] = datetime.date(2000, 1, 1)  # end of validity before the award
    rows[3][6] = "01/01/2020"  # 6 years old at the award
    rows[4][7] = "20004"  # Corsica written 20
    for row in rows:
        sheet.append(row)
    workbook.save(folder / "in.xlsx")
    result = build_flux(folder / "in.xlsx", folder / "flux.xml", today=TODAY, **IDS)
    return result, folder / "flux.xml"


def test_build_output_has_no_validation_error(built):
    result, path = built
    assert result.written > 350
    report = validate_file(path, "1.1.2", today=TODAY)
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == []
    assert report.passages == result.written


def test_build_output_valid_against_official_xsd(built, cdc_oracle_xsd):
    """Oracle: the official file itself (validate_file above checks our schema file)."""
    _, path = built
    xsd = etree.XMLSchema(etree.parse(str(cdc_oracle_xsd)))
    assert xsd.validate(etree.parse(str(path))), xsd.error_log


def test_known_bad_rows_rejected(built):
    result, _ = built
    rejected = {r.line: {a.rule for a in r.anomalies} for r in result.rejected}
    assert "REG-DATES-VALIDITE" in rejected[4]
    assert "REG-NAISSANCE-AGE" in rejected[5]
    assert 6 in rejected  # Corsica
    assert result.written + len(result.rejected) == 400
