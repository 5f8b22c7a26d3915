"""Checking a batch of raw rows, a column at a time: types, required fields, event order, dates
in the future, known organizations. Refused rows become reject lines (line, field, value,
reason); the others become canonical records."""

import datetime as dt
from dataclasses import dataclass
from functools import reduce

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from outsidein.interactions.mappings import ColumnPlan, MappingError, MappingSpec, canonical_field
from outsidein.interactions.parsing import (
    Parsed,
    as_text,
    parse_bools,
    parse_categories,
    parse_channels,
    parse_decimals,
    parse_ints,
    parse_strings,
    parse_timestamps,
    per_row,
)
from outsidein.interactions.schema import (
    ATTRIBUTES,
    CATEGORIES,
    CHANNELS,
    MAX_LENGTHS,
    START_EVENTS,
    TIMESTAMP,
)

# (earlier, later): the later event cannot come before the earlier one.
EVENT_ORDER: tuple[tuple[str, str], ...] = (
    ("call_started", "answered"),
    ("call_started", "abandoned"),
    ("call_started", "callback_requested"),
    ("callback_requested", "callback_returned"),
    ("call_started", "callback_returned"),
    ("received", "acknowledged"),
    ("received", "responded"),
    ("received", "followed_up"),
    ("received", "resolved"),
    ("arrived", "served"),
    ("submitted", "completed"),
    ("completed", "delivered"),
    ("submitted", "delivered"),
)
# Events may not lie in the future beyond this allowance for clocks that run a little fast. A
# due time is a promise about the future, so it is exempt.
CLOCK_SKEW = dt.timedelta(minutes=10)
NOT_CHECKED_FOR_FUTURE = ("due_at",)

# A reject report shows at most this many characters of a value (then "…").
SHOWN_CHARS = 200

REJECT_SCHEMA = pa.schema([("line", pa.int64()), ("field", pa.string()),
                           ("value", pa.string()), ("reason", pa.string())])

REASONS = {
    "timestamp_iso": "not a date and time (ISO 8601, e.g. 2025-03-31 14:05:00)",
    "timestamp_format": "not a date and time in the format {fmt}",
    "int": "not a whole number of 0 or more",
    "bool": "not yes or no (true/false, yes/no, y/n, 1/0, oui/non)",
    "decimal": "not an amount of 0 or more with at most two decimals",
    "channel": "not a channel (one of " + ", ".join(CHANNELS) + ")",
    "record_id": "missing: every record needs its identifier in the source system",
    "no_channel": "missing: no channel, and the mapping sets none",
    "organization": "no organization with this code",
    "no_organization": "missing: every record needs the code of its organization",
    "too_long": "too long: {field} holds at most {limit} characters",
}


def field_kind(name: str) -> str:
    """How a canonical field is parsed: channel, timestamp, category, text, int32, int64, bool,
    decimal."""
    if name == "channel":
        return "channel"
    if name.endswith("_at"):
        return "timestamp"
    if name in CATEGORIES:
        return "category"
    kind = ATTRIBUTES[name][0]
    if pa.types.is_string(kind):
        return "text"
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_decimal(kind):
        return "decimal"
    return "int32" if kind == pa.int32() else "int64"


@dataclass(frozen=True)
class Checked:
    """A checked batch: records to store, reject lines, and counts."""

    records: pa.Table
    rejects: pa.Table
    rejected: int
    excluded: dict[str, int]


