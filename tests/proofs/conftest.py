"""Fixtures of the proofs tests: a holder linked to a register person with guaranteed entries."""

import datetime

import pytest

from passeport.passport.models import Entry
from passeport.passport.recording import record_certification

TODAY = datetime.date.today()


@pytest.fixture
def person(db):
    from passeport.identity.models import Person

    person = Person.build(
        nir="2900175056123",
        birth_name="Lefèvre",
        given_names="Camille",
        sex="F",
        birth_date=datetime.date(1990, 1, 1),
        birth_commune="75056",
        birth_country="99100",
    )
    person.save()
    return person


@pytest.fixture
def certification(person):
    return record_certification(
        person,
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Lycée de Démo",
        code="RNCP35340",
        type="RNCP",
        title="BTS Services informatiques aux organisations",
        award_date=datetime.date(2024, 7, 5),
        id_technique="IDT-1",
        mention="Bien",
    )


@pytest.fixture
def prevention(person):
    return Entry.objects.create(
        person_id=person.pk,
        kind=Entry.Kind.PREVENTION,
        trust=Entry.Trust.GUARANTEED,
        source=Entry.Source.PREVENTION,
        source_reference="SST-1",
        title="Sauveteur secouriste du travail",
        organisation="Organisme de formation de démo",
        award_date=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY + datetime.timedelta(days=320),
    )


@pytest.fixture
def holder(person):
    import json
    import uuid

    from django.contrib.auth import get_user_model

    from passeport.passport.models import Holder

    user = get_user_model().objects.create_user(
        email="camille@titulaires.test", password=None, first_name="Camille"
    )
    return Holder.objects.create(
        user=user,
        fc_sub=f"sub-camille-{uuid.uuid4().hex}",
        pivot_identity=json.dumps({"given_name": "Camille", "family_name": "Lefèvre"}),
        person_id=person.pk,
        link_status=Holder.LinkStatus.LINKED,
    )


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder.user)
    return client
