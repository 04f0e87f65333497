"""What `building.build_flux` hands back: the result, its rejected rows and their anomalies.

Re-exported by building.py, whose API they are (`from passeport.flux.building import
BuildResult, RejectedRow, Anomaly, BuildError`); they live apart so that the row checks
(row_checks.py, build_rows.py) and the worker processes (building_parallel.py) build them
without importing the builder.
"""

from dataclasses import dataclass, field
from pathlib import Path


class BuildError(ValueError):
    """Nothing can be built (bad usage, unreadable input); the message is French."""


@dataclass(frozen=True)
class Anomaly:
    line: int | None  # spreadsheet row (1-based), None for the whole file
    field: str  # element name (or column header when no field applies)
    column: str | None  # the spreadsheet header the value came from
    message: str
    hint: str
    rule: str = "BUILD-VALEUR"

    def text(self) -> str:
        where = f"colonne « {self.column} »" if self.column else f"champ {self.field}"
        return f"{where} : {self.message}"


@dataclass
class RejectedRow:
    line: int
    values: list  # the row as read (for the rejects spreadsheet)
    anomalies: list[Anomaly]


@dataclass
class ChangeSummary:
    column: str
    field: str
    change: str
    count: int = 0
    examples: list[tuple[int, str, str]] = field(default_factory=list)  # (line, before, after)


@dataclass
class BuildResult:
    source: str
    version: str = ""
    files: list[Path] = field(default_factory=list)
    xml: bytes | None = None  # when built without an output path
    rows: int = 0  # data rows read (blank rows excluded)
    written: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_line: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # header → field key
    unknown_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[ChangeSummary] = field(default_factory=list)
    warnings: list[Anomaly] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # fatal: nothing written
    certifications: dict[str, int] = field(default_factory=dict)  # code → passages written
    lines_by_id: dict[str, int] = field(default_factory=dict)  # idTechnique written → line

    @property
    def id_techniques(self) -> dict[int, str]:
        """line → idTechnique of every passage written (built on demand)."""
        return {line: id_technique for id_technique, line in self.lines_by_id.items()}

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def exit_code(self) -> int:
        if self.errors or (not self.written and not self.xml):
            return 2
        return 1 if self.rejected else 0
