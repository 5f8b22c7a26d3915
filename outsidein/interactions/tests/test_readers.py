"""Reading files as batches: encodings, delimiters, quoted line breaks, blank and ragged lines,
and the line of every row."""

import datetime as dt
import json

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from outsidein.interactions.readers import FileError, open_reader


def rows_of(reader, columns=None, categories=()):
    """(values by column, lines, rows not split into columns) over every batch."""
    columns = columns or reader.columns
    values = {c: [] for c in columns}
    lines, invalid = [], []
    for batch in reader.batches(columns, categories):
        for c in columns:
            values[c] += batch.table[c].cast(pa.string()).to_pylist()
        lines += batch.lines.to_pylist()
        invalid += batch.invalid
    return values, lines, invalid


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_and_semicolons(tmp_path, encoding):
    path = tmp_path / "calls.csv"
    path.write_bytes("id;office;note\n1;Sudbury;café crème\n2;Québec;à l'heure\n".encode(
        encoding))
    reader = open_reader(path)
    assert (reader.delimiter, reader.columns) == (";", ["id", "office", "note"])
    values, lines, _ = rows_of(reader)
    assert values["note"] == ["café crème", "à l'heure"]
    assert values["office"] == ["Sudbury", "Québec"]
    assert lines == [2, 3]


def test_tabs_pipes_and_commas_are_told_apart(tmp_path):
    for delimiter in ("\t", "|", ","):
        path = tmp_path / "f.csv"
        path.write_text(f"a{delimiter}b{delimiter}c\n1{delimiter}2{delimiter}3\n")
        assert open_reader(path).delimiter == delimiter


def test_lines_survive_quoted_line_breaks_blank_lines_and_ragged_rows(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('id,note,n\n1,plain,1\n2,"two\nlines",2\n\n3,x,3\n4,short\n5,x,5,extra\n'
                    '   \n6,"last, ""quoted""",6')
    values, lines, invalid = rows_of(open_reader(path))
    assert values["id"] == ["1", "2", "3", "6"]
    assert values["note"] == ["plain", "two\nlines", "x", 'last, "quoted"']
    assert lines == [2, 3, 6, 10]
    assert [(line, text) for line, text, _reason in invalid] == [(7, "4,short"),
                                                                 (8, "5,x,5,extra")]
    assert invalid[0][2] == "2 values where the header has 3 columns"


def test_small_blocks_give_the_same_rows_and_lines(tmp_path):
    path = tmp_path / "f.csv"
    body = "".join(f'{i},"a\nb {i}",{i}\n' if i % 4 == 0 else f"{i},x,{i}\n" for i in range(3000))
    path.write_text("id,note,n\n" + body)
    whole = rows_of(open_reader(path))
    reader = open_reader(path, batch_rows=7)
    reader.block_bytes = 512
    assert rows_of(reader) == whole
    assert whole[1][:5] == [2, 4, 5, 6, 7]


def test_categories_come_dictionary_encoded(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id,office\n1,tor\n2,\n3,tor\n")
    batch = next(iter(open_reader(path).batches(["id", "office"], ("office",))))
    assert pa.types.is_dictionary(batch.table["office"].type)
    assert batch.table["office"].to_pylist() == ["tor", None, "tor"]


def test_a_quote_left_open_is_a_file_error(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('id,note\n1,"never closed\n2,x\n')
    with pytest.raises(FileError, match="not closed"):
        rows_of(open_reader(path))


def test_xlsx_rows_keep_their_sheet_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["call id", "started", "rings", "offered"])
    sheet.append([101, dt.datetime(2025, 3, 1, 9, 30), 2, True])
    sheet.append([None, None, None, None])
    sheet.append(["102", "2025-03-01 10:00", 3.0, False])
    path = tmp_path / "f.xlsx"
    book.save(path)
    reader = open_reader(path)
    assert reader.columns == ["call id", "started", "rings", "offered"]
    values, lines, _ = rows_of(reader)
    assert values == {"call id": ["101", "102"], "started": ["2025-03-01 09:30:00",
                                                             "2025-03-01 10:00"],
                      "rings": ["2", "3"], "offered": ["true", "false"]}
    assert lines == [2, 4]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "rings": [1, 2, 3]}), path)
    reader = open_reader(path, batch_rows=2)
    values, lines, _ = rows_of(reader)
    assert values["id"] == ["a", "b", "c"] and lines == [1, 2, 3]


