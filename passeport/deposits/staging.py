"""What the reception keeps of each passage, so that the processing does not read the XML again.

The reception validates the whole file (XSD and business rules, `flux.validation`) before it
answers; the processing then needs, for each passage, the few values it records and its
business-rule verdict — which that very pass has just computed; parsing the file a second time
and running the rules again would be a large part of the processing (bench/
bench_deposit_pipeline.py, docs/depots.md). So the reception writes, beside the raw file, the passages' values
that the processing reads (`FIELDS`), their identification branch, their certification and
their first business-rule error, and the processing reads them back.

The raw file stays the reference: the staged file is only a cache of it. It is written once,
before the deposit is queued, and used only when it is complete, belongs to these very bytes
(the deposit's SHA-256) and was computed today (the rules depend on the day: a deposit processed
on another day, an operator's reprocessing, reads the XML and applies the rules again). When it
is absent or unusable the processing reads the XML (`reading.iter_flux`), as before.

Format: a magic line, a header, then chunks of `CHUNK` passages, each a list of rows preceded by
its length (8 bytes, big-endian), so that resuming after a crash seeks to its chunk without
decoding the others. Header and chunks are `marshal` data (tuples of strings: much faster
to write than pickle); the header names the Python version that wrote them, another one reads
the XML instead. The file is private storage written by this process only.
"""

import datetime
import marshal
import os
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage

from passeport.flux.rules import RuleResult

from .reading import (
    CERTIFICATION_FIELDS,
    IDENTITY_FIELDS,
    NAMESPACE,
    Header,
    Passage,
    branch_of,
    context_of,
)

MAGIC = b"PASSEPORT-PASSAGES 2\n"
_PYTHON = "{}.{}".format(*sys.version_info[:2])
CHUNK = 2000
_LENGTH = struct.Struct(">Q")
_NS = "{" + NAMESPACE + "}"

# Every value the processing reads of a passage (reading.py's lists); a staged passage
# refuses any other (StagedPassage.value), so that a forgotten one fails loudly in the tests.
FIELDS = ("idTechnique", "idDossier", *IDENTITY_FIELDS, *CERTIFICATION_FIELDS)
_CLARK = tuple(_NS + name for name in FIELDS)


def path_of(raw_name: str) -> Path | None:
    """Where the staged passages of the raw file `raw_name` go (local storage only)."""
    if not isinstance(default_storage, FileSystemStorage):
        return None
    return Path(default_storage.path(raw_name + ".passages"))


class StagingWriter:
    """Receives each passage from the validation (`on_values`), writes the staged file."""

    def __init__(self, path: Path, *, sha256: str, today: datetime.date):
        self.path = path
        # One partial file per writer: a process that died while checking leaves its own, and
        # the worker that checks the deposit again never writes into it (reception.py).
        self.partial = path.with_name(f"{path.name}.{os.getpid()}-{os.urandom(4).hex()}.partial")
        self.rows: list[tuple] = []
        self.count = 0
        self.certifications = -1
        self._certification_element = None
        self.stream = None
        try:
            self.stream = open(self.partial, "wb")  # noqa: SIM115 - closed by finish/discard
            self.stream.write(MAGIC)
            marshal.dump(
                {
                    "python": _PYTHON,
                    "sha256": sha256,
                    "today": today.isoformat(),
                    "fields": FIELDS,
                    "chunk": CHUNK,
                },
                self.stream,
            )
        except OSError:
            self._give_up()

    def _give_up(self) -> None:
        # Only a cache of the raw file: a full disk here costs the processing a reading of
        # the XML, never the deposit.
        if self.stream is not None:
            self.stream.close()
        self.stream = None
        self.partial.unlink(missing_ok=True)

    def __call__(self, element, values: dict, first_error: RuleResult | None) -> None:
        if self.stream is None:
            return
        container = element.getparent()
        certification = container.getparent() if container is not None else None
        if certification is not None and certification is not self._certification_element:
            # Passages come grouped by certification, certifications in file order: the same
            # numbering as `Report.declared` (and the deposit's certificateurs) in file order.
            self._certification_element = certification
            self.certifications += 1
        self.count += 1
        self.rows.append(
            (
                self.count,
                element.sourceline or 0,
                self.certifications,
                branch_of(values),
                tuple(map(values.get, _CLARK)),
                # marshal keeps plain tuples only, and the processing's verdict needs no hint
                None
                if first_error is None
                else (first_error.rule, first_error.field, first_error.message),
            )
        )
        if len(self.rows) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        data = marshal.dumps(self.rows)
        self.rows = []
        try:
            self.stream.write(_LENGTH.pack(len(data)))
            self.stream.write(data)
        except OSError:
            self._give_up()

    def finish(self) -> None:
        """Complete the file (atomically: a crash leaves no half-written staged file)."""
        if self.stream is None:
            return
        if self.rows:
            self._flush()
        if self.stream is None:
            return
        try:
            self.stream.close()
            os.replace(self.partial, self.path)
        except OSError:
            self._give_up()

    def abandon(self) -> None:
        """Drop this writer's work only (another process recorded the deposit's checks)."""
        self._give_up()

    def discard(self) -> None:
        self._give_up()
        self.path.unlink(missing_ok=True)


