"""An import's writes to the interaction store: the session that stages its batches per
partition (a writer thread encodes them into Parquet files under `_staging/`) and the plan that
commits them as one journaled change: repeats inside the import resolved (the latest line
wins), earlier versions of its keys found (in the partitions it writes, or moved elsewhere) and
set aside under `_superseded/import=<id>/`, and the import's manifest in `_imports/`.

A session is given the store's parts (`StoreLayout`, `Journal`, `Tuning`), not the store.
"""

import json
import os
import queue
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein.warehouse.compaction import compact_partitions
from outsidein.warehouse.engines import duckdb_connection
from outsidein.warehouse.journal import Claim, Journal, fsync
from outsidein.warehouse.layout import StoreLayout, live_name
from outsidein.warehouse.partitions import (
    PARQUET_OPTIONS,
    WRITE_SCHEMA,
    StoreError,
    conform,
    split_by_partition,
)
from outsidein.warehouse.rewrite import copy_rows, row_positions
from outsidein.warehouse.tuning import Tuning

_NONE = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class WriteResult:
    """Rows written: `stored` under new keys, `updated` replacing an earlier version.

    `refused` holds (source line, record id) of staged rows that were not written because the
    stored version of their key belongs to an organization outside the session's owners.
    """

    stored: int
    updated: int
    partitions: tuple[str, ...] = ()
    refused: tuple[tuple[int | None, str], ...] = ()


class ImportSession:
    """An import's batches staged per partition, committed (or discarded) as one."""

    def __init__(self, layout: StoreLayout, journal: Journal, tuning: Tuning, import_id: int, *,
                 owners: Iterable[str] | None = None):
        self.layout = layout
        self.journal = journal
        self.tuning = tuning
        self.import_id = int(import_id)
        # Organizations whose stored records this import may replace (None: any).
        self.owners = None if owners is None else sorted(set(owners))
        self.name = f"import-{self.import_id}-{uuid.uuid4().hex}"
        self.folder = layout.staging(self.name)
        self.claim = Claim(self.folder)
        self._buffers: dict[str, list[pa.Table]] = {}
        self._buffered: dict[str, int] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        # partition -> the file staged for it (complete once the session is closed)
        self.staged: dict[str, Path] = {}
        self.rows = 0
        self._open = True
        # Batches are encoded and written in a thread, overlapping the caller's next batch.
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._write_loop, name="outsidein-store",
                                         daemon=True)
        self._thread.start()

    def add(self, table: pa.Table) -> None:
        """Stage canonical records (any column order; missing columns are null)."""
        if not self._open:
            raise StoreError("this session is closed: commit, preview or discard ends it")
        self._raise_failure()
        if table.num_rows:
            self.rows += table.num_rows
            self._queue.put(table)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def _write_loop(self) -> None:
        while True:
            table = self._queue.get()
            if table is None:
                return
            if self._failure is not None:
                continue  # drain: the caller learns of the failure on its next call
            try:
                self._stage(table)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                self._failure = exc

    def _stop_thread(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _stage(self, table: pa.Table) -> None:
        # Split first: the columns the batch lacks are added per part, as shared null arrays.
        for partition, part in split_by_partition(table):
            part = conform(part, self.import_id)
            self._buffers.setdefault(partition, []).append(part)
            self._buffered[partition] = self._buffered.get(partition, 0) + part.num_rows
            if self._buffered[partition] >= self.tuning.row_group_rows:
                self._flush(partition)
        while sum(self._buffered.values()) > self.tuning.buffer_rows:
            self._flush(max(self._buffered, key=self._buffered.get))

    def preview(self) -> WriteResult:
        """What `commit()` would report, changing nothing (for a dry run)."""
        self._close()
        with self.journal.locked():
            plan = _Plan(self)
        return plan.result()

    def commit(self) -> WriteResult:
        """Make every staged row visible, replacing earlier versions of the same keys."""
        self._close()
        with self.journal.locked():
            plan = _Plan(self)
            self.journal.commit(plan.operations())
        crowded = [p for p in plan.partitions
                   if len(self.layout.live_files([p])) > self.tuning.compact_after_files]
        if crowded:
            compact_partitions(self.layout, self.journal, crowded,
                               row_group_rows=self.tuning.row_group_rows)
        return plan.result()

    def discard(self) -> None:
        """Forget whatever is still staged (all of it, unless committed)."""
        self._open = False
        self._stop_thread()
        for writer in self._writers.values():
            with suppress(Exception):
                writer.close()
        self._writers.clear()
        self._buffers.clear()
        self._open = False
        self.claim.release()

    def _flush(self, partition: str) -> None:
        parts = self._buffers.pop(partition, [])
        self._buffered.pop(partition, None)
        if not parts:
            return
        if partition not in self._writers:
            path = self.layout.new_file(self.name, partition)()
            self.staged[partition] = path
            self._writers[partition] = pq.ParquetWriter(path, WRITE_SCHEMA, **PARQUET_OPTIONS)
        self._writers[partition].write_table(pa.concat_tables(parts),
                                             row_group_size=self.tuning.row_group_rows)

    def _close(self) -> None:
        if not self._open:
            raise StoreError("this session is closed: commit, preview or discard ends it")
        self._stop_thread()
        self._raise_failure()
        pending = list(self._buffers)
        for partition in pending:  # open the files first: _flush adds to the dicts
            if partition not in self._writers:
                self._flush(partition)

        def finish(partition: str) -> None:
            self._flush(partition)
            self._writers[partition].close()
            fsync(self.staged[partition])

        # What is still buffered is encoded on every core (the writer releases the GIL).
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(finish, list(self._writers)))
        self._writers.clear()
        self._open = False


