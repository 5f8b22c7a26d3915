"""CSV files of interaction records: any delimiter, the encoding decided for every line, each
row with its line in the file, read in chunks of whole records (memory holds a few chunks)."""

import bisect
import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from django.utils.functional import lazy
from django.utils.translation import gettext

from outsidein.interactions import reading
from outsidein.interactions.encodings import (
    FALLBACK,
    TO_QUESTION_MARKS,
    is_utf8,
    label,
    may_hold_utf8,
    normalized,
    scan_encoding,
    splits_at_newline,
    undecodable_lines,
    unreadable_message,
    utf8_lines,
)
from outsidein.interactions.filekinds import utf16_without_mark
from outsidein.interactions.reading import (
    DEFAULT_BATCH_ROWS,
    DICTIONARY,
    FileError,
    RawBatch,
    Reader,
    checked_header,
    prefetched,
    record_too_long_message,
)

DELIMITERS = (",", ";", "\t", "|")
NEWLINE, QUOTE, CR = 10, 34, 13


def _encoding_of(sample: bytes, chosen: str) -> tuple[str, int]:
    """The encoding to read with (the chosen one, else detected), and the length of the
    byte-order mark to skip. LookupError for an unknown chosen encoding."""
    if chosen:
        name = normalized(chosen)
        if is_utf8(name) and sample.startswith(codecs.BOM_UTF8):
            return "utf-8", len(codecs.BOM_UTF8)
        return ("utf-8" if is_utf8(name) else name), 0
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    return detect_encoding(sample), 0


def _utf8_state(buffer: bytearray, end: int, known_multibyte: bool) -> tuple[bool, bool]:
    """Whether buffer[:end] is UTF-8, and whether it is only ASCII (not looked at, False, when
    UTF-8 beyond ASCII was already seen). Arrow's validation runs at memory speed."""
    data = pa.py_buffer(buffer).slice(0, end)
    offsets = pa.py_buffer(np.array([0, end], dtype=np.int64))
    binary = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, data])
    try:
        text = binary.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False, False
    if known_multibyte:
        return True, False
    return True, pc.utf8_length(text)[0].as_py() == end


