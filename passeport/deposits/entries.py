"""Recording accepted passages in the holders' passports, by batches.

The passport app's `record_certification` records one passage (select, insert, audit): right
for the odd passage that confirms a provisional entry or comes back after a withdrawal, too slow
for the 200 000 passages of a large deposit. This adapter keeps `record_certification` for
those cases and inserts brand-new passages with one `bulk_create` per chunk, with exactly the
field values `record_certification` writes (`certification_kwargs` feeds both). The passport's
unique constraint on (émetteur, idTechnique) remains the last guard.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from passeport.passport.models import Entry
from passeport.passport.recording import certification_values, record_certification
from passeport.passport.signals import person_entries_changed

from . import bulk
from .reading import CERTIFICATION_FIELDS, Passage


def parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


_DETAILS = (
    ("modalite_acces", "modaliteAcces"),
    ("url_preuve", "urlPreuve"),
    ("niveau_langue_europeen", "niveauLangueEuropeen"),
    ("obtention", "obtentionCertification"),
)


def certification_kwargs(passage: Passage, context) -> dict:
    """The keyword arguments of `record_certification` for an accepted passage."""
    value = passage.local_values(CERTIFICATION_FIELDS)
    code = passage.certification.code
    certificateur = passage.certificateur.id_client
    valid_from = parse_date(value["dateDebutValidite"])
    return {
        "emetteur_id": context.emetteur,
        "certificateur_id": certificateur,
        "certifier_name": context.certifier_names.get(certificateur, ""),
        "code": code,
        "type": passage.certification.type or ("RS" if code.startswith("RS") else "RNCP"),
        "title": context.titles.get(code) or f"Certification {code}",
        "award_date": valid_from,
        "id_technique": passage.id_technique,
        "deposit_id": context.deposit_id,
        "flux_id": context.id_flux,
        "provisional": (value["donneeCertifiee"] or "").lower() in ("false", "0"),
        "mention": value["mentionValidee"] or "",
        "option": value["libelleOption"] or "",
        "score": value["scoring"] or "",
        "valid_from": valid_from,
        "valid_until": parse_date(value["dateFinValidite"]),
        "start_date": parse_date(value["dateDebutExamen"]),
        "end_date": parse_date(value["dateFinExamen"]),
        "details": {key: value[name] for key, name in _DETAILS if value[name]},
    }


def _new_entry(person_id: uuid.UUID, kwargs: dict) -> dict:
    """The row of a new Entry for a bulk insert: the very values `record_certification` writes
    (passport.recording.certification_values), by attname, with the passage's identity."""
    values = certification_values(person_id, **kwargs)
    values["holder_id"] = values.pop("holder")
    return {
        "emetteur_id": kwargs["emetteur_id"],
        "id_technique": kwargs["id_technique"],
        **values,
    }


_SEPARATOR = "\x1f"  # « unit separator »: not allowed in an XML 1.0 document


@dataclass(frozen=True)
class Existing:
    """What the pipeline needs to know of a passage already in a passport."""

    id: uuid.UUID
    id_technique: str
    provisional: bool
    withdrawn_at: object
    deposit_id: uuid.UUID | None


def existing_entries(emetteur: str, id_techniques: Sequence[str]) -> dict[str, Existing]:
    """The émetteur's entries with one of these idTechnique (one query per chunk).

    `id_technique <> ''` is the condition of the passport's partial unique index on
    (emetteur_id, id_technique): with it the index answers. On PostgreSQL the ids go as one
    text parameter split by the server, rather than thousands of placeholders or an array the
    driver dumps element by element; the separator is a control character that XML 1.0 forbids
    in documents, so no idTechnique of a flux contains it.
    """
    columns = ("id", "id_technique", "provisional", "withdrawn_at", "deposit_id")
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Entry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table} "  # noqa: S608 - own names
                "WHERE emetteur_id = %s AND id_technique = ANY(string_to_array(%s, %s)) "
                "AND id_technique <> ''",
                [emetteur, _SEPARATOR.join(id_techniques), _SEPARATOR],
            )
            rows = cursor.fetchall()
    else:
        rows = (
            Entry.objects.filter(emetteur_id=emetteur, id_technique__in=list(id_techniques))
            .exclude(id_technique="")
            .order_by()
            .values_list(*columns)
        )
    return {row[1]: Existing(*row) for row in rows}


def record_accepted(
    accepted: Sequence[tuple[Passage, uuid.UUID]], context, existing: dict[str, Existing]
) -> dict[int, uuid.UUID]:
    """Record accepted passages (inside the chunk's transaction); returns position → entry id."""
    recorded: dict[int, uuid.UUID] = {}
    fresh: list[tuple[int, dict]] = []
    for passage, person_id in accepted:
        kwargs = certification_kwargs(passage, context)
        if passage.id_technique in existing:
            # Confirmation of a provisional passage, or a withdrawn one deposited again.
            entry = record_certification(person_id, **kwargs)
            recorded[passage.position] = entry.pk
        else:
            fresh.append((passage.position, _new_entry(person_id, kwargs)))
    if fresh:
        for (position, row), entry_id in zip(fresh, bulk.new_ids(len(fresh)), strict=True):
            row["id"] = recorded[position] = entry_id
        bulk.insert(Entry, [row for _, row in fresh])
    people = {person_id for _, person_id in accepted}
    transaction.on_commit(lambda: _announce(people))
    return recorded


def _announce(people: set) -> None:
    for person_id in people:
        person_entries_changed.send(sender=Entry, person_id=person_id)
