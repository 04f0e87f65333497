"""Processing a received deposit, passage by passage, exactly once (CDC: « Traitement »).

For each passage of a CREATION flux, in file order:
1. the business rules of the flux library (`business_rules.passage_errors`): an error makes it KO;
2. `idTechnique` unique per émetteur across all its deposits: a passage already accepted (and
   neither provisional nor withdrawn) is KO with the CDC's exact message; a passage rejected
   earlier may come again;
3. identity reconciliation against the identity register (the CDC cascade, exact messages);
4. accepted: a guaranteed certification entry of that person (passport app), provisional when
   `donneeCertifiee=false` until a later deposit confirms it.
A SUPPRESSION flux (1.1.5) withdraws the émetteur's passages by idTechnique (audited).

Exactly once, whatever happens to the worker (see models.py): chunks of `DEPOSIT_CHUNK_SIZE`
passages, each committed with its outcomes, entries and the progress marker in one transaction;
a lease renewed at each chunk; database errors retried (a database restart is survived); a
watchdog task re-runs a deposit whose lease expired (a killed worker), resuming after the marker.
"""

import contextlib
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone

from passeport.certifiers.models import Certifier, CertifierCertification
from passeport.core.collector import batch_work
from passeport.core.planner import refresh_statistics
from passeport.flux.accuses import Accuse, RejectedPassage, write_accuse
from passeport.flux.rules import RuleResult
from passeport.identity.register import Criteria, get_register
from passeport.passport.models import Entry
from passeport.passport.recording import DUPLICATE_MESSAGE, withdraw_certification

from . import bulk, business_rules, staging
from .entries import existing_entries, parse_date, record_accepted
from .models import Deposit, PassageOutcome
from .reading import IDENTITY_FIELDS, Header, Passage, iter_flux

logger = logging.getLogger(__name__)

UNKNOWN_DOSSIER = (
    "Le dossier de formation {id_dossier} n'est pas connu du répertoire : identifiez le "
    "titulaire par son état civil (titulaire) ou par son NIR (identifiantNational)"
)
NOTHING_TO_WITHDRAW = (
    "Aucun passage certification avec le bcr émetteur {emetteur} et l'id technique partenaire "
    "{id_technique} n'existe en base : rien à supprimer"
)
MISSING_ID = "Le passage n'a pas d'idTechnique : il ne peut pas être identifié"


def chunk_size() -> int:
    """Passages per committed chunk: the unit of work redone after a crash."""
    return int(settings.DEPOSIT_CHUNK_SIZE)


def lease_seconds() -> int:
    """How long a silent worker keeps a deposit before another may take it over."""
    return int(settings.DEPOSIT_LEASE_SECONDS)


def chunk_pause() -> float:
    """Pause after each chunk (fault-injection tests only: lets them kill a worker mid-file)."""
    return float(settings.DEPOSIT_CHUNK_PAUSE)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


class LeaseLost(Exception):
    """Another worker took the deposit over (this one was too slow or thought dead)."""


@dataclass
class Context:
    deposit_id: uuid.UUID
    emetteur: str
    id_flux: str
    action: str
    version: str
    owner: str
    titles: dict[str, str] = field(default_factory=dict)
    certifier_names: dict[str, str] = field(default_factory=dict)


@dataclass
class Verdict:
    passage: Passage
    ok: bool
    message: str = ""
    rule: str = ""
    field: str = ""
    person_id: uuid.UUID | None = None
    entry_id: uuid.UUID | None = None


# -- claiming -----------------------------------------------------------------------------------


def claim(deposit_id, owner: str) -> bool:
    """Take the lease of an unfinished deposit if nobody holds it (atomic, any number of
    workers on any number of machines)."""
    now = timezone.now()
    taken = (
        Deposit.objects.filter(pk=deposit_id)
        .unfinished()
        .filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now) | Q(lease_owner=owner)
        )
        .update(
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_seconds()),
            status=Deposit.Status.PROCESSING,
        )
    )
    if taken:
        Deposit.objects.filter(pk=deposit_id, processing_started_at__isnull=True).update(
            processing_started_at=now
        )
        Deposit.objects.filter(pk=deposit_id).update(attempts=F("attempts") + 1)
    return bool(taken)


