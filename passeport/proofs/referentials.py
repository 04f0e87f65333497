"""What the proofs app reads from the `competences` app, through this one small interface.

The competences app (RNCP/RS fiches of France Compétences, ROME, « Mes compétences ») is a
neighbour that may be absent from an installation or have no referential loaded yet: every
function here answers « nothing known » then, and CVs and credentials are made without it.

- `fiche(code)`: the level and the blocs of competences of an RNCP/RS fiche (current release);
- `cv_competences(holder, entries)`: the competences a CV lists — those « Mes compétences »
  deduces from the entries the CV shows (or the holder declared or confirmed), hidden ones left
  out, strongest first (`passeport.competences.profiles.state_of`); without that app, the blocs
  of competences of the guaranteed certifications shown. Each with its source.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

MAX_CV_COMPETENCES = 12


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


def _deduced(holder, entries) -> list[CompetenceLine] | None:
    """From « Mes compétences », None when that app offers no profile."""
    try:
        profiles = import_module("passeport.competences.profiles")
        profile = profiles.state_of(holder).profile
        shown = {str(entry.pk) for entry in entries}
        lines = []
        for competence in sorted(profile.visible(), key=lambda c: -c.score):
            sources = [p for p in competence.provenances if p.entree in shown]
            if not sources and competence.statut not in ("confirmee", "declaree"):
                continue
            source = sources[0].entree_intitule if sources else "déclarée par le titulaire"
            lines.append(CompetenceLine(competence.libelle, source))
            if len(lines) == MAX_CV_COMPETENCES:
                break
        return lines
    except Exception:  # a neighbour's change must not break CVs: fall back
        return None


def cv_competences(holder, entries) -> list[CompetenceLine]:
    if _installed():
        deduced = _deduced(holder, entries)
        if deduced is not None:
            return deduced
    lines: list[CompetenceLine] = []
    for entry in entries:
        if not (entry.is_guaranteed and entry.certification_code):
            continue
        found = fiche(entry.certification_code)
        for bloc in found.blocs if found else ():
            lines.append(CompetenceLine(bloc.title, f"{entry.certification_code} — {entry.title}"))
    return lines
