"""Normalisation of identity data before comparison or hashing.

One set of functions for every place that compares identities: the reconciliation cascade of the
deposit pipeline, the identity register's import, and FranceConnect's pivot-identity linking.
Two spellings of the same identity must give the same key, so the rules of the CDC cascade
(« Malgré la vérification de l'identité des certifiés, les passages sont toujours KO ») are
applied: case, accents, hyphens, apostrophes and repeated spaces do not count.
"""

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose into a base letter plus combining marks.
_LIGATURES = str.maketrans(
    {
        "Œ": "OE",
        "œ": "OE",
        "Æ": "AE",
        "æ": "AE",
        "ß": "SS",
        "ø": "O",
        "Ø": "O",
        "đ": "D",
        "Đ": "D",
        "ł": "L",
        "Ł": "L",
    }
)
# Separators that certifiers and registers write inconsistently: « Jean-Pierre », « Jean Pierre »,
# « D'Artagnan », « D’ARTAGNAN », « d artagnan » are the same name.
_IGNORED = re.compile(r"[\s\-‐‑‒–—'’‘`´.]+")


@lru_cache(maxsize=65536)  # names repeat a lot: the import and the cascade hash millions
def normalise_name(value: str | None) -> str:
    """Comparison key of a name: upper-case ASCII, without accents, hyphens, apostrophes or spaces.

    >>> normalise_name("  Le Bœuf-d’Hérault ")
    'LEBOEUFDHERAULT'
    """
    if not value:
        return ""
    if value.isascii():  # most names: no accent or ligature to take apart (the fast path)
        return _IGNORED.sub("", value).upper()
    text = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _IGNORED.sub("", text).upper()


def split_given_names(value: str | None) -> list[str]:
    """The given names of a register entry or of FranceConnect's `given_names` (space-separated)."""
    return [name for name in re.split(r"\s+", (value or "").strip()) if name]


def first_given_name(value: str | None) -> str:
    names = split_given_names(value)
    return names[0] if names else ""


_SEX = {
    "M": "M",
    "H": "M",
    "1": "M",
    "HOMME": "M",
    "MASCULIN": "M",
    "MALE": "M",
    "F": "F",
    "2": "F",
    "FEMME": "F",
    "FEMININ": "F",
    "FEMALE": "F",
}


def normalise_sex(value: str | None) -> str:
    """`M` or `F` from the flux's `sexe`, the NIR's digit, FranceConnect's `gender`; "" if unknown."""
    return _SEX.get(normalise_name(value), "")


def normalise_nir(value: str | None) -> str:
    """The NIR without spaces, upper-case (Corsica: 2A/2B); 13 or 15 characters when well formed."""
    return re.sub(r"\s+", "", value or "").upper()


def nir13(value: str | None) -> str:
    """The first 13 characters of the NIR (without its key), as the 1.1.5 flux transmits it."""
    return normalise_nir(value)[:13]


def normalise_country(value: str | None) -> str:
    """INSEE country code as the 3 significant digits: « 99100 », « 100 » → « 100 »; "" if none.

    The flux's `codePaysNaissance` has 3 characters; the register and FranceConnect use the
    5-digit INSEE code (99XXX).
    """
    code = re.sub(r"\s+", "", value or "")
    if len(code) == 5 and code.startswith("99"):
        return code[2:]
    return code.upper()


def normalise_commune(value: str | None) -> str:
    """INSEE commune code, 5 characters (Corsica 2A/2B upper-case); leading zero restored."""
    code = re.sub(r"\s+", "", value or "").upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    return code
