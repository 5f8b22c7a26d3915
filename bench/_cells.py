"""Per-cell results of the benchmark's implementations, in one shape, and their comparison.

A cell is standard × organization × service × channel × day (the local date of the clock's
start), as the engine stores its daily results. Each implementation (the engine, the pandas
baseline, the same-histogram floor) writes its cells to a Parquet file of CELL_SCHEMA; the
driver compares every cell: met, missed, pending, excluded by reason, median and p90 elapsed.

Nothing here imports the engine: the floor's quantiles come from its histogram by the textbook
definition (numpy's "linear", R type 7), written again here, so an agreement is two
implementations agreeing, not one agreeing with itself.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

KEYS = ("standard", "organization", "service", "channel", "day")
CELL_SCHEMA = pa.schema([
    ("standard", pa.string()), ("organization", pa.string()), ("service", pa.string()),
    ("channel", pa.string()), ("day", pa.int32()), ("met", pa.int64()), ("missed", pa.int64()),
    ("pending", pa.int64()), ("excluded", pa.string()), ("median", pa.float64()),
    ("p90", pa.float64()),
])
# Statuses, as the engine numbers them (compliance.engine.rules); restated, not imported.
EXCLUDED, MET, MISSED, PENDING, UNRECORDED = 0, 1, 2, 3, 4
NOT_RECORDED = "(not recorded)"  # the engine's label for records whose measure is missing
TOLERANCE = 1e-9


def write(path: Path, table: pa.Table) -> None:
    pq.write_table(table.select(CELL_SCHEMA.names).cast(CELL_SCHEMA), path)


def read(path: Path) -> pa.Table:
    return pq.read_table(path, schema=CELL_SCHEMA)


def from_histogram(histogram: pa.Table) -> pa.Table:
    """Cells from a histogram of (standard, organization, service, channel, day, status, reason,
    elapsed, n) rows; elapsed is null for records without a measured value."""
    import pandas as pd

    frame = histogram.to_pandas()
    for key in ("service", "reason"):
        frame[key] = frame[key].astype(object).where(frame[key].notna(), "")
    frame["service"] = frame["service"].astype(str)
    group = list(KEYS)
    slots = frame.pivot_table(index=group, columns="status", values="n", aggfunc="sum",
                              fill_value=0)
    cells = pd.DataFrame(index=slots.index)
    for name, status in (("met", MET), ("missed", MISSED), ("pending", PENDING)):
        cells[name] = slots[status] if status in slots.columns else 0
    aside = frame[frame.status.isin([EXCLUDED, UNRECORDED])].copy()
    aside["label"] = np.where(aside.status == UNRECORDED, NOT_RECORDED, aside.reason)
    reasons = aside.groupby([*group, "label"]).n.sum()
    labelled: dict[tuple, dict[str, int]] = {}
    for (*key, label), n in reasons.items():
        labelled.setdefault(tuple(key), {})[label] = int(n)
    cells["excluded"] = [_reasons(labelled.get(key, {})) for key in cells.index]
    measured = frame[frame.elapsed.notna()].sort_values([*group, "elapsed"])
    for name, p in (("median", 0.5), ("p90", 0.9)):
        cells[name] = _weighted_quantile(measured, group, p).reindex(cells.index)
    return pa.Table.from_pandas(cells.reset_index(), preserve_index=False)


def _weighted_quantile(sorted_rows, group: list[str], p: float):
    """Per group, the linear quantile of `elapsed` repeated `n` times (rows sorted)."""
    import pandas as pd

    if sorted_rows.empty:
        return pd.Series(dtype=float)
    values = sorted_rows.elapsed.to_numpy(dtype=float)
    counts = sorted_rows.n.to_numpy(dtype=np.int64)
    keys = pd.MultiIndex.from_frame(sorted_rows[group])
    starts = np.flatnonzero(np.r_[True, ~(keys[1:] == keys[:-1])])
    cumulative = np.cumsum(counts)
    before = cumulative[starts] - counts[starts]
    total = np.add.reduceat(counts, starts)
    h = (total - 1) * p
    low, high = np.floor(h).astype(np.int64), np.ceil(h).astype(np.int64)
    lo = values[np.searchsorted(cumulative, before + low, side="right")]
    hi = values[np.searchsorted(cumulative, before + high, side="right")]
    return pd.Series(lo + (hi - lo) * (h - low), index=keys[starts])


def _reasons(tally: dict[str, int]) -> str:
    return json.dumps(dict(sorted(tally.items())), sort_keys=True)


def excluded_json(value) -> str:
    """A stored {reason: n} (dict or JSON text) in the one text form cells compare by."""
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return _reasons({k: int(v) for k, v in (value or {}).items() if v})


def differences(expected: pa.Table, found: pa.Table, *, names: tuple[str, str]) -> list[str]:
    """Every cell where two implementations differ (a cell only one has differs too)."""
    def indexed(table: pa.Table) -> dict[tuple, dict]:
        rows = {}
        for row in table.to_pylist():
            key = tuple(row[k] if row[k] is not None else "" for k in KEYS)
            if key in rows:
                raise ValueError(f"cell {key} appears twice in {names}")
            rows[key] = row
        return rows

    a, b = indexed(expected), indexed(found)
    found_lines = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: tuple(map(str, k))):
        left, right = a.get(key), b.get(key)
        if left is None or right is None:
            found_lines.append(f"{_key(key)}: only in {names[0] if right is None else names[1]}")
            continue
        fields = [f for f in CELL_SCHEMA.names if f not in KEYS and not _same(left[f], right[f])]
        if fields:
            shown = ", ".join(f"{f} {left[f]} vs {right[f]}" for f in fields)
            found_lines.append(f"{_key(key)}: {shown} ({names[0]} vs {names[1]})")
    return found_lines


def _same(x, y) -> bool:
    if isinstance(x, float) or isinstance(y, float):
        if x is None or y is None or (isinstance(x, float) and math.isnan(x)) \
                or (isinstance(y, float) and math.isnan(y)):
            return _blank(x) and _blank(y)
        return abs(x - y) <= TOLERANCE * max(1.0, abs(x))
    return x == y


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _key(key: tuple) -> str:
    import datetime as dt

    standard, organization, service, channel, day = key
    date = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
    return f"{standard} {organization} service={service or '-'} {channel} {date}"
