"""Value normalisers: every automatic change is reported, every invalid value explained."""

import datetime

import pytest

from passeport.flux.normalisation import (
    InvalidValue,
    ValueSpec,
    certification_type,
    make_normaliser,
    parse_date,
)


def norm(kind, value, **facets):
    return make_normaliser(ValueSpec(name="x", kind=kind, **facets))(value)


@pytest.mark.parametrize(
    ("value", "expected", "changed"),
    [
        ("15/11/1996", "1996-11-15", True),
        ("5/1/2020", "2020-01-05", True),
        ("15-11-1996", "1996-11-15", True),
        ("15.11.1996", "1996-11-15", True),
        ("1996-11-15", "1996-11-15", False),
        ("1996/11/15", "1996-11-15", True),
        ("1996-11-15T00:00:00", "1996-11-15", True),
        ("15/11/1996 00:00:00", "1996-11-15", True),
        (datetime.date(1996, 11, 15), "1996-11-15", False),
        (datetime.datetime(1996, 11, 15), "1996-11-15", False),
        (datetime.datetime(1996, 11, 15, 10, 30), "1996-11-15", True),
        (35384.0, "1996-11-15", True),
        ("35384", "1996-11-15", True),
        ("", None, False),
        ("   ", None, False),
        (None, None, False),
    ],
)
def test_dates(value, expected, changed):
    result, change = parse_date(value)
    assert result == expected
    assert (change is not None) == changed


@pytest.mark.parametrize(
    "value", ["31/02/2020", "15/11/96", "demain", "15/11/1850", 35384.5, "2100-01-01"]
)
def test_invalid_dates(value):
    with pytest.raises(InvalidValue) as error:
        parse_date(value)
    assert error.value.hint


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Oui", "true"), ("non", "false"), ("O", "true"), ("N", "false"), ("X", "true"),
     ("1", "true"), ("0", "false"), ("Vrai", "true"), ("FAUX", "false"), (True, "true"),
     (False, "false"), (1.0, "true"), (0.0, "false"), ("true", "true"), ("", None)],
)  # fmt: skip
def test_booleans(value, expected):
    assert norm("boolean", value)[0] == expected


def test_boolean_change_reported_and_invalid():
    assert norm("boolean", "Oui")[1] == "« Oui » lu comme oui (true)"
    assert norm("boolean", "true")[1] is None
    with pytest.raises(InvalidValue):
        norm("boolean", "peut-être")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("M", "M"), ("F", "F"), ("H", "M"), ("Homme", "M"), ("femme", "F"), ("1", "M"),
     ("2", "F"), (1.0, "M"), (2.0, "F"), ("Féminin", "F"), ("masculin", "M")],
)  # fmt: skip
def test_sexe(value, expected):
    assert norm("sexe", value)[0] == expected


def test_sexe_invalid():
    with pytest.raises(InvalidValue) as error:
        norm("sexe", "X")
    assert "M (masculin) ou F (féminin)" in error.value.hint


CHOICES = {
    "FORMATION_INITIALE_HORS_APPRENTISSAGE": "Formation initiale hors apprentissage",
    "VAE": "Validation des acquis de l'expérience",
}


@pytest.mark.parametrize(
    ("value", "expected", "changed"),
    [
        ("VAE", "VAE", False),
        ("vae", "VAE", True),
        ("Formation initiale hors apprentissage", "FORMATION_INITIALE_HORS_APPRENTISSAGE", True),
        ("FORMATION INITIALE HORS APPRENTISSAGE", "FORMATION_INITIALE_HORS_APPRENTISSAGE", True),
        ("formation_initiale_hors_apprentissage", "FORMATION_INITIALE_HORS_APPRENTISSAGE", True),
        ("Validation des acquis de l’expérience", "VAE", True),
    ],
)
def test_enumerations(value, expected, changed):
    result, change = norm("enum", value, choices=CHOICES)
    assert result == expected
    assert (change is not None) == changed


def test_enumeration_invalid_lists_choices():
    with pytest.raises(InvalidValue) as error:
        norm("enum", "apprentissage", choices=CHOICES)
    assert (
        "FORMATION_INITIALE_HORS_APPRENTISSAGE (Formation initiale hors apprentissage)"
        in error.value.hint
    )


@pytest.mark.parametrize(
    ("value", "expected", "changed"),
    [(1053.0, "01053", True), ("1053", "01053", True), ("31555", "31555", False),
     ("2a004", "2A004", False), ("2B033", "2B033", False), (99134.0, "99134", False)],
)  # fmt: skip
def test_insee(value, expected, changed):
    result, change = norm("insee", value, length=5)
    assert result == expected
    assert (change is not None) == changed
    if changed:
        assert "zéro initial" in change


@pytest.mark.parametrize("value", ["123", "75 001", "A1234", 123456.0])
def test_insee_invalid(value):
    with pytest.raises(InvalidValue):
        norm("insee", value, length=5)


def test_postal_code_zero_restored():
    assert norm("postal", 1000.0, max_length=9) == (
        "01000",
        "zéro initial rétabli (code postal lu comme un nombre)",
    )
    assert norm("postal", "75009", max_length=9) == ("75009", None)


def test_text_spaces_collapsed_and_lengths():
    assert norm("text", "  Jean   Pierre ", max_length=60) == (
        "Jean Pierre",
        "espaces superflus supprimés",
    )
    assert norm("text", "Dupont", max_length=60) == ("Dupont", None)
    assert norm("text", 12.0) == ("12", None)
    with pytest.raises(InvalidValue) as error:
        norm("text", "x" * 61, max_length=60)
    assert "60" in error.value.hint
    with pytest.raises(InvalidValue):
        norm("text", "ABC", length=8)


def test_integers():
    spec = {"min_value": 1900, "max_value": 2099}
    assert norm("int", 1996.0, **spec) == ("1996", None)
    assert norm("int", "1996", **spec) == ("1996", None)
    assert norm("int", "05", min_value=1, max_value=12) == ("5", "« 05 » écrit 5")
    with pytest.raises(InvalidValue):
        norm("int", "1850", **spec)
    with pytest.raises(InvalidValue):
        norm("int", "douze", **spec)
    with pytest.raises(InvalidValue):
        norm("int", 12.5, **spec)


def test_certification_codes():
    assert norm("certification", "RNCP19117", max_length=100) == ("RNCP19117", None)
    assert norm("certification", "rncp 19117", max_length=100)[0] == "RNCP19117"
    assert norm("certification", "RS-5432", max_length=100)[0] == "RS5432"
    assert certification_type("RS5432") == "RS"
    assert certification_type("RNCP1") == "RNCP"
    with pytest.raises(InvalidValue):
        norm("certification", "19117")
    with pytest.raises(InvalidValue):
        norm("certification", 19117.0)


@pytest.mark.parametrize("value", ["20004", "00123", "96001", "75000", "97901"])
def test_insee_implausible(value):
    with pytest.raises(InvalidValue) as error:
        norm("insee", value, length=5)
    assert "code postal" in error.value.hint