def remove(raw_name: str) -> None:
    """Forget the staged passages of a raw file (its deposit is processed or deleted)."""
    path = path_of(raw_name)
    if path is not None:
        path.unlink(missing_ok=True)
        # Those of processes killed while they checked the file.
        for partial in path.parent.glob(f"{path.name}.*.partial"):
            partial.unlink(missing_ok=True)


class StagedPassage(Passage):
    """A passage read back from the staged file: the staged values only, and the verdict of
    the business rules computed at reception (`rule_error`: (rule, field, message) or None)."""

    rule_error: tuple | None = None

    def value(self, name: str) -> str | None:
        if name not in _INDEX:
            raise KeyError(f"{name} n'est pas gardé à la réception (staging.FIELDS)")
        return super().value(name)

    def local_values(self, names) -> dict:
        names = names if isinstance(names, tuple) else tuple(names)
        if names not in _CHECKED:  # the callers pass a few constant tuples: checked once each
            missing = [name for name in names if name not in _INDEX]
            if missing:
                raise KeyError(f"{', '.join(missing)} : pas gardés à la réception (staging.FIELDS)")
            _CHECKED.add(names)
        return super().local_values(names)


_INDEX = frozenset(FIELDS)
_CHECKED: set = set()


def staged_passages(
    raw_name: str,
    *,
    sha256: str,
    header: Header,
    start_after: int,
    today: datetime.date,
) -> Iterator[StagedPassage] | None:
    """The deposit's passages after `start_after` from its staged file, or None when there is
    no usable one (then read the XML)."""
    path = path_of(raw_name)
    if path is None or not path.is_file():
        return None
    stream = open(path, "rb")  # noqa: SIM115 - closed by the generator
    try:
        if stream.readline() != MAGIC:
            raise ValueError("magic")
        head = marshal.load(stream)  # noqa: S302 - our own private file (module docstring)
        if (head["python"], head["sha256"], head["today"], head["fields"]) != (
            _PYTHON,
            sha256,
            today.isoformat(),
            FIELDS,
        ):
            raise ValueError("stale")
    except (ValueError, EOFError, KeyError, TypeError):
        stream.close()
        return None
    return _read(stream, head["chunk"], header, start_after)


def _read(stream, chunk: int, header: Header, start_after: int) -> Iterator[StagedPassage]:
    contexts = header.contexts()
    with stream:
        skipped = 0
        while True:
            size = stream.read(_LENGTH.size)
            if not size:
                return
            (length,) = _LENGTH.unpack(size)
            if skipped + chunk <= start_after:
                stream.seek(length, os.SEEK_CUR)  # a chunk already processed
                skipped += chunk
                continue
            for position, line, index, branch, values, error in marshal.loads(  # noqa: S302
                stream.read(length)
            ):
                if position <= start_after:
                    continue
                certificateur, certification = context_of(contexts, index)
                passage = StagedPassage(
                    position,
                    line,
                    dict(zip(_CLARK, values, strict=True)),
                    branch,
                    certificateur,
                    certification,
                )
                passage.rule_error = error
                yield passage
            skipped += chunk
