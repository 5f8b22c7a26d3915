"""Undoing an import in the interaction store: its live rows taken out, and the versions it
set aside under `_superseded/import=<id>/` put back — live, or, where a later import has since
replaced this import's rows, among that later import's set-aside rows, so that imports undo
correctly in any order. One journaled commit, like every other change.
"""

import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein.warehouse.engines import duckdb_connection
from outsidein.warehouse.journal import Journal, claimed
from outsidein.warehouse.layout import ASIDE, StoreLayout, live_name
from outsidein.warehouse.rewrite import copy_rows, row_positions
from outsidein.warehouse.tuning import Tuning


@dataclass(frozen=True)
class UndoResult:
    """Rows of the import taken out, and earlier versions put back in their place."""

    removed: int
    restored: int


def undo_import(layout: StoreLayout, journal: Journal, tuning: Tuning, import_id: int) -> UndoResult:
    """Take out an import's records and put back the versions it replaced (under the lock)."""
    with journal.locked():
        return _Undo(layout, journal, tuning, import_id).run()


class _Undo:
    """Undo one import: its live rows out, the versions it replaced back in.

    Where a later import has since replaced this import's rows, the versions this import
    replaced take their place among the later import's set-aside rows, so that undoing the
    later import afterwards still restores the right version.
    """

    def __init__(self, layout: StoreLayout, journal: Journal, tuning: Tuning, import_id: int):
        self.layout = layout
        self.journal = journal
        self.tuning = tuning
        self.import_id = int(import_id)

    def run(self) -> UndoResult:
        layout, import_id = self.layout, self.import_id
        rows_per_group = self.tuning.row_group_rows
        manifest = layout.manifest(import_id)
        aside = layout.superseded()
        own_folder = aside / f"import={import_id}"
        own = sorted(own_folder.glob(f"**/*{ASIDE}"))
        later = sorted(set(aside.glob(f"import=*/**/*{ASIDE}")) - set(own))
        live = layout.live_files(manifest["partitions"] if manifest else None)
        searched = [str(f) for f in live + later]
        session = f"undo-{import_id}-{uuid.uuid4().hex}"
        scratch = layout.staging(session)
        ops: list[list[str]] = []
        removed = restored = 0
        with claimed(scratch), duckdb_connection(memory_limit=self.tuning.memory_limit,
                                                 temp_directory=scratch / ".spill") as con:
            con.execute("CREATE TEMP TABLE mine (filename VARCHAR, file_row_number BIGINT, "
                        "source VARCHAR, record_id VARCHAR)").fetchall()
            if searched:
                con.execute("""INSERT INTO mine SELECT filename, file_row_number, source, record_id
                    FROM read_parquet(?, filename=true, file_row_number=true)
                    WHERE import_id = ?""", [searched, import_id]).fetchall()
            if own:
                # The versions this import replaced go back where its rows are now (live, or
                # among a later import's set-aside rows); rows it replaced itself are dropped.
                back = con.sql("""
                    SELECT a.filename, a.file_row_number,
                           regexp_extract(m.filename, '/(_superseded/import=[0-9]+)/', 1)
                               AS target
                    FROM read_parquet($own, filename=true, file_row_number=true) a
                    JOIN mine m USING (source, record_id)
                    WHERE a.import_id IS DISTINCT FROM $id""",
                               params={"own": [str(f) for f in own], "id": import_id}
                               ).to_arrow_table()
                for target in pc.unique(back["target"]).to_pylist():
                    rows = back.filter(pc.equal(back["target"], target))
                    for filename, positions in sorted(row_positions(rows).items()):
                        path = Path(filename)
                        partition = str(path.parent.relative_to(own_folder))
                        destination = f"{target}/{partition}" if target else partition
                        if len(positions) == pq.ParquetFile(path).metadata.num_rows:
                            written = [path]  # all of it goes back: moved, not copied
                        else:
                            written = copy_rows([path], layout.new_file(session, destination),
                                                rows_per_group, keep={filename: positions})
                        ops += [["replace", layout.relative(w), live_name(destination, w)]
                                for w in written]
                        if not target:
                            restored += len(positions)
            mine = row_positions(con.sql("SELECT filename, file_row_number FROM mine"))
            for filename, rows in sorted(mine.items()):
                path = Path(filename)
                destination = layout.partition_of(path)
                if not path.is_relative_to(aside):
                    removed += len(rows)
                kept = []
                if len(rows) < pq.ParquetFile(path).metadata.num_rows:
                    kept = copy_rows([path], layout.new_file(session, destination),
                                     rows_per_group, drop={filename: rows})
                ops += [["replace", layout.relative(k), live_name(destination, k)] for k in kept]
                ops.append(["remove", layout.relative(path)])
            ops += [["remove", layout.relative(f)] for f in own]
            if manifest is not None:
                ops.append(["remove", layout.manifest_path(import_id)])
            self.journal.commit(ops)
        return UndoResult(removed, restored)
