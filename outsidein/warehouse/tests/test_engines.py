"""The engine seam and the clock table: DuckDB in this process; Spark is exercised by the
compliance equivalence test (one session per test run)."""

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from outsidein import workdays
from outsidein.warehouse.calendar_tables import CALENDAR_SHIFT, bucket_seconds_for, clock_table
from outsidein.warehouse.engines import open_engine
from outsidein.warehouse.schema import record_schema


@pytest.fixture
def duck():
    engine = open_engine("duckdb")
    yield engine
    engine.close()


def test_duckdb_reads_a_hive_partitioned_dataset_and_arrow_tables(duck, tmp_path):
    schema = record_schema()
    for channel in ("mail", "fax"):
        folder = tmp_path / f"channel={channel}" / "month=2025-07"
        folder.mkdir(parents=True)
        rows = {f.name: pa.nulls(2, f.type) for f in schema}
        rows.update(source=pa.array(["s", "s"]), record_id=pa.array(["1", "2"]),
                    channel=pa.array([channel] * 2))
        pq.write_table(pa.table(rows, schema=schema), folder / "part-0.parquet")
    duck.register_parquet("interactions", tmp_path)
    duck.register_arrow("wanted", pa.table({"channel": ["fax"]}))
    found = duck.query("SELECT r.channel, r.month, COUNT(*) AS n FROM interactions AS r "
                       "JOIN wanted AS w ON w.channel = r.channel GROUP BY ALL")
    assert found.to_pylist() == [{"channel": "fax", "month": "2025-07", "n": 2}]


def test_an_empty_store_reads_as_no_records(duck, tmp_path):
    duck.register_parquet("interactions", tmp_path / "nothing-yet", schema=record_schema())
    assert duck.query("SELECT COUNT(*) AS n FROM interactions").to_pylist() == [{"n": 0}]
    with pytest.raises(FileNotFoundError):
        duck.register_parquet("other", tmp_path / "nothing-yet")


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        open_engine("oracle")


def test_clock_table_buckets_follow_each_calendars_midnights_and_openings():
    toronto = workdays.Calendar("default")
    st_johns = workdays.Calendar("nl", timezone="America/St_Johns")  # UTC-3:30
    table = clock_table([toronto, st_johns, toronto], dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                        business_hours=True)
    assert table.bucket_seconds == 1800  # half-hour offsets and 8:30 openings
    assert table.index_of == (0, 1, 0)  # equal calendars share rows
    rows = table.table.to_pydict()
    # Every bucket lies in one local date: check each bucket's start against zoneinfo.
    for key, day in zip(rows["key"][::97], rows["day"][::97], strict=True):
        calendar = [toronto, st_johns][key >> CALENDAR_SHIFT]
        start = (key & ((1 << CALENDAR_SHIFT) - 1)) * table.bucket_seconds
        local = dt.datetime.fromtimestamp(start, dt.UTC).astimezone(calendar.zone).date()
        assert day == (local - dt.date(1970, 1, 1)).days


def test_clock_points_match_workdays_business_time():
    cal = workdays.Calendar("default")
    table = clock_table([cal], dt.date(2025, 1, 1), dt.date(2025, 12, 31), business_hours=True)
    clock = table.clocks[0]
    a = dt.datetime(2025, 3, 7, 15, 17, 23, tzinfo=cal.zone)
    b = dt.datetime(2025, 11, 3, 9, 1, 2, tzinfo=cal.zone)
    pa_, pb = clock.point(int(a.timestamp())), clock.point(int(b.timestamp()))
    expected = workdays.business_time_between(cal, a, b)
    assert (pb[1] - pa_[1], pb[2] - pa_[2]) == (expected.days, expected.seconds)
    with pytest.raises(ValueError, match="outside the clock table"):
        clock.point(int(dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp()))


def test_bucket_is_an_hour_when_every_boundary_is_on_the_hour():
    cal = workdays.Calendar("hours", hours=(workdays.WeeklyHours.standard(dt.time(9), dt.time(17)),))
    table = clock_table([cal], dt.date(2025, 1, 1), dt.date(2025, 1, 31), business_hours=True)
    assert table.bucket_seconds == 3600 == bucket_seconds_for(table.clocks)
    assert np.all(np.diff(np.array(table.table["key"])) == 1)
