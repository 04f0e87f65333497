"""validate_file's parallel mode: the business rules in this process, the passages' XSD in
a forked child, both parsing the file (one core each), their findings merged.

    if worth_it(source):                        # a big file, two idle cores, one thread
        schemas = schemas_for(path, schema)     # None: unreadable, the ordinary path reports
        report = run(validation, path, schemas, max_findings)

`run` takes a FluxValidation built for this mode (`xsd_passages=False`, `emit=False`,
`track_error_passages=True`): it validates certifications and envelope itself, the child
sends back every passage XSD finding, and `merge` drops the rule findings that an XSD finding
of the same passage already covers (rules.DEPENDS), as the single-process pass does.

With an `on_finding` callback (the CLI's report sinks) nothing is capped nor held in memory:
each process pickles its passage findings into a temporary file as it goes (batches, in
document order), and `merge_streams` reads both files side by side once the passes end, passage
by passage, handing the merged findings to the callback.
"""

from __future__ import annotations

import itertools
import os
import pickle
import tempfile
import threading
import time
from typing import TYPE_CHECKING

from lxml import etree

from passeport.flux import rules as R
from passeport.flux import safexml
from passeport.flux.findings import ERROR, Finding, Report
from passeport.flux.passage_checks import PASSAGE, TAGS, translator, xsd_findings
from passeport.flux.xsd import Schemas, load_schemas

if TYPE_CHECKING:  # validation imports this module
    from passeport.flux.validation import FluxValidation

PARALLEL_MIN_BYTES = 4 << 20


def worth_it(source) -> bool:
    """The automatic choice (see validate_file): a file of at least PARALLEL_MIN_BYTES, a core
    for each process, and no other thread in this one."""
    return (
        isinstance(source, str | os.PathLike)
        and _size(source) >= PARALLEL_MIN_BYTES
        and idle_cores() >= 1.8  # a core for each process
        # forking a process that runs other threads (a web server, a task worker) could
        # copy a lock held by one of them: the portal gets the single-process path
        and threading.active_count() == 1
    )


def schemas_for(path, schema) -> Schemas | None:
    """The schemas both processes use (the child cannot tell the main pass its choice); None
    when the file cannot be read."""
    if not (os.path.isfile(path) and os.access(path, os.R_OK)):
        return None
    return schema if isinstance(schema, Schemas) else load_schemas(schema, flux=path)


def run(validation: FluxValidation, path, schemas: Schemas, max_findings: int) -> Report:
    """Rules here, the passages' XSD in a forked child; both parse the file (2 cores)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    sink = validation.on_finding
    spools = None
    if sink is not None:  # both passes spool their findings; merged after (merge_streams)
        spools = (_Spool(), tempfile.TemporaryFile())  # noqa: SIM115 (closed in run)
        validation.on_finding = spools[0].add
    child = context.Process(
        target=xsd_child,
        args=(path, schemas, sender, max_findings, spools[1] if spools else None),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        for _passage in validation:
            pass
        try:
            xsd_found, xsd_count, passages_in_error = receiver.recv()
        except EOFError:  # the child died: fall back to validating here
            if spools:
                spools[1].seek(0)
                spools[1].truncate()
            xsd_found, xsd_count, passages_in_error = xsd_pass(
                path, schemas, max_findings, spools[1] if spools else None
            )
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
    if spools:
        validation.on_finding = sink
        try:
            merge_streams(validation, spools, xsd_count, passages_in_error)
        finally:
            spools[0].file.close()
            spools[1].close()
        return validation.report
    merge(validation, xsd_found, xsd_count, passages_in_error, max_findings)
    return validation.report


class _Spool:
    """Findings pickled to a temporary file in batches (document order)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed in run)
        self.batch: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self.batch.append(finding)
        if len(self.batch) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []


def _read(file):
    file.seek(0)
    while True:
        try:
            yield from pickle.load(file)  # noqa: S301 (our own temporary file)
        except EOFError:
            return


