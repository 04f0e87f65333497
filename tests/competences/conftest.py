"""Fixtures of the competences tests: the project's demo referential (passeport/competences/
data/demo/, what most tests use) and `referentiels_oracle_dir`, the official ROME, RNCP and ESCO
files as published (../shared/referentiels), for the few tests whose point is reading them;
skipped, with a reason starting « oracle : », without them. `loaded` (the demo referential in
the database) is in tests/conftest.py: the API's tests use it too."""

from pathlib import Path

import pytest

from passeport.competences.demo import DEMO_DIR


@pytest.fixture(scope="session")
def referentiels_oracle_dir(oracle_file) -> Path:
    """../shared/referentiels: the official files as published (oracle tests only)."""
    return oracle_file("referentiels")


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture(scope="session")
def demo_referential(demo_dir):
    """The demo referential (real ROME 4.0 and RNCP rows) as plain objects, no database."""
    from passeport.competences.reading.rncp import read_xml
    from passeport.competences.reading.rome import read_rome
    from passeport.competences.reading.sources import open_source
    from passeport.competences.referential import from_sets

    with open_source(demo_dir / "rome") as rome, open_source(demo_dir / "rncp") as rncp:
        return from_sets(read_rome(rome), read_xml(rncp))
