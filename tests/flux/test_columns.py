"""Header recognition: names, labels, numbers, variants, synonyms, mapping file."""

import pytest

from passeport.flux import dictionary
from passeport.flux.columns import Mapping, header_key, recognise_headers, spreadsheet_columns


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
