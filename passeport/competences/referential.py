"""The current referentials as plain Python objects, built once per process and release.

`deduction.py` and `ranking.py` work on a `Referential` — plain dataclasses and dicts, no
database — so that tests build one by hand and the ranking of all 1 584 ROME fiches costs a few
milliseconds. `current()` builds it from the database for the releases that are current now,
and keeps it until one of them changes (one cheap query per call tells). Fiches, items and
certifications that disappeared from the current release are looked up in the older ones when
an entry cites them (`legacy_fiche`, `legacy_certification`): their provenance says from which
release they come.

RNCP blocs (with their competence lists) are many and only needed for a few certifications at
a time: they are read on demand and kept in a small cache.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from .matching import Idf, TextMatcher, idf_of


@dataclass(frozen=True)
class Version:
    id: str
    kind: str
    label: str
    display: str
    title: str = ""


@dataclass(frozen=True)
class Item:
    code: str
    libelle: str
    categorie: str  # savoir-faire | savoir-etre | savoir | contexte
    nature: str  # competence | macro | savoir | contexte
    macro: str = ""  # code OGR of its macro-compétence (itself for a macro)
    macro_code: str = ""  # 3B101: domain 3, enjeu B…
    groupe: str = ""

    @property
    def domaine_code(self) -> str:
        return self.macro_code[:1]


@dataclass(frozen=True)
class Fiche:
    code: str
    libelle: str
    version: Version
    items: tuple[tuple[str, str], ...] = ()  # (item code, coeur_metier), referential order
    mobilities: tuple[tuple[str, int], ...] = ()  # (target fiche, ordre), in order
    parent: str = ""
    domaine: str = ""
    grand_domaine: str = ""
    definition: str = ""
    acces: str = ""
    tags: tuple[str, ...] = ()

    @cached_property
    def core(self) -> frozenset[str]:
        return frozenset(code for code, core in self.items if core == "principale")

    @cached_property
    def emerging(self) -> frozenset[str]:
        return frozenset(code for code, core in self.items if core == "emergente")

    def coeur(self, code: str) -> str:
        for item, core in self.items:
            if item == code:
                return core
        return ""


@dataclass(frozen=True)
class Appellation:
    code: str
    libelle: str
    fiche: str
    libelle_court: str = ""
    principale: bool = False


@dataclass(frozen=True)
class BlocItem:
    position: int
    niveau: int
    libelle: str
    parent: int | None = None


@dataclass(frozen=True)
class Bloc:
    code: str
    libelle: str
    position: int
    competences: tuple[BlocItem, ...] = ()


@dataclass(frozen=True)
class Certification:
    code: str
    intitule: str
    version: Version
    actif: bool
    romes: tuple[str, ...] = ()
    niveau: str = ""
    niveau_libelle: str = ""
    abrege: str = ""
    certificateurs: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "RS" if self.code.startswith("RS") else "RNCP"


@dataclass
class Referential:
    rome: Version | None = None
    rncp: Version | None = None
    esco: Version | None = None
    items: dict[str, Item] = field(default_factory=dict)
    fiches: dict[str, Fiche] = field(default_factory=dict)
    appellations: dict[str, Appellation] = field(default_factory=dict)
    certifications: dict[str, Certification] = field(default_factory=dict)
    successors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blocs: dict[str, tuple[Bloc, ...]] = field(default_factory=dict)
    groups: dict[tuple[str, str], str] = field(default_factory=dict)  # (level, code) → label
    # Database lookups for what the dicts above do not hold (blocs on demand, older releases);
    # None in hand-built referentials.
    bloc_loader: Callable[[Certification], tuple[Bloc, ...]] | None = None
    legacy: "Legacy | None" = None

    # ------------------------------------------------------------------ lookups
    def fiche(self, code: str) -> Fiche | None:
        found = self.fiches.get(code)
        if found is None and self.legacy is not None:
            found = self.legacy.fiche(code)
        return found

    def item(self, code: str, fiche: Fiche | None = None) -> Item | None:
        found = self.items.get(code)
        if found is None and self.legacy is not None:
            found = self.legacy.item(code, fiche.version if fiche else None)
        return found

    def appellation(self, code: str) -> Appellation | None:
        found = self.appellations.get(code)
        if found is None and self.legacy is not None:
            found = self.legacy.appellation(code)
        return found

    def certification(self, code: str) -> Certification | None:
        found = self.certifications.get(code)
        if found is None and self.legacy is not None:
            found = self.legacy.certification(code)
        return found

    def blocs_of(self, certification: Certification) -> tuple[Bloc, ...]:
        if certification.code in self.blocs and certification.version == self.rncp:
            return self.blocs[certification.code]
        if self.bloc_loader is None:
            return self.blocs.get(certification.code, ())
        return self.bloc_loader(certification)

    def macro_label(self, item: Item) -> str:
        macro = self.items.get(item.macro)
        return macro.libelle if macro else ""

    def domain_label(self, code: str) -> str:
        return self.groups.get(("domaine", code), "")

    # ------------------------------------------------------------------ derived indexes
    @cached_property
    def certifications_by_rome(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for certification in self.certifications.values():
            for rome in certification.romes:
                index.setdefault(rome, []).append(certification.code)
        return {rome: tuple(sorted(codes)) for rome, codes in index.items()}

    @cached_property
    def predecessors(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for old, news in self.successors.items():
            for new in news:
                index.setdefault(new, []).append(old)
        return {new: tuple(sorted(olds)) for new, olds in index.items()}

    @cached_property
    def appellation_matcher(self) -> TextMatcher:
        """Appellations and their synonyms (long and short labels) for job-title suggestions."""
        documents = []
        for appellation in self.appellations.values():
            documents.append((appellation.code, appellation.libelle))
            if appellation.libelle_court and appellation.libelle_court != appellation.libelle:
                documents.append((appellation.code, appellation.libelle_court))
        return TextMatcher(documents)

    @cached_property
    def label_idf(self) -> Idf:
        """Word weights over every competence and savoir label: what makes a word telling when
        a bloc's wording is compared with a few ROME items."""
        return idf_of(item.libelle for item in self.items.values() if item.categorie != "contexte")

    @cached_property
    def fiche_of_item_core(self) -> dict[str, tuple[str, ...]]:
        """Item → the fiches having it as a core competence (for « who needs this »)."""
        index: dict[str, list[str]] = {}
        for fiche in self.fiches.values():
            for code in fiche.core:
                index.setdefault(code, []).append(fiche.code)
        return {code: tuple(sorted(codes)) for code, codes in index.items()}


