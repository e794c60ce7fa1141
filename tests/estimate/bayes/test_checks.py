"""Model checks: log-likelihood (against a NumPy/SciPy computation), LOO comparison, posterior and prior
predictive draws, PPC statistics (SYNTHETIC panels)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from study.estimate.bayes import checks
from study.estimate.bayes.model import unit_means
from study.estimate.bayes.sample import SamplerSettings

SETTINGS = SamplerSettings(chains=4, draws=300, tune=300, target_accept=0.9, seed=77, progress=False)


@pytest.fixture(scope="module")
def fitted(compiled_normal, make_small_design, baseline_priors):
    design, _, _ = make_small_design(41, event_effects={k: 0.08 for k in range(6)})
    return design, compiled_normal.sample(design, baseline_priors, SETTINGS)


@pytest.fixture(scope="module")
def fitted_ar1(compiled_ar1, make_small_design, baseline_priors):
    """SYNTHETIC panel with AR(1) residuals (rho 0.9), fitted with the ar1 model."""
    design, _, _ = make_small_design(43, event_effects={k: 0.08 for k in range(6)}, ar_rho=0.9, noise_sd=0.02)
    return design, compiled_ar1.sample(design, baseline_priors, SETTINGS)


def _eta(post, design, chain, draw):
    """Linear predictor of one draw, computed from the posterior with NumPy (independent of PyTensor)."""
    p = {k: post[k].values[chain, draw] for k in ("mu", "gamma")}
    dev_unit = sum(post[f"dev_{k}"].values[chain, draw][design.group_idx[k]] for k in design.groups)
    if "alpha" in post:                     # ar1: the intercepts are recorded
        alpha = post["alpha"].values[chain, draw]
    else:
        means = unit_means(design)
        alpha = post["alpha_shifted"].values[chain, draw] - means["event_mean"] @ p["mu"] - means["post_mean"] * dev_unit
    mu_ext = np.append(p["mu"], 0.0)
    return (alpha[design.unit_idx] + p["gamma"][design.year_idx] + mu_ext[design.event_idx]
            + design.post * dev_unit[design.unit_idx])


def test_log_likelihood_matches_scipy(fitted, compiled_normal, make_small_design, baseline_priors):
    design, fit = fitted
    other, _, _ = make_small_design(42)
    compiled_normal.set_data(other, baseline_priors)          # must be reset to the fit's data
    ll = checks.log_likelihood(compiled_normal, fit, design)["y_obs"].values
    post = fit.idata.posterior
    for chain, draw in ((0, 0), (2, 123), (3, 299)):
        expected = stats.norm.logpdf(design.y, _eta(post, design, chain, draw), post["sigma"].values[chain, draw])
        np.testing.assert_allclose(ll[chain, draw], expected, rtol=1e-9, atol=1e-9)


def test_ar1_log_likelihood_matches_scipy(fitted_ar1, compiled_ar1, make_small_design, baseline_priors):
    """Pointwise terms: first year N(0, sigma / sqrt(1 - rho^2)), later years N(rho r_prev, sigma) of the
    residual r = y - eta (SciPy, from the posterior draws); per country they sum to the SciPy
    multivariate normal density with the stationary AR(1) covariance."""
    design, fit = fitted_ar1
    other, _, _ = make_small_design(44)
    compiled_ar1.set_data(other, baseline_priors)              # must be reset to the fit's data
    ll = checks.log_likelihood(compiled_ar1, fit, design)["y_obs"].values
    post = fit.idata.posterior
    first = np.r_[True, design.unit_idx[1:] != design.unit_idx[:-1]]
    for chain, draw in ((0, 0), (1, 57), (3, 299)):
        r = design.y - _eta(post, design, chain, draw)
        sigma, rho = float(post["sigma"].values[chain, draw]), float(post["rho"].values[chain, draw])
        expected = np.where(first, stats.norm.logpdf(r, 0.0, sigma / np.sqrt(1 - rho ** 2)),
                            stats.norm.logpdf(r, rho * np.r_[0.0, r[:-1]], sigma))
        np.testing.assert_allclose(ll[chain, draw], expected, rtol=1e-9, atol=1e-9)
        for unit in np.unique(design.unit_idx)[:3]:
            rows = design.unit_idx == unit
            t = design.year_idx[rows]
            cov = sigma ** 2 * rho ** np.abs(t[:, None] - t[None, :]) / (1 - rho ** 2)
            joint = stats.multivariate_normal(np.zeros(rows.sum()), cov).logpdf(r[rows])
            assert ll[chain, draw][rows].sum() == pytest.approx(joint, rel=1e-9)


def test_loo_prefers_ar1_on_autocorrelated_residuals(fitted_ar1, compiled_ar1, compiled_normal, baseline_priors):
    """On AR(1) data, the ar1 model's one-step conditional terms beat the independent-residual model."""
    design, fit = fitted_ar1
    fit_normal = compiled_normal.sample(design, baseline_priors, SETTINGS)
    table = checks.loo_table({"ar1": checks.loo(compiled_ar1, fit, design),
                              "normal": checks.loo(compiled_normal, fit_normal, design)})
    assert list(table["model"]) == ["ar1", "normal"]
    row = table.set_index("model").loc["normal"]
    assert row["elpd_diff"] > 10 * row["elpd_diff_se"]


