"""record_certification / withdraw_certification: the interface the deposit pipeline calls."""

import datetime
import uuid

import pytest

from passeport.core.models import AuditEvent
from passeport.passport.models import Entry
from passeport.passport.recording import (
    PassageAlreadyRecorded,
    record_certification,
    withdraw_certification,
)
from passeport.testing import factories

pytestmark = pytest.mark.django_db


def _record(person_id, **overrides):
    values = dict(
        emetteur_id="EMET0001",
        certificateur_id="CERT0001",
        certifier_name="Université de Démo",
        code="RNCP35185",
        type="RNCP",
        title="Licence professionnelle métiers du numérique",
        award_date=datetime.date(2025, 6, 30),
        id_technique="ID-42",
        deposit_id=uuid.UUID("00000000-0000-0000-0000-0000000000d1"),
        flux_id="FLUX-1",
        mention="Bien",
    )
    values.update(overrides)
    return record_certification(person_id, **values)


def test_records_a_guaranteed_certification_traceable_to_its_deposit():
    person_id = factories.PersonFactory().pk
    entry = _record(person_id, valid_until=datetime.date(2030, 6, 30), score="15.5")
    entry.refresh_from_db()
    assert entry.person_id == person_id and entry.holder is None
    assert entry.trust == Entry.Trust.GUARANTEED
    assert entry.kind == Entry.Kind.CERTIFICATION
    assert entry.source == Entry.Source.CERTIFIER_DEPOSIT
    assert entry.organisation == "Université de Démo"
    assert (entry.certification_type, entry.certification_code) == ("RNCP", "RNCP35185")
    assert str(entry.deposit_id).endswith("d1") and entry.flux_id == "FLUX-1"
    assert entry.details == {"mention": "Bien", "score": "15.5"}
    assert entry.expires_on == datetime.date(2030, 6, 30)
    assert not entry.provisional


def test_same_passage_twice_from_the_same_deposit_is_idempotent():
    person_id = factories.PersonFactory().pk
    first = _record(person_id)
    again = _record(person_id)
    assert first.pk == again.pk
    assert Entry.objects.count() == 1


def test_a_later_deposit_confirms_a_provisional_entry():
    person_id = factories.PersonFactory().pk
    provisional = _record(person_id, provisional=True)
    assert provisional.provisional
    confirmed = _record(person_id, provisional=False, deposit_id=uuid.uuid4(), mention="Très bien")
    assert confirmed.pk == provisional.pk
    confirmed.refresh_from_db()
    assert not confirmed.provisional and confirmed.details["mention"] == "Très bien"
    assert AuditEvent.objects.filter(action="passport.certification_updated").count() == 1


def test_a_confirmed_passage_from_another_deposit_is_the_cdc_duplicate():
    _record(factories.PersonFactory().pk)
    with pytest.raises(PassageAlreadyRecorded) as error:
        _record(factories.PersonFactory().pk, deposit_id=uuid.uuid4())
    assert str(error.value) == (
        "Le passage certification avec le bcr émetteur EMET0001 et l'id technique partenaire "
        "ID-42 existe déjà en base"
    )


def test_same_id_technique_from_another_emetteur_is_another_passage():
    person_id = factories.PersonFactory().pk
    _record(person_id)
    _record(person_id, emetteur_id="EMET0002")
    assert Entry.objects.count() == 2


def test_withdraw_hides_the_entry_audits_and_can_be_recreated():
    person_id = factories.PersonFactory().pk
    entry = _record(person_id)
    withdrawn = withdraw_certification("EMET0001", "ID-42", "Erreur de saisie")
    assert withdrawn.pk == entry.pk and withdrawn.is_withdrawn
    assert not Entry.objects.active().filter(pk=entry.pk).exists()
    event = AuditEvent.objects.get(action="passport.certification_withdrawn")
    assert event.details["id_technique"] == "ID-42" and event.target_id == str(entry.pk)
    # Withdrawing again, or an unknown idTechnique: nothing to withdraw.
    assert withdraw_certification("EMET0001", "ID-42", "encore") is None
    assert withdraw_certification("EMET0001", "INCONNU", "x") is None
    revived = _record(person_id, deposit_id=uuid.uuid4())
    assert revived.pk == entry.pk and not revived.is_withdrawn


def test_person_is_required():
    with pytest.raises(ValueError):
        _record(None)


def test_certification_values_are_what_record_certification_writes():
    from passeport.passport.recording import certification_values

    person_id = factories.PersonFactory().pk
    kwargs = dict(
        emetteur_id="EMET0009",
        certificateur_id="CERT0009",
        certifier_name="Org",
        code="RS5484",
        type="RS",
        title="TOEIC",
        award_date=datetime.date(2024, 1, 1),
        id_technique="BULK-1",
        score=905,
        valid_until=datetime.date(2026, 1, 1),
        provisional=True,
        details={"modalite_acces": "VAE"},
    )
    built = Entry(
        emetteur_id="EMET0009",
        id_technique="BULK-2",
        **certification_values(person_id, **{**kwargs, "id_technique": "BULK-2"}),
    )
    built.save()
    recorded = record_certification(person_id, **kwargs)
    fields = [
        f.name
        for f in Entry._meta.fields
        if f.name not in ("id", "created_at", "updated_at", "id_technique")
    ]
    assert {f: getattr(built, f) for f in fields} == {f: getattr(recorded, f) for f in fields}


def test_a_register_person_with_entries_cannot_be_deleted():
    from django.db.models import ProtectedError

    from passeport.identity.models import Person

    person_id = factories.PersonFactory().pk
    _record(person_id)
    with pytest.raises(ProtectedError):
        Person.objects.get(pk=person_id).delete()
