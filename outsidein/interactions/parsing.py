"""Raw values to canonical types, a column at a time (pure pyarrow, no per-row Python).

Each parser returns `Parsed(values, bad)`: the typed values (null where the input is blank or
cannot be read) and a mask of inputs that were given but cannot be read, so that validation can
report them.
"""

import datetime as dt
import functools
import zoneinfo
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from outsidein.interactions.schema import CHANNELS, TIMESTAMP

NAIVE = pa.timestamp("us")
INT64 = pa.int64()
INT_PATTERN = r"^[+-]?\d{1,18}(\.0*)?$"
DECIMAL_PATTERN = r"^[+-]?\d{1,10}([.,]\d{1,2})?$"
# ISO 8601 as exports write it: date, optional time (T or space), fraction, zone offset.
ISO_PATTERN = (r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})"
               r"(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<frac>[.,]\d+)?)?"
               r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?$")
TRUE_WORDS = ("true", "t", "yes", "y", "1", "oui", "o", "vrai")
FALSE_WORDS = ("false", "f", "no", "n", "0", "non", "faux")
# Spellings of channels found in exports, in English and French.
CHANNEL_ALIASES = {
    "phone": "telephone", "tel": "telephone", "call": "telephone", "téléphone": "telephone",
    "letter": "mail", "post": "mail", "courrier": "mail", "postal": "mail",
    "e_mail": "email", "courriel": "email",
    "walk_in": "in_person", "counter": "in_person", "in_person": "in_person",
    "en_personne": "in_person", "comptoir": "in_person",
    "web": "online", "internet": "online", "en_ligne": "online",
    "complaint": "feedback", "plainte": "feedback", "rétroaction": "feedback",
}


class Parsed(NamedTuple):
    """Typed values, and which given values could not be read."""

    values: pa.Array
    bad: pa.Array


def as_array(column) -> pa.Array:
    """One contiguous array from an array or chunked array."""
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


def as_text(column) -> pa.Array:
    """The values as strings (how a reject report shows them)."""
    column = as_array(column)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), pa.string())
    return column.cast(pa.string())


def present(column) -> pa.Array:
    """Trimmed text, with blank values as null."""
    text = pc.utf8_trim_whitespace(as_text(column))
    empty = pc.equal(pc.binary_length(text), 0)
    if not pc.any(empty).as_py():
        return text
    return pc.if_else(empty, pa.scalar(None, pa.string()), text)


def _bad(given: pa.Array, values: pa.Array) -> pa.Array:
    """Given (not null, not blank) but not read (null)."""
    candidates = pc.and_(pc.is_valid(given), pc.is_null(values))
    if not pc.any(candidates).as_py() or not pa.types.is_string(given.type):
        return candidates
    return pc.and_kleene(candidates, pc.not_equal(pc.utf8_trim_whitespace(given), ""))


def _no_bad(length: int) -> pa.Array:
    return pa.repeat(pa.scalar(False), length) if length else pa.array([], pa.bool_())


def parse_strings(column) -> Parsed:
    """Text fields: trimmed, blank as null."""
    values = present(column)
    return Parsed(values, _no_bad(len(values)))


def parse_categories(column, check=None) -> Parsed:
    """Text with few distinct values (codes, names), as a dictionary array: trimming and any
    `check` (a parser of the distinct values) run once per distinct value, not per row."""
    column = as_array(column)
    if not pa.types.is_dictionary(column.type) or not pa.types.is_string(column.type.value_type):
        column = pc.dictionary_encode(as_text(column))
    dictionary = present(column.dictionary)
    bad = None
    if check is not None:
        dictionary, bad = check(dictionary)
    indices = column.indices
    gone = pc.is_null(dictionary)
    if pc.any(gone).as_py():
        indices = pc.if_else(pc.fill_null(pc.take(gone, indices), True),
                             pa.scalar(None, indices.type), indices)
        dictionary = pc.fill_null(dictionary, "")
    values = pa.DictionaryArray.from_arrays(indices, dictionary)
    if bad is None or not pc.any(bad).as_py():
        return Parsed(values, _no_bad(len(values)))
    return Parsed(values, pc.fill_null(pc.take(bad, column.indices), False))


def per_row(values: pa.Array, function) -> pa.Array:
    """function applied to a dictionary array's distinct values, then spread to its rows (or
    applied to the rows of a plain array)."""
    if pa.types.is_dictionary(values.type):
        return pc.take(function(values.dictionary), values.indices)
    return function(values)


def parse_channels(column) -> Parsed:
    """Channel names, lower case with known spellings mapped; unknown ones are bad."""
    text = present(column)
    key = pc.replace_substring_regex(pc.utf8_lower(text), r"[\s\-]+", "_")
    aliases = pa.array(list(CHANNEL_ALIASES))
    index = pc.index_in(key, aliases)
    mapped = pc.take(pa.array(list(CHANNEL_ALIASES.values())), index)
    key = pc.coalesce(mapped, key)
    values = pc.if_else(pc.is_in(key, pa.array(CHANNELS)), key, pa.scalar(None, pa.string()))
    return Parsed(values, _bad(text, values))


