"""Raw values to canonical types: instants in UTC from local times, numbers, yes/no, channels."""

import datetime as dt
import zoneinfo

import numpy as np
import pyarrow as pa
import pytest

from outsidein.interactions.parsing import (
    localize,
    parse_bools,
    parse_categories,
    parse_channels,
    parse_decimals,
    parse_ints,
    parse_timestamps,
)

UTC = dt.UTC
TORONTO = "America/Toronto"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_iso_timestamps_in_every_common_spelling():
    values = ["2025-03-01 10:00:00", "2025-03-01T10:00", "2025-03-01", " 2025-3-1 9:05 ",
              "2025-03-01T15:00:00Z", "2025-03-01 10:00:00.250-05:00", "2025-03-01T20:30+0530",
              None, ""]
    parsed = parse_timestamps(pa.array(values), tz=TORONTO)
    assert parsed.values.to_pylist() == [
        utc(2025, 3, 1, 15), utc(2025, 3, 1, 15), utc(2025, 3, 1, 5), utc(2025, 3, 1, 14, 5),
        utc(2025, 3, 1, 15), utc(2025, 3, 1, 15, 0, 0, 250000), utc(2025, 3, 1, 15), None, None]
    assert not any(parsed.bad.to_pylist())


def test_impossible_and_unreadable_timestamps_are_bad_not_rolled_over():
    parsed = parse_timestamps(pa.array(["2025-02-30 10:00", "yesterday", "2025-13-01"]),
                              tz=TORONTO)
    assert parsed.values.to_pylist() == [None, None, None]
    assert parsed.bad.to_pylist() == [True, True, True]


def test_a_strftime_format_with_day_first_and_a_time_zone():
    parsed = parse_timestamps(pa.array(["31/01/2025 08:30", "1/2/2025 8:05", "30/02/2025 10:00",
                                        "2025-01-31 08:30"]),
                              fmt="%d/%m/%Y %H:%M", tz="America/Vancouver")
    assert parsed.values.to_pylist() == [utc(2025, 1, 31, 16, 30), utc(2025, 2, 1, 16, 5),
                                         None, None]
    assert parsed.bad.to_pylist() == [False, False, True, True]


def test_typed_timestamps_from_parquet_keep_their_instant():
    aware = pa.array([utc(2025, 5, 1, 12)], pa.timestamp("ms", tz="Europe/Paris"))
    naive = pa.array([dt.datetime(2025, 5, 1, 8)], pa.timestamp("ns"))
    assert parse_timestamps(aware, tz=TORONTO).values.to_pylist() == [utc(2025, 5, 1, 12)]
    assert parse_timestamps(naive, tz=TORONTO).values.to_pylist() == [utc(2025, 5, 1, 12)]


@pytest.mark.parametrize("zone", [TORONTO, "America/St_Johns", "Australia/Lord_Howe",
                                  "Europe/London", "Asia/Kolkata"])
def test_local_times_become_the_instants_python_gives(zone):
    rng = np.random.default_rng(7)
    seconds = rng.integers(0, 3 * 365 * 86400, 5000)
    local = (np.datetime64("2024-01-01") + seconds.astype("timedelta64[s]")).astype(
        "datetime64[us]")
    # Add the minutes around every change of offset, where mistakes hide.
    tzinfo = zoneinfo.ZoneInfo(zone)
    edges = [dt.datetime(2024, 3, 10, 1, 59), dt.datetime(2024, 3, 10, 2, 30),
             dt.datetime(2024, 11, 3, 1, 30), dt.datetime(2025, 3, 30, 1, 30),
             dt.datetime(2025, 10, 26, 1, 30), dt.datetime(2025, 4, 6, 1, 45)]
    naive = pa.array(list(local.astype(dt.datetime)) + edges, pa.timestamp("us"))
    expected = [v.replace(tzinfo=tzinfo).astimezone(UTC) for v in naive.to_pylist()]
    assert localize(naive, zone).to_pylist() == expected


def test_whole_numbers_yes_no_amounts():
    ints = parse_ints(pa.array(["3", " 4 ", "5.0", "-1", "x", None, "2.5"]), type_=pa.int32())
    assert ints.values.to_pylist() == [3, 4, 5, None, None, None, None]
    assert ints.bad.to_pylist() == [False, False, False, True, True, False, True]
    bools = parse_bools(pa.array(["Y", "non", "TRUE", "0", "maybe", None]))
    assert bools.values.to_pylist() == [True, False, True, False, None, None]
    assert bools.bad.to_pylist() == [False, False, False, False, True, False]
    fees = parse_decimals(pa.array(["12", "12.5", "12,50", "-3", "1.234"]),
                          pa.decimal128(12, 2))
    assert [str(v) if v is not None else None for v in fees.values.to_pylist()] == [
        "12.00", "12.50", "12.50", None, None]
    assert fees.bad.to_pylist() == [False, False, False, True, True]


def test_channels_in_the_spellings_exports_use():
    parsed = parse_categories(pa.array(["Telephone", "walk-in", "E-mail", "pigeon", None,
                                        "en ligne", " phone "]), parse_channels)
    assert parsed.values.to_pylist() == ["telephone", "in_person", "email", None, None,
                                         "online", "telephone"]
    assert parsed.bad.to_pylist() == [False, False, False, True, False, False, False]


def test_every_text_field_has_a_longest_value_and_the_docs_give_it():
    from pathlib import Path

    import pyarrow as pa

    from outsidein.interactions.schema import ATTRIBUTES, MAX_LENGTHS

    text_fields = {name for name, (kind, _doc) in ATTRIBUTES.items() if kind == pa.string()}
    assert set(MAX_LENGTHS) == text_fields
    docs = (Path(__file__).resolve().parents[3] / "docs" / "channel-schemas.md").read_text()
    section = docs.split("### Longest values")[1].split("\n## ")[0]
    for name, limit in MAX_LENGTHS.items():
        row = next(line for line in section.splitlines() if f"`{name}`" in line)
        assert f"| {limit} |" in row, name