def detect_encoding(sample: bytes) -> str:
    """utf-8 (with or without a byte-order mark), utf-16 (with one, or as Latin text is without
    one), else cp1252. A guess from the first bytes: the reader checks every line."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if utf16_without_mark(sample):
        return utf16_without_mark(sample)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return FALLBACK
    return "utf-8"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [line for line in lines if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter), [])) for line in lines]
        if not counts or counts[0] < 2:
            continue
        score = (sum(count == counts[0] for count in counts), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


class CsvReader(Reader):
    """CSV read in chunks of whole records, each parsed by pyarrow; every row keeps its line.

    Most chunks need one pass: when a chunk's lines and parsed rows agree one to one (blank
    lines give empty rows), every record is one line. Otherwise (a quoted value holding line
    breaks) the chunk is cut again at line ends outside quotes, found by counting quotes.

    The encoding is checked as the chunks go by (see docs/decisions/0017-file-encodings.md):
    UTF-8 is validated chunk by chunk and passed on as is; other encodings are decoded a block
    of whole lines at a time. Without a chosen encoding, a file whose lines do not all read in
    one encoding fails, naming the lines that disagree; with one, lines it cannot read are
    rejected rows.
    """

    format = "csv"

    def __init__(self, path: Path, *, encoding: str = "", delimiter: str = "",
                 batch_rows: int = DEFAULT_BATCH_ROWS):
        super().__init__(path, batch_rows=batch_rows)
        with open(path, "rb") as handle:
            sample = handle.read(reading.SAMPLE_BYTES)
        if not sample.strip():
            raise FileError(f"{path.name}: the file is empty")
        try:
            self.encoding, self._skip = _encoding_of(sample, encoding)
        except LookupError:
            raise FileError(f"unknown encoding {encoding!r}") from None
        self.chosen = bool(encoding)
        # Only a guess (UTF-8, else Windows-1252) is checked line by line against the others.
        self.detecting = not encoding and not self._skip and self.encoding in ("utf-8", FALLBACK)
        if is_utf8(self.encoding):
            self._mode = "raw"
        elif splits_at_newline(self.encoding):
            self._mode = "lines"
        else:
            self._mode = "stream"
        text = sample[self._skip:].decode(self.encoding, errors="replace").lstrip("\ufeff")
        try:
            self.delimiter = delimiter or sniff_delimiter(text.splitlines()[:50])
            header = next(csv.reader(io.StringIO(text), delimiter=self.delimiter), [])
        except csv.Error:
            raise FileError(f"{path.name}, line 1: not a readable CSV header") from None
        self.columns = checked_header(header, f"{path.name}, line 1")
        newlines = max(1, sample.count(b"\n"))
        row_bytes = max(16, len(sample) // newlines)
        self.block_bytes = int(min(64 << 20, max(1 << 20, row_bytes * self.batch_rows)))
        self._bad: dict[int, str] = {}  # line -> its text, for lines the encoding cannot read
        self._multibyte = False  # whether UTF-8 text beyond ASCII was seen
        self._tail = b""

    def batches(self, columns: list[str], categories: tuple[str, ...] = ()) -> Iterator[RawBatch]:
        types = {c: DICTIONARY if c in categories else pa.string() for c in columns}
        return prefetched(lambda: self._batches(types))

    def _batches(self, types: dict[str, pa.DataType]) -> Iterator[RawBatch]:
        header = True
        for chunk, line, quoted in self._chunks():
            skipped = 0
            if header:
                # The header is the first record (it may hold quoted line breaks).
                newlines, ends = _scan(np.frombuffer(chunk, np.uint8), quoted)
                if not len(ends):
                    self._consumed = 0
                    continue
                header = False
                skipped = int(ends[0]) + 1
                line += int(np.count_nonzero(newlines < skipped))
                if any(bad < line for bad in self._bad):
                    raise FileError(unreadable_message(min(self._bad), self.encoding))
            batch, consumed = self._records(chunk[skipped:], line, quoted, types)
            self._consumed = skipped + consumed
            if batch is not None:
                if self._bad:
                    used = np.frombuffer(chunk[skipped:skipped + consumed], np.uint8)
                    batch = self._without_unreadable(
                        batch, line + int(np.count_nonzero(used == NEWLINE)))
                yield from self._sliced(batch)

    def _without_unreadable(self, batch: RawBatch, below: int) -> RawBatch:
        """The batch with the records holding an unreadable line (before line `below`) moved
        to the rows not read, with the reason."""
        bad = sorted(line for line in self._bad if line < below)
        if not bad:
            return batch
        reason = (f"cannot be read as {label(self.encoding)} text, the encoding "
                  f"{'chosen for' if self.chosen else 'marked in'} the file")
        lines = batch.lines.to_numpy()
        found = list(batch.invalid)
        starts = sorted([(int(n), i) for i, n in enumerate(lines)]
                        + [(row[0], -1 - i) for i, row in enumerate(found)])
        firsts = [start for start, _where in starts]
        keep = np.ones(len(lines), dtype=bool)
        for line in bad:
            text = self._bad.pop(line)
            at = bisect.bisect_right(firsts, line) - 1
            if at < 0:
                continue
            where = starts[at][1]
            if where < 0:  # a row already refused: say why it is unreadable
                first, shown, _reason = found[-1 - where]
                found[-1 - where] = (first, shown, reason)
            elif keep[where]:
                keep[where] = False
                found.append((int(lines[where]), text[:500], reason))
        table = batch.table if keep.all() else batch.table.filter(pa.array(keep))
        found.sort(key=lambda row: row[0])
        return RawBatch(table, pa.array(lines[keep], pa.int64()), found)

    def _chunks(self) -> Iterator[tuple[memoryview, int, bool]]:
        """(chunk of whole lines as UTF-8, its first line, whether it holds a quote). One
        buffer is reused: a chunk is valid until the next is asked for. The consumer sets
        `_consumed` to the bytes it used (whole records); the rest is carried into the next
        chunk."""
        decoder = (codecs.getincrementaldecoder(self.encoding)() if self._mode == "stream"
                   else None)
        buffer = bytearray(2 * self.block_bytes)
        carry, line, first = 0, 1, True
        with open(self.path, "rb", buffering=0) as handle:
            handle.seek(self._skip)
            while True:
                if self._mode == "raw":
                    if len(buffer) - carry < self.block_bytes:
                        buffer = _grown(buffer, carry, carry + self.block_bytes)
                    with memoryview(buffer) as view:
                        added = handle.readinto(view[carry:carry + self.block_bytes])
                    more = added > 0
                else:
                    raw = handle.read(self.block_bytes)
                    more = bool(raw)
                    at = line + buffer.count(b"\n", 0, carry)
                    data = (self._from_lines(raw, at, more) if decoder is None
                            else self._from_stream(raw, decoder, at, first, more))
                    if len(buffer) - carry < len(data):
                        buffer = _grown(buffer, carry, carry + len(data))
                    buffer[carry:carry + len(data)] = data
                    added = len(data)
                self.done = handle.tell()
                first = False
                end = carry + added
                cut = buffer.rfind(b"\n", 0, end) + 1 if more else end
                if self._mode == "raw" and cut and self._utf8_checked(buffer, cut, line):
                    # Not UTF-8, and only ASCII before: the rest is read as Windows-1252.
                    self._mode, self.encoding = "lines", FALLBACK
                    data = bytes(buffer[:end])
                    if more:
                        split = data.rfind(b"\n") + 1
                        data, self._tail = data[:split], data[split:]
                    data = self._text(data, line)
                    if len(buffer) < len(data):
                        buffer = _grown(buffer, 0, len(data))
                    buffer[:len(data)] = data
                    end = len(data)
                    cut = buffer.rfind(b"\n", 0, end) + 1 if more else end
                if not more:
                    break
                if not cut:
                    carry = end
                    self._bounded(carry, line)
                    continue
                quoted = buffer.find(b'"', 0, cut) >= 0
                self._consumed = cut
                with memoryview(buffer) as view, view[:cut] as chunk:
                    yield chunk, line, quoted
                cut = self._consumed
                line += buffer.count(b"\n", 0, cut)
                buffer[0:end - cut] = buffer[cut:end]
                carry = end - cut
                self._bounded(carry, line)
        tail = bytes(buffer[:end])
        if tail.strip(b"\r\n"):
            tail += b"" if tail.endswith(b"\n") else b"\n"
            self._consumed = len(tail)
            yield memoryview(tail), line, b'"' in tail
            if self._consumed < len(tail):
                where = line + tail.count(b"\n", 0, self._consumed)
                raise FileError(f"line {where}: a quoted value is not closed before the end of "
                                f"the file")

    def _bounded(self, carry: int, line: int) -> None:
        """Refuse a record longer than MAX_RECORD_BYTES (memory stays bounded)."""
        if carry > reading.MAX_RECORD_BYTES or len(self._tail) > reading.MAX_RECORD_BYTES:
            raise FileError(record_too_long_message(line, reading.MAX_RECORD_BYTES >> 20))

    def _utf8_checked(self, buffer: bytearray, cut: int, line: int) -> bool:
        """Check that buffer[:cut] (whole lines from `line`) is UTF-8. Lines that are not
        become rejects (a chosen encoding); a guess fails for a file that mixes UTF-8 and
        other lines. True: no UTF-8 beyond ASCII so far, so read the rest as Windows-1252."""
        valid, ascii_only = _utf8_state(buffer, cut, self._multibyte)
        if valid:
            self._multibyte = self._multibyte or not ascii_only
            return False
        data = bytes(buffer[:cut])
        if self.detecting:
            if self._multibyte or utf8_lines(data):
                raise FileError(self._conflict())
            return True
        for index, start, end in undecodable_lines(data, "utf-8"):
            self._bad[line + index] = data[start:end].decode("utf-8", "replace")
            buffer[start:end] = data[start:end].translate(TO_QUESTION_MARKS)
        return False

    def _from_lines(self, raw: bytes, line: int, more: bool) -> bytes:
        """A block of an ASCII-compatible encoding as UTF-8, cut after its last line end (the
        rest waits for the next block)."""
        data = self._tail + raw
        if more:
            split = data.rfind(b"\n") + 1
            data, self._tail = data[:split], data[split:]
            self._bounded(0, line + data.count(b"\n"))
        else:
            self._tail = b""
        return self._text(data, line)

    def _text(self, data: bytes, line: int) -> bytes:
        """Whole lines (the first is `line`) decoded, as UTF-8."""
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError:
            if self.detecting:
                raise FileError(self._conflict()) from None
            for index, start, end in undecodable_lines(data, self.encoding):
                self._bad[line + index] = data[start:end].decode(self.encoding, "replace")
            text = data.decode(self.encoding, errors="replace")
        if self.detecting and may_hold_utf8(data) and utf8_lines(data):
            raise FileError(self._conflict())
        return text.encode()

    def _from_stream(self, raw: bytes, decoder, line: int, first: bool, more: bool) -> bytes:
        """A block of UTF-16 (or another encoding whose line ends are not one byte) as UTF-8;
        bytes it cannot read fail the file with their line."""
        try:
            text = decoder.decode(raw, final=not more)
        except UnicodeDecodeError as exc:
            before = codecs.decode(raw[:exc.start], self.encoding, "replace").count("\n")
            raise FileError(unreadable_message(line + before, self.encoding)) from None
        return (text.lstrip("\ufeff") if first else text).encode()

    def _conflict(self) -> str:
        """Why the file's encoding cannot be decided, from a scan of every line."""
        with open(self.path, "rb") as handle:
            handle.seek(self._skip)
            return scan_encoding(handle).message()

    def _records(self, chunk: memoryview, line: int, quoted: bool,
                 columns: dict[str, pa.DataType]) -> tuple[RawBatch | None, int]:
        """The chunk's rows, each with its line, and the bytes they took: a record cut off at
        the chunk's end (a quoted line break) is left for the next chunk."""
        if not len(chunk):
            return None, 0
        array = np.frombuffer(chunk, np.uint8)
        newlines = np.flatnonzero(array == NEWLINE)
        if not quoted:
            return self._parsed(chunk, newlines, newlines, line, columns), len(chunk)
        try:
            batch = self._parsed(chunk, newlines, newlines, line, columns, strict=True)
            return batch, len(chunk)
        except _NotOneLinePerRecord:
            pass
        _newlines, ends = _scan(array, True)
        if not len(ends):
            return None, 0
        used = int(ends[-1]) + 1
        return self._parsed(chunk[:used], newlines[newlines < used], ends, line, columns), used

    def _parsed(self, chunk: memoryview, newlines: np.ndarray, ends: np.ndarray, line: int,
                columns: dict[str, pa.DataType], strict: bool = False) -> RawBatch:
        """Parse whole records (ending at `ends`); with `strict`, refuse unless every record is
        one line."""
        lines, blank = _record_lines(np.frombuffer(chunk, np.uint8), newlines, ends, line)
        invalid: list = []

        def collect(row) -> str:
            invalid.append(row)
            return "skip"

        try:
            # One thread and one block: this runs in the reading thread, beside validation
            # and writing; in one block, quoted values may hold line breaks.
            table = pcsv.read_csv(
                pa.py_buffer(chunk),
                read_options=pcsv.ReadOptions(column_names=self.columns, use_threads=False,
                                              block_size=len(chunk) + 1),
                parse_options=pcsv.ParseOptions(delimiter=self.delimiter,
                                                ignore_empty_lines=False,
                                                invalid_row_handler=collect),
                convert_options=pcsv.ConvertOptions(
                    include_columns=list(columns), column_types=columns,
                    strings_can_be_null=True, quoted_strings_can_be_null=True))
        except pa.ArrowInvalid:
            if strict:
                raise _NotOneLinePerRecord from None
            raise FileError(unplaced_message(line, _lone_carriage_return(chunk))) from None
        if table.num_rows + len(invalid) != len(lines):
            if strict:
                raise _NotOneLinePerRecord
            # The parser also ends rows at a carriage return alone (old Mac line ends), which
            # is not a line of the file: rows could not be given their lines.
            raise FileError(unplaced_message(line, _lone_carriage_return(chunk)))
        keep = ~blank
        found: list[tuple[int, str, str]] = []
        if invalid:
            # Rows that do not split into the header's columns, numbered by the parser.
            numbers = np.array([row.number for row in invalid], dtype=np.int64) - 1
            valid = np.ones(len(lines), dtype=bool)
            valid[numbers] = False
            for row, index in zip(invalid, numbers, strict=True):
                if row.text.strip():
                    found.append((int(lines[index]), row.text[:500],
                                  f"{row.actual_columns} values where the header has "
                                  f"{row.expected_columns} columns"))
            lines, keep = lines[valid], keep[valid]
        if table.num_rows != len(lines):
            raise FileError(unplaced_message(line, _lone_carriage_return(chunk)))
        if not keep.all():
            table = table.filter(pa.array(keep))
            lines = lines[keep]
        return RawBatch(table, pa.array(lines, pa.int64()), found)


