"""Fixtures of the passport tests."""

import pytest

from passeport.testing import factories


@pytest.fixture
def alice(db):
    return factories.HolderFactory(name="alice", linked=True)


@pytest.fixture
def bob(db):
    return factories.HolderFactory(name="bob", linked=True)