def test_json_lines_with_a_broken_line(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(("\n".join([json.dumps({"id": 1, "rings": 2, "ok": True}), "",
                                 "{not json", json.dumps({"id": "x2", "extra": {"a": 1}}),
                                 json.dumps([1, 2])]) + "\n").encode()
                     + '{"id": "Québec"}\n'.encode("cp1252"))
    reader = open_reader(path)
    assert reader.columns == ["id", "rings", "ok", "extra"]
    values, lines, invalid = rows_of(reader)
    assert values["id"] == ["1", "x2"] and values["ok"] == ["true", None]
    assert values["extra"] == [None, '{"a": 1}']
    assert lines == [1, 4]
    assert [(line, reason) for line, _text, reason in invalid] == [
        (3, "not JSON (Expecting property name enclosed in double quotes)"),
        (5, "not a JSON object"), (6, "not UTF-8 text, which JSON lines must be")]


def test_unknown_files_are_refused(tmp_path):
    with pytest.raises(FileError, match="no such file"):
        open_reader(tmp_path / "missing.csv")
    (tmp_path / "f.pdf").write_bytes(b"%PDF")
    with pytest.raises(FileError, match="unknown file type"):
        open_reader(tmp_path / "f.pdf")
    (tmp_path / "dup.csv").write_text("a,b,a\n1,2,3\n")
    with pytest.raises(FileError, match="repeated column"):
        open_reader(tmp_path / "dup.csv")


# ---- encodings that disagree, files that are not what their name says ------------------------

def mixed_file(path, *, cp1252_lines=(3, 17, 40), lines=45):
    """A CSV mostly in UTF-8 (accents on every line) with some lines in Windows-1252."""
    body = b"id,office\n"
    for line in range(2, lines + 1):
        text = f"{line},Québec {line}\n"
        body += text.encode("cp1252" if line in cp1252_lines else "utf-8")
    path.write_bytes(body)
    return path


@pytest.mark.parametrize("block_bytes", [None, 64])
def test_a_file_mixing_utf8_and_windows_1252_is_refused_with_the_lines(tmp_path, block_bytes):
    reader = open_reader(mixed_file(tmp_path / "mixed.csv"))
    if block_bytes:
        reader.block_bytes = block_bytes  # the odd lines arrive after UTF-8 was established
    with pytest.raises(FileError) as refused:
        rows_of(reader)
    assert str(refused.value) == ("Lines 3, 17 and 40 are not UTF-8 although the rest of the "
                                  "file is: choose the file's encoding.")


def test_utf8_lines_in_a_windows_1252_file_are_named(tmp_path):
    path = tmp_path / "mostly-1252.csv"
    path.write_bytes("id,office\n2,Montréal\n3,Québec\n".encode("cp1252")
                     + "4,Lévis\n".encode() + "5,Gaspé\n".encode("cp1252"))
    with pytest.raises(FileError, match=r"^Line 4 is UTF-8 although the rest of the file is "
                                        r"not \(it reads as Windows-1252\)"):
        rows_of(open_reader(path))


def test_many_disagreeing_lines_are_counted_after_the_first_ten(tmp_path):
    path = mixed_file(tmp_path / "mixed.csv", cp1252_lines=range(2, 30, 2), lines=80)
    with pytest.raises(FileError, match=r"^Lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20 and 4 more "
                                        r"are not UTF-8"):
        rows_of(open_reader(path))


@pytest.mark.parametrize("late", ["200,Montréal\n", "200,Montréal\n201,Lévis"])
def test_ascii_then_windows_1252_reads_as_windows_1252(tmp_path, monkeypatch, late):
    from outsidein.interactions import reading

    monkeypatch.setattr(reading, "SAMPLE_BYTES", 256)  # the guess sees only ASCII: UTF-8
    path = tmp_path / "late.csv"
    path.write_bytes(b"id,office\n" + b"".join(b"%d,Sudbury\n" % i for i in range(2, 200))
                     + late.encode("cp1252"))
    reader = open_reader(path)
    assert reader.encoding == "utf-8"
    reader.block_bytes = 128  # the first accent comes long after the first chunk
    values, lines, invalid = rows_of(reader)
    assert values["office"][198:] == ["Montréal", "Lévis"][:len(lines) - 198]
    assert lines[-1] == 199 + late.count("\n") + (not late.endswith("\n")) and not invalid
    assert reader.encoding == "cp1252"


def test_utf8_after_windows_1252_found_late_is_a_conflict(tmp_path, monkeypatch):
    from outsidein.interactions import reading

    monkeypatch.setattr(reading, "SAMPLE_BYTES", 256)
    path = tmp_path / "late.csv"
    path.write_bytes(b"id,office\n" + b"".join(b"%d,Sudbury\n" % i for i in range(2, 200))
                     + "200,Montréal\n201,Gaspé\n".encode("cp1252") + "202,Lévis\n".encode())
    reader = open_reader(path)
    reader.block_bytes = 128
    with pytest.raises(FileError, match="^Line 202 is UTF-8 although the rest of the file is not"):
        rows_of(reader)


@pytest.mark.parametrize("block_bytes", [None, 64])
def test_a_chosen_encoding_reads_every_line_or_rejects_it_with_its_line(tmp_path, block_bytes):
    path = mixed_file(tmp_path / "mixed.csv")
    chosen = open_reader(path, encoding="cp1252")
    values, lines, invalid = rows_of(chosen)
    assert (values["office"][0], values["office"][1]) == ("QuÃ©bec 2", "Québec 3")
    assert len(lines) == 44 and not invalid
    reader = open_reader(path, encoding="utf-8")
    if block_bytes:
        reader.block_bytes = block_bytes
    values, lines, invalid = rows_of(reader)
    assert len(lines) == 41 and 3 not in lines and values["office"][0] == "Québec 2"
    assert [(line, text) for line, text, _reason in invalid] == [
        (3, "3,Qu\ufffdbec 3"), (17, "17,Qu\ufffdbec 17"), (40, "40,Qu\ufffdbec 40")]
    assert invalid[0][2] == "cannot be read as UTF-8 text, the encoding chosen for the file"


def test_utf16_without_a_byte_order_mark_is_recognized(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("id;office\n1;Québec\n".encode("utf-16-le"))
    values, _lines, _invalid = rows_of(open_reader(path))
    assert values["office"] == ["Québec"]


def _zip(path, members):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name in members:
            archive.writestr(name, "x")


def _gzip(path):
    import gzip

    path.write_bytes(gzip.compress(b"id,office\n1,Sudbury\n"))


def _sqlite(path):
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("create table t (a)")
    db.close()


def _xlsx(path):
    book = openpyxl.Workbook()
    book.active.append(["record_id"])
    book.save(path)


def _parquet(path):
    pq.write_table(pa.table({"record_id": ["a"]}), path)


LOOKALIKES = {
    "a PNG image": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
    "a JPEG image": lambda p: p.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)),
    "a GIF image": lambda p: p.write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(32)),
    "a PDF document": lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n"),
    "a ZIP archive": lambda p: _zip(p, ["calls.csv"]),
    "an Excel workbook (XLSX)": _xlsx,
    "a gzip-compressed file": _gzip,
    "a Parquet file": _parquet,
    "an SQLite database": _sqlite,
    "an older Microsoft Office file (such as .xls)":
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
    "a Windows program": lambda p: p.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64)),
    "a Linux program": lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(64)),
}


