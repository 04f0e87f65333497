"""Findings (one problem found in a flux) and the per-file validation Report.

A `Finding` is what a certifier reads: severity, stable rule id (docs/regles-flux.md), line,
the passage's idTechnique, the element's local name, a French message saying what is wrong with
which value, and a French hint saying how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

FINDING_KEYS = ("severity", "rule", "line", "idTechnique", "field", "message", "hint")


@dataclass(slots=True)
class Finding:
    severity: str  # "error" | "warning"
    rule: str  # stable id, see passeport.flux.rules.RULES
    line: int | None
    idTechnique: str | None
    field: str | None  # local name of the element concerned
    message: str
    hint: str
    passage: int | None = None  # first line of the enclosing passage (internal, not exported)

    def to_dict(self) -> dict:
        return {key: getattr(self, key) for key in FINDING_KEYS}

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple:
        return (self.line or 0, 0 if self.is_error else 1, self.rule)


@dataclass
class Declared:
    """Who a flux says it comes from: its envelope ids and, per certificateur (in file order),
    the contract and the certifications it declares. Gathered by the validator in its own pass,
    so that a portal checking them against an account reads the file once."""

    id_flux: str = ""
    horodatage: str = ""
    action: str = ""
    emetteur: str = ""
    # {"line", "idClient", "idContrat", "certifications": [{"type", "code", "natureDeposant"}]}
    certificateurs: list[dict] = field(default_factory=list)


@dataclass
class Report:
    """The result of validating one file."""

    file: str
    schema: str = ""
    passages: int = 0
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True  # False: the file could not be read at all (exit 2)
    passages_with_errors: int = 0
    omitted: int = 0  # findings counted but not stored (beyond the validator's max_findings)
    error_count: int | None = None  # exact counts, set by the validator (findings may be capped)
    warning_count: int | None = None
    declared: Declared = field(default_factory=Declared)

    @property
    def errors(self) -> int:
        if self.error_count is not None:
            return self.error_count
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        if self.warning_count is not None:
            return self.warning_count
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def valid(self) -> bool:
        return self.readable and self.errors == 0

    @property
    def flux_errors(self) -> list[Finding]:
        """Errors outside any passage (envelope, certification): they reject the whole file."""
        return [f for f in self.findings if f.is_error and f.idTechnique is None]

    def sort(self) -> None:
        self.findings.sort(key=Finding.sort_key)

    def to_dict(self, findings: bool = True) -> dict:
        """The JSON report's object; `findings=False` leaves out the list (a sink writes it)."""
        out = {
            "file": self.file,
            "schema": self.schema,
            "valid": self.valid,
            "passages": self.passages,
            "errors": self.errors,
            "warnings": self.warnings,
        }
        if findings:
            out["findings"] = [f.to_dict() for f in self.findings]
        if self.omitted:
            out["omitted"] = self.omitted  # findings counted but not listed
        return out