def merge_streams(validation: FluxValidation, spools, xsd_count, passages_in_error) -> None:
    """`merge` for two spooled passes: passage by passage, the child's XSD findings and the
    rule findings they do not cover (rules.DEPENDS), sorted, to `validation.on_finding`."""
    report, emit = validation.report, validation.on_finding
    spools[0].flush()
    ours = itertools.groupby(_read(spools[0].file), key=lambda f: f.passage)
    theirs = itertools.groupby(_read(spools[1]), key=lambda f: f.passage)
    dropped_errors = dropped_warnings = 0
    pending = next(theirs, None)  # (passage line, XSD findings)
    for line, group in ours:
        while pending is not None and pending[0] < line:
            for f in pending[1]:
                emit(f)
            pending = next(theirs, None)
        xsd = list(pending[1]) if pending is not None and pending[0] == line else []
        if xsd:
            pending = next(theirs, None)
        rejected = {f.field for f in xsd}
        found = xsd
        for f in group:
            if rejected and R.superseded(f.rule, f.field, rejected):
                if f.severity == ERROR:
                    dropped_errors += 1
                else:
                    dropped_warnings += 1
            else:
                found.append(f)
        found.sort(key=Finding.sort_key)
        for f in found:
            emit(f)
    while pending is not None:
        for f in pending[1]:
            emit(f)
        pending = next(theirs, None)
    report.error_count = (report.error_count or 0) - dropped_errors + xsd_count
    report.warning_count = (report.warning_count or 0) - dropped_warnings
    report.passages_with_errors = len((validation.error_passages or set()) | passages_in_error)


def xsd_child(path, schemas, sender, max_findings: int, spool=None) -> None:
    try:
        sender.send(xsd_pass(path, schemas, max_findings, spool))
    finally:
        sender.close()


def xsd_pass(path, schemas: Schemas, max_findings: int, spool=None):
    """XSD validation of every passage alone: (findings, exact error count, passages in error).

    With `spool` (a binary file), every finding is pickled there in batches instead, and the
    list returned is empty. Syntax errors are ignored here: the main pass reports them.
    """
    schema = schemas.passage
    translate = translator()
    findings: list[Finding] = []
    count = 0
    in_error: set[int] = set()
    context = safexml.iter_events(
        str(path),
        events=("end",),
        tag=TAGS,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
    )
    try:
        for _event, el in context:
            tag = el.tag
            if tag == PASSAGE or tag == "passageCertification":
                line = el.sourceline or 0
                found = xsd_findings(schema, el, translate, el.findtext(R.ID), line)
                if found:
                    in_error.add(line)
                    count += len(found)
                    if spool is not None:
                        findings.extend(found)
                        if len(findings) >= 2000:
                            pickle.dump(findings, spool, protocol=pickle.HIGHEST_PROTOCOL)
                            findings = []
                    else:
                        room = 2 * max_findings - len(findings)  # the merge applies the real cap
                        findings.extend(found[: max(room, 0)])
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    except (etree.XMLSyntaxError, OSError):
        pass
    if spool is not None:
        if findings:
            pickle.dump(findings, spool, protocol=pickle.HIGHEST_PROTOCOL)
        spool.flush()
        return [], count, in_error
    return findings, count, in_error


def merge(validation: FluxValidation, xsd_findings, xsd_count, passages_in_error, cap) -> None:
    """Add the child's XSD findings; drop rule findings the XSD already covers (rules.DEPENDS).

    The child sends all its findings (the cap applies here, after merging), so that the rule
    findings of every passage can be compared with its XSD findings.
    """
    report = validation.report
    rejected: dict[int | None, set] = {}
    for f in xsd_findings:
        rejected.setdefault(f.passage, set()).add(f.field)
    kept = []
    dropped_errors = dropped_warnings = 0
    for f in report.findings:
        if f.passage in rejected and R.superseded(f.rule, f.field, rejected[f.passage]):
            if f.severity == ERROR:
                dropped_errors += 1
            else:
                dropped_warnings += 1
            continue
        kept.append(f)
    room = max(0, cap - sum(1 for f in kept if f.passage is not None))
    kept.extend(xsd_findings[:room])
    report.omitted += max(0, xsd_count - min(len(xsd_findings), room))
    report.findings = kept
    report.sort()
    report.error_count = (report.error_count or 0) - dropped_errors + xsd_count
    report.warning_count = (report.warning_count or 0) - dropped_warnings
    report.passages_with_errors = len((validation.error_passages or set()) | passages_in_error)


def idle_cores() -> float:
    """Cores left idle by the rest of the machine right now (this process included).

    The second process only pays off with two free cores: on a busy shared machine the two passes
    would fight for the same core and take longer than one. Measured over 50 ms from
    /proc/stat (the 1-minute load average lags behind a job that just started), and bounded by
    the load average where /proc is missing.
    """
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - platforms without a load average
        load = 0.0
    by_load = cores - load
    try:
        first = _cpu_times()
        time.sleep(0.05)
        second = _cpu_times()
    except (OSError, ValueError, IndexError):  # pragma: no cover - no /proc/stat
        return by_load
    total = second[0] - first[0]
    idle = second[1] - first[1]
    return cores * idle / total if total > 0 else by_load


def _cpu_times() -> tuple[int, int]:
    """(all jiffies, idle + iowait jiffies) of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
