"""The compliance query as a SQLGlot expression, built once and rendered per engine (pure).

`daily_query` is the one pass over the records: every rule's branch (rules.Branch) is stacked
with UNION ALL and counted per version, organization, service, channel, start date, status,
exclusion reason and elapsed value. The result is a histogram by day, in integers, so both
engines return the same rows; evaluation.cells_from_daily rolls it up into periods.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from outsidein.analysis.distribution import MEDIAN, P90, Quantile
from outsidein.compliance.rules import OUTPUT_COLUMNS

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
    keys = [exp.column(c, "m") for c in OUTPUT_COLUMNS]
    return (exp.select(*[k.copy() for k in keys], exp.Count(this=exp.Star()).as_("n"))
            .from_(union.subquery("m"))
            .group_by(*keys))
