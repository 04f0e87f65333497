import pytest

from passeport.identity.normalisation import (
    first_given_name,
    nir13,
    normalise_commune,
    normalise_country,
    normalise_name,
    normalise_sex,
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Dupont", "DUPONT"),
        ("Hélène", "HELENE"),
        ("Jean-Pierre", "Jean Pierre"),
        ("D'Artagnan", "d’artagnan"),
        ("D'Artagnan", "Dartagnan"),
        ("Le  Bœuf", "le boeuf"),
        ("  Zoé ", "ZOE"),
        ("Çağlar", "CAGLAR"),
    ],
)
def test_equivalent_spellings_give_the_same_key(left, right):
    assert normalise_name(left) == normalise_name(right)


def test_different_names_stay_different():
    assert normalise_name("Martin") != normalise_name("Martine")
    assert normalise_name("") == ""
    assert normalise_name(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("M", "M"),
        ("h", "M"),
        ("1", "M"),
        ("male", "M"),
        ("Homme", "M"),
        ("F", "F"),
        ("2", "F"),
        ("female", "F"),
        ("Femme", "F"),
        ("X", ""),
        ("", ""),
    ],
)
def test_sex(value, expected):
    assert normalise_sex(value) == expected


def test_codes():
    assert normalise_country("99100") == "100"
    assert normalise_country("100") == "100"
    assert normalise_commune("1053") == "01053"
    assert normalise_commune("2a004") == "2A004"
    assert nir13("1 96 11 31 555 123 45") == "1961131555123"
    assert first_given_name("  Antoine   Julien ") == "Antoine"
