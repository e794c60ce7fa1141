"""The PyMC event-study model: structure, the shifted intercept parametrisation, and agreement of the
posterior with an independent OLS event study when the priors are nearly flat (SYNTHETIC panels)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from study.estimate.bayes.model import VARIANTS, build_model, data_arrays, group_weights, unit_means


@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_have_their_parameters(variant, make_small_design, baseline_priors):
    design, _, _ = make_small_design(1)
    model = build_model(design, baseline_priors, variant)
    names = set(model.named_vars)
    assert {"mu", "gamma", "sigma", "sigma_country", "tau_issue_area", "z_region", "dev_leadership"} <= names
    assert ("alpha_shifted" in names) == (variant != "ar1")
    assert ({"rho", "alpha_std", "alpha"} <= names) == (variant == "ar1")
    assert ("nu_minus_one" in names) == (variant == "student_t")
    assert ({"z_trend", "sigma_trend"} <= names) == (variant == "normal_trends")
    assert model.coords["event_time"] == tuple(design.event_times)


def test_ar1_sampling_form_is_the_generative_model(make_small_design, baseline_priors):
    """The ar1 model samples alpha_i = m_i + s_i * alpha_std_i (its conditional posterior given the rest).
    Its log density must equal the generative model's (alpha_i ~ Normal(0, sigma_country) drawn
    directly) plus the log Jacobian sum(log s_i), with s_i computed here from the dense AR(1)
    covariance; and, as a function of alpha_std alone, be exactly -|alpha_std|^2 / 2 + const."""
    design, _, _ = make_small_design(6, ar_rho=0.9, noise_sd=0.02)
    sampling = build_model(design, baseline_priors, "ar1")
    generative = build_model(design, baseline_priors, "ar1", generative=True)
    rng = np.random.default_rng(0)
    point = {k: v + rng.normal(0, 0.3, np.shape(v)) for k, v in sampling.initial_point().items()}
    outs = sampling.replace_rvs_by_values([sampling[n] for n in ("alpha", "sigma", "rho", "sigma_country")])
    alpha, sigma, rho, sigma_c = sampling.compile_fn(outs, inputs=sampling.value_vars, on_unused_input="ignore",
                                                     point_fn=True)(point)
    g_point = {k: v for k, v in point.items() if k != "alpha_std"} | {"alpha": alpha}
    assert set(g_point) == set(generative.initial_point())
    logp_s, logp_g = sampling.compile_logp()(point), generative.compile_logp()(g_point)
    log_jacobian = 0.0
    for i in range(design.n_units):
        years = np.asarray(design.year_idx[design.unit_idx == i])
        cov = sigma ** 2 * rho ** np.abs(years[:, None] - years[None, :]) / (1 - rho ** 2)
        log_jacobian += -0.5 * np.log(np.linalg.inv(cov).sum() + 1 / sigma_c ** 2)
    assert logp_s - logp_g == pytest.approx(log_jacobian, rel=1e-9, abs=1e-7)
    other = dict(point, alpha_std=rng.normal(0, 2, design.n_units))
    expected = -0.5 * ((other["alpha_std"] ** 2).sum() - (point["alpha_std"] ** 2).sum())
    assert sampling.compile_logp()(other) - logp_s == pytest.approx(expected, rel=1e-9, abs=1e-7)


def test_shifted_intercepts_have_the_stated_prior(make_small_design, baseline_priors):
    """alpha = alpha_shifted - shift must be Normal(0, sigma_country) and independent of mu."""
    import pymc as pm

    design, _, _ = make_small_design(2)
    model = build_model(design, baseline_priors, "normal")
    prior = pm.sample_prior_predictive(draws=4000, model=model, random_seed=7,
                                       var_names=["mu", "alpha_shifted", "sigma_country", "dev_issue_area",
                                                  "dev_region", "dev_leadership"]).prior
    mu = prior["mu"].values[0]
    means = unit_means(design)
    dev_unit = sum(prior[f"dev_{k}"].values[0][:, design.group_idx[k]] for k in design.groups)
    shift = mu @ means["event_mean"].T + means["post_mean"][None, :] * dev_unit
    alpha = prior["alpha_shifted"].values[0] - shift
    zscore = alpha / prior["sigma_country"].values[0][:, None]
    treated = np.flatnonzero(design.treated)[:5]
    assert abs(zscore.mean()) < 0.02 and abs(zscore.std() - 1) < 0.02
    for i in treated:
        for e in range(mu.shape[1]):
            assert abs(np.corrcoef(alpha[:, i], mu[:, e])[0, 1]) < 0.06


def test_group_deviations_are_centred_on_treated_countries(compiled_normal, make_small_design, baseline_priors):
    from study.estimate.bayes.sample import SamplerSettings

    design, _, _ = make_small_design(3)
    fit = compiled_normal.sample(design, baseline_priors, SamplerSettings(4, 100, 100, 0.9, 1, progress=False))
    for name in design.groups:
        dev = fit.idata.posterior[f"dev_{name}"].values
        np.testing.assert_allclose(dev @ group_weights(design, name), 0.0, atol=1e-10)


def _ols_event_study(design) -> np.ndarray:
    """Independent estimate: OLS of y on country, year and event-time dummies (statsmodels)."""
    import statsmodels.api as sm

    n, k = design.n_obs, len(design.event_times)
    units = np.unique(design.unit_idx)
    years = np.unique(design.year_idx)
    unit_d = (design.unit_idx[:, None] == units[None, :]).astype(float)
    year_d = (design.year_idx[:, None] == years[None, 1:]).astype(float)
    event_d = np.zeros((n, k))
    has = design.event_idx < k
    event_d[np.flatnonzero(has), design.event_idx[has]] = 1.0
    fit = sm.OLS(design.y, np.hstack([event_d, unit_d, year_d])).fit()
    return np.asarray(fit.params[:k]), np.asarray(fit.bse[:k])


def test_posterior_matches_ols_event_study_under_flat_priors(compiled_normal, make_small_design,
                                                             baseline_priors):
    """With no group heterogeneity and (nearly) flat priors, the posterior mean of mu_e is the OLS
    two-way fixed-effects event-study coefficient and the posterior SD its (homoskedastic) SE."""
    from study.estimate.bayes.sample import SamplerSettings

    design, _, _ = make_small_design(4, group_sd=0.0)
    flat = dataclasses.replace(baseline_priors, name="flat", effect_mean_sd=10.0, group_sd_scale=1e-4,
                               country_sd_scale=10.0, year_sd_scale=10.0)
    fit = compiled_normal.sample(design, flat, SamplerSettings(4, 1000, 1000, 0.9, 11, progress=False))
    post = fit.idata.posterior["mu"].values.reshape(-1, len(design.event_times))
    ols, se = _ols_event_study(design)
    # Country intercepts are partially pooled (random, not fixed, effects), which moves mu by a few
    # hundredths of an SE here; a wrong likelihood or intercept shift moves it by about an SE or more.
    np.testing.assert_allclose(post.mean(axis=0), ols, atol=0.2 * se.min())
    np.testing.assert_allclose(post.std(axis=0), se, rtol=0.1)


def test_data_arrays_index_small_tables(make_small_design):
    design, _, _ = make_small_design(5)
    arrays = data_arrays(design)
    k = len(design.event_times)
    np.testing.assert_array_equal(arrays["unit_post_idx"] % design.n_units, design.unit_idx)
    np.testing.assert_array_equal(arrays["unit_post_idx"] // design.n_units, design.post.astype(int))
    np.testing.assert_array_equal(arrays["year_event_idx"] // (k + 1), design.year_idx)
    np.testing.assert_array_equal(arrays["year_event_idx"] % (k + 1), design.event_idx)