class _Plan:
    """What a commit changes: repeats inside the import, the live versions it replaces, and
    the keys it may not touch (their stored version belongs to an organization outside the
    session's owners: every staged row of such a key is dropped and reported as refused)."""

    def __init__(self, session: ImportSession):
        self.layout = session.layout
        self.session = session
        self.partitions = sorted(session.staged)
        self.dropped: dict[str, np.ndarray] = {}
        self.replaced: dict[str, np.ndarray] = {}
        self.refused: tuple[tuple[int | None, str], ...] = ()
        self.updated = 0
        if not session.staged:
            return
        staged = [str(p) for p in session.staged.values()]
        live = self.layout.live_files()
        with duckdb_connection(memory_limit=session.tuning.memory_limit,
                               temp_directory=session.folder / ".spill") as con:
            con.execute("CREATE TEMP TABLE foreign_keys (source VARCHAR, record_id VARCHAR)")
            if live:
                con.execute("CREATE TEMP TABLE keys AS SELECT DISTINCT source, record_id "
                            "FROM read_parquet(?)", [staged]).fetchall()
                found = self._earlier_versions(con, live)
                if session.owners is not None and found.num_rows:
                    found = self._refuse_foreign(con, found, staged)
                self.replaced = row_positions(found.select(["filename", "file_row_number"]))
            # Keys seen more than once, by their hash (cheaper to group than the text; a
            # collision only sends a few more rows through the exact ranking below).
            con.execute("CREATE TEMP TABLE repeated AS SELECT hash(source, record_id) AS h "
                        "FROM read_parquet(?) GROUP BY h HAVING count(*) > 1", [staged]
                        ).fetchall()
            repeats: dict[str, np.ndarray] = {}
            if con.execute("SELECT count(*) FROM repeated").fetchall()[0][0]:
                # Inside one import the latest line wins; its earlier rows count as updates.
                repeats = row_positions(con.sql("""
                    SELECT filename, file_row_number FROM (
                        SELECT filename, file_row_number, row_number() OVER (
                            PARTITION BY source, record_id ORDER BY source_line DESC NULLS LAST,
                            filename DESC, file_row_number DESC) AS rn
                        FROM read_parquet($staged, filename=true, file_row_number=true)
                        ANTI JOIN foreign_keys USING (source, record_id)
                        WHERE hash(source, record_id) IN (SELECT h FROM repeated))
                    WHERE rn > 1""", params={"staged": staged}))
            refused: dict[str, np.ndarray] = {}
            if self.refused:
                refused = row_positions(con.sql("""
                    SELECT filename, file_row_number
                    FROM read_parquet($staged, filename=true, file_row_number=true)
                    SEMI JOIN foreign_keys USING (source, record_id)""",
                                             params={"staged": staged}))
        self.dropped = {f: np.union1d(repeats.get(f, _NONE), refused.get(f, _NONE))
                        for f in set(repeats) | set(refused)}
        self.updated = (sum(len(v) for v in repeats.values())
                        + sum(len(v) for v in self.replaced.values()))

    def result(self) -> WriteResult:
        """What the commit writes (or, for a dry run, would write)."""
        stored = self.session.rows - self.updated - len(self.refused)
        return WriteResult(stored, self.updated, tuple(self.partitions), self.refused)

    def _earlier_versions(self, con, live: list[Path]) -> pa.Table:
        """The stored versions of the import's keys: file, row position, key, organization."""
        touched = set(self.partitions)
        near = [str(f) for f in live if self.layout.partition_of(f) in touched]
        far = [str(f) for f in live if self.layout.partition_of(f) not in touched]
        found = []
        if near:
            found.append(con.sql("""
                SELECT filename, file_row_number, source, record_id, organization
                FROM read_parquet($near, filename=true, file_row_number=true)
                SEMI JOIN keys USING (source, record_id)""", params={"near": near}
                                 ).to_arrow_table())
        # With owners to check, a moved record must be found even when the store skips the
        # search for speed: otherwise another organization's key would be written twice.
        if far and (self.session.tuning.find_moved or self.session.owners is not None):
            # A record whose start event or channel was corrected lives in another partition.
            # The key range lets DuckDB skip row groups by their statistics, so with ids that
            # grow over time this reads little; with random ids it reads the key columns.
            sources, low, high = con.execute(
                "SELECT list(DISTINCT source), min(record_id), max(record_id) FROM keys"
            ).fetchall()[0]
            found.append(con.sql("""
                SELECT filename, file_row_number, source, record_id, organization
                FROM read_parquet($far, filename=true, file_row_number=true)
                SEMI JOIN keys USING (source, record_id)
                WHERE source IN (SELECT unnest($sources)) AND record_id BETWEEN $low AND $high
                """, params={"far": far, "sources": sources, "low": low, "high": high}
                                 ).to_arrow_table())
        if not found:
            return pa.table({"filename": pa.array([], pa.string()),
                             "file_row_number": pa.array([], pa.int64())})
        return pa.concat_tables([t.cast(found[0].schema) for t in found])

    def _refuse_foreign(self, con, found: pa.Table, staged: list[str]) -> pa.Table:
        """Set aside the keys whose stored version belongs to an organization outside the
        session's owners; returns the stored versions that may be replaced."""
        owners = pa.array(self.session.owners, pa.string())
        organization = found["organization"].cast(pa.string())
        mine = pc.fill_null(pc.is_in(organization, owners), False)
        foreign = found.filter(pc.invert(mine)).select(["source", "record_id"])
        if foreign.num_rows == 0:
            return found
        con.register("foreign_found", foreign)
        con.execute("INSERT INTO foreign_keys SELECT DISTINCT source, record_id "
                    "FROM foreign_found").fetchall()
        con.unregister("foreign_found")
        self.refused = tuple(con.execute("""
            SELECT source_line, record_id
            FROM read_parquet(?) SEMI JOIN foreign_keys USING (source, record_id)
            ORDER BY source_line NULLS LAST, record_id""", [staged]).fetchall())
        return found.filter(mine)

    def operations(self) -> list[list[str]]:
        layout, session = self.layout, self.session
        rows_per_group = session.tuning.row_group_rows
        ops: list[list[str]] = []
        for partition, path in sorted(session.staged.items()):
            drop = self.dropped.get(str(path))
            if drop is None:
                kept = [path]
            else:
                kept = copy_rows([path], layout.new_file(session.name, partition),
                                 rows_per_group, drop={str(path): drop})
                path.unlink()
            ops += [["replace", layout.relative(k), live_name(partition, k)] for k in kept]
        for filename, rows in sorted(self.replaced.items()):
            path = Path(filename)
            partition = layout.partition_of(path)
            aside_folder = layout.aside_folder(session.import_id, partition)
            if len(rows) == pq.ParquetFile(path).metadata.num_rows:
                # Every row replaced (a file imported again): set the file aside as it is.
                ops.append(["replace", layout.relative(path), live_name(aside_folder, path)])
                continue
            new = layout.new_file(session.name, partition)
            kept = copy_rows([path], new, rows_per_group, drop={filename: rows})
            aside = copy_rows([path], new, rows_per_group, keep={filename: rows})
            ops += [["replace", layout.relative(a), live_name(aside_folder, a)] for a in aside]
            ops += [["replace", layout.relative(k), live_name(partition, k)] for k in kept]
            ops.append(["remove", layout.relative(path)])
        manifest = layout.manifest(session.import_id) or {"import_id": session.import_id,
                                                          "partitions": []}
        manifest["partitions"] = sorted(set(manifest["partitions"]) | set(self.partitions))
        ops.append(["write", layout.manifest_path(session.import_id), json.dumps(manifest)])
        return ops
