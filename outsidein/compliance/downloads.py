"""Streamed downloads of record batches: CSV through the spreadsheet-safe writer, or Parquet.

Both are generators over the batches: a row group (Parquet) or a batch's lines (CSV) is sent
as soon as it is written, so a download of millions of records holds one batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from django.http import StreamingHttpResponse

from outsidein.common.spreadsheet_safe import csv_download
from outsidein.compliance.engine.records import csv_text


def batches_csv(filename: str, schema: pa.Schema,
                batches: Iterable[pa.RecordBatch]) -> StreamingHttpResponse:
    """The batches as one streamed CSV (header: the schema's names), cells made safe."""
    def rows():
        for batch in batches:
            for row in batch.to_pylist():
                yield [csv_text(row[name]) for name in schema.names]

    return csv_download(filename, schema.names, rows())


class _Chunks:
    """A write-only file whose writes are collected until taken (for a streamed response)."""

    closed = False

    def __init__(self):
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def parquet_chunks(schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """A Parquet file's bytes, one row group per batch, as they are written."""
    sink = _Chunks()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    try:
        for batch in batches:
            writer.write_batch(batch)
            data = sink.take()
            if data:
                yield data
    finally:
        writer.close()
    yield sink.take()


def batches_parquet(filename: str, schema: pa.Schema,
                    batches: Iterable[pa.RecordBatch]) -> StreamingHttpResponse:
    """The batches as one streamed Parquet file."""
    response = StreamingHttpResponse(parquet_chunks(schema, batches),
                                     content_type="application/vnd.apache.parquet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
