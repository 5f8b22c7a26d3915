"""Business-time arithmetic: pinned values for holidays, office hours and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from outsidein.workdays import (
    BusinessDuration,
    Calendar,
    HolidayPolicy,
    TimeSlot,
    WeeklyHours,
    add_business_days,
    add_business_seconds,
    business_time_between,
    is_business_day,
    is_open,
    next_open_instant,
    open_intervals,
)

from .support import ALWAYS, GOVERNMENT, OFFICE, TORONTO, at

H = 3600


def utc(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# --- business_time_between -------------------------------------------------------


def test_within_one_day():
    assert business_time_between(GOVERNMENT, at(2024, 1, 15, 9), at(2024, 1, 15, 10)) == (
        BusinessDuration(0, H)
    )


def test_canada_day_2017_long_weekend():
    # Fri Jun 30 -> Tue Jul 4: Sat Canada Day, Sun, Mon Jul 3 substitute.
    span = business_time_between(GOVERNMENT, at(2017, 6, 30, 9), at(2017, 7, 4, 9))
    assert span == BusinessDuration(days=1, seconds=8 * H + H // 2)
    no_subs = Calendar("ESA only", holiday_policy=HolidayPolicy(observe_substitute_days=False))
    span = business_time_between(no_subs, at(2017, 6, 30, 9), at(2017, 7, 4, 9))
    assert span == BusinessDuration(days=2, seconds=8 * H + 8.5 * H + H // 2)


def test_christmas_2021_on_a_weekend():
    assert [is_business_day(GOVERNMENT, date(2021, 12, d)) for d in range(24, 30)] == [
        True,  # Fri 24
        False,  # Sat 25 Christmas
        False,  # Sun 26 Boxing Day
        False,  # Mon 27 Christmas observed
        False,  # Tue 28 Boxing Day observed
        True,  # Wed 29
    ]
    span = business_time_between(GOVERNMENT, at(2021, 12, 24, 16), at(2021, 12, 29, 9))
    assert span == BusinessDuration(days=1, seconds=H + H // 2)


def test_christmas_2022_on_a_sunday():
    assert not is_business_day(GOVERNMENT, date(2022, 12, 26))
    assert not is_business_day(GOVERNMENT, date(2022, 12, 27))
    assert is_business_day(GOVERNMENT, date(2022, 12, 28))


def test_reversed_interval_is_negated():
    a, b = at(2017, 6, 30, 9), at(2017, 7, 4, 9)
    assert business_time_between(GOVERNMENT, b, a) == -business_time_between(GOVERNMENT, a, b)


def test_days_exclude_the_end_date_like_busday_count():
    assert business_time_between(GOVERNMENT, at(2024, 1, 15, 23), at(2024, 1, 16, 1)).days == 1
    assert business_time_between(GOVERNMENT, at(2024, 1, 15, 1), at(2024, 1, 15, 23)).days == 0


def test_instants_outside_hours_count_no_seconds():
    assert business_time_between(GOVERNMENT, at(2024, 1, 15, 6), at(2024, 1, 15, 8, 30)).seconds == 0
    assert business_time_between(GOVERNMENT, at(2024, 1, 15, 17), at(2024, 1, 16, 8, 30)).seconds == 0
    assert business_time_between(GOVERNMENT, at(2024, 1, 13, 9), at(2024, 1, 14, 16)).seconds == 0
    assert business_time_between(OFFICE, at(2024, 1, 15, 12), at(2024, 1, 15, 13)).seconds == 0
    assert business_time_between(OFFICE, at(2024, 1, 15, 11), at(2024, 1, 15, 14)).seconds == 2 * H


def test_closure_day_counts_nothing():
    span = business_time_between(OFFICE, at(2024, 1, 16), at(2024, 1, 17))
    assert span == BusinessDuration(0, 0)


def test_sub_second_instants_are_truncated():
    start = at(2024, 1, 15, 9) + timedelta(microseconds=999_999)
    end = at(2024, 1, 15, 10) + timedelta(microseconds=1)
    assert business_time_between(GOVERNMENT, start, end).seconds == H


def test_inputs_in_other_zones_use_the_calendar_zone_for_dates():
    # 03:00 UTC on Tuesday is still Monday evening in Toronto.
    span = business_time_between(GOVERNMENT, utc(2024, 1, 16, 3), utc(2024, 1, 16, 18))
    assert span == BusinessDuration(days=1, seconds=4 * H + H // 2)


def test_a_year_in_one_call():
    span = business_time_between(GOVERNMENT, at(2024, 1, 1), at(2025, 1, 1))
    # 262 weekdays in 2024 minus 9 statutory holidays, none on a weekend.
    assert span == BusinessDuration(days=253, seconds=253 * 8.5 * H)


# --- daylight saving time ---------------------------------------------------------


def test_spring_forward_day_has_23_real_hours():
    assert business_time_between(ALWAYS, at(2026, 3, 8), at(2026, 3, 9)) == BusinessDuration(1, 23 * H)
    assert business_time_between(ALWAYS, at(2026, 3, 7, 12), at(2026, 3, 8, 12)).seconds == 23 * H


def test_fall_back_day_has_25_real_hours():
    assert business_time_between(ALWAYS, at(2026, 11, 1), at(2026, 11, 2)) == BusinessDuration(1, 25 * H)


def test_office_hours_across_dst_keep_local_times_and_real_instants():
    # Friday before: 8:30 EST = 13:30Z; Monday after: 8:30 EDT = 12:30Z.
    assert open_intervals(GOVERNMENT, date(2026, 3, 6)) == [(utc(2026, 3, 6, 13, 30), utc(2026, 3, 6, 22))]
    assert open_intervals(GOVERNMENT, date(2026, 3, 9)) == [(utc(2026, 3, 9, 12, 30), utc(2026, 3, 9, 21))]
    assert open_intervals(GOVERNMENT, date(2026, 3, 9))[0][0].tzinfo == TORONTO
    span = business_time_between(GOVERNMENT, at(2026, 3, 6, 12), at(2026, 3, 9, 12))
    assert span == BusinessDuration(1, 5 * H + 3.5 * H)
    span = business_time_between(GOVERNMENT, at(2026, 10, 30, 12), at(2026, 11, 2, 12))
    assert span == BusinessDuration(1, 5 * H + 3.5 * H)


def test_slot_on_a_dst_sunday_is_still_its_local_length():
    seven_days = Calendar("7 days", hours=(WeeklyHours.standard(weekdays=range(7)),))
    for day in (date(2026, 3, 8), date(2026, 11, 1)):
        ((start, end),) = open_intervals(seven_days, day)
        assert (end - start).total_seconds() == 8.5 * H
        assert start.utcoffset() == end.utcoffset()


def _night(*slots: tuple[time, time]) -> Calendar:
    hours = WeeklyHours({6: tuple(TimeSlot(a, b) for a, b in slots)})
    return Calendar("night", hours=(hours,), holiday_policy=HolidayPolicy.none())


def test_slot_boundary_in_the_spring_gap_moves_to_the_clock_jump():
    # 2026-03-08: clocks jump from 02:00 EST (07:00Z) to 03:00 EDT.
    cal = _night((time(1), time(3)))
    assert open_intervals(cal, date(2026, 3, 8)) == [(utc(2026, 3, 8, 6), utc(2026, 3, 8, 7))]
    cal = _night((time(2, 30), time(4)))
    assert open_intervals(cal, date(2026, 3, 8)) == [(utc(2026, 3, 8, 7), utc(2026, 3, 8, 8))]
    # A slot wholly inside the gap never happens: the day is closed.
    cal = _night((time(2), time(2, 59)))
    assert open_intervals(cal, date(2026, 3, 8)) == []
    assert not is_business_day(cal, date(2026, 3, 8))
    assert is_business_day(cal, date(2026, 3, 15))


def test_slot_boundary_in_the_repeated_hour_takes_its_first_occurrence():
    # 2026-11-01: 01:00-02:00 happens twice (EDT 05:00Z, then EST 06:00Z).
    # Compared in UTC: PEP 495 makes a datetime inside a repeated hour compare
    # unequal to any datetime of another zone, even for the same instant.
    cal = _night((time(0, 30), time(1, 30)))
    assert in_utc(open_intervals(cal, date(2026, 11, 1))) == [
        (utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 5, 30))
    ]
    cal = _night((time(1, 30), time(2)))  # runs through the repeated half hour
    assert in_utc(open_intervals(cal, date(2026, 11, 1))) == [(utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 7))]
    assert business_time_between(cal, at(2026, 11, 1), at(2026, 11, 2)).seconds == 90 * 60


def in_utc(intervals):
    return [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in intervals]


# --- next_open_instant and is_open -------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "instant", "expected"),
    [
        (GOVERNMENT, at(2024, 1, 15, 7), at(2024, 1, 15, 8, 30)),  # before opening
        (GOVERNMENT, at(2024, 1, 15, 8, 30), at(2024, 1, 15, 8, 30)),  # at opening
        (GOVERNMENT, at(2024, 1, 15, 16, 59, 59), at(2024, 1, 15, 16, 59, 59)),
        (GOVERNMENT, at(2024, 1, 15, 17), at(2024, 1, 16, 8, 30)),  # closing is closed
        (GOVERNMENT, at(2024, 1, 13, 11), at(2024, 1, 15, 8, 30)),  # Saturday
        (GOVERNMENT, at(2017, 6, 30, 17, 30), at(2017, 7, 4, 8, 30)),  # Canada Day weekend
        (OFFICE, at(2024, 1, 15, 12), at(2024, 1, 15, 13)),  # lunch gap
        (OFFICE, at(2024, 1, 15, 12, 30), at(2024, 1, 15, 13)),
        (OFFICE, at(2024, 1, 15, 11, 59, 59), at(2024, 1, 15, 11, 59, 59)),
        (OFFICE, at(2024, 1, 15, 17), at(2024, 1, 17, 8, 30)),  # storm on the 16th
        (GOVERNMENT, utc(2024, 1, 15, 22, 30), at(2024, 1, 16, 8, 30)),  # UTC input
    ],
)
def test_next_open_instant(cal, instant, expected):
    result = next_open_instant(cal, instant)
    assert result == expected
    assert result.tzinfo == TORONTO
    assert is_open(cal, result)


def test_next_open_instant_keeps_sub_second_instants_that_are_open():
    instant = at(2024, 1, 15, 9) + timedelta(microseconds=5)
    assert next_open_instant(GOVERNMENT, instant) == instant


def test_is_open():
    assert is_open(OFFICE, at(2024, 1, 15, 9))
    assert not is_open(OFFICE, at(2024, 1, 15, 12, 15))
    assert not is_open(OFFICE, at(2024, 1, 16, 9))  # storm


# --- add_business_days -------------------------------------------------------------


def test_fifteen_working_days_from_a_monday():
    due = add_business_days(GOVERNMENT, at(2024, 1, 8, 10), 15)
    assert due == at(2024, 1, 29, 17)
    assert business_time_between(GOVERNMENT, at(2024, 1, 8, 10), due).days == 15


def test_received_on_a_saturday_counts_from_the_next_business_day():
    due = add_business_days(GOVERNMENT, at(2024, 1, 13, 10), 15)
    assert due == at(2024, 2, 5, 17)
    assert business_time_between(GOVERNMENT, at(2024, 1, 13, 10), due).days == 15


def test_two_working_days_over_christmas_2021():
    assert add_business_days(GOVERNMENT, at(2021, 12, 23, 14), 2) == at(2021, 12, 29, 17)


def test_one_business_day_over_canada_day_2017():
    assert add_business_days(GOVERNMENT, at(2017, 6, 30, 9), 1) == at(2017, 7, 4, 17)


def test_zero_days_is_close_of_the_receipt_day():
    assert add_business_days(GOVERNMENT, at(2024, 1, 15, 18), 0) == at(2024, 1, 15, 17)
    assert add_business_days(GOVERNMENT, at(2024, 1, 13, 9), 0) == at(2024, 1, 15, 17)
    assert add_business_days(OFFICE, at(2024, 1, 15, 9), 0) == at(2024, 1, 15, 17)


def test_negative_days_open_of_an_earlier_business_day():
    start = at(2024, 1, 15, 10)
    assert add_business_days(GOVERNMENT, start, -1) == at(2024, 1, 12, 8, 30)
    assert business_time_between(GOVERNMENT, start, at(2024, 1, 12, 8, 30)).days == -1


# --- add_business_seconds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "seconds", "expected"),
    [
        (GOVERNMENT, at(2024, 1, 15, 16), 2 * H, at(2024, 1, 16, 9, 30)),
        (GOVERNMENT, at(2024, 1, 15, 16), H, at(2024, 1, 15, 17)),  # ends at closing
        (GOVERNMENT, at(2024, 1, 15, 7), 1, at(2024, 1, 15, 8, 30, 1)),
        (GOVERNMENT, at(2024, 1, 12, 16), 2 * H, at(2024, 1, 15, 9, 30)),  # over a weekend
        (OFFICE, at(2024, 1, 15, 11, 30), H, at(2024, 1, 15, 13, 30)),  # over lunch
        (OFFICE, at(2024, 1, 15, 16), 2 * H, at(2024, 1, 17, 9, 30)),  # over the storm
        (GOVERNMENT, at(2024, 1, 16, 9), -H, at(2024, 1, 15, 16, 30)),
        (GOVERNMENT, at(2024, 1, 16, 9), -H // 2, at(2024, 1, 16, 8, 30)),  # at opening
        (OFFICE, at(2024, 1, 15, 13, 30), -H, at(2024, 1, 15, 11, 30)),
        (GOVERNMENT, at(2024, 1, 15, 12), 0, at(2024, 1, 15, 12)),
    ],
)
def test_add_business_seconds(cal, start, seconds, expected):
    result = add_business_seconds(cal, start, seconds)
    assert result == expected
    assert business_time_between(cal, start, result).seconds == seconds


def test_add_a_year_of_seconds():
    year = 253 * 8.5 * H  # open seconds in 2024, see test_a_year_in_one_call
    assert add_business_seconds(GOVERNMENT, at(2024, 1, 1), int(year)) == at(2024, 12, 31, 17)


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: business_time_between(GOVERNMENT, naive, at(2024, 1, 1)),
        lambda naive: business_time_between(GOVERNMENT, at(2024, 1, 1), naive),
        lambda naive: add_business_seconds(GOVERNMENT, naive, 10),
        lambda naive: add_business_days(GOVERNMENT, naive, 1),
        lambda naive: next_open_instant(GOVERNMENT, naive),
        lambda naive: is_open(GOVERNMENT, naive),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2024, 1, 15, 9))


def test_datetimes_are_not_dates():
    with pytest.raises(TypeError, match="date"):
        is_business_day(GOVERNMENT, at(2024, 1, 15))  # type: ignore[arg-type]


def test_calendar_that_never_opens_fails_instead_of_hanging():
    closed = Calendar("closed", hours=(WeeklyHours({}),))
    with pytest.raises(ValueError, match="no business day"):
        add_business_days(closed, at(2024, 1, 15), 1)
    with pytest.raises(ValueError, match="no business day"):
        next_open_instant(closed, at(2024, 1, 15))
