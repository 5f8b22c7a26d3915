"""Service guarantees: every guaranteed transaction that missed its standard, and the refund owed.

A breach is a record of a guaranteed standard (one with an approved Guarantee) that is
guarantee-eligible, started on or after the guarantee's approval, is not excluded, and that the
engine's own rule judges MISSED. Guaranteed transactions are the eligible records the rule has
decided (MET or MISSED); excluded, unrecorded and pending ones are neither. The refund rate of a
period is breaches / guaranteed transactions (None when there were none: blank is not zero).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from outsidein import workdays
from outsidein.compliance.engine.evaluation import VersionPlan
from outsidein.compliance.engine.periods import Period, day_from_number, period_of
from outsidein.compliance.engine.records import CellFilter, RecordReader
from outsidein.compliance.engine.rules import MET, MISSED, UNIT_TYPES

CSV_COLUMNS = ("period", "start_date", "organization", "service", "channel", "source",
               "record_id", "started_at", "stopped_at", "elapsed", "fee_paid", "refund")


@dataclass(frozen=True)
class Breach:
    """One guaranteed transaction that missed its standard, with the refund owed."""

    period: str
    date: dt.date
    organization: str
    service: str
    channel: str
    source: str
    record_id: str
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    elapsed: float | None
    fee_paid: Decimal | None
    refund: Decimal

    def csv_row(self) -> list[str]:
        def text(v):
            if v is None:
                return ""
            return v.isoformat() if isinstance(v, dt.date | dt.datetime) else str(v)

        return [text(v) for v in (self.period, self.date, self.organization, self.service,
                                  self.channel, self.source, self.record_id, self.started_at,
                                  self.stopped_at, self.elapsed, self.fee_paid, self.refund)]


@dataclass(frozen=True)
class BreachPeriod:
    """Totals of one period: guaranteed transactions, breaches, refunds owed."""

    label: str
    start: dt.date | None
    end: dt.date | None
    guaranteed: int
    breaches: int
    refunds: Decimal

    @property
    def refund_rate(self) -> float | None:
        """Breaches per guaranteed transaction; None when there were none."""
        return self.breaches / self.guaranteed if self.guaranteed else None


@dataclass(frozen=True)
class BreachReport:
    """A guarantee's breaches and per-period totals over a span of start dates."""

    period_kind: str
    first_day: dt.date
    last_day: dt.date
    periods: list[BreachPeriod]
    breaches: list[Breach]
    total: BreachPeriod
    sql: list[str] = field(default_factory=list, compare=False)


def breach_report(*, refund_for, period_kind: str, first_day: dt.date, last_day: dt.date,
                  missed: Iterable[Mapping], eligible_by_day: Mapping[tuple[int, int], int],
                  organization_codes: Mapping[int, str] | None = None,
                  unit_factor: int = 1) -> BreachReport:
    """Totals per period from the missed eligible records and the eligible counts by day.

    `missed`: record rows (records.RECORD_COLUMNS) judged MISSED; `eligible_by_day`: eligible records
    per (day number, status); `refund_for(fee)`: the guarantee's refund for one breach.
    """
    codes = organization_codes or {}
    breaches = []
    for row in missed:
        day = day_from_number(row["day"])
        elapsed = row.get("elapsed")
        breaches.append(Breach(
            period=period_of(period_kind, day).label, date=day,
            organization=codes.get(row["org_id"], str(row["org_id"])),
            service=row.get("service") or "", channel=row.get("channel") or "",
            source=row["source"], record_id=row["record_id"], started_at=row.get("started_at"),
            stopped_at=row.get("stopped_at"),
            elapsed=None if elapsed is None else elapsed / unit_factor,
            fee_paid=row.get("fee_paid"), refund=refund_for(row.get("fee_paid"))))
    breaches.sort(key=lambda b: (b.date, b.started_at or dt.datetime.min.replace(tzinfo=dt.UTC),
                                 b.source, b.record_id))

    periods: dict[str, dict] = {}

    def slot(day: dt.date) -> dict:
        period: Period = period_of(period_kind, day)
        return periods.setdefault(period.label, {"period": period, "guaranteed": 0,
                                                 "breaches": 0, "refunds": Decimal(0)})

    for (day_number, status), n in eligible_by_day.items():
        entry = slot(day_from_number(day_number))  # a period with only pending records shows
        if status in (MET, MISSED):
            entry["guaranteed"] += n
    for breach in breaches:
        entry = slot(breach.date)
        entry["breaches"] += 1
        entry["refunds"] += breach.refund
    rows = [BreachPeriod(label=label, start=e["period"].start, end=e["period"].end,
                         guaranteed=e["guaranteed"], breaches=e["breaches"], refunds=e["refunds"])
            for label, e in sorted(periods.items(), key=lambda kv: kv[1]["period"].start)]
    total = BreachPeriod(label="", start=first_day, end=last_day,
                         guaranteed=sum(p.guaranteed for p in rows),
                         breaches=sum(p.breaches for p in rows),
                         refunds=sum((p.refunds for p in rows), Decimal(0)))
    return BreachReport(period_kind=period_kind, first_day=first_day, last_day=last_day,
                        periods=rows, breaches=breaches, total=total)


@dataclass
class EligibleRecords:
    """What a breach report is made of: eligible counts by day, the missed records, the SQL."""

    by_day: dict[tuple[int, int], int] = field(default_factory=dict)
    missed: list[dict] = field(default_factory=list)
    unit_factor: int = 1
    sql: list[str] = field(default_factory=list)


def read_eligible(engine, plans: Iterable[tuple[VersionPlan, Sequence[workdays.Calendar]]], *,
                  dataset, as_of: dt.datetime, first_day: dt.date,
                  last_day: dt.date) -> EligibleRecords:
    """Guarantee-eligible records of some versions' plans between two start dates.

    Each plan is read with the engine's own rule; plans that cannot be measured are skipped.
    """
    found = EligibleRecords()
    for plan, calendars in plans:
        if plan.rule.problems() or first_day > last_day:
            continue
        found.unit_factor = UNIT_TYPES[plan.rule.unit].factor
        reader = RecordReader(engine, plan, calendars, dataset, as_of, first_day, last_day)
        eligible = CellFilter(first_day=first_day, last_day=last_day, guarantee_eligible=True)
        for key, n in reader.counts_by_day(eligible).items():
            found.by_day[key] = found.by_day.get(key, 0) + n
        found.missed += reader.rows(replace(eligible, statuses=(MISSED,))).to_pylist()
        found.sql += reader.sql
    return found