def release(deposit_id, owner: str) -> None:
    Deposit.objects.filter(pk=deposit_id, lease_owner=owner).update(
        lease_owner="", lease_expires_at=None
    )


# -- the whole deposit ------------------------------------------------------------------------


def process(deposit_id, *, owner: str | None = None) -> str:
    """Process a deposit to the end (or return at once if another worker holds it).

    Returns the deposit's status afterwards. Database outages are waited out (retries with
    back-off for up to DEPOSIT_DB_RETRY_SECONDS); other errors propagate after the lease is
    released, so that the watchdog retries later.
    """
    owner = owner or worker_name()
    if not _retrying(lambda: claim(deposit_id, owner)):
        return Deposit.objects.get(pk=deposit_id).status
    with batch_work():  # millions of short-lived rows: see core/collector.py
        return _process_claimed(deposit_id, owner)


def _process_claimed(deposit_id, owner: str) -> str:
    try:
        while True:
            deposit = _retrying(lambda: Deposit.objects.get(pk=deposit_id))
            if deposit.is_finished:
                return deposit.status
            if deposit.checked_at is None:
                # The process that received it died before the reception checks' outcome was
                # committed: they run here, under this lease (rejected: the deposit is done).
                from .reception import run_checks

                run_checks(deposit, owner=owner, release=False)
                continue
            context = _context(deposit, owner)
            if _run_chunks(deposit, context):
                _retrying(lambda: finish(deposit_id, owner))
                return Deposit.objects.get(pk=deposit_id).status
    except LeaseLost:
        logger.warning("Dépôt %s repris par un autre worker.", deposit_id)
        return Deposit.objects.get(pk=deposit_id).status
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _retrying(lambda: Deposit.objects.filter(pk=deposit_id).update(last_error=error))
        _retrying(lambda: release(deposit_id, owner))
        raise


def _context(deposit: Deposit, owner: str) -> Context:
    ids = [c.get("idClient", "") for c in deposit.certificateurs]
    titles = dict(
        CertifierCertification.objects.filter(certifier__id_client__in=ids)
        .exclude(title="")
        .values_list("code", "title")
    )
    names = dict(Certifier.objects.filter(id_client__in=ids).values_list("id_client", "name"))
    return Context(
        deposit_id=deposit.pk,
        emetteur=deposit.emetteur,
        id_flux=deposit.id_flux,
        action=deposit.action or "CREATION",
        version=deposit.schema_version,
        owner=owner,
        titles=titles,
        certifier_names=names,
    )


def _run_chunks(deposit: Deposit, context: Context) -> bool:
    """Stream the passages after the progress marker, one committed chunk at a time."""
    size, pause = chunk_size(), chunk_pause()
    batch: list[Passage] = []
    chunks = 0
    declared = Header.from_json(deposit.certificateurs or [])
    with default_storage.open(deposit.file.name, "rb") as stream:
        # What the reception kept of each passage (staging.py), else the XML itself.
        passages = staging.staged_passages(
            deposit.file.name,
            sha256=deposit.sha256,
            header=declared,
            start_after=deposit.passages_done,
            today=timezone.localdate(),
        ) or iter_flux(stream, declared=declared, start_after=deposit.passages_done)
        for passage in passages:
            batch.append(passage)
            if len(batch) >= size:
                if chunks in ANALYZE_AFTER:
                    _retrying(_refresh_statistics)
                _retrying(lambda b=batch: process_chunk(context, b))
                batch = []
                chunks += 1
                if pause:
                    time.sleep(pause)
    if batch:
        _retrying(lambda: process_chunk(context, batch))
    return True


# Planner statistics of the passport table a large deposit fills while it reads it
# (core/planner.py): without fresh statistics PostgreSQL keeps believing `passport_entry` is
# empty and checks each chunk's idTechnique against every entry of the émetteur (a cost that
# grows with every chunk). After the first chunk, and once more when the deposit has added
# eight times as many rows; plans do not change after that, and each ANALYZE costs ~0.1 s.
ANALYZE_AFTER = frozenset({1, 8})


def _refresh_statistics() -> None:
    refresh_statistics(Entry)


