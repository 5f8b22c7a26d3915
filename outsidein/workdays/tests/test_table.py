"""Calendar tables for SQL/DataFrame joins."""

from __future__ import annotations

import time as clock
from datetime import date, timedelta

import pytest

from outsidein.workdays import (
    CALENDAR_TABLE_COLUMNS,
    Calendar,
    CalendarDay,
    HolidayPolicy,
    business_time_between,
    calendar_table,
    calendar_table_columns,
    holidays_between,
)

from .support import GOVERNMENT, OFFICE, at

FULL_DAY = int(8.5 * 3600)


def test_canada_day_2017_rows():
    rows = calendar_table(GOVERNMENT, date(2017, 6, 29), date(2017, 7, 5))
    assert rows == [
        CalendarDay(date(2017, 6, 29), True, 0, FULL_DAY, 0, None),
        CalendarDay(date(2017, 6, 30), True, 1, FULL_DAY, FULL_DAY, None),
        CalendarDay(date(2017, 7, 1), False, 2, 0, 2 * FULL_DAY, "Canada Day"),
        CalendarDay(date(2017, 7, 2), False, 2, 0, 2 * FULL_DAY, None),
        CalendarDay(date(2017, 7, 3), False, 2, 0, 2 * FULL_DAY, "Canada Day (observed)"),
        CalendarDay(date(2017, 7, 4), True, 2, FULL_DAY, 2 * FULL_DAY, None),
        CalendarDay(date(2017, 7, 5), True, 3, FULL_DAY, 3 * FULL_DAY, None),
    ]


def test_lunch_break_and_closure_rows():
    rows = calendar_table(OFFICE, date(2024, 1, 15), date(2024, 1, 17))
    assert [(r.open_seconds, r.holiday) for r in rows] == [
        (7.5 * 3600, None),
        (0, "Snow storm"),
        (7.5 * 3600, None),
    ]


def test_ordinals_match_business_time_between_across_a_year_end():
    start, end = date(2021, 12, 1), date(2022, 1, 31)
    rows = calendar_table(GOVERNMENT, start, end)
    by_date = {r.date: r for r in rows}
    for a, b in [(date(2021, 12, 24), date(2022, 1, 4)), (date(2021, 12, 1), date(2022, 1, 31))]:
        span = business_time_between(GOVERNMENT, at(a.year, a.month, a.day), at(b.year, b.month, b.day))
        assert by_date[b].business_day_ordinal - by_date[a].business_day_ordinal == span.days
        assert by_date[b].cumulative_open_seconds - by_date[a].cumulative_open_seconds == span.seconds


def test_columns_match_rows():
    columns = calendar_table_columns(OFFICE, date(2023, 12, 20), date(2024, 2, 10))
    assert tuple(columns) == CALENDAR_TABLE_COLUMNS
    rows = calendar_table(OFFICE, date(2023, 12, 20), date(2024, 2, 10))
    assert [CalendarDay(*values) for values in zip(*columns.values(), strict=True)] == rows
    assert len(rows) == (date(2024, 2, 10) - date(2023, 12, 20)).days + 1


def test_single_day_and_reversed_range():
    assert len(calendar_table(GOVERNMENT, date(2024, 2, 29), date(2024, 2, 29))) == 1
    with pytest.raises(ValueError):
        calendar_table(GOVERNMENT, date(2024, 3, 1), date(2024, 2, 29))


def test_holidays_between_is_inclusive_and_includes_weekend_holidays():
    assert holidays_between(GOVERNMENT, date(2017, 7, 1), date(2017, 7, 3)) == {
        date(2017, 7, 1): "Canada Day",
        date(2017, 7, 3): "Canada Day (observed)",
    }
    assert holidays_between(GOVERNMENT, date(2017, 7, 2), date(2017, 7, 2)) == {}


def test_twenty_years_is_fast():
    # A fresh calendar and policy so that no cache from another test helps.
    cal = Calendar("fresh", holiday_policy=HolidayPolicy(optional_holidays={"civic_holiday"}))
    # CPU time, not wall time, so that a busy CI machine does not fail the test.
    began = clock.process_time()
    rows = calendar_table_columns(cal, date(2015, 1, 1), date(2034, 12, 31))
    elapsed = clock.process_time() - began
    assert len(rows["date"]) == (date(2035, 1, 1) - date(2015, 1, 1)).days
    assert elapsed < 1.0, f"20-year calendar table took {elapsed:.2f}s"


def test_year_long_duration_is_fast():
    cal = Calendar("fresh")
    began = clock.process_time()
    for offset in range(200):
        start = at(2015, 1, 1) + timedelta(hours=7 * offset)
        business_time_between(cal, start, start + timedelta(days=365))
    assert clock.process_time() - began < 1.0