class BatchChecker:
    """Checks raw batches of one import against its column plan and mapping."""

    def __init__(self, plan: ColumnPlan, spec: MappingSpec, *, source: str,
                 now: dt.datetime, organizations: list[str] | None = None,
                 require_organization: bool = False):
        self.plan = plan
        self.spec = spec
        self.source = source
        self.latest = pa.scalar(now + CLOCK_SKEW, TIMESTAMP)
        self.latest_text = f"{now + CLOCK_SKEW:%Y-%m-%d %H:%M} UTC"
        self.organizations = (pa.array(organizations, pa.string()) if organizations is not None
                              else None)
        self.require_organization = require_organization
        self.constants = {canonical_field(k): str(v) for k, v in spec.constants.items()}
        if spec.channel and "channel" not in self.constants:
            self.constants["channel"] = spec.channel
        self._check_constants()

    def _check_constants(self) -> None:
        for name, value in self.constants.items():
            parsed = self._parse(name, pa.array([value]))
            if parsed.bad[0].as_py():
                raise MappingError(f"the value {value!r} set for {name} is {self._reason(name)}")
            if name in MAX_LENGTHS and len(value.strip()) > MAX_LENGTHS[name]:
                raise MappingError(f"the value set for {name} is "
                                   + REASONS["too_long"].format(field=name,
                                                                limit=MAX_LENGTHS[name]))

    def _parse(self, name: str, column) -> Parsed:
        kind = field_kind(name)
        if kind == "timestamp":
            return parse_timestamps(column, fmt=self.spec.timestamp_format,
                                    tz=self.spec.time_zone)
        if kind == "channel":
            return parse_categories(column, parse_channels)
        if kind == "category":
            return parse_categories(column)
        if kind == "bool":
            return parse_bools(column)
        if kind == "decimal":
            return parse_decimals(column, ATTRIBUTES[name][0])
        if kind in ("int32", "int64"):
            return parse_ints(column, type_=pa.int32() if kind == "int32" else pa.int64())
        return parse_strings(column)

    def _reason(self, name: str) -> str:
        kind = field_kind(name)
        if kind == "timestamp":
            if self.spec.timestamp_format:
                return REASONS["timestamp_format"].format(fmt=self.spec.timestamp_format)
            return REASONS["timestamp_iso"]
        return REASONS.get(kind if kind not in ("int32", "int64") else "int", "not readable")

    def check(self, raw: pa.Table, lines: pa.Array) -> Checked:
        """Parse and check one batch of raw rows whose file lines are `lines`."""
        n = raw.num_rows
        values: dict[str, pa.Array] = {}
        texts: dict[str, pa.Array] = {}
        problems: list[tuple[pa.Array, str, pa.Array, object]] = []
        unreadable: dict[str, pa.Array] = {}
        for name, column in self.plan.fields.items():
            parsed = self._parse(name, raw[column])
            values[name] = parsed.values
            if pc.any(parsed.bad).as_py():
                unreadable[name] = parsed.bad
                texts[name] = as_text(raw[column])
                problems.append((parsed.bad, name, texts[name], self._reason(name)))
            too_long = _too_long(name, parsed.values)
            if too_long is not None:
                problems.append((too_long, name, as_text(raw[column]), REASONS["too_long"].format(
                    field=name, limit=MAX_LENGTHS[name])))
        for name, value in self.constants.items():
            values[name] = _filled(values.get(name), self._parse(name, pa.array([value])).values,
                                   n)
        problems += self._required(values, n, unreadable)
        problems += self._order(values, raw)
        problems += self._future(values, raw)
        if self.require_organization:
            given = values.get("organization")
            absent = (pc.is_null(given) if given is not None
                      else pa.repeat(pa.scalar(True), n))
            problems.append((absent, "organization", pa.repeat(pa.scalar("", pa.string()), n),
                             REASONS["no_organization"]))
        if self.organizations is not None and "organization" in values:
            organization = values["organization"]
            known = per_row(organization, lambda v: pc.is_in(v, self.organizations))
            unknown = pc.and_(pc.is_valid(organization), pc.invert(pc.fill_null(known, True)))
            problems.append((unknown, "organization", self._text("organization", raw),
                             REASONS["organization"]))
        problems = [p for p in problems if pc.any(p[0]).as_py()]
        records = pa.table({
            "source": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                                     pa.array([self.source])),
            "source_line": lines,
            **values,
        })
        if problems:
            records = records.filter(pc.invert(reduce(pc.or_, [p[0] for p in problems])))
        rejected = n - records.num_rows
        return Checked(records, self._rejects(problems, lines), rejected, _excluded(records))

    def _text(self, name: str, raw: pa.Table, where: pa.Array | None = None) -> pa.Array:
        """The field's values as in the file (only where `where` holds; null elsewhere)."""
        if name in self.plan.fields:
            text = as_text(raw[self.plan.fields[name]])
        else:
            text = pa.repeat(pa.scalar(self.constants.get(name), pa.string()), raw.num_rows)
        return text if where is None else pc.if_else(where, text, pa.scalar(None, pa.string()))

    def _required(self, values: dict[str, pa.Array], n: int,
                  unreadable: dict[str, pa.Array]) -> list[tuple]:
        """Missing identifier, channel, or start event (a value given but unreadable is
        reported as such, not again as missing)."""
        empty = pa.repeat(pa.scalar("", pa.string()), n)

        def missing(name: str, absent: pa.Array) -> pa.Array:
            bad = unreadable.get(name)
            return absent if bad is None else pc.and_(absent, pc.invert(bad))

        problems = [(pc.is_null(values["record_id"]), "record_id", empty, REASONS["record_id"])]
        channel = values.get("channel")
        if channel is None:
            return problems
        problems.append((missing("channel", pc.is_null(channel)), "channel", empty,
                         REASONS["no_channel"]))
        codes = per_row(channel, lambda v: pc.index_in(v, pa.array(CHANNELS)))
        present = set(pc.unique(channel.dictionary).to_pylist()
                      if pa.types.is_dictionary(channel.type) else CHANNELS)
        for name, events in START_EVENTS.items():
            if name not in present:
                continue
            given = [values[f"{e}_at"] for e in events if f"{e}_at" in values]
            none = (reduce(pc.and_, [pc.is_null(g) for g in given]) if given
                    else pa.repeat(pa.scalar(True), n))
            lacking = pc.fill_null(pc.and_(pc.equal(codes, CHANNELS.index(name)), none), False)
            for event in events:
                lacking = missing(f"{event}_at", lacking)
            needs = " or ".join(f"{e}_at" for e in events)
            problems.append((lacking, f"{events[0]}_at", empty,
                             f"missing: a {name} record needs {needs}"))
        return problems

    def _order(self, values: dict[str, pa.Array], raw: pa.Table) -> list[tuple]:
        problems = []
        for earlier, later in EVENT_ORDER:
            first, then = values.get(f"{earlier}_at"), values.get(f"{later}_at")
            if first is None or then is None:
                continue
            wrong = pc.less(then, first)
            if not pc.any(wrong).as_py():
                continue
            wrong = pc.fill_null(wrong, False)
            reason = pc.binary_join_element_wise(
                f"before {earlier}_at (", self._text(f"{earlier}_at", raw, wrong), ")", "")
            problems.append((wrong, f"{later}_at", self._text(f"{later}_at", raw), reason))
        due = values.get("due_at")
        starts = [values[f"{e}_at"] for e in ("submitted", "received", "arrived", "call_started")
                  if f"{e}_at" in values]
        if due is not None and starts:
            start = pc.coalesce(*starts) if len(starts) > 1 else starts[0]
            wrong = pc.less(due, start)
            if pc.any(wrong).as_py():
                problems.append((pc.fill_null(wrong, False), "due_at", self._text("due_at", raw),
                                 "before the record started"))
        return problems

    def _future(self, values: dict[str, pa.Array], raw: pa.Table) -> list[tuple]:
        problems = []
        for name, column in values.items():
            if field_kind(name) != "timestamp" or name in NOT_CHECKED_FOR_FUTURE:
                continue
            ahead = pc.greater(column, self.latest)
            if pc.any(ahead).as_py():
                problems.append((pc.fill_null(ahead, False), name, self._text(name, raw),
                                 f"in the future (after {self.latest_text})"))
        return problems

    def _rejects(self, problems: list[tuple], lines: pa.Array) -> pa.Table:
        tables = []
        for mask, name, text, reason in problems:
            count = pc.sum(mask).as_py()
            why = (reason.filter(mask) if isinstance(reason, pa.Array)
                   else pa.repeat(pa.scalar(reason), count))
            tables.append(pa.table({
                "line": lines.filter(mask), "field": pa.repeat(pa.scalar(name), count),
                "value": _shown(pc.fill_null(text.filter(mask), "")), "reason": why,
            }, schema=REJECT_SCHEMA))
        if not tables:
            return REJECT_SCHEMA.empty_table()
        return pa.concat_tables(tables).sort_by([("line", "ascending")])


