"""A register entry for a sample passage's holder, under another birth name (correction tests)."""

import datetime

from deposit_helpers import make_nir

from passeport.identity.models import Person


def build_person(holder: dict, birth_name: str) -> Person:
    born = datetime.date(
        int(holder["anneeNaissance"]),
        int(holder.get("moisNaissance") or 1),
        int(holder.get("jourNaissance") or 1),
    )
    given = " ".join(holder[k] for k in ("prenom1", "prenom2", "prenom3") if holder.get(k))
    return Person.build(
        nir=make_nir(holder["sexe"], born.year, born.month),
        birth_name=birth_name,
        given_names=given,
        sex=holder["sexe"],
        birth_date=born,
    )
