"""The compliance queries as SQLGlot expressions, built once and rendered per engine (pure).

1. `daily_query`: the one pass over the records. Every rule's branch (rules.Branch) is stacked
   with UNION ALL and counted per version, organization, service, channel, start date, status,
   exclusion reason and elapsed value: a histogram by day, far smaller than the records.
2. `cells_query` and `exclusions_query` read that histogram (registered back as a table) with
   the period table: per cell the counts by status and the two order statistics around the
   median and the 90th percentile (integers, so both engines agree exactly), and the
   exclusions by reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from outsidein.analysis.distribution import MEDIAN, P90, Quantile
from outsidein.compliance.rules import EXCLUDED, MET, MISSED, OUTPUT_COLUMNS, PENDING, UNRECORDED

QUANTILES: tuple[Quantile, ...] = (MEDIAN, P90)
CELL_KEYS = ("version_id", "org_id", "service", "channel", "kind", "period_start", "period_end")


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


def _cells(days: str, periods: str, period_range: tuple[int, int] | None,
           extra: Sequence[str], where: exp.Expression | None = None) -> exp.Select:
    """SELECT cell keys + extra, SUM(n) FROM the daily histogram joined to the period table."""
    keys = [exp.column(c, "p" if c in ("kind", "period_start", "period_end") else "d")
            for c in CELL_KEYS]
    extras = [exp.column(c, "d") for c in extra]
    conditions = []
    if period_range:  # only cells that lie wholly inside the requested period
        conditions += [exp.column("period_start", "p") >= exp.Literal.number(period_range[0]),
                       exp.column("period_end", "p") <= exp.Literal.number(period_range[1])]
    if where is not None:
        conditions.append(where)
    query = (exp.select(*[k.copy() for k in keys + extras],
                        exp.cast(exp.Sum(this=exp.column("n", "d")), "BIGINT").as_("n"))
             .from_(exp.table_(days, alias="d"))
             .join(exp.table_(periods, alias="p"),
                   on=exp.column("day", "p").eq(exp.column("day", "d")), join_type="inner")
             .group_by(*keys, *extras))
    return query.where(exp.and_(*conditions)) if conditions else query


def cells_query(days: str = "oi_days", periods: str = "oi_periods",
                period_range: tuple[int, int] | None = None,
                quantiles: Sequence[Quantile] = QUANTILES) -> exp.Select:
    """One row per cell: records met, missed, pending, excluded, unrecorded, and the order
    statistics around each quantile of elapsed (NULL without elapsed values)."""
    d = exp.column("status")
    counts = _cells(days, periods, period_range, ("status",))
    tallies = [exp.cast(exp.Sum(this=exp.Case().when(d.copy().eq(exp.Literal.number(code)),
                                                    exp.column("n"))), "BIGINT").as_(name)
               for code, name in ((MET, "met"), (MISSED, "missed"), (PENDING, "pending"),
                                  (EXCLUDED, "excluded"), (UNRECORDED, "unrecorded"))]
    keys = [exp.column(c) for c in CELL_KEYS]
    per_cell = (exp.select(*[k.copy() for k in keys], *tallies)
                .from_(counts.subquery("t")).group_by(*[k.copy() for k in keys]))
    stats = quantiles_query(days, periods, period_range, quantiles)
    on = exp.and_(*[exp.NullSafeEQ(this=exp.column(c, "q"), expression=exp.column(c, "k"))
                    for c in CELL_KEYS])
    names = ["measured"] + [f"{q.name}_{side}" for q in quantiles for side in ("lo", "hi")]
    return (exp.select(*[exp.column(c, "k") for c in CELL_KEYS],
                       *[exp.column(c, "k") for c in ("met", "missed", "pending", "excluded",
                                                      "unrecorded")],
                       *[exp.column(c, "q") for c in names])
            .from_(per_cell.subquery("k"))
            .join(stats.subquery("q"), on=on, join_type="left"))


def exclusions_query(days: str = "oi_days", periods: str = "oi_periods",
                     period_range: tuple[int, int] | None = None) -> exp.Select:
    """Records excluded per cell and reason (reason NULL: the measure was not recorded)."""
    status = exp.column("status", "d")
    return _cells(days, periods, period_range, ("reason",),
                  where=status.isin(exp.Literal.number(EXCLUDED), exp.Literal.number(UNRECORDED)))


def quantiles_query(days: str = "oi_days", periods: str = "oi_periods",
                    period_range: tuple[int, int] | None = None,
                    quantiles: Sequence[Quantile] = QUANTILES) -> exp.Select:
    """Per cell: how many elapsed values, and the order statistics around each quantile."""
    histogram = _cells(days, periods, period_range, ("elapsed",),
                       where=exp.column("elapsed", "d").is_(exp.null()).not_())
    partition = [exp.column(c) for c in CELL_KEYS]

    def window(ordered: bool) -> exp.Window:
        spec = (exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING",
                               end="CURRENT ROW") if ordered else None)
        return exp.Window(this=exp.Sum(this=exp.column("n")),
                          partition_by=[p.copy() for p in partition],
                          order=exp.Order(expressions=[exp.Ordered(this=exp.column("elapsed"))])
                          if ordered else None,
                          spec=spec)

    running = (exp.select(*[p.copy() for p in partition], exp.column("elapsed"),
                          exp.cast(window(True), "BIGINT").as_("cum"),
                          exp.cast(window(False), "BIGINT").as_("m"))
               .from_(histogram.subquery("h")))
    m = exp.column("m")
    outputs: list[exp.Expression] = [exp.cast(exp.Max(this=m), "BIGINT").as_("measured")]
    for q in quantiles:
        scaled = exp.paren(exp.Mul(this=exp.paren(exp.Sub(this=m.copy(), expression=exp.Literal.number(1))),
                                   expression=exp.Literal.number(q.numerator)))
        low = exp.IntDiv(this=scaled, expression=exp.Literal.number(q.denominator))
        high = exp.Add(this=low.copy(), expression=exp.Case().when(
            exp.Mod(this=scaled.copy(), expression=exp.Literal.number(q.denominator))
            > exp.Literal.number(0), exp.Literal.number(1)).else_(exp.Literal.number(0)))
        for side, position in (("lo", low), ("hi", high)):
            outputs.append(exp.cast(exp.Min(this=exp.Case().when(
                exp.column("cum") > position, exp.column("elapsed"))), "BIGINT").as_(f"{q.name}_{side}"))
    return (exp.select(*[p.copy() for p in partition], *outputs)
            .from_(running.subquery("c"))
            .group_by(*[p.copy() for p in partition]))
