"""Header recognition: names, labels, numbers, variants, synonyms, mapping file."""

import pytest

from passeport.flux import dictionary
from passeport.flux.cli import main
from passeport.flux.columns import (
    RULES,
    IdentifierWatch,
    Mapping,
    MappingError,
    dump_mapping,
    find_header_row,
    header_key,
    load_mapping,
    parse_mapping,
    recognise,
    recognise_headers,
    spreadsheet_columns,
)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Nom de naissance", "nomNaissance"),
        ("NOM NAISSANCE", "nomNaissance"),
        ("nom_naissance", "nomNaissance"),
        ("nomNaissance", "nomNaissance"),
        ("  Nom  de   Naissance ", "nomNaissance"),
        ("8.1", "nomNaissance"),
        ("8.1 - Nom de naissance", "nomNaissance"),
        ("Nom de naissance (8.1)", "nomNaissance"),
        ("Date de naissance (jj/mm/aaaa)", "dateNaissance"),
        ("Né(e) le", "dateNaissance"),
        ("Prénom", "prenom1"),
        ("PRENOM", "prenom1"),
        ("Code RNCP", "code"),
        ("Code INSEE de la commune de naissance", "codeInsee"),
        ("Modalité d'accès", "modaliteAcces"),
        ("4.10", "dateDebutValidite"),
        ("Date du jury", "dateDebutValidite"),
        ("idTechnique", "idTechnique"),
        ("certificateur/idClient", None),
    ],
)
def test_header_variants(header, key):
    mapping = recognise_headers([header])
    found = {c.key for c in mapping.columns.values()}
    assert found == ({key} if key else set())
    if key is None:
        assert mapping.unknown == [(0, header)]


def test_every_dictionary_label_and_number_is_recognised():
    for column in spreadsheet_columns("1.1.5"):
        if column.field is None:
            continue
        for header in (column.label, column.field.name, column.number, column.label.upper()):
            mapping = recognise_headers([header], version="1.1.5")
            assert [c.key for c in mapping.columns.values()] == [column.key], header


def test_template_columns_follow_dictionary_order():
    keys = [c.key for c in spreadsheet_columns("1.1.5") if c.field]
    order = [f.key for f in dictionary.FIELDS if f.key in keys]
    assert keys == order
    assert "nir" not in [c.key for c in spreadsheet_columns("1.1.2")]


def test_unknown_and_duplicate_columns_reported():
    mapping = recognise_headers(["Nom", "Nom de naissance", "Couleur préférée", "", None])
    assert [c.key for c in mapping.columns.values()] == ["nomNaissance"]
    assert mapping.duplicates == [(1, "Nom de naissance", "nomNaissance")]
    assert mapping.unknown == [(2, "Couleur préférée")]


def test_version_auto_and_nir_dropped_for_112():
    assert recognise_headers(["Nom", "NIR"]).version == "1.1.5"
    assert recognise_headers(["Nom", "Prénom"]).version == "1.1.2"
    forced = recognise_headers(["Nom", "NIR"], version="1.1.2")
    assert [c.key for c in forced.columns.values()] == ["nomNaissance"]
    assert forced.unsupported == [(1, "NIR")]


def test_explicit_mapping_wins():
    mapping = Mapping(columns={"Nom": "nomUsage", "Sexe": ""}, path="m.toml")
    result = recognise_headers(["NOM", "Sexe"], mapping)
    assert [c.key for c in result.columns.values()] == ["nomUsage"]
    assert result.ignored == [(1, "Sexe")]


def test_header_key():
    assert (
        header_key("Nom de Naissance") == header_key("NOM NAISSANCE") == header_key("nomNaissance")
    )


@pytest.mark.parametrize(
    ("header", "key", "rule"),
    [
        ("nomNaissance", "nomNaissance", "name"),
        ("NOM_NAISSANCE", "nomNaissance", "name"),
        ("8.1", "nomNaissance", "number"),
        ("8.1 - Nom de naissance", "nomNaissance", "number"),
        ("4.10 Date", "dateDebutValidite", "number"),  # the number picks among the dates
        ("Nom de naissance", "nomNaissance", "label"),
        ("Date du jury", "dateDebutValidite", "synonym"),
        ("Date début validité", "dateDebutValidite", "variant"),  # little words dropped
        ("Naissance date", "dateNaissance", "variant"),  # word order
        ("N° dossier CPF", "idDossier", "variant"),  # N°
        ("No dossier CPF", "idDossier", "variant"),  # No
        ("Num. fiche", "code", "variant"),  # Num.
        ("Dt jury", "dateDebutValidite", "variant"),  # Dt
        ("Cd RNCP", "code", "variant"),  # Cd
        ("Cd cert.", "code", "variant"),  # Cert.
        ("Prénom n°2", "prenom2", "variant"),
        ("Nom du candidat", "nomNaissance", "variant"),  # the person left out
        ("  SEXE ?! ", "sexe", "label"),  # stray punctuation and case
    ],
)
def test_each_recognition_says_which_rule_matched(header, key, rule):
    found = recognise(header)
    assert (found.column.key if found.column else None, found.rule) == (key, rule)
    assert found.explanation == RULES[rule]


