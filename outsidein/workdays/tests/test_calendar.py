"""Calendars: inheritance, closures, effective-dated hours, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from outsidein.workdays import (
    Calendar,
    Closure,
    HolidayPolicy,
    WeeklyHours,
    business_time_between,
    holidays_between,
    is_business_day,
    open_intervals,
)

from .support import GOVERNMENT, LUNCH, OFFICE, at


def utc(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def test_root_calendar_defaults_are_ontario():
    cal = Calendar("ops")
    assert cal.timezone == "America/Toronto"
    assert cal.hours == (WeeklyHours.standard(),)
    assert cal.holiday_policy == HolidayPolicy()


def test_child_inherits_unset_settings():
    child = Calendar("office", parent=GOVERNMENT)
    assert child.timezone == GOVERNMENT.timezone
    assert child.hours == GOVERNMENT.hours
    assert child.holiday_policy == GOVERNMENT.holiday_policy
    assert Calendar.child_of(GOVERNMENT, "office") == child


def test_child_overrides_and_grandchild_inherits_the_override():
    assert OFFICE.hours == (LUNCH,)
    grandchild = Calendar.child_of(OFFICE, "counter")
    assert grandchild.hours == (LUNCH,)
    assert grandchild.holiday_policy == OFFICE.holiday_policy


def test_office_closure_and_government_holidays_accumulate():
    gov = Calendar("gov", closures=(Closure(date(2024, 3, 4), "Labour disruption"),))
    office = Calendar.child_of(gov, "office", closures=(Closure(date(2024, 1, 16), "Snow storm"),))
    counter = Calendar.child_of(office, "counter", closures=(Closure(date(2024, 3, 4), "Flooded basement"),))
    assert holidays_between(counter, date(2024, 1, 1), date(2024, 3, 31)) == {
        date(2024, 1, 1): "New Year's Day",
        date(2024, 1, 16): "Snow storm",
        date(2024, 2, 19): "Family Day",
        date(2024, 3, 4): "Labour disruption; Flooded basement",
        date(2024, 3, 29): "Good Friday",
    }
    assert [c.name for c in counter.all_closures] == [
        "Labour disruption",
        "Snow storm",
        "Flooded basement",
    ]
    # The parent does not see its children's closures.
    assert is_business_day(gov, date(2024, 1, 16))
    assert not is_business_day(office, date(2024, 1, 16))
    assert not is_business_day(office, date(2024, 3, 4))


def test_child_policy_replaces_parent_policy():
    assert date(2024, 8, 5) in holidays_between(OFFICE, date(2024, 8, 1), date(2024, 8, 31))
    assert is_business_day(GOVERNMENT, date(2024, 8, 5))
    assert not is_business_day(OFFICE, date(2024, 8, 5))


def test_child_in_another_zone_keeps_local_hours():
    # Kenora, Ontario, keeps Central time: 8:30 there is 9:30 in Toronto.
    kenora = Calendar.child_of(GOVERNMENT, "Kenora office", timezone="America/Winnipeg")
    assert open_intervals(kenora, date(2024, 1, 15))[0][0] == utc(2024, 1, 15, 14, 30)
    assert open_intervals(GOVERNMENT, date(2024, 1, 15))[0][0] == utc(2024, 1, 15, 13, 30)
    assert not is_business_day(kenora, date(2024, 2, 19))  # Family Day inherited


def test_effective_dated_hours_change():
    summer = WeeklyHours.standard(time(8), time(16), effective_from=date(2025, 6, 30))
    autumn = WeeklyHours.standard(effective_from=date(2025, 9, 2))
    cal = Calendar("seasonal", hours=(autumn, WeeklyHours.standard(), summer))
    assert cal.hours_on(date(2025, 6, 27)) == WeeklyHours.standard()
    assert cal.hours_on(date(2025, 6, 30)) == summer
    assert cal.hours_on(date(2025, 9, 2)) == autumn
    assert open_intervals(cal, date(2025, 8, 29)) == [(at(2025, 8, 29, 8), at(2025, 8, 29, 16))]
    assert open_intervals(cal, date(2025, 9, 3)) == [(at(2025, 9, 3, 8, 30), at(2025, 9, 3, 17))]
    # Fri Aug 29 8h (summer), Mon Sep 1 Labour Day, Tue Sep 2 8.5h (autumn).
    assert business_time_between(cal, at(2025, 8, 29), at(2025, 9, 3)).seconds == (8 + 8.5) * 3600


def test_before_the_first_effective_hours_the_calendar_is_closed():
    cal = Calendar("new office", hours=(WeeklyHours.standard(effective_from=date(2025, 1, 6)),))
    assert not is_business_day(cal, date(2025, 1, 3))
    assert is_business_day(cal, date(2025, 1, 6))


def test_calendars_are_hashable_values():
    assert hash(Calendar("a")) == hash(Calendar("a"))
    assert {Calendar("a"), Calendar("a")} == {Calendar("a")}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"timezone": "America/Nowhere"}, ValueError),
        ({"hours": ()}, ValueError),
        ({"hours": (WeeklyHours.standard(), WeeklyHours.standard(time(9)))}, ValueError),
        ({"hours": ("9-5",)}, TypeError),
        ({"holiday_policy": "ON"}, TypeError),
        ({"closures": (date(2024, 1, 1),)}, TypeError),
        ({"parent": "gov"}, TypeError),
    ],
)
def test_invalid_calendars_are_rejected(kwargs, error):
    with pytest.raises(error):
        Calendar("bad", **kwargs)


def test_closure_validation():
    with pytest.raises(TypeError):
        Closure(datetime(2024, 1, 1), "storm")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Closure(date(2024, 1, 1), " ")
