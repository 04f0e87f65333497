"""What the proofs app reads from the `competences` app, through this one small interface.

The competences app (RNCP/RS fiches of France Compétences, ROME, « Mes compétences ») is a
neighbour that may be absent from an installation or have no referential loaded yet: every
function here answers « nothing known » then, and CVs and credentials are made without it.

- `fiche(code)`: the level and the blocs of competences of an RNCP/RS fiche (current release);
- `cv_competences(holder, entries)`: the competences a CV lists — the holder's own choice in
  « Mes compétences » when the app offers it (`passeport.competences.summary.for_cv`), else the
  blocs of competences of the guaranteed certifications shown, each with its source.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class Bloc:
    code: str
    title: str


@dataclass(frozen=True)
class Fiche:
    code: str
    title: str
    level: str = ""
    level_label: str = ""
    blocs: tuple[Bloc, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CompetenceLine:
    label: str
    source: str  # « RNCP35340 — BTS SIO, bloc 1 », or the holder's own choice


def _installed() -> bool:
    return apps.is_installed("passeport.competences")


def fiche(code: str) -> Fiche | None:
    if not code or not _installed():
        return None
    try:
        from passeport.competences.models import Certification, CertificationBloc
    except ImportError:
        return None
    try:
        row = (
            Certification.objects.filter(version__is_current=True, code=code.upper())
            .only("code", "intitule", "niveau", "niveau_libelle")
            .first()
        )
        if row is None:
            return None
        blocs = CertificationBloc.objects.filter(
            version__is_current=True, certification_code=row.code
        ).order_by("position")
        return Fiche(
            code=row.code,
            title=row.intitule,
            level=row.niveau,
            level_label=row.niveau_libelle,
            blocs=tuple(Bloc(b.code, b.libelle) for b in blocs),
        )
    except Exception:
        return None


def cv_competences(holder, entries) -> list[CompetenceLine]:
    if _installed():
        try:
            summary = import_module("passeport.competences.summary")
        except ImportError:
            summary = None
        if summary is not None and hasattr(summary, "for_cv"):
            return [
                CompetenceLine(str(label), str(source)) for label, source in summary.for_cv(holder)
            ]
    lines: list[CompetenceLine] = []
    for entry in entries:
        if not (entry.is_guaranteed and entry.certification_code):
            continue
        found = fiche(entry.certification_code)
        for bloc in found.blocs if found else ():
            lines.append(CompetenceLine(bloc.title, f"{entry.certification_code} — {entry.title}"))
    return lines
