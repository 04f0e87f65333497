"""Keyed hashes of the normalised matching keys of the identity register.

Each key is an HMAC (settings.DATA_HASH_KEY) of normalised values, with its own purpose so that
two keys never collide. The same functions compute the keys of a register entry (import) and of
the criteria searched for (reconciliation, FranceConnect linking): equality of keys is equality
of the normalised values.

Cascade of the CDC (« Malgré la vérification de l'identité des certifiés… »):
- step 1: birth name + first given name + sex + birth year      → `step1`
- step 2: step 1 + birth month + birth day                        → `step2`
- step 3: step 2 + birth commune, birth country, other given names → `commune`, `country`, …
"""

import datetime
import hashlib
import hmac
from functools import cache

from django.conf import settings

from .normalisation import (
    first_given_name,
    nir13,
    normalise_commune,
    normalise_country,
    normalise_name,
    split_given_names,
)


@cache
def _key(purpose: str, secret: str) -> bytes:
    # Same derivation as passeport.core.crypto.keyed_hash, cached: the import hashes millions
    # of values and the derivation would otherwise be a third of the work.
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def _hash(value: str, purpose: str) -> str:
    # hmac.digest: the one-shot C implementation, same value as hmac.new(...).hexdigest().
    return hmac.digest(_key(purpose, settings.DATA_HASH_KEY), value.encode(), "sha256").hex()


def nir_key(nir: str) -> str:
    return _hash(nir13(nir), "identity.nir13")


def birth_name_key(birth_name: str) -> str:
    return _hash(normalise_name(birth_name), "identity.birth_name")


def step1_key(birth_name: str, first_name: str, sex: str, year: int | str) -> str:
    value = f"{normalise_name(birth_name)}|{normalise_name(first_name)}|{sex}|{int(year):04d}"
    return _hash(value, "identity.step1")


def step2_key(
    birth_name: str, first_name: str, sex: str, year: int | str, month: int | str, day: int | str
) -> str:
    value = (
        f"{normalise_name(birth_name)}|{normalise_name(first_name)}|{sex}|{int(year):04d}"
        f"|{int(month):02d}|{int(day):02d}"
    )
    return _hash(value, "identity.step2")


def given_names_key(given_names: str | list[str]) -> str:
    names = split_given_names(given_names) if isinstance(given_names, str) else given_names
    return _hash(" ".join(normalise_name(name) for name in names if name), "identity.given_names")


def commune_key(commune: str) -> str:
    code = normalise_commune(commune)
    return _hash(code, "identity.commune") if code else ""


def country_key(country: str) -> str:
    code = normalise_country(country)
    return _hash(code, "identity.country") if code else ""


def person_keys(
    *,
    birth_name: str,
    given_names: str,
    sex: str,
    birth_date: datetime.date,
    birth_commune: str,
    birth_country: str,
) -> dict[str, str]:
    first = first_given_name(given_names)
    return {
        "step1_hash": step1_key(birth_name, first, sex, birth_date.year),
        "step2_hash": step2_key(
            birth_name, first, sex, birth_date.year, birth_date.month, birth_date.day
        ),
        "birth_name_hash": birth_name_key(birth_name),
        "given_names_hash": given_names_key(given_names),
        "commune_hash": commune_key(birth_commune),
        "country_hash": country_key(birth_country),
    }
