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


def daily_query(branches: Sequence[exp.Select]) -> exp.Select:
    """Records counted per version, organization, service, channel, day, status, reason, elapsed."""
    if not branches:
        raise ValueError("no rule to measure")
    union: exp.Query = branches[0]
    for branch in branches[1:]:
        union = exp.union(union, branch, distinct=False)
    keys = [exp.column(c, "m") for c in OUTPUT_COLUMNS]
    return (exp.select(*[k.copy() for k in keys], exp.Count(this=exp.Star()).as_("n"))
            .from_(union.subquery("m"))
            .group_by(*keys))
