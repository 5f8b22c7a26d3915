"""Small interaction datasets for engine tests, written as the store lays them out.

Hive partitions `channel=<c>/month=<yyyy-mm>/` with files in exactly the canonical record schema.
Times are given as local wall times in Toronto unless they carry a zone.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from outsidein import workdays
from outsidein.compliance.engine.evaluation import Evaluation, VersionPlan, evaluate
from outsidein.compliance.engine.rules import Rule
from outsidein.interactions.schema import record_schema

TORONTO = ZoneInfo("America/Toronto")
AS_OF = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)
_ids = itertools.count(1)


def at(text: str, zone: ZoneInfo = TORONTO) -> dt.datetime:
    """An instant from local wall time 'YYYY-MM-DD HH:MM' (default zone Toronto)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def record(channel: str = "mail", organization: str = "office-a", **fields) -> dict:
    """One record; event fields are `<event>_at` instants, the rest are attributes."""
    row = {"source": "test", "record_id": f"r{next(_ids)}", "channel": channel,
           "organization": organization}
    row.update(fields)
    return row


def write_dataset(root: Path, records: Iterable[dict]) -> Path:
    """Write records as hive-partitioned Parquet under root; returns root."""
    schema = record_schema()
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in records:
        first = next((row[k] for k in sorted(row) if k.endswith("_at") and row[k] is not None), None)
        month = first.astimezone(dt.UTC).strftime("%Y-%m") if first else "unknown"
        groups[(row["channel"], month)].append(row)
    for (channel, month), rows in groups.items():
        columns = {}
        for field in schema:
            values = [row.get(field.name) for row in rows]
            if pa.types.is_decimal(field.type):
                values = [None if v is None else Decimal(str(v)) for v in values]
            columns[field.name] = pa.array(values, field.type)
        folder = root / f"channel={channel}" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(columns, schema=schema), folder / f"part-{next(_ids)}.parquet")
    root.mkdir(parents=True, exist_ok=True)
    return root


def plan(rule: Rule, *, version_id: int = 1, threshold=None, target: float | None = 0.8,
         effective_from: dt.date = dt.date(2024, 1, 1), effective_to: dt.date | None = None,
         service_code: str = "", organizations: Sequence[str] = ("office-a",),
         calendar: int = 0) -> VersionPlan:
    """A version plan over the given organization codes (ids 1, 2, ... in order)."""
    return VersionPlan(
        version_id=version_id, rule=rule,
        threshold=None if threshold is None else Decimal(str(threshold)), target=target,
        effective_from=effective_from, effective_to=effective_to, service_code=service_code,
        organizations=tuple((code, i + 1, calendar) for i, code in enumerate(organizations)))


def run(engine, root: Path, plans: Sequence[VersionPlan], *, calendars=None, as_of=AS_OF,
        period=None) -> Evaluation:
    """Evaluate plans over the dataset at root."""
    calendars = calendars or [workdays.Calendar("default")]
    return evaluate(engine, plans, calendars, dataset=root, as_of=as_of, period=period)


def cell(evaluation: Evaluation, kind: str = "fiscal_year", **keys):
    """The one cell of a kind matching the keys (version_id, org_id, channel, service, ...)."""
    found = [c for c in evaluation.cells if c.period_kind == kind
             and all(getattr(c, k) == v for k, v in keys.items())]
    assert len(found) == 1, f"{len(found)} cells of kind {kind} match {keys}: {found}"
    return found[0]
