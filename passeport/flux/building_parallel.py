"""A large xlsx built by worker processes: chunking, workers, merging.

    table = chunked_table(path, parallel)   # None: read the workbook whole (open_table)
    process_chunks(table, header_values, mapping, version, today, out, changes)
    fill_values(table, result)              # values of rows rejected across chunks

The main process reads the first rows itself (to find the header row), then the worksheet's
XML is cut into chunks of CHUNK_BYTES (xlsx_chunks.py) that WORKERS processes read and process
whole with the same row pipeline (build_rows.py); each sends back its counts, rejected rows,
change summaries and, per certification, a file of rendered passages that the main process
deduplicates and appends to the writer in chunk order, so that the flux is byte-identical to
a sequential build (tests/flux/test_build_parallel.py).
"""

import os
import zipfile
from array import array
from pathlib import Path

from passeport.flux.build_results import BuildResult, RejectedRow
from passeport.flux.build_rows import Changes, Plan, make_plan, process_rows
from passeport.flux.row_checks import duplicate_anomaly
from passeport.flux.spreadsheets import SpreadsheetError, Table

PARALLEL_MIN_BYTES = 2 << 20  # xlsx above this: read by chunks, processed by WORKERS processes
CHUNK_BYTES = 4 << 20  # worksheet XML per chunk (about 3 000 rows of 40 columns)
FIRST_CHUNK_ROWS = 200  # read here, to find the header row before starting the workers
WORKERS = 2
CHUNK_TIMEOUT = 600  # seconds for one chunk of about 3 000 rows: only a dead worker takes that


def chunked_table(path, parallel: bool | None = None) -> Table | None:
    """A large xlsx: the first rows here, the rest as chunks for the worker processes; None
    when the workbook is read whole (`parallel` False, or None and a small file or one core,
    or a zip that cannot be cut safely)."""
    from passeport.flux.xlsx_chunks import ChunkingUnsupported, XlsxChunks

    if parallel is None:
        parallel = (os.cpu_count() or 1) >= 2 and os.path.getsize(path) >= PARALLEL_MIN_BYTES
    if not parallel:
        return None
    try:
        chunks = XlsxChunks(path, chunk_bytes=CHUNK_BYTES, first_chunk_rows=FIRST_CHUNK_ROWS)
        iterator = iter(chunks)
        first = next(iterator, None)
    except (ChunkingUnsupported, OSError, ValueError, KeyError):
        return None  # not a zip we can cut safely: calamine reads it whole
    except Exception:
        return None
    rows = iter(()) if first is None else chunks.rows(first)
    table = Table(path=str(path), sheet=chunks.sheet_name, rows=rows)
    table.chunks = _guarded(iterator, chunks)
    return table


def _guarded(iterator, chunks):
    from passeport.flux.xlsx_chunks import ChunkingUnsupported

    try:
        yield from iterator
    except (ChunkingUnsupported, OSError, zipfile.BadZipFile) as exc:
        raise SpreadsheetError(f"{chunks.path} : classeur illisible ({exc}).") from None
    finally:
        chunks.close()


def process_chunks(table, header_values, mapping, version, today, out, changes) -> None:
    import multiprocessing
    import threading
    from collections import deque

    workers = min(WORKERS, os.cpu_count() or 1)
    # fork is the fastest start, but forking a multi-threaded process (a web server, a task
    # worker) may deadlock the child: those get a fresh interpreter from a fork server.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    context = multiprocessing.get_context(method)
    with context.Pool(
        workers,
        initializer=worker_init,
        initargs=(header_values, mapping, version, today, table.path, out.writer.directory),
    ) as pool:
        pending: deque = deque()
        for index, chunk in enumerate(table.chunks, start=1):
            pending.append(pool.apply_async(worker_chunk, (chunk, index)))
            del chunk
            while len(pending) > workers:  # bounded: at most workers + 1 chunks in flight
                _merge_chunk(_result(pending.popleft(), table), table, out, changes)
        while pending:
            _merge_chunk(_result(pending.popleft(), table), table, out, changes)


def _result(pending, table) -> dict:
    """A worker's answer; a worker that died (killed, out of memory) must not hang the build."""
    import multiprocessing

    try:
        return pending.get(timeout=CHUNK_TIMEOUT)
    except multiprocessing.TimeoutError:
        raise SpreadsheetError(
            f"{table.path} : le traitement d'une tranche du classeur n'a pas abouti en "
            f"{CHUNK_TIMEOUT} s (processus de travail interrompu ?). Relancez la commande ; si "
            "le problème persiste, enregistrez le fichier en CSV."
        ) from None


