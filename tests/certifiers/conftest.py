"""Fixtures of the certifiers' tests (helpers in certifiers_helpers.py)."""

import pytest
from certifiers_helpers import VALID_SIRETS, make_certifier


@pytest.fixture
def univ(db):
    return make_certifier("UNIVAAAA", name="Université A")


@pytest.fixture
def other(db):
    return make_certifier("OTHERBBB", name="École B", siret=VALID_SIRETS[1])
