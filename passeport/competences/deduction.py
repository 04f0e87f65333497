"""A holder's competences, deduced from their passport entries, each with every provenance.

Plain functions over plain objects (`EntryFacts`, `referential.Referential`): no database, so
the rules below are tested on hand-computed cases. docs/competences.md explains them for
holders and counsellors; the summary:

Where competences come from
- a certification (RNCP/RS code) → its fiche in the current RNCP/RS release (or an older one
  if the code disappeared) → (a) each competence item of its blocs, in the certifier's own
  words (`bloc`, the strongest evidence), and (b) its ROME codes → each item of those ROME
  fiches (`rome_certification`), with the fiche's `coeur_metier` flag;
- a professional experience → its appellation (OGR code) or ROME code from the career import
  → that fiche's items (`rome_experience`); without codes, an appellation suggested from the
  job title that the holder confirmed (`appellation_confirmee`). A suggestion the holder has
  not confirmed deduces nothing;
- a training or a prevention entry with a certification code → as a certification, but as
  training followed (`formation`), weaker; a Formacode alone or a prevention risk alone
  deduce nothing (no official table from them to competences is loaded) and say so;
- the holder's own declaration (`declaration`).
Work contexts (« Travail le samedi ») are not competences: never deduced.

Strength (`force`, 1 to 4) rises with independent evidence: each entry counts once, with the
weight of its strongest provenance — 3 for a bloc of a guaranteed certification, 2 for a core
item (« Principale ») of a fiche reached through a guaranteed entry, 1 otherwise; half as much
when the entry is declared (not guaranteed) or a training; +1 when the holder confirmed it.
Score → force: below 2 → 1 (« indice »), 2 → 2 (« probable »), 3 to 4.5 → 3 (« solide »),
5 and more → 4 (« très solide »).

Status: `deduite`, `confirmee` (the holder said yes), `masquee` (the holder hid it: kept, but
neither shown on the map nor counted in « Mon avenir »), `declaree` (the holder's own, and it
stays « déclarée » whatever else is found). Nothing here ever produces « garantie »: a
certification is guaranteed, the competences read from it are deduced.

A bloc competence is also compared with the items of the ROME fiches of that same
certification — never the whole referential — and the closest one is shown as a suggested
equivalence (`alignement`), not merged.
"""

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .matching import TextMatcher, fold
from .referential import Certification, Fiche, Item, Referential

GUARANTEED = "garantie"
STATUSES = ("deduite", "confirmee", "masquee", "declaree")
FORCE_LABELS = {1: "indice", 2: "probable", 3: "solide", 4: "très solide"}
ALIGNMENT_MINIMUM = 0.35
# A match shares two words with the wording, or one word only when it alone scores this much.
ALIGNMENT_ALONE = 0.5
ALIGNERS_KEPT = 500  # certifications whose alignment index stays in memory (per process)
COMPETENCE_CATEGORIES = ("savoir-faire", "savoir-etre", "savoir")


@dataclass(frozen=True)
class EntryFacts:
    """What deduction needs of a passport entry (built from `passport.Entry`)."""

    id: str
    kind: str  # certification, training, experience, volunteering, licence, prevention, other
    trust: str  # garantie, declaree_justificatif, declaree
    title: str
    certification_code: str = ""
    code_rome: str = ""
    appellation: str = ""
    formacode: str = ""
    risk: str = ""
    # The holder's answer to an appellation suggestion: ("confirmee", code) or ("refusee", "").
    appellation_choice: tuple[str, str] | None = None

    @property
    def guaranteed(self) -> bool:
        return self.trust == GUARANTEED


@dataclass(frozen=True)
class Choice:
    status: str  # confirmee | masquee | declaree
    libelle: str = ""
    categorie: str = ""


@dataclass(frozen=True)
class Provenance:
    entree: str  # entry id
    entree_intitule: str
    type: str  # bloc | rome_certification | rome_experience | appellation_confirmee | formation | declaration
    weight: float
    version: str = ""  # the referential release it was read in
    rome: str | None = None
    rome_libelle: str = ""
    bloc: str | None = None
    bloc_libelle: str = ""
    certification: str | None = None
    certification_intitule: str = ""
    appellation: str | None = None
    coeur_metier: str | None = None  # principale | emergente | None
    note: str = ""
    alignement: tuple[str, str, float] | None = None  # (code OGR, label, score): a suggestion


