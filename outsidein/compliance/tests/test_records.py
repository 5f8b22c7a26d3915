"""The engine's record reading (compliance.engine.records, .at_risk) without a database.

A drill-down must list exactly the records a result counted, judged by the same rule; the
deadline people read on the at-risk page must be the instant the rule turns met into missed.
Runs on DuckDB over small Parquet datasets (Toronto time, Ontario holidays, Mon–Fri 8:30–17:00).
"""

import csv
import datetime as dt
import io

import pytest

from outsidein import workdays
from outsidein.compliance.engine.at_risk import deadline_for, open_items
from outsidein.compliance.engine.records import (
    ANY,
    CSV_COLUMNS,
    CellFilter,
    RecordReader,
    as_dicts,
    counts_by_name,
    csv_rows,
    with_status,
)
from outsidein.compliance.engine.rules import EXCLUDED, MET, MISSED, PENDING, Rule
from outsidein.compliance.tests.recordsets import at, cell, plan, record, run, write_dataset
from outsidein.warehouse.engines import open_engine

MAIL = ("mail", "fax", "email")
RESPONSE = Rule(unit="business_days", clock_start="received", clock_stop="responded", channels=MAIL)
CALENDARS = [workdays.Calendar("default")]
JUNE = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
NOW = at("2025-06-30 12:00")


@pytest.fixture
def engine():
    engine = open_engine("duckdb")
    yield engine
    engine.close()


@pytest.fixture
def june(tmp_path):
    """Mail in June 2025 at two offices, and a telephone call the mail standard does not read."""
    return write_dataset(tmp_path, [
        # Mon 2 -> Tue 3 June: 1 business day, met.
        record(record_id="met", received_at=at("2025-06-02 10:00"),
               responded_at=at("2025-06-03 10:00"), fee_paid=25, guarantee_eligible=True),
        # Mon 2 -> Thu 12 June: 8 business days, missed.
        record(record_id="late", received_at=at("2025-06-02 11:00"),
               responded_at=at("2025-06-12 10:00"), fee_paid=25, guarantee_eligible=True),
        record(record_id="dup", received_at=at("2025-06-04 10:00"),
               responded_at=at("2025-06-04 11:00"), exclusion_reason="duplicate"),
        # Fri 27 June, open: 1 business day by Mon 30 June, still pending.
        record(record_id="open", received_at=at("2025-06-27 10:00")),
        record(record_id="b-met", organization="office-b", channel="email",
               received_at=at("2025-06-05 10:00"), responded_at=at("2025-06-05 15:00")),
        record(record_id="call", channel="telephone", call_started_at=at("2025-06-05 10:00")),
    ])


def reader_of(engine, root, version_plan, as_of=NOW):
    return RecordReader(engine, version_plan, CALENDARS, root, as_of, *JUNE)


def test_a_cell_lists_exactly_the_records_its_result_counted(engine, june):
    version = plan(RESPONSE, threshold=3, organizations=("office-a", "office-b"))
    result = cell(run(engine, june, [version], calendars=CALENDARS, as_of=NOW), "month",
                  org_id=1, period_start=JUNE[0])
    reader = reader_of(engine, june, version)
    office_a = CellFilter(first_day=JUNE[0], last_day=JUNE[1], org_id=1, channel="mail")
    counts = reader.counts(office_a)
    assert counts == {MET: 1, MISSED: 1, EXCLUDED: 1, PENDING: 1}
    assert counts[MET] + counts[MISSED] == result.total
    assert counts[MET] == result.meeting and counts[PENDING] == result.pending
    assert counts_by_name(counts) == {"met": 1, "missed": 1, "excluded": 1, "pending": 1,
                                      "all": 4}


def test_filters_narrow_by_status_organization_channel_and_guarantee(engine, june):
    reader = reader_of(engine, june, plan(RESPONSE, threshold=3,
                                          organizations=("office-a", "office-b")))
    everything = CellFilter(first_day=JUNE[0], last_day=JUNE[1])

    def ids(cell_filter):
        return [r["record_id"] for r in reader.rows(cell_filter).to_pylist()]

    # Oldest first; the telephone call is not a mail record.
    assert ids(everything) == ["met", "late", "dup", "b-met", "open"]
    assert ids(with_status(everything, "missed")) == ["late"]
    assert ids(with_status(everything, "excluded")) == ["dup"]
    assert ids(with_status(everything, "")) == ids(everything)
    assert ids(CellFilter(first_day=JUNE[0], last_day=JUNE[1], org_id=2)) == ["b-met"]
    assert ids(CellFilter(first_day=JUNE[0], last_day=JUNE[1], channel="email")) == ["b-met"]
    assert ids(CellFilter(first_day=JUNE[0], last_day=JUNE[1], guarantee_eligible=True)) == [
        "met", "late"]
    assert ids(CellFilter(first_day=JUNE[0], last_day=JUNE[1], open_only=True)) == ["open"]
    assert ids(CellFilter(first_day=dt.date(2025, 6, 3), last_day=JUNE[1], channel=ANY)) == [
        "dup", "b-met", "open"]


