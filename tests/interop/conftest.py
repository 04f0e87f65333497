"""Fixtures of the interop tests: a holder with a rich passport (guaranteed and declared)."""

import datetime
import json
from pathlib import Path

import pytest

from passeport.passport.models import Entry
from passeport.testing import factories

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def rich_holder(db):
    holder = factories.HolderFactory(name="alice", linked=True)
    factories.CertificationFactory(person=holder.person)
    factories.EntryFactory(
        holder=holder,
        kind=Entry.Kind.EXPERIENCE,
        title="Technicienne support",
        organisation="Mairie de Lyon",
        start_date=datetime.date(2021, 3, 1),
        end_date=datetime.date(2023, 6, 30),
    )
    factories.EntryFactory(holder=holder, organisation="Restos du cœur")
    factories.EntryFactory(
        holder=holder, kind=Entry.Kind.TRAINING, title="Réseaux", organisation="AFPA"
    )
    factories.EntryFactory(holder=holder, kind=Entry.Kind.LICENCE, title="Permis B")
    factories.EntryFactory(holder=holder, kind=Entry.Kind.OTHER, title="Prix du jury")
    return holder


@pytest.fixture(scope="session")
def json_resume_schema():
    return json.loads((FIXTURES / "jsonresume-schema-1.3.1.json").read_text())