@pytest.mark.parametrize(
    ("header", "candidates"),
    [
        ("Date", {"dateDebutValidite", "dateDebutExamen", "dateNaissance", "dateInscription"}),
        ("Date de début", {"dateDebutValidite", "dateDebutExamen"}),
        ("Code postal", {"codePostal", "codePostalCentreExamen"}),
        ("8.1 Prénom", {"nomNaissance", "prenom1"}),  # number and label disagree
        ("Niveau", {"niveauLangueEuropeen", "scoreGeneral"}),
    ],
)
def test_ambiguous_headers_are_never_guessed(header, candidates):
    found = recognise(header)
    assert found.column is None and found.ambiguous
    assert {c.key for c in found.candidates} == candidates
    mapping = recognise_headers(["Code RNCP", header])
    assert mapping.keys() == {"code"}
    assert mapping.ambiguous == [(1, header, tuple(c.key for c in found.candidates))]


def test_numbered_person_words_stay_unknown():
    # « Numéro étudiant » identifies the person, not the passage: not even a candidate
    assert recognise("Numéro étudiant").status == "unknown"
    assert recognise("Nom Prénom").status == "unknown"  # two fields in one column


def test_ambiguous_header_stops_the_cli_until_the_mapping_says(tmp_path, capsys):
    source = tmp_path / "jury.csv"
    source.write_text(
        "Code RNCP;Nom;Prénom;Sexe;Date de naissance;Date;Mode d'obtention;Donnée certifiée\n"
        "RNCP19117;Dupont;Antoine;M;15/11/1996;01/09/2026;PAR_ADMISSION;Oui\n",
        encoding="utf-8",
    )
    output = tmp_path / "flux.xml"
    ids = ["--emetteur", "AB123CDE", "--certificateur", "E564ACB0", "--contrat", "X1"]
    assert main(["build", str(source), "-o", str(output), *ids]) == 2
    err = capsys.readouterr().err
    assert "« Date » est ambigu" in err
    assert "Date d'obtention (début de validité) (4.10, dateDebutValidite)" in err
    assert "Date de début de l'examen (4.6, dateDebutExamen)" in err
    assert '[colonnes] "Date" = "dateDebutValidite"' in err
    assert not output.exists()
    mapping = tmp_path / "correspondance.toml"
    mapping.write_text('[colonnes]\n"Date" = "4.10"\n', encoding="utf-8")
    code = main(["build", str(source), "-o", str(output), *ids, "--mapping", str(mapping)])
    assert code == 0
    assert b"<cpf:dateDebutValidite>2026-09-01</cpf:dateDebutValidite>" in output.read_bytes()


def test_mapping_round_trips_through_toml(tmp_path):
    mapping = Mapping(
        columns={'Date "jury"': "dateDebutValidite", "Couleur": "", "Nom JF": "nomNaissance"},
        values={"obtentionCertification": "PAR_ADMISSION"},
    )
    text = dump_mapping(mapping, title="Correspondance de l'Université de Démo")
    assert text.startswith("# Correspondance de l'Université de Démo\n[colonnes]\n")
    assert "# Date d'obtention (début de validité) (4.10)" in text
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    again = load_mapping(path)
    assert again.columns == mapping.columns
    assert again.values == mapping.values
    assert parse_mapping(text.encode()).columns == mapping.columns


def test_mapping_text_errors_are_french_and_name_the_file():
    with pytest.raises(MappingError, match=r"api\.toml : fichier de correspondance TOML invalide"):
        parse_mapping("[colonnes]\nNom = ", "api.toml")
    with pytest.raises(MappingError, match="UTF-8"):
        parse_mapping('[colonnes]\n"Né" = "nomNaissance"'.encode("cp1252"), "api.toml")
    with pytest.raises(MappingError, match="n'est pas un champ du flux"):
        recognise_headers(["Nom"], parse_mapping('[colonnes]\n"Nom" = "couleur"', "m.toml"))


def test_header_row_found_with_the_mapping_headers_alone():
    rows = iter([(1, ["Extraction du 01/09/2026"]), (2, ["Patronyme JF", "Ville natale X"])])
    mapping = Mapping(columns={"Patronyme JF": "nomNaissance", "Ville natale X": "8.15"})
    assert find_header_row(rows, mapping) == (2, ["Patronyme JF", "Ville natale X"])
    assert find_header_row(iter([(1, ["Patronyme JF", "Ville natale X"])])) is None


@pytest.mark.parametrize(
    ("values", "proposed"),
    [
        (["INS-2026-0001", "INS-2026-0002", "INS-2026-0003"], True),
        ([1979262.0, 1996215.0, 2004117.0], True),  # numbers read from a spreadsheet
        (["A-1", "A-2", "A-1"], False),  # a duplicate
        (["A-1", "", "A-3"], False),  # a row without
        (["Dupont", "Martin", "Durand"], False),  # names, not identifiers
        (["01/02/2020", "02/02/2020", "03/02/2020"], False),  # dates
        (["1", "2", "3"], False),  # the rows' numbers
        (["1961131555123", "2850775123456", "1700599001002"], False),  # NIRs
    ],
)
def test_identifier_watch_proposes_unique_identifier_columns(values, proposed):
    watch = IdentifierWatch([1])
    for value in values:
        watch.add(["RNCP19117", value])
    assert watch.proposal() == (1 if proposed else None)
