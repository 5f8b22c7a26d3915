"""Rules: the unit registry, what cannot be measured, and the engine against workdays row by row."""

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlglot import exp

from outsidein import workdays
from outsidein.compliance.engine.evaluation import scope_table
from outsidein.compliance.engine.rules import (
    UNIT_TYPES,
    Branch,
    Rule,
    RunConstants,
    threshold_in_base,
)
from outsidein.compliance.tests.recordsets import plan, record, write_dataset
from outsidein.interactions.schema import record_schema
from outsidein.standards.vocabulary import Unit
from outsidein.warehouse.calendar_tables import clock_table
from outsidein.warehouse.engines import open_engine


def test_every_unit_of_the_vocabulary_has_a_documented_rule():
    assert set(UNIT_TYPES) == set(Unit.values)
    for name, unit in UNIT_TYPES.items():
        doc = (type(unit).__doc__ or "").strip()
        assert doc and "\n" not in doc, f"unit {name!r} needs a one-line docstring"


@pytest.mark.parametrize(("rule", "problem"), [
    (Rule(unit="business_days", clock_start="received"), "start and stop"),
    (Rule(unit="count"), "names the column"),
    (Rule(unit="count", measure="person_offered"), "does not hold a number"),
    (Rule(unit="none", measure="redirects"), "does not hold yes/no"),
    (Rule(unit="business_days", clock_start="received", clock_stop="sent"), "unknown clock event"),
    (Rule(unit="furlongs"), "unknown unit"),
])
def test_rules_that_cannot_be_measured_say_why(rule, problem):
    assert any(problem in p for p in rule.problems())


def test_thresholds_become_exact_integers_of_the_base_unit():
    assert threshold_in_base("minutes", Decimal("2.5")) == 150
    assert threshold_in_base("business_hours", Decimal("1.001")) == 3603
    assert threshold_in_base("business_days", Decimal("15")) == 15
    assert threshold_in_base("seconds", None) is None


def test_one_expression_renders_for_both_engines():
    run = RunConstants(as_of_us=1_750_000_000_000_000, bucket_seconds=3600)
    branch = Branch(Rule(unit="business_hours", clock_start="received", clock_stop="responded",
                         channels=("mail",)), "oi_scope_0", run).select()
    duck, spark = branch.sql(dialect="duckdb"), branch.sql(dialect="spark")
    assert "EPOCH_US(r.received_at) // 3600000000" in duck
    assert "UNIX_MICROS(r.received_at) DIV 3600000000" in spark


CALENDARS = [
    workdays.Calendar("default"),
    workdays.Calendar("west", timezone="America/Vancouver",
                      closures=(workdays.Closure(dt.date(2025, 3, 14), "storm"),)),
]


@pytest.mark.parametrize("unit", ["business_days", "business_hours"])
def test_engine_business_time_equals_workdays_record_by_record(tmp_path, unit):
    # workdays.business_time_between is the row-by-row oracle: days for business days, open
    # seconds for business hours, for a few hundred random instants in two zones.
    rng = random.Random(20250614)
    base = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)
    rows, expected = [], {}
    for i in range(300):
        start = base + dt.timedelta(seconds=rng.randrange(0, 300 * 86400))
        stop = start + dt.timedelta(seconds=rng.randrange(0, 40 * 86400))
        office = f"office-{i % 2}"
        row = record(organization=office, received_at=start, responded_at=stop)
        rows.append(row)
        duration = workdays.business_time_between(CALENDARS[i % 2], start, stop)
        expected[row["record_id"]] = duration.days if unit == "business_days" else duration.seconds
    root = write_dataset(tmp_path, rows)
    rule = Rule(unit=unit, clock_start="received", clock_stop="responded", channels=("mail",))
    version = replace(plan(rule, threshold=1000),
                      organizations=(("office-0", 1, 0), ("office-1", 2, 1)))
    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    clock = clock_table(CALENDARS, dt.date(2023, 12, 31), dt.date(2026, 1, 2),
                        business_hours=unit == "business_hours")
    points = [clock.clocks[clock.index_of[i]].point(int(as_of.timestamp())) for i in range(2)]
    run = RunConstants(as_of_us=int(as_of.timestamp()) * 1_000_000,
                       bucket_seconds=clock.bucket_seconds)
    engine = open_engine("duckdb")
    try:
        engine.register_parquet("interactions", root, schema=record_schema())
        engine.register_arrow("oi_clock", clock.table)
        engine.register_arrow("oi_scope", scope_table([version], clock, points))
        query = Branch(rule, "oi_scope", run).select([exp.column("record_id", "r").as_("record_id")])
        found = engine.query(query.sql(dialect="duckdb")).to_pydict()
    finally:
        engine.close()
    got = dict(zip(found["record_id"], found["elapsed"], strict=True))
    assert got == expected
