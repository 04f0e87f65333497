"""Validate a CDC flux: XSD and business rules, streaming, in bounded memory.

Public API (stable; the deposit portal and the CLI call exactly this):

    from passeport.flux.validation import validate_file, FluxValidation

    report = validate_file(path_or_stream, schema="auto", today=None)   # -> findings.Report
    report.valid, report.passages, report.errors, report.warnings, report.findings

    validation = FluxValidation(path_or_stream, schema="auto", today=None, values=True)
    for passage in validation:              # one PassageResult per passageCertification,
        passage.idTechnique, passage.line   # in document order, as soon as it is parsed
        passage.certification               # {"type": …, "code": …} of its certification
        passage.values                      # nested dict of the passage (None if values=False)
        passage.findings, passage.ok        # its own findings (XSD + rules); ok = no error
    validation.report                       # complete once the loop ends

`validate_file(..., on_passage=callback)` calls `callback(passage)` for each PassageResult.

* `source`: a path (str or Path), bytes, or a binary file object.
* `schema`: "auto" (1.1.5 if `action` or `identifiantNational` appears in the first megabyte,
  else 1.1.2), "1.1.2", "1.1.5", or the path of an XSD file (see xsd.py); a schema that cannot
  be used raises xsd.SchemaError (a usage error, not a finding).
* `today`: the reference date of the date rules (late transmission, future dates, age).

Findings outside any passage (flux header, certification type/code) are known at the end of
their element — after the passages for a certification — and `report.flux_errors` lists them:
the portal must reject the whole flux when it is not empty, whatever the passages said.

How it stays fast and flat (docs/regles-flux.md, « Conception »): lxml's iterparse (libxml2,
hardened: no DTD, no entity, no network) delivers only `passageCertification` and
`certification` end events to Python; each passage is validated alone by libxml2 against the
passage schema derived from the chosen XSD (xsd.Schemas), its values are read once into a dict
that the business rules (rules.py) use, then it is cleared and unlinked, so the tree never holds
more than one passage. The certification and the envelope are validated the same way when they
end, with their already-validated children reduced to empty placeholders. Duplicate idTechnique
detection keeps one 64-bit hash and one line number per passage (12 bytes).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from passeport.flux import rules as R
from passeport.flux import safexml
from passeport.flux.dictionary import NAMESPACE, XSI_NAMESPACE
from passeport.flux.findings import ERROR, WARNING, Finding, Report
from passeport.flux.xsd import PEEK_BYTES, Schemas, load_schemas

_N = f"{{{NAMESPACE}}}"
PASSAGE = f"{_N}passageCertification"
CERTIFICATION = f"{_N}certification"
FLUX = f"{_N}flux"
_XSI_NIL = f"{{{XSI_NAMESPACE}}}nil"
# Unqualified variants are parsed and cleared like the real ones (then reported as errors), so
# that a file whose passages lack the namespace does not pile up in memory.
_TAGS = (PASSAGE, CERTIFICATION, "passageCertification", "certification")
DEFAULT_MAX_FINDINGS = 50_000


@dataclass(slots=True)
class PassageResult:
    idTechnique: str | None
    line: int
    certification: dict
    values: dict | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)


class _IdTable:
    """Seen idTechnique values: open addressing over 64-bit hashes, 12 bytes per passage."""

    # 2**19 slots (6 Mo) hold 262 144 passages before growing: memory stays flat up to the
    # official maximum of 200 000 passages per file.
    def __init__(self, capacity: int = 1 << 19):
        self.mask = capacity - 1
        self.hashes = array("Q", [0]) * capacity
        self.lines = array("I", [0]) * capacity
        self.count = 0

    def add(self, value: str, line: int) -> int | None:
        """Record `value`; return the line of its first occurrence when already seen."""
        h = (hash(value) & 0xFFFFFFFFFFFFFFFF) | 1
        hashes, mask = self.hashes, self.mask
        i = h & mask
        while True:
            slot = hashes[i]
            if slot == 0:
                break
            if slot == h:
                return self.lines[i]
            i = (i + 1) & mask
        hashes[i] = h
        self.lines[i] = min(line, 0xFFFFFFFF)
        self.count += 1
        if self.count * 2 > mask:
            self._grow()
        return None

    def _grow(self) -> None:
        old_hashes, old_lines = self.hashes, self.lines
        capacity = (self.mask + 1) * 2
        self.mask = capacity - 1
        self.hashes = array("Q", [0]) * capacity
        self.lines = array("I", [0]) * capacity
        for h, line in zip(old_hashes, old_lines, strict=True):
            if h:
                i = h & self.mask
                while self.hashes[i]:
                    i = (i + 1) & self.mask
                self.hashes[i] = h
                self.lines[i] = line


class _HeadReader:
    """A non-seekable stream with its first bytes already read (they are served first)."""

    def __init__(self, head: bytes, rest):
        self._head = io.BytesIO(head)
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        data = self._head.read(size)
        if size < 0:
            return data + self._rest.read()
        if len(data) < size:
            data += self._rest.read(size - len(data))
        return data


@dataclass
class _Head:
    version: str = "1.1.2"
    dtd: bool = False
    encoding: str | None = None
    root: str | None = None
    error: etree.XMLSyntaxError | None = None


_VERSION_115_NEEDLES = tuple(
    needle.encode(codec)
    for needle in ("action", "identifiantNational")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)


def inspect_head(head: bytes) -> _Head:
    """What the first megabyte tells: root element, DTD, declared encoding, schema version.

    Parsing a whole megabyte costs; the 1.1.5 element names are first looked for as bytes, and
    the head is parsed in full only when one of them appears (to confirm it is an element).
    """
    info = _Head()
    wanted = {f"{_N}action", f"{_N}identifiantNational"}
    maybe_115 = any(needle in head for needle in _VERSION_115_NEEDLES)
    step = 1 << 16
    parser = safexml.pull_parser(events=("start",))
    for offset in range(0, max(len(head), 1), step):
        try:
            parser.feed(head[offset : offset + step])
        except etree.XMLSyntaxError as exc:
            info.error = exc
        try:
            for _event, element in parser.read_events():
                if info.root is None:
                    info.root = element.tag
                    docinfo = element.getroottree().docinfo
                    info.dtd = bool(docinfo.doctype) or docinfo.internalDTD is not None
                if element.tag in wanted:
                    info.version = "1.1.5"
                    break
        except etree.XMLSyntaxError as exc:  # pragma: no cover - read_events re-raises
            info.error = info.error or exc
        if info.error is not None or info.version == "1.1.5":
            break
        if info.root is not None and not maybe_115:
            break
    if info.root is None and b"<!DOCTYPE" in head[:4096].upper().replace(b"\x00", b""):
        info.dtd = True
    info.encoding = declared_encoding(head)
    return info


_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def declared_encoding(head: bytes) -> str | None:
    """The encoding named by the XML declaration (UTF-16 when the file starts with its BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    match = _ENCODING_RE.match(head.removeprefix(b"\xef\xbb\xbf")[:200])
    return match.group(1).decode("ascii") if match else None


def _nested(element) -> dict:
    """The values of a passage as a nested dict keyed by local names (nil -> None)."""
    out: dict = {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = tag.rpartition("}")[2]
        if len(child):
            value = _nested(child)
        elif child.get(_XSI_NIL) in ("true", "1"):
            value = None
        else:
            value = child.text or ""
        if name == "resultat":
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


class FluxValidation:
    """Iterate the validated passages of one flux; `report` is complete after the loop."""

    def __init__(
        self,
        source,
        schema: str | Schemas = "auto",
        today: dt.date | None = None,
        *,
        values: bool = True,
        name: str | None = None,
        max_findings: int = DEFAULT_MAX_FINDINGS,
    ):
        self.source = source
        self.schema_choice = schema
        self.today = today or dt.date.today()
        self.keep_values = values
        self.max_findings = max_findings
        self.report = Report(file=name or _display_name(source))
        # False when another process validates the passages against the XSD (validate_file's
        # parallel mode); certifications and envelope are always validated here.
        self.xsd_passages = True
        # False when nobody reads the PassageResults (validate_file without callback).
        self.emit = True
        # Parallel mode: first lines of the passages with an error, to merge both passes.
        self.error_passages: set[int] | None = None
        # Called with (passage element, its values, first business-rule error or None) for each
        # passage, in file order, in either mode (see validate_file's `on_values`).
        self.on_values: Callable[[etree._Element, dict, tuple | None], None] | None = None
        self._errors = 0
        self._warnings = 0

    # -- findings bookkeeping: exact counts, stored list capped --------------------------
    def _count(self, severity: str) -> None:
        if severity == ERROR:
            self._errors += 1
        else:
            self._warnings += 1

    def _add(self, finding: Finding) -> None:
        # Findings outside passages (few) are always kept: report.flux_errors must be complete.
        if finding.passage is None or len(self.report.findings) < self.max_findings:
            self._count(finding.severity)
            self.report.findings.append(finding)
        else:
            self._omit(finding.severity)

    def _omit(self, severity: str) -> None:
        """Count a passage finding that is not stored (the list is full)."""
        self._count(severity)
        self.report.omitted += 1

    def _fatal(self, rule: str, message: str, line: int | None = None, hint: str | None = None):
        self._add(Finding(ERROR, rule, line, None, None, message, hint or R.RULES[rule].hint))

    # -- main loop -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[PassageResult]:
        report = self.report
        try:
            stream, head = self._open()
        except OSError as exc:
            report.readable = False
            self._fatal(
                "XML-ILLISIBLE",
                f"Le fichier « {report.file} » ne peut pas être lu ({_os_reason(exc)}).",
            )
            self._finish()
            return
        try:
            if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
                report.readable = False
                self._fatal("XML-VIDE", f"Le fichier « {report.file} » est vide.")
                return
            info = inspect_head(head)
            schemas = (
                self.schema_choice
                if isinstance(self.schema_choice, Schemas)
                else load_schemas(
                    info.version if self.schema_choice == "auto" else self.schema_choice
                )
            )
            report.schema = schemas.label
            if info.dtd:
                self._dtd_refused()
                return
            if info.encoding and info.encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
                self._add(
                    Finding(
                        WARNING,
                        "XML-ENCODAGE-DECLARE",
                        1,
                        None,
                        None,
                        f"Le fichier est déclaré en {info.encoding} ; la Caisse des Dépôts "
                        "attend de l'UTF-8.",
                        R.RULES["XML-ENCODAGE-DECLARE"].hint,
                    )
                )
            if info.root is not None and info.root != FLUX:
                self._fatal(
                    "XSD-RACINE",
                    f"L'élément racine est « {info.root} » : un flux CDC commence par l'élément "
                    f"flux de l'espace de noms {NAMESPACE} (cpf:flux).",
                    line=1,
                )
                return
            yield from self._parse(stream, schemas)
        finally:
            if hasattr(stream, "close") and stream is not self.source:
                stream.close()
            self._finish()

    def _open(self):
        source = self.source
        if isinstance(source, bytes | bytearray):
            return io.BytesIO(source), bytes(source[:PEEK_BYTES])
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            if path.is_dir():
                raise IsADirectoryError(21, "c'est un dossier", str(path))
            handle = path.open("rb")
            head = handle.read(PEEK_BYTES)
            handle.seek(0)
            return handle, head
        head = source.read(PEEK_BYTES)
        if hasattr(source, "seek") and getattr(source, "seekable", lambda: False)():
            source.seek(source.tell() - len(head))
            return source, head
        return _HeadReader(head, source), head

    def _finish(self) -> None:
        report = self.report
        report.sort()
        report.error_count = self._errors
        report.warning_count = self._warnings

    def _parse(self, stream, schemas: Schemas) -> Iterator[PassageResult]:
        report = self.report
        check_xsd = self.xsd_passages
        emit = self.emit
        error_passages = self.error_passages
        passage_schema = schemas.passage
        cert_schema = schemas.certification
        ids = _IdTable()
        rules: R.PassageRules | None = None
        keep_values = self.keep_values
        on_values = self.on_values
        max_findings = self.max_findings
        add = self._add
        translate = _translator()
        cert_info: dict = {}
        context = safexml.iterparse(
            stream,
            events=("end",),
            tag=_TAGS,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,
        )
        root = None
        try:
            for _event, el in context:
                if root is None:
                    root = el.getroottree().getroot()
                    if _has_dtd(root):
                        self._dtd_refused()
                        return
                tag = el.tag
                if tag == PASSAGE or tag == "passageCertification":
                    report.passages += 1
                    line = el.sourceline or 0
                    if rules is None:
                        rules = R.PassageRules(self.today, action=_action(root))
                    values = {child.tag: child.text for child in el.iter()}
                    id_technique = values.get(R.ID)
                    findings: list[Finding] = []
                    bad: set = set()
                    if check_xsd and not passage_schema.validate(el):
                        for error in passage_schema.error_log:
                            rule, name, message, hint = translate(error, tag)
                            bad.add(name)
                            findings.append(
                                Finding(
                                    ERROR, rule, error.line, id_technique, name, message, hint, line
                                )
                            )
                    if id_technique:
                        first = ids.add(id_technique, line)
                        if first is not None:
                            findings.append(
                                Finding(
                                    ERROR,
                                    "REG-ID-UNIQUE",
                                    _line_of(el, "idTechnique", line),
                                    id_technique,
                                    "idTechnique",
                                    f"L'idTechnique « {id_technique} » est déjà celui du passage "
                                    f"de la ligne {first} : chaque passage doit avoir le sien.",
                                    R.RULES["REG-ID-UNIQUE"].hint,
                                    line,
                                )
                            )
                    first_error = None  # the passage's first business-rule error
                    for broken in rules.check(values, bad):
                        if bad and R.superseded(broken.rule, broken.field, bad):
                            continue
                        severity = R.RULES[broken.rule].severity
                        if severity == ERROR and first_error is None:
                            first_error = broken
                        if emit or len(report.findings) + len(findings) < max_findings:
                            findings.append(
                                Finding(
                                    severity,
                                    broken.rule,
                                    _line_of(el, broken.field, line),
                                    id_technique,
                                    broken.field,
                                    broken.message,
                                    broken.hint,
                                    line,
                                )
                            )
                        else:
                            # Beyond the stored findings: counted, not built (finding the
                            # element's line is a search of the passage, for a finding that
                            # `_add` would drop).
                            self._omit(severity)
                    if findings or first_error is not None:
                        for finding in findings:
                            add(finding)
                        if first_error is not None or any(f.severity == ERROR for f in findings):
                            report.passages_with_errors += 1
                            if error_passages is not None:
                                error_passages.add(line)
                    if on_values is not None:
                        on_values(el, values, first_error)
                    parent = el.getparent()
                    if emit:
                        cert = parent.getparent() if parent is not None else None
                        if cert is not None and cert is not cert_info.get("element"):
                            cert_info = _certification_info(cert)
                        yield PassageResult(
                            id_technique,
                            line,
                            cert_info.get("values", {}),
                            _nested(el) if keep_values else None,
                            findings,
                        )
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]
                else:  # a certification: its passages are already validated and cleared
                    self._certification(el, cert_schema, translate, root)
                    el.clear()
                    parent = el.getparent()
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
            root = context.root if root is None else root
        except etree.XMLSyntaxError as exc:
            self._syntax_error(exc)
            return
        if root is not None:
            if _has_dtd(root):
                self._dtd_refused()
                return
            self._declare_envelope(root)
            self._envelope(root, schemas, translate)

    def _dtd_refused(self) -> None:
        self._fatal(
            "XML-DTD",
            "Le fichier contient une déclaration <!DOCTYPE …> (DTD, entités) : refusée par "
            "sécurité, aucune entité n'est lue ni développée.",
        )

    def _certification(self, el, cert_schema, translate, root) -> None:
        findings: list[Finding] = []
        bad: set = set()
        if not cert_schema.validate(el):
            for error in cert_schema.error_log:
                rule, name, message, hint = translate(error, el.tag)
                bad.add(name)
                findings.append(Finding(ERROR, rule, error.line, None, name, message, hint))
        info = _certification_info(el)["values"]
        self._declare(el, info)
        line = el.sourceline
        checks = R.check_certification(info.get("type"), info.get("code"), bad)
        emetteur, certificateur = _client_ids(root)
        if "natureDeposant" not in bad:
            checks += R.check_nature(info.get("natureDeposant"), emetteur, certificateur)
        for broken in checks:
            message = broken.message
            findings.append(
                Finding(
                    R.RULES[broken.rule].severity,
                    broken.rule,
                    _line_of(el, broken.field, line),
                    None,
                    broken.field,
                    f"Certification {info.get('code') or '?'} : {message[0].lower()}{message[1:]}",
                    broken.hint,
                )
            )
        for finding in findings:
            self._add(finding)

    def _declare(self, certification, info: dict) -> None:
        """Note a certification in `report.declared`, under its certificateur
        (certificateur > certifications > certification)."""
        container = certification.getparent()
        certificateur = container.getparent() if container is not None else None
        if certificateur is None or certificateur.tag != f"{_N}certificateur":
            return
        declared = self.report.declared.certificateurs
        if not declared or declared[-1]["line"] != certificateur.sourceline:
            declared.append(
                {
                    "line": certificateur.sourceline,
                    "idClient": (certificateur.findtext(f"{_N}idClient") or "").strip(),
                    "idContrat": (certificateur.findtext(f"{_N}idContrat") or "").strip(),
                    "certifications": [],
                }
            )
        declared[-1]["certifications"].append(
            {name: (info.get(name) or "").strip() for name in ("type", "code", "natureDeposant")}
        )

    def _declare_envelope(self, root) -> None:
        declared = self.report.declared
        declared.id_flux = (root.findtext(f"{_N}idFlux") or "").strip()
        declared.horodatage = (root.findtext(f"{_N}horodatage") or "").strip()
        declared.action = _action(root) or ""
        declared.emetteur = (_client_ids(root)[0] or "").strip()

    def _envelope(self, root, schemas: Schemas, translate) -> None:
        if root.tag != FLUX:
            self._fatal(
                "XSD-RACINE",
                f"L'élément racine est « {root.tag} » : un flux CDC commence par cpf:flux.",
                line=root.sourceline,
            )
            return
        try:
            if schemas.envelope.validate(root.getroottree()):
                return
        except etree.XMLSchemaValidateError:
            self._fatal(
                "XSD-AUTRE",
                "Le fichier n'a pas pu être validé contre le schéma (contenu inattendu).",
                line=root.sourceline,
            )
            return
        for error in schemas.envelope.error_log:
            rule, name, message, hint = translate(error, root.tag)
            self._add(Finding(ERROR, rule, error.line, None, name, message, hint))

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> None:
        line, column = (exc.position if exc.position else (exc.lineno, None)) or (None, None)
        text = str(exc.msg or exc)
        where = f"ligne {line}" + (f", colonne {column}" if column else "")
        lowered = text.lower()
        if "unsupported encoding" in lowered:
            self._fatal(
                "XML-ENCODAGE",
                f"L'encodage déclaré dans la première ligne est inconnu ({where}).",
                line=line,
            )
        elif "encoding" in lowered or "utf-8" in lowered or "bytes:" in lowered:
            self._fatal(
                "XML-ENCODAGE",
                f"Caractère invalide pour l'encodage déclaré ({where}) : le fichier n'est "
                "probablement pas enregistré en UTF-8 (accents d'un fichier Windows/ANSI).",
                line=line,
            )
        elif _syntax_reason(text) is None and (
            "entity" in lowered or "doctype" in lowered or "dtd" in lowered
        ):
            self._fatal(
                "XML-DTD",
                f"Entité ou DTD refusée ({where}) : un flux CDC n'en contient jamais.",
                line=line,
            )
        elif "huge" in lowered or "depth" in lowered or "amplification" in lowered:
            self._fatal(
                "XML-LIMITE",
                f"Le fichier dépasse une limite de sécurité de l'analyseur XML ({where}).",
                line=line,
            )
        else:
            self._fatal(
                "XML-MAL-FORME",
                f"Le fichier n'est pas un XML bien formé ({where}) : "
                f"{_syntax_reason(text) or 'structure XML incorrecte à cet endroit'}.",
                line=line,
            )


def validate_file(
    source,
    schema: str | Schemas = "auto",
    today: dt.date | None = None,
    *,
    on_passage: Callable[[PassageResult], None] | None = None,
    name: str | None = None,
    max_findings: int = DEFAULT_MAX_FINDINGS,
    parallel: bool | None = None,
    on_values: Callable[[etree._Element, dict, tuple | None], None] | None = None,
) -> Report:
    """Validate one flux; returns its Report (see the module docstring).

    `on_values(element, values, first_error)` is called for each passage with its element
    (cleared right after the call), its values (Clark name → text, the very dict the business
    rules read) and its first business-rule error (a `rules.RuleResult`) or None —
    XSD errors aside, which the report gives. Unlike `on_passage` it keeps the parallel mode
    (the rules' process calls it): a portal can keep what it needs of each passage while the
    file is validated.

    `parallel` (default: automatic) runs the passages' XSD validation in a second process
    while this one applies the business rules, when `source` is a file of more than
    PARALLEL_MIN_BYTES, no `on_passage` callback is given, two cores are idle (measured over
    50 ms) and the calling process runs no other thread.
    The findings are the same either way (tests/flux/test_validation_api.py). The deposit
    portal always passes False (deposits/reception_checks.py).
    """
    validation = FluxValidation(
        source,
        schema,
        today,
        values=on_passage is not None,
        name=name,
        max_findings=max_findings,
    )
    validation.on_values = on_values
    if parallel is None:
        parallel = (
            on_passage is None
            and isinstance(source, str | os.PathLike)
            and _size(source) >= PARALLEL_MIN_BYTES
            and _idle_cores() >= 1.8  # a core for each process
            # forking a process that runs other threads (a web server, a task worker) could
            # copy a lock held by one of them: the portal gets the single-process path
            and threading.active_count() == 1
        )
    if not parallel or on_passage is not None or not isinstance(source, str | os.PathLike):
        validation.emit = on_passage is not None
        for passage in validation:
            on_passage(passage)
        return validation.report
    return _validate_parallel(validation, source, schema, max_findings)


PARALLEL_MIN_BYTES = 4 << 20


def _idle_cores() -> float:
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


def _validate_parallel(validation: FluxValidation, path, schema, max_findings: int) -> Report:
    """Rules here, the passages' XSD in a forked child; both parse the file (2 cores)."""
    import multiprocessing

    schemas = None
    if os.path.isfile(path) and os.access(path, os.R_OK):
        schemas = schema if isinstance(schema, Schemas) else load_schemas(schema, flux=path)
    if schemas is None:  # unreadable: the ordinary path reports it
        for _passage in validation:
            pass
        return validation.report
    validation.schema_choice = schemas
    validation.xsd_passages = False
    validation.emit = False
    validation.error_passages = set()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_xsd_child, args=(path, schemas, sender, max_findings), daemon=True
    )
    child.start()
    sender.close()
    try:
        for _passage in validation:
            pass
        try:
            xsd_findings, xsd_count, passages_in_error = receiver.recv()
        except EOFError:  # the child died: fall back to validating here
            xsd_findings, xsd_count, passages_in_error = _xsd_pass(path, schemas, max_findings)
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
    _merge(validation, xsd_findings, xsd_count, passages_in_error, max_findings)
    return validation.report


