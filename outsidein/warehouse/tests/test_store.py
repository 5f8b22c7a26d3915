"""The interaction store: idempotent writes by key, undo with earlier versions, compaction, crashes."""

import datetime as dt
import json

import duckdb
import pyarrow as pa
import pytest

from outsidein.warehouse import store as store_module
from outsidein.warehouse.journal import Journal
from outsidein.warehouse.sessions import ImportSession
from outsidein.warehouse.store import InteractionStore, StoreError

UTC = dt.UTC


def calls(ids, *, start=dt.datetime(2025, 3, 10, 14, 0, tzinfo=UTC), rings=2, source="acd",
          channel="telephone", lines=None, day_step=0) -> pa.Table:
    """Telephone records with ids `ids`, started `day_step` days apart, answered after `rings`."""
    ids = list(ids)
    starts = [start + dt.timedelta(days=day_step * i) for i in range(len(ids))]
    return pa.table({
        "source": [source] * len(ids),
        "record_id": [str(i) for i in ids],
        "channel": [channel] * len(ids),
        "rings": pa.array([rings] * len(ids), pa.int32()),
        "source_line": pa.array(lines or list(range(2, len(ids) + 2)), pa.int64()),
        "call_started_at": pa.array(starts, store_module.SCHEMA.field("call_started_at").type),
        "answered_at": pa.array([s + dt.timedelta(seconds=6 * rings) for s in starts],
                                store_module.SCHEMA.field("answered_at").type),
    })


def rings_by_id(store: InteractionStore) -> dict[str, int]:
    table = store.table(["record_id", "rings"])
    return dict(zip(table["record_id"].to_pylist(), table["rings"].to_pylist(), strict=True))


@pytest.fixture
def store(tmp_path):
    return InteractionStore(tmp_path / "interactions")


def test_first_write_stores_every_record_in_its_channel_and_month(store):
    result = store.write_batch(calls(range(3), day_step=12), import_id=1)
    assert (result.stored, result.updated) == (3, 0)
    assert store.count() == 3
    assert store.partitions() == ["channel=telephone/month=2025-03",
                                  "channel=telephone/month=2025-04"]
    assert set(store.table()["import_id"].to_pylist()) == {1}
    assert store.import_ids() == [1]
    # Read back in the canonical schema: plain strings, instants in UTC.
    assert store.table().schema == store_module.SCHEMA


def test_the_month_is_that_of_the_start_event_in_utc(store):
    # 23:30 on March 31 in Toronto is already April 1 in UTC.
    toronto = dt.timezone(dt.timedelta(hours=-4))
    store.write_batch(calls([1], start=dt.datetime(2025, 3, 31, 23, 30, tzinfo=toronto)), 1)
    assert store.partitions() == ["channel=telephone/month=2025-04"]


def test_reimport_replaces_and_never_duplicates(store):
    store.write_batch(calls(range(100), rings=2), import_id=1)
    result = store.write_batch(calls(range(100), rings=5), import_id=2)
    assert (result.stored, result.updated) == (0, 100)
    assert store.count() == 100
    assert set(rings_by_id(store).values()) == {5}


def test_undo_restores_the_versions_an_import_replaced(store):
    store.write_batch(calls(range(10), rings=2), import_id=1)
    store.write_batch(calls(range(5, 15), rings=5), import_id=2)
    result = store.undo(2)
    assert (result.removed, result.restored) == (10, 5)
    assert rings_by_id(store) == {str(i): 2 for i in range(10)}
    assert store.import_ids() == [1]
    assert not (store.root / "_superseded").exists()


def test_undo_of_a_first_import_empties_the_store(store):
    store.write_batch(calls(range(10)), import_id=1)
    assert store.undo(1).removed == 10
    assert store.count() == 0
    assert store.files() == []


def test_undo_in_any_order_keeps_the_right_version(store):
    store.write_batch(calls(range(4), rings=1), import_id=1)
    store.write_batch(calls(range(4), rings=2), import_id=2)
    store.write_batch(calls(range(2), rings=3), import_id=3)
    # Undo the middle import: record 0-1 stay at version 3, records 2-3 go back to version 1.
    store.undo(2)
    assert rings_by_id(store) == {"0": 3, "1": 3, "2": 1, "3": 1}
    # Undoing import 3 now restores version 1, which import 2 had replaced.
    store.undo(3)
    assert rings_by_id(store) == {str(i): 1 for i in range(4)}
    assert store.count() == 4


