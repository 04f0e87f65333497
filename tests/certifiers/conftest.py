"""Fixtures of the certifiers' tests: two active certifiers."""

import pytest

from passeport.testing import factories


@pytest.fixture
def univ(db):
    return factories.CertifierFactory(
        id_client="UNIVAAAA", name="Université A", siret="73282932000074"
    )


@pytest.fixture
def other(db):
    return factories.CertifierFactory(id_client="OTHERBBB", name="École B")
