"""The engine on hand-computed records: every unit, due times, exclusions, versions, periods.

Runs on DuckDB over small Parquet datasets written the way the store writes them. Expected
values are worked out by hand in the comments (Toronto time, Ontario holidays, Mon–Fri
8:30–17:00 unless a test says otherwise).
"""

import datetime as dt

import pytest
from statsmodels.stats.proportion import proportion_confint

from outsidein import workdays
from outsidein.compliance.engine.periods import parse_period
from outsidein.compliance.engine.rules import Rule
from outsidein.compliance.tests.recordsets import at, cell, plan, record, run, write_dataset
from outsidein.warehouse.engines import open_engine

MAIL = ("mail", "fax", "email")
RESPONSE = Rule(unit="business_days", clock_start="received", clock_stop="responded", channels=MAIL)


@pytest.fixture
def engine():
    engine = open_engine("duckdb")
    yield engine
    engine.close()


def test_business_days_skip_the_weekend_and_canada_day(engine, tmp_path):
    # Fri 27 June 10:00 -> Thu 3 July 15:00: business days in [27 Jun, 3 Jul) are Fri 27,
    # Mon 30 and Wed 2 (Sat, Sun and Tue 1 July, Canada Day, are not): 3.
    root = write_dataset(tmp_path, [
        record(received_at=at("2025-06-27 10:00"), responded_at=at("2025-07-03 15:00")),
    ])
    met = cell(run(engine, root, [plan(RESPONSE, threshold=3)]), "month", period_start=dt.date(2025, 6, 1))
    assert (met.total, met.meeting, met.median_elapsed) == (1, 1, 3.0)
    missed = cell(run(engine, root, [plan(RESPONSE, threshold=2)]), "month",
                  period_start=dt.date(2025, 6, 1))
    assert (missed.total, missed.meeting, missed.share, missed.target_met) == (1, 0, 0.0, "N")


def test_business_hours_skip_lunch_and_cross_the_spring_change(engine, tmp_path):
    lunch = workdays.Calendar("two slots", hours=(workdays.WeeklyHours(
        {d: (workdays.TimeSlot(dt.time(9), dt.time(12)), workdays.TimeSlot(dt.time(13), dt.time(17)))
         for d in range(5)}),))
    rule = Rule(unit="business_hours", clock_start="submitted", clock_stop="completed",
                channels=("online",))
    root = write_dataset(tmp_path, [
        # Fri 7 Mar 16:00 EST -> Mon 10 Mar 10:30 EDT (clocks sprang forward on Sunday):
        # 1 h on Friday + 1.5 h on Monday = 2.5 h.
        record("online", submitted_at=at("2025-03-07 16:00"), completed_at=at("2025-03-10 10:30")),
        # Tue 11 Mar 11:30 -> 13:30: 30 min before lunch + 30 min after = 1 h.
        record("online", submitted_at=at("2025-03-11 11:30"), completed_at=at("2025-03-11 13:30")),
    ])
    result = run(engine, root, [plan(rule, threshold="2.5")], calendars=[lunch])
    assert [c.median_elapsed for c in result.cells if c.period_kind == "day"] == [2.5, 1.0]
    month = cell(result, "month")
    assert (month.total, month.meeting, month.elapsed_unit) == (2, 2, "business_hours")
    assert month.median_elapsed == 1.75
    tighter = cell(run(engine, root, [plan(rule, threshold="2.4")], calendars=[lunch]), "month")
    assert tighter.meeting == 1


