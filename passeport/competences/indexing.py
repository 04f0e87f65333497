"""Builds `referential.Referential` from the database: the current releases, once per process.

`current()` asks which releases are current (one query on a table of a few rows) and returns
the index built for them, building it when they changed — an import in another process, or
the first request. The ROME part is the whole current release (about 170 000 rows read as
tuples, a few hundred milliseconds, once); RNCP keeps its certifications, ROME codes and
successions, and reads blocs on demand (`_BlocLoader`, bounded cache). Older releases are asked
only for codes the current ones lack (`DatabaseLegacy`).
"""

import threading
from collections import OrderedDict

from . import models as m
from .referential import (
    Appellation,
    Bloc,
    BlocItem,
    Certification,
    Fiche,
    Item,
    Legacy,
    Referential,
    Version,
)

_lock = threading.Lock()
_built: dict[tuple, Referential] = {}


def _version(row: m.ReferentialVersion | None) -> Version | None:
    if row is None:
        return None
    return Version(str(row.pk), row.kind, row.label, row.display, row.title)


def current() -> Referential:
    versions = {v.kind: v for v in m.ReferentialVersion.objects.filter(is_current=True)}
    key = tuple(str(versions[k].pk) if k in versions else "" for k in ("rome", "rncp", "esco"))
    found = _built.get(key)
    if found is not None:
        return found
    with _lock:
        found = _built.get(key)
        if found is None:
            found = build(versions.get("rome"), versions.get("rncp"), versions.get("esco"))
            _built.clear()  # one index per process: the previous releases' is dropped
            _built[key] = found
    return found


def forget() -> None:
    """Drop the built index (tests that load releases in the same process)."""
    with _lock:
        _built.clear()


def build(rome_row, rncp_row, esco_row=None) -> Referential:
    rome, rncp = _version(rome_row), _version(rncp_row)
    referential = Referential(rome=rome, rncp=rncp, esco=_version(esco_row))
    if rome is not None:
        referential.items = _items(rome.id)
        referential.fiches = _fiches(rome)
        referential.appellations = {
            code: Appellation(code, libelle, fiche, court, principale)
            for code, libelle, fiche, court, principale in m.RomeAppellation.objects.filter(
                version_id=rome.id
            ).values_list("code_ogr", "libelle", "fiche_code", "libelle_court", "principale")
        }
        referential.groups = {
            (level, code): libelle
            for level, code, libelle in m.RomeGroup.objects.filter(version_id=rome.id).values_list(
                "level", "code", "libelle"
            )
        }
    if rncp is not None:
        referential.certifications = _certifications(rncp)
        successors: dict[str, list[str]] = {}
        for old, new in m.CertificationSuccession.objects.filter(version_id=rncp.id).values_list(
            "ancienne", "nouvelle"
        ):
            successors.setdefault(old, []).append(new)
        referential.successors = {old: tuple(sorted(news)) for old, news in successors.items()}
        referential.bloc_loader = _BlocLoader()
    referential.legacy = DatabaseLegacy(rome, rncp)
    return referential


def _items(version_id) -> dict[str, Item]:
    return {
        row[0]: Item(*row)
        for row in m.RomeItem.objects.filter(version_id=version_id).values_list(
            "code_ogr", "libelle", "categorie", "nature", "macro_code_ogr", "macro_code", "groupe"
        )
    }


def _fiches(version: Version, codes=None) -> dict[str, Fiche]:
    fiche_items: dict[str, list[tuple[str, str]]] = {}
    items = m.RomeFicheItem.objects.filter(version_id=version.id)
    mobilities = m.RomeMobility.objects.filter(version_id=version.id)
    fiches = m.RomeFiche.objects.filter(version_id=version.id)
    if codes is not None:
        items, mobilities = (
            items.filter(fiche_code__in=codes),
            mobilities.filter(fiche_code__in=codes),
        )
        fiches = fiches.filter(code__in=codes)
    for fiche, item, core in items.order_by("id").values_list(
        "fiche_code", "item_code", "coeur_metier"
    ):
        fiche_items.setdefault(fiche, []).append((item, core))
    fiche_mobilities: dict[str, list[tuple[str, int]]] = {}
    for fiche, target, ordre in mobilities.order_by(
        "fiche_code", "ordre", "target_code"
    ).values_list("fiche_code", "target_code", "ordre"):
        fiche_mobilities.setdefault(fiche, []).append((target, ordre))
    return {
        code: Fiche(
            code=code,
            libelle=libelle,
            version=version,
            items=tuple(fiche_items.get(code, ())),
            mobilities=tuple(fiche_mobilities.get(code, ())),
            parent=parent,
            domaine=domaine,
            grand_domaine=grand_domaine,
            definition=definition,
            acces=acces,
            tags=tuple(tags or ()),
        )
        for code, libelle, parent, domaine, grand_domaine, definition, acces, tags in fiches.values_list(
            "code",
            "libelle",
            "parent_code",
            "domaine",
            "grand_domaine",
            "definition",
            "acces",
            "tags",
        )
    }