def _lone_carriage_return(chunk: memoryview) -> bool:
    return re.search(rb"\r(?!\n)", chunk) is not None


def _unplaced(line: int, lone_carriage_return: bool) -> str:
    if lone_carriage_return:
        return gettext("Near line %(line)s, a carriage return alone ends lines (as on old Mac "
                       "computers): save the file with Windows or Unix line ends.") % {
            "line": line}
    return gettext("Near line %(line)s, the file cannot be read as CSV records.") % {
        "line": line}


unplaced_message = lazy(_unplaced, str)


class _NotOneLinePerRecord(Exception):
    """A chunk holds a record spanning lines (a quoted value with a line break)."""


def _grown(buffer: bytearray, keep: int, size: int) -> bytearray:
    """A larger buffer holding the first `keep` bytes (for a record longer than a block)."""
    bigger = bytearray(max(size, 2 * len(buffer)))
    bigger[:keep] = buffer[:keep]
    return bigger


def _scan(buffer: np.ndarray, quoted: bool) -> tuple[np.ndarray, np.ndarray]:
    """Positions of line ends, and of those outside quotes (where records end)."""
    newlines = np.flatnonzero(buffer == NEWLINE)
    if not quoted:  # without quotes every line ends a record
        return newlines, newlines
    quotes = np.flatnonzero(buffer == QUOTE)
    if not len(newlines) or not len(quotes):
        return newlines, newlines
    # A line end is outside quotes when an even number of quote characters precede it.
    inside = np.searchsorted(quotes, newlines) & 1
    return newlines, newlines[inside == 0]


def _record_lines(buffer: np.ndarray, newlines: np.ndarray, ends: np.ndarray,
                  first_line: int) -> tuple[np.ndarray, np.ndarray]:
    """Each record's first line, and whether it is blank."""
    starts = np.concatenate(([0], ends[:-1] + 1))
    if len(newlines) != len(ends):
        lines = first_line + np.searchsorted(newlines, starts)
    else:
        lines = first_line + np.arange(len(ends), dtype=np.int64)
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (buffer[np.minimum(starts, len(buffer) - 1)] == CR))
    return lines.astype(np.int64), blank