@pytest.mark.parametrize("what", sorted(LOOKALIKES))
def test_a_file_that_is_not_a_csv_says_what_it_looks_like(tmp_path, what):
    path = tmp_path / "calls.csv"
    LOOKALIKES[what](path)
    with pytest.raises(FileError) as refused:
        open_reader(path)
    assert str(refused.value) == f"This file looks like {what}, not a CSV file."


def test_random_bytes_are_binary_data_never_a_parser_error(tmp_path):
    import random

    generator = random.Random(7)
    for size in (40, 5000, 200_000):
        path = tmp_path / "calls.csv"
        path.write_bytes(bytes(generator.randrange(256) for _ in range(size)))
        with pytest.raises(FileError) as refused:
            rows_of(open_reader(path))
        assert str(refused.value) == "This file contains binary data, not text: it is not a CSV file."


def test_workbooks_and_parquet_files_that_are_something_else(tmp_path):
    text = tmp_path / "calls.xlsx"
    text.write_text("record_id,channel\nC1,telephone\n")
    with pytest.raises(FileError, match=r"^This file looks like text \(such as a CSV file\), not "
                                        r"an XLSX workbook\.$"):
        open_reader(text)
    picture = tmp_path / "calls.parquet"
    LOOKALIKES["a PNG image"](picture)
    with pytest.raises(FileError, match="^This file looks like a PNG image, not a Parquet file"):
        open_reader(picture)
    archive = tmp_path / "book.xlsx"
    _zip(archive, ["word/document.xml"])
    with pytest.raises(FileError, match="looks like a Word document \\(DOCX\\), not an XLSX"):
        open_reader(archive)
    old = tmp_path / "old.xlsx"
    LOOKALIKES["an older Microsoft Office file (such as .xls)"](old)
    with pytest.raises(FileError, match="older Microsoft Office file"):
        open_reader(old)