@dataclass
class Competence:
    key: str  # rome:<code OGR> | bloc:<wording> | libre:<wording>
    libelle: str
    categorie: str
    code_ogr: str | None = None
    nature: str = ""
    macro: str = ""
    macro_libelle: str = ""
    domaine: str = ""
    groupe: str = ""
    statut: str = "deduite"
    provenances: list[Provenance] = field(default_factory=list)

    @property
    def score(self) -> float:
        best: dict[str, float] = {}
        for provenance in self.provenances:
            if provenance.type == "declaration":
                continue
            best[provenance.entree] = max(best.get(provenance.entree, 0.0), provenance.weight)
        return sum(best.values()) + (1.0 if self.statut == "confirmee" else 0.0)

    @property
    def force(self) -> int:
        score = self.score
        if score >= 5:
            return 4
        if score >= 3:
            return 3
        if score >= 2:
            return 2
        return 1

    @property
    def force_label(self) -> str:
        return FORCE_LABELS[self.force]

    @property
    def certified(self) -> bool:
        return any(p.type == "bloc" for p in self.provenances)

    @property
    def counts(self) -> bool:
        """Counted in « Mon avenir » coverage (hidden ones are not)."""
        return self.statut != "masquee"


@dataclass(frozen=True)
class Unresolved:
    entry: EntryFacts
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """An appellation suggested from an experience's job title, for the holder to confirm."""

    entry: EntryFacts
    appellation: str
    libelle: str
    fiche: str
    fiche_libelle: str
    score: float


@dataclass
class Profile:
    competences: list[Competence]
    unresolved: list[Unresolved]
    suggestions: list[Suggestion]
    own_fiches: dict[str, list[str]]  # ROME fiche → ids of the entries that lead to it
    entries: list[EntryFacts] = field(default_factory=list)

    def by_key(self) -> dict[str, Competence]:
        return {c.key: c for c in self.competences}

    def codes(self) -> frozenset[str]:
        """The ROME items the holder has (for coverage): not hidden, from the referential."""
        return frozenset(c.code_ogr for c in self.competences if c.code_ogr and c.counts)

    def visible(self) -> list[Competence]:
        return [c for c in self.competences if c.statut != "masquee"]


def bloc_key(libelle: str) -> str:
    return "bloc:" + " ".join(fold(libelle).split())


def free_key(libelle: str) -> str:
    return "libre:" + " ".join(fold(libelle).split())


class _Collector:
    def __init__(self, referential: Referential):
        self.referential = referential
        self.competences: dict[str, Competence] = {}

    def rome_item(self, item: Item, provenance: Provenance) -> None:
        key = f"rome:{item.code}"
        competence = self.competences.get(key)
        if competence is None:
            competence = Competence(
                key=key,
                libelle=item.libelle,
                categorie=item.categorie,
                code_ogr=item.code,
                nature=item.nature,
                macro=item.macro,
                macro_libelle=self.referential.macro_label(item),
                domaine=item.domaine_code,
                groupe=item.groupe,
            )
            self.competences[key] = competence
        competence.provenances.append(provenance)

    def bloc_item(self, libelle: str, provenance: Provenance) -> None:
        key = bloc_key(libelle)
        competence = self.competences.get(key)
        if competence is None:
            competence = Competence(key=key, libelle=libelle, categorie="savoir-faire")
            self.competences[key] = competence
        competence.provenances.append(provenance)


def _weight(entry: EntryFacts, strongest: float, *, training: bool = False) -> float:
    weight = strongest
    if not entry.guaranteed or training:
        weight /= 2
    return weight


def _fiche_items(
    collector: _Collector,
    entry: EntryFacts,
    fiche: Fiche,
    type_: str,
    *,
    training: bool = False,
    via: Certification | None = None,
    appellation: str | None = None,
    note: str = "",
) -> None:
    referential = collector.referential
    for code, core in fiche.items:
        item = referential.item(code, fiche)
        if item is None or item.categorie not in COMPETENCE_CATEGORIES:
            continue
        strongest = 2.0 if core == "principale" else 1.0
        collector.rome_item(
            item,
            Provenance(
                entree=entry.id,
                entree_intitule=entry.title,
                type=type_,
                weight=_weight(entry, strongest, training=training),
                version=fiche.version.display,
                rome=fiche.code,
                rome_libelle=fiche.libelle,
                certification=via.code if via else None,
                certification_intitule=via.intitule if via else "",
                appellation=appellation,
                coeur_metier=core or None,
                note=note,
            ),
        )


