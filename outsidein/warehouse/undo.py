"""Undoing an import in the interaction store: its live rows taken out, and the versions it
set aside under `_superseded/import=<id>/` put back — live, or, where a later import has since
replaced this import's rows, among that later import's set-aside rows, so that imports undo
correctly in any order. One journaled commit, like every other change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein.warehouse.journal import _claimed
from outsidein.warehouse.partitions import ASIDE, _copy_rows, _named, _positions

if TYPE_CHECKING:
    from outsidein.warehouse.store import InteractionStore


@dataclass(frozen=True)
class UndoResult:
    """Rows of the import taken out, and earlier versions put back in their place."""

    removed: int
    restored: int


class _Undo:
    """Undo one import: its live rows out, the versions it replaced back in.

    Where a later import has since replaced this import's rows, the versions this import
    replaced take their place among the later import's set-aside rows, so that undoing the
    later import afterwards still restores the right version.
    """

    def __init__(self, store: InteractionStore, import_id: int):
        self.store = store
        self.import_id = int(import_id)

    def run(self) -> UndoResult:
        store, import_id = self.store, self.import_id
        manifest = store._manifest(import_id)
        aside = store.root / "_superseded"
        own_folder = aside / f"import={import_id}"
        own = sorted(own_folder.glob(f"**/*{ASIDE}"))
        later = sorted(set(aside.glob(f"import=*/**/*{ASIDE}")) - set(own))
        live = store.files(manifest["partitions"] if manifest else None)
        searched = [str(f) for f in live + later]
        scratch = store.root / "_staging" / f"undo-{import_id}-{uuid.uuid4().hex}"
        ops: list[list[str]] = []
        removed = restored = 0
        with _claimed(scratch), store._connect(scratch) as con:
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
                    for filename, positions in sorted(_positions(rows).items()):
                        path = Path(filename)
                        partition = str(path.parent.relative_to(own_folder))
                        destination = f"{target}/{partition}" if target else partition
                        if len(positions) == pq.ParquetFile(path).metadata.num_rows:
                            written = [path]  # all of it goes back: moved, not copied
                        else:
                            written = _copy_rows([path],
                                                 store._new_file(scratch.name, destination),
                                                 store.row_group_rows,
                                                 keep={filename: positions})
                        ops += [["replace", store._rel(w), _named(destination, w)]
                                for w in written]
                        if not target:
                            restored += len(positions)
            mine = _positions(con.sql("SELECT filename, file_row_number FROM mine"))
            for filename, rows in sorted(mine.items()):
                path = Path(filename)
                destination = str(path.parent.relative_to(store.root))
                if not path.is_relative_to(aside):
                    removed += len(rows)
                kept = []
                if len(rows) < pq.ParquetFile(path).metadata.num_rows:
                    kept = _copy_rows([path], store._new_file(scratch.name, destination),
                                      store.row_group_rows, drop={filename: rows})
                ops += [["replace", store._rel(k), _named(destination, k)] for k in kept]
                ops.append(["remove", store._rel(path)])
            ops += [["remove", store._rel(f)] for f in own]
            if manifest is not None:
                ops.append(["remove", f"_imports/{import_id}.json"])
            store._commit(ops)
        return UndoResult(removed, restored)
