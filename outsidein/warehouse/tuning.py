"""The interaction store's tunables: how much a session buffers, when a partition is compacted,
how much memory DuckDB may take for key look-ups, and whether a commit looks for moved records.
One value per store, handed to the sessions, undo and compaction it runs.
"""

from dataclasses import dataclass

from outsidein.warehouse.partitions import ROW_GROUP_ROWS

# Rows buffered across all partitions of a session before the largest buffers are written.
BUFFER_ROWS = 1024 * 1024
# A partition with more files than this is compacted after a commit (see `compaction`).
COMPACT_AFTER_FILES = 8
# DuckDB's share of memory for key look-ups; beyond it, it spills to the staging folder.
ENGINE_MEMORY = "1GB"


@dataclass(frozen=True)
class Tuning:
    """How a store writes (the defaults suit a two-core machine and a million-row import)."""

    row_group_rows: int = ROW_GROUP_ROWS
    buffer_rows: int = BUFFER_ROWS
    compact_after_files: int = COMPACT_AFTER_FILES
    memory_limit: str = ENGINE_MEMORY
    # Look for earlier versions outside the partitions an import writes (records whose start
    # month or channel was corrected); off only for sources whose records never move.
    find_moved: bool = True
