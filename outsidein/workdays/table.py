"""Calendar tables (one row per date) for joins in SQL/DataFrame engines."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from .business_calendar import Calendar
from .days import year_table
from .instants import from_epoch, require_date


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One local date: ordinals count business days / open seconds strictly before it."""

    date: date
    is_business_day: bool
    business_day_ordinal: int
    open_seconds: int
    cumulative_open_seconds: int
    holiday: str | None


CALENDAR_TABLE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CalendarDay))


def calendar_table(cal: Calendar, start: date, end: date) -> list[CalendarDay]:
    """One CalendarDay per date in [start, end]; ordinals are counted from start."""
    columns = calendar_table_columns(cal, start, end)
    return [CalendarDay(*row) for row in zip(*columns.values(), strict=True)]


def calendar_table_columns(cal: Calendar, start: date, end: date) -> dict[str, list[Any]]:
    """calendar_table as columns (name -> list), cheap to turn into a DataFrame or Arrow table."""
    require_date(start, "start")
    require_date(end, "end")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    dates: list[date] = []
    business: list[bool] = []
    ordinals: list[int] = []
    open_seconds: list[int] = []
    cumulative: list[int] = []
    names: list[str | None] = []
    ordinal = seconds = 0
    for year in range(start.year, end.year + 1):
        table = year_table(cal, year)
        lo = table.index(start) if year == start.year else 0
        hi = table.index(end) + 1 if year == end.year else len(table.days)
        for info in table.days[lo:hi]:
            dates.append(info.day)
            business.append(info.is_business_day)
            ordinals.append(ordinal)
            open_seconds.append(info.open_seconds)
            cumulative.append(seconds)
            names.append(info.holiday)
            ordinal += info.is_business_day
            seconds += info.open_seconds
    return dict(
        zip(
            CALENDAR_TABLE_COLUMNS,
            (dates, business, ordinals, open_seconds, cumulative, names),
            strict=True,
        )
    )


OPEN_INTERVAL_COLUMNS: tuple[str, ...] = ("date", "start", "end", "open_seconds_before")


def open_interval_table_columns(cal: Calendar, start: date, end: date) -> dict[str, list[Any]]:
    """Every open interval of the dates [start, end], with open seconds before it since start."""
    # An engine gets open seconds up to any instant t with an as-of join on the
    # last interval starting at or before t: open_seconds_before + min(t, end) - start.
    require_date(start, "start")
    require_date(end, "end")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    columns: dict[str, list[Any]] = {name: [] for name in OPEN_INTERVAL_COLUMNS}
    zone, before = cal.zone, 0
    for year in range(start.year, end.year + 1):
        table = year_table(cal, year)
        lo = table.index(start) if year == start.year else 0
        hi = table.index(end) + 1 if year == end.year else len(table.days)
        for info in table.days[lo:hi]:
            for a, b in info.intervals:
                columns["date"].append(info.day)
                columns["start"].append(from_epoch(a, zone))
                columns["end"].append(from_epoch(b, zone))
                columns["open_seconds_before"].append(before)
                before += b - a
    return columns


def holidays_between(cal: Calendar, start: date, end: date) -> dict[date, str]:
    """Holidays, substitute days and closures (inherited included) in [start, end]."""
    require_date(start, "start")
    require_date(end, "end")
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update((day, name) for day, name in cal.holidays_in_year(year).items() if start <= day <= end)
    return found