def test_repeats_inside_an_import_keep_the_latest_line(store):
    table = calls([7, 8, 7, 7], lines=[2, 3, 4, 5])
    table = table.set_column(table.schema.get_field_index("rings"), "rings",
                             pa.array([1, 1, 2, 3], pa.int32()))
    result = store.write_batch(table, import_id=1)
    assert (result.stored, result.updated) == (2, 2)
    assert rings_by_id(store) == {"7": 3, "8": 1}
    store.undo(1)
    assert store.count() == 0


def test_batches_of_a_session_give_what_one_batch_gives(tmp_path):
    table = calls(range(1000), day_step=0.1)
    one = InteractionStore(tmp_path / "one")
    many = InteractionStore(tmp_path / "many", row_group_rows=64, buffer_rows=200)
    one.write_batch(table, 1)
    with many.session(1) as session:
        for batch in table.to_batches(max_chunksize=37):
            session.add(pa.Table.from_batches([batch]))
        result = session.commit()
    assert (result.stored, result.updated) == (1000, 0)
    assert one.table().sort_by("record_id").equals(many.table().sort_by("record_id"))


def test_a_discarded_session_leaves_nothing(store):
    with store.session(1) as session:
        session.add(calls(range(5)))
    assert store.count() == 0
    assert not any((store.root / "_staging").iterdir())


def test_preview_counts_without_writing(store):
    store.write_batch(calls(range(5)), 1)
    with store.session(2) as session:
        session.add(calls(range(3, 8)))
        result = session.preview()
    assert (result.stored, result.updated) == (3, 2)
    assert store.count() == 5
    assert set(store.table()["import_id"].to_pylist()) == {1}


def test_new_keys_leave_other_partitions_untouched(store):
    store.write_batch(calls(range(10), start=dt.datetime(2025, 1, 5, tzinfo=UTC)), 1)
    january = store.files(["channel=telephone/month=2025-01"])
    before = [(f, f.stat().st_ino, f.stat().st_mtime_ns) for f in january]
    store.write_batch(calls(range(10, 20), start=dt.datetime(2025, 2, 5, tzinfo=UTC)), 2)
    assert [(f, f.stat().st_ino, f.stat().st_mtime_ns) for f in january] == before
    assert store.count() == 20


def test_compaction_merges_small_files_and_undo_still_works(tmp_path):
    store = InteractionStore(tmp_path / "s", compact_after_files=100)
    for i in range(5):
        store.write_batch(calls(range(i * 10, i * 10 + 10)), import_id=i + 1)
    assert len(store.files()) == 5
    result = store.compact()
    assert (result.partitions, result.files_before, result.files_after) == (1, 5, 1)
    assert len(store.files()) == 1
    assert store.count() == 50
    store.undo(3)
    assert sorted(int(r) for r in rings_by_id(store)) == [*range(20), *range(30, 50)]


def test_a_crowded_partition_is_compacted_after_a_commit(tmp_path):
    store = InteractionStore(tmp_path / "s", compact_after_files=3)
    for i in range(4):
        store.write_batch(calls([i]), import_id=i + 1)
    assert len(store.files()) == 1
    assert store.count() == 4


def test_records_without_channel_or_event_are_refused(store):
    with pytest.raises(StoreError, match="channel"):
        store.write_batch(calls([1], channel="pigeon"), 1)
    table = calls([1]).drop_columns(["call_started_at", "answered_at"])
    with pytest.raises(StoreError, match="no event"):
        store.write_batch(table, 1)
    assert store.count() == 0


