"""Linking a holder account to its person in the identity register, by the pivot identity.

FranceConnect gives a certified pivot identity (`given_name` = all given names, `family_name` =
birth name, `birthdate`, `gender`, `birthplace` INSEE commune, `birthcountry` INSEE country).
It is compared with the register through the identity app's keyed hashes, computed with the
identity app's own normalisation (`passeport.identity.keys` / `.normalisation`): the same
comparison as the deposit reconciliation (case, accents, hyphens, apostrophes and repeated
spaces ignored; birth name against birth name).

The lookup itself is the identity register's `find_by_pivot` (passeport.identity.register):
stricter than the deposit cascade, since a login opens the person's data — birth name, all given
names, sex, full birth date and birthplace must agree. Several persons left: ambiguous, no guess.

Outcomes: linked; no match (the account stays, empty, and is attached later — at each
login, and by `relink_unlinked_holders()`, called after an identity import); ambiguous.
"""

import datetime
import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.core.models import AuditEvent

from .models import Holder

logger = logging.getLogger(__name__)

MINIMUM_AGE = 15  # PRODUCT.md C.1: the passport is open from 15 years old


@dataclass(frozen=True)
class Lookup:
    status: str  # "found", "none", "ambiguous"
    person_id: object = None


def parse_birthdate(value: str) -> datetime.date | None:
    """FranceConnect's `birthdate` (YYYY-MM-DD); an unknown day or month (« 00 ») counts as 1."""
    try:
        year, month, day = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_old_enough(birth_date: datetime.date, *, today: datetime.date | None = None) -> bool:
    return age_on(birth_date, today or timezone.localdate()) >= MINIMUM_AGE


def lookup_pivot(pivot: dict) -> Lookup:
    """Find the register person of a FranceConnect pivot identity: found / none / ambiguous."""
    from passeport.identity.register import PivotIdentity, find_by_pivot

    birth_date = parse_birthdate(pivot.get("birthdate", ""))
    if birth_date is None:
        return Lookup("none")
    match = find_by_pivot(
        PivotIdentity(
            family_name=pivot.get("family_name") or "",
            given_names=pivot.get("given_name") or "",
            birthdate=birth_date,
            gender=pivot.get("gender") or "",
            birthplace=pivot.get("birthplace") or "",
            birthcountry=pivot.get("birthcountry") or "",
        )
    )
    return Lookup(str(match.status), match.person_id)


def link_holder(holder: Holder, pivot: dict | None = None) -> str:
    """(Re)link `holder` to its register person; returns the Holder.LinkStatus reached.

    An already linked holder stays linked (the register does not move people between
    accounts). Never raises on a conflict: a person already linked to another account is
    reported as ambiguous, and audited.
    """
    if holder.link_status == Holder.LinkStatus.LINKED and holder.person_id:
        return holder.link_status
    if pivot is None:
        pivot = json.loads(holder.pivot_identity or "{}")
    result = lookup_pivot(pivot)
    status = {
        "found": Holder.LinkStatus.LINKED,
        "none": Holder.LinkStatus.NO_MATCH,
        "ambiguous": Holder.LinkStatus.AMBIGUOUS,
    }[result.status]
    if status == Holder.LinkStatus.LINKED:
        holder.person_id = result.person_id
        holder.linked_at = timezone.now()
    holder.link_status = status
    try:
        with transaction.atomic():
            holder.save(update_fields=["person_id", "linked_at", "link_status", "updated_at"])
    except IntegrityError:
        # The person is already linked to another holder account (Holder.person_id unique).
        holder.person_id = None
        holder.linked_at = None
        holder.link_status = Holder.LinkStatus.AMBIGUOUS
        holder.save(update_fields=["person_id", "linked_at", "link_status", "updated_at"])
        AuditEvent.record("passport.link_conflict", target=holder)
        return holder.link_status
    if status == Holder.LinkStatus.LINKED:
        AuditEvent.record("passport.holder_linked", target=holder, person=str(holder.person_id))
    return status


def relink_unlinked_holders() -> int:
    """Attach the accounts whose person was missing: call after an identity-register import.

    Returns the number of accounts linked now.
    """
    linked = 0
    pending = Holder.objects.exclude(link_status=Holder.LinkStatus.LINKED).only(
        "pk", "pivot_identity", "link_status", "person_id", "linked_at"
    )
    for holder in pending.iterator():
        if link_holder(holder) == Holder.LinkStatus.LINKED:
            linked += 1
    if linked:
        logger.info("%s compte(s) de titulaire rattaché(s) au registre d'identité", linked)
    return linked
