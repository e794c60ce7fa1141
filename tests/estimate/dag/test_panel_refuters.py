"""Panel-aware refuters (study/estimate/dag/panel_refuters.py) on SYNTHETIC panels and frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from study.estimate.dag import panel_refuters as pr
from study.estimate.dag.data import AnalysisFrame
from study.estimate.dag.simulate import simulate_panel

from .conftest import build


def _design(fitted):
    af = fitted["af"]
    return pr.design(af.frame, treatment=af.treatment, outcome=af.outcome,
                     adjustment=fitted["ident"].adjustment_set, categorical=af.categorical)


def test_design_reproduces_dowhys_estimate(fitted):
    d = _design(fitted)
    assert pr.ols_effect(d.x, d.y) == pytest.approx(fitted["estimate"].value, abs=1e-10)


def test_vectorised_resampling_equals_refitting_each_draw(fitted):
    d = _design(fitted)
    rng = np.random.default_rng(3)
    n_c = len(d.countries)
    weights = np.zeros((4, n_c))
    for b in range(4):
        np.add.at(weights[b], rng.integers(0, n_c, n_c), 1.0)
    fast = pr._weighted_effects(d, weights)
    for b in range(4):
        rows = np.concatenate([np.repeat(np.flatnonzero(d.country == c), int(w)) for c, w in enumerate(weights[b])])
        assert fast[b] == pytest.approx(pr.ols_effect(d.x[rows], d.y[rows]), abs=1e-9)


def _panel_frame(country_sd: float, seed: int, *, persistent: bool, n_countries: int = 120,
                 n_years: int = 12) -> AnalysisFrame:
    """SYNTHETIC frame with no true effect: outcome = country effect (SD ``country_sd``) + noise, year
    dummies as the only adjustment. Half the countries are treated from a random year on; with
    ``persistent`` the treatment stays 1 afterwards (a regressor correlated within country), otherwise
    it is the one-off onset indicator of the DAG frame (the country leaves the frame after onset)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_countries):
        onset = int(rng.integers(2006, 2006 + n_years)) if i % 2 == 0 else 0
        c = rng.normal(0, country_sd)
        for year in range(2006, 2006 + n_years):
            if onset and year > onset and not persistent:
                break
            treated = int(onset > 0 and (year >= onset if persistent else year == onset))
            rows.append({"iso3": f"C{i:03d}", "year": year, "cohort": onset, "campaign_onset": treated,
                         "outcome_lead": c + rng.normal(0, 0.05), "calendar_year": year})
    frame = pd.DataFrame(rows)
    frame["calendar_year"] = pd.Categorical(frame["calendar_year"])
    return AnalysisFrame(frame=frame, candidates=frame, treatment="campaign_onset", outcome="outcome_lead",
                         confounders=["calendar_year"], categorical=["calendar_year"], horizon=0)


def _iid_bootstrap_cr1(af: AnalysisFrame) -> tuple[float, float, float]:
    d = pr.design(af.frame, treatment=af.treatment, outcome=af.outcome, adjustment=["calendar_year"],
                  categorical=["calendar_year"])
    fit = sm.OLS(d.y, d.x).fit()
    boot = pr.country_bootstrap(d, resamples=400, rng=np.random.default_rng(0))
    clustered = fit.get_robustcov_results(cov_type="cluster", groups=d.country)
    return float(fit.bse[1]), float(boot.std(ddof=1)), float(clustered.bse[1])


def test_country_bootstrap_se_exceeds_iid_se_with_shared_country_shocks():
    iid, boot, cr1 = _iid_bootstrap_cr1(_panel_frame(0.3, seed=1, persistent=True))
    assert boot > 2 * iid                       # shocks shared within a country widen the spread
    assert boot == pytest.approx(cr1, rel=0.2)  # and the bootstrap agrees with the analytic CR1 SE
    iid0, boot0, cr10 = _iid_bootstrap_cr1(_panel_frame(0.0, seed=1, persistent=True))
    assert boot0 == pytest.approx(iid0, rel=0.3) and boot0 == pytest.approx(cr10, rel=0.2)


def test_one_off_onset_indicator_gains_little_from_clustering():
    """Moulton: the inflation is about 1 + rho_x rho_e (n - 1); a one-off onset indicator has almost no
    within-country correlation (rho_x ~ 0), so even strong country shocks barely widen its SE. The
    bootstrap must still agree with the analytic cluster SE."""
    iid, boot, cr1 = _iid_bootstrap_cr1(_panel_frame(0.3, seed=1, persistent=False))
    assert boot == pytest.approx(cr1, rel=0.2)
    assert boot < 1.5 * iid


def test_timing_permutation_is_centred_on_zero_under_the_null(study_dag):
    af, ident = build(simulate_panel(n_countries=150, effect=0.0, seed=31), study_dag)
    draws = pr.timing_permutation(af, adjustment=ident.adjustment_set, resamples=60,
                                  rng=np.random.default_rng(4))
    assert abs(draws.mean()) < 3 * draws.std(ddof=1) / np.sqrt(len(draws))
    assert draws.std(ddof=1) > 0


def test_timing_permutation_detects_a_real_effect(fitted):
    draws = pr.timing_permutation(fitted["af"], adjustment=fitted["ident"].adjustment_set, resamples=60,
                                  rng=np.random.default_rng(5))
    # the real effect (0.03, several SEs) is beyond every permutation; placebo effects are centred at zero
    assert pr.permutation_p_value(draws, fitted["estimate"].value) == pytest.approx(1 / 61)
    assert abs(draws.mean()) < 0.3 * fitted["estimate"].value


def test_permutations_keep_the_onset_year_structure(fitted):
    af = fitted["af"]
    real = af.candidates.groupby("iso3")["cohort"].first().sort_values().to_numpy()
    rng = np.random.default_rng(0)
    permuted = rng.permutation(af.candidates.groupby("iso3", sort=True)["cohort"].first().to_numpy())
    assert np.array_equal(np.sort(permuted), real)


def test_country_subset_stays_near_the_estimate(fitted):
    d = _design(fitted)
    draws = pr.country_subset(d, resamples=50, fraction=0.8, rng=np.random.default_rng(6))
    assert draws.mean() == pytest.approx(fitted["estimate"].value, abs=fitted["estimate"].se)
    assert pr.within_distribution_p_value(draws, fitted["estimate"].value) > 0.2


def test_p_values():
    draws = np.array([0.1, 0.2, 0.3, -0.1])
    assert pr.bootstrap_p_value(draws) == pytest.approx(2 * 2 / 5)
    assert pr.permutation_p_value(np.array([0.01, -0.02, 0.5]), 0.1) == pytest.approx(2 / 4)
    assert pr.within_distribution_p_value(np.array([1.0, 2.0, 3.0, 4.0]), 2.5) == pytest.approx(1.0)