def parse_ints(column, *, type_: pa.DataType = INT64, minimum: int | None = 0,
               maximum: int | None = None) -> Parsed:
    """Whole numbers ("3", "3.0"), within [minimum, maximum]."""
    column = as_array(column)
    if pa.types.is_integer(column.type):
        given = column
        values = column.cast(pa.int64())
    elif pa.types.is_floating(column.type):
        given = column
        whole = pc.equal(pc.floor(column), column)
        values = pc.if_else(whole, column, pa.scalar(None, column.type)).cast(pa.int64())
    else:
        given = as_text(column)
        try:
            values = pc.cast(given, pa.int64())  # clean columns: one fast pass
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            given = present(given)
            ok = pc.match_substring_regex(given, INT_PATTERN)
            digits = pc.replace_substring_regex(
                pc.if_else(ok, given, pa.scalar(None, pa.string())), r"\.0*$", "")
            values = pc.cast(digits, pa.int64())
    if type_ == pa.int32():
        maximum = min(maximum if maximum is not None else 2**31 - 1, 2**31 - 1)
    within = None
    if minimum is not None:
        within = pc.greater_equal(values, minimum)
    if maximum is not None:
        below = pc.less_equal(values, maximum)
        within = below if within is None else pc.and_(within, below)
    if within is not None:
        values = pc.if_else(within, values, pa.scalar(None, pa.int64()))
    return Parsed(values.cast(type_), _bad(given, values))


def parse_bools(column) -> Parsed:
    """Yes/no values: true/false, yes/no, y/n, 1/0, oui/non, vrai/faux (any case)."""
    column = as_array(column)
    if pa.types.is_dictionary(column.type):
        # Read once per distinct value, then spread to the rows.
        parsed = parse_bools(column.dictionary)
        values = pc.take(parsed.values, column.indices)
        bad = pc.fill_null(pc.take(parsed.bad, column.indices), False)
        return Parsed(values, bad)
    if pa.types.is_boolean(column.type):
        return Parsed(column, _no_bad(len(column)))
    if pa.types.is_integer(column.type):
        values = pc.if_else(pc.is_in(column, pa.array([0, 1], column.type)),
                            pc.not_equal(column, 0), pa.scalar(None, pa.bool_()))
        return Parsed(values, _bad(column, values))
    given = as_text(column)
    words = pc.utf8_lower(pc.utf8_trim_whitespace(given))
    words = pc.if_else(pc.equal(words, ""), pa.scalar(None, pa.string()), words)
    values = pc.if_else(pc.is_in(words, pa.array(TRUE_WORDS)), True,
                        pc.if_else(pc.is_in(words, pa.array(FALSE_WORDS)), False,
                                   pa.scalar(None, pa.bool_())))
    return Parsed(values, _bad(words, values))


def parse_decimals(column, type_: pa.Decimal128Type) -> Parsed:
    """Amounts with at most two decimals ("12", "12.5", "12,50"), not negative."""
    column = as_array(column)
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        given = column
        values = pc.round(column.cast(pa.float64()), 2).cast(type_)
    elif pa.types.is_decimal(column.type):
        given = column
        values = column.cast(type_)
    else:
        given = present(column)
        text = pc.replace_substring(given, ",", ".")
        ok = pc.match_substring_regex(given, DECIMAL_PATTERN)
        values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), type_)
    values = pc.if_else(pc.greater_equal(values, pa.scalar(0, type_)), values,
                        pa.scalar(None, type_))
    return Parsed(values, _bad(given, values))


def parse_timestamps(column, *, fmt: str = "", tz: str = "UTC") -> Parsed:
    """Instants in UTC from text (ISO 8601, or a strftime format) or typed values; values
    without a zone offset are local times in `tz` (see `localize`)."""
    column = as_array(column)
    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz:
            return Parsed(column.cast(TIMESTAMP, safe=False), _no_bad(len(column)))
        return Parsed(localize(column.cast(NAIVE, safe=False), tz), _no_bad(len(column)))
    if pa.types.is_date(kind):
        return Parsed(localize(column.cast(NAIVE), tz), _no_bad(len(column)))
    given = as_text(column)
    values = _strptime(given, fmt, tz) if fmt else _iso(given, tz)
    return Parsed(values, _bad(given, values))


def localize(naive: pa.Array, tz: str) -> pa.Array:
    """Local wall-clock times in tz as UTC instants.

    An ambiguous time (the hour repeated when clocks go back) is the earlier instant; a time
    skipped when clocks go forward is read with the offset before the change (02:30 becomes
    03:30 daylight time), as Python's zoneinfo does.
    """
    naive = as_array(naive)
    if tz in ("UTC", "Etc/UTC", "Z") or naive.null_count == len(naive):
        return naive.cast(TIMESTAMP)
    low, high = pc.min_max(naive).values()
    bounds, offsets = _zone_changes(tz, low.as_py().year, high.as_py().year)
    local = pc.fill_null(naive.cast(pa.int64()), 0).to_numpy()
    instants = local - offsets[np.searchsorted(bounds, local, side="right")]
    mask = pc.is_null(naive).to_numpy(zero_copy_only=False) if naive.null_count else None
    return pa.array(instants, pa.int64(), mask=mask).view(TIMESTAMP)