def _xsd_child(path, schemas, sender, max_findings: int) -> None:
    try:
        sender.send(_xsd_pass(path, schemas, max_findings))
    finally:
        sender.close()


def _xsd_pass(path, schemas: Schemas, max_findings: int):
    """XSD validation of every passage alone: (findings, exact error count, passages in error).

    Syntax errors are ignored here: the main pass reports them.
    """
    schema = schemas.passage
    translate = _translator()
    findings: list[Finding] = []
    count = 0
    in_error: set[int] = set()
    context = safexml.iterparse(
        str(path),
        events=("end",),
        tag=_TAGS,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
    )
    try:
        for _event, el in context:
            tag = el.tag
            if (tag == PASSAGE or tag == "passageCertification") and not schema.validate(el):
                line = el.sourceline or 0
                in_error.add(line)
                id_technique = el.findtext(f"{_N}idTechnique")
                for error in schema.error_log:
                    count += 1
                    if len(findings) < 2 * max_findings:  # the merge applies the real cap
                        rule, name, message, hint = translate(error, tag)
                        findings.append(
                            Finding(
                                ERROR, rule, error.line, id_technique, name, message, hint, line
                            )
                        )
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    except (etree.XMLSyntaxError, OSError):
        pass
    return findings, count, in_error


def _merge(validation: FluxValidation, xsd_findings, xsd_count, passages_in_error, cap) -> None:
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


