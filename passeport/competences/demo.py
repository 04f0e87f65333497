"""Demo data (idempotent): a small referential written by the project, so that « Fiche métier »,
« Fiche certification », « Mes compétences » and « Mon avenir » work offline in `make run`.

- `data/demo/rome/`: the ROME 4.0 (v460) fiches the demo holders need — administration, support,
  development and security of information systems — and the fiches their mobilities lead to,
  in the official CSV format (rows selected from France Travail's open data);
- `data/demo/rncp/`: BTS SIO RNCP35340 (inactive) and its successor RNCP40792 as published, and
  fiches written for the demo for the other certifications of the demo passports.
They are loaded only when no release of that referential is current: a database where the
full official sets were imported keeps them.
"""

from pathlib import Path

from .loading import import_referential
from .models import ReferentialVersion

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


def load_referentials() -> list[str]:
    loaded = []
    for kind, folder in (("rome", DEMO_DIR / "rome"), ("rncp", DEMO_DIR / "rncp")):
        if not ReferentialVersion.objects.filter(kind=kind, is_current=True).exists():
            result = import_referential(kind, folder)
            loaded.append(result.summary())
    return loaded


def seed() -> list[tuple[str, str, str]]:
    load_referentials()
    return []
