"""Calendar writes: weekly hours (and when they change), closures, inherited settings, the
audit trail, and the change notification that makes compliance recompute."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from outsidein.calendars.selectors import calendar_as_workdays, month_grid
from outsidein.calendars.services import calendar_create, calendar_set_hours, closure_add
from outsidein.common.models import AuditEntry

pytestmark = pytest.mark.django_db
NINE_TO_FIVE = [(dt.time(9), dt.time(17))]
JULY_2025 = (2025, 7)  # Canada Day, Tuesday 1 July; Monday 7 July is an ordinary weekday


def day_of(calendar, on: dt.date) -> dict:
    """The day as the calendar page shows it: open or not, hours, holiday or closure."""
    weeks = month_grid(calendar_as_workdays(calendar), on.year, on.month)
    return next(d for week in weeks for d in week if d and d["date"] == on)


@pytest.fixture
def ontario(province_world):
    """Health's calendar: Ontario holidays, open 9 to 5 on weekdays."""
    made = calendar_create(name="Health offices", organization=province_world.health,
                           timezone="America/Toronto", country="CA", subdivision="ON",
                           by=province_world.lead)
    calendar_set_hours(calendar=made, slots={d: NINE_TO_FIVE for d in range(5)},
                       by=province_world.lead)
    return made


def queued_reasons() -> list[str]:
    return [t.args_kwargs["kwargs"]["reason"]
            for t in DBTaskResult.objects.filter(task_path__endswith="recompute_task")]


def test_weekly_hours_open_the_weekdays_they_name(ontario):
    monday = day_of(ontario, dt.date(2025, 7, 7))
    assert (monday["open"], monday["hours"]) == (True, 8)
    assert day_of(ontario, dt.date(2025, 7, 5))["open"] is False  # a Saturday


def test_several_slots_a_day_count_together(ontario):
    calendar_set_hours(calendar=ontario, slots={0: [(dt.time(8, 30), dt.time(12)),
                                                    (dt.time(13), dt.time(17))]})
    assert day_of(ontario, dt.date(2025, 7, 7))["hours"] == 7.5


def test_new_hours_from_a_date_leave_earlier_weeks_alone(ontario):
    calendar_set_hours(calendar=ontario, slots={0: [(dt.time(9), dt.time(12))]},
                       effective_from=dt.date(2025, 7, 10))
    assert day_of(ontario, dt.date(2025, 7, 7))["hours"] == 8
    assert day_of(ontario, dt.date(2025, 7, 14))["hours"] == 3


def test_a_statutory_holiday_is_closed_and_named(ontario):
    canada_day = day_of(ontario, dt.date(2025, 7, 1))
    assert canada_day["open"] is False and "Canada Day" in canada_day["holiday"]


def test_a_closure_closes_a_working_day(ontario):
    closure_add(calendar=ontario, on=dt.date(2025, 7, 7), name_en="Flood",
                name_fr="Inondation")
    storm = day_of(ontario, dt.date(2025, 7, 7))
    assert storm["open"] is False and storm["holiday"] == "Flood"


def test_a_day_is_closed_once(ontario):
    closure_add(calendar=ontario, on=dt.date(2025, 7, 7), name_en="Storm", name_fr="Tempête")
    with pytest.raises(ValidationError):
        closure_add(calendar=ontario, on=dt.date(2025, 7, 7), name_en="Storm",
                    name_fr="Tempête")


def test_hours_that_close_before_they_open_are_refused(ontario):
    with pytest.raises(ValidationError):
        calendar_set_hours(calendar=ontario, slots={0: [(dt.time(17), dt.time(9))]})


def test_a_child_calendar_inherits_what_it_leaves_blank(ontario, province_world):
    office = calendar_create(name="Health north", organization=province_world.health_office,
                             parent=ontario)
    assert day_of(office, dt.date(2025, 7, 7))["hours"] == 8
    assert day_of(office, dt.date(2025, 7, 1))["open"] is False  # the parent's holidays


def test_writes_are_audited_with_their_author(ontario, province_world):
    closure_add(calendar=ontario, on=dt.date(2025, 7, 7), name_en="Storm", name_fr="Tempête",
                by=province_world.lead)
    actions = list(AuditEntry.objects.filter(actor=province_world.lead)
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["calendar.create", "calendar.set_hours", "calendar.closure_add"]


def test_changed_hours_and_closures_queue_a_recompute(ontario,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_set_hours(calendar=ontario, slots={0: NINE_TO_FIVE})
    assert queued_reasons() == ["hours of calendar Health offices changed"]
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        closure_add(calendar=ontario, on=dt.date(2025, 7, 7), name_en="Storm",
                    name_fr="Tempête")
    assert queued_reasons() == ["calendar Health offices closed on 2025-07-07"]
