"""Which encoding a text file is in, line by line: UTF-8 or Windows-1252, and the lines that
disagree when a file mixes them (a file is refused rather than half misread).

Everything here works on blocks of whole lines, with numpy finding the few lines that hold
bytes outside ASCII, so that a large file is checked at the speed it is read.
"""

import codecs
from dataclasses import dataclass, field
from typing import IO

import numpy as np
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

FALLBACK = "cp1252"
SCAN_BYTES = 8 << 20
LISTED = 10  # line numbers named in a message; the rest are counted
NEWLINE = 10
# Every byte outside ASCII becomes "?": a line's length and its quotes, delimiters and line
# ends stay where they were, so a damaged line still parses as the one row it is.
TO_QUESTION_MARKS = bytes(range(128)) + b"?" * 128
LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252",
          "iso8859-1": "ISO-8859-1", "iso8859-15": "ISO-8859-15", "utf-16": "UTF-16",
          "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "mac-roman": "Mac Roman"}


def normalized(encoding: str) -> str:
    """The codec's canonical name (utf-8, cp1252, utf-16-le...); LookupError if unknown."""
    return codecs.lookup(encoding).name


def label(encoding: str) -> str:
    """The encoding as people name it (UTF-8, Windows-1252)."""
    try:
        name = normalized(encoding)
    except LookupError:
        return encoding
    return LABELS.get(name, name)


def is_utf8(encoding: str) -> bool:
    return normalized(encoding) in ("utf-8", "utf-8-sig")


def splits_at_newline(encoding: str) -> bool:
    """Whether a byte 0x0A is always a line end (ASCII-compatible encodings, single-byte or
    not), so that the file can be cut into lines before decoding."""
    try:
        return "\n,;\"|\tAz".encode(encoding) == b"\n,;\"|\tAz"
    except (LookupError, UnicodeError):
        return False


def lines_with_high_bytes(data: bytes | memoryview) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lines of `data` that hold a byte outside ASCII: their index (0 = first line of
    data), and where each starts and ends (the end excludes its line feed)."""
    array = np.frombuffer(data, np.uint8)
    high = np.flatnonzero(array >= 0x80)
    if not len(high):
        empty = np.array([], np.int64)
        return empty, empty, empty
    newlines = np.flatnonzero(array == NEWLINE)
    index = np.unique(np.searchsorted(newlines, high))
    starts = np.concatenate(([0], newlines + 1))[index]
    ends = np.append(newlines, len(array))[index]
    return index, starts, ends


def undecodable_lines(data: bytes, encoding: str) -> list[tuple[int, int, int]]:
    """(index, start, end) of the lines of `data` that `encoding` cannot read (for an
    ASCII-compatible encoding, only lines with bytes outside ASCII can fail)."""
    found = []
    for index, start, end in zip(*lines_with_high_bytes(data), strict=True):
        try:
            codecs.decode(data[start:end], encoding)
        except UnicodeDecodeError:
            found.append((int(index), int(start), int(end)))
    return found


def may_hold_utf8(data: bytes) -> bool:
    """Whether `data` holds a UTF-8 lead byte followed by a continuation byte (the only way
    a line can be UTF-8 text beyond ASCII); cheap, and rare in Windows-1252 text."""
    array = np.frombuffer(data, np.uint8)
    leads = np.flatnonzero(array[:-1] >= 0xC2) if len(array) > 1 else np.array([], np.int64)
    if not len(leads):
        return False
    lead = array[leads]
    return bool(np.any((lead <= 0xF4) & ((array[leads + 1] & 0xC0) == 0x80)))


def utf8_lines(data: bytes) -> list[int]:
    """Indexes of the lines of `data` that are UTF-8 text with characters beyond ASCII."""
    found = []
    for index, start, end in zip(*lines_with_high_bytes(data), strict=True):
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        found.append(int(index))
    return found


@dataclass
class LineCount:
    """Lines of one kind: how many, and the first few line numbers."""

    count: int = 0
    first: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.first) < LISTED:
            self.first.append(line)

    def extend(self, lines: list[int]) -> None:
        self.count += len(lines)
        self.first.extend(lines[:LISTED - len(self.first)])


@dataclass
class EncodingScan:
    """A file's lines with bytes beyond ASCII, by what reads them."""

    utf8: LineCount = field(default_factory=LineCount)  # UTF-8 text
    other: LineCount = field(default_factory=LineCount)  # not UTF-8 (Windows-1252 reads them)
    neither: LineCount = field(default_factory=LineCount)  # neither UTF-8 nor Windows-1252

    @property
    def encoding(self) -> str:
        """utf-8 or cp1252 when one of them reads every line, else ""."""
        if not self.other.count and not self.neither.count:
            return "utf-8"
        if not self.utf8.count and not self.neither.count:
            return FALLBACK
        return ""

    def message(self) -> str:
        """Why the file's encoding cannot be decided (lazy: translated when shown)."""
        return conflict_message(self.utf8.count, tuple(self.utf8.first),
                                self.other.count + self.neither.count,
                                tuple(sorted(self.other.first + self.neither.first)[:LISTED]),
                                self.neither.count, tuple(self.neither.first))


