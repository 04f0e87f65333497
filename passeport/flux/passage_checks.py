"""The checks of one passage alone, and of one certification, as the streaming validator
(validation.py) and its second process (validation_parallel.py) run them.

    translate = translator()                       # libxml2 error -> (rule, field, message, hint)
    xsd_findings(schema, el, translate, id_technique, line)    -> [Finding]
    ids = IdTable(); ids.add(id_technique, line)   -> line of its first occurrence, or None
    duplicate_finding(el, id_technique, line, first)            -> Finding (REG-ID-UNIQUE)
    rule_finding(el, broken, severity, id_technique, line)      -> Finding (rules.RuleResult)
    certification_findings(el, schema, translate, info, emetteur, certificateur) -> [Finding]

The business rules themselves are rules.py; here they become findings with their line.
"""

from __future__ import annotations

from array import array

from lxml import etree

from passeport.flux import rules as R
from passeport.flux.dictionary import NAMESPACE
from passeport.flux.findings import ERROR, Finding

_N = f"{{{NAMESPACE}}}"
PASSAGE = f"{_N}passageCertification"
CERTIFICATION = f"{_N}certification"
FLUX = f"{_N}flux"
# Unqualified variants are parsed and cleared like the real ones (then reported as errors), so
# that a file whose passages lack the namespace does not pile up in memory.
TAGS = (PASSAGE, CERTIFICATION, "passageCertification", "certification")


class IdTable:
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


# ---------------------------------------------------------------------------------------------
def translator():
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


def xsd_findings(
    schema: etree.XMLSchema, el, translate, id_technique: str | None, line: int
) -> list[Finding]:
    """The XSD errors of one passage validated alone (none when it is valid)."""
    if schema.validate(el):
        return []
    tag = el.tag
    findings = []
    for error in schema.error_log:
        rule, name, message, hint = translate(error, tag)
        findings.append(Finding(ERROR, rule, error.line, id_technique, name, message, hint, line))
    return findings


def duplicate_finding(el, id_technique: str, line: int, first: int) -> Finding:
    return Finding(
        ERROR,
        "REG-ID-UNIQUE",
        line_of(el, "idTechnique", line),
        id_technique,
        "idTechnique",
        f"L'idTechnique « {id_technique} » est déjà celui du passage "
        f"de la ligne {first} : chaque passage doit avoir le sien.",
        R.RULES["REG-ID-UNIQUE"].hint,
        line,
    )


def rule_finding(el, broken: R.RuleResult, severity: str, id_technique, line: int) -> Finding:
    return Finding(
        severity,
        broken.rule,
        line_of(el, broken.field, line),
        id_technique,
        broken.field,
        broken.message,
        broken.hint,
        line,
    )


def certification_findings(
    el, schema: etree.XMLSchema, translate, info: dict, emetteur, certificateur
) -> list[Finding]:
    """A certification, its passages already validated and cleared: its XSD errors, then its
    type and code (REG-TYPE-CERTIF, REG-CODE-CERTIF) and natureDeposant against the ids of
    the émetteur and certificateur (REG-NATURE-DEPOSANT)."""
    findings: list[Finding] = []
    bad: set = set()
    if not schema.validate(el):
        for error in schema.error_log:
            rule, name, message, hint = translate(error, el.tag)
            bad.add(name)
            findings.append(Finding(ERROR, rule, error.line, None, name, message, hint))
    line = el.sourceline
    checks = R.check_certification(info.get("type"), info.get("code"), bad)
    if "natureDeposant" not in bad:
        checks += R.check_nature(info.get("natureDeposant"), emetteur, certificateur)
    for broken in checks:
        message = broken.message
        findings.append(
            Finding(
                R.RULES[broken.rule].severity,
                broken.rule,
                line_of(el, broken.field, line),
                None,
                broken.field,
                f"Certification {info.get('code') or '?'} : {message[0].lower()}{message[1:]}",
                broken.hint,
            )
        )
    return findings


def line_of(el, name: str | None, default: int) -> int:
    if not name:
        return default
    # iter(tag) walks the passage in C; find(".//…") goes through ElementPath per call
    found = next(el.iter(f"{_N}{name}"), None)
    return found.sourceline if found is not None and found.sourceline else default
