"""An import's writes to the interaction store: the session that stages its batches per
partition (a writer thread encodes them into Parquet files under `_staging/`) and the plan that
commits them as one journaled change: repeats inside the import resolved (the latest line
wins), earlier versions of its keys found (in the partitions it writes, or moved elsewhere) and
set aside under `_superseded/import=<id>/`, and the import's manifest in `_imports/`.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from outsidein.warehouse.journal import _claim, _fsync, _release
from outsidein.warehouse.partitions import (
    PARQUET_OPTIONS,
    WRITE_SCHEMA,
    StoreError,
    _copy_rows,
    _named,
    _partition_of,
    _positions,
    conform,
    split_by_partition,
)

if TYPE_CHECKING:
    from outsidein.warehouse.store import InteractionStore


@dataclass(frozen=True)
class WriteResult:
    """Rows written: `stored` under new keys, `updated` replacing an earlier version."""

    stored: int
    updated: int
    partitions: tuple[str, ...] = ()


class ImportSession:
    """An import's batches staged per partition, committed (or discarded) as one."""

    def __init__(self, store: InteractionStore, import_id: int):
        self.store = store
        self.import_id = int(import_id)
        self.name = f"import-{self.import_id}-{uuid.uuid4().hex}"
        self.folder = store.root / "_staging" / self.name
        self._claim = _claim(self.folder)
        self._buffers: dict[str, list[pa.Table]] = {}
        self._buffered: dict[str, int] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._staged: dict[str, Path] = {}
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
            if self._buffered[partition] >= self.store.row_group_rows:
                self._flush(partition)
        while sum(self._buffered.values()) > self.store.buffer_rows:
            self._flush(max(self._buffered, key=self._buffered.get))

    def preview(self) -> WriteResult:
        """What `commit()` would report, changing nothing (for a dry run)."""
        self._close()
        with self.store._locked():
            plan = _Plan(self.store, self)
        return WriteResult(self.rows - plan.updated, plan.updated, tuple(plan.partitions))

    def commit(self) -> WriteResult:
        """Make every staged row visible, replacing earlier versions of the same keys."""
        self._close()
        store = self.store
        with store._locked():
            plan = _Plan(store, self)
            store._commit(plan.operations())
        crowded = [p for p in plan.partitions if len(store.files([p])) > store.compact_after_files]
        if crowded:
            store.compact(crowded)
        return WriteResult(self.rows - plan.updated, plan.updated, tuple(plan.partitions))

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
        _release(self.store.root, self.folder, self._claim)

    def _flush(self, partition: str) -> None:
        parts = self._buffers.pop(partition, [])
        self._buffered.pop(partition, None)
        if not parts:
            return
        if partition not in self._writers:
            path = self.store._new_file(self.name, partition)()
            self._staged[partition] = path
            self._writers[partition] = pq.ParquetWriter(path, WRITE_SCHEMA, **PARQUET_OPTIONS)
        self._writers[partition].write_table(pa.concat_tables(parts),
                                             row_group_size=self.store.row_group_rows)

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
            _fsync(self._staged[partition])

        # What is still buffered is encoded on every core (the writer releases the GIL).
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(finish, list(self._writers)))
        self._writers.clear()
        self._open = False


