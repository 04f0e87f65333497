"""Fixtures of the proofs tests: Camille, linked to the register, with guaranteed entries."""

import datetime

import pytest

from passeport.testing import factories


@pytest.fixture
def person(db):
    return factories.PersonFactory(
        birth_name="Lefèvre", given_names="Camille", sex="F", birth_date=datetime.date(1990, 1, 1)
    )


@pytest.fixture
def certification(person):
    return factories.CertificationFactory(
        person=person,
        title="BTS Services informatiques aux organisations",
        id_technique="IDT-1",
        mention="Bien",
    )


@pytest.fixture
def prevention(person):
    return factories.GuaranteedEntryFactory(person_id=person.pk, prevention=True)


@pytest.fixture
def holder(person):
    return factories.HolderFactory(
        name="camille",
        person=person,
        pivot_identity='{"given_name": "Camille", "family_name": "Lefèvre"}',
    )


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder.user)
    return client


@pytest.fixture
def storage(private_storage):
    """The signed PDFs' private storage (tests/conftest.py `private_storage`)."""
    return private_storage