def scan_encoding(handle: IO[bytes], *, block_bytes: int = SCAN_BYTES) -> EncodingScan:
    """Read a binary stream (positioned after any byte-order mark) to its end in blocks of
    whole lines, and sort its lines with bytes beyond ASCII: UTF-8, Windows-1252, neither."""
    scan = EncodingScan()
    line, tail = 1, b""
    while True:
        raw = handle.read(block_bytes)
        data = tail + raw
        cut = data.rfind(b"\n") + 1 if raw else len(data)
        block, tail = data[:cut], data[cut:]
        if block:
            _sort_lines(block, line, scan)
            line += block.count(b"\n")
        if not raw:
            return scan


def _sort_lines(block: bytes, line: int, scan: EncodingScan) -> None:
    if block.isascii():
        return
    index, starts, ends = lines_with_high_bytes(block)
    numbers = (line + index).tolist()
    # Whole blocks first (the usual files: all UTF-8, or all Windows-1252 with no byte pair
    # that UTF-8 could read); line by line only where a block mixes them.
    if _reads(block, "utf-8"):
        scan.utf8.extend(numbers)
        return
    if not may_hold_utf8(block) and _reads(block, FALLBACK):
        scan.other.extend(numbers)
        return
    for number, start, end in zip(numbers, starts.tolist(), ends.tolist(), strict=True):
        text = block[start:end]
        if _reads(text, "utf-8"):
            scan.utf8.add(number)
        elif _reads(text, FALLBACK):
            scan.other.add(number)
        else:
            scan.neither.add(number)


def _reads(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def line_list(numbers: tuple[int, ...], count: int) -> str:
    """3 → "3"; (3, 17, 40) → "3, 17 and 40"; with more than are named: "3, 17, 40 and 12
    more"."""
    named = [str(n) for n in numbers]
    if count > len(named):
        return gettext("%(lines)s and %(more)s more") % {"lines": ", ".join(named),
                                                         "more": count - len(named)}
    if len(named) == 1:
        return named[0]
    return gettext("%(lines)s and %(last)s") % {"lines": ", ".join(named[:-1]),
                                                "last": named[-1]}


def _conflict(utf8_count: int, utf8_first: tuple[int, ...], other_count: int,
              other_first: tuple[int, ...], neither_count: int,
              neither_first: tuple[int, ...]) -> str:
    if not utf8_count:
        return ngettext(
            "Line %(lines)s is neither UTF-8 nor Windows-1252 text: choose the file's encoding.",
            "Lines %(lines)s are neither UTF-8 nor Windows-1252 text: choose the file's "
            "encoding.", neither_count) % {"lines": line_list(neither_first, neither_count)}
    if other_count <= utf8_count:
        return ngettext(
            "Line %(lines)s is not UTF-8 although the rest of the file is: choose the file's "
            "encoding.",
            "Lines %(lines)s are not UTF-8 although the rest of the file is: choose the file's "
            "encoding.", other_count) % {"lines": line_list(other_first, other_count)}
    return ngettext(
        "Line %(lines)s is UTF-8 although the rest of the file is not (it reads as "
        "Windows-1252): choose the file's encoding.",
        "Lines %(lines)s are UTF-8 although the rest of the file is not (it reads as "
        "Windows-1252): choose the file's encoding.",
        utf8_count) % {"lines": line_list(utf8_first, utf8_count)}


conflict_message = lazy(_conflict, str)


def _unreadable(line: int, encoding: str) -> str:
    return gettext("Line %(line)s cannot be read as %(encoding)s text: choose the file's "
                   "encoding.") % {"line": line, "encoding": label(encoding)}


unreadable_message = lazy(_unreadable, str)