def _merge_chunk(done: dict, table, out, changes) -> None:
    if "error" in done:
        raise SpreadsheetError(f"{table.path} : lecture impossible ({done['error']}).")
    out.result.rows += done["rows"]
    table.chunk_lines.append(done["lines"])
    out.plan.nir_used |= done["nir_used"]
    out.result.rejected.extend(done["rejected"])
    for code, (type_, nature, path, lengths, lines, ids) in done["groups"].items():
        out.passages_file(code, type_, nature, path, lengths, lines, ids)
    changes.merge(done["changes"])


def fill_values(table: Table, result: BuildResult) -> None:
    """Rows rejected as duplicates of a row of another chunk: read their values again."""
    from passeport.flux.xlsx_chunks import XlsxChunks

    wanted = {r.line: r for r in result.rejected if r.values is None}
    chunks = XlsxChunks(table.path, chunk_bytes=CHUNK_BYTES, first_chunk_rows=FIRST_CHUNK_ROWS)
    ranges = [(0, 0), *table.chunk_lines]  # the same cuts as the first reading, in order
    try:
        for index, chunk in enumerate(chunks):
            first, last = ranges[index] if index < len(ranges) else (0, 1 << 62)
            if not any(first <= line <= last for line in wanted):
                continue  # only the chunks holding a wanted row are read again
            for line, values in chunks.rows(chunk):
                if line in wanted:
                    wanted.pop(line).values = list(values)
            if not wanted:
                break
    finally:
        chunks.close()
    result.rejected.sort(key=lambda r: r.line)


# -- worker processes (large xlsx): each reads and processes whole chunks --------------------
_WORKER: dict = {}


def worker_init(header_values, mapping, version, today, source, directory) -> None:
    from passeport.flux.xlsx_chunks import XlsxChunks

    scratch = BuildResult(source="")
    reader = XlsxChunks(source)  # the workbook's other parts (styles, shared strings), once
    reader.close()
    _WORKER.update(
        plan=make_plan(header_values, mapping, version, scratch),
        today=today,
        reader=reader,
        directory=Path(directory),
    )


def worker_chunk(chunk: bytes, index: int):

    plan = _WORKER["plan"]
    out = _ChunkOutput(plan)
    changes = Changes()
    lines: list[int] = []

    def rows():
        scratch = _WORKER["directory"] / f"tranche-{os.getpid()}.xlsx"
        for line, values in _WORKER["reader"].rows(chunk, scratch):
            if not lines:
                lines.append(line)
            yield line, values
        lines.append(line)

    try:
        process_rows(rows(), plan, out, changes, _WORKER["today"])
    except Exception as exc:
        return {"error": f"{type(exc).__name__} : {exc}"}
    return {
        "rows": out.rows,
        "rejected": out.rejected,
        "groups": out.packed(_WORKER["directory"], index),
        "changes": changes.summaries(),
        "nir_used": plan.nir_used,
        "lines": (lines[0], lines[-1]) if lines else (0, 0),
    }


class _ChunkOutput:
    """Where processed rows go in a worker process: lists sent back to the main process."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.rows = 0
        self.rejected: list[RejectedRow] = []
        self.groups: dict[str, list] = {}  # code → [type, nature, chunks, lengths, lines, ids]
        self.seen: dict[str, int] = {}

    def row(self) -> None:
        self.rows += 1

    def reject(self, rejected: RejectedRow) -> None:
        self.rejected.append(rejected)

    def passage(self, line, row, id_technique, code, type_, nature, xml) -> None:
        first = self.seen.get(id_technique)
        if first is not None:
            self.reject(
                RejectedRow(
                    line, list(row), [duplicate_anomaly(line, self.plan, id_technique, first)]
                )
            )
            return
        self.seen[id_technique] = line
        group = self.groups.get(code)
        if group is None:
            group = self.groups[code] = [type_, nature, [], array("I"), array("q"), []]
        elif group[1] is None:
            group[1] = nature
        data = xml.encode()
        group[2].append(data)
        group[3].append(len(data))
        group[4].append(line)
        group[5].append(id_technique)

    def packed(self, directory: Path, chunk: int) -> dict[str, tuple]:
        """Per certification: (type, nature, file of the passages, lengths, lines, ids); the
        rendered passages are written to `directory`, shared with the main process."""
        packed = {}
        for number, (code, g) in enumerate(self.groups.items()):
            path = directory / f"c{chunk}-{number}.part"
            path.write_bytes(b"".join(g[2]))
            packed[code] = (g[0], g[1], path, g[3], g[4], g[5])
        return packed
