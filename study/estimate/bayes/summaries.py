"""Reported quantities of a fitted event study and their tidy summaries.

Reported (all on the standardised outcome, i.e. in within-sample SD units):

* ``primary``: the pooled effect, the mean of mu_e over the post event times of
  ``[did].primary_window`` (e = 0..3) — the Bayesian counterpart of the CS primary estimand.
  Because the group deviations are centred on the treated countries (see the model), mu_e is the
  average effect over treated countries, as the cohort-size weights of CS make it;
* ``event_time``: each mu_e, including the placebo pre-periods (e = -3 as the bin e <= -3, -2);
* ``issue_area`` / ``region`` / ``leadership`` (or the estimate's own pooling dimensions, e.g.
  ``engagement`` for H6 and ``leadership_model`` for H7): pooled effect + the category's deviation,
  for categories with at least one treated country, in the dimensions with at least two such
  categories (:func:`~study.estimate.bayes.design.pooled_dimensions`; a single-category dimension
  is not pooled and would only repeat the pooled effect). The estimand is the dimension, the key
  the category.

Each is summarised by posterior mean and SD, equal-tailed 90% and 95% credible intervals and
P(effect > 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from study.estimate.bayes.design import EventDesign, pooled_dimensions, treated_counts
from study.estimate.bayes.model import POOLING

POOLING_ESTIMANDS = POOLING


def _draws(idata, name: str) -> np.ndarray:
    return np.asarray(idata.posterior[name], dtype=float)  # (chain, draw, ...)


def reported_quantities(idata, design: EventDesign, window: tuple[int, int],
                        pooling: tuple[str, ...] | list[str] = POOLING) -> list[dict[str, Any]]:
    """Posterior draws (chain x draw) of every reported quantity, with labels and group sizes."""
    mu = _draws(idata, "mu")
    events = list(design.event_times)
    in_window = [i for i, e in enumerate(events) if window[0] <= e <= window[1] and e >= 0]
    if not in_window:
        raise ValueError(f"no estimated event time in the window {window}")
    pooled = mu[:, :, in_window].mean(axis=2)
    out = [{"estimand": "primary", "key": "", "draws": pooled, "n_group_units": design.n_treated_units}]
    for i, e in enumerate(events):
        out.append({"estimand": "event_time", "key": str(e), "draws": mu[:, :, i],
                    "n_group_units": design.n_treated_units})
    for name in pooled_dimensions(design, pooling):
        dev = _draws(idata, f"dev_{name}")
        counts = treated_counts(design, name)
        for j, label in enumerate(design.groups[name]):
            if counts[j] > 0:
                out.append({"estimand": name, "key": label, "draws": pooled + dev[:, :, j],
                            "n_group_units": int(counts[j])})
    return out


def summarise(draws: np.ndarray) -> dict[str, float]:
    """Posterior mean, SD, equal-tailed 90%/95% intervals and P(> 0) of one quantity's draws."""
    x = np.asarray(draws, dtype=float).ravel()
    q = np.quantile(x, [0.025, 0.05, 0.95, 0.975])
    return {"estimate": float(x.mean()), "se": float(x.std(ddof=1)), "ci_low": float(q[0]),
            "ci_high": float(q[3]), "ci90_low": float(q[1]), "ci90_high": float(q[2]),
            "p_positive": float((x > 0).mean())}


def tidy_rows(reported: list[dict[str, Any]], base: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of ``results/estimates/bayes.csv`` (tidy contract of ``docs/architecture.md``)."""
    rows = []
    for q in reported:
        rows.append({**base, "estimator": "bayes", "estimand": q["estimand"], "key": q["key"],
                     **summarise(q["draws"]), "ci_kind": "credible95", "ci90_kind": "credible90",
                     "p_value": None, "n_group_units": q["n_group_units"]})
    return rows


TIDY_COLUMNS: tuple[str, ...] = (
    "spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate", "se",
    "ci_low", "ci_high", "ci_kind", "ci90_low", "ci90_high", "ci90_kind", "p_positive", "p_value",
    "n_obs", "n_units", "n_treated_units", "n_group_units", "model", "prior", "pooling", "scale", "outcome_sd",
)


def tidy_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows in a fixed column order, sorted for byte-stable output."""
    frame = pd.DataFrame(rows, columns=list(TIDY_COLUMNS))
    return frame.reset_index(drop=True)


def model_parameters(idata, design: EventDesign, pooling: tuple[str, ...] | list[str] = POOLING) -> list[str]:
    """Scalar model-level parameters present in ``idata`` (scales of the pooled dimensions only)."""
    names = ["sigma", "sigma_country", "sigma_year", *[f"tau_{p}" for p in pooled_dimensions(design, pooling)],
             "rho", "nu_minus_one", "sigma_trend"]
    return [n for n in names if n in idata.posterior]


def parameter_rows(idata, design: EventDesign, pooling: tuple[str, ...] | list[str],
                   base: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of ``bayes_parameters.csv``: posterior summary, R-hat and ESS of each model parameter."""
    from study.estimate.bayes.gates import quantity_diagnostics

    rows = []
    for name in model_parameters(idata, design, pooling):
        draws = _draws(idata, name)
        rows.append({**base, "estimator": "bayes", "parameter": name, **summarise(draws),
                     **quantity_diagnostics(draws)})
    return rows