def _legacy_note(referential: Referential, version_display: str, current) -> str:
    if current is not None and version_display != current.display:
        return (
            f"code absent de la version en vigueur ({current.display}) : lu dans {version_display}"
        )
    return ""


def _aligner(referential: Referential, certification: Certification, fiches: list[Fiche]):
    """The ROME item closest to a bloc competence's wording, among the items of the ROME fiches
    of that same certification only — kept per certification in the referential (the same
    certification is held by many holders)."""
    cache = referential.__dict__.setdefault("_alignments", OrderedDict())
    key = (certification.version.id, certification.code)
    if key in cache:
        cache.move_to_end(key)
    else:
        while len(cache) >= ALIGNERS_KEPT:
            cache.popitem(last=False)
        documents = []
        for fiche in fiches:
            for item_code, _core in fiche.items:
                item = referential.item(item_code, fiche)
                if item is not None and item.categorie in ("savoir-faire", "savoir"):
                    documents.append((item.code, item.libelle))
        matcher = TextMatcher(documents, referential.label_idf) if documents else None
        found: dict[str, tuple[str, str, float] | None] = {}

        def align(libelle: str):
            if libelle not in found:
                best = (
                    matcher.search(
                        libelle, limit=1, minimum=ALIGNMENT_MINIMUM, shared=2, alone=ALIGNMENT_ALONE
                    )
                    if matcher
                    else []
                )
                found[libelle] = (best[0].key, best[0].text, best[0].score) if best else None
            return found[libelle]

        cache[key] = align
    return cache[key]


def _certification(collector: _Collector, entry: EntryFacts, code: str, *, training: bool):
    referential = collector.referential
    certification = referential.certification(code)
    if certification is None:
        return f"la fiche {code} est introuvable dans les référentiels RNCP/RS chargés"
    note = _legacy_note(referential, certification.version.display, referential.rncp)
    fiches = [f for f in (referential.fiche(rome) for rome in certification.romes) if f is not None]
    align = _aligner(referential, certification, fiches)
    for bloc in referential.blocs_of(certification):
        for item in bloc.competences:
            alignment = align(item.libelle)
            collector.bloc_item(
                item.libelle,
                Provenance(
                    entree=entry.id,
                    entree_intitule=entry.title,
                    type="formation" if training else "bloc",
                    weight=_weight(entry, 3.0, training=training),
                    version=certification.version.display,
                    bloc=bloc.code,
                    bloc_libelle=bloc.libelle,
                    certification=certification.code,
                    certification_intitule=certification.intitule,
                    note=note,
                    alignement=alignment,
                ),
            )
    for fiche in fiches:
        _fiche_items(
            collector,
            entry,
            fiche,
            "formation" if training else "rome_certification",
            training=training,
            via=certification,
            note=note or _legacy_note(referential, fiche.version.display, referential.rome),
        )
    missing = [rome for rome in certification.romes if referential.fiche(rome) is None]
    if not certification.romes and not referential.blocs_of(certification):
        return f"la fiche {code} ne cite ni bloc de compétences ni code ROME"
    if missing and not fiches and not referential.blocs_of(certification):
        return f"les fiches ROME {', '.join(missing)} de {code} sont introuvables"
    return None


