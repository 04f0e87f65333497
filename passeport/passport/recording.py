"""Recording guaranteed certifications in passports: what the deposit pipeline calls.

Stable interface (the deposits app depends on it):

    record_certification(person, *, emetteur_id, certificateur_id, certifier_name, code, type,
                         title, award_date, id_technique, deposit_id=None, flux_id="",
                         provisional=False, mention="", option="", score="", valid_from=None,
                         valid_until=None, start_date=None, end_date=None, details=None) -> Entry
    withdraw_certification(emetteur_id, id_technique, reason, *, actor=None,
                           deposit_id=None) -> Entry | None
    certification_values(person, **same keyword arguments as record_certification) -> dict
        (the fields record_certification writes: for a bulk insert of new passages)

Rules implemented (CDC data dictionary):
- a passage is identified by (idClient émetteur, idTechnique) across all the émetteur's
  deposits; recording the same passage again is idempotent (a worker resuming after a crash
  calls again with the same deposit and gets the same entry, nothing duplicated);
- `donneeCertifiee=false` gives a *provisional* entry; a later deposit of the same passage with
  `donneeCertifiee=true` confirms it (and may correct its data): same entry, updated;
- a passage withdrawn by a SUPPRESSION flux and created again comes back (same entry);
- a confirmed passage recorded again from *another* deposit is the CDC duplicate case, refused
  with `PassageAlreadyRecorded` carrying the exact CDC message (the pipeline checks it earlier;
  this is the last guard, backed by a unique constraint).
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.core.models import AuditEvent

from .models import Entry
from .signals import entry_corrected, entry_withdrawn, person_entries_changed

# Exact CDC message for a duplicate passage (CDC rules and messages).
DUPLICATE_MESSAGE = (
    "Le passage certification avec le bcr émetteur {emetteur} et l'id technique partenaire "
    "{id_technique} existe déjà en base"
)


class PassageAlreadyRecorded(ValueError):
    def __init__(self, emetteur_id: str, id_technique: str):
        super().__init__(DUPLICATE_MESSAGE.format(emetteur=emetteur_id, id_technique=id_technique))
        self.emetteur_id = emetteur_id
        self.id_technique = id_technique


def _uuid(value) -> uuid.UUID:
    # Already a UUID most of the time (a deposit's 200 000 passages): no parsing again.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _person_id(person) -> uuid.UUID:
    value = getattr(person, "pk", person)
    if value is None:
        raise ValueError("record_certification : la personne du registre d'identité est requise")
    return _uuid(value)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def certification_values(
    person,
    *,
    emetteur_id: str,
    certificateur_id: str,
    certifier_name: str,
    code: str,
    type: str,  # the CDC dictionary's own word (typeCertification: RNCP or RS)
    title: str,
    award_date: datetime.date | None,
    id_technique: str,
    deposit_id: uuid.UUID | str | None = None,
    flux_id: str = "",
    provisional: bool = False,
    mention: str = "",
    option: str = "",
    score: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    details: dict | None = None,
) -> dict:
    """The field values of the guaranteed certification entry of a passage (without the
    passage's identity: `emetteur_id`, `id_technique`). `record_certification` writes exactly
    these; a bulk path (deposits) builds `Entry(emetteur_id=…, id_technique=…, **values)`.
    """
    person_id = _person_id(person)
    deposit_uuid = _uuid(deposit_id) if deposit_id else None
    extra = {
        key: value
        for key, value in {
            "mention": mention,
            "option": option,
            "score": str(score) if score not in (None, "") else "",
            "valid_from": _iso(valid_from),
        }.items()
        if value
    }
    extra.update(details or {})
    values = {
        "person_id": person_id,
        "holder": None,
        "kind": Entry.Kind.CERTIFICATION,
        "trust": Entry.Trust.GUARANTEED,
        "source": Entry.Source.CERTIFIER_DEPOSIT,
        "source_reference": str(deposit_uuid) if deposit_uuid else (flux_id or ""),
        "title": title,
        "organisation": certifier_name,
        "award_date": award_date,
        "start_date": start_date,
        "end_date": end_date,
        "expires_on": valid_until,
        "certification_type": type,
        "certification_code": code,
        "certificateur_id": certificateur_id,
        "provisional": bool(provisional),
        "deposit_id": deposit_uuid,
        "flux_id": flux_id or "",
        "details": extra,
        "withdrawn_at": None,
        "withdrawal_reason": "",
    }
    return values


def record_certification(person, *, emetteur_id: str, id_technique: str, **fields) -> Entry:
    """Record (or confirm) a certification passage in `person`'s passport, as guaranteed.

    `person` is an `identity.Person` (or its UUID); `fields` are the keyword arguments of
    `certification_values` (certifier, code, type, title, dates, provisional…). Returns the
    entry. Idempotent, see module docstring. Raises `PassageAlreadyRecorded` for a confirmed
    passage sent by another deposit.
    """
    values = certification_values(
        person, emetteur_id=emetteur_id, id_technique=id_technique, **fields
    )
    provisional = values["provisional"]
    person_id = values["person_id"]
    deposit_uuid = values["deposit_id"]
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update()
            .filter(emetteur_id=emetteur_id, id_technique=id_technique)
            .first()
        )
        if entry is None:
            try:
                with transaction.atomic():
                    entry = Entry.objects.create(
                        emetteur_id=emetteur_id, id_technique=id_technique, **values
                    )
            except IntegrityError:
                # Another worker recorded the same passage at the same instant: same outcome.
                entry = Entry.objects.select_for_update().get(
                    emetteur_id=emetteur_id, id_technique=id_technique
                )
                if entry.deposit_id == deposit_uuid:
                    return entry
                raise PassageAlreadyRecorded(emetteur_id, id_technique) from None
        else:
            same_deposit = entry.deposit_id == deposit_uuid and not entry.is_withdrawn
            if same_deposit and entry.provisional == bool(provisional):
                return entry  # replay (resumed worker): nothing to do
            if not (entry.provisional or entry.is_withdrawn or same_deposit):
                raise PassageAlreadyRecorded(emetteur_id, id_technique)
            was = "withdrawn" if entry.is_withdrawn else "provisional"
            for field, value in values.items():
                setattr(entry, field, value)
            entry.save()
            AuditEvent.record(
                "passport.certification_updated",
                target=entry,
                id_technique=id_technique,
                emetteur=emetteur_id,
                previous_state=was,
                provisional=entry.provisional,
                deposit=str(deposit_uuid) if deposit_uuid else "",
            )
            entry_corrected.send(sender=Entry, entry_id=entry.pk, person_id=person_id)
        transaction.on_commit(
            lambda: person_entries_changed.send(sender=Entry, person_id=person_id)
        )
    return entry


def withdraw_certification(
    emetteur_id: str,
    id_technique: str,
    reason: str,
    *,
    actor=None,
    deposit_id: uuid.UUID | str | None = None,
) -> Entry | None:
    """Withdraw a passage (SUPPRESSION flux, 1.1.5): hidden from the passport, kept for audit.

    Returns the withdrawn entry, or None when the émetteur has no active passage with this
    idTechnique (the pipeline reports that as a KO passage). Idempotent.
    """
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update()
            .filter(emetteur_id=emetteur_id, id_technique=id_technique, withdrawn_at__isnull=True)
            .first()
        )
        if entry is None:
            return None
        entry.withdrawn_at = timezone.now()
        entry.withdrawal_reason = reason[:500]
        entry.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
        AuditEvent.record(
            "passport.certification_withdrawn",
            actor=actor,
            target=entry,
            id_technique=id_technique,
            emetteur=emetteur_id,
            reason=reason[:500],
            deposit=str(deposit_id) if deposit_id else "",
        )
        person_id = entry.person_id
        entry_withdrawn.send(sender=Entry, entry_id=entry.pk, person_id=person_id)
        transaction.on_commit(
            lambda: person_entries_changed.send(sender=Entry, person_id=person_id)
        )
    return entry
