"""What a file seems to be, from its first bytes (magic numbers), so that a picture or a
spreadsheet saved under a .csv name is refused as what it is, never with a parser's error text."""

import codecs
import zipfile
from typing import IO

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

HEAD_BYTES = 64 * 1024

# (signature at offset 0, what the file is). Longer, more specific signatures first.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF87a", gettext_lazy("a GIF image")),
    (b"GIF89a", gettext_lazy("a GIF image")),
    (b"II*\x00", gettext_lazy("a TIFF image")),
    (b"MM\x00*", gettext_lazy("a TIFF image")),
    (b"%PDF-", gettext_lazy("a PDF document")),
    (b"\x1f\x8b", gettext_lazy("a gzip-compressed file")),
    (b"BZh", gettext_lazy("a bzip2-compressed file")),
    (b"\xfd7zXZ\x00", gettext_lazy("an xz-compressed file")),
    (b"(\xb5/\xfd", gettext_lazy("a Zstandard-compressed file")),
    (b"7z\xbc\xaf'\x1c", gettext_lazy("a 7-Zip archive")),
    (b"Rar!\x1a\x07", gettext_lazy("a RAR archive")),
    (b"PAR1", gettext_lazy("a Parquet file")),
    (b"SQLite format 3\x00", gettext_lazy("an SQLite database")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     gettext_lazy("an older Microsoft Office file (such as .xls)")),
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a Linux program")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xce\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xca\xfe\xba\xbe", gettext_lazy("a program (executable)")),
)
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Members that tell one kind of zip container from another.
ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/", gettext_lazy("an Excel workbook (XLSX)")),
    ("word/", gettext_lazy("a Word document (DOCX)")),
    ("ppt/", gettext_lazy("a PowerPoint presentation (PPTX)")),
)
EXPECTED = {
    "csv": gettext_lazy("a CSV file"),
    "jsonl": gettext_lazy("a JSON lines file"),
    "xlsx": gettext_lazy("an XLSX workbook"),
    "parquet": gettext_lazy("a Parquet file"),
}
# Bytes that text files do not hold (besides tab, line feed, form feed, carriage return and the
# end-of-file mark 0x1A that old DOS programs leave).
CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26)) + b"\x7f"


def _looks_like(what: str, expected: str) -> str:
    return gettext("This file looks like %(what)s, not %(expected)s.") % {
        "what": what, "expected": expected}


def _binary(expected: str) -> str:
    return gettext("This file contains binary data, not text: it is not %(expected)s.") % {
        "expected": expected}


def _text(expected: str) -> str:
    return gettext("This file looks like text (such as a CSV file), not %(expected)s.") % {
        "expected": expected}


looks_like_message = lazy(_looks_like, str)
binary_message = lazy(_binary, str)
text_message = lazy(_text, str)


def utf16_without_mark(head: bytes) -> str:
    """utf-16-le or utf-16-be when the text is UTF-16 written without a byte-order mark (every
    other byte zero, as in Latin text), else ""."""
    sample = head[:4096]
    sample = sample[:len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return ""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return ""


def is_binary(head: bytes) -> bool:
    """Whether the bytes are not text: NUL bytes, or many control characters (UTF-16 text,
    with or without its byte-order mark, is text)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_mark(head):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, CONTROL))
    if controls > max(4, len(head) // 50):
        return True
    # Text in a legacy encoding has a few bytes beyond ASCII; random data has half of them so.
    high = len(head) - len(head.translate(None, bytes(range(128, 256))))
    if high * 10 <= len(head) * 3:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return False


def what_it_is(head: bytes, handle: IO[bytes] | None = None) -> str | None:
    """What the file seems to be from its first bytes (a phrase such as "a PNG image"), or
    None when no signature matches. A zip container is opened (from `handle`) to tell an XLSX
    workbook from a Word document or a plain archive."""
    for signature, what in SIGNATURES:
        if head.startswith(signature):
            # A signature of letters ("MZ", "PAR1", "%PDF-") may begin a text file's header:
            # it counts only when what follows is not plain text.
            if _printable(signature) and head.isascii() and not is_binary(head):
                continue
            return what
    if head.startswith(ZIP_SIGNATURES):
        return _zip_kind(handle)
    return None


def _zip_kind(handle: IO[bytes] | None) -> str:
    archive = gettext_lazy("a ZIP archive")
    if handle is None:
        return archive
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as zipped:
            names = zipped.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return archive
    finally:
        handle.seek(0)
    for prefix, what in ZIP_KINDS:
        if any(name.startswith(prefix) for name in names):
            return what
    if "mimetype" in names:
        return gettext_lazy("an OpenDocument file (such as .ods)")
    return archive


def _printable(signature: bytes) -> bool:
    return all(32 <= b < 127 for b in signature)


def refusal(handle: IO[bytes], expected_format: str) -> str | None:
    """Why a file is not of the format its name says (a sentence for people), or None when it
    may be. `handle` is a seekable binary file, left at its start."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    expected = EXPECTED[expected_format]
    what = what_it_is(head, handle)
    if expected_format == "xlsx":
        if what is ZIP_KINDS[0][1]:
            return None
        if what is not None:
            return looks_like_message(what, expected)
        return binary_message(expected) if is_binary(head) else text_message(expected)
    if expected_format == "parquet":
        if head.startswith(b"PAR1"):
            return None
        if what is not None:
            return looks_like_message(what, expected)
        return binary_message(expected) if is_binary(head) else text_message(expected)
    if what is not None:
        return looks_like_message(what, expected)
    if is_binary(head):
        return binary_message(expected)
    return None
