"""Service guarantees: every guaranteed transaction that missed its standard, and the refund owed.

A breach is a record of a guaranteed standard (one with an approved Guarantee) that is
guarantee-eligible, started on or after the guarantee's approval, is not excluded, and that the
engine's own rule judges MISSED. Guaranteed transactions are the eligible records the rule has
decided (MET or MISSED); excluded, unrecorded and pending ones are neither. The refund rate of a
period is breaches / guaranteed transactions (None when there were none: blank is not zero).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from outsidein.compliance.periods import Period, day_from_number, period_of
from outsidein.compliance.rules import MET, MISSED

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


# ---- from the application database and the interaction store ---------------------------------

def guaranteed_standards_for_user(user):
    """Standards with an approved guarantee, owned by or applying to the user's organizations."""
    from outsidein.accounts.selectors import organizations_for_user
    from outsidein.standards.models import ServiceStandard

    scope = list(organizations_for_user(user))
    standards = (ServiceStandard.objects.filter(guarantee__isnull=False)
                 .select_related("guarantee", "organization", "service").order_by("code"))
    return [s for s in standards if s.guarantee.is_approved
            and _organizations_in_scope(s, scope)]


def _organizations_in_scope(standard, scope) -> list:
    """The standard's organizations (its owner's subtree) that are in the scope."""
    if not standard.organization.path:
        return []  # an owner outside the tree (saved without the services) covers nothing
    return [o for o in scope if o.path.startswith(standard.organization.path)]


def breach_organizations(user, standard) -> list:
    """The organizations whose breaches of the standard the user may read (empty: none)."""
    from outsidein.accounts.selectors import organizations_for_user

    return _organizations_in_scope(standard, list(organizations_for_user(user).order_by("path")))


def guarantee_breaches(*, standard, organizations, period_kind: str = "month",
                       first_day: dt.date | None = None, last_day: dt.date | None = None,
                       as_of: dt.datetime | None = None, engine=None,
                       dataset=None) -> BreachReport:
    """Breaches and refunds of a guaranteed standard over its organizations' records.

    Every version of the standard in force between `first_day` (default: the guarantee's
    approval date) and `last_day` (default: the as-of date) is read with the engine's own rule.
    """
    from django.utils import timezone

    from outsidein.compliance import records
    from outsidein.compliance.rules import UNIT_TYPES
    from outsidein.standards.vocabulary import VersionStatus
    from outsidein.warehouse.engines import open_engine

    guarantee = standard.guarantee
    as_of = (as_of or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    # Transactions before the guarantee was approved were not guaranteed.
    starts = [d for d in (first_day, guarantee.approved_on) if d is not None]
    first_day = max(starts) if starts else as_of.date()
    last_day = min(last_day or as_of.date(), as_of.date())
    versions = (standard.versions.filter(status__in=[VersionStatus.PUBLISHED,
                                                     VersionStatus.SUPERSEDED],
                                         effective_from__isnull=False,
                                         effective_from__lte=last_day)
                .order_by("number"))
    versions = [v for v in versions if v.effective_to is None or v.effective_to >= first_day]
    missed: list[dict] = []
    by_day: dict[tuple[int, int], int] = {}
    sql: list[str] = []
    factor = 1
    owned = engine is None
    engine = engine or open_engine()
    try:
        for version in versions:
            plan, calendars = records.version_plan(version, list(organizations))
            if plan.rule.problems() or first_day > last_day:
                continue
            factor = UNIT_TYPES[plan.rule.unit].factor
            reader = records.RecordReader(engine, plan, calendars,
                                          dataset or records.default_dataset(), as_of,
                                          first_day, last_day)
            eligible = records.CellFilter(first_day=first_day, last_day=last_day,
                                          guarantee_eligible=True)
            for key, n in reader.counts_by_day(eligible).items():
                by_day[key] = by_day.get(key, 0) + n
            missed += reader.rows(replace(eligible, statuses=(MISSED,))).to_pylist()
            sql += reader.sql
    finally:
        if owned:
            engine.close()
    report = breach_report(refund_for=guarantee.refund_for, period_kind=period_kind,
                           first_day=first_day, last_day=last_day, missed=missed,
                           eligible_by_day=by_day,
                           organization_codes={o.pk: o.code for o in organizations},
                           unit_factor=factor)
    return replace(report, sql=sql)
