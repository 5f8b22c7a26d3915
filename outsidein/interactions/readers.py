"""Reading interaction files as batches of raw columns, with each row's line in the file.

CSV (any delimiter; UTF-8 with or without a byte-order mark, UTF-16, else Windows-1252: see
csvfiles.py), XLSX, Parquet and JSON lines, all streamed: memory holds a few batches, never the
file. A file that is not what its name says is refused with what it looks like (filekinds.py).
"""

import codecs
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from outsidein.interactions import reading
from outsidein.interactions.csvfiles import CsvReader, detect_encoding, sniff_delimiter
from outsidein.interactions.encodings import scan_encoding
from outsidein.interactions.filekinds import refusal, utf16_without_mark
from outsidein.interactions.reading import (
    DEFAULT_BATCH_ROWS,
    SAMPLE_BYTES,
    FileError,
    RawBatch,
    Reader,
    checked_header,
    prefetched,
)

__all__ = ["DEFAULT_BATCH_ROWS", "FORMATS", "CsvReader", "FileError", "JsonLinesReader",
           "ParquetReader", "RawBatch", "Reader", "XlsxReader", "detect_encoding", "file_format",
           "json_text", "open_reader", "sniff_delimiter", "upload_refusal"]

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".tab": "csv", ".xlsx": "xlsx",
           ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".json": "jsonl"}


