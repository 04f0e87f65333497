"""« Mon avenir »: occupations ranked by how much of their core competences the holder has.

Plain functions over `referential.Referential` and the codes of the holder's competences (no
database), documented for holders in docs/competences.md:

- The core of a ROME fiche is its items flagged `coeur_metier = Principale` (savoir-faire and
  savoirs; savoir-être are never counted as gaps, and work contexts are not competences).
  A core macro-compétence is covered by itself or by any of its compétences the holder has.
- Coverage = core items covered / core items. Ranking: coverage, then the number of core items
  covered, then fewer missing, then the ROME code — so equal coverages always come out in the
  same order. The holder's own fiches (those their entries lead to) are left out of the new
  occupations and shown apart.
- Emerging items (`Émergente`) missing are listed apart: useful, not required.
- Mobilities: the ROME mobility table from each of the holder's fiches, in its `numero_ordre`.
- Certifications for an occupation: the RNCP/RS fiches citing its ROME code; an inactive one is
  replaced by its active successor (followed through the succession table); each is scored by
  the missing core items its blocs cover — a bloc competence covers an item when their wordings
  match, compared only with that occupation, which is one of the certification's own ROME
  fiches; active ones first, then by how many they cover.
"""

from dataclasses import dataclass, field

from .matching import TextMatcher
from .referential import Certification, Fiche, Referential

COUNTED = ("savoir-faire", "savoir")
BLOC_MATCH_MINIMUM = 0.35
# A match shares two words with the wording, or one word only when it alone scores this much.
BLOC_ALONE = 0.5


@dataclass(frozen=True)
class Coverage:
    fiche: str
    libelle: str
    core: int
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    emerging_missing: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return len(self.covered) / self.core if self.core else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.ratio)

    @property
    def sort_key(self) -> tuple:
        return (-self.ratio, -len(self.covered), len(self.missing), self.fiche)


@dataclass(frozen=True)
class _Cores:
    core: dict[str, frozenset[str]]
    # Each fiche's core and emerging items, in the referential's order (what pages list).
    core_order: dict[str, tuple[str, ...]]
    emerging_order: dict[str, tuple[str, ...]]