def _retrying(action, *, attempts: int | None = None):
    """Run `action`, waiting out database outages (restart, failover) with back-off."""
    deadline = time.monotonic() + float(settings.DEPOSIT_DB_RETRY_SECONDS)
    delay = 0.5
    while True:
        try:
            return action()
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() > deadline:
                raise
            logger.warning(
                "Base de données indisponible (%s) : nouvel essai dans %.1f s.",
                type(exc).__name__,
                delay,
            )
            with contextlib.suppress(DatabaseError):
                connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 5)
            close_old_connections()


# -- one chunk --------------------------------------------------------------------------------


def process_chunk(context: Context, passages: list[Passage]) -> None:
    """Decide and record a chunk of passages, with the progress marker, in one transaction."""
    with transaction.atomic():
        deposit = (
            Deposit.objects.select_for_update()
            .only("id", "lease_owner", "passages_done", "passages_ok", "passages_ko")
            .get(pk=context.deposit_id)
        )
        if deposit.lease_owner != context.owner:
            raise LeaseLost(context.deposit_id)
        # Positions already committed (a retry after a lost commit acknowledgement) are skipped.
        passages = [p for p in passages if p.position > deposit.passages_done]
        if not passages:
            return
        if context.action == "SUPPRESSION":
            verdicts = _withdrawals(context, passages)
        else:
            verdicts = _creations(context, passages)
        ok_status, ko_status = PassageOutcome.Status.OK.value, PassageOutcome.Status.KO.value
        bulk.insert(
            PassageOutcome,
            [
                {
                    "deposit_id": context.deposit_id,
                    "position": v.passage.position,
                    "id_technique": v.passage.id_technique[:255],
                    "status": ok_status if v.ok else ko_status,
                    "message": v.message,
                    "rule": v.rule[:60],
                    "field": v.field[:60],
                    "certification_code": v.passage.certification.code[:20],
                    "award_date": _award_date(v.passage),
                    "person_id": v.person_id,
                    "entry_id": v.entry_id,
                }
                for v in verdicts
            ],
        )
        ok = sum(1 for v in verdicts if v.ok)
        Deposit.objects.filter(pk=context.deposit_id).update(
            passages_done=passages[-1].position,
            passages_ok=deposit.passages_ok + ok,
            passages_ko=deposit.passages_ko + len(verdicts) - ok,
            lease_expires_at=timezone.now() + timedelta(seconds=lease_seconds()),
        )


def _award_date(passage: Passage):
    return parse_date(passage.value("dateDebutValidite"))


def _creations(context: Context, passages: list[Passage]) -> list[Verdict]:
    verdicts: dict[int, Verdict] = {}
    pending: list[Passage] = []
    seen: set[str] = set()
    checker = business_rules.checker(context.version, context.action)
    for passage in passages:
        if not passage.id_technique:
            verdicts[passage.position] = Verdict(
                passage, False, MISSING_ID, "FLX-ID", "idTechnique"
            )
            continue
        if isinstance(passage, staging.StagedPassage):
            # The rules already ran on this passage, today, during the reception's validation.
            error = RuleResult(*passage.rule_error) if passage.rule_error else None
        else:
            error = business_rules.first_error(passage, checker)
        if error is not None:
            verdicts[passage.position] = Verdict(
                passage, False, error.message, error.rule, error.field
            )
            continue
        if passage.id_technique in seen:
            verdicts[passage.position] = Verdict(
                passage, False, _duplicate(context, passage), "CDC-DOUBLON", "idTechnique"
            )
            continue
        seen.add(passage.id_technique)
        pending.append(passage)

    # idTechnique unique per émetteur across all its deposits (CDC rule).
    existing = existing_entries(context.emetteur, [p.id_technique for p in pending])
    candidates: list[Passage] = []
    for passage in pending:
        entry = existing.get(passage.id_technique)
        # An entry of this very deposit is its own (an operator's reprocessing): not a duplicate.
        if (
            entry is not None
            and not entry.provisional
            and entry.withdrawn_at is None
            and entry.deposit_id != context.deposit_id
        ):
            verdicts[passage.position] = Verdict(
                passage, False, _duplicate(context, passage), "CDC-DOUBLON", "idTechnique"
            )
        else:
            candidates.append(passage)

    # Identity reconciliation, one batch for the chunk.
    to_reconcile: list[Passage] = []
    for passage in candidates:
        if passage.identification == "dossierFormation":
            message = UNKNOWN_DOSSIER.format(id_dossier=passage.value("idDossier") or "")
            verdicts[passage.position] = Verdict(
                passage, False, message, "CDC-RECONCILIATION", "idDossier"
            )
        else:
            to_reconcile.append(passage)
    matches = get_register().reconcile_many(
        [Criteria.from_flux(p.local_values(IDENTITY_FIELDS)) for p in to_reconcile]
    )
    accepted: list[tuple[Passage, uuid.UUID]] = []
    for passage, match in zip(to_reconcile, matches, strict=True):
        if match.found:
            accepted.append((passage, match.person_id))
        else:
            verdicts[passage.position] = Verdict(
                passage, False, match.message, "CDC-RECONCILIATION", "identificationTitulaire"
            )
    entry_ids = record_accepted(accepted, context, existing)
    for passage, person_id in accepted:
        verdicts[passage.position] = Verdict(
            passage, True, person_id=person_id, entry_id=entry_ids.get(passage.position)
        )
    return [verdicts[p.position] for p in passages]