def _too_long(name: str, values: pa.Array) -> pa.Array | None:
    """Which values are longer than the field takes (None when none is), measured on the
    distinct values of a dictionary array."""
    limit = MAX_LENGTHS.get(name)
    if limit is None or field_kind(name) not in ("text", "category"):
        return None
    longer = per_row(values, lambda v: pc.greater(pc.utf8_length(v), limit))
    if not pc.any(longer).as_py():
        return None
    return pc.fill_null(longer, False)


def _shown(text: pa.Array) -> pa.Array:
    """Values cut to SHOWN_CHARS characters (with "…"), as a reject report shows them."""
    if not len(text) or not pc.any(pc.greater(pc.utf8_length(text), SHOWN_CHARS)).as_py():
        return text
    cut = pc.binary_join_element_wise(pc.utf8_slice_codeunits(text, 0, SHOWN_CHARS), "…", "")
    return pc.if_else(pc.greater(pc.utf8_length(text), SHOWN_CHARS), cut, text)


def _filled(values: pa.Array | None, constant: pa.Array, n: int) -> pa.Array:
    """values with their blanks set to a constant (a one-value array), or the constant for all."""
    if values is not None and values.null_count == 0:
        return values
    if pa.types.is_dictionary(constant.type):
        if values is None:
            return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                                  constant.dictionary)
        return pc.dictionary_encode(pc.coalesce(values.cast(pa.string()),
                                                constant.dictionary[0]))
    if values is None:
        return pa.repeat(constant[0], n) if n else pa.array([], constant.type)
    return pc.coalesce(values, constant[0])


def _excluded(records: pa.Table) -> dict[str, int]:
    reasons = records["exclusion_reason"] if "exclusion_reason" in records.column_names else None
    if reasons is None or reasons.null_count == len(reasons):
        return {}
    counts = pc.value_counts(reasons.drop_null())
    return {item["values"].as_py(): item["counts"].as_py() for item in counts}
