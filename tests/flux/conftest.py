"""Fixtures of the flux tests (validation, build, accusés). Keep it small.

Two kinds, named so that a test says which it relies on:
- the project's own: the 1.1.2 schema Passeport ships (passeport/flux/schemas/), an example flux
  and an accusé de traitement written for these tests (tests/flux/data/);
- `cdc_oracle_*`: the CDC's official files (../shared/cdc, read-only), for the few tests whose
  point is the comparison with them; skipped, with a reason starting « oracle : », without them.
"""

from pathlib import Path

import pytest
from lxml import etree

DATA = Path(__file__).with_name("data")


# The project's own files.


@pytest.fixture(scope="session")
def flux_xsd_112() -> Path:
    """The 1.1.2 schema file Passeport ships (same facts as the official one: test_schema_files)."""
    from passeport.flux import xsd

    return xsd.schema_file("1.1.2")


@pytest.fixture(scope="session")
def flux_schema_112(flux_xsd_112) -> etree.XMLSchema:
    from passeport.flux import safexml

    return etree.XMLSchema(safexml.parse(str(flux_xsd_112)))


@pytest.fixture(scope="session")
def example_flux() -> Path:
    """A 1.1.2 flux of three passages (titulaire with every optional element, dossierFormation,
    birth abroad), valid and with no finding on 2025-07-10."""
    return DATA / "exemple-flux-1.1.2.xml"


@pytest.fixture(scope="session")
def example_flux_bytes(example_flux) -> bytes:
    return example_flux.read_bytes()


@pytest.fixture(scope="session")
def example_accuse() -> Path:
    """An accusé de traitement in the CDC's layout: 3 rejections (one of each known message),
    2 acceptances."""
    return DATA / "accuse-de-traitement.xml"


# The CDC's official files (oracles).


@pytest.fixture(scope="session")
def cdc_oracle_xsd(oracle_file) -> Path:
    """The official CDC schema, version 1.1.2 (kit « v2.0.0 »)."""
    return oracle_file("cdc", "cpf-xsd-1.1.2.xsd")


@pytest.fixture(scope="session")
def cdc_oracle_example(oracle_file) -> Path:
    """The official example flux of the CDC kit (3 passages, valid against 1.1.2)."""
    return oracle_file("cdc", "exemple-officiel-flux-v2.0.0.xml")


@pytest.fixture(scope="session")
def cdc_oracle_example_bytes(cdc_oracle_example) -> bytes:
    return cdc_oracle_example.read_bytes()


@pytest.fixture(scope="session")
def cdc_oracle_accuse(oracle_file) -> Path:
    """A real accusé de traitement returned by the CDC."""
    return oracle_file("cdc", "exemple-accuse-de-traitement.xml")


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
