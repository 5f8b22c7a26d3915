"""Per-day open intervals and per-year running totals, cached on the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from .business_calendar import Calendar
from .instants import local_epoch_base, local_to_epoch, midnight_offsets


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One local date of a calendar: open intervals as POSIX seconds [start, end)."""

    day: date
    is_business_day: bool
    intervals: tuple[tuple[int, int], ...]
    open_seconds: int
    holiday: str | None

    @property
    def opens(self) -> int:
        """First opening instant (POSIX seconds); only for business days."""
        return self.intervals[0][0]

    @property
    def closes(self) -> int:
        """Last closing instant (POSIX seconds); only for business days."""
        return self.intervals[-1][1]


@dataclass(frozen=True, slots=True)
class YearTable:
    """Days of one year with running totals strictly before each day."""

    first: date
    days: tuple[DayInfo, ...]
    business_days_before: tuple[int, ...]  # len(days) + 1 entries
    open_seconds_before: tuple[int, ...]  # len(days) + 1 entries

    def index(self, day: date) -> int:
        """Position of day in this year."""
        return (day - self.first).days


def year_table(cal: Calendar, year: int) -> YearTable:
    """Cached YearTable for cal and year."""
    key = ("year", year)
    table = cal._cache.get(key)
    if table is None:
        # Cached on the instance, not in a shared LRU: hashing a calendar (and
        # its parents) on every day lookup would cost more than building a year.
        table = _build_year(cal, year)
        cal._cache[key] = table
    return table


def day_info(cal: Calendar, day: date) -> DayInfo:
    """Cached DayInfo for cal on a local date."""
    table = year_table(cal, day.year)
    return table.days[table.index(day)]


def count_business_days(cal: Calendar, start: date, end: date) -> int:
    """Business days d with start <= d < end (negative if end < start), like busday_count."""
    return _count(cal, start, end, "business_days_before")


def count_open_seconds(cal: Calendar, start: date, end: date) -> int:
    """Open seconds from local midnight starting start to local midnight starting end."""
    return _count(cal, start, end, "open_seconds_before")


def _count(cal: Calendar, start: date, end: date, attr: str) -> int:
    if end < start:
        return -_count(cal, end, start, attr)
    first, last = year_table(cal, start.year), year_table(cal, end.year)
    before_start = getattr(first, attr)[first.index(start)]
    before_end = getattr(last, attr)[last.index(end)]
    if start.year == end.year:
        return before_end - before_start
    # Whole years in between cost one lookup each, never a walk over their days.
    middle = sum(getattr(year_table(cal, y), attr)[-1] for y in range(start.year + 1, end.year))
    return getattr(first, attr)[-1] - before_start + middle + before_end


def _build_year(cal: Calendar, year: int) -> YearTable:
    first = date(year, 1, 1)
    count = (date(year + 1, 1, 1) - first).days
    holidays = cal.holidays_in_year(year)
    zone = cal.zone
    offsets = midnight_offsets(first, count, zone)
    days: list[DayInfo] = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        holiday = holidays.get(day)
        hours = cal.hours_on(day)
        slots = hours.slots_on(day.weekday()) if hours is not None else ()
        intervals: tuple[tuple[int, int], ...] = ()
        if slots and holiday is None:
            if offsets[offset] == offsets[offset + 1]:
                # No clock change this day (zones change at most once a day):
                # one offset converts every wall time, far faster than zoneinfo.
                base = local_epoch_base(day) - offsets[offset]
                intervals = tuple((base + s.start_seconds, base + s.end_seconds) for s in slots)
            else:
                intervals = tuple(
                    (
                        local_to_epoch(day, s.start_seconds, zone),
                        local_to_epoch(day, s.end_seconds, zone),
                    )
                    for s in slots
                )
                # A slot wholly inside a spring-forward gap has no real time: drop it.
                intervals = tuple((a, b) for a, b in intervals if b > a)
        open_seconds = sum(b - a for a, b in intervals)
        days.append(DayInfo(day, bool(intervals), intervals, open_seconds, holiday))
    business = (0, *accumulate(1 if d.is_business_day else 0 for d in days))
    seconds = (0, *accumulate(d.open_seconds for d in days))
    return YearTable(first, tuple(days), tuple(business), tuple(seconds))
