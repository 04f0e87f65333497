"""Helpers of the passport tests: holders and entries created directly (FranceConnect is tested
apart, in tests/franceconnect)."""

import datetime
import json
import uuid

from django.contrib.auth import get_user_model

from passeport.passport.models import Entry, Holder
from passeport.passport.recording import record_certification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_person(birth_name: str = "Test", given_names: str = "Alex"):
    """A person of the identity register (random NIR: only its keyed hash is looked up)."""
    import random

    from passeport.identity.models import Person

    body = f"1{random.randint(10**11, 10**12 - 1)}"
    person = Person.build(
        nir=body,
        birth_name=birth_name,
        given_names=given_names,
        sex="M",
        birth_date=datetime.date(1990, 1, 1),
        birth_commune="75056",
        birth_country="99100",
    )
    person.save()
    return person.pk


def make_holder(name: str, *, person_id=None) -> Holder:
    user = get_user_model().objects.create_user(
        email=f"{name}@titulaires.test", password=None, first_name=name.capitalize()
    )
    return Holder.objects.create(
        user=user,
        fc_sub=f"sub-{name}-{uuid.uuid4().hex}",
        pivot_identity=json.dumps(
            {
                "given_name": name.capitalize(),
                "family_name": "Test",
                "birthdate": "1990-01-01",
                "gender": "female",
            }
        ),
        person_id=person_id,
        link_status=Holder.LinkStatus.LINKED if person_id else Holder.LinkStatus.NO_MATCH,
    )


def certify(person_id, *, id_technique="IDT-1", title="BTS Services informatiques", **extra):
    return record_certification(
        person_id,
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Lycée de Démo",
        code="RNCP35340",
        type="RNCP",
        title=title,
        award_date=datetime.date(2024, 7, 5),
        id_technique=id_technique,
        deposit_id=uuid.uuid4(),
        flux_id="FLUX-DEMO",
        **extra,
    )


def declare(holder: Holder, title="Bénévole aux Restos du cœur", kind=Entry.Kind.VOLUNTEERING):
    return Entry.objects.create(
        holder=holder,
        kind=kind,
        trust=Entry.Trust.DECLARED,
        source=Entry.Source.HOLDER,
        title=title,
        start_date=datetime.date(2020, 1, 1),
    )
