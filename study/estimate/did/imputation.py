"""Borusyak, Jaravel & Spiess (2024) imputation estimator.

Engine: ``diff_diff.ImputationDiD``: unit and time effects (and covariates) are fitted on untreated
observations (never treated and not yet treated, outside the anticipation window), ``Y(0)`` is
imputed for treated observations, and effects are averages of ``Y - Y(0)``; BJS conservative
clustered SEs. Checked against an independent OLS on the untreated cells (tests).

diff-diff gives SEs per event time and overall only; the study's primary estimand (the mean of
the event-time effects over ``primary_window``) and its SE come from :mod:`.imputation_variance`
(BJS Theorem 3 for any weights), which is checked on every call against diff-diff's event-time
effects and SEs in the window.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from study.estimate.did.data import DidPanel

ENGINE_RTOL = 1e-6  # agreement required between imputation_variance and diff-diff per event time


def imputation(panel: DidPanel, *, anticipation: int = 0, covariates: list[str] | None = None,
               pretrends: bool = True, primary_window: tuple[int, int] | None = None) -> dict:
    """Event-time effects ``(event_time, att, se)``, the overall ATT over treated observations and,
    with ``primary_window = (e0, e1)``, ``primary``: the mean of the event-time effects
    e0..e1 with its BJS conservative SE."""
    from diff_diff import ImputationDiD

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        res = ImputationDiD(anticipation=anticipation, cluster="unit", pretrends=pretrends).fit(
            panel.data, outcome="outcome", unit="unit", time="time", first_treat="cohort",
            covariates=covariates or None)
        es = res.aggregate("event_study").to_dataframe()
    es = es.loc[~es["is_reference"], ["event_time", "att", "se"]].astype({"event_time": "int64"})
    out = {"event_study": es.reset_index(drop=True),
           "overall": {"att": float(res.overall_att), "se": float(res.overall_se)}}
    if primary_window is not None:
        out["primary"] = primary_estimate(panel, es, primary_window, anticipation=anticipation,
                                          covariates=covariates)
    return out


def primary_estimate(panel: DidPanel, event_study: pd.DataFrame, window: tuple[int, int], *,
                     anticipation: int = 0, covariates: list[str] | None = None) -> dict:
    """Mean of the imputation event-time effects over ``window`` and its BJS Theorem 3 SE.

    ``event_study`` is diff-diff's (event_time, att, se); each event time of the window is
    recomputed by :mod:`.imputation_variance` and must agree with it (``ENGINE_RTOL``).
    """
    from study.errors import DataError
    from study.estimate.did.imputation_variance import fit_imputation

    horizons = list(range(int(window[0]), int(window[1]) + 1))
    engine = event_study.set_index("event_time")
    missing = [e for e in horizons if e not in engine.index]
    if missing:
        raise DataError(panel.source, f"imputation: event times {missing} of the primary window are not estimated")
    fit = fit_imputation(panel, anticipation=anticipation, covariates=covariates)
    for e in horizons:
        att, se = fit.effect(fit.event_time_weights([e]))
        ref = engine.loc[e]
        if not (np.isclose(att, ref["att"], rtol=ENGINE_RTOL, atol=ENGINE_RTOL * max(ref["se"], 1e-12))
                and np.isclose(se, ref["se"], rtol=ENGINE_RTOL)):
            raise RuntimeError(f"imputation variance disagrees with diff-diff at event time {e}: "
                               f"({att}, {se}) vs ({ref['att']}, {ref['se']})")
    att, se = fit.effect(fit.event_time_weights(horizons))
    return {"att": att, "se": se, "event_times": horizons}
