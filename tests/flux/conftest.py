"""Fixtures of the flux tests: the CDC reference files of ../shared/cdc, read-only oracles.

Shared by every tests/flux module (validation and build). Keep it small.
"""

from pathlib import Path

import pytest

CDC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "cdc"


def _cdc_file(name: str) -> Path:
    path = CDC_DIR / name
    if not path.is_file():
        pytest.skip(
            f"Fichier de référence CDC absent : {path} (le dossier ../shared/cdc doit être à côté "
            "du dépôt) ; les tests qui s'en servent d'oracle sont ignorés."
        )
    return path


@pytest.fixture(scope="session")
def cdc_dir() -> Path:
    """../shared/cdc (read-only)."""
    _cdc_file("SOURCES.md")
    return CDC_DIR


@pytest.fixture(scope="session")
def official_xsd() -> Path:
    """The official CDC schema, version 1.1.2 (kit « v2.0.0 »)."""
    return _cdc_file("cpf-xsd-1.1.2.xsd")


@pytest.fixture(scope="session")
def official_example() -> Path:
    """The official example flux of the CDC kit (3 passages, valid against 1.1.2)."""
    return _cdc_file("exemple-officiel-flux-v2.0.0.xml")


@pytest.fixture(scope="session")
def official_example_bytes(official_example) -> bytes:
    return official_example.read_bytes()


@pytest.fixture(scope="session")
def accuse_example() -> Path:
    """A real accusé de traitement returned by the CDC."""
    return _cdc_file("exemple-accuse-de-traitement.xml")


@pytest.fixture(scope="session")
def xsd_describe():
    """`describe(xsd_path) -> {path: facts}`: the facts of a schema (see xsd_facts.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "flux_xsd_facts", Path(__file__).with_name("xsd_facts.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.describe
