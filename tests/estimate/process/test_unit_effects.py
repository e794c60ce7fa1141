"""Per-country imputation effects checked against an independent dummy-variable OLS (SYNTHETIC panels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.estimate.did.data import prepare_panel
from study.estimate.did.imputation_variance import fit_imputation
from study.estimate.process.unit_effects import unit_effects

WINDOW = (0, 3)


def synthetic_panel(seed: int = 7) -> pd.DataFrame:
    """SYNTHETIC: 40 countries, 2000-2012, cohorts 2005/2008/never, heterogeneous unit effects."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(40):
        cohort = (2005, 2008, 0, 0)[i % 4]
        a, slope = rng.normal(0, 1), rng.normal(0.05, 0.03)
        x0 = rng.normal(0, 1)
        for t in range(2000, 2013):
            x = x0 + 0.1 * (t - 2000) + rng.normal(0, 0.2)
            effect = slope * (t - cohort + 1) if cohort and t >= cohort else 0.0
            rows.append({"unit": f"C{i:02d}", "time": t, "cohort": cohort, "x": x,
                         "y": a + 0.03 * (t - 2000) + 0.5 * x + effect + rng.normal(0, 0.1)})
    return pd.DataFrame(rows)


def independent(df: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    """Y(0) from OLS on untreated rows with unit and year dummies (numpy lstsq), its per-unit
    window mean of Y - Y(0), and BJS's Theorem 3 SE written with explicit dummy matrices."""
    treated = (df.cohort > 0) & (df.time >= df.cohort)
    dummies = pd.get_dummies(df[["unit"]].astype(str)).join(pd.get_dummies(df["time"].astype(str), drop_first=True))
    a = np.column_stack([dummies.to_numpy(dtype=float), df[covariates].to_numpy(dtype=float)])
    a0, a1 = a[~treated.to_numpy()], a[treated.to_numpy()]
    beta = np.linalg.lstsq(a0, df.y[~treated].to_numpy(), rcond=None)[0]
    resid0 = df.y[~treated].to_numpy() - a0 @ beta
    tau = df.y[treated].to_numpy() - a1 @ beta
    tr = df[treated].assign(tau=tau, e=lambda d: d.time - d.cohort)
    out = []
    for unit, rows in tr[(tr.e >= WINDOW[0]) & (tr.e <= WINDOW[1])].groupby("unit"):
        w = np.where((tr.unit == unit) & (tr.e >= WINDOW[0]) & (tr.e <= WINDOW[1]), 1.0 / len(rows), 0.0)
        v0 = -a0 @ np.linalg.pinv(a0.T @ a0) @ (a1.T @ w)
        # the unit's own cell averages equal its effects, so treated residuals vanish (see unit_effects)
        psi = pd.Series(v0 * resid0).groupby(df.unit[~treated].to_numpy()).sum()
        out.append({"iso3": unit, "effect": rows.tau.mean(), "se": float(np.sqrt((psi ** 2).sum()))})
    return pd.DataFrame(out)


@pytest.mark.parametrize("covariates", [[], ["x"]])
def test_unit_effects_match_an_independent_ols(covariates):
    df = synthetic_panel()
    panel = prepare_panel(df, unit="unit", time="time", cohort="cohort", outcome="y", covariates=covariates)
    got = unit_effects(panel, fit_imputation(panel, covariates=covariates), WINDOW).set_index("iso3")
    ref = independent(df, covariates).set_index("iso3")
    assert list(got.index) == list(ref.index) and len(got) == 20
    np.testing.assert_allclose(got["effect"], ref["effect"], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(got["se"], ref["se"], rtol=1e-7)
    assert set(got["event_times"]) == {"0..3"}


def test_unit_effects_average_to_the_pooled_imputation_estimate():
    df = synthetic_panel(seed=11)
    panel = prepare_panel(df, unit="unit", time="time", cohort="cohort", outcome="y")
    fit = fit_imputation(panel)
    got = unit_effects(panel, fit, WINDOW)
    # every treated unit reaches the whole window, so the mean of unit means is the mean over cells
    pooled, _ = fit.effect(fit.event_time_weights(range(WINDOW[0], WINDOW[1] + 1)))
    assert got["effect"].mean() == pytest.approx(pooled, rel=1e-10)
