"""One query, two engines: the same standards on the same records give identical results on
DuckDB and on Spark SQL (decision 12)."""

import datetime as dt
import random
from dataclasses import replace

import pytest

from outsidein import workdays
from outsidein.compliance.engine.rules import Rule
from outsidein.compliance.tests.recordsets import plan, record, run, write_dataset
from outsidein.warehouse.engines import open_engine
from outsidein.warehouse.store import InteractionStore

pytestmark = pytest.mark.spark

MAIL = ("mail", "fax", "email")
LUNCH = workdays.Calendar("lunch", timezone="America/St_Johns", hours=(workdays.WeeklyHours(
    {d: (workdays.TimeSlot(dt.time(8, 30), dt.time(12)), workdays.TimeSlot(dt.time(13), dt.time(16, 45)))
     for d in range(5)}),), closures=(workdays.Closure(dt.date(2025, 3, 14), "storm"),))
CALENDARS = [workdays.Calendar("default"), LUNCH]


def dataset(root):
    """A few thousand records of every channel with gaps, exclusions, due times, pauses."""
    rng = random.Random(12)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = []
    for _ in range(2000):  # January to April: the spring change of clocks and a storm inside
        start = base + dt.timedelta(seconds=rng.randrange(0, 110 * 86400))
        later = start + dt.timedelta(seconds=rng.randrange(0, 30 * 86400))

        def maybe(value, p=0.9):
            return value if rng.random() < p else None

        common = dict(organization=rng.choice(["a", "b", "c"]), service=rng.choice(["S1", "S2", None]),
                      exclusion_reason=rng.choice([None] * 20 + ["strike", "outage"]))
        channel = rng.choice(["mail", "fax", "telephone", "online", "feedback"])
        if channel == "telephone":
            answered = start + dt.timedelta(seconds=rng.randrange(0, 600))
            rows.append(record(channel, call_started_at=start, answered_at=maybe(answered),
                               rings=maybe(rng.randrange(0, 8)), redirects=maybe(rng.randrange(0, 3)),
                               person_offered=maybe(rng.random() < 0.8),
                               wait_seconds=maybe(rng.randrange(0, 900), 0.3), **common))
        elif channel == "online":
            rows.append(record(channel, submitted_at=start, completed_at=maybe(later, 0.8),
                               due_at=maybe(start + dt.timedelta(days=rng.randrange(1, 20)), 0.6),
                               **common))
        else:
            paused = start + dt.timedelta(seconds=rng.randrange(0, 5 * 86400))
            rows.append(record(channel, received_at=start, responded_at=maybe(later, 0.85),
                               acknowledged_at=maybe(paused, 0.5),
                               followed_up_at=maybe(paused + dt.timedelta(days=2), 0.4), **common))
    return write_dataset(root, rows)


PLANS = [
    plan(Rule(unit="business_days", clock_start="received", clock_stop="responded", channels=MAIL),
         version_id=1, threshold=15, effective_to=dt.date(2025, 2, 28)),
    plan(Rule(unit="business_days", clock_start="received", clock_stop="responded", channels=MAIL),
         version_id=2, threshold=10, effective_from=dt.date(2025, 3, 1)),
    plan(Rule(unit="business_hours", clock_start="received", clock_stop="responded",
              pauses=(("acknowledged", "followed_up"),), channels=MAIL), version_id=3, threshold="20.5"),
    plan(Rule(unit="calendar_days", clock_start="received", clock_stop="responded",
              channels=("feedback",)), version_id=4, threshold=3),
    plan(Rule(unit="rings", clock_start="call_started", clock_stop="answered",
              channels=("telephone",)), version_id=5, threshold=3),
    plan(Rule(unit="minutes", clock_start="call_started", clock_stop="answered",
              channels=("telephone",)), version_id=6, threshold="2.5"),
    plan(Rule(unit="none", measure="person_offered", channels=("telephone",)), version_id=7),
    plan(Rule(unit="business_days", clock_start="submitted", clock_stop="completed",
              channels=("online",), against_due=True, by_service=True), version_id=8, threshold=5,
         service_code="S1"),
]


def test_duckdb_and_spark_give_identical_results(spark_engine, tmp_path):
    # Spark starts slowly and plans each query at length: one evaluation covers every unit,
    # pauses, due times, exclusions, effective dates, two calendars and zones.
    root = dataset(tmp_path)
    plans = [replace(p, organizations=(("a", 1, 0), ("b", 2, 1), ("c", 3, 0))) for p in PLANS]
    as_of = dt.datetime(2025, 4, 10, 15, 30, tzinfo=dt.UTC)  # some records still open
    duck = open_engine("duckdb")
    try:
        expected = run(duck, root, plans, calendars=CALENDARS, as_of=as_of)
    finally:
        duck.close()
    # Spark reads the store as compliance_run names it: a glob of the live files.
    found = run(spark_engine, InteractionStore(root).dataset_glob(), plans, calendars=CALENDARS, as_of=as_of)
    assert len(expected.cells) > 1000 and expected.records > 2000
    assert {c.version_id for c in expected.cells} == set(range(1, 9))
    assert any(c.pending for c in expected.cells) and any(c.excluded for c in expected.cells)
    assert any(c.median_elapsed is not None and c.median_elapsed % 1 for c in expected.cells)
    assert found.records == expected.records
    assert found.cells == expected.cells  # every field, floats included, exactly
