"""The data dictionary agrees with the 1.1.2 schema Passeport ships: every element, every facet.

That schema has exactly the official XSD's facts (the oracle test of test_schema_files.py), so
the dictionary agrees with the official schema too.
"""

import re

import pytest

from passeport.flux import dictionary
from passeport.flux.dictionary import (
    ENUMERATIONS,
    FIELDS,
    field_by_name,
    field_by_path,
    fields_by_name,
    passage_fields,
)

KIND_OF_BASE = {
    "string": "string",
    "date": "date",
    "dateTime": "datetime",
    "int": "int",
    "boolean": "boolean",
}


@pytest.fixture(scope="module")
def schema_112(flux_xsd_112, xsd_describe):
    return xsd_describe(flux_xsd_112)


def test_every_schema_element_is_in_the_dictionary(schema_112):
    ours = {f.xpath for f in FIELDS if "1.1.2" in f.versions}
    missing = set(schema_112) - ours
    extra = ours - set(schema_112)
    assert not missing, f"absent du dictionnaire : {sorted(missing)}"
    assert not extra, f"absent du schéma 1.1.2 : {sorted(extra)}"


def test_dictionary_order_is_the_schema_order(schema_112):
    ours = [f.xpath for f in FIELDS if "1.1.2" in f.versions]
    assert ours == list(schema_112)


@pytest.mark.parametrize("f", [f for f in FIELDS if "1.1.2" in f.versions], ids=lambda f: f.number)
def test_facets_agree_with_the_schema(schema_112, f):
    facts = schema_112[f.xpath]
    assert f.is_group == facts["group"]
    assert f.nillable == facts["nillable"]
    assert f.repeated == facts["repeated"]
    assert f.choice == facts["choice"]
    if f.xpath != ("flux",):
        assert f.required == facts["required"]
    if f.is_group:
        return
    if facts["enum"]:
        assert f.kind == "enum"
        assert [code for code, _label in f.choices] == facts["enum"]
        return
    assert f.kind == KIND_OF_BASE[facts["base"]]
    assert f.min_length == facts.get("min_length")
    assert f.max_length == facts.get("max_length")
    assert f.min == facts.get("min")
    assert f.max == facts.get("max")
    assert f.pattern == facts.get("pattern")


def test_numbers_are_unique_and_follow_the_documented_scheme():
    numbers = [f.number for f in FIELDS]
    assert len(numbers) == len(set(numbers))
    for f in FIELDS:
        assert re.fullmatch(r"[1-9](\.[1-9][0-9]?)?", f.number), f.number
    # A bare block number is the container that opens the block.
    assert {f.number: f.name for f in FIELDS if "." not in f.number} == {
        "1": "flux",
        "2": "emetteur",
        "3": "certification",
        "4": "passageCertification",
        "5": "niveauNumeriqueEuropeen",
        "6": "modalitesInscription",
        "7": "dossierFormation",
        "8": "titulaire",
        "9": "identifiantNational",
    }


def test_keys_are_unique_and_shared_names_resolve_to_the_first():
    keys = [f.key for f in FIELDS]
    assert len(keys) == len(set(keys))
    assert field_by_name("idClient").xpath == ("flux", "emetteur", "idClient")
    assert field_by_name("certificateur/idClient").parent == "certificateur"
    assert field_by_name("nomNaissance").number == "8.1"
    assert field_by_name("identifiantNational/nomNaissance").number == "9.2"
    assert len(fields_by_name("nomNaissance")) == 2
    assert field_by_name("8.1").label == "Nom de naissance"
    with pytest.raises(KeyError):
        field_by_name("nomDeNaissance")


def test_every_field_speaks_french_and_has_an_example():
    for f in FIELDS:
        assert f.label and f.help.endswith((".", ")")), f.name
        if not f.is_group:
            assert f.example, f.name
            assert f.kind in dictionary.KINDS


def test_examples_respect_their_own_facets():
    for f in FIELDS:
        if f.is_group:
            continue
        value = f.example
        if f.min_length is not None:
            assert f.min_length <= len(value) <= f.max_length, f.name
        if f.min is not None:
            assert f.min <= int(value) <= f.max, f.name
        if f.pattern:
            assert re.fullmatch(f.pattern, value), f.name
        if f.kind == "enum":
            assert value in dict(f.choices), f.name


def test_enumerations_have_french_labels():
    assert ("FORMATION_INITIALE_HORS_APPRENTISSAGE", "Formation initiale hors apprentissage") in (
        ENUMERATIONS["modaliteAcces"]
    )
    for codes in ENUMERATIONS.values():
        labels = [label for _code, label in codes]
        assert len(set(labels)) == len(labels)


def test_version_115_adds_action_and_identifiant_national():
    only_115 = {f.key for f in FIELDS if f.versions == ("1.1.5",)}
    assert only_115 == {"action", "identifiantNational", "nir", "identifiantNational/nomNaissance"}
    assert field_by_name("nir").min_length == field_by_name("nir").max_length == 13
    assert "nir" not in {f.name for f in passage_fields("1.1.2")}
    assert "nir" in {f.name for f in passage_fields("1.1.5")}


def test_paths():
    f = field_by_name("codeInsee")
    assert f.path[0] == "identificationTitulaire" and f.scope == "passage"
    assert field_by_path(f.xpath) is f
    assert field_by_path(f.path) is f
    assert field_by_name("code").xpath[-2:] == ("certification", "code")
    assert field_by_name("horodatage").xpath == ("flux", "horodatage")


def test_the_documentation_lists_every_field():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "dictionnaire-flux.md").read_text()
    for f in FIELDS:
        assert f"| {f.number} | `{f.name}` | {f.label} |" in doc, f.number
