"""Receiving a deposit: store the raw bytes first, then answer the accusé de réception.

Order matters (project rule « a deposited file is stored, with its checksum, before anything
else happens »): the bytes are streamed to private storage while their SHA-256 is computed and
their size checked against settings.MAX_UPLOAD_BYTES; only then is the deposit recorded and
checked. The same bytes deposited again by the same account return the first deposit (nothing is
processed twice). Every channel (portal, API, online entry, correction, batch command) calls
`receive`.
"""

import contextlib
import errno
import hashlib
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from passeport.core.collector import batch_work
from passeport.core.models import AuditEvent

from . import processing, staging, tasks
from .models import Deposit, DepositCounter
from .reception_checks import check_file

CHUNK = 1024 * 1024


class DepositError(Exception):
    """A deposit that cannot even be received; `status` is the HTTP status of the API answer."""

    status = 400
    title = "Dépôt impossible"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class FileTooLarge(DepositError):
    status = 413
    title = "Fichier trop volumineux"


class StorageFull(DepositError):
    status = 507
    title = "Espace de stockage insuffisant"


class _HashingFile(File):
    """Wraps an uploaded file: chunks are hashed and counted as storage writes them."""

    def __init__(self, source, name: str, limit: int):
        super().__init__(source, name=name)
        self.sha256 = hashlib.sha256()
        self.written = 0
        self.limit = limit

    def chunks(self, chunk_size=None):
        if hasattr(self.file, "seek"):
            with contextlib.suppress(OSError, ValueError):
                self.file.seek(0)
        while True:
            data = self.file.read(chunk_size or CHUNK)
            if not data:
                return
            if isinstance(data, str):
                data = data.encode("utf-8")
            self.written += len(data)
            if self.written > self.limit:
                raise FileTooLarge(_too_large())
            self.sha256.update(data)
            yield data

    def multiple_chunks(self, chunk_size=None):
        return True


def _moved(source, target: str) -> tuple[str, int, str] | None:
    """An upload already hashed on arrival (uploads.py), moved into local storage (a rename
    when on the same filesystem); None when it cannot be."""
    digest = getattr(source, "sha256", None)
    if not (
        digest
        and hasattr(source, "temporary_file_path")
        and isinstance(default_storage, FileSystemStorage)
    ):
        return None
    if source.size > settings.MAX_UPLOAD_BYTES:
        raise FileTooLarge(_too_large())
    return default_storage.save(target, source), source.size, digest


def _too_large() -> str:
    return (
        f"Le fichier dépasse la taille maximale d'un dépôt "
        f"({settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo). Découpez-le en plusieurs flux "
        "(« passeport flux build » le fait au-delà de 200 000 passages)."
    )


def store_raw(source, file_name: str) -> tuple[str, int, str]:
    """Stream `source` (file object) into private storage; returns (name, size, sha256)."""
    wrapped = _HashingFile(source, file_name, settings.MAX_UPLOAD_BYTES)
    target = f"deposits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xml"
    try:
        moved = _moved(source, target)
        if moved is not None:
            return moved
        stored = default_storage.save(target, wrapped)
    except FileTooLarge:
        default_storage.delete(target)
        raise
    except OSError as exc:
        default_storage.delete(target)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                "Le serveur n'a plus la place d'enregistrer ce fichier : rien n'a été déposé. "
                "Réessayez plus tard ; l'équipe d'exploitation est prévenue."
            ) from None
        raise
    return stored, wrapped.written, wrapped.sha256.hexdigest()


@dataclass
class Reception:
    deposit: Deposit
    duplicate: bool = False  # the same bytes had already been deposited by this account


def next_number(certifier) -> int:
    """The certifier's next deposit number, inside the caller's transaction: the counter's row
    stays locked until it commits, so two receptions for one certifier never share a number
    (and those of different certifiers never wait for each other)."""
    DepositCounter.objects.get_or_create(certifier=certifier)
    DepositCounter.objects.filter(certifier=certifier).update(last=F("last") + 1)
    return DepositCounter.objects.values_list("last", flat=True).get(certifier=certifier)


# The steps of a reception, in order, where a fault-injection test may stop its process
# (settings.DEPOSIT_RECEPTION_PAUSE_AT) to kill it there.
RECEPTION_STEPS = ("recorded", "checking", "checked", "answered")


def _pause_at(step: str) -> None:
    if step == settings.DEPOSIT_RECEPTION_PAUSE_AT:
        print(f"reception: pause at {step}", file=sys.stderr, flush=True)
        time.sleep(3600)


def receive(
    source,
    *,
    file_name: str,
    certifier,
    user=None,
    channel: str = Deposit.Channel.PORTAL,
    token_prefix: str = "",
    correction_of=None,
) -> Reception:
    """Store, record, check and (if accepted) queue a deposit. Raises `DepositError` only when
    nothing could be stored (too large, disk full).

    The deposit is recorded with its watchdog task in one transaction, holding a lease while this
    process runs the checks: if the process dies before their outcome is committed, the watchdog
    finds the lease expired and a worker runs the checks, then the processing (processing.py).
    """
    file_name = (file_name or "flux.xml").replace("\\", "/").rsplit("/", 1)[-1][:255]
    stored, size, sha256 = store_raw(source, file_name)
    existing = Deposit.objects.filter(certifier=certifier, sha256=sha256).first()
    if existing is not None:
        default_storage.delete(stored)
        return Reception(resume(existing), duplicate=True)
    owner = _reception_owner()
    try:
        with transaction.atomic():
            deposit = Deposit.objects.create(
                number=next_number(certifier),
                certifier=certifier,
                deposited_by=user if getattr(user, "is_authenticated", False) else None,
                api_token_prefix=token_prefix,
                channel=channel,
                correction_of=correction_of,
                file_name=file_name,
                file=stored,
                size=size,
                sha256=sha256,
                lease_owner=owner,
                lease_expires_at=_lease_end(),
            )
            AuditEvent.record(
                "deposit.received",
                actor=user,
                target=deposit,
                channel=channel,
                size=size,
                sha256=sha256,
                certifier=certifier.id_client,
            )
            tasks.watch(deposit)
    except IntegrityError:
        # The same bytes arrived twice at the same instant: the other request recorded them.
        default_storage.delete(stored)
        return Reception(Deposit.objects.get(certifier=certifier, sha256=sha256), duplicate=True)
    _pause_at("recorded")
    deposit = run_checks(deposit, owner=owner, release=True)
    _pause_at("answered")
    return Reception(deposit)


