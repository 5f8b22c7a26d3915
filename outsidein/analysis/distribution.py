"""Quantiles of elapsed time from order statistics (pure: no Django, no engine).

The definition is the "linear" one of numpy.quantile, R type 7, DuckDB quantile_cont and Spark
percentile: with n sorted values and h = (n - 1) p, the quantile is
x[floor(h)] + (x[ceil(h)] - x[floor(h)]) (h - floor(h)). Engines only find the two order
statistics, in integers, so every engine hands over the same numbers and the one floating-point
step happens here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Quantile:
    """A quantile p = numerator / denominator, e.g. the median 1/2 or the 90th percentile 9/10."""

    name: str
    numerator: int
    denominator: int

    @property
    def p(self) -> float:
        return self.numerator / self.denominator


MEDIAN = Quantile("median", 1, 2)
P90 = Quantile("p90", 9, 10)


def order_statistic_positions(n: np.ndarray, q: Quantile) -> tuple[np.ndarray, np.ndarray]:
    """0-based positions floor(h) and ceil(h) of the two values a quantile interpolates."""
    scaled = (np.asarray(n, dtype=np.int64) - 1) * q.numerator
    low = scaled // q.denominator
    return low, low + (scaled % q.denominator > 0)


def quantile_from_order_statistics(low_value: np.ndarray, high_value: np.ndarray, n: np.ndarray,
                                   q: Quantile) -> np.ndarray:
    """The interpolated quantile; NaN where there are no values (n == 0)."""
    n = np.asarray(n, dtype=np.int64)
    lo = np.asarray(low_value, dtype=float)
    hi = np.asarray(high_value, dtype=float)
    fraction = ((n - 1) * q.numerator % q.denominator) / q.denominator
    with np.errstate(invalid="ignore"):
        return np.where(n > 0, lo + (hi - lo) * fraction, np.nan)


def grouped_order_statistics(groups: np.ndarray, values: np.ndarray, weights: np.ndarray,
                             n_groups: int, q: Quantile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: how many values, and the two order statistics a quantile interpolates.

    Rows must be sorted by group, then value; weights count how often each value occurs.
    Groups without values get 0 for all three.
    """
    groups = np.asarray(groups, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.int64)
    measured = np.bincount(groups, weights=weights, minlength=n_groups).astype(np.int64)
    if not len(groups):
        zeros = np.zeros(n_groups, dtype=np.int64)
        return measured, zeros, zeros
    cumulative = np.cumsum(weights)
    first = np.minimum(np.searchsorted(groups, np.arange(n_groups), side="left"), len(groups) - 1)
    before = cumulative[first] - weights[first]
    low, high = order_statistic_positions(measured, q)
    last = len(values) - 1
    lo = np.asarray(values)[np.minimum(np.searchsorted(cumulative, before + low, side="right"), last)]
    hi = np.asarray(values)[np.minimum(np.searchsorted(cumulative, before + high, side="right"), last)]
    has = measured > 0
    return measured, np.where(has, lo, 0), np.where(has, hi, 0)


def quantile_of_counts(values: np.ndarray, counts: np.ndarray, q: Quantile) -> float | None:
    """The quantile of values repeated counts times (a histogram); None when empty."""
    order = np.argsort(values, kind="stable")
    values, counts = np.asarray(values)[order], np.asarray(counts, dtype=np.int64)[order]
    n = int(counts.sum())
    if n == 0:
        return None
    cumulative = np.cumsum(counts)
    low, high = order_statistic_positions(np.array([n]), q)
    lo = values[np.searchsorted(cumulative, low[0], side="right")]
    hi = values[np.searchsorted(cumulative, high[0], side="right")]
    return float(quantile_from_order_statistics(np.array([lo]), np.array([hi]), np.array([n]), q)[0])