# ---------------------------------------------------------------------------------------------
def _translator():
    from passeport.flux.xsd_messages import translate

    cache: dict = {}

    def run(error, tag: str):
        key = (error.type_name, error.message)
        if key not in cache:
            if len(cache) > 10_000:
                cache.clear()
            cache[key] = translate(error.type_name, error.message)
        rule, name, message, hint = cache[key]
        if rule == "XSD-RACINE" and tag in ("passageCertification", "certification"):
            rule, name = "XSD-ELEMENT-INATTENDU", tag
            message = (
                f"L'élément « {tag} » n'a pas d'espace de noms : il doit être écrit cpf:{tag} "
                f"(espace de noms {NAMESPACE})."
            )
            hint = "Préfixez chaque élément par cpf: et déclarez xmlns:cpf sur l'élément racine."
        return rule, name, message, hint

    return run


def _has_dtd(root) -> bool:
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None


def _line_of(el, name: str | None, default: int) -> int:
    if not name:
        return default
    found = el.find(f".//{_N}{name}")
    return found.sourceline if found is not None and found.sourceline else default


def _action(root) -> str | None:
    if root is None:
        return None
    found = root.find(f"{_N}action")
    return found.text.strip() if found is not None and found.text else None


def _client_ids(root) -> tuple[str | None, str | None]:
    if root is None:
        return None, None
    emetteur = root.findtext(f"{_N}emetteur/{_N}idClient")
    certificateur = root.findtext(f"{_N}emetteur/{_N}certificateurs/{_N}certificateur/{_N}idClient")
    return emetteur, certificateur