def test_ar1_predictive_draws_are_autocorrelated(fitted_ar1, compiled_ar1, baseline_priors):
    """Posterior replicates are joint AR(1) draws (residual lag-1 correlation near the posterior rho, not
    one-step predictions around the observed values); prior draws come from the generative form."""
    design, fit = fitted_ar1
    post = fit.idata.posterior
    y_rep = checks.posterior_predictive(compiled_ar1, fit, design, seed=5, n_draws=100)
    assert y_rep.shape == (100, design.n_obs)
    chains, draws = post.sizes["chain"], post.sizes["draw"]
    step = max(1, chains * draws // 100)
    eta = np.stack([_eta(post, design, c, d) for c in range(chains) for d in range(0, draws, step)])
    r = y_rep - eta
    same = design.unit_idx[1:] == design.unit_idx[:-1]
    lag1 = np.corrcoef(r[:, 1:][:, same].ravel(), r[:, :-1][:, same].ravel())[0, 1]
    assert lag1 == pytest.approx(float(post["rho"].mean()), abs=0.05)
    assert np.abs(y_rep - design.y).mean() > 0.1          # not the observed values
    draws = checks.prior_predictive(compiled_ar1, design, baseline_priors, window=(0, 3), seed=3, draws=500)
    assert np.std(draws["pooled"]) == pytest.approx(baseline_priors.effect_mean_sd / 2, rel=0.15)
    assert draws["y"].shape == (500, design.n_obs) and np.isfinite(draws["y"]).all()


def test_loo_prefers_the_model_that_fits(fitted, compiled_normal, baseline_priors):
    design, fit = fitted
    wrong = dataclasses.replace(baseline_priors, name="no_effect", effect_mean_sd=1e-3)
    fit_wrong = compiled_normal.sample(design, wrong, SETTINGS)
    table = checks.loo_table({"baseline": checks.loo(compiled_normal, fit, design),
                              "no_effect": checks.loo(compiled_normal, fit_wrong, design)})
    assert list(table["model"]) == ["baseline", "no_effect"]
    row = table.set_index("model").loc["no_effect"]
    assert row["elpd_diff"] > 4 * row["elpd_diff_se"]
    assert {"elpd_loo", "p_loo", "stacking_weight", "pareto_k_above_0.7"} <= set(table.columns)


def test_posterior_predictive_conditions_on_the_posterior(fitted, compiled_normal):
    design, fit = fitted
    y_rep = checks.posterior_predictive(compiled_normal, fit, design, seed=5, n_draws=100)
    assert y_rep.shape == (100, design.n_obs)
    np.testing.assert_array_equal(y_rep, checks.posterior_predictive(compiled_normal, fit, design, seed=5,
                                                                     n_draws=100))
    # Resampled from the prior instead, the replicated means would not track the data.
    assert np.corrcoef(y_rep.mean(axis=0), design.y)[0, 1] > 0.95
    table = checks.ppc_statistics(design, y_rep)
    assert list(table["statistic"]) == list(checks.PPC_STATISTICS)
    assert table.set_index("statistic").loc["sd", "ppp_value"] > 0.01


def test_ppc_statistics_and_first_differences(fitted):
    design, _ = fitted
    table = checks.ppc_statistics(design, np.tile(design.y, (10, 1)))
    np.testing.assert_allclose(table["observed"], table["replicated_mean"], rtol=1e-12)
    assert (checks.ppc_statistics(design, np.tile(2 * design.y, (10, 1)))["ppp_value"] == 1.0).all()
    assert (checks.ppc_statistics(design, np.tile(0.5 * design.y, (10, 1)))["ppp_value"] == 0.0).all()
    frame = pd.DataFrame({"u": design.unit_idx, "t": design.year_idx, "y": design.y})
    expected = frame.groupby("u")["y"].diff().dropna().to_numpy()
    np.testing.assert_allclose(checks.first_differences(design.y, design)[0], expected)


def test_prior_predictive_pooled_effect_scale(fitted, compiled_normal, baseline_priors):
    design, _ = fitted
    draws = checks.prior_predictive(compiled_normal, design, baseline_priors, window=(0, 3), seed=3, draws=2000)
    # Mean of four independent Normal(0, s) effects: SD s / 2.
    assert np.std(draws["pooled"]) == pytest.approx(baseline_priors.effect_mean_sd / 2, rel=0.08)
    assert draws["y"].shape == (2000, design.n_obs)