def test_a_commit_interrupted_half_way_is_finished_by_the_next_writer(store, monkeypatch):
    store.write_batch(calls(range(10), rings=1), 1)
    real_apply = Journal.apply
    calls_made = []

    def crash_after_first_step(self, journal):
        if not calls_made:
            calls_made.append(1)
            ops = journal["ops"]
            real_apply(self, {"ops": ops[:1]})
            raise KeyboardInterrupt("power cut")
        return real_apply(self, journal)

    monkeypatch.setattr(Journal, "apply", crash_after_first_step)
    with pytest.raises(KeyboardInterrupt):
        store.write_batch(calls(range(10), rings=4), 2)
    journals = list((store.root / "_journal").glob("*.json"))
    assert len(journals) == 1 and json.loads(journals[0].read_text())["ops"]
    monkeypatch.setattr(Journal, "apply", real_apply)
    store.compact()  # any writer recovers first
    assert not list((store.root / "_journal").glob("*.json"))
    assert rings_by_id(store) == {str(i): 4 for i in range(10)}
    store.undo(2)
    assert rings_by_id(store) == {str(i): 1 for i in range(10)}


def test_the_engine_reads_the_live_glob_with_partitions(store):
    store.write_batch(calls(range(3), day_step=20), 1)
    rows = duckdb.sql("SELECT month, count(*) FROM read_parquet($glob, hive_partitioning=true) "
                      "GROUP BY month ORDER BY month", params={"glob": store.dataset_glob()})
    assert rows.fetchall() == [("2025-03", 2), ("2025-04", 1)]


def test_only_live_records_end_in_parquet(store):
    store.write_batch(calls(range(3)), 1)
    store.write_batch(calls(range(3), rings=9), 2)  # sets the first versions aside
    rows = duckdb.sql("SELECT count(*), min(rings) FROM read_parquet($glob)",
                      params={"glob": str(store.root / "**" / "*.parquet")}).fetchall()
    assert rows == [(3, 9)]


def test_a_record_whose_start_moved_to_another_month_is_not_duplicated(store):
    store.write_batch(calls(range(3), day_step=20), 1)  # record 2 starts in April
    result = store.write_batch(calls([2], rings=9), 2)  # corrected: it started in March
    assert (result.stored, result.updated) == (0, 1)
    assert store.count() == 3
    assert store.partitions() == ["channel=telephone/month=2025-03"]
    store.undo(2)
    assert store.partitions() == ["channel=telephone/month=2025-03",
                                  "channel=telephone/month=2025-04"]
    assert rings_by_id(store) == {"0": 2, "1": 2, "2": 2}


def test_staging_left_by_a_dead_process_is_cleared_and_live_staging_kept(store):
    dead = ImportSession(store.layout, store.journal, store.tuning, 1)
    dead.add(calls(range(3)))
    dead._stop_thread()
    dead.claim.handle.close()  # the process died: its lock on the folder is gone
    alive = ImportSession(store.layout, store.journal, store.tuning, 2)
    alive.add(calls(range(10, 13)))
    store.compact()  # any writer clears abandoned staging first
    assert not dead.folder.exists()
    assert alive.commit().stored == 3
    alive.discard()
    assert store.count() == 3


def test_two_imports_staged_at_once_both_land(store):
    with store.session(1) as first, store.session(2) as second:
        first.add(calls(range(0, 50)))
        second.add(calls(range(25, 75), rings=7))
        assert first.commit().stored == 50
        result = second.commit()
    assert (result.stored, result.updated) == (25, 25)
    assert store.count() == 75
    assert {r for i, r in rings_by_id(store).items() if int(i) >= 25} == {7}


def with_organization(table: pa.Table, organization: str) -> pa.Table:
    return table.append_column("organization", pa.array([organization] * table.num_rows))


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_session_with_owners_refuses_keys_held_by_anyone_else(store, dry_run):
    store.write_batch(with_organization(calls([1, 2], rings=3), "north"), import_id=1)
    with store.session(2, owners=["south"]) as session:
        session.add(with_organization(calls([1, 3], rings=5, lines=[7, 8]), "south"))
        result = session.preview() if dry_run else session.commit()
    assert (result.stored, result.updated, result.refused) == (1, 0, ((7, "1"),))
    if not dry_run:
        assert rings_by_id(store) == {"1": 3, "2": 3, "3": 5}
    # Its own records it may replace, repeats inside the import still resolve.
    with store.session(3, owners=["south", "north"]) as session:
        session.add(with_organization(calls([1, 1], rings=4, lines=[2, 3]), "south"))
        result = session.commit()
    assert (result.stored, result.updated, result.refused) == (0, 2, ())
