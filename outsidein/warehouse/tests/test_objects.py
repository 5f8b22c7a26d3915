"""The interaction store on S3-compatible object storage (moto's server on loopback): the same
writes, undo and compaction as on disk, commits all-or-nothing for readers, and a store that
cannot be read said so instead of reading as empty."""

import pyarrow as pa
import pyarrow.fs as pafs
import pytest

from outsidein.warehouse import objects
from outsidein.warehouse.engines import open_engine
from outsidein.warehouse.store import SCHEMA, InteractionStore, StoreUnavailable
from outsidein.warehouse.tests.s3server import s3_bucket, s3_server  # noqa: F401 - fixtures
from outsidein.warehouse.tests.test_store import calls, rings_by_id


@pytest.fixture
def remote(s3_bucket, tmp_path):  # noqa: F811 - the fixture above
    return InteractionStore(f"s3://{s3_bucket}/interactions", cache=tmp_path / "cache")


def another_host(store: InteractionStore, tmp_path) -> InteractionStore:
    """The same store seen from a process with an empty local copy (a reader, another host)."""
    return InteractionStore(store.url, cache=tmp_path / "elsewhere")


def test_writes_undo_and_compaction_give_what_they_give_on_disk(remote, tmp_path):
    local = InteractionStore(tmp_path / "disk")
    for store in (local, remote):
        store.write_batch(calls(range(10), rings=1, day_step=5), 1)
        store.write_batch(calls(range(5, 15), rings=4, day_step=5), 2)
        store.write_batch(calls([3], rings=9), 3)  # record 3 moved to another month
        store.undo(2)
        store.compact(min_files=1)
    fresh = another_host(remote, tmp_path)
    assert rings_by_id(fresh) == rings_by_id(local) == {str(i): (9 if i == 3 else 1) for i in range(10)}
    assert fresh.partitions() == local.partitions()
    assert fresh.count() == local.count() == 10
    assert fresh.import_ids() == local.import_ids() == [1, 3]
    fresh.undo(3)  # a second host writes, starting from what the first published
    assert rings_by_id(another_host(remote, tmp_path)) == {str(i): 1 for i in range(10)}


def test_duckdb_scans_the_live_files_as_an_arrow_dataset(remote):
    remote.write_batch(calls(range(4), day_step=20), 1)
    remote.write_batch(calls(range(2), rings=7), 2)  # sets two first versions aside
    engine = remote.reading(open_engine("duckdb"))
    try:
        engine.register_parquet("records", remote.dataset_glob())
        rows = engine.query("SELECT count(*) AS n, max(rings) AS top FROM records").to_pylist()
    finally:
        engine.close()
    assert rows == [{"n": 4, "top": 7}]


def test_readers_see_only_what_the_manifest_names(remote, s3_server):  # noqa: F811
    remote.write_batch(calls(range(3)), 1)
    stray = f"{remote.remote.base}/channel=telephone/month=2025-03/part-stray.parquet"
    with s3_server.open_output_stream(stray) as out:  # an upload whose commit never came
        out.write(b"not parquet")
    assert remote.count() == 3 and len(remote.files()) == 1
    assert remote.table(["record_id"]).num_rows == 3


def test_a_commit_that_fails_to_publish_is_invisible_and_rolled_back(remote, monkeypatch, tmp_path):
    remote.write_batch(calls(range(5), rings=1), 1)
    real = objects.RemoteRoot.publish

    def cut_before_the_manifest(self, state, local, since):
        for relative in state.files:  # the new files get uploaded, then the line drops
            if relative not in self.manifest().files:
                pafs.copy_files(str(local / relative), self.path(relative),
                                source_filesystem=pafs.LocalFileSystem(),
                                destination_filesystem=self.fs)
        raise OSError("connection reset")

    monkeypatch.setattr(objects.RemoteRoot, "publish", cut_before_the_manifest)
    with pytest.raises(OSError, match="connection reset"):
        remote.write_batch(calls(range(5), rings=6), 2)
    assert rings_by_id(another_host(remote, tmp_path)) == {str(i): 1 for i in range(5)}
    monkeypatch.setattr(objects.RemoteRoot, "publish", real)
    remote.compact()  # the next writer makes its copy equal to what was published
    assert rings_by_id(remote) == {str(i): 1 for i in range(5)} and remote.import_ids() == [1]
    assert remote.write_batch(calls(range(5), rings=6), 2).updated == 5
    assert rings_by_id(another_host(remote, tmp_path)) == {str(i): 6 for i in range(5)}


def test_replaced_files_are_deleted_only_after_the_grace_period(remote, s3_server, monkeypatch):  # noqa: F811
    remote.write_batch(calls(range(3)), 1)
    remote.write_batch(calls(range(3, 6)), 2)
    first = set(remote.files())
    remote.compact(min_files=1)  # retires both files; a reader may still be scanning them
    assert all(s3_server.get_file_info(str(f)).type == pafs.FileType.File for f in first)
    monkeypatch.setattr(objects, "RETIRE_SECONDS", 0)
    remote.write_batch(calls([9]), 3)
    assert all(s3_server.get_file_info(str(f)).type == pafs.FileType.NotFound for f in first)
    assert remote.count() == 7


def test_a_missing_bucket_is_unreadable_not_empty(s3_server, tmp_path):  # noqa: F811
    store = InteractionStore("s3://no-such-bucket/interactions", cache=tmp_path)
    with pytest.raises(StoreUnavailable, match="no-such-bucket"):
        store.readable_or_raise(expected_records=0)
    with pytest.raises(StoreUnavailable):
        store.count()


def test_an_empty_store_is_refused_when_records_were_imported(remote, tmp_path):
    remote.readable_or_raise(expected_records=0)  # a new installation: nothing imported yet
    with pytest.raises(StoreUnavailable, match="holds no records, but 12 were imported"):
        remote.readable_or_raise(expected_records=12)
    remote.write_batch(calls(range(2)), 1)
    remote.readable_or_raise(expected_records=2)
    disk = InteractionStore(tmp_path / "nowhere")
    with pytest.raises(StoreUnavailable, match="holds no records"):
        disk.readable_or_raise(expected_records=5)


def test_spark_is_told_to_read_object_storage_through_s3a(remote):
    class Spark:
        kind = "spark"

    with pytest.raises(StoreUnavailable, match="s3a://"):
        remote.reading(Spark()).register_parquet("records", remote.dataset_glob())


def test_a_store_url_must_name_a_bucket_on_s3():
    with pytest.raises(ValueError, match="unsupported store URL"):
        InteractionStore("gs://bucket/x")
    with pytest.raises(ValueError, match="no bucket"):
        InteractionStore("s3://")


def test_records_are_read_back_with_the_store_schema(remote):
    remote.write_batch(calls(range(2)), 1)
    assert remote.table().schema == SCHEMA
    assert remote.table(["rings"]).schema == pa.schema([SCHEMA.field("rings")])
