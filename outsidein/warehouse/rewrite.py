"""Rewriting the interaction store's files: which rows of which files a query found
(`row_positions`), and the streaming copy that writes files again with some rows dropped or
only some kept (`copy_rows`). New files are fsynced before a journal may rename them into place.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from outsidein.warehouse.journal import fsync
from outsidein.warehouse.partitions import PARQUET_OPTIONS, WRITE_SCHEMA, conform
from outsidein.warehouse.schema import CATEGORIES


def row_positions(rows) -> dict[str, np.ndarray]:
    """{file: sorted row positions} from a relation or table of (filename, file_row_number)."""
    table = rows if isinstance(rows, pa.Table) else rows.to_arrow_table()
    if table.num_rows == 0:
        return {}
    names = pc.dictionary_encode(table["filename"]).combine_chunks()
    index = names.indices.to_numpy(zero_copy_only=False)
    positions = table["file_row_number"].to_numpy()
    order = np.lexsort((positions, index))
    index, positions = index[order], positions[order]
    bounds = [0, *(np.flatnonzero(np.diff(index)) + 1).tolist(), len(index)]
    return {names.dictionary[int(index[lo])].as_py(): positions[lo:hi]
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)}


def copy_rows(files: list[Path], new_path: Callable[[], Path], row_group_rows: int, *,
              drop: dict[str, np.ndarray] | None = None,
              keep: dict[str, np.ndarray] | None = None,
              max_rows: int | None = None) -> list[Path]:
    """Stream rows of files into new files: all, all but `drop`, or only `keep` positions."""
    written: list[Path] = []
    writer = None
    in_file = 0
    chosen_by_file = keep if keep is not None else drop
    try:
        for path in files:
            offset = 0
            chosen = None
            if chosen_by_file is not None:
                chosen = chosen_by_file.get(str(path), np.empty(0, dtype=np.int64))
            source = pq.ParquetFile(path, read_dictionary=list(CATEGORIES))
            for batch in source.iter_batches(batch_size=row_group_rows):
                n = batch.num_rows
                if chosen is not None:
                    inside = chosen[(chosen >= offset) & (chosen < offset + n)] - offset
                    mask = np.full(n, keep is None)
                    mask[inside] = keep is not None
                    batch = batch.filter(pa.array(mask))
                offset += n
                if batch.num_rows == 0:
                    continue
                if writer is None or (max_rows and in_file + batch.num_rows > max_rows):
                    if writer is not None:
                        writer.close()
                        fsync(written[-1])
                    written.append(new_path())
                    writer = pq.ParquetWriter(written[-1], WRITE_SCHEMA, **PARQUET_OPTIONS)
                    in_file = 0
                table = conform(pa.Table.from_batches([batch]), None)
                writer.write_table(table, row_group_size=row_group_rows)
                in_file += batch.num_rows
    finally:
        if writer is not None:
            writer.close()
            fsync(written[-1])
    return written
