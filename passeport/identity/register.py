"""The identity register interface and its reconciliation cascade.

`IdentityRegister` is what the deposit pipeline and FranceConnect linking depend on; the
database implementation (`DatabaseIdentityRegister`, table `identity.Person`) is the stand-in for
the national register the CDC queries. Another implementation (a remote register) only has to
provide the same three methods.

Reconciliation implements the CDC cascade (CDC page « Malgré la vérification de l'identité des
certifiés, les passages sont toujours KO »), with the CDC's exact messages:
1. birth name (`nomNaissance`, never the usage name) + first given name (`prenom1`, compared with
   the FIRST of the register's given names) + sex + birth year. None → MSG_STEP1; one → found.
2. if several: + birth month and day. None → MSG_STEP2; one → found.
3. if still several: + the optional data given (birth commune INSEE code, birth country, second
   and third given names). None → MSG_STEP3; one → found; several → MSG_SEVERAL.
The 1.1.5 branch `identifiantNational{nir, nomNaissance}` looks the NIR (13 characters) up and
checks the birth name.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from django.db import connection

from . import keys
from .models import Person
from .normalisation import (
    normalise_commune,
    normalise_country,
    normalise_name,
    normalise_sex,
    split_given_names,
)

MSG_STEP1 = "Aucun titulaire ne correspond aux critères obligatoires"
MSG_STEP2 = (
    "Aucun titulaire ne correspond aux critères obligatoires enrichis du jour et du mois de "
    "naissance"
)
MSG_STEP3 = "Aucun titulaire ne correspond aux critères de réconciliation"
MSG_SEVERAL = "Plusieurs titulaires ont été identifiés"

# Lookups are batched: one query per chunk of criteria (SQLite allows 32 766 parameters).
LOOKUP_CHUNK = 2000


class MatchStatus(StrEnum):
    FOUND = "found"
    NONE = "none"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    person_id: uuid.UUID | None = None
    message: str = ""  # the CDC's message when not found ("" when found)
    step: int = 0  # the cascade step that decided (0: NIR branch)

    @property
    def found(self) -> bool:
        return self.status is MatchStatus.FOUND


@dataclass(frozen=True)
class Criteria:
    """What a passage says about its holder (the flux's `titulaire` or `identifiantNational`)."""

    birth_name: str
    first_name: str = ""
    sex: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    birth_commune: str = ""  # INSEE code (codeInsee), 99XXX for births abroad
    birth_country: str = ""  # codePaysNaissance (3 characters) or INSEE 99XXX
    other_given_names: tuple[str, ...] = ()  # prenom2, prenom3
    nir: str = ""  # 1.1.5 identifiantNational/nir (13 characters)

    @classmethod
    def from_flux(cls, values: dict) -> "Criteria":
        """Criteria from a passage's values keyed by the flux's element names."""

        def number(name):
            value = values.get(name)
            try:
                return int(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                return None

        return cls(
            birth_name=values.get("nomNaissance") or "",
            first_name=values.get("prenom1") or "",
            sex=normalise_sex(values.get("sexe")),
            birth_year=number("anneeNaissance"),
            birth_month=number("moisNaissance"),
            birth_day=number("jourNaissance"),
            birth_commune=values.get("codeInsee") or "",
            birth_country=values.get("codePaysNaissance") or "",
            other_given_names=tuple(v for v in (values.get("prenom2"), values.get("prenom3")) if v),
            nir=values.get("nir") or "",
        )


@dataclass(frozen=True)
class PivotIdentity:
    """FranceConnect's pivot identity (OpenID claims of the `identite_pivot` scope)."""

    family_name: str  # birth name
    given_names: str  # all given names, space-separated
    birthdate: str | datetime.date  # YYYY-MM-DD
    gender: str  # "male" / "female"
    birthplace: str = ""  # INSEE commune code, empty when born abroad
    birthcountry: str = ""  # INSEE country code, 99100 for France


class IdentityRegister(Protocol):
    def reconcile(self, criteria: Criteria) -> Match: ...

    def reconcile_many(self, criteria: Sequence[Criteria]) -> list[Match]: ...

    def find_by_pivot(self, pivot: PivotIdentity) -> Match: ...


@dataclass
class _Candidate:
    id: uuid.UUID
    step2: str
    commune: str
    country: str


@dataclass
class _Pending:
    index: int
    criteria: Criteria
    candidates: list[_Candidate] = field(default_factory=list)


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _step1_rows(keys_: list[str]):
    """(step1, id, step2, commune, country) of the persons having one of the step-1 keys.

    On PostgreSQL one array parameter (`= ANY(%s)`) instead of thousands of placeholders: the
    query is built and parsed once per chunk, whatever its size.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Person._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT step1_hash, id, step2_hash, commune_hash, country_hash "  # noqa: S608
                f"FROM {table} WHERE step1_hash = ANY(%s)",
                [list(keys_)],
            )
            return cursor.fetchall()
    return (
        Person.objects.filter(step1_hash__in=keys_)
        .order_by()
        .values_list("step1_hash", "id", "step2_hash", "commune_hash", "country_hash")
    )


class DatabaseIdentityRegister:
    """The register held in this database (`identity.Person`)."""

    def reconcile(self, criteria: Criteria) -> Match:
        return self.reconcile_many([criteria])[0]

    def reconcile_many(self, criteria: Sequence[Criteria]) -> list[Match]:
        """Reconcile a batch of passages with a few queries (the pipeline's hot path)."""
        results: list[Match | None] = [None] * len(criteria)
        by_nir: dict[str, list[int]] = defaultdict(list)
        by_step1: dict[str, list[int]] = defaultdict(list)
        for index, item in enumerate(criteria):
            if item.nir:
                by_nir[keys.nir_key(item.nir)].append(index)
            elif not (item.birth_name and item.first_name and item.sex and item.birth_year):
                # A mandatory criterion is missing: nobody can match it.
                results[index] = Match(MatchStatus.NONE, message=MSG_STEP1, step=1)
            else:
                key = keys.step1_key(item.birth_name, item.first_name, item.sex, item.birth_year)
                by_step1[key].append(index)

        for chunk in _chunks(list(by_nir)):
            found = {
                nir_hash: (person_id, name_hash)
                for nir_hash, person_id, name_hash in Person.objects.filter(nir_hash__in=chunk)
                .order_by()
                .values_list("nir_hash", "id", "birth_name_hash")
            }
            for nir_hash in chunk:
                for index in by_nir[nir_hash]:
                    results[index] = self._nir_match(criteria[index], found.get(nir_hash))

        for chunk in _chunks(list(by_step1)):
            groups: dict[str, list[_Candidate]] = defaultdict(list)
            rows = _step1_rows(chunk)
            for step1, person_id, step2, commune, country in rows:
                groups[step1].append(_Candidate(person_id, step2, commune, country))
            step3: list[_Pending] = []
            for step1 in chunk:
                candidates = groups.get(step1, [])
                for index in by_step1[step1]:
                    match, remaining = self._steps_1_2(criteria[index], candidates)
                    if match is None:
                        step3.append(_Pending(index, criteria[index], remaining))
                    else:
                        results[index] = match
            if step3:
                self._step3(step3, results)
        return results  # type: ignore[return-value]

    @staticmethod
    def _nir_match(item: Criteria, found: tuple[uuid.UUID, str] | None) -> Match:
        if found is None:
            return Match(MatchStatus.NONE, message=MSG_STEP1, step=0)
        person_id, name_hash = found
        if keys.birth_name_key(item.birth_name) != name_hash:
            # The NIR exists but under another birth name: never attach to the wrong person.
            return Match(MatchStatus.NONE, message=MSG_STEP3, step=0)
        return Match(MatchStatus.FOUND, person_id=person_id, step=0)

    @staticmethod
    def _steps_1_2(
        item: Criteria, candidates: list[_Candidate]
    ) -> tuple[Match | None, list[_Candidate]]:
        if not candidates:
            return Match(MatchStatus.NONE, message=MSG_STEP1, step=1), []
        if len(candidates) == 1:
            return Match(MatchStatus.FOUND, person_id=candidates[0].id, step=1), []
        if item.birth_month is None or item.birth_day is None:
            narrowed = []
        else:
            step2 = keys.step2_key(
                item.birth_name,
                item.first_name,
                item.sex,
                item.birth_year,
                item.birth_month,
                item.birth_day,
            )
            narrowed = [c for c in candidates if c.step2 == step2]
        if not narrowed:
            return Match(MatchStatus.NONE, message=MSG_STEP2, step=2), []
        if len(narrowed) == 1:
            return Match(MatchStatus.FOUND, person_id=narrowed[0].id, step=2), []
        return None, narrowed

    @staticmethod
    def _step3(pending: list[_Pending], results: list) -> None:
        # Rare (true homonyms born the same day): the given names are compared in clear after
        # decrypting the few candidates, which the hashes cannot do for « any other name ».
        ids = {c.id for p in pending for c in p.candidates}
        given = {person.id: person.given_names for person in Person.objects.filter(id__in=ids)}
        for item in pending:
            criteria, candidates = item.criteria, item.candidates
            commune = keys.commune_key(criteria.birth_commune) if criteria.birth_commune else ""
            if commune:
                candidates = [c for c in candidates if c.commune == commune]
            country = keys.country_key(criteria.birth_country) if criteria.birth_country else ""
            if country:
                candidates = [c for c in candidates if c.country == country]
            for position, name in enumerate(criteria.other_given_names, start=1):
                wanted = normalise_name(name)
                candidates = [
                    c
                    for c in candidates
                    if len(given.get(c.id, [])) > position
                    and normalise_name(given[c.id][position]) == wanted
                ]
            if not candidates:
                results[item.index] = Match(MatchStatus.NONE, message=MSG_STEP3, step=3)
            elif len(candidates) == 1:
                results[item.index] = Match(MatchStatus.FOUND, person_id=candidates[0].id, step=3)
            else:
                results[item.index] = Match(MatchStatus.AMBIGUOUS, message=MSG_SEVERAL, step=3)

    def find_by_pivot(self, pivot: PivotIdentity) -> Match:
        """Link a FranceConnect identity to the register: every pivot field must agree.

        Stricter than the deposit cascade on purpose: a holder is given access to the
        guaranteed entries of the person found, so all the given names, the birth date and the
        birthplace (or country for births abroad) must match.
        """
        sex = normalise_sex(pivot.gender)
        names = split_given_names(pivot.given_names)
        try:
            born = (
                pivot.birthdate
                if isinstance(pivot.birthdate, datetime.date)
                else datetime.date.fromisoformat(str(pivot.birthdate))
            )
        except ValueError:
            born = None
        if not (pivot.family_name and names and sex and born):
            return Match(MatchStatus.NONE, message="Identité FranceConnect incomplète", step=1)
        step2 = keys.step2_key(pivot.family_name, names[0], sex, born.year, born.month, born.day)
        rows = list(
            Person.objects.filter(step2_hash=step2).values_list(
                "id", "given_names_hash", "commune_hash", "country_hash"
            )
        )
        given = keys.given_names_key(names)
        rows = [row for row in rows if row[1] == given]
        if normalise_commune(pivot.birthplace):
            commune = keys.commune_key(pivot.birthplace)
            rows = [row for row in rows if row[2] == commune]
        if normalise_country(pivot.birthcountry):
            country = keys.country_key(pivot.birthcountry)
            rows = [row for row in rows if not row[3] or row[3] == country]
        if not rows:
            return Match(
                MatchStatus.NONE,
                message="Aucune personne du répertoire ne correspond à cette identité",
                step=3,
            )
        if len(rows) > 1:
            return Match(
                MatchStatus.AMBIGUOUS,
                message="Plusieurs personnes du répertoire correspondent à cette identité",
                step=3,
            )
        return Match(MatchStatus.FOUND, person_id=rows[0][0], step=3)


def get_register() -> IdentityRegister:
    """The register in use (the database one; a remote register would be chosen here)."""
    return DatabaseIdentityRegister()


def reconcile(criteria: Criteria) -> Match:
    return get_register().reconcile(criteria)


def reconcile_many(criteria: Sequence[Criteria]) -> list[Match]:
    return get_register().reconcile_many(criteria)


def find_by_pivot(pivot: PivotIdentity) -> Match:
    return get_register().find_by_pivot(pivot)
