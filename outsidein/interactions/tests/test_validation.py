"""BatchChecker: each check a batch of raw rows goes through, one behaviour per test. A refused
row becomes reject lines (line, field, value as in the file, reason); the others are records.
Organization codes are the shared world's (tests/factories.province_world)."""

import datetime as dt

import pyarrow as pa
import pytest

from outsidein.interactions.mappings import MappingError, MappingSpec, plan_columns
from outsidein.interactions.validation import SHOWN_CHARS, BatchChecker

NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC)
SCOPE = ["health", "health-north"]  # Health and its office, as Health's lead may import for


def call(record_id="C1", **fields) -> dict:
    """A telephone call answered after 12 seconds, at Health."""
    return {"record_id": record_id, "channel": "telephone", "organization": "health",
            "call_started": "2025-03-03 09:00:00", "answered": "2025-03-03 09:00:12", **fields}


def check(rows: list[dict], spec: MappingSpec | None = None, **options):
    """Check rows (as read from a file: every value text, first data row on line 2)."""
    spec = spec or MappingSpec()
    header = list(dict.fromkeys(k for row in rows for k in row))
    raw = pa.table({name: pa.array([row.get(name) for row in rows], pa.string())
                    for name in header})
    checker = BatchChecker(plan_columns(header, spec), spec, source="acd", now=NOW, **options)
    return checker.check(raw, pa.array(range(2, len(rows) + 2), pa.int64()))


def rejects(checked) -> list[tuple]:
    return [(r["line"], r["field"], r["value"], r["reason"])
            for r in checked.rejects.to_pylist()]


def test_a_clean_row_becomes_a_record_with_typed_values():
    checked = check([call(rings="2")])
    assert (checked.records.num_rows, checked.rejected, rejects(checked)) == (1, 0, [])
    record = checked.records.to_pylist()[0]
    assert record["answered_at"] - record["call_started_at"] == dt.timedelta(seconds=12)
    assert (record["rings"], record["source"], record["source_line"]) == (2, "acd", 2)


def test_an_unreadable_time_is_refused_with_the_value_as_written():
    checked = check([call(answered="yesterday")])
    assert rejects(checked) == [(2, "answered_at", "yesterday", "not a date and time "
                                 "(ISO 8601, e.g. 2025-03-31 14:05:00)")]
    assert checked.records.num_rows == 0


def test_a_mapping_with_a_time_format_names_it_when_a_time_does_not_fit():
    spec = MappingSpec(timestamp_format="%d/%m/%Y %H:%M")
    checked = check([call(call_started="03/03/2025 09:00", answered="2025-03-03")], spec)
    assert rejects(checked) == [(2, "answered_at", "2025-03-03",
                                 "not a date and time in the format %d/%m/%Y %H:%M")]


def test_a_count_must_be_a_whole_number():
    assert rejects(check([call(rings="three")])) == [
        (2, "rings", "three", "not a whole number of 0 or more")]


def test_an_unknown_channel_is_refused():
    [(_, field, value, reason)] = rejects(check([call(channel="carrier pigeon")]))
    assert (field, value) == ("channel", "carrier pigeon")
    assert reason.startswith("not a channel (one of ") and "telephone" in reason


def test_every_record_needs_its_identifier():
    assert rejects(check([call(record_id="")])) == [
        (2, "record_id", "", "missing: every record needs its identifier in the source system")]


def test_a_row_without_a_channel_takes_the_mappings():
    row = call(channel="")
    assert rejects(check([row])) == [
        (2, "channel", "", "missing: no channel, and the mapping sets none")]
    checked = check([row], MappingSpec(channel="telephone"))
    assert checked.rejected == 0
    assert checked.records.column("channel").to_pylist() == ["telephone"]


def test_a_record_needs_the_event_that_starts_its_clock():
    [(line, field, _, reason)] = rejects(check([call(call_started="")]))
    assert (line, field) == (2, "call_started_at")
    assert reason == "missing: a telephone record needs call_started_at"


def test_events_out_of_order_are_refused_and_say_what_they_precede():
    assert rejects(check([call(answered="2025-03-03 08:00:00")])) == [
        (2, "answered_at", "2025-03-03 08:00:00", "before call_started_at (2025-03-03 09:00:00)")]


def test_a_due_time_before_the_record_started_is_refused():
    assert rejects(check([call(due="2025-03-02 09:00:00")])) == [
        (2, "due_at", "2025-03-02 09:00:00", "before the record started")]


def test_events_in_the_future_are_refused_but_a_due_time_may_be():
    late = check([call(call_started="2025-04-01 09:00:00", answered="2025-04-01 09:00:10")])
    assert [(field, reason) for _, field, _, reason in rejects(late)] == [
        ("call_started_at", "in the future (after 2025-03-31 12:10 UTC)"),
        ("answered_at", "in the future (after 2025-03-31 12:10 UTC)")]
    assert late.rejected == 1  # one row, however many of its fields are refused
    assert check([call(due="2025-06-01 09:00:00")]).rejected == 0


def test_a_few_minutes_of_clock_skew_are_allowed():
    checked = check([call(call_started="2025-03-31 12:05:00", answered="2025-03-31 12:05:10")])
    assert checked.rejected == 0


def test_organizations_outside_the_scope_are_refused():
    checked = check([call("C1"), call("C2", organization="health-north"),
                     call("C3", organization="transport")], organizations=SCOPE)
    assert rejects(checked) == [(4, "organization", "transport", "no organization with this code")]
    assert checked.records.column("record_id").to_pylist() == ["C1", "C2"]


def test_a_scoped_import_needs_an_organization_on_every_row():
    checked = check([call(organization="")], organizations=SCOPE, require_organization=True)
    assert rejects(checked) == [
        (2, "organization", "", "missing: every record needs the code of its organization")]


def test_a_value_longer_than_its_field_is_refused():
    [(_, field, _, reason)] = rejects(check([call(record_id="x" * 201)]))
    assert (field, reason) == ("record_id", "too long: record_id holds at most 200 characters")


def test_a_reject_shows_a_long_value_cut_short():
    [(_, _, value, _)] = rejects(check([call(queue="q" * 500)]))
    assert value == "q" * SHOWN_CHARS + "…"


def test_rejects_come_in_file_order():
    checked = check([call("C1", rings="x"), call("C2"), call("C3", answered="nope")])
    assert [(line, field) for line, field, _, _ in rejects(checked)] == [
        (2, "rings"), (4, "answered_at")]


def test_exclusions_are_counted_by_reason():
    checked = check([call("C1", exclusion_reason="labour disruption"),
                     call("C2", exclusion_reason="labour disruption"), call("C3")])
    assert checked.excluded == {"labour disruption": 2}
    assert checked.records.num_rows == 3


def test_a_mapping_constant_fills_every_row():
    row = {k: v for k, v in call().items() if k != "organization"}
    checked = check([row], MappingSpec(constants={"organization": "health-north"}),
                    organizations=SCOPE)
    assert checked.records.column("organization").to_pylist() == ["health-north"]


def test_an_unreadable_mapping_constant_is_refused_before_any_row():
    with pytest.raises(MappingError, match="rings"):
        check([call()], MappingSpec(constants={"rings": "many"}))