def _counted_order(
    referential: Referential, fiche: Fiche
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    core, emerging = [], []
    for item_code, flag in fiche.items:
        if flag not in ("principale", "emergente"):
            continue
        item = referential.items.get(item_code) if fiche.version == referential.rome else None
        if item is None:
            item = referential.item(item_code, fiche)
        if item is not None and item.categorie in COUNTED:
            (core if flag == "principale" else emerging).append(item_code)
    return tuple(core), tuple(emerging)


def _cores(referential: Referential) -> _Cores:
    """Computed once per referential (a release), kept on it."""
    cached = referential.__dict__.get("_ranking_cores")
    if cached is not None:
        return cached
    core, core_order, emerging_order = {}, {}, {}
    for code, fiche in referential.fiches.items():
        ordered_core, ordered_emerging = _counted_order(referential, fiche)
        core[code] = frozenset(ordered_core)
        core_order[code] = ordered_core
        emerging_order[code] = ordered_emerging
    cached = _Cores(core, core_order, emerging_order)
    referential.__dict__["_ranking_cores"] = cached
    return cached


def effective(referential: Referential, have: frozenset[str]) -> frozenset[str]:
    """The holder's codes plus the macro-compétences one of their compétences belongs to."""
    macros = set()
    items = referential.items
    for code in have:
        item = items.get(code)
        if item is not None and item.nature == "competence" and item.macro:
            macros.add(item.macro)
    return frozenset(have) | macros


def coverage(
    referential: Referential,
    fiche: Fiche,
    have: frozenset[str],
    *,
    owned: frozenset[str] | None = None,
) -> Coverage:
    """`owned`: `effective(referential, have)`, when the caller computes many coverages."""
    cores = _cores(referential)
    if fiche.code in cores.core and fiche.version == referential.rome:
        core, emerging = cores.core_order[fiche.code], cores.emerging_order[fiche.code]
    else:  # a fiche of an older release (a goal whose code has since disappeared)
        core, emerging = _counted_order(referential, fiche)
    if owned is None:
        owned = effective(referential, have)
    return Coverage(
        fiche=fiche.code,
        libelle=fiche.libelle,
        core=len(core),
        covered=tuple(c for c in core if c in owned),
        missing=tuple(c for c in core if c not in owned),
        emerging_missing=tuple(c for c in emerging if c not in owned),
    )


def rank(
    referential: Referential,
    have: frozenset[str],
    *,
    exclude: frozenset[str] | set[str] = frozenset(),
    limit: int | None = None,
) -> list[Coverage]:
    """Every fiche of the current ROME but `exclude`, best coverage first (deterministic)."""
    cores = _cores(referential)
    owned = effective(referential, have)
    scored = []
    for code, core in cores.core.items():
        if code in exclude or not core:
            continue
        covered = len(core & owned)
        scored.append((-covered / len(core), -covered, len(core) - covered, code))
    scored.sort()
    selected = scored if limit is None else scored[:limit]
    fiches = referential.fiches
    return [coverage(referential, fiches[code], have, owned=owned) for *_, code in selected]


@dataclass(frozen=True)
class MobilityPath:
    source: str
    source_libelle: str
    targets: tuple[tuple[int, Coverage], ...]  # (ordre, coverage of the target)


def mobilities(
    referential: Referential, own_fiches: dict[str, list[str]], have: frozenset[str]
) -> list[MobilityPath]:
    owned = effective(referential, have)
    paths = []
    for code in sorted(own_fiches, key=lambda c: (-len(own_fiches[c]), c)):
        fiche = referential.fiche(code)
        if fiche is None or not fiche.mobilities:
            continue
        targets = []
        for target, ordre in fiche.mobilities:
            target_fiche = referential.fiche(target)
            if target_fiche is not None:
                targets.append((ordre, coverage(referential, target_fiche, have, owned=owned)))
        paths.append(MobilityPath(fiche.code, fiche.libelle, tuple(targets)))
    return paths


@dataclass(frozen=True)
class BlocCover:
    code: str
    libelle: str
    covers: tuple[str, ...]  # missing item codes


@dataclass(frozen=True)
class CertificationOption:
    code: str
    intitule: str
    actif: bool
    covers: tuple[str, ...]  # missing items covered by at least one bloc
    blocs: tuple[BlocCover, ...]
    replaces: str | None = None  # the inactive certification this active successor replaces
    note: str = ""
    has_lists: bool = True  # False: the export gives no competence list for its blocs

    @property
    def sort_key(self) -> tuple:
        return (not self.actif, -len(self.covers), self.code)


def active_successor(referential: Referential, code: str) -> tuple[Certification | None, list[str]]:
    """The closest active certification after `code` in the successions, and the codes seen on
    the way that are not loaded (breadth first, so a direct successor wins over a later one)."""
    seen, frontier, unknown = {code}, [code], []
    while frontier:
        following = []
        for current in frontier:
            for new in referential.successors.get(current, ()):
                if new in seen:
                    continue
                seen.add(new)
                certification = referential.certification(new)
                if certification is None:
                    unknown.append(new)
                elif certification.actif:
                    return certification, unknown
                following.append(new)
        frontier = sorted(following)
    return None, unknown


def certifications_for(referential: Referential, target: Coverage) -> list[CertificationOption]:
    options: dict[str, CertificationOption] = {}
    for code in referential.certifications_by_rome.get(target.fiche, ()):
        certification = referential.certifications[code]
        replaces, note = None, ""
        if not certification.actif:
            successor, unknown = active_successor(referential, code)
            if successor is not None:
                replaces, certification = code, successor
            elif unknown:
                note = (
                    f"inactive ; remplacée par {', '.join(unknown)}, fiche absente des "
                    "référentiels chargés"
                )
            else:
                note = "inactive, sans certification active qui lui succède"
        if certification.code in options:
            continue
        blocs = referential.blocs_of(certification)
        documents = [
            (f"{bloc.code}#{item.position}", item.libelle)
            for bloc in blocs
            for item in bloc.competences
        ]
        covers_by_bloc: dict[str, list[str]] = {}
        if documents and target.missing:
            matcher = TextMatcher(documents, referential.label_idf)
            for missing in target.missing:
                item = referential.items.get(missing)
                if item is None:
                    continue
                for match in matcher.search(
                    item.libelle, limit=5, minimum=BLOC_MATCH_MINIMUM, shared=2, alone=BLOC_ALONE
                ):
                    bloc_code = match.key.split("#", 1)[0]
                    codes = covers_by_bloc.setdefault(bloc_code, [])
                    if missing not in codes:
                        codes.append(missing)
        bloc_covers = tuple(
            BlocCover(bloc.code, bloc.libelle, tuple(covers_by_bloc[bloc.code]))
            for bloc in blocs
            if bloc.code in covers_by_bloc
        )
        bloc_covers = tuple(sorted(bloc_covers, key=lambda b: (-len(b.covers), b.code)))
        covered = tuple(m for m in target.missing if any(m in b.covers for b in bloc_covers))
        options[certification.code] = CertificationOption(
            code=certification.code,
            intitule=certification.intitule,
            actif=certification.actif,
            covers=covered,
            blocs=bloc_covers,
            replaces=replaces,
            note=note,
            has_lists=bool(documents),
        )
    return sorted(options.values(), key=lambda option: option.sort_key)


@dataclass
class Avenir:
    """Everything « Mon avenir » shows, computed once per request (pages, export)."""

    ranked: list[Coverage]
    own: list[Coverage]
    paths: list[MobilityPath]
    certifications: dict[str, list[CertificationOption]] = field(default_factory=dict)
    goal: Coverage | None = None


def avenir(
    referential: Referential,
    have: frozenset[str],
    own_fiches: dict[str, list[str]],
    *,
    limit: int = 20,
    goal: str | None = None,
) -> Avenir:
    owned = effective(referential, have)
    own = sorted(
        (
            coverage(referential, f, have, owned=owned)
            for f in map(referential.fiche, own_fiches)
            if f
        ),
        key=lambda c: c.sort_key,
    )
    ranked = rank(referential, have, exclude=set(own_fiches), limit=limit)
    result = Avenir(ranked=ranked, own=own, paths=mobilities(referential, own_fiches, have))
    if goal:
        goal_fiche = referential.fiche(goal)
        if goal_fiche is not None:
            result.goal = coverage(referential, goal_fiche, have, owned=owned)
    for target in [*ranked, *([result.goal] if result.goal else [])]:
        result.certifications[target.fiche] = certifications_for(referential, target)
    return result