def test_records_read_as_rows_and_csv_in_the_standards_unit(engine, june):
    reader = reader_of(engine, june, plan(RESPONSE, threshold=3))
    late = with_status(CellFilter(first_day=JUNE[0], last_day=JUNE[1]), "missed")
    [row] = as_dicts(reader.rows(late))
    assert (row["date"], row["status_name"], row["elapsed"]) == (dt.date(2025, 6, 2), "missed", 8)
    assert row["started_at"] == at("2025-06-02 11:00")
    lines = [CSV_COLUMNS, *csv_rows(reader.rows(late))]
    text = io.StringIO()
    csv.writer(text).writerows(lines)
    parsed = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert parsed[0]["record_id"] == "late" and parsed[0]["status"] == "missed"
    assert parsed[0]["start_date"] == "2025-06-02" and parsed[0]["elapsed"] == "8"
    assert parsed[0]["guarantee_eligible"] == "true" and parsed[0]["fee_paid"] == "25.00"


def test_records_of_organizations_outside_the_plan_are_not_read(engine, june):
    reader = reader_of(engine, june, plan(RESPONSE, threshold=3, organizations=("office-z",)))
    assert reader.counts(CellFilter(first_day=JUNE[0], last_day=JUNE[1])) == {}
    assert reader.rows(CellFilter(first_day=JUNE[0], last_day=JUNE[1])).num_rows == 0


@pytest.mark.parametrize(("rule", "threshold", "started", "deadline"), [
    # Fri 16:00 + 2 open hours: one to the 17:00 close, one from Monday's 8:30 opening.
    (Rule(unit="business_hours", clock_start="received", clock_stop="responded", channels=MAIL),
     2, "2025-06-27 16:00", "2025-06-30 09:30"),
    # Fri 27 June + 2 calendar days: the last second of Sunday 29 June.
    (Rule(unit="calendar_days", clock_start="received", clock_stop="responded", channels=MAIL),
     2, "2025-06-27 10:00", "2025-06-29 23:59:59"),
    (Rule(unit="minutes", clock_start="received", clock_stop="responded", channels=MAIL),
     90, "2025-06-27 10:00", "2025-06-27 11:30"),
])
def test_the_deadline_is_where_the_rule_turns_met_into_missed(engine, tmp_path, rule, threshold,
                                                             started, deadline):
    start, due = at(started), dt.datetime.fromisoformat(deadline).replace(tzinfo=at(started).tzinfo)
    assert deadline_for(rule, threshold, CALENDARS[0], start) == due
    root = write_dataset(tmp_path, [
        record(record_id="on-time", received_at=start, responded_at=due),
        record(record_id="a-second-late", received_at=start,
               responded_at=due + dt.timedelta(seconds=1))])
    reader = reader_of(engine, root, plan(rule, threshold=threshold),
                       as_of=at("2025-07-31 12:00"))
    statuses = {r["record_id"]: r["status_name"] for r in as_dicts(
        reader.rows(CellFilter(first_day=JUNE[0], last_day=JUNE[1])))}
    assert statuses == {"on-time": "met", "a-second-late": "missed"}


def test_a_due_time_is_the_deadline_when_the_standard_judges_by_it():
    by_due = Rule(unit="business_days", clock_start="received", clock_stop="responded",
                  channels=MAIL, against_due=True)
    start, due = at("2025-06-27 10:00"), at("2025-07-15 17:00")
    assert deadline_for(by_due, 3, CALENDARS[0], start, due) == due
    assert deadline_for(RESPONSE, None, CALENDARS[0], start) is None
    assert deadline_for(Rule(unit="rings", measure="rings"), 3, CALENDARS[0], start) is None


def test_open_items_are_overdue_or_due_within_the_window(engine, tmp_path):
    root = write_dataset(tmp_path, [
        # Received Mon 2 June, 3 business days: overdue by Mon 30 June.
        record(record_id="overdue", received_at=at("2025-06-02 10:00")),
        # Received Wed 25 June: due Mon 30 June, within a day's window.
        record(record_id="due-today", received_at=at("2025-06-25 10:00")),
        # Received Mon 30 June: due Thu 3 July, beyond eight business hours.
        record(record_id="later", received_at=at("2025-06-30 09:00")),
        record(record_id="done", received_at=at("2025-06-02 10:00"),
               responded_at=at("2025-06-03 10:00")),
    ])
    items = open_items(engine, plan(RESPONSE, threshold=3), CALENDARS, now=NOW, business_hours=8,
                       dataset=root)
    assert [(i.record_id, i.overdue) for i in items] == [("overdue", True), ("due-today", False)]
    assert items[1].deadline == workdays.add_business_days(CALENDARS[0], at("2025-06-25 10:00"), 3)


@pytest.mark.parametrize("known", [(), ("S1",), ("S1", "S2")])
def test_the_sql_and_arrow_forms_of_the_counted_service_agree(engine, known):
    """service_codes: both renderings of "which service a record counts under" give the same
    answer for known, unknown, empty and missing codes, whatever the organization knows."""
    import pyarrow as pa
    from sqlglot import exp

    from outsidein.compliance.engine.service_codes import counted_service_sql, counted_services

    codes = ["S1", "S2", "S3", "", None]
    table = pa.table({"org_id": pa.array([7] * len(codes), pa.int64()),
                      "service": pa.array(codes, pa.string())})
    engine.register_arrow("oi_codes", table)
    select = exp.select(counted_service_sql(exp.column("service"), known).as_("counted"),
                        exp.column("service")).from_("oi_codes")
    by_sql = dict(zip(*[engine.query(select.sql(dialect=engine.dialect))[c].to_pylist()
                        for c in ("service", "counted")], strict=True))
    by_arrow = counted_services(table["org_id"], table["service"], {(7, c) for c in known})
    assert [by_sql[c] for c in codes] == by_arrow.to_pylist()
    assert by_arrow.to_pylist() == [c if c in known else None for c in codes]
