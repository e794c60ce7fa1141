"""Event-time pre-test (the registered ``pretest``) on mpdta, by hand and against R did 2.5.0's ATT(e)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from study.estimate.did import cs
from study.estimate.did.data import prepare_panel
from study.estimate.did.event_pretest import event_time_pretest

from .conftest import MPDTA, SCENARIOS

SCENARIO = "mpdta_nev_reg_cov"  # outcome regression with lpop: the study's CS method


@pytest.fixture(scope="module")
def dynamic(mpdta):
    control, method, cov = SCENARIOS[SCENARIO]
    panel = prepare_panel(mpdta, covariates=cov, control_group=control, **MPDTA)
    return cs.aggregate(cs.att_gt(panel, control_group=control, method=method), "dynamic")


def test_event_time_wald_equals_hand_computation(dynamic, r_ref):
    """W = theta' Sigma^-1 theta, Sigma = (1/n^2) sum_i psi_i psi_i' over the units (R scale)."""
    pre = event_time_pretest(dynamic, (-5, -1))
    assert pre.event_times == [-3, -2, -1] and pre.df == 3  # mpdta (2003-2007) reaches e = -3 only
    by = {b.key: b for b in dynamic.by}
    theta = np.array([by[e].att for e in (-3, -2, -1)])
    psi = np.column_stack([by[e].inf for e in (-3, -2, -1)])
    n = psi.shape[0]
    sigma = sum(np.outer(psi[i], psi[i]) for i in range(n)) / n ** 2
    w_hand = float(theta @ np.linalg.inv(sigma) @ theta)
    assert pre.stat == pytest.approx(w_hand, rel=1e-10)
    assert pre.p == pytest.approx(float(chi2.sf(w_hand, 3)), rel=1e-10)
    # the covariance's diagonal and theta are R did's aggte(type = "dynamic") for e = -3..-1
    ref = r_ref["aggte"][(r_ref["aggte"].scenario == SCENARIO) & (r_ref["aggte"].type == "dynamic")]
    ref = ref.set_index(ref.egt.astype(int)).loc[[-3, -2, -1]]
    np.testing.assert_allclose(theta, ref.att_egt, rtol=0, atol=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(sigma)), ref.se_egt, rtol=1e-3)


def test_single_event_time_is_squared_t_statistic_of_r_did(dynamic, r_ref):
    ref = r_ref["aggte"][(r_ref["aggte"].scenario == SCENARIO) & (r_ref["aggte"].type == "dynamic")]
    e1 = ref[ref.egt == -1].iloc[0]
    pre = event_time_pretest(dynamic, (-1, -1))
    assert pre.df == 1
    assert pre.stat == pytest.approx((e1.att_egt / e1.se_egt) ** 2, rel=2.5e-3)  # R SEs to 1e-3


def test_window_without_estimates_and_singular_covariance(dynamic):
    none = event_time_pretest(dynamic, (-9, -7))
    assert none.stat is None and none.df == 0 and "no event time" in none.message
    b = next(b for b in dynamic.by if b.key == -1)
    twin = cs.Aggregation("dynamic", dynamic.overall, [cs.Estimate(-2, b.att, b.inf), cs.Estimate(-1, b.att, b.inf)])
    singular = event_time_pretest(twin, (-5, -1))
    assert singular.stat is None and singular.df == 2 and "singular" in singular.message
    with pytest.raises(ValueError):
        event_time_pretest(dynamic, (-2, 0))  # e = 0 is not a pre-period
