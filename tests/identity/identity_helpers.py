"""Builders of register entries for the identity and deposits tests."""

import datetime

from stdnum.fr import nir as stdnum_nir

from passeport.identity.models import Person

_counter = iter(range(1, 10**6))


def make_nir(sex: str = "M", year: int = 1990, month: int = 5, department: str = "75") -> str:
    """A valid 15-character NIR, unique per call."""
    order = next(_counter)
    body = f"{'1' if sex == 'M' else '2'}{year % 100:02d}{month:02d}{department}{order // 1000:03d}{order % 1000:03d}"
    return body + stdnum_nir.calc_check_digits(body)


def make_person(
    birth_name="Dupont",
    given_names="Antoine Julien",
    sex="M",
    birth_date=datetime.date(1996, 11, 15),
    birth_commune="31555",
    birth_country="99100",
    nir=None,
) -> Person:
    person = Person.build(
        nir=nir or make_nir(sex, birth_date.year, birth_date.month),
        birth_name=birth_name,
        given_names=given_names,
        sex=sex,
        birth_date=birth_date,
        birth_commune=birth_commune,
        birth_country=birth_country,
    )
    person.save()
    return person
