"""What the public sees of a standard's results: the latest figure and the current performance.

Rules (docs/user-guide/public-reporting.md):
- The latest result is the most recent fiscal year (the Government of Canada's reporting
  period; while a year runs, year to date), from records (engine) when any, else the reported
  figures. Cells of that year for the service (per office, per channel) are added up.
- Fewer than 10 records (or none) shows "not enough data", never a share.
- The current performance ("Currently completed within N business days") is the 90th
  percentile of elapsed time in the latest month with at least 10 records (of the last two
  months computed), rounded up: 9 clients in 10 were served within N. Over several offices
  it is the largest of their 90th percentiles.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from outsidein.analysis.proportions import share_meeting_standard, target_met
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource

MIN_PUBLIC_RECORDS = 10
# Units whose elapsed time reads as "completed within N <unit>".
TIME_UNITS = ("seconds", "minutes", "business_hours", "business_days", "calendar_days")


@dataclass(frozen=True)
class PublicResult:
    """The latest result of a standard for a service, added up over its cells."""

    period_kind: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date | None
    total: int | None
    meeting: int | None
    target: float | None
    source: str

    @property
    def enough_data(self) -> bool:
        return self.total is not None and self.total >= MIN_PUBLIC_RECORDS

    @property
    def share(self) -> float | None:
        return share_meeting_standard(self.meeting, self.total) if self.enough_data else None

    @property
    def percent(self) -> Decimal | None:
        """The share for display, to three places (0.842)."""
        share = self.share
        return None if share is None else Decimal(str(round(share, 3)))

    @property
    def target_met(self) -> str:
        return target_met(self.share, self.target)

    @property
    def to_date(self) -> bool:
        """The period was still running when the figures were taken."""
        return self.as_of is not None and self.as_of < self.period_end


@dataclass(frozen=True)
class CurrentPerformance:
    """ "Currently completed within N <unit>, as of DATE": N from the 90th percentile."""

    within: int
    unit: str
    as_of: dt.date | None


def _cells(standard, service) -> QuerySet[ComplianceResult]:
    """Results of the standard for this service: its own cells, else the organization's."""
    scope = Q(version__standard=standard, organization__in=service.organization.subtree())
    own = ComplianceResult.objects.filter(scope, service=service)
    if own.exists():
        return own
    return ComplianceResult.objects.filter(scope, service__isnull=True)


def _as_of(result: ComplianceResult) -> dt.datetime | None:
    return result.as_of or result.computed_at


def _local_date(instant: dt.datetime | None) -> dt.date | None:
    if instant is None:
        return None
    from django.utils import timezone

    return timezone.localdate(instant) if timezone.is_aware(instant) else instant.date()


def _sum(values) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def latest_public_result(standard, service, *, kind: str = PeriodKind.FISCAL_YEAR,
                         cells: QuerySet[ComplianceResult] | None = None) -> PublicResult | None:
    """The latest period's figures for the service, engine preferred over reported."""
    cells = (cells if cells is not None else _cells(standard, service)).filter(period_kind=kind)
    latest = cells.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return None
    period = list(cells.filter(period_start=latest))
    engine = [c for c in period if c.source == ResultSource.ENGINE]
    chosen = engine or period
    totals = [c.total for c in chosen]
    total = _sum(totals)
    # A cell without a meeting count leaves the share unknown (blank is not zero).
    meeting = (None if any(c.meeting is None for c in chosen if c.total)
               else _sum(c.meeting for c in chosen))
    instants = [i for i in (_as_of(c) for c in chosen) if i is not None]
    targets = [c.target for c in chosen if c.target is not None]
    return PublicResult(
        period_kind=kind, period_start=latest, period_end=max(c.period_end for c in chosen),
        as_of=_local_date(max(instants)) if instants else None, total=total, meeting=meeting,
        target=targets[0] if targets else None, source=chosen[0].source)


def current_performance(standard, service, *,
                        cells: QuerySet[ComplianceResult] | None = None,
                        months: int = 2) -> CurrentPerformance | None:
    """N business days (or other time unit) within which 9 in 10 were recently completed."""
    cells = (cells if cells is not None else _cells(standard, service)).filter(
        period_kind=PeriodKind.MONTH, source=ResultSource.ENGINE,
        elapsed_unit__in=TIME_UNITS)
    starts = list(cells.order_by("-period_start").values_list("period_start", flat=True)
                  .distinct()[:months])
    for start in starts:
        month = [c for c in cells.filter(period_start=start) if c.total]
        if sum(c.total for c in month) < MIN_PUBLIC_RECORDS:
            continue
        p90 = [c.p90_elapsed for c in month if c.p90_elapsed is not None]
        if not p90:
            continue
        instants = [i for i in (_as_of(c) for c in month) if i is not None]
        return CurrentPerformance(within=max(1, math.ceil(max(p90) - 1e-9)),
                                  unit=month[0].elapsed_unit,
                                  as_of=_local_date(max(instants)) if instants else None)
    return None
