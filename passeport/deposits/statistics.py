"""Figures of a certifier's dashboard: acceptance over time, rejections by reason, deadlines.

Computed by the database (aggregates over PassageOutcome), never by loading passages.
The deadline is the CDC's: passages are due within 3 months of the award (`dateDebutValidite`).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from passeport.flux.cdc_messages import explain

from .models import Deposit, PassageOutcome

DEADLINE_WARNING_DAYS = 30


@dataclass
class MonthFigures:
    month: datetime.date
    ok: int
    ko: int

    @property
    def total(self) -> int:
        return self.ok + self.ko

    @property
    def rate(self) -> int:
        return round(100 * self.ok / self.total) if self.total else 0


@dataclass
class ReasonFigures:
    code: str
    label: str
    count: int


def acceptance_by_month(certifier, months: int = 12) -> list[MonthFigures]:
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * (months - 1))
    rows = (
        PassageOutcome.objects.filter(
            deposit__certifier=certifier, deposit__received_at__date__gte=since.replace(day=1)
        )
        .annotate(month=TruncMonth("deposit__received_at"))
        .values("month")
        .annotate(ok=Count("id", filter=Q(status="ok")), ko=Count("id", filter=Q(status="ko")))
        .order_by("month")
    )
    return [
        MonthFigures(
            timezone.localtime(row["month"]).date()
            if isinstance(row["month"], datetime.datetime)
            else row["month"],
            row["ok"],
            row["ko"],
        )
        for row in rows
    ]


def rejections_by_reason(certifier, limit: int = 8) -> list[ReasonFigures]:
    rows = (
        PassageOutcome.objects.filter(
            deposit__certifier=certifier, status="ko", corrected_by__isnull=True
        )
        .values("message")
        .annotate(count=Count("id"))
        .order_by("-count")[:200]
    )
    grouped: dict[str, ReasonFigures] = {}
    for row in rows:
        explanation = explain(row["message"])
        key = explanation.code if explanation.known else (row["message"] or "")[:80]
        label = _short_label(row["message"]) if not explanation.known else _known_label(explanation)
        figures = grouped.setdefault(key, ReasonFigures(key, label, 0))
        figures.count += row["count"]
    return sorted(grouped.values(), key=lambda r: -r.count)[:limit]


def _known_label(explanation) -> str:
    message = explanation.message or ""
    if explanation.code == "idtechnique-deja-en-base" or "existe déjà en base" in message:
        return "Passage déjà transmis (idTechnique déjà en base)"
    return message if len(message) <= 90 else message[:87] + "…"


def _short_label(message: str) -> str:
    message = message or "Motif inconnu"
    return message if len(message) <= 90 else message[:87] + "…"


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def deadline_of(award: datetime.date | None) -> datetime.date | None:
    return add_months(award, 3) if award else None


def passages_near_deadline(certifier, limit: int = 50) -> list[dict]:
    """KO passages not corrected yet whose 3-month deadline is past or within 30 days."""
    today = timezone.localdate()
    # award + 3 months ≤ today + 30 days  ⇔  award ≤ (today + 30 days) - 3 months
    latest_award = add_months(today + datetime.timedelta(days=DEADLINE_WARNING_DAYS), -3)
    outcomes = (
        PassageOutcome.objects.filter(
            deposit__certifier=certifier,
            status="ko",
            corrected_by__isnull=True,
            award_date__isnull=False,
            award_date__lte=latest_award,
            award_date__gte=add_months(today, -15),
        )
        .select_related("deposit")
        .order_by("award_date")[:limit]
    )
    rows = []
    for outcome in outcomes:
        deadline = deadline_of(outcome.award_date)
        rows.append({"outcome": outcome, "deadline": deadline, "days": (deadline - today).days})
    return rows


def counts(certifier) -> dict:
    deposits = Deposit.objects.for_certifier(certifier)
    return {
        "deposits": deposits.count(),
        "in_progress": deposits.unfinished().count(),
        "ok": PassageOutcome.objects.filter(deposit__certifier=certifier, status="ok").count(),
        "ko": PassageOutcome.objects.filter(
            deposit__certifier=certifier, status="ko", corrected_by__isnull=True
        ).count(),
    }
