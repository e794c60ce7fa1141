"""Power simulation (study/estimate/power.py) on SYNTHETIC panels only (never the real panel)."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pandas as pd
import pytest

from study.estimate import power
from study.estimate.did.data import DidPanel

from .did.conftest import synthetic_study_panel

OPTIONS = {"control_group": "nevertreated", "method": "reg", "anticipation": 0, "base_period": "varying",
           "event_window": (-5, 5), "primary_window": (0, 3)}


def _synthetic_pool(seed: int = 939377876, n_units: int = 80, years: range = range(2000, 2016)):
    """SYNTHETIC untreated panel with a time-varying covariate and serially correlated shocks."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        alpha, x0, shock = rng.normal(), rng.normal(), 0.0
        for t in years:
            shock = 0.6 * shock + rng.normal(0, 0.3)
            x = x0 + 0.05 * (t - years[0]) + rng.normal(0, 0.1)
            rows.append((f"U{i:03d}", t, 0, alpha + 0.03 * (t - years[0]) + 0.4 * x + shock, x))
    frame = pd.DataFrame(rows, columns=["unit", "time", "cohort", "outcome", "x"])
    # balanced and complete by construction: the checked-panel layout of study.estimate.did.data
    return DidPanel(data=frame, covariates=["x"], source="synthetic pool", balanced=True)


COHORTS = np.array([2004, 2004, 2004, 2006, 2006, 2008, 2008, 2008, 2008, 2010, 2011, 2012])


@pytest.mark.parametrize("base_period,control_group", [("varying", "nevertreated"), ("universal", "nevertreated"),
                                                       ("varying", "notyettreated")])
def test_effect_shortcut_equals_injection_and_re_estimation(base_period, control_group):
    """Adding delta to every treated post-onset outcome shifts the primary estimand by exactly delta
    and leaves its influence-function SE unchanged (outcome regression with a covariate)."""
    options = {**OPTIONS, "base_period": base_period, "control_group": control_group}
    rng = np.random.default_rng(5)
    panel = power.reassign(_synthetic_pool(), COHORTS, rng)
    theta, se = power.primary_estimand(panel, options=options)
    for delta in (0.37, -1.3):
        data = panel.data.copy()
        treated_post = (data["cohort"] > 0) & (data["time"] >= data["cohort"])
        data.loc[treated_post, "outcome"] += delta
        injected = type(panel)(data=data, covariates=panel.covariates, source="synthetic", balanced=True)
        theta_d, se_d = power.primary_estimand(injected, options=options)
        assert abs(theta_d - (theta + delta)) < 1e-10
        assert se_d == pytest.approx(se, rel=1e-10)


def test_power_shortcut_equals_explicit_rejections():
    """For each reassignment, the shortcut's test decision at delta equals the decision after injection."""
    pool, delta, alpha = _synthetic_pool(seed=11), 0.25, 0.05
    draws = power.placebo_draws(pool, COHORTS, simulations=6, seed=3, options=OPTIONS, progress=False)
    rng = np.random.default_rng(3)
    explicit = []
    for _ in range(6):
        panel = power.reassign(pool, COHORTS, rng)
        data = panel.data.copy()
        data.loc[(data["cohort"] > 0) & (data["time"] >= data["cohort"]), "outcome"] += delta
        theta, se = power.primary_estimand(type(panel)(data=data, covariates=panel.covariates, source="syn",
                                                       balanced=True), options=OPTIONS)
        explicit.append(abs(theta) / se > 1.959963984540054)
    shortcut = power.power_at(draws["estimate"].to_numpy(), draws["se"].to_numpy(), np.array([delta]), alpha)[0]
    assert shortcut == pytest.approx(np.mean(explicit), abs=1e-12)
    assert 0 < np.mean(explicit) < 1  # the comparison is informative (not all 0 or all 1)


