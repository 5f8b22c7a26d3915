"""Shares with their evidence: the share meeting a standard, its Wilson interval, target met.

Pure: no Django, no engine. Blank is not zero — a share over no records is None.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class Interval:
    """A confidence interval for a proportion."""

    low: float
    high: float


def share_meeting_standard(meeting: int | None, total: int | None) -> float | None:
    """meeting / total, or None when there are no records (never 0% or 100% by default)."""
    if meeting is None or total is None or total <= 0:
        return None
    return meeting / total


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval (no continuity correction), as statsmodels method='wilson'."""
    if total <= 0:
        return None
    z = Z95 if confidence == 0.95 else float(norm.ppf(1 - (1 - confidence) / 2))
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def wilson_intervals(successes: np.ndarray, totals: np.ndarray,
                     confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized Wilson bounds; NaN where total is 0."""
    s = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    z = Z95 if confidence == 0.95 else float(norm.ppf(1 - (1 - confidence) / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def target_met(share: float | None, target: float | None) -> str:
    """The Government of Canada rule: 'Y' if share >= target, 'N' if below, 'NA' without either."""
    if share is None or target is None or (isinstance(share, float) and math.isnan(share)):
        return "NA"
    # Compare at the precision shares are published with, so 0.8 meets a 0.8 target even when
    # the division lands a hair below it in binary floating point.
    return "Y" if round(share, 12) >= round(target, 12) else "N"