def test_calendar_days_count_local_dates_and_date_the_period_locally(engine, tmp_path):
    # Received Mon 31 Mar 23:30 EDT (1 Apr 03:30 UTC), answered Wed 2 Apr 00:30 EDT: two local
    # dates apart (one in UTC). The record belongs to 31 March: fiscal year 2024-25.
    root = write_dataset(tmp_path, [
        record(received_at=at("2025-03-31 23:30"), responded_at=at("2025-04-02 00:30")),
    ])
    rule = Rule(unit="calendar_days", clock_start="received", clock_stop="responded", channels=MAIL)
    result = run(engine, root, [plan(rule, threshold=1)])
    year = cell(result, "fiscal_year")
    assert (year.period_start, year.period_end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert (year.total, year.meeting, year.median_elapsed) == (1, 0, 2.0)
    assert cell(result, "day").period_start == dt.date(2025, 3, 31)
    assert cell(result, "quarter").period_start == dt.date(2025, 1, 1)


def test_rings_count_and_yes_no(engine, tmp_path):
    t = at("2025-05-06 10:00")
    root = write_dataset(tmp_path, [
        record("telephone", call_started_at=t, rings=2, redirects=0, person_offered=True),
        record("telephone", call_started_at=t, rings=3, redirects=1, person_offered=False),
        record("telephone", call_started_at=t, rings=4, redirects=2, person_offered=None),
        record("telephone", call_started_at=t, rings=None, redirects=None, person_offered=True),
    ])
    tel = ("telephone",)
    rings = plan(Rule(unit="rings", clock_start="call_started", clock_stop="answered", channels=tel),
                 version_id=1, threshold=3)
    count = plan(Rule(unit="count", measure="redirects", channels=tel), version_id=2, threshold=1)
    person = plan(Rule(unit="none", measure="person_offered", channels=tel), version_id=3)
    result = run(engine, root, [rings, count, person])
    by_version = {v: cell(result, "day", version_id=v) for v in (1, 2, 3)}
    assert [(c.total, c.meeting) for c in by_version.values()] == [(3, 2), (3, 2), (3, 2)]
    assert all(c.excluded == {"(not recorded)": 1} for c in by_version.values())
    assert by_version[1].median_elapsed == 3.0 and by_version[1].elapsed_unit == "rings"
    assert by_version[3].median_elapsed is None and by_version[3].elapsed_unit == ""


def test_seconds_and_minutes_use_whole_seconds_or_the_reported_wait(engine, tmp_path):
    t = at("2025-05-06 10:00")
    tel = ("telephone",)
    root = write_dataset(tmp_path, [
        record("telephone", call_started_at=t, answered_at=t + dt.timedelta(seconds=119)),
        record("telephone", call_started_at=t, answered_at=t + dt.timedelta(seconds=121)),
        record("telephone", call_started_at=t, wait_seconds=30),  # no answer event: the wait
    ])
    minutes = plan(Rule(unit="minutes", clock_start="call_started", clock_stop="answered",
                        channels=tel), version_id=1, threshold=2)
    seconds = plan(Rule(unit="seconds", clock_start="call_started", clock_stop="answered",
                        channels=tel), version_id=2, threshold=120)
    result = run(engine, root, [minutes, seconds])
    m, s = cell(result, "day", version_id=1), cell(result, "day", version_id=2)
    # Met or missed on whole seconds; the distribution is kept in whole minutes (1, 2, 0).
    assert (m.total, m.meeting, m.median_elapsed, m.p90_elapsed) == (3, 2, 1.0, 1.8)
    assert (s.total, s.meeting, s.median_elapsed, s.p90_elapsed) == (3, 2, 119.0, 120.6)


def test_due_times_met_missed_and_pending(engine, tmp_path):
    rule = Rule(unit="business_days", clock_start="submitted", clock_stop="completed",
                channels=("online",), against_due=True)
    day = at("2025-06-02 09:00")
    as_of = at("2025-06-10 12:00")
    due, late = at("2025-06-05 17:00"), at("2025-06-20 17:00")
    root = write_dataset(tmp_path, [
        record("online", submitted_at=day, completed_at=at("2025-06-04 09:00"), due_at=due),  # met
        record("online", submitted_at=day, completed_at=at("2025-06-06 09:00"), due_at=due),  # missed
        record("online", submitted_at=day, due_at=due),  # open, past due: missed
        record("online", submitted_at=day, due_at=late),  # open, not due: pending
        # No due time: the threshold (10 business days) decides; open 6 days: pending.
        record("online", submitted_at=day),
        # Completed after its due time though within the threshold: the due time decides.
        record("online", submitted_at=day, completed_at=at("2025-06-03 09:00"),
               due_at=at("2025-06-02 17:00")),
    ])
    result = cell(run(engine, root, [plan(rule, threshold=10)], as_of=as_of), "day")
    assert (result.total, result.meeting, result.pending) == (4, 1, 2)
    assert result.share == 0.25


def test_open_records_without_due_time_miss_once_the_threshold_has_passed(engine, tmp_path):
    as_of = at("2025-06-10 12:00")
    root = write_dataset(tmp_path, [
        record(received_at=at("2025-06-02 09:00")),  # 6 business days open: pending
        record(received_at=at("2025-05-01 09:00")),  # 27 business days open: missed
        # Answered after the computation instant: still open as of then.
        record(received_at=at("2025-06-09 09:00"), responded_at=at("2025-06-11 09:00")),
    ])
    result = run(engine, root, [plan(RESPONSE, threshold=15)], as_of=as_of)
    june, may = cell(result, "month", period_start=dt.date(2025, 6, 1)), cell(
        result, "month", period_start=dt.date(2025, 5, 1))
    assert (june.total, june.pending, june.share, june.target_met) == (0, 2, None, "NA")
    assert (june.ci_low, june.ci_high, june.median_elapsed) == (None, None, None)
    assert (may.total, may.meeting, may.pending) == (1, 0, 0)


def test_exclusions_are_counted_by_reason_and_left_out_of_the_total(engine, tmp_path):
    t, done = at("2025-06-02 09:00"), at("2025-06-03 09:00")
    root = write_dataset(tmp_path, [
        record(received_at=t, responded_at=done),
        record(received_at=t, responded_at=done, exclusion_reason="labour disruption"),
        record(received_at=t, responded_at=done, exclusion_reason="labour disruption"),
        record(received_at=t, exclusion_reason="system outage"),
        record(received_at=t, responded_at=done, exclusion_reason=""),  # blank: not excluded
    ])
    result = cell(run(engine, root, [plan(RESPONSE, threshold=15)]), "day")
    assert (result.total, result.meeting) == (2, 2)
    assert result.excluded == {"labour disruption": 2, "system outage": 1}


def test_each_record_is_measured_by_the_version_in_force_on_its_local_start_date(engine, tmp_path):
    root = write_dataset(tmp_path, [
        # 30 June 23:00 EDT is 1 July in UTC: still the first version's (5 days).
        record(received_at=at("2025-06-30 23:00"), responded_at=at("2025-07-10 09:00")),
        record(received_at=at("2025-07-02 09:00"), responded_at=at("2025-07-10 09:00")),
    ])
    first = plan(RESPONSE, version_id=1, threshold=5, effective_from=dt.date(2025, 1, 1),
                 effective_to=dt.date(2025, 6, 30))
    second = plan(RESPONSE, version_id=2, threshold=10, effective_from=dt.date(2025, 7, 1))
    result = run(engine, root, [first, second])
    v1, v2 = cell(result, "fiscal_year", version_id=1), cell(result, "fiscal_year", version_id=2)
    # 30 Jun -> 10 Jul: 30 Jun, 2, 3, 4, 7, 8, 9 July = 7 business days (> 5): missed.
    assert (v1.total, v1.meeting, v1.median_elapsed) == (1, 0, 7.0)
    # 2 Jul -> 10 Jul: 2, 3, 4, 7, 8, 9 = 6 business days (<= 10): met.
    assert (v2.total, v2.meeting, v2.median_elapsed) == (1, 1, 6.0)


def test_only_the_organizations_and_service_in_scope_are_measured(engine, tmp_path):
    t, done = at("2025-06-02 09:00"), at("2025-06-03 09:00")
    root = write_dataset(tmp_path, [
        record(organization="office-a", service="S1", received_at=t, responded_at=done),
        record(organization="office-a", service="S2", received_at=t, responded_at=done),
        record(organization="office-b", service="S1", received_at=t, responded_at=done),
        record("telephone", organization="office-a", service="S1", received_at=t, responded_at=done),
    ])
    by_service = Rule(unit="business_days", clock_start="received", clock_stop="responded",
                      channels=MAIL, by_service=True)
    result = run(engine, root, [plan(by_service, threshold=15, service_code="S1",
                                      organizations=("office-a",))])
    assert [(c.org_id, c.service, c.total) for c in result.cells if c.period_kind == "day"] == [
        (1, "S1", 1)]
    common = run(engine, root, [plan(RESPONSE, organizations=("office-a", "office-b"))])
    assert sorted((c.org_id, c.service) for c in common.cells if c.period_kind == "day") == [
        (1, "S1"), (1, "S2"), (2, "S1")]


def test_iso_weeks_start_on_monday_across_the_new_year(engine, tmp_path):
    root = write_dataset(tmp_path, [
        record(received_at=at("2026-01-04 10:00"), responded_at=at("2026-01-05 10:00")),  # a Sunday
    ])
    result = run(engine, root, [plan(RESPONSE, threshold=15)], as_of=at("2026-01-10 12:00"))
    week = cell(result, "week")
    assert (week.period_start, week.period_end) == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert cell(result, "fiscal_year").period_start == dt.date(2025, 4, 1)


def test_shares_carry_wilson_intervals_as_statsmodels_computes_them(engine, tmp_path):
    t = at("2025-06-02 09:00")
    rows = [record(received_at=t, responded_at=at("2025-06-03 09:00")) for _ in range(7)]
    rows += [record(received_at=t, responded_at=at("2025-06-30 09:00")) for _ in range(14)]
    result = cell(run(engine, write_dataset(tmp_path, rows), [plan(RESPONSE, threshold=15)]), "day")
    low, high = proportion_confint(7, 21, method="wilson")
    assert (result.meeting, result.total) == (7, 21)
    assert result.ci_low == pytest.approx(low, abs=1e-12)
    assert result.ci_high == pytest.approx(high, abs=1e-12)
    assert result.ci_low == pytest.approx(0.171947526051, abs=1e-12)  # TESTING.md, from R


def test_a_period_filter_computes_only_the_cells_inside_it(engine, tmp_path):
    root = write_dataset(tmp_path, [
        record(received_at=at("2025-06-30 10:00"), responded_at=at("2025-07-02 10:00")),
        record(received_at=at("2025-07-02 10:00"), responded_at=at("2025-07-03 10:00")),
        record(received_at=at("2025-07-08 10:00"), responded_at=at("2025-07-09 10:00")),
        record(received_at=at("2025-10-01 10:00"), responded_at=at("2025-10-02 10:00")),
    ])
    result = run(engine, root, [plan(RESPONSE, threshold=15)], period=parse_period("2025-Q3"))
    kinds = {c.period_kind for c in result.cells}
    assert kinds == {"day", "week", "month", "quarter"}  # the fiscal year reaches beyond Q3
    quarter = cell(result, "quarter")
    assert (quarter.period_start, quarter.total) == (dt.date(2025, 7, 1), 2)
    # The week of 30 June starts in Q2: it is left for a run that covers it.
    assert [c.period_start for c in result.cells if c.period_kind == "week"] == [dt.date(2025, 7, 7)]
    assert all(c.period_start >= dt.date(2025, 7, 1) for c in result.cells)
