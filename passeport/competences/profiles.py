"""A holder's (or a register person's) competences and « Mon avenir », from the database.

Reads what deduction needs — the entries of the passport, the holder's answers to appellation
suggestions, their choices on competences, their goal — in three small queries, then runs the
plain functions of `deduction.py` and `ranking.py` on the current referentials (`indexing.py`).
The result depends only on those rows and on the releases: it is kept in this process under a
digest of them, so a page shown again costs the queries, not the deduction, and anything that
changes (an entry added, a choice, a new release) changes the digest.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Count, Max

from passeport.passport.models import Entry, Holder

from . import exporting, indexing, ranking
from .deduction import Choice, EntryFacts, Profile, deduce
from .models import AppellationChoice, CompetenceChoice, ProfessionalGoal
from .referential import Referential

KEPT = 256  # holders whose result stays in memory, per process
_cache: OrderedDict[str, object] = OrderedDict()
_lock = threading.Lock()

_ENTRY_FIELDS = (
    "id",
    "kind",
    "trust",
    "title",
    "certification_code",
    "details",
    "updated_at",
)


@dataclass
class HolderState:
    """What the holder's pages and export show, computed together."""

    referential: Referential
    profile: Profile
    goal: ProfessionalGoal | None
    key: str  # digest of everything the profile was computed from


def _facts(rows, answers: dict[str, tuple[str, str]]) -> list[EntryFacts]:
    facts = []
    for pk, kind, trust, title, code, details, _updated in rows:
        details = details or {}
        facts.append(
            EntryFacts(
                id=str(pk),
                kind=kind,
                trust=trust,
                title=(details.get("job_title") or title) if kind == "experience" else title,
                certification_code=code or details.get("certification_code", ""),
                code_rome=details.get("code_rome", ""),
                appellation=details.get("appellation", ""),
                formacode=details.get("formacode", ""),
                risk=details.get("risk", ""),
                appellation_choice=answers.get(str(pk)),
            )
        )
    return facts


def _entries(holder: Holder | None, person_id=None):
    if holder is not None:
        return Entry.objects.of_holder(holder)
    return Entry.objects.active().filter(person_id=person_id)


def _entry_rows(holder: Holder | None, person_id=None) -> list[tuple]:
    return list(
        _entries(holder, person_id).order_by("created_at", "id").values_list(*_ENTRY_FIELDS)
    )


def _entries_version(holder: Holder | None, person_id=None) -> tuple:
    """What changes whenever the entries a deduction reads change — one aggregate query
    instead of every row (as passport/listing.py's version): an entry added or withdrawn
    changes the count, an entry edited (saved) its `updated_at`."""
    found = _entries(holder, person_id).aggregate(count=Count("id"), latest=Max("updated_at"))
    latest = found["latest"]
    return (found["count"], latest.isoformat() if latest else "")


def _remember(key: str, compute):
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > KEPT:
            _cache.popitem(last=False)
    return value


def occupation_cards(state: HolderState, view: dict, language: str) -> dict[str, str]:
    """The HTML of each occupation of « Mon avenir » (competences/_metier.html: coverage, what
    is missing, the certifications), rendered once per holder state and language — the page's
    dearest part, kept with the rest; the page around them (forms, CSRF) is rendered per request."""
    from django.template.loader import render_to_string

    occupations = [*view["metiers"], *([view["objectif"]] if view.get("objectif") else [])]
    key = _digest("avenir-cards", state.key, [m["code_rome"] for m in occupations], language)
    return _remember(
        key,
        lambda: {
            m["code_rome"]: render_to_string("competences/_metier.html", {"m": m})
            for m in occupations
        },
    )


def forget() -> None:
    with _lock:
        _cache.clear()


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def state_of(holder: Holder | None = None, *, person_id=None) -> HolderState:
    """The competences of a holder (their choices applied) or of a register person (none)."""
    referential = indexing.current()
    version = _entries_version(holder, person_id)
    answers: dict[str, tuple[str, str]] = {}
    choices: dict[str, Choice] = {}
    goal = None
    choice_rows: list = []
    if holder is not None:
        for entry_id, status, code in AppellationChoice.objects.filter(holder=holder).values_list(
            "entry_id", "status", "appellation_code"
        ):
            answers[str(entry_id)] = (status, code)
        choice_rows = list(
            CompetenceChoice.objects.filter(holder=holder)
            .order_by("key")
            .values_list("key", "status", "libelle", "categorie")
        )
        choices = {
            key: Choice(status, libelle, categorie)
            for key, status, libelle, categorie in choice_rows
        }
        goal = ProfessionalGoal.objects.filter(user_id=holder.user_id).first()
    key = _digest(
        "profile",
        referential.rome.id if referential.rome else "",
        referential.rncp.id if referential.rncp else "",
        version,
        sorted(answers.items()),
        choice_rows,
    )
    profile = _remember(
        key,
        lambda: deduce(_facts(_entry_rows(holder, person_id), answers), referential, choices),
    )
    return HolderState(referential, profile, goal, key)


def avenir_of(state: HolderState, *, limit: int = 10) -> ranking.Avenir:
    referential, profile = state.referential, state.profile
    goal = state.goal.fiche_code if state.goal else None
    key = _digest("avenir", state.key, goal, limit)
    return _remember(
        key,
        lambda: ranking.avenir(
            referential, profile.codes(), profile.own_fiches, limit=limit, goal=goal
        ),
    )


def avenir_view(state: HolderState, *, limit: int = 10) -> dict:
    """`exporting.avenir_data` of the holder's « Mon avenir », kept like the rest."""
    key = _digest("avenir-view", state.key, state.goal.fiche_code if state.goal else None, limit)
    return _remember(
        key, lambda: exporting.avenir_data(state.referential, avenir_of(state, limit=limit))
    )
