"""Model checks: prior and posterior predictive draws, LOO comparison of the variants, PPC statistics.

* Prior predictive (``[seeds].bayes_prior_predictive``): draws of the pooled effect and of the
  standardised outcome under each prior set, to show the priors allow plausible data and effects
  and rule out absurd ones.
* Posterior predictive: replicated outcomes from a thinned set of posterior draws; the figure
  overlays them on the data, and :func:`ppc_statistics` gives posterior predictive p-values of
  statistics a country-year panel model can miss (spread, within-country year-to-year changes,
  their largest value).
* LOO (PSIS, Vehtari, Gelman & Gabry 2017) per model, compared with ``az.compare``; models are
  fitted to the same rows, so their ELPDs are comparable. Every model's pointwise term is the
  density of one country-year given the country's earlier years: for ``ar1`` the stationary
  marginal density in a country's first year and the one-step conditional density given the
  previous year after it (:mod:`.ar1`); for the independent-residual variants the two coincide.
  Leaving out one term therefore leaves out that year's conditional density; the year still
  conditions the next year's term (leave-one-term-out, the usual PSIS-LOO for autoregressive
  models; it scores one-step-ahead prediction within a country rather than prediction of a
  whole new country).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from study.estimate.bayes.design import EventDesign

if TYPE_CHECKING:  # pragma: no cover
    from study.estimate.bayes.priors import PriorSet
    from study.estimate.bayes.sample import CompiledEventStudy, Fit


def thin(idata, n_draws: int):
    """Every k-th draw of each chain so that about ``n_draws`` draws remain in total."""
    chains, draws = idata.posterior.sizes["chain"], idata.posterior.sizes["draw"]
    step = max(1, (chains * draws) // max(n_draws, 1))
    return idata.posterior.isel(draw=slice(0, None, step))


def _posterior_with_data(model: "CompiledEventStudy", posterior):
    """InferenceData of ``posterior`` with the model's current data as ``constant_data``.

    PyMC's forward sampler resamples every variable that depends on data it cannot show to be
    unchanged since sampling; recording the data the posterior was drawn with prevents that.
    """
    import arviz as az
    import xarray as xr

    data = {}
    for var in model.model.data_vars:
        value = np.asarray(var.get_value())
        data[var.name] = xr.DataArray(value, dims=[f"{var.name}_dim_{i}" for i in range(value.ndim)])
    return az.InferenceData(posterior=posterior, constant_data=xr.Dataset(data))


def log_likelihood(model: "CompiledEventStudy", fit: "Fit", design: EventDesign):
    """Pointwise log-likelihood (chain x draw x obs) of ``fit`` as an InferenceData group."""
    import arviz as az
    import pymc as pm

    model.set_data(design, fit.priors)
    idata = az.InferenceData(posterior=fit.idata.posterior)
    return pm.compute_log_likelihood(idata, model=model.model, var_names=["y_obs"],
                                     extend_inferencedata=False, progressbar=False)


def loo(model: "CompiledEventStudy", fit: "Fit", design: EventDesign):
    """PSIS-LOO of ``fit`` (``az.loo`` with pointwise values, for ``az.compare``)."""
    import arviz as az

    ll = log_likelihood(model, fit, design)
    idata = az.InferenceData(posterior=fit.idata.posterior, log_likelihood=ll)
    return az.loo(idata, pointwise=True)


def loo_table(loos: dict[str, Any]) -> pd.DataFrame:
    """``az.compare`` of several models' LOO (same data), one row per model, best first."""
    import arviz as az

    cmp = az.compare(loos, ic="loo")
    cmp = cmp.reset_index().rename(columns={"index": "model"})
    cols = {"rank": "rank", "elpd_loo": "elpd_loo", "p_loo": "p_loo", "elpd_diff": "elpd_diff",
            "dse": "elpd_diff_se", "se": "elpd_loo_se", "weight": "stacking_weight", "warning": "psis_warning"}
    out = cmp[["model", *cols]].rename(columns=cols)
    out["pareto_k_above_0.7"] = [int((np.asarray(loos[m].pareto_k) > 0.7).sum()) for m in out["model"]]
    return out


def posterior_predictive(model: "CompiledEventStudy", fit: "Fit", design: EventDesign, *, seed: int,
                         n_draws: int = 200) -> np.ndarray:
    """Replicated standardised outcomes (draws x rows) from about ``n_draws`` posterior draws."""
    import pymc as pm

    model.set_data(design, fit.priors)
    post = thin(fit.idata, n_draws)
    pp = pm.sample_posterior_predictive(_posterior_with_data(model, post), model=model.model,
                                        var_names=["y_obs"], random_seed=seed, progressbar=False)
    y_rep = np.asarray(pp.posterior_predictive["y_obs"], dtype=float)
    return y_rep.reshape(-1, y_rep.shape[-1])


def first_differences(y: np.ndarray, design: EventDesign) -> np.ndarray:
    """Within-country changes between consecutive observed years (rows are sorted by unit, year)."""
    y = np.atleast_2d(y)
    same_unit = design.unit_idx[1:] == design.unit_idx[:-1]
    consecutive = design.year_idx[1:] == design.year_idx[:-1] + 1
    keep = same_unit & consecutive
    return (y[:, 1:] - y[:, :-1])[:, keep]


PPC_STATISTICS = ("sd", "sd_first_difference", "max_abs_first_difference")


def ppc_statistics(design: EventDesign, y_rep: np.ndarray) -> pd.DataFrame:
    """Observed vs replicated test statistics and the posterior predictive p-value P(T_rep >= T_obs)."""
    def stats(y: np.ndarray) -> dict[str, np.ndarray]:
        y = np.atleast_2d(y)
        fd = first_differences(y, design)
        return {"sd": y.std(axis=1, ddof=1), "sd_first_difference": fd.std(axis=1, ddof=1),
                "max_abs_first_difference": np.abs(fd).max(axis=1)}

    obs, rep = stats(design.y), stats(y_rep)
    rows = []
    for name in PPC_STATISTICS:
        t_obs, t_rep = float(obs[name][0]), rep[name]
        rows.append({"statistic": name, "observed": t_obs, "replicated_mean": float(t_rep.mean()),
                     "replicated_q05": float(np.quantile(t_rep, 0.05)),
                     "replicated_q95": float(np.quantile(t_rep, 0.95)),
                     "ppp_value": float((t_rep >= t_obs).mean())})
    return pd.DataFrame(rows)


def prior_predictive(model: "CompiledEventStudy", design: EventDesign, priors: "PriorSet", *,
                     window: tuple[int, int], seed: int, draws: int = 500) -> dict[str, np.ndarray]:
    """Prior draws of the pooled effect and of the standardised outcome (draws x rows)."""
    import pymc as pm

    model.set_data(design, priors)
    prior = pm.sample_prior_predictive(draws=draws, model=model.generative, var_names=["mu", "y_obs"],
                                       random_seed=seed)
    mu = np.asarray(prior.prior["mu"], dtype=float).reshape(-1, len(design.event_times))
    cols = [i for i, e in enumerate(design.event_times) if window[0] <= e <= window[1] and e >= 0]
    y = np.asarray(prior.prior_predictive["y_obs"], dtype=float)
    return {"pooled": mu[:, cols].mean(axis=1), "mu": mu, "y": y.reshape(-1, y.shape[-1])}