def _certification_info(cert) -> dict:
    values = {}
    for name in ("type", "code", "natureDeposant"):
        found = cert.find(f"{_N}{name}")
        if found is not None and found.text is not None:
            values[name] = found.text
    return {"element": cert, "values": values}


def _display_name(source) -> str:
    if isinstance(source, str | os.PathLike):
        return str(source)
    return getattr(source, "name", None) or "<flux>"


def _os_reason(exc: OSError) -> str:
    reasons = {
        2: "fichier introuvable",
        13: "accès refusé",
        21: "c'est un dossier",
    }
    return reasons.get(exc.errno, exc.strerror or "erreur de lecture")


_SYNTAX_REASONS = [
    (
        "Opening and ending tag mismatch",
        "une balise fermante ne correspond pas à la balise ouverte",
    ),
    ("Premature end of data", "le fichier s'arrête avant la fin (fichier tronqué ?)"),
    ("EndTag: '</' not found", "le fichier s'arrête avant la fin (fichier tronqué ?)"),
    ("Extra content at the end", "du contenu suit la fin de l'élément racine"),
    ("xmlParseEntityRef: no name", "un caractère « & » doit être écrit &amp;"),
    ("EntityRef: expecting ';'", "un caractère « & » doit être écrit &amp;"),
    ("StartTag: invalid element name", "un caractère « < » doit être écrit &lt;"),
    ("Start tag expected", "aucune balise XML trouvée"),
    ("Document is empty", "aucune balise XML trouvée"),
    ("Char 0x", "le fichier contient un caractère de contrôle interdit en XML"),
    ("PCDATA invalid Char", "le fichier contient un caractère interdit en XML"),
    ("AttValue", "une valeur d'attribut n'est pas entre guillemets"),
    ("attributes construct error", "un attribut est mal écrit"),
    ("Couldn't find end of Start Tag", "une balise ouvrante n'est pas refermée par « > »"),
    (
        "XML declaration allowed only at the start",
        "la déclaration <?xml …?> doit être au tout début",
    ),
    ("Unsupported encoding", "l'encodage déclaré est inconnu"),
    ("Namespace prefix", "un préfixe d'espace de noms (cpf:) n'est pas déclaré"),
]


def _syntax_reason(text: str) -> str | None:
    for needle, reason in _SYNTAX_REASONS:
        if needle.lower() in text.lower():
            return reason
    return None
