"""The demo's records: deterministic, in the stored schema, telling the story the dashboards show."""

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from outsidein.demo import loading, records
from outsidein.demo.records import CONTACT, LABOUR_DISRUPTION, LAKE, NORTH, Window, demo_records
from outsidein.interactions.schema import record_schema

END = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
TORONTO = "America/Toronto"


@pytest.fixture(scope="module")
def sample() -> pa.Table:
    """60,000 records over the year before END, with the Ontario default calendars."""
    return pa.concat_tables(demo_records(60_000, end=END, seed=11))


def _local_dates(column) -> np.ndarray:
    local = pc.local_timestamp(pc.assume_timezone(column.cast(pa.timestamp("us")), "UTC")
                               .cast(pa.timestamp("us", tz=TORONTO)))
    return local.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")


def _stored(root, columns=None) -> pa.Table:
    """The live records of a store folder (read directly: tests of the demo open no engine)."""
    files = sorted(root.glob("channel=*/month=*/*.parquet"))
    return pa.concat_tables([pq.read_table(f, columns=columns) for f in files])


def _share(met, of) -> float:
    return pc.sum(pc.and_(met, of)).as_py() / pc.sum(of).as_py()


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    first = pa.concat_tables(demo_records(3_000, end=END, seed=5))
    again = pa.concat_tables(demo_records(3_000, end=END, seed=5))
    other = pa.concat_tables(demo_records(3_000, end=END, seed=6))
    assert first.equals(again)
    assert not first.equals(other)
    assert first["record_id"].to_pylist() == other["record_id"].to_pylist()  # ids stay put


def test_records_have_the_stored_schema_exactly_and_unique_ids(sample):
    assert sample.schema == record_schema()
    assert sample.num_rows == 60_000
    assert pc.count_distinct(sample["record_id"]).as_py() == 60_000
    assert set(pc.unique(sample["source"]).to_pylist()) == {records.SOURCE}
    counts = dict(zip(*pc.value_counts(sample["channel"]).flatten(), strict=True))
    counts = {k.as_py(): v.as_py() for k, v in counts.items()}
    assert counts == records.channel_counts(60_000)


def test_every_record_starts_in_the_window_and_nothing_happens_after_the_end(sample):
    window = Window.ending(END)
    start = pc.coalesce(sample["call_started_at"], sample["arrived_at"], sample["submitted_at"],
                        sample["received_at"])
    assert start.null_count == 0
    days = _local_dates(start)
    assert days.min() >= np.datetime64(window.first) and days.max() <= np.datetime64(window.last)
    for name in sample.column_names:
        if name.endswith("_at") and name != "due_at":
            latest = pc.max(sample[name]).as_py()
            assert latest is None or latest <= END


def test_lakeside_misses_its_walk_in_standard_and_northtown_meets_it(sample):
    visits = sample.filter(pc.and_(pc.equal(sample["channel"], "in_person"),
                                   pc.is_null(sample["exclusion_reason"])))
    wait = pc.subtract(visits["served_at"], visits["arrived_at"]).cast(pa.int64())
    within = pc.less_equal(wait, 20 * 60 * 1_000_000)
    assert _share(within, pc.equal(visits["organization"], LAKE)) < 0.75
    assert _share(within, pc.equal(visits["organization"], NORTH)) > 0.82


def test_contact_centre_is_near_its_target_and_just_under_it_in_winter(sample):
    calls = sample.filter(pc.and_(pc.equal(sample["channel"], "telephone"),
                                  pc.is_null(sample["exclusion_reason"])))
    assert set(pc.unique(calls["organization"]).to_pylist()) == {CONTACT}
    by_third_ring = pc.less_equal(calls["rings"], 3)
    everything = pa.repeat(pa.scalar(True), calls.num_rows)
    assert 0.78 <= _share(by_third_ring, everything) <= 0.85
    months = _local_dates(calls["call_started_at"]).astype("datetime64[M]").astype(int) % 12 + 1
    winter = pa.array(np.isin(months, (12, 1, 2)))
    assert 0.74 <= _share(by_third_ring, winter) < 0.80
    assert _share(by_third_ring, pc.invert(winter)) > 0.82


def test_one_week_of_labour_disruption_is_excluded_not_dropped(sample):
    excluded = sample.filter(pc.equal(sample["exclusion_reason"], LABOUR_DISRUPTION))
    assert excluded.num_rows > 100
    assert set(pc.unique(excluded["organization"]).to_pylist()) <= {LAKE, CONTACT}
    start = pc.coalesce(excluded["call_started_at"], excluded["arrived_at"],
                        excluded["received_at"])
    days = _local_dates(start)
    monday = np.datetime64(Window.ending(END).labour_week)
    assert days.min() >= monday and days.max() < monday + 7
    assert pc.count_distinct(sample["exclusion_reason"]).as_py() == 1


def test_walk_ins_only_on_open_days_and_more_on_mondays(sample):
    visits = sample.filter(pc.equal(sample["channel"], "in_person"))
    days = _local_dates(visits["arrived_at"])
    assert not np.isin(days, np.array(["2025-12-25", "2026-07-01"], dtype="datetime64[D]")).any()
    weekday = (days.astype(int) + 3) % 7
    north = (visits["organization"].to_numpy(zero_copy_only=False) == NORTH)
    assert not (north & (weekday >= 5)).any()  # Northtown is closed on weekends
    counts = np.bincount(weekday[north], minlength=7)
    assert counts[0] > counts[2] > 0


def test_some_records_are_still_open_and_some_carry_a_due_time(sample):
    letters = sample.filter(pc.equal(sample["channel"], "mail"))
    open_share = letters["responded_at"].null_count / letters.num_rows
    assert 0 < open_share < 0.1
    assert pc.sum(pc.is_valid(sample["due_at"])).as_py() > 0
    licences = sample.filter(pc.equal(sample["service"], "BR-ELICENCE"))
    assert pc.all(licences["guarantee_eligible"]).as_py()
    assert set(pc.unique(licences["tier"]).to_pylist()) == {"regular", "premium"}


@pytest.mark.django_db
def test_demo_loads_records_through_the_import_once(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo", "--records", "20000", "--no-compliance")
    assert _stored(tmp_path / "interactions", ["record_id"]).num_rows == 20_000
    loaded = loading.demo_records_loaded()
    assert len(loaded) == 1
    out = capsys.readouterr().out
    assert "20,000 stored" in out and "0 rejected" in out
    # Office calendars come from the database: nothing at Northtown on its storm closure.
    visits = _stored(tmp_path / "interactions", ["organization", "arrived_at"])
    north = visits.filter(pc.equal(visits["organization"], NORTH))
    assert np.datetime64("2025-12-12") not in _local_dates(north["arrived_at"])

    call_command("demo", "--records", "20000", "--no-compliance")
    assert "already loaded" in capsys.readouterr().out
    assert _stored(tmp_path / "interactions", ["record_id"]).num_rows == 20_000
    assert loading.demo_records_loaded() == loaded
