"""The PyMC hierarchical staggered event-study model and its variants.

On the standardised outcome y_it (country i, year t):

    y_it = alpha_i + gamma_t [+ delta_i (t - tbar)] + sum_e D_it^e mu_e
           + post_it (a_issue[i] + b_region[i] + c_lead[i]) + eps_it

* ``alpha_i ~ Normal(0, sigma_country)``: country intercepts (the outcome is centred, so no separate
  intercept). Each has ~20-30 observations with a small residual SD, so the data pin it down and a
  centred form is the efficient one (Papaspiliopoulos, Roberts & Skold 2007; Betancourt & Girolami
  2015). It is sampled *shifted*: the free parameter is ``alpha_shifted_i = alpha_i + s_i`` with
  ``s_i`` the country's mean of its own effect terms (event-time dummies times mu, post indicator
  times deviation), i.e. ``alpha_shifted_i ~ Normal(s_i, sigma_country)``. This is the same model
  (a shift with unit Jacobian; the prior of alpha is unchanged, tested), but the free parameters
  become nearly orthogonal to mu (the Mundlak / within transformation), which removed the slow
  mixing of mu (R-hat 1.02-1.04 with the plain form on a 180 x 29 synthetic panel).
* ``gamma_t ~ ZeroSumNormal(sigma_year)``: year effects constrained to sum to zero, which removes
  the alpha/gamma level ridge that a diagonal mass matrix cannot adapt to; sampled non-centred
  (``gamma = sigma_year * gamma_z``, ``gamma_z ~ ZeroSumNormal(1)``), because on the study panel the
  year effects are small (sigma_year about 0.01 outcome SDs) and the centred form left a funnel
  with sigma_year that failed the E-BFMI gate (0.17 on H6's model).
* ``mu_e ~ Normal(0, effect_mean_sd)`` for e in ``[bayes].event_times`` without the reference
  e = -1 (endpoint-binned; e = -3 and -2 are placebo / pre-trend coefficients).
* Group deviations after onset, ``a_g = tau_issue * (z_g - sum_h w_h z_h)`` (likewise region,
  leadership and the per-estimate dimensions), ``z ~ Normal(0, 1)``, ``tau_k ~
  HalfNormal(group_sd_scale)``, ``w`` the share of treated countries per category: **non-centred**,
  because categories hold few treated countries and the data say little about some deviations
  (the funnel case). (A centred form for a category holding most treated countries, such as H6's
  62 of 77 without documented engagement, produced divergences on the study panel.) The deviations are additive and
  constant over post-onset event times: cohorts are too small to separate group x event-time
  cells, and the reported quantity is the window average. Known weakness: when the data pin the
  deviations down and a scale's prior is wide (the ``wide`` set, 3 leadership types), the
  non-centred form has an inverted funnel at large tau and NUTS diverges at target_accept 0.9;
  the step then re-samples at ``[bayes].target_accept_retry`` (0.99 removed the divergences).
* The pooled dimensions are an argument (``pooling``, default :data:`POOLING`): an estimate can
  pool over other first-campaign groups (``engagement``, ``leadership_model``: the H6 / H7 groups,
  :mod:`.design`) with the same form, one ``tau``/``z`` pair per dimension.
* ``eps_it ~ Normal(0, sigma)`` (variants ``normal``, ``normal_trends``) or Student-t with
  ``nu = 1 + Exponential(nu_rate)`` (``student_t``), ``sigma ~ HalfNormal(sigma_scale)``.
* ``normal_trends`` adds country linear trends ``delta_i = sigma_trend * z_i`` (non-centred;
  the trend is a small deviation the data identify only weakly), ``t - tbar`` centred so trends
  and intercepts are nearly orthogonal.

The prior scales are ``pm.Data`` (names ``prior_<scale>``), so one compiled model serves every
prior set (``nutpie``'s ``with_data``) instead of being recompiled for each.

Group deviations are centred on the treated countries (weights = share of treated countries per
category), so mu_e is the average effect over treated countries, the quantity CS's cohort-size
weights target, and mu is not confounded with the mean of the deviations (which, left free,
made the post-onset mu_e mix poorly: posterior SD 0.09 instead of 0.03 on the synthetic panel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from study.estimate.bayes import ar1
from study.estimate.bayes.priors import PriorSet

if TYPE_CHECKING:  # pragma: no cover
    import pymc as pm

    from study.estimate.bayes.design import EventDesign

VARIANTS: tuple[str, ...] = ("ar1", "normal", "student_t", "normal_trends")
POOLING: tuple[str, ...] = ("issue_area", "region", "leadership")


def prior_data_name(scale: str) -> str:
    return f"prior_{scale}"


def build_model(design: "EventDesign", priors: PriorSet, variant: str = "normal",
                pooling: tuple[str, ...] | list[str] = POOLING, *, generative: bool = False) -> "pm.Model":
    """The PyMC model of ``variant`` for ``design`` with the scales of ``priors`` (see module docstring).

    ``generative=True`` gives the ``ar1`` model in its generative form (country intercepts drawn from
    their prior), the same distribution as the sampling form, for prior predictive draws; the other
    variants have one form.
    """
    import pymc as pm
    import pytensor.tensor as pt

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    unknown = [p for p in pooling if p not in design.groups]
    if unknown:
        raise ValueError(f"unknown pooling dimension(s) {unknown}")
    coords = {"unit": design.units, "year": design.years, "event_time": design.event_times}
    coords.update({p: design.groups[p] for p in pooling})
    data = data_arrays(design, pooling)
    with pm.Model(coords=coords) as model:
        scale = {k: pm.Data(prior_data_name(k), np.float64(v)) for k, v in priors.scales().items()}
        d = {name: pm.Data(name, value) for name, value in data.items()}
        event_mean, post_mean = d["event_mean"], d["post_mean"]

        mu = pm.Normal("mu", 0.0, scale["effect_mean_sd"], dims="event_time")
        dev_unit = pt.zeros(design.n_units)
        for name in pooling:
            idx, weights = d[f"{name}_idx"], d[f"{name}_weights"]
            tau = pm.HalfNormal(f"tau_{name}", scale["group_sd_scale"])
            z = pm.Normal(f"z_{name}", 0.0, 1.0, dims=name)
            dev = pm.Deterministic(f"dev_{name}", tau * (z - pt.dot(weights, z)), dims=name)
            dev_unit = dev_unit + dev[idx]
        year_event_mu = pt.concatenate([mu, pt.zeros(1)])[None, :]               # 1 x event bin
        y = d["y"]

        if variant == "ar1":
            sigma_country = pm.HalfNormal("sigma_country", scale["country_sd_scale"])
            sigma_year = pm.HalfNormal("sigma_year", scale["year_sd_scale"])
            gamma = pm.Deterministic("gamma", sigma_year * pm.ZeroSumNormal("gamma_z", sigma=1.0, dims="year"),
                                     dims="year")
            rest = (pt.concatenate([pt.zeros(design.n_units), dev_unit])[d["unit_post_idx"]]
                    + (gamma[:, None] + year_event_mu).flatten()[d["year_event_idx"]])
            sigma = pm.HalfNormal("sigma", scale["sigma_scale"])
            rho_unit = pm.Beta("rho_unit", scale["rho_beta_a"], scale["rho_beta_b"])
            rho = pm.Deterministic("rho", 2.0 * rho_unit - 1.0)
            lags = (d["ar_prev"], d["ar_lag"], d["ar_first"])
            if generative:
                alpha = pm.Normal("alpha", 0.0, sigma_country, dims="unit")
            else:
                # alpha_i ~ Normal(0, sigma_country), sampled as alpha_i = m_i + s_i * alpha_std_i with
                # (m_i, s_i) its exact Gaussian conditional posterior given the other parameters
                # (ar1.conditional_intercepts); the prior of alpha and the Jacobian prod(s_i) enter
                # as a potential, so the posterior is unchanged and alpha_std is N(0, 1) a posteriori.
                alpha_std = pm.Flat("alpha_std", dims="unit")
                m, s = ar1.conditional_intercepts(y - rest, sigma, rho, sigma_country, d["unit_idx"], *lags,
                                                  n_units=design.n_units)
                alpha = pm.Deterministic("alpha", m + s * alpha_std, dims="unit")
                pm.Potential("alpha_prior_jacobian",
                             pm.logp(pm.Normal.dist(0.0, sigma_country), alpha).sum() + pt.log(s).sum())
            eta = alpha[d["unit_idx"]] + rest
            pm.CustomDist("y_obs", eta, sigma, rho, *lags, logp=ar1.logp, random=ar1.random,
                          observed=y, shape=y.shape)
            return model

        # alpha_i ~ Normal(0, sigma_country) is sampled as alpha_shifted_i = alpha_i + shift_i, the
        # country's mean of its effect terms: the free parameters are then (nearly) orthogonal to mu.
        shift = pt.dot(event_mean, mu) + post_mean * dev_unit
        sigma_country = pm.HalfNormal("sigma_country", scale["country_sd_scale"])
        alpha_shifted = pm.Normal("alpha_shifted", shift, sigma_country, dims="unit")
        alpha = alpha_shifted - shift
        sigma_year = pm.HalfNormal("sigma_year", scale["year_sd_scale"])
        gamma = pm.Deterministic("gamma", sigma_year * pm.ZeroSumNormal("gamma_z", sigma=1.0, dims="year"),
                                     dims="year")

        unit_table = pt.concatenate([alpha, alpha + dev_unit])              # (untreated | post) x unit
        year_event = gamma[:, None] + year_event_mu                        # year x event bin
        eta = unit_table[d["unit_post_idx"]] + year_event.flatten()[d["year_event_idx"]]
        if variant == "normal_trends":
            sigma_trend = pm.HalfNormal("sigma_trend", scale["trend_sd_scale"])
            z_trend = pm.Normal("z_trend", 0.0, 1.0, dims="unit")
            eta = eta + sigma_trend * z_trend[d["unit_idx"]] * d["time_c"]

        sigma = pm.HalfNormal("sigma", scale["sigma_scale"])
        if variant == "student_t":
            nu_minus_one = pm.Exponential("nu_minus_one", scale["nu_rate"])
            pm.StudentT("y_obs", nu=1.0 + nu_minus_one, mu=eta, sigma=sigma, observed=y, shape=y.shape)
        else:
            pm.Normal("y_obs", mu=eta, sigma=sigma, observed=y, shape=y.shape)
    return model


def data_arrays(design: "EventDesign", pooling: tuple[str, ...] | list[str] = POOLING) -> dict[str, np.ndarray]:
    """Every data array of the model, by its ``pm.Data`` name (for ``with_data`` / ``pm.set_data``).

    ``unit_post_idx`` indexes the (2 x units) table [alpha_i | alpha_i + deviation_i] and
    ``year_event_idx`` the (years x (event times + 1)) table gamma_t + mu_e: two gathers per row
    instead of four, which roughly halves the cost of a gradient.
    """
    means = unit_means(design)
    n_events = len(design.event_times)
    out = {
        "y": design.y.astype(np.float64),
        "unit_idx": design.unit_idx.astype(np.int64),
        "unit_post_idx": (design.unit_idx + design.n_units * design.post.astype(np.int64)).astype(np.int64),
        "year_event_idx": (design.year_idx * (n_events + 1) + design.event_idx).astype(np.int64),
        "time_c": design.time_c.astype(np.float64),
        "event_mean": means["event_mean"],
        "post_mean": means["post_mean"],
    }
    out.update(ar1.lag_structure(design.unit_idx, design.year_idx))
    for name in pooling:
        out[f"{name}_idx"] = design.group_idx[name].astype(np.int64)
        out[f"{name}_weights"] = group_weights(design, name)
    return out


def unit_means(design: "EventDesign") -> dict[str, np.ndarray]:
    """Per-country means of the event-time dummies (units x event times) and of the post indicator."""
    k = len(design.event_times)
    dummies = np.zeros((design.n_obs, k + 1))
    dummies[np.arange(design.n_obs), design.event_idx] = 1.0
    counts = np.bincount(design.unit_idx, minlength=design.n_units).astype(np.float64)
    counts[counts == 0] = 1.0
    event_mean = np.stack([np.bincount(design.unit_idx, weights=dummies[:, j], minlength=design.n_units)
                           for j in range(k)], axis=1) / counts[:, None]
    post_mean = np.bincount(design.unit_idx, weights=design.post, minlength=design.n_units) / counts
    return {"event_mean": event_mean, "post_mean": post_mean}


def group_weights(design: "EventDesign", name: str) -> np.ndarray:
    """Share of the treated countries in each category of pooling dimension ``name``."""
    idx = design.group_idx[name][design.treated]
    counts = np.bincount(idx, minlength=len(design.groups[name])).astype(np.float64)
    return counts / counts.sum()


def prior_updates(priors: PriorSet) -> dict[str, np.ndarray]:
    """``with_data`` updates that switch a compiled model to another prior set."""
    return {prior_data_name(k): np.asarray(v, dtype=np.float64) for k, v in priors.scales().items()}
