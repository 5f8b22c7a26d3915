"""Quantiles from order statistics equal numpy's linear quantile (R type 7).

Ours take the interpolation fraction exactly from integers, numpy from (n - 1) * 0.9 in floating
point, so they agree to rounding.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outsidein.analysis.distribution import MEDIAN, P90, quantile_of_counts


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=60))
def test_histogram_quantiles_equal_numpy(values):
    distinct, counts = np.unique(values, return_counts=True)
    for q in (MEDIAN, P90):
        expected = np.quantile(values, q.p)
        assert quantile_of_counts(distinct, counts, q) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_no_values_no_quantile():
    assert quantile_of_counts(np.array([]), np.array([]), MEDIAN) is None
