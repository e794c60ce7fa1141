"""Imputation (BJS) against an independent OLS on the untreated cells (hand computation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.estimate.did.data import prepare_panel
from study.estimate.did.imputation import imputation

from .conftest import MPDTA, simulate_staggered


def _hand_imputation(df: pd.DataFrame) -> pd.Series:
    """Fit y = a_i + l_t on untreated observations by least squares, impute Y(0), average by e."""
    untreated = (df.cohort == 0) | (df.time < df.cohort)
    units, times = np.unique(df.unit), np.unique(df.time)
    ui = np.searchsorted(units, df.unit)
    ti = np.searchsorted(times, df.time)
    X = np.zeros((len(df), len(units) + len(times) - 1))
    X[np.arange(len(df)), ui] = 1.0
    has_t = ti > 0
    X[np.flatnonzero(has_t), len(units) + ti[has_t] - 1] = 1.0
    beta, *_ = np.linalg.lstsq(X[untreated.to_numpy()], df.y.to_numpy()[untreated.to_numpy()], rcond=None)
    tau = df.y.to_numpy() - X @ beta
    treated = ~untreated.to_numpy()
    e = (df.time - df.cohort).to_numpy()[treated]
    return pd.Series(tau[treated]).groupby(e).mean()


@pytest.mark.parametrize("which", ["mpdta", "synthetic"])
def test_event_time_effects_equal_hand_ols(mpdta, which):
    if which == "mpdta":
        df = mpdta.rename(columns={"countyreal": "unit", "year": "time", "first.treat": "cohort", "lemp": "y"})
    else:
        df = simulate_staggered(n_per=12, n_never=8, years=range(2000, 2010), cohorts=(2003, 2006))
    panel = prepare_panel(df, unit="unit", time="time", cohort="cohort", outcome="y")
    es = imputation(panel)["event_study"].set_index("event_time")
    hand = _hand_imputation(df)
    for e, value in hand.items():
        assert es.loc[e, "att"] == pytest.approx(value, abs=1e-8)


def test_study_step_writes_imputation_primary_row():
    """The study step's imputation branch writes a ``primary`` row: the mean of its event-time
    effects over [did].primary_window with the BJS SE (SYNTHETIC panel; reduced: no bootstrap, no
    HonestDiD, imputation only). The SE itself is validated in test_imputation_variance.py."""
    import copy
    import warnings

    from study import config
    from study.estimate.did import study_step

    from .conftest import synthetic_study_panel

    spec = copy.deepcopy(config.spec())
    spec["did"]["bootstrap_draws"] = 0
    spec.pop("honestdid", None)
    est = {**next(e for e in spec["estimates"] if e["id"] == "H1a"), "estimators": ["imputation"]}
    primary = study_step.variants(spec, est)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows, out = study_step.run_one(synthetic_study_panel(), spec=spec, est=est, variant=primary,
                                       source="synthetic")
    tidy = pd.DataFrame(rows)
    imp = tidy[tidy.estimator == "imputation"]
    row = imp[imp.estimand == "primary"].iloc[0]
    w0, w1 = spec["did"]["primary_window"]
    ev = imp[imp.estimand == "event_time"].assign(e=lambda d: d.key.astype(int)).set_index("e")
    assert row.estimate == pytest.approx(ev.loc[w0:w1, "estimate"].mean(), abs=1e-10)
    assert 0 < row.se < ev.loc[w0:w1, "se"].mean()
    assert row.ci_low == pytest.approx(row.estimate - 1.959963984540054 * row.se, abs=1e-12)
    assert out["imputation"]["primary"]["event_times"] == list(range(w0, w1 + 1))
