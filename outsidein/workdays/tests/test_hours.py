"""Time slots and weekly hours: validation and helpers."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from outsidein.workdays import END_OF_DAY, TimeSlot, WeeklyHours


def test_slot_must_start_before_it_ends():
    with pytest.raises(ValueError, match="before end"):
        TimeSlot(time(17), time(8, 30))
    with pytest.raises(ValueError, match="before end"):
        TimeSlot(time(9), time(9))


def test_slot_to_end_of_day():
    slot = TimeSlot(time(18), END_OF_DAY)
    assert slot.ends_at_midnight and slot.end_seconds == 86400


@pytest.mark.parametrize(
    "bad",
    [time(9, 0, 0, 500), time(9, tzinfo=datetime.now().astimezone().tzinfo)],
)
def test_slot_needs_whole_second_naive_times(bad):
    with pytest.raises(ValueError):
        TimeSlot(bad, time(17))


def test_slot_rejects_non_times():
    with pytest.raises(TypeError):
        TimeSlot("08:30", time(17))  # type: ignore[arg-type]


def test_standard_hours():
    hours = WeeklyHours.standard()
    assert hours.slots_on(0) == (TimeSlot(time(8, 30), time(17)),)
    assert hours.slots_on(5) == ()
    assert hours.weekmask == "1111100"
    assert hours.effective_from is None


def test_several_slots_per_day_are_sorted():
    morning, afternoon = TimeSlot(time(8, 30), time(12)), TimeSlot(time(13), time(17))
    hours = WeeklyHours({0: (afternoon, morning)})
    assert hours.slots_on(0) == (morning, afternoon)


def test_touching_slots_are_allowed_overlapping_are_not():
    WeeklyHours({0: (TimeSlot(time(8), time(12)), TimeSlot(time(12), time(16)))})
    with pytest.raises(ValueError, match="overlap"):
        WeeklyHours({0: (TimeSlot(time(8), time(12)), TimeSlot(time(11, 59), time(16)))})


@pytest.mark.parametrize("weekday", [-1, 7, "0", True])
def test_weekday_must_be_0_to_6(weekday):
    with pytest.raises(ValueError, match="weekday"):
        WeeklyHours({weekday: (TimeSlot(time(8), time(9)),)})


def test_effective_from_must_be_a_date():
    with pytest.raises(TypeError):
        WeeklyHours.standard(effective_from=datetime(2025, 1, 1))  # type: ignore[arg-type]


def test_weekly_hours_are_hashable_and_compare_by_value():
    a = WeeklyHours({0: [TimeSlot(time(8), time(9))], 1: ()})
    b = WeeklyHours({0: (TimeSlot(time(8), time(9)),)})
    assert a == b and hash(a) == hash(b)
    assert WeeklyHours.standard(effective_from=date(2025, 1, 1)) != WeeklyHours.standard()


def test_always_open():
    hours = WeeklyHours.always()
    assert hours.weekmask == "1111111"
    assert hours.slots_on(6)[0].end_seconds - hours.slots_on(6)[0].start_seconds == 86400
