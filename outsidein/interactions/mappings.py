"""Column mappings: which column of a source system's file holds which canonical field (pure)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from outsidein.interactions.schema import ATTRIBUTES, CATEGORIES, EVENTS, START_EVENTS

# Fields a file may provide; source, import_id and source_line are set by the import itself.
SET_BY_IMPORT = ("source", "import_id", "source_line")
INPUT_FIELDS: tuple[str, ...] = tuple(
    [name for name in ATTRIBUTES if name not in SET_BY_IMPORT] + [f"{e}_at" for e in EVENTS])
EVENT_FIELDS: tuple[str, ...] = tuple(f"{e}_at" for e in EVENTS)
YES_NO: tuple[str, ...] = tuple(n for n, (kind, _doc) in ATTRIBUTES.items()
                                if kind == pa.bool_())


class MappingError(Exception):
    """The file's columns cannot be read as canonical records with this mapping."""


def canonical_field(name: str) -> str | None:
    """The canonical field a column or mapping target names ("Answered" -> answered_at)."""
    key = re.sub(r"[\s\-]+", "_", str(name).strip().lower())
    if key in INPUT_FIELDS:
        return key
    if f"{key}_at" in INPUT_FIELDS:
        return f"{key}_at"
    return None


@dataclass(frozen=True)
class MappingSpec:
    """How to read one source system's files (from a saved SourceMapping, or the defaults)."""

    columns: Mapping[str, str] = field(default_factory=dict)  # file column -> canonical field
    timestamp_format: str = ""  # strftime format; blank: ISO 8601
    time_zone: str = "UTC"  # IANA zone of timestamps written without an offset
    channel: str = ""  # channel of rows that give none
    constants: Mapping[str, str] = field(default_factory=dict)  # field -> value for every row
    delimiter: str = ""  # blank: sniffed
    encoding: str = ""  # blank: detected
    sheet: str = ""  # XLSX: blank for the first sheet

    def problems(self) -> list[str]:
        """What is wrong with the mapping itself (unknown fields)."""
        found = []
        for column, target in self.columns.items():
            if canonical_field(target) is None:
                found.append(f"column {column!r} is mapped to {target!r}, which is not a field")
        for target in self.constants:
            if canonical_field(target) is None:
                found.append(f"constant for {target!r}, which is not a field")
        return found


@dataclass(frozen=True)
class ColumnPlan:
    """Which file column each canonical field comes from, and the columns left unread."""

    fields: dict[str, str]  # canonical field -> file column
    ignored: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(self.fields.values()))

    @property
    def categories(self) -> tuple[str, ...]:
        """File columns with few distinct values (codes, names, channels, yes/no), which a
        reader may hand over dictionary-encoded so that they are parsed once per value."""
        return tuple(column for name, column in self.fields.items()
                     if name in CATEGORIES or name in YES_NO)


def plan_columns(header: list[str], spec: MappingSpec) -> ColumnPlan:
    """Match the file's header to canonical fields: the mapping first, then same-named columns."""
    problems = spec.problems()
    if problems:
        raise MappingError("; ".join(problems))
    by_lower = {c.strip().lower(): c for c in header}
    fields: dict[str, str] = {}
    missing = []
    for column, target in spec.columns.items():
        found = column if column in header else by_lower.get(column.strip().lower())
        if found is None:
            missing.append(column)
            continue
        name = canonical_field(target)
        if name in fields:
            raise MappingError(f"columns {fields[name]!r} and {found!r} are both mapped to {name}")
        fields[name] = found
    if missing:
        raise MappingError(f"the file has no column {', '.join(repr(m) for m in missing)} "
                           f"(columns: {', '.join(header)})")
    mapped = set(fields.values())
    for column in header:
        name = canonical_field(column)
        if column not in mapped and name is not None and name not in fields:
            fields[name] = column
    constants = {canonical_field(k) for k in spec.constants}
    if "record_id" not in fields:
        raise MappingError("no column holds record_id, the record's identifier in its source "
                           "system; map one (e.g. call_id -> record_id)")
    if "channel" not in fields and not spec.channel and "channel" not in constants:
        raise MappingError("no column holds the channel and the mapping sets none")
    if not any(e in fields or e in constants for e in EVENT_FIELDS):
        raise MappingError("no column holds an event time (" + ", ".join(
            sorted({f"{e[0]}_at" for e in START_EVENTS.values()})) + ", ...)")
    used = set(fields.values())
    return ColumnPlan(fields, tuple(c for c in header if c not in used))
