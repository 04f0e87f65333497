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
import json
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
    step2: str | None = None
    candidates: list[_Candidate] = field(default_factory=list)


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _Counts:
    """What steps 1 and 2 of the cascade need to know of one passage's candidates."""

    step1: int  # persons with the passage's step-1 key
    first1: uuid.UUID | None  # one of them (the one, when step1 == 1)
    step2: int  # those of them that also have its step-2 key
    first2: uuid.UUID | None


# One row per passage, computed by PostgreSQL: the number of step-1 candidates and of those
# that also match step 2, with one id of each. The candidates themselves never leave the
# database: with a million persons a chunk of 2 000 passages has ~18 000 step-1 candidates
# (common names), whose rows cost more to send and decode than to count. The covering index
# person_step1_idx (step1_hash INCLUDE id, step2_hash) answers without reading the table.
# The keys travel as two comma-separated strings (hexadecimal hashes, '' for a missing step-2
# key): two text parameters are sent as they are, where arrays of 2 000 strings each cost the
# driver more than the database's whole work.
_COUNTS_SQL = """
SELECT q.i, count(p.id), (array_agg(p.id))[1],
       count(p.id) FILTER (WHERE p.step2_hash = q.s2),
       (array_agg(p.id) FILTER (WHERE p.step2_hash = q.s2))[1]
FROM unnest(string_to_array(%s, ','), string_to_array(%s, ',')) WITH ORDINALITY AS q(s1, s2, i)
LEFT JOIN {table} p ON p.step1_hash = q.s1
GROUP BY q.i
"""


def _counts(items: list[tuple[int, str, str | None]]) -> dict[int, _Counts]:
    """Steps 1 and 2 of the cascade for (index, step-1 key, step-2 key or None) items."""
    if connection.vendor == "postgresql":
        sql = _COUNTS_SQL.format(table=connection.ops.quote_name(Person._meta.db_table))
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [",".join(s1 for _, s1, _ in items), ",".join(s2 or "" for _, _, s2 in items)],
            )
            # WITH ORDINALITY numbers the keys from 1, in the order they were sent.
            return {items[row[0] - 1][0]: _Counts(*row[1:]) for row in cursor.fetchall()}
    # SQLite (the other database the project runs on): the same counts, the keys as one JSON
    # parameter unnested by json_each.
    sql = _SQLITE_COUNTS_SQL.format(table=connection.ops.quote_name(Person._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps([[s1, s2 or ""] for _, s1, s2 in items])])
        return {
            items[row[0]][0]: _Counts(row[1], _sqlite_uuid(row[2]), row[3], _sqlite_uuid(row[4]))
            for row in cursor.fetchall()
        }


# json_each's key is the position of the pair in the list (from 0). `min(id)` is one of the
# candidates: only used when there is exactly one.
_SQLITE_COUNTS_SQL = """
SELECT q.key, count(p.id), min(p.id),
       count(p.id) FILTER (WHERE p.step2_hash = json_extract(q.value, '$[1]')),
       min(p.id) FILTER (WHERE p.step2_hash = json_extract(q.value, '$[1]'))
FROM json_each(%s) AS q
LEFT JOIN {table} p ON p.step1_hash = json_extract(q.value, '$[0]')
GROUP BY q.key
"""


def _sqlite_uuid(value) -> uuid.UUID | None:
    # Django keeps UUIDs as 32 hexadecimal characters on SQLite.
    return uuid.UUID(value) if value else None


def _step2_candidates(step2_keys: set[str]) -> dict[str, list[_Candidate]]:
    """The persons of these step-2 keys, with what step 3 compares (rare: true homonyms)."""
    found: dict[str, list[_Candidate]] = defaultdict(list)
    rows = (
        Person.objects.filter(step2_hash__in=step2_keys)
        .order_by()
        .values_list("step2_hash", "id", "commune_hash", "country_hash")
    )
    for step2, person_id, commune, country in rows:
        found[step2].append(_Candidate(person_id, step2, commune, country))
    return found


class DatabaseIdentityRegister:
    """The register held in this database (`identity.Person`)."""

    def reconcile(self, criteria: Criteria) -> Match:
        return self.reconcile_many([criteria])[0]

    def reconcile_many(self, criteria: Sequence[Criteria]) -> list[Match]:
        """Reconcile a batch of passages with a few queries (the pipeline's hot path)."""
        results: list[Match | None] = [None] * len(criteria)
        by_nir: dict[str, list[int]] = defaultdict(list)
        # index → (step-1 key, step-2 key or None when the birth month or day is missing)
        by_step1: dict[int, tuple[str, str | None]] = {}
        for index, item in enumerate(criteria):
            if item.nir:
                by_nir[keys.nir_key(item.nir)].append(index)
            elif not (item.birth_name and item.first_name and item.sex and item.birth_year):
                # A mandatory criterion is missing: nobody can match it.
                results[index] = Match(MatchStatus.NONE, message=MSG_STEP1, step=1)
            else:
                key = keys.step1_key(item.birth_name, item.first_name, item.sex, item.birth_year)
                step2 = None
                if item.birth_month is not None and item.birth_day is not None:
                    step2 = keys.step2_key(
                        item.birth_name,
                        item.first_name,
                        item.sex,
                        item.birth_year,
                        item.birth_month,
                        item.birth_day,
                    )
                by_step1[index] = (key, step2)

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

        items = list(by_step1.items())
        for chunk in _chunks(items):
            counts = _counts([(index, key, step2) for index, (key, step2) in chunk])
            step3: list[_Pending] = []
            for index, (_key, step2) in chunk:
                match = self._steps_1_2(counts[index])
                if match is None:
                    step3.append(_Pending(index, criteria[index], step2=step2))
                else:
                    results[index] = match
            if step3:
                candidates = _step2_candidates({pending.step2 for pending in step3})
                for pending in step3:
                    pending.candidates = candidates.get(pending.step2, [])
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
    def _steps_1_2(counts: _Counts) -> Match | None:
        """Steps 1 and 2 decided from the counts; None when step 3 must compare."""
        if counts.step1 == 0:
            return Match(MatchStatus.NONE, message=MSG_STEP1, step=1)
        if counts.step1 == 1:
            return Match(MatchStatus.FOUND, person_id=counts.first1, step=1)
        # Several: the birth month and day decide (none given: nobody can be told apart).
        if counts.step2 == 0:
            return Match(MatchStatus.NONE, message=MSG_STEP2, step=2)
        if counts.step2 == 1:
            return Match(MatchStatus.FOUND, person_id=counts.first2, step=2)
        return None

    @staticmethod
    def _step3(pending: list[_Pending], results: list) -> None:
        # Rare (true homonyms born the same day): the commune and country compare as hashes;
        # the other given names in clear, after decrypting the civil status of the candidates
        # left — never their NIR, which the comparison does not need.
        for item in pending:
            criteria, candidates = item.criteria, item.candidates
            commune = keys.commune_key(criteria.birth_commune) if criteria.birth_commune else ""
            if commune:
                candidates = [c for c in candidates if c.commune == commune]
            country = keys.country_key(criteria.birth_country) if criteria.birth_country else ""
            if country:
                candidates = [c for c in candidates if c.country == country]
            item.candidates = candidates
        ids = {c.id for p in pending if p.criteria.other_given_names for c in p.candidates}
        given = (
            {
                person.id: person.given_names
                for person in Person.objects.filter(id__in=ids).only("id", "identity_data")
            }
            if ids
            else {}
        )
        for item in pending:
            candidates = item.candidates
            for position, name in enumerate(item.criteria.other_given_names, start=1):
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