@functools.lru_cache(maxsize=128)
def _zone_changes(tz: str, first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each UTC offset of tz starts, on the local wall clock (µs), and the offsets (µs):
    offsets[i] is in force for local times in [bounds[i-1], bounds[i])."""
    zone = zoneinfo.ZoneInfo(tz)
    start = dt.datetime(max(1, first_year - 1), 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(min(9999, last_year + 1), 12, 31, 23, tzinfo=dt.UTC)

    def offset(at: dt.datetime) -> int:
        return int(at.astimezone(zone).utcoffset().total_seconds())

    step = dt.timedelta(hours=6)
    changes: list[tuple[dt.datetime, int, int]] = []
    at, current = start, offset(start)
    first = current
    while at < end:
        following = offset(at + step)
        if following != current:
            low, high = at, at + step  # the change lies in (low, high]
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            changes.append((high, current, following))
            current = following
        at += step
    micro = 1_000_000
    bounds = [(int(when.timestamp()) + max(before, after)) * micro
              for when, before, after in changes]
    offsets = [first * micro] + [after * micro for _when, _before, after in changes]
    return np.array(bounds, dtype=np.int64), np.array(offsets, dtype=np.int64)


def _iso(given: pa.Array, tz: str) -> pa.Array:
    # Clean columns (one style, no zone, no blanks or padding) take one fast cast.
    try:
        return localize(pc.cast(given, NAIVE), tz)
    except pa.ArrowInvalid:
        pass
    try:
        return pc.cast(given, TIMESTAMP)  # every value carries its offset
    except pa.ArrowInvalid:
        pass
    text = present(given)
    parts = pc.extract_regex(text, ISO_PATTERN)
    date = pc.struct_field(parts, "date")
    time = pc.struct_field(parts, "time")
    time = pc.if_else(pc.equal(time, ""), "00:00:00", time)
    time = pc.if_else(pc.less(pc.utf8_length(time), 6),
                      pc.binary_join_element_wise(time, "00", ":"), time)
    stamp = pc.binary_join_element_wise(date, time, " ")
    naive = _checked_strptime(stamp, "%Y-%m-%d %H:%M:%S")
    fraction = pc.struct_field(parts, "frac")
    micros = pc.utf8_slice_codeunits(pc.utf8_rpad(
        pc.utf8_slice_codeunits(fraction, 1, 7), 6, "0"), 0, 6)
    micros = pc.if_else(pc.equal(fraction, ""), "0", micros).cast(pa.int64())
    naive = pc.add(naive, micros.cast(pa.duration("us")))
    zone = pc.replace_substring(pc.struct_field(parts, "tz"), ":", "")
    has_zone = pc.not_equal(zone, "")
    offset = _offset_micros(zone)
    instants = pc.subtract(naive.cast(pa.int64()), offset).cast(NAIVE).cast(TIMESTAMP)
    return pc.if_else(has_zone, instants, localize(naive, tz))


def _offset_micros(zone: pa.Array) -> pa.Array:
    """"Z", "+05", "+0530", "-04" as microseconds east of UTC."""
    digits = pc.if_else(pc.is_in(zone, pa.array(["Z", "z", ""])), "+0000", zone)
    digits = pc.utf8_rpad(digits, 5, "0")
    hours = pc.utf8_slice_codeunits(digits, 1, 3).cast(pa.int64())
    minutes = pc.utf8_slice_codeunits(digits, 3, 5).cast(pa.int64())
    sign = pc.if_else(pc.starts_with(digits, "-"), -1, 1)
    return pc.multiply(pc.multiply(pc.add(pc.multiply(hours, 60), minutes), 60_000_000), sign)


def _strptime(given: pa.Array, fmt: str, tz: str) -> pa.Array:
    text = present(given)
    values = _checked_strptime(text, fmt)
    if "%z" in fmt:
        return values.cast(TIMESTAMP)
    return localize(values, tz)


def _checked_strptime(text: pa.Array, fmt: str) -> pa.Array:
    """strptime, with impossible dates (February 30) refused: Arrow would roll them over."""
    values = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
    if "%z" in fmt or "%Z" in fmt:
        return values
    naive = values if not values.type.tz else values.cast(NAIVE)
    # Printed back in seconds (Arrow's %S would add a fraction), numbers and case aside.
    again = pc.strftime(naive.cast(pa.timestamp("s"), safe=False), format=fmt)
    same = pc.equal(_comparable(again), _comparable(text))
    return pc.if_else(pc.fill_null(same, False), values, pa.scalar(None, values.type))


def _comparable(text: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(pc.utf8_lower(text), r"(^|\D)0+(\d)", r"\1\2")
    return pc.replace_substring_regex(text, r"\s+", " ")