def test_reassign_keeps_the_cohort_multiset_on_pool_units():
    pool = _synthetic_pool()
    a = power.reassign(pool, COHORTS, np.random.default_rng(1))
    b = power.reassign(pool, COHORTS, np.random.default_rng(1))
    c = power.reassign(pool, COHORTS, np.random.default_rng(2))
    units = a.data.drop_duplicates("unit").set_index("unit")["cohort"]
    assert sorted(units[units > 0]) == sorted(COHORTS) and (units == 0).sum() == 80 - len(COHORTS)
    assert set(units.index) == set(pool.data["unit"])
    pd.testing.assert_frame_equal(a.data, b.data)  # deterministic given the seed
    assert not a.data["cohort"].equals(c.data["cohort"])
    assert pool.data["cohort"].eq(0).all()  # the pool itself is not modified


def test_power_and_minimum_detectable_effect_by_hand():
    theta = np.array([-0.5, 0.1, 0.3, 1.5])
    se = np.ones(4)
    # |theta + d| > 1.96: d = 0 -> none; d = 0.5 -> none... d = 1.7 -> 0.3+1.7=2.0, 1.5+1.7=3.2: 2 of 4
    np.testing.assert_allclose(power.power_at(theta, se, np.array([0.0, 1.7, 3.0]), 0.05), [0.0, 0.5, 1.0])
    grid, pw = np.array([0.0, 0.1, 0.2, 0.3]), np.array([0.05, 0.5, 0.7, 0.9])
    assert power.minimum_detectable_effect(grid, pw, 0.8) == pytest.approx(0.25)  # halfway from 0.7 to 0.9
    assert power.minimum_detectable_effect(grid, pw, 0.7) == pytest.approx(0.2)
    assert power.minimum_detectable_effect(grid, pw, 0.95) is None
    assert power.minimum_detectable_effect(grid, np.array([0.9, 0.9, 1, 1]), 0.8) == 0.0


def _reduced_spec(root, simulations: int) -> None:
    path = root / "preregistration" / "analysis.toml"
    text = re.sub(r"^simulations = \d+", f"simulations = {simulations}", path.read_text(), flags=re.M)
    path.write_text(text)


def test_power_step_on_synthetic_panel(study_root):
    """``python -m study power`` on a SYNTHETIC panel following the panel contract. The draws do not
    depend on the real treated countries' outcomes (scrambling them leaves draws.csv byte-identical)."""
    from study.cli import main

    _reduced_spec(study_root, simulations=4)
    panel = synthetic_study_panel()
    panel.to_parquet(study_root / "data" / "derived" / "panel.parquet", index=False)
    assert main(["power"]) == 0
    out = study_root / "results" / "power"
    tidy = pd.read_csv(out / "power.csv", keep_default_na=False)
    assert list(tidy.spec_id.unique()) == ["H1a", "H1b", "H1c", "H1d", "H1e"]  # confirmatory + H1e
    h1a = tidy[tidy.spec_id == "H1a"]
    assert set(h1a.quantity) == {"power", "false_positive_rate", "mde"}
    pw = h1a[h1a.quantity == "power"]
    assert pw.delta_sd.astype(float).tolist() == [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]
    np.testing.assert_allclose(pw.delta.astype(float), pw.delta_sd.astype(float) * float(pw.outcome_sd.iloc[0]))
    assert (pw.n_simulations.astype(int) == 4).all()
    # the pool is every country of the estimation sample: the real design's treated and controls
    first = pw.iloc[0]
    assert int(first.n_controls) == int(first.n_real_controls)
    assert int(first.n_pseudo_treated) + int(first.n_controls) == first.n_obs / panel.year.nunique()
    assert tidy[tidy.spec_id == "H1e"].quantity.eq("power").any()
    md = (out / "power.md").read_text()
    assert "| H1a |" in md and "False-positive rate" in md
    draws = pd.read_csv(out / "draws.csv", keep_default_na=False)

    # the real assignment never enters: the reassignment pool carries no cohort (all zeros), and its
    # countries are the real design's treated and comparison countries together
    spec = tomllib.loads((study_root / "preregistration" / "analysis.toml").read_text())
    est = next(e for e in spec["estimates"] if e["id"] == "H1e")
    d = power.power_design(panel, spec=spec, est=est, source="synthetic panel")
    assert d.pool.data["cohort"].eq(0).all()
    assert d.pool.n_units == len(d.cohorts) + d.n_real_controls
    assert set(panel.loc[panel.cohort_any > 0, "iso3"]) & set(d.pool.data["unit"])