def deduce(
    entries: Iterable[EntryFacts],
    referential: Referential,
    choices: Mapping[str, Choice] | None = None,
    *,
    suggest: bool = True,
) -> Profile:
    """Every competence the entries lead to, with every provenance, and the holder's choices."""
    choices = choices or {}
    entries = list(entries)
    collector = _Collector(referential)
    unresolved: list[Unresolved] = []
    suggestions: list[Suggestion] = []
    own: dict[str, list[str]] = {}
    for entry in entries:
        reason = None
        if entry.kind == "certification" and entry.certification_code:
            reason = _certification(collector, entry, entry.certification_code, training=False)
        elif entry.kind in ("training", "prevention") and entry.certification_code:
            reason = _certification(collector, entry, entry.certification_code, training=True)
        elif entry.kind == "experience":
            reason = _experience(collector, entry, own, suggestions if suggest else None)
        elif entry.kind == "training" and entry.formacode:
            reason = (
                f"Formacode {entry.formacode} : aucune table officielle ne relie un Formacode "
                "aux compétences du ROME"
            )
        elif entry.kind == "prevention":
            reason = (
                "formation de prévention sans code de certification : aucune compétence n'en "
                "est déduite" + (f" (risque « {entry.risk} »)" if entry.risk else "")
            )
        elif entry.kind == "certification":
            reason = "certification sans code RNCP ou RS"
        else:
            continue  # volunteering, licences, others: nothing in the referentials to read
        if reason:
            unresolved.append(Unresolved(entry, reason))
        if entry.kind == "certification" and entry.certification_code:
            certification = referential.certification(entry.certification_code)
            for rome in certification.romes if certification else ():
                own.setdefault(rome, []).append(entry.id)

    competences = collector.competences
    for key, choice in choices.items():
        if choice.status == "declaree":
            competence = competences.get(key)
            if competence is None:
                item = (
                    referential.item(key.removeprefix("rome:")) if key.startswith("rome:") else None
                )
                competence = Competence(
                    key=key,
                    libelle=item.libelle if item else choice.libelle,
                    categorie=item.categorie if item else (choice.categorie or "savoir-faire"),
                    code_ogr=item.code if item else None,
                    nature=item.nature if item else "",
                    macro=item.macro if item else "",
                    macro_libelle=referential.macro_label(item) if item else "",
                    domaine=item.domaine_code if item else "",
                    groupe=item.groupe if item else "",
                )
                competences[key] = competence
            competence.provenances.append(
                Provenance(entree="", entree_intitule="", type="declaration", weight=0.0)
            )
            competence.statut = "declaree"
        elif key in competences and choice.status in ("confirmee", "masquee"):
            competences[key].statut = choice.status
    ordered = sorted(
        competences.values(),
        key=lambda c: (
            COMPETENCE_CATEGORIES.index(c.categorie) if c.categorie in COMPETENCE_CATEGORIES else 9,
            c.domaine or "~",
            c.macro_libelle,
            -c.score,
            fold(c.libelle),
        ),
    )
    return Profile(ordered, unresolved, suggestions, own, entries)


def _experience(collector: _Collector, entry: EntryFacts, own, suggestions) -> str | None:
    referential = collector.referential
    fiche, appellation, type_ = None, None, "rome_experience"
    if entry.appellation:
        found = referential.appellation(entry.appellation)
        if found is None:
            return f"l'appellation {entry.appellation} est introuvable dans les ROME chargés"
        appellation, fiche = found.code, referential.fiche(found.fiche)
    elif entry.code_rome:
        fiche = referential.fiche(entry.code_rome)
        if fiche is None:
            return f"la fiche ROME {entry.code_rome} est introuvable dans les ROME chargés"
    elif entry.appellation_choice and entry.appellation_choice[0] == "confirmee":
        found = referential.appellation(entry.appellation_choice[1])
        if found is None:
            return f"l'appellation confirmée {entry.appellation_choice[1]} est introuvable"
        appellation, fiche, type_ = (
            found.code,
            referential.fiche(found.fiche),
            "appellation_confirmee",
        )
    else:
        if (
            entry.appellation_choice is None
            and suggestions is not None
            and referential.appellations
        ):
            for match in referential.appellation_matcher.search(entry.title, limit=3, minimum=0.5):
                found = referential.appellations[match.key]
                target = referential.fiche(found.fiche)
                suggestions.append(
                    Suggestion(
                        entry,
                        found.code,
                        found.libelle,
                        found.fiche,
                        target.libelle if target else "",
                        match.score,
                    )
                )
        if entry.appellation_choice is not None:
            return "vous avez refusé l'appellation proposée : aucune compétence n'en est déduite"
        return "aucun code ROME ni appellation : choisissez l'appellation de cet emploi"
    if fiche is None:
        return "la fiche ROME de cette appellation est introuvable"
    own.setdefault(fiche.code, []).append(entry.id)
    _fiche_items(
        collector,
        entry,
        fiche,
        type_,
        appellation=appellation,
        note=_legacy_note(referential, fiche.version.display, referential.rome),
    )
    return None
