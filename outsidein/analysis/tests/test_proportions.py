"""Shares and intervals agree with independent implementations (statsmodels, R)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from outsidein.analysis.proportions import (
    share_meeting_standard,
    target_met,
    wilson_interval,
    wilson_intervals,
)


def test_reference_values_from_r():
    # TESTING.md: Wilson 95% CI for 7/21, as R's prop.test(correct=FALSE) gives it.
    interval = wilson_interval(7, 21)
    assert interval.low == pytest.approx(0.171947526051, abs=1e-12)
    assert interval.high == pytest.approx(0.546265480257, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(1, 10**7), frac=st.floats(0, 1))
def test_matches_statsmodels(total, frac):
    k = int(total * frac)
    low, high = proportion_confint(k, total, method="wilson")
    ours = wilson_interval(k, total)
    assert ours.low == pytest.approx(low, abs=1e-12)
    assert ours.high == pytest.approx(high, abs=1e-12)
    vlow, vhigh = wilson_intervals(np.array([k]), np.array([total]))
    assert vlow[0] == pytest.approx(low, abs=1e-12) and vhigh[0] == pytest.approx(high, abs=1e-12)


def test_blank_is_not_zero():
    assert share_meeting_standard(0, 0) is None
    assert share_meeting_standard(None, 10) is None
    assert wilson_interval(0, 0) is None
    low, high = wilson_intervals(np.array([0, 1]), np.array([0, 2]))
    assert np.isnan(low[0]) and not np.isnan(low[1])
    assert target_met(None, 0.8) == "NA" and target_met(0.9, None) == "NA"


def test_target_met_rule():
    assert target_met(share_meeting_standard(8, 10), 0.8) == "Y"
    assert target_met(share_meeting_standard(7, 10), 0.8) == "N"
    assert target_met(share_meeting_standard(1, 1), 1.0) == "Y"
