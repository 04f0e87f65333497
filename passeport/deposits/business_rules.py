"""The flux library's business rules, applied to one passage during processing.

The XSD was checked at reception (reception_checks.py); here only the rules beyond the XSD whose severity
is « error » make a passage KO — warnings (late transmission, provisional data…) never reject.
This is an adapter: the rules live in `passeport.flux.rules` and are not written twice; it only
hands them the passage values in the shape the flux validator gives them (Clark names → text).
"""

from functools import lru_cache

from django.utils import timezone

from passeport.flux.findings import ERROR
from passeport.flux.rules import RULES, PassageRules, RuleResult

from .reading import Passage


@lru_cache(maxsize=8)
def _rules(today, action: str | None) -> PassageRules:
    return PassageRules(today=today, action=action)


def checker(version: str, action: str = "") -> PassageRules:
    """The rules of today for a flux of this version and action (one per chunk of passages)."""
    return _rules(timezone.localdate(), action if version == "1.1.5" else None)


def passage_errors(passage: Passage, rules: PassageRules) -> list[RuleResult]:
    return [
        broken for broken in rules.check(passage.values) if RULES[broken.rule].severity == ERROR
    ]


def first_error(passage: Passage, rules: PassageRules) -> RuleResult | None:
    errors = passage_errors(passage, rules)
    return errors[0] if errors else None
