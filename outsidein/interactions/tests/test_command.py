"""`outsidein import FILE --source NAME` and `outsidein import undo ID`: summary, reject report,
exit status."""

import csv

import pytest

from outsidein.cli import main
from outsidein.interactions.models import ImportStatus, InteractionImport
from outsidein.interactions.selectors import interaction_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path, province_world):
    """Records name the shared world's Health ministry."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def calls_file(tmp_path):
    path = tmp_path / "calls.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "channel", "organization", "call_started", "answered"])
        writer.writerow(["C1", "telephone", "health", "2025-03-03 09:00:00", "2025-03-03 09:00:09"])
        writer.writerow(["C2", "telephone", "health", "2025-03-03 09:05:00", "bad time"])
        writer.writerow(["C3", "telephone", "health", "2025-03-03 09:06:00", ""])
    return path


def test_import_prints_a_summary_and_the_reject_report_and_exits_1(calls_file, capsys):
    assert main(["import", str(calls_file), "--source", "acd"]) == 1
    out, err = capsys.readouterr()
    assert "rejected line 3: answered_at 'bad time': not a date and time" in out
    assert "Read 3 rows: 2 stored, 0 updated, 1 rejected" in out
    assert "rows/s" in out
    record = InteractionImport.objects.get()
    assert f"Reject report: {record.rejects_path}" in out
    assert "1 row(s) rejected" in err
    assert interaction_store().count() == 2


def test_a_clean_import_exits_0_and_a_dry_run_stores_nothing(tmp_path, capsys):
    path = tmp_path / "ok.csv"
    path.write_text("record_id,channel,received\nL1,mail,2025-03-03 09:00\n")
    assert main(["import", str(path), "--source", "mailroom", "--dry-run"]) == 0
    assert "Dry run, nothing stored." in capsys.readouterr().out
    assert interaction_store().count() == 0
    assert main(["import", str(path), "--source", "mailroom"]) == 0
    assert interaction_store().count() == 1


def test_undo_says_what_it_would_do_then_does_it_with_yes(calls_file, capsys):
    main(["import", str(calls_file), "--source", "acd"])
    record = InteractionImport.objects.get()
    capsys.readouterr()
    assert main(["import", "undo", str(record.pk)]) == 0
    assert "removes the 2 records it wrote" in capsys.readouterr().out
    assert interaction_store().count() == 2
    assert main(["import", "undo", str(record.pk), "--yes"]) == 0
    assert f"Import {record.pk} undone: 2 records removed" in capsys.readouterr().out
    assert interaction_store().count() == 0
    record.refresh_from_db()
    assert record.status == ImportStatus.UNDONE
    assert main(["import", "undo", str(record.pk), "--yes"]) == 1
    assert "only a finished import can be undone" in capsys.readouterr().err


def test_errors_are_one_line(tmp_path, capsys):
    assert main(["import", str(tmp_path / "missing.csv"), "--source", "acd"]) == 1
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    assert main(["import", str(path)]) == 1
    assert "--source is required" in capsys.readouterr().err
    assert main(["import", str(path), "--source", "acd"]) == 1
    err = capsys.readouterr().err
    assert "no column holds record_id" in err and "nothing was stored" in err
    assert main(["import", str(path), "--source", "acd", "--mapping", "nope"]) == 1
    assert "No saved mapping named “nope”" in capsys.readouterr().err


def test_a_mapping_saved_from_json_then_used_by_its_source(tmp_path, capsys):
    spec = tmp_path / "acd.json"
    spec.write_text('{"name": "acd-day-first", "source": "acd", "channel": "telephone", '
                    '"time_zone": "America/Winnipeg", "timestamp_format": "%d/%m/%Y %H:%M", '
                    '"column_map": {"Call": "record_id", "Start": "call_started"}}')
    assert main(["import", "mapping", str(spec)]) == 0
    assert "Saved mapping 'acd-day-first' for source 'acd'" in capsys.readouterr().out
    path = tmp_path / "calls.csv"
    path.write_text("Call,Start\nK1,31/01/2025 08:00\n")
    assert main(["import", str(path), "--source", "acd"]) == 0
    row = interaction_store().table().to_pylist()[0]
    assert (row["record_id"], row["call_started_at"].hour) == ("K1", 14)
    spec.write_text('{"name": "acd-day-first", "source": "acd", "time_zone": "Mars/Olympus"}')
    assert main(["import", "mapping", str(spec)]) == 1
    assert "IANA time zone" in capsys.readouterr().err


def test_a_file_mixing_encodings_fails_then_imports_with_the_encoding_chosen(tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"record_id,channel,received,exclusion_reason\n"
                     + "L1,mail,2025-03-03 09:00,grève\n".encode()
                     + "L2,mail,2025-03-03 09:01,grève\n".encode("cp1252"))
    assert main(["import", str(path), "--source", "mailroom"]) == 1
    err = capsys.readouterr().err
    assert ("Line 3 is not UTF-8 although the rest of the file is: choose the file's encoding. "
            "(nothing was stored)") in err
    assert interaction_store().count() == 0
    assert main(["import", str(path), "--source", "mailroom", "--encoding", "klingon"]) == 1
    assert "unknown encoding 'klingon'" in capsys.readouterr().err
    assert main(["import", str(path), "--source", "mailroom", "--encoding", "utf-8"]) == 1
    out = capsys.readouterr().out
    assert "rejected line 3:  'L2,mail,2025-03-03 09:01,gr\ufffdve': cannot be read as UTF-8" in out
    assert "Read 2 rows: 1 stored, 0 updated (1 of them excluded: 1 'grève'), 1 rejected" in out
    assert main(["import", str(path), "--source", "mailroom", "--encoding", "cp1252"]) == 0
    assert interaction_store().count() == 2


def test_a_dry_run_says_what_would_be_stored_and_warnings_come_before_the_summary(tmp_path,
                                                                                   capsys):
    path = tmp_path / "extra.csv"
    path.write_text("record_id,channel,received,Notes,Clerk\nL1,mail,2025-03-03 09:00,x,y\n")
    assert main(["import", str(path), "--source", "mailroom", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "warning: 2 column(s) not read: Notes, Clerk"
    assert out[-1].startswith("Dry run, nothing stored.")
    assert "1 would be stored, 0 would be updated" in out[-1]
