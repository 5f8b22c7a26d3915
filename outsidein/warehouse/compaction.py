"""Compaction of the interaction store: a partition's small files merged into as few as needed
(after a commit that left a partition crowded, or on demand), in one journaled commit.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow.parquet as pq

from outsidein.warehouse.journal import Journal, claimed
from outsidein.warehouse.layout import StoreLayout, live_name
from outsidein.warehouse.rewrite import copy_rows

# Files under this many rows are merged into files of at most that many.
SMALL_FILE_ROWS = 4 * 1024 * 1024


@dataclass(frozen=True)
class CompactResult:
    """Partitions compacted, and how many files they held before and after."""

    partitions: int
    files_before: int
    files_after: int


def compact_partitions(layout: StoreLayout, journal: Journal, partitions: Iterable[str] | None = None, *,
            row_group_rows: int, min_files: int = 2) -> CompactResult:
    """Merge each partition's small files (every live partition unless some are named)."""
    with journal.locked():
        chosen = layout.partitions() if partitions is None else partitions
        compacted = before = after = 0
        session = f"compact-{uuid.uuid4().hex}"
        ops: list[list[str]] = []
        with claimed(layout.staging(session)):
            for partition in sorted(set(chosen)):
                small = [f for f in layout.live_files([partition])
                         if pq.ParquetFile(f).metadata.num_rows < SMALL_FILE_ROWS]
                if len(small) < min_files:
                    continue
                compacted += 1
                before += len(small)
                written = copy_rows(small, layout.new_file(session, partition), row_group_rows,
                                    max_rows=SMALL_FILE_ROWS)
                after += len(written)
                ops += [["replace", layout.relative(w), live_name(partition, w)] for w in written]
                ops += [["remove", layout.relative(f)] for f in small]
            journal.commit(ops)
        return CompactResult(compacted, before, after)
