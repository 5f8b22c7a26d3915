"""Reporting periods: parsing, ISO weeks, fiscal years April–March, the period table."""

import datetime as dt

import pytest

from outsidein.compliance.engine.periods import (
    PERIOD_KINDS,
    day_number,
    parse_period,
    period_of,
    period_table,
)


@pytest.mark.parametrize(("text", "start", "end", "kind"), [
    ("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30), "quarter"),
    ("2025-07", dt.date(2025, 7, 1), dt.date(2025, 7, 31), "month"),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year"),
    ("FY2025-26", dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fiscal_year"),
    ("fy1999-00", dt.date(1999, 4, 1), dt.date(2000, 3, 31), "fiscal_year"),
    ("2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 4), "week"),
    ("2025-07-14", dt.date(2025, 7, 14), dt.date(2025, 7, 14), "day"),
])
def test_parse_period(text, start, end, kind):
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)


@pytest.mark.parametrize("text", ["2025-Q5", "FY2025-27", "2025-13", "July", "2025-W54"])
def test_parse_period_refuses_nonsense(text):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text)


def test_fiscal_year_turns_between_march_31_and_april_1():
    assert period_of("fiscal_year", dt.date(2025, 3, 31)).label == "FY2024-25"
    assert period_of("fiscal_year", dt.date(2025, 4, 1)).label == "FY2025-26"


def test_period_table_agrees_with_period_of_for_every_day_and_kind():
    first, last = dt.date(2023, 12, 25), dt.date(2026, 4, 5)
    table = period_table(first, last).to_pydict()
    assert len(table["day"]) == len(PERIOD_KINDS) * ((last - first).days + 1)
    for day, kind, start, end in zip(table["day"], table["kind"], table["period_start"],
                                     table["period_end"], strict=True):
        period = period_of(kind, dt.date(1970, 1, 1) + dt.timedelta(days=day))
        assert (start, end) == (day_number(period.start), day_number(period.end))
