"""Acceptance tests of the DoWhy estimate (study/estimate/dag/estimate.py) on SYNTHETIC panels with a
known effect (0.03) and a known confounder (polyarchy at t - 1, raising both onset and the outcome)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from study.estimate.dag.estimate import estimate_effect, unadjusted_effect
from study.estimate.dag.simulate import simulate_panel

from .conftest import build

EFFECT = 0.03
SEEDS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def replications(study_dag):
    """Estimates with the full graph and with the confounder's node removed, per SYNTHETIC seed."""
    out = []
    for seed in SEEDS:
        panel = simulate_panel(n_countries=150, effect=EFFECT, seed=seed)
        af, ident = build(panel, study_dag)
        full = estimate_effect(ident, af, method="backdoor.linear_regression")
        omitted_dag = study_dag.without("democracy")
        af_o, ident_o = build(panel, omitted_dag)
        omitted = estimate_effect(ident_o, af_o, method="backdoor.linear_regression")
        out.append({"full": full, "omitted": omitted, "adjustment_omitted": ident_o.adjustment_set,
                    "unadjusted": unadjusted_effect(af)})
    return out


def test_estimate_is_unbiased(replications):
    values = np.array([r["full"].value for r in replications])
    ses = np.array([r["full"].se for r in replications])
    # mean of independent estimates: within 3 standard errors of the mean of the truth
    assert abs(values.mean() - EFFECT) < 3 * ses.mean() / np.sqrt(len(SEEDS))
    # and each 95% interval is sane (not degenerate)
    assert all(r["full"].ci_low < r["full"].value < r["full"].ci_high for r in replications)


def test_omitting_the_confounder_biases_upwards(replications):
    assert all("democracy" not in r["adjustment_omitted"] for r in replications)
    gaps = np.array([r["omitted"].value - r["full"].value for r in replications])
    # positive confounding (polyarchy raises onset and later practice): leaving it out inflates the effect
    assert np.all(gaps > 0)
    assert gaps.mean() > 4 * np.mean([r["full"].se for r in replications])
    # the unadjusted difference is further off still (all the confounding left in)
    assert all(r["unadjusted"].value > r["full"].value + 2 * r["full"].se for r in replications)


def test_dowhy_estimate_and_standard_errors_match_an_independent_ols(fitted):
    af, est = fitted["af"], fitted["estimate"]
    f = af.frame
    numeric = [c for c in af.confounders if c not in af.categorical]
    import pandas as pd

    x = pd.concat([f[[af.treatment, *numeric]].astype(float),
                   pd.get_dummies(f[af.categorical], drop_first=True, dtype=float)], axis=1)
    ols = sm.OLS(f[af.outcome].to_numpy(), sm.add_constant(x.to_numpy())).fit()
    assert est.value == pytest.approx(ols.params[1], abs=1e-10)
    assert est.se_iid == pytest.approx(ols.bse[1], rel=1e-8)
    # CR1 cluster-robust SE by hand: G/(G-1) (N-1)/(N-K) (X'X)^-1 sum_g X_g'u_g u_g'X_g (X'X)^-1
    xm = sm.add_constant(x.to_numpy())
    u = ols.resid
    bread = np.linalg.inv(xm.T @ xm)
    meat = np.zeros_like(bread)
    for _, idx in f.groupby("iso3").indices.items():
        s = xm[idx].T @ u[idx]
        meat += np.outer(s, s)
    g, n, k = f["iso3"].nunique(), len(f), xm.shape[1]
    v = g / (g - 1) * (n - 1) / (n - k) * bread @ meat @ bread
    assert est.se == pytest.approx(np.sqrt(v[1, 1]), rel=1e-6)
    assert est.n_obs == len(f) and est.n_units == g and est.n_treated_units == int(f[af.treatment].sum())
