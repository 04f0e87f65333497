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

`validate_file(..., on_finding=sink.add)` (or `FluxValidation(..., on_finding=…)`) hands every
finding of a passage to the callback as soon as its passage is checked, in document order and
sorted within the passage, with no cap: they are not stored, and `report.findings` keeps only
the findings outside passages (envelope, certification, syntax; report.flux_errors stays
complete). This is how the CLI writes reports of any number of findings in flat memory
(reports.py); without it the report stores at most `max_findings` passage findings.

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

This module is the single-process path, top to bottom; the checks of one passage and of one
certification are passage_checks.py, the parallel mode (XSD in a second process) is
validation_parallel.py.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from passeport.flux import rules as R
from passeport.flux import safexml, sniffing, validation_parallel
from passeport.flux.dictionary import NAMESPACE, XSI_NAMESPACE
from passeport.flux.findings import ERROR, WARNING, Finding, Report
from passeport.flux.passage_checks import (
    FLUX,
    PASSAGE,
    TAGS,
    IdTable,
    certification_findings,
    duplicate_finding,
    rule_finding,
    translator,
    xsd_findings,
)
from passeport.flux.xsd import PEEK_BYTES, Schemas, load_schemas

_N = f"{{{NAMESPACE}}}"
_XSI_NIL = f"{{{XSI_NAMESPACE}}}nil"
DEFAULT_MAX_FINDINGS = 50_000
OnValues = Callable[[etree._Element, dict, "R.RuleResult | None"], None]


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