class Legacy:
    """Lookups in releases older than the current one (database-backed, in `building.py`)."""

    def fiche(self, code: str) -> Fiche | None:  # pragma: no cover - interface
        return None

    def item(self, code: str, version: Version | None) -> Item | None:  # pragma: no cover
        return None

    def appellation(self, code: str) -> Appellation | None:  # pragma: no cover
        return None

    def certification(self, code: str) -> Certification | None:  # pragma: no cover
        return None


def from_sets(rome=None, rncp=None) -> Referential:
    """A Referential straight from what `reading/` returns (no database): tests and tools."""
    rome_version = (
        Version("rome", "rome", rome.label, f"ROME {rome.label}", rome.title) if rome else None
    )
    rncp_version = (
        Version("rncp", "rncp", rncp.label, f"RNCP/RS {rncp.label}", rncp.format) if rncp else None
    )
    referential = Referential(rome=rome_version, rncp=rncp_version)
    if rome is not None:
        referential.items = {
            row.code_ogr: Item(
                row.code_ogr,
                row.libelle,
                row.categorie,
                row.nature,
                row.macro_code_ogr,
                row.macro_code,
                row.groupe,
            )
            for row in rome.items
        }
        items: dict[str, list[tuple[str, str]]] = {}
        for row in rome.fiche_items:
            items.setdefault(row.fiche_code, []).append((row.item_code, row.coeur_metier))
        mobilities: dict[str, list[tuple[int, str]]] = {}
        for row in rome.mobilities:
            mobilities.setdefault(row.fiche_code, []).append((row.ordre, row.target_code))
        referential.fiches = {
            row.code: Fiche(
                code=row.code,
                libelle=row.libelle,
                version=rome_version,
                items=tuple(items.get(row.code, ())),
                mobilities=tuple(
                    (target, ordre) for ordre, target in sorted(mobilities.get(row.code, ()))
                ),
                parent=row.parent_code,
                domaine=row.domaine,
                grand_domaine=row.grand_domaine,
                definition=row.definition,
                acces=row.acces,
                tags=tuple(row.tags),
            )
            for row in rome.fiches
        }
        referential.appellations = {
            row.code_ogr: Appellation(
                row.code_ogr, row.libelle, row.fiche_code, row.libelle_court, row.principale
            )
            for row in rome.appellations
        }
        referential.groups = {(row.level, row.code): row.libelle for row in rome.groups}
    if rncp is not None:
        romes: dict[str, list[str]] = {}
        for row in rncp.romes:
            if row.rome_code not in romes.setdefault(row.certification_code, []):
                romes[row.certification_code].append(row.rome_code)
        referential.certifications = {
            row.code: Certification(
                code=row.code,
                intitule=row.intitule,
                version=rncp_version,
                actif=row.actif,
                romes=tuple(romes.get(row.code, ())),
                niveau=row.niveau,
                niveau_libelle=row.niveau_libelle,
                abrege=row.abrege,
                certificateurs=tuple(c.get("nom", "") for c in row.certificateurs),
            )
            for row in rncp.certifications
        }
        blocs: dict[str, list[Bloc]] = {}
        for row in rncp.blocs:
            blocs.setdefault(row.certification_code, []).append(
                Bloc(
                    row.code,
                    row.libelle,
                    row.position,
                    tuple(
                        BlocItem(c["position"], c["niveau"], c["libelle"], c.get("parent"))
                        for c in row.competences
                    ),
                )
            )
        referential.blocs = {code: tuple(values) for code, values in blocs.items()}
        successors: dict[str, list[str]] = {}
        for row in rncp.successions:
            successors.setdefault(row.ancienne, []).append(row.nouvelle)
        referential.successors = {old: tuple(sorted(news)) for old, news in successors.items()}
    return referential