def _certifications(version: Version, codes=None) -> dict[str, Certification]:
    romes: dict[str, list[str]] = {}
    links = m.CertificationRome.objects.filter(version_id=version.id)
    rows = m.Certification.objects.filter(version_id=version.id)
    if codes is not None:
        links, rows = links.filter(certification_code__in=codes), rows.filter(code__in=codes)
    for code, rome in links.order_by("id").values_list("certification_code", "rome_code"):
        if rome not in romes.setdefault(code, []):
            romes[code].append(rome)
    return {
        code: Certification(
            code=code,
            intitule=intitule,
            version=version,
            actif=actif,
            romes=tuple(romes.get(code, ())),
            niveau=niveau,
            niveau_libelle=niveau_libelle,
            abrege=abrege,
            certificateurs=tuple(c.get("nom", "") for c in certificateurs or ()),
        )
        for code, intitule, actif, niveau, niveau_libelle, abrege, certificateurs in rows.values_list(
            "code", "intitule", "actif", "niveau", "niveau_libelle", "abrege", "certificateurs"
        )
    }


class _BlocLoader:
    """A certification's blocs, read when first needed and kept (up to `size` certifications)."""

    def __init__(self, size: int = 2000):
        self.size = size
        self._cache: OrderedDict[tuple[str, str], tuple[Bloc, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, certification: Certification) -> tuple[Bloc, ...]:
        key = (certification.version.id, certification.code)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        blocs = tuple(
            Bloc(
                code,
                libelle,
                position,
                tuple(
                    BlocItem(c["position"], c["niveau"], c["libelle"], c.get("parent"))
                    for c in competences or ()
                ),
            )
            for code, libelle, position, competences in m.CertificationBloc.objects.filter(
                version_id=certification.version.id, certification_code=certification.code
            )
            .order_by("position")
            .values_list("code", "libelle", "position", "competences")
        )
        with self._lock:
            self._cache[key] = blocs
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return blocs


class DatabaseLegacy(Legacy):
    """Codes missing from the current releases, found in the most recent older release."""

    def __init__(self, rome: Version | None, rncp: Version | None):
        self.rome, self.rncp = rome, rncp
        self._fiches: dict[str, Fiche | None] = {}
        self._items: dict[tuple[str, str], Item | None] = {}
        self._appellations: dict[str, Appellation | None] = {}
        self._certifications: dict[str, Certification | None] = {}

    def _older(self, kind: str, current: Version | None):
        rows = m.ReferentialVersion.objects.filter(kind=kind).order_by("-created_at")
        if current is not None:
            rows = rows.exclude(pk=current.id)
        return list(rows)

    def fiche(self, code):
        if code not in self._fiches:
            found = None
            versions = self._older("rome", self.rome)
            hit = (
                m.RomeFiche.objects.filter(version__in=versions, code=code)
                .order_by("-version__created_at")
                .values_list("version_id", flat=True)
                .first()
            )
            if hit is not None:
                row = next(v for v in versions if v.pk == hit)
                found = _fiches(_version(row), [code]).get(code)
            self._fiches[code] = found
        return self._fiches[code]

    def item(self, code, version):
        key = (code, version.id if version else "")
        if key not in self._items:
            rows = m.RomeItem.objects.filter(code_ogr=code)
            rows = (
                rows.filter(version_id=version.id)
                if version
                else rows.order_by("-version__created_at")
            )
            row = rows.values_list(
                "code_ogr",
                "libelle",
                "categorie",
                "nature",
                "macro_code_ogr",
                "macro_code",
                "groupe",
            ).first()
            self._items[key] = Item(*row) if row else None
        return self._items[key]

    def appellation(self, code):
        if code not in self._appellations:
            row = (
                m.RomeAppellation.objects.filter(code_ogr=code)
                .order_by("-version__created_at")
                .values_list("code_ogr", "libelle", "fiche_code", "libelle_court", "principale")
                .first()
            )
            self._appellations[code] = Appellation(*row) if row else None
        return self._appellations[code]

    def certification(self, code):
        if code not in self._certifications:
            found = None
            versions = self._older("rncp", self.rncp)
            hit = (
                m.Certification.objects.filter(version__in=versions, code=code)
                .order_by("-version__created_at")
                .values_list("version_id", flat=True)
                .first()
            )
            if hit is not None:
                row = next(v for v in versions if v.pk == hit)
                found = _certifications(_version(row), [code]).get(code)
            self._certifications[code] = found
        return self._certifications[code]
