"""The compliance query as a SQLGlot expression, built once and rendered per engine (pure).

`daily_query` is the one pass over the records: every rule's branch (rules.Branch) is stacked
with UNION ALL and counted per version, organization, service, channel, start date, status,
exclusion reason and elapsed value. The result is a histogram by day, in integers, so both
engines return the same rows; evaluation.cells_from_daily rolls it up into periods.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from outsidein.analysis.distribution import MEDIAN, P90, Quantile
from outsidein.compliance.engine.rules import OUTPUT_COLUMNS
from outsidein.warehouse.schema import CHANNELS

QUANTILES: tuple[Quantile, ...] = (MEDIAN, P90)


def daily_query(branches: Sequence[exp.Select], resolutions: Sequence[int] | None = None) -> exp.Select:
    """Records counted per version, organization, service, channel, day, status, reason and
    elapsed value, each branch's elapsed in steps of its resolution (whole minutes, say)."""
    if not branches:
        raise ValueError("no rule to measure")
    stepped = []
    for branch, step in zip(branches, resolutions or [1] * len(branches), strict=True):
        if step == 1:
            stepped.append(branch)
            continue
        columns = [exp.column(c, "b") for c in OUTPUT_COLUMNS if c != "elapsed"]
        stepped.append(exp.select(*columns, exp.IntDiv(this=exp.column("elapsed", "b"),
                                                       expression=exp.Literal.number(step)).as_("elapsed"))
                       .from_(branch.subquery("b")))
    union: exp.Query = stepped[0]
    for branch in stepped[1:]:
        union = exp.union(union, branch, distinct=False)
    # Grouping is the query's largest cost: version and organization travel packed in one
    # integer and the channel as its position in CHANNELS (unpack_daily restores them).
    m = "m"
    cell = exp.Add(this=exp.Mul(this=exp.column("version_id", m), expression=_int(_ORG_SPAN)),
                   expression=exp.column("org_id", m))
    channel = exp.Case(this=exp.column("channel", m))
    for code, name in enumerate(CHANNELS):
        channel = channel.when(exp.Literal.string(name), _int(code))
    keys = [cell, channel, *[exp.column(c, m) for c in OUTPUT_COLUMNS if c not in _PACKED]]
    names = ["cell", "channel_code", *[c for c in OUTPUT_COLUMNS if c not in _PACKED]]
    return (exp.select(*[k.copy().as_(n) for k, n in zip(keys, names, strict=True)],
                       exp.Count(this=exp.Star()).as_("n"))
            .from_(union.subquery(m))
            .group_by(*keys))


def unpack_daily(packed: pa.Table) -> pa.Table:
    """daily_query's rows with version_id, org_id and channel restored, as OUTPUT_COLUMNS + n."""
    cell = packed["cell"].combine_chunks().to_numpy(zero_copy_only=False).astype(np.int64)
    codes = packed["channel_code"].combine_chunks()
    names = pa.array(CHANNELS, pa.string())
    columns = {"version_id": pa.array(cell // _ORG_SPAN, pa.int64()),
               "org_id": pa.array(cell % _ORG_SPAN, pa.int64()),
               "channel": pc.take(names, pc.cast(codes, pa.int64()))}
    return pa.table({name: columns[name] if name in columns else packed[name]
                     for name in (*OUTPUT_COLUMNS, "n")})


_ORG_SPAN = 2**31  # organization ids are 32-bit keys: version_id * _ORG_SPAN + org_id fits in 63 bits
_PACKED = ("version_id", "org_id", "channel")


def _int(value: int) -> exp.Literal:
    return exp.Literal.number(int(value))