def file_format(path: Path) -> str:
    """csv, xlsx, parquet or jsonl, from the file's extension."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise FileError(f"{path.name}: unknown file type {path.suffix!r} (CSV, XLSX, Parquet or "
                        f"JSON lines: .csv .txt .tsv .xlsx .parquet .jsonl .ndjson)")
    return kind


def open_reader(path: str | Path, *, encoding: str = "", delimiter: str = "", sheet: str = "",
                timestamp_format: str = "", batch_rows: int = DEFAULT_BATCH_ROWS) -> Reader:
    """A reader for the file, its header read and checked."""
    path = Path(path)
    if not path.is_file():
        raise FileError(f"no such file: {path}")
    kind = file_format(path)
    with open(path, "rb") as handle:
        refused = refusal(handle, kind)
    if refused is not None:
        raise FileError(refused)
    if kind == "csv":
        return CsvReader(path, encoding=encoding, delimiter=delimiter, batch_rows=batch_rows)
    if kind == "xlsx":
        return XlsxReader(path, sheet=sheet, timestamp_format=timestamp_format,
                          batch_rows=batch_rows)
    if kind == "parquet":
        return ParquetReader(path, batch_rows=batch_rows)
    return JsonLinesReader(path, batch_rows=batch_rows)


def upload_refusal(handle: IO[bytes], *, kind: str, encoding: str = ""):
    """Why a file cannot be imported at all, found before it is queued (a sentence for people,
    translated when shown), or None: what it looks like when it is not of its format, and for
    a CSV read without a chosen encoding, the lines whose encoding disagrees. `handle` is a
    seekable binary file, left at its start."""
    refused = refusal(handle, kind)
    if refused is not None or kind != "csv" or encoding:
        return refused
    head = handle.read(SAMPLE_BYTES)
    handle.seek(0)
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
            utf16_without_mark(head):
        return None
    scan = scan_encoding(handle)
    handle.seek(0)
    return None if scan.encoding else scan.message()


# ---- XLSX, Parquet, JSON lines -------------------------------------------------------------

class XlsxReader(Reader):
    """The first (or named) sheet of a workbook, read row by row (openpyxl, read-only)."""

    format = "xlsx"
    unit = " rows"

    def __init__(self, path: Path, *, sheet: str = "", timestamp_format: str = "",
                 batch_rows: int = DEFAULT_BATCH_ROWS):
        super().__init__(path, batch_rows=batch_rows)
        from openpyxl import load_workbook

        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise FileError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
        if sheet and sheet not in self._book.sheetnames:
            raise FileError(f"{path.name}: no sheet {sheet!r} (sheets: "
                            f"{', '.join(self._book.sheetnames)})")
        self._sheet = self._book[sheet] if sheet else self._book.worksheets[0]
        self._format = timestamp_format if "%z" not in timestamp_format else ""
        self.total = self._sheet.max_row
        self._rows = enumerate(self._sheet.iter_rows(values_only=True), start=1)
        for line, values in self._rows:
            if any(v is not None and str(v).strip() for v in values):
                self.header_line = line
                width = max(i for i, v in enumerate(values) if v is not None) + 1
                self.columns = checked_header(list(values[:width]), f"{path.name}, row {line}")
                break
        else:
            raise FileError(f"{path.name}: the sheet is empty")

    def batches(self, columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        positions = [self.columns.index(c) for c in columns]
        values: list[list] = [[] for _ in columns]
        lines: list[int] = []
        try:
            for line, row in self._rows:
                self.done = line
                if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in row):
                    continue
                for target, position in zip(values, positions, strict=True):
                    target.append(self._text(row[position]) if position < len(row) else None)
                lines.append(line)
                if len(lines) >= self.batch_rows:
                    yield self._batch(columns, values, lines)
                    values, lines = [[] for _ in columns], []
            if lines:
                yield self._batch(columns, values, lines)
        finally:
            self._book.close()

    @staticmethod
    def _batch(columns: list[str], values: list[list], lines: list[int]) -> RawBatch:
        table = pa.table({c: pa.array(v, pa.string()) for c, v in zip(columns, values,
                                                                      strict=True)})
        return RawBatch(table, pa.array(lines, pa.int64()))

    def _text(self, value) -> str | None:
        """A cell as the text a CSV export would hold."""
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.datetime):
            return value.strftime(self._format) if self._format else value.isoformat(sep=" ")
        if isinstance(value, dt.date):
            return value.strftime(self._format) if self._format else value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, Decimal | int | float | dt.time):
            return str(value)
        return str(value)


class ParquetReader(Reader):
    """A Parquet file, a batch at a time; the line of a row is its position (1 = first row)."""

    format = "parquet"
    unit = " rows"

    def __init__(self, path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS):
        super().__init__(path, batch_rows=batch_rows)
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise FileError(f"{path.name}: not a readable Parquet file ({exc})") from None
        self.columns = checked_header(self._file.schema_arrow.names, path.name)
        self.total = self._file.metadata.num_rows

    def batches(self, columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        return prefetched(lambda: self._batches(columns))

    def _batches(self, columns: list[str]) -> Iterator[RawBatch]:
        offset = 0
        for batch in self._file.iter_batches(batch_size=self.batch_rows, columns=columns):
            n = batch.num_rows
            lines = pa.array(np.arange(offset + 1, offset + n + 1, dtype=np.int64))
            offset += n
            self.done = offset
            yield RawBatch(pa.Table.from_batches([batch]), lines)


class JsonLinesReader(Reader):
    """One JSON object per line; values are read as text, nested ones as JSON."""

    format = "jsonl"

    def __init__(self, path: Path, *, batch_rows: int = DEFAULT_BATCH_ROWS):
        super().__init__(path, batch_rows=batch_rows)
        names: dict[str, None] = {}
        with open(path, "rb") as handle:
            for number, raw in _lines(handle):
                if number > 1000:
                    break
                if raw is None:
                    continue
                try:
                    row = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(row, dict):
                    names.update(dict.fromkeys(row))
        if not names:
            raise FileError(f"{path.name}: no JSON object in the first 1000 lines")
        self.columns = checked_header(list(names), path.name)

    def batches(self, columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        values: dict[str, list] = {c: [] for c in columns}
        lines: list[int] = []
        invalid: list[tuple[int, str, str]] = []
        with open(self.path, "rb") as handle:
            for number, raw in _lines(handle):
                self.done = handle.tell()
                if raw is None:
                    invalid.append((number, "",
                                    f"longer than {reading.MAX_RECORD_BYTES >> 20} MB"))
                    continue
                if not raw.strip():
                    continue
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    # JSON is UTF-8 (RFC 8259): no other encoding to choose.
                    invalid.append((number, raw[:500].decode(errors="replace").rstrip(),
                                    "not UTF-8 text, which JSON lines must be"))
                    continue
                try:
                    row = json.loads(text)
                except ValueError as exc:
                    invalid.append((number, raw[:500].decode(errors="replace").rstrip(),
                                    f"not JSON ({str(exc).split(':')[0]})"))
                    continue
                if not isinstance(row, dict):
                    invalid.append((number, raw[:500].decode(errors="replace").rstrip(),
                                    "not a JSON object"))
                    continue
                for column in columns:
                    values[column].append(json_text(row.get(column)))
                lines.append(number)
                if len(lines) >= self.batch_rows:
                    yield self._batch(values, lines, invalid)
                    values, lines, invalid = {c: [] for c in columns}, [], []
        if lines or invalid:
            yield self._batch(values, lines, invalid)

    @staticmethod
    def _batch(values: dict[str, list], lines: list[int], invalid: list) -> RawBatch:
        table = pa.table({c: pa.array(v, pa.string()) for c, v in values.items()})
        return RawBatch(table, pa.array(lines, pa.int64()), invalid)


def _lines(handle) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) for each line of a binary file; a line longer than MAX_RECORD_BYTES is
    skipped without being held in memory and given as None."""
    number = 0
    while True:
        raw = handle.readline(reading.MAX_RECORD_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > reading.MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, raw


def json_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
