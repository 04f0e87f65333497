"""Fixtures of the competences tests: the official files (oracle) and the demo referential."""

from pathlib import Path

import pytest

from passeport.competences.demo import DEMO_DIR

REFERENTIELS = Path(__file__).resolve().parents[2].parent / "shared" / "referentiels"


@pytest.fixture(scope="session")
def referentiels() -> Path:
    """../shared/referentiels: the official files as published (oracle tests only)."""
    if not REFERENTIELS.is_dir():
        pytest.skip("oracle : ../shared/referentiels (fichiers officiels) absent à côté du dépôt")
    return REFERENTIELS


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO_DIR
