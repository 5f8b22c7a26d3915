"""Which service a record is counted under (pure): the one rule the engine's counts and the
record reads share.

A record counts under its service code only when the inventory knows that code for the record's
organization (a service of that code offered by it or by an organization above it). Any other
code, an empty code or none counts under "no service" — so a "no service" cell holds records
with codes nobody registered, and its drill-down must list them (it once listed only records
without a code: the cell said 48, the list said 0).

The rule is written twice, once per place it runs: as SQL for the record reads (filtered in the
engine, a page at a time) and on Arrow arrays for the engine's daily histogram. Both are built
from `is_known` and tested against each other.
"""

from __future__ import annotations

from collections.abc import Collection

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp


def is_known(code: str | None, known: Collection[str]) -> bool:
    """Whether a record's code names a service its organization has (`known`: its codes)."""
    return bool(code) and code in known


def counted_service_sql(service: exp.Expression, known: Collection[str]) -> exp.Expression:
    """SQL: the service code a record is counted under, NULL for "no service"."""
    codes = sorted(c for c in known if is_known(c, known))
    if not codes:
        return exp.cast(exp.null(), "VARCHAR")
    return exp.Case().when(service.copy().isin(*[exp.Literal.string(c) for c in codes]),
                           service.copy())


def counted_services(org_ids: pa.ChunkedArray | pa.Array, services: pa.ChunkedArray | pa.Array,
                     known: Collection[tuple[int, str]]) -> pa.ChunkedArray | pa.Array:
    """Arrow: per row, the service code it is counted under (null for "no service")."""
    pairs = sorted({(o, s) for o, s in known if is_known(s, {s})})
    marks = pa.table({"org_id": pa.array([o for o, _ in pairs], pa.int64()),
                      "service": pa.array([s for _, s in pairs], pa.string()),
                      "known": pa.array([True] * len(pairs), pa.bool_())})
    rows = pa.table({"org_id": pc.cast(org_ids, pa.int64()), "service": services,
                     "row": pa.array(range(len(org_ids)), pa.int64())})
    joined = rows.join(marks, keys=["org_id", "service"], join_type="left outer").sort_by("row")
    return pc.if_else(pc.is_null(joined["known"]), pa.scalar(None, pa.string()),
                      joined["service"])