def validate_file(
    source,
    schema: str | Schemas = "auto",
    today: dt.date | None = None,
    *,
    on_passage: Callable[[PassageResult], None] | None = None,
    name: str | None = None,
    max_findings: int = DEFAULT_MAX_FINDINGS,
    parallel: bool | None = None,
    on_values: OnValues | None = None,
    on_finding: Callable[[Finding], None] | None = None,
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
    validation_parallel.PARALLEL_MIN_BYTES, no `on_passage` callback is given, two cores are idle (measured over
    50 ms) and the calling process runs no other thread.
    The findings are the same either way (tests/flux/test_validation_api.py). The deposit
    portal always passes False (deposits/reception_checks.py).
    """
    if parallel is None:
        parallel = on_passage is None and validation_parallel.worth_it(source)
    if parallel and on_passage is None and isinstance(source, str | os.PathLike):
        schemas = validation_parallel.schemas_for(source, schema)
        if schemas is not None:  # else unreadable: the ordinary path reports it
            validation = FluxValidation(
                source,
                schemas,
                today,
                values=False,
                name=name,
                max_findings=max_findings,
                on_values=on_values,
                xsd_passages=False,
                emit=False,
                track_error_passages=True,
                on_finding=on_finding,
            )
            return validation_parallel.run(validation, source, schemas, max_findings)
    validation = FluxValidation(
        source,
        schema,
        today,
        values=on_passage is not None,
        name=name,
        max_findings=max_findings,
        on_values=on_values,
        emit=on_passage is not None,
        on_finding=on_finding,
    )
    for passage in validation:
        on_passage(passage)
    return validation.report


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
        on_values: OnValues | None = None,
        xsd_passages: bool = True,
        emit: bool = True,
        track_error_passages: bool = False,
        on_finding: Callable[[Finding], None] | None = None,
    ):
        """`on_values`: see validate_file. The other flags are validate_file's modes:
        `xsd_passages` False when another process validates the passages against the XSD
        (the parallel mode; certifications and envelope are always validated here), `emit`
        False when nobody reads the PassageResults (nothing is yielded), and
        `track_error_passages` keeps the first lines of the passages in error in
        `error_passages`, so that the parallel mode can merge both passes. `on_finding`: see
        validate_file."""
        self.source = source
        self.schema_choice = schema
        self.today = today or dt.date.today()
        self.keep_values = values
        self.max_findings = max_findings
        self.report = Report(file=name or _display_name(source))
        self.on_values = on_values
        self.xsd_passages = xsd_passages
        self.emit = emit
        self.error_passages: set[int] | None = set() if track_error_passages else None
        self.on_finding = on_finding
        self._errors = 0
        self._warnings = 0
        # the state of one parse, shared by its passages (set by _parse)
        self._rules: R.PassageRules | None = None
        self._ids: IdTable | None = None
        self._translate = None
        self._passage_schema = None
        self._cert_info: dict = {}

    # -- findings bookkeeping: exact counts, stored list capped --------------------------
    def _count(self, severity: str) -> None:
        if severity == ERROR:
            self._errors += 1
        else:
            self._warnings += 1

    def _add(self, finding: Finding) -> None:
        # Findings outside passages (few) are always kept: report.flux_errors must be complete.
        if finding.passage is not None and self.on_finding is not None:
            self._count(finding.severity)
            self.on_finding(finding)
        elif finding.passage is None or len(self.report.findings) < self.max_findings:
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
            kind = sniffing.kind_of_non_xml(head)
            if kind is not None:
                report.readable = False
                self._fatal(
                    "XML-MAL-FORME",
                    f"Le fichier « {report.file} » est {kind}, pas un flux XML.",
                    line=1,
                    hint="Déposez le flux XML (UTF-8) ; un tableur se transforme en flux avec "
                    "« passeport flux build ».",
                )
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
        self._passage_schema = schemas.passage if self.xsd_passages else None
        self._rules = None  # made at the first passage, with the flux's action
        self._ids = IdTable()
        self._translate = translator()
        self._cert_info = {}
        context = safexml.iter_events(
            stream,
            events=("end",),
            tag=TAGS,
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
                    result = self._passage(el, root)
                    if result is not None:
                        yield result
                else:  # a certification: its passages are already validated and cleared
                    self._certification(el, schemas.certification, root)
                _release(el)
            root = context.root if root is None else root
        except etree.XMLSyntaxError as exc:
            self._syntax_error(exc)
            return
        if root is not None:
            if _has_dtd(root):
                self._dtd_refused()
                return
            self._declare_envelope(root)
            self._envelope(root, schemas, self._translate)

    def _passage(self, el, root) -> PassageResult | None:
        """One passage, alone: its XSD (unless the other process checks it), its idTechnique
        unique in the file, the business rules on its values read once; its findings are
        added to the report; its PassageResult is returned when someone reads them."""
        report = self.report
        report.passages += 1
        line = el.sourceline or 0
        if self._rules is None:
            self._rules = R.PassageRules(self.today, action=_action(root))
        values = {child.tag: child.text for child in el.iter()}
        id_technique = values.get(R.ID)
        schema = self._passage_schema
        findings = (
            xsd_findings(schema, el, self._translate, id_technique, line)
            if schema is not None
            else []
        )
        bad = {f.field for f in findings}
        if id_technique:
            first = self._ids.add(id_technique, line)
            if first is not None:
                findings.append(duplicate_finding(el, id_technique, line, first))
        first_error = self._rule_findings(el, values, bad, id_technique, line, findings)
        if findings or first_error is not None:
            if len(findings) > 1:
                findings.sort(key=Finding.sort_key)  # the report's order (Report.sort)
            for finding in findings:
                self._add(finding)
            if first_error is not None or any(f.severity == ERROR for f in findings):
                report.passages_with_errors += 1
                if self.error_passages is not None:
                    self.error_passages.add(line)
        if self.on_values is not None:
            self.on_values(el, values, first_error)
        if not self.emit:
            return None
        parent = el.getparent()
        cert = parent.getparent() if parent is not None else None
        if cert is not None and cert is not self._cert_info.get("element"):
            self._cert_info = _certification_info(cert)
        return PassageResult(
            id_technique,
            line,
            self._cert_info.get("values", {}),
            _nested(el) if self.keep_values else None,
            findings,
        )

    def _rule_findings(self, el, values, bad, id_technique, line, findings) -> R.RuleResult | None:
        """Append the business rules' findings (those the XSD findings do not cover) to
        `findings`; return the first error among them. Beyond the stored findings they are
        counted, not built (finding the element's line is a search of the passage, for a
        finding that `_add` would drop)."""
        first_error = None
        emit = self.emit or self.on_finding is not None  # every finding is wanted
        stored = len(self.report.findings)
        for broken in self._rules.check(values, bad):
            if bad and R.superseded(broken.rule, broken.field, bad):
                continue
            severity = R.RULES[broken.rule].severity
            if severity == ERROR and first_error is None:
                first_error = broken
            if emit or stored + len(findings) < self.max_findings:
                findings.append(rule_finding(el, broken, severity, id_technique, line))
            else:
                self._omit(severity)
        return first_error

    def _dtd_refused(self) -> None:
        self._fatal(
            "XML-DTD",
            "Le fichier contient une déclaration <!DOCTYPE …> (DTD, entités) : refusée par "
            "sécurité, aucune entité n'est lue ni développée.",
        )

    def _certification(self, el, cert_schema, root) -> None:
        info = _certification_info(el)["values"]
        self._declare(el, info)
        emetteur, certificateur = _client_ids(root)
        for finding in certification_findings(
            el, cert_schema, self._translate, info, emetteur, certificateur
        ):
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
        elif is_limit_error(text):
            self._fatal(
                "XML-LIMITE",
                f"Le fichier dépasse une limite de sécurité de l'analyseur XML ({where}) : "
                f"{_limit_reason(lowered)}.",
                line=line,
            )
        else:
            self._fatal(
                "XML-MAL-FORME",
                f"Le fichier n'est pas un XML bien formé ({where}) : "
                f"{_syntax_reason(text) or 'structure XML incorrecte à cet endroit'}.",
                line=line,
            )


# ------------------------------------------------------------------ the file's first megabyte
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


# ---------------------------------------------------------------------------------- helpers
def _release(el) -> None:
    """Clear an element that is done with, and drop its earlier siblings: the tree never holds
    more than the element being parsed."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


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


def _has_dtd(root) -> bool:
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None


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


# libxml2's limits (parserInternals.h XML_MAX_TEXT_LENGTH, XML_MAX_HUGE_LENGTH, xmlParserMaxDepth):
# what exceeded which, in the certifier's words.
_LIMIT_REASONS = [
    (
        "comment too big",
        "un commentaire <!-- … --> dépasse 10 Mo (retirez-le : un flux CDC n'en a pas besoin)",
    ),
    ("huge text node", "un texte entre deux balises dépasse 10 Mo"),
    ("depth", "les éléments sont imbriqués sur plus de 256 niveaux"),
    ("amplification", "des entités se développent démesurément"),
]


def is_limit_error(text: str) -> bool:
    """A libxml2 error that says a security limit was exceeded (not malformed XML)."""
    lowered = text.lower()
    return any(needle in lowered for needle in ("huge", "depth", "amplification", "too big"))


def limit_reason(text: str) -> str:
    return _limit_reason(text.lower())


def syntax_reason(text: str) -> str:
    """libxml2's syntax error in French words (« un caractère « & » doit être écrit &amp; »)."""
    return _syntax_reason(text) or "structure XML incorrecte à cet endroit"


def _limit_reason(lowered: str) -> str:
    for needle, reason in _LIMIT_REASONS:
        if needle in lowered:
            return reason
    return "une valeur ou une structure est démesurée"


def _syntax_reason(text: str) -> str | None:
    for needle, reason in _SYNTAX_REASONS:
        if needle.lower() in text.lower():
            return reason
    return None