def test_a_header_that_begins_like_a_signature_is_still_text(tmp_path):
    for header in ("MZ,office\n", "PAR1,office\n", "BZh,office\n"):
        path = tmp_path / "f.csv"
        path.write_text(header + "1,Sudbury\n")
        assert open_reader(path).columns[1] == "office"


def test_a_record_longer_than_the_limit_fails_the_file_without_filling_memory(tmp_path,
                                                                               monkeypatch):
    from outsidein.interactions import reading

    monkeypatch.setattr(reading, "MAX_RECORD_BYTES", 1 << 16)
    path = tmp_path / "f.csv"
    path.write_bytes(b"id,note\n1,short\n2," + b"x" * (1 << 18) + b"\n3,short\n")
    reader = open_reader(path)
    reader.block_bytes = 4096
    with pytest.raises(FileError, match="^Line 3 starts a record longer than 0 MB"):
        rows_of(reader)
    lines = tmp_path / "f.jsonl"
    lines.write_text('{"id": 1}\n{"id": "' + "x" * (1 << 18) + '"}\n{"id": 3}\n')
    values, numbers, invalid = rows_of(open_reader(lines))
    assert values["id"] == ["1", "3"] and numbers == [1, 3]
    assert [(line, reason) for line, _text, reason in invalid] == [(2, "longer than 0 MB")]


def test_old_mac_line_ends_are_named_not_a_crash(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'id,note\n1,"a"\r2,b\r3,c\n4,d\n')
    with pytest.raises(FileError, match="^Near line 2, a carriage return alone ends lines"):
        rows_of(open_reader(path))


def test_an_unreadable_line_inside_a_quoted_value_rejects_its_record(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'id,note\n1,"first\n' + "second Montréal".encode("cp1252")
                     + b'"\n2,plain\n3,"x\n' + "y é".encode("cp1252") + b'\n",5\n4,z\n')
    values, lines, invalid = rows_of(open_reader(path, encoding="utf-8"))
    assert values["id"] == ["2", "4"] and lines == [4, 8]
    # Record 1 starts on line 2 (its bad line is 3); record 3 has too many values as well.
    assert [(line, reason) for line, _text, reason in invalid] == [
        (2, "cannot be read as UTF-8 text, the encoding chosen for the file"),
        (5, "cannot be read as UTF-8 text, the encoding chosen for the file")]


def test_a_header_the_chosen_encoding_cannot_read_fails_the_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("id,rue\n1,Sainte-Catherine\n".replace("rue", "bureau né").encode("cp1252"))
    with pytest.raises(FileError, match="^Line 1 cannot be read as UTF-8 text"):
        rows_of(open_reader(path, encoding="utf-8"))
