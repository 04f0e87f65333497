"""Demo persons of the identity register (idempotent: keyed by the NIR's hash).

They match the holders of the demo deposits (passeport/deposits/demo.py) and FranceConnect's
development provider can log in as any of them (pivot identity = these fields). « Martin Léa »
twice on the same day are true homonyms: a passage naming her without the birth commune is
rejected with « Plusieurs titulaires ont été identifiés ».
"""

import datetime

from stdnum.fr import nir as stdnum_nir

from . import keys
from .models import Person


def _nir(body: str) -> str:
    return body + stdnum_nir.calc_check_digits(body)


# (NIR body without key, birth name, given names, sex, birth date, commune INSEE, country INSEE)
DEMO_PEOPLE = [
    ("1961131555123", "Dupont", "Antoine Julien Philippe", "M", "1996-11-15", "31555", "99100"),
    ("2880475112045", "Lefèvre", "Camille Anne", "F", "1988-04-12", "75112", "99100"),
    ("1020169123007", "N'Diaye", "Moussa", "M", "2002-01-30", "69123", "99100"),
    ("2990599139021", "Da Silva", "Ana Maria", "F", "1999-05-03", "99139", "99139"),
    ("2010633063011", "Martin", "Léa", "F", "2001-06-21", "33063", "99100"),
    ("2010644109015", "Martin", "Léa Rose", "F", "2001-06-21", "44109", "99100"),
    ("1850213055321", "Bernard", "Éric", "M", "1985-02-07", "13055", "99100"),
    ("2930859350099", "Petit-Roux", "Inès", "F", "1993-08-19", "59350", "99100"),
]


def demo_person_kwargs() -> list[dict]:
    return [
        {
            "nir": _nir(body),
            "birth_name": name,
            "given_names": given,
            "sex": sex,
            "birth_date": datetime.date.fromisoformat(born),
            "birth_commune": commune,
            "birth_country": country,
        }
        for body, name, given, sex, born, commune, country in DEMO_PEOPLE
    ]


def seed() -> list[tuple[str, str, str]]:
    for kwargs in demo_person_kwargs():
        if not Person.objects.filter(nir_hash=keys.nir_key(kwargs["nir"])).exists():
            Person.build(**kwargs).save()
    return []
