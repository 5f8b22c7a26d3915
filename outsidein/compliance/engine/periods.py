"""Reporting periods (pure): day, ISO week, month, quarter, fiscal year April–March.

Dates travel to the engines as integers (days since 1970-01-01) so that both dialects join and
group on plain integers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

# The kinds, smallest first; values equal compliance.models.PeriodKind.
PERIOD_KINDS: tuple[str, ...] = ("day", "week", "month", "quarter", "fiscal_year")

EPOCH = dt.date(1970, 1, 1)
FISCAL_YEAR_FIRST_MONTH = 4  # April


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def day_from_number(number: int) -> dt.date:
    """The date `number` days after 1970-01-01."""
    return EPOCH + dt.timedelta(days=int(number))


@dataclass(frozen=True)
class Period:
    """A named span of local dates, both ends included."""

    label: str
    kind: str
    start: dt.date
    end: dt.date

    def covers(self, start: dt.date, end: dt.date) -> bool:
        """True when [start, end] lies inside this period."""
        return self.start <= start and end <= self.end


def period_of(kind: str, day: dt.date) -> Period:
    """The period of a kind that contains a date."""
    if kind == "day":
        return Period(day.isoformat(), kind, day, day)
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(f"{year}-W{week:02d}", kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        return Period(f"{day:%Y-%m}", kind, start, _add_months(start, 1) - dt.timedelta(days=1))
    if kind == "quarter":
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        return Period(f"{day.year}-Q{(day.month - 1) // 3 + 1}", kind, start,
                      _add_months(start, 3) - dt.timedelta(days=1))
    if kind == "fiscal_year":
        year = day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1
        start = dt.date(year, FISCAL_YEAR_FIRST_MONTH, 1)
        return Period(f"FY{year}-{(year + 1) % 100:02d}", kind, start,
                      _add_months(start, 12) - dt.timedelta(days=1))
    raise ValueError(f"unknown period kind {kind!r}")


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^FY(\d{4})-(\d{2})$"), "fiscal_year"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def parse_period(text: str) -> Period:
    """A period from 2025-07-14, 2025-W28, 2025-07, 2025-Q3, FY2025-26 or 2025 (calendar year)."""
    text = text.strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if kind == "day":
                return period_of("day", dt.date(*parts))
            if kind == "week":
                return period_of("week", dt.date.fromisocalendar(parts[0], parts[1], 1))
            if kind == "month":
                return period_of("month", dt.date(parts[0], parts[1], 1))
            if kind == "quarter":
                return period_of("quarter", dt.date(parts[0], parts[1] * 3 - 2, 1))
            if kind == "fiscal_year":
                if (parts[0] + 1) % 100 != parts[1]:
                    raise ValueError(f"FY{parts[0]}-{parts[1]:02d}: the second year must follow the first")
                return period_of("fiscal_year", dt.date(parts[0], FISCAL_YEAR_FIRST_MONTH, 1))
            return Period(str(parts[0]), "year", dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31))
        except ValueError as exc:
            raise ValueError(f"not a period: {text!r} ({exc})") from exc
    raise ValueError(f"not a period: {text!r}; use 2025-07-14, 2025-W28, 2025-07, 2025-Q3, "
                     "FY2025-26 or 2025")


def period_bounds(kind: str, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day numbers of the periods of a kind containing the given day numbers."""
    days = np.asarray(days, dtype=np.int64)
    if kind == "day":
        return days, days
    if kind == "week":
        monday = days - (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        return monday, monday + 6
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)  # since 1970-01
    first = {"month": month, "quarter": month - month % 3,
             "fiscal_year": month - (month - (FISCAL_YEAR_FIRST_MONTH - 1)) % 12}[kind]
    length = {"month": 1, "quarter": 3, "fiscal_year": 12}[kind]
    return _month_start(first), _month_start(first + length) - 1


def period_table(first: dt.date, last: dt.date) -> pa.Table:
    """One row per date and period kind: day, kind, period_start, period_end (day numbers)."""
    days = np.arange(day_number(first), day_number(last) + 1, dtype=np.int64)
    spans = {kind: period_bounds(kind, days) for kind in PERIOD_KINDS}
    n = len(days)
    return pa.table({
        "day": pa.array(np.tile(days, len(PERIOD_KINDS)), pa.int32()),
        "kind": pa.array(np.repeat(np.array(PERIOD_KINDS, dtype=object), n), pa.string()),
        "period_start": pa.array(np.concatenate([spans[k][0] for k in PERIOD_KINDS]), pa.int32()),
        "period_end": pa.array(np.concatenate([spans[k][1] for k in PERIOD_KINDS]), pa.int32()),
    })


def _month_start(month_index: np.ndarray) -> np.ndarray:
    return month_index.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