def _duplicate(context: Context, passage: Passage) -> str:
    return DUPLICATE_MESSAGE.format(emetteur=context.emetteur, id_technique=passage.id_technique)


def _withdrawals(context: Context, passages: list[Passage]) -> list[Verdict]:
    verdicts = []
    for passage in passages:
        if not passage.id_technique:
            verdicts.append(Verdict(passage, False, MISSING_ID, "FLX-ID", "idTechnique"))
            continue
        entry = withdraw_certification(
            context.emetteur,
            passage.id_technique,
            f"Suppression demandée par le flux {context.id_flux}",
            deposit_id=context.deposit_id,
        )
        if entry is None:
            message = NOTHING_TO_WITHDRAW.format(
                emetteur=context.emetteur, id_technique=passage.id_technique
            )
            verdicts.append(Verdict(passage, False, message, "CDC-SUPPRESSION", "idTechnique"))
        else:
            verdicts.append(Verdict(passage, True, person_id=entry.person_id, entry_id=entry.pk))
    return verdicts


# -- the end --------------------------------------------------------------------------------


def build_accuse(deposit: Deposit) -> Accuse:
    accuse = Accuse(
        nom_fichier=deposit.file_name, id_flux=deposit.id_flux, id_traitement=str(deposit.number)
    )
    rows = (
        PassageOutcome.objects.filter(deposit=deposit)
        .order_by("position")
        .values_list("id_technique", "status", "message")
        .iterator(chunk_size=5000)
    )
    for id_technique, status, message in rows:
        if status == PassageOutcome.Status.OK:
            accuse.accepted.append(id_technique)
        else:
            accuse.rejected.append(RejectedPassage(id_technique, message))
    return accuse


def finish(deposit_id, owner: str) -> None:
    """Write the accusé de traitement and close the deposit (idempotent)."""
    deposit = Deposit.objects.get(pk=deposit_id)
    if deposit.is_finished:
        return
    if deposit.lease_owner != owner:
        raise LeaseLost(deposit_id)
    data = write_accuse(build_accuse(deposit))
    name = default_storage.save(
        f"accuses/{timezone.now():%Y/%m}/{deposit.pk}.xml", ContentFile(data)
    )
    with transaction.atomic():
        locked = Deposit.objects.select_for_update().get(pk=deposit_id)
        if locked.is_finished or locked.lease_owner != owner:
            default_storage.delete(name)
            return
        locked.accuse.name = name
        locked.status = (
            Deposit.Status.PROCESSED_WITH_ERRORS if locked.passages_ko else Deposit.Status.PROCESSED
        )
        locked.passages_total = locked.passages_done
        locked.processed_at = timezone.now()
        locked.lease_owner = ""
        locked.lease_expires_at = None
        locked.last_error = ""
        locked.save()
        transaction.on_commit(lambda: staging.remove(locked.file.name))
        from .notifications import notify_depositor

        transaction.on_commit(lambda: notify_depositor(Deposit.objects.get(pk=deposit_id)))