def resume(deposit: Deposit) -> Deposit:
    """A deposit received again whose checks never ended (the process that received it died
    during them, and its lease has expired): this process runs them now, so that the depositor
    gets the accusé de réception in answer to the re-send. Otherwise the deposit as it is."""
    if deposit.checked_at is not None or deposit.is_finished:
        return deposit
    owner = _reception_owner()
    with transaction.atomic():
        taken = (
            Deposit.objects.filter(pk=deposit.pk, checked_at__isnull=True)
            .unfinished()
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=timezone.now()))
            .update(lease_owner=owner, lease_expires_at=_lease_end())
        )
        if not taken:
            return Deposit.objects.get(pk=deposit.pk)
        deposit.refresh_from_db()
        # A deposit recorded before its watchdog was queued with it may have none.
        tasks.ensure_watched(deposit)
    AuditEvent.record("deposit.resumed", target=deposit, sha256=deposit.sha256)
    return run_checks(deposit, owner=owner, release=True)


def _reception_owner() -> str:
    return f"reception:{processing.worker_name()}"[:100]


def _lease_end():
    return timezone.now() + timedelta(seconds=processing.lease_seconds())


class _LeaseKeeper:
    """Passed to the validation as `on_values`: forwards each passage to the staging writer and
    renews the lease every third of it, so that a long check is not taken for a dead one."""

    def __init__(self, deposit_id, owner: str, writer):
        self.deposit_id, self.owner, self.writer = deposit_id, owner, writer
        self.every = processing.lease_seconds() / 3
        self.due = time.monotonic() + self.every
        self.first = True

    def __call__(self, element, values, first_error) -> None:
        if self.writer is not None:
            self.writer(element, values, first_error)
        if self.first:
            self.first = False
            _pause_at("checking")
        if time.monotonic() >= self.due:
            self.due = time.monotonic() + self.every
            Deposit.objects.filter(pk=self.deposit_id, lease_owner=self.owner).update(
                lease_expires_at=_lease_end()
            )


def run_checks(deposit: Deposit, *, owner: str, release: bool) -> Deposit:
    """Reception checks, by the holder of the deposit's lease (`owner`); rejects the deposit or,
    `release` (the receiving process), frees the lease and queues its processing. A worker
    (processing.py) keeps the lease and processes on. The outcome is recorded once: if another
    process took the deposit over meanwhile (this one was thought dead), its outcome stands."""
    today = timezone.localdate()
    target = staging.path_of(deposit.file.name)
    writer = staging.StagingWriter(target, sha256=deposit.sha256, today=today) if target else None
    try:
        with batch_work():  # a large file's passages: millions of short-lived objects
            result = check_file(
                default_storage.path(deposit.file.name),
                deposit.file_name,
                deposit.certifier,
                today=today,
                on_values=_LeaseKeeper(deposit.pk, owner, writer),
            )
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    _pause_at("checked")
    with transaction.atomic():
        locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
        if locked.checked_at is not None or locked.lease_owner != owner:
            if writer is not None:
                writer.abandon()
            return locked
        if writer is not None:
            if result.accepted:
                writer.finish()
            else:
                writer.discard()
        header = result.header
        locked.id_flux = header.id_flux[:255]
        locked.emetteur = header.emetteur[:8]
        locked.certificateurs = header.as_json()
        locked.schema_version = result.version
        locked.action = header.action or "CREATION"
        locked.passages_total = header.passages if result.accepted else None
        locked.checked_at = timezone.now()
        if not result.accepted:
            locked.status = Deposit.Status.REJECTED
            locked.rejection_reasons = result.errors
            locked.processed_at = timezone.now()
        if release or not result.accepted:
            locked.lease_owner, locked.lease_expires_at = "", None
        locked.save()
        if not result.accepted:
            transaction.on_commit(lambda: _notify_rejection(locked.pk))
        elif release:
            # In the transaction of the outcome: an accepted deposit always has its processing.
            tasks.process_deposit.enqueue(str(locked.pk))
    return locked


def _notify_rejection(deposit_id) -> None:
    from .notifications import notify_depositor

    notify_depositor(Deposit.objects.get(pk=deposit_id))


def accuse_reception(deposit: Deposit) -> dict:
    """The accusé de réception (API body, HTML page): received or rejected, with the reasons."""
    return {
        "depot": str(deposit.pk),
        "numeroTraitement": deposit.number,
        "nomFichier": deposit.file_name,
        "taille": deposit.size,
        "sha256": deposit.sha256,
        "recuLe": timezone.localtime(deposit.received_at).isoformat(),
        "statut": "rejete" if deposit.status == Deposit.Status.REJECTED else "recu",
        "idFlux": deposit.id_flux,
        "emetteur": deposit.emetteur,
        "versionSchema": deposit.schema_version,
        "action": deposit.action,
        "passages": deposit.passages_total,
        "motifs": list(deposit.rejection_reasons),
    }