class _Plan:
    """What a commit changes: repeats inside the import, and the live versions it replaces."""

    def __init__(self, store: InteractionStore, session: ImportSession):
        self.store = store
        self.session = session
        self.partitions = sorted(session._staged)
        self.repeats: dict[str, np.ndarray] = {}
        self.replaced: dict[str, np.ndarray] = {}
        self.updated = 0
        if not session._staged:
            return
        staged = [str(p) for p in session._staged.values()]
        live = store.files()
        with store._connect(session.folder) as con:
            # Keys seen more than once, by their hash (cheaper to group than the text; a
            # collision only sends a few more rows through the exact ranking below).
            con.execute("CREATE TEMP TABLE repeated AS SELECT hash(source, record_id) AS h "
                        "FROM read_parquet(?) GROUP BY h HAVING count(*) > 1", [staged]
                        ).fetchall()
            if con.execute("SELECT count(*) FROM repeated").fetchall()[0][0]:
                # Inside one import the latest line wins; its earlier rows count as updates.
                self.repeats = _positions(con.sql("""
                    SELECT filename, file_row_number FROM (
                        SELECT filename, file_row_number, row_number() OVER (
                            PARTITION BY source, record_id ORDER BY source_line DESC NULLS LAST,
                            filename DESC, file_row_number DESC) AS rn
                        FROM read_parquet($staged, filename=true, file_row_number=true)
                        WHERE hash(source, record_id) IN (SELECT h FROM repeated))
                    WHERE rn > 1""", params={"staged": staged}))
            if live:
                con.execute("CREATE TEMP TABLE keys AS SELECT DISTINCT source, record_id "
                            "FROM read_parquet(?)", [staged]).fetchall()
                self.replaced = self._earlier_versions(con, live)
        self.updated = (sum(len(v) for v in self.repeats.values())
                        + sum(len(v) for v in self.replaced.values()))

    def _earlier_versions(self, con, live: list[Path]) -> dict[str, np.ndarray]:
        """Where the stored versions of the import's keys are (file -> row positions)."""
        touched = set(self.partitions)
        near = [str(f) for f in live if _partition_of(self.store.root, f) in touched]
        far = [str(f) for f in live if _partition_of(self.store.root, f) not in touched]
        found = {}
        if near:
            found = _positions(con.sql("""
                SELECT filename, file_row_number
                FROM read_parquet($near, filename=true, file_row_number=true)
                SEMI JOIN keys USING (source, record_id)""", params={"near": near}))
        if far and self.store.find_moved:
            # A record whose start event or channel was corrected lives in another partition.
            # The key range lets DuckDB skip row groups by their statistics, so with ids that
            # grow over time this reads little; with random ids it reads the key columns.
            sources, low, high = con.execute(
                "SELECT list(DISTINCT source), min(record_id), max(record_id) FROM keys"
            ).fetchall()[0]
            moved = _positions(con.sql("""
                SELECT filename, file_row_number
                FROM read_parquet($far, filename=true, file_row_number=true)
                SEMI JOIN keys USING (source, record_id)
                WHERE source IN (SELECT unnest($sources)) AND record_id BETWEEN $low AND $high
                """, params={"far": far, "sources": sources, "low": low, "high": high}))
            found.update(moved)
        return found


    def operations(self) -> list[list[str]]:
        store, session = self.store, self.session
        ops: list[list[str]] = []
        for partition, path in sorted(session._staged.items()):
            drop = self.repeats.get(str(path))
            if drop is None:
                kept = [path]
            else:
                kept = _copy_rows([path], store._new_file(session.name, partition),
                                  store.row_group_rows, drop={str(path): drop})
                path.unlink()
            ops += [["replace", store._rel(k), _named(partition, k)] for k in kept]
        for filename, rows in sorted(self.replaced.items()):
            path = Path(filename)
            partition = _partition_of(store.root, path)
            aside_folder = f"_superseded/import={session.import_id}/{partition}"
            if len(rows) == pq.ParquetFile(path).metadata.num_rows:
                # Every row replaced (a file imported again): set the file aside as it is.
                ops.append(["replace", store._rel(path), _named(aside_folder, path)])
                continue
            new = store._new_file(session.name, partition)
            kept = _copy_rows([path], new, store.row_group_rows, drop={filename: rows})
            aside = _copy_rows([path], new, store.row_group_rows, keep={filename: rows})
            ops += [["replace", store._rel(a), _named(aside_folder, a)] for a in aside]
            ops += [["replace", store._rel(k), _named(partition, k)] for k in kept]
            ops.append(["remove", store._rel(path)])
        manifest = store._manifest(session.import_id) or {"import_id": session.import_id,
                                                          "partitions": []}
        manifest["partitions"] = sorted(set(manifest["partitions"]) | set(self.partitions))
        ops.append(["write", f"_imports/{session.import_id}.json", json.dumps(manifest)])
        return ops
