"""The backdoor estimate of the onset effect (DoWhy) with iid and country-clustered standard errors.

DoWhy's ``backdoor.linear_regression`` fits ordinary least squares of the outcome on the treatment
and the adjustment set (categorical nodes one-hot encoded, first level dropped) with statsmodels
and reports iid standard errors. Country-years of one country share shocks, so the reported
standard error, interval and p-value are cluster-robust by country (statsmodels CR1 on DoWhy's
fitted model, t with G - 1 degrees of freedom); the iid SE is kept alongside for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from study.errors import StudyError
from study.estimate.dag.data import AnalysisFrame


@dataclass
class EffectEstimate:
    value: float
    se: float                 # cluster-robust by country (CR1)
    se_iid: float             # DoWhy / statsmodels default
    ci_low: float
    ci_high: float
    p_value: float
    n_obs: int
    n_units: int
    n_treated_units: int
    causal_estimate: object = None   # the dowhy CausalEstimate (refuters need it)


def _clustered(results, groups: np.ndarray, term: int, alpha: float = 0.05) -> tuple[float, float, float, float]:
    robust = results.get_robustcov_results(cov_type="cluster", groups=groups)
    se = float(np.asarray(robust.bse)[term])
    low, high = np.asarray(robust.conf_int(alpha=alpha))[term]
    return se, float(low), float(high), float(np.asarray(robust.pvalues)[term])


def estimate_effect(identification, af: AnalysisFrame, *, method: str) -> EffectEstimate:
    """Estimate with DoWhy (``method`` from ``[dag].estimator``); SEs clustered by country."""
    with np.errstate(all="ignore"):
        est = identification.model.estimate_effect(identification.estimand, method_name=method,
                                                   effect_modifiers=[])
    fitted = getattr(est.estimator, "model", None)
    if fitted is None or not hasattr(fitted, "get_robustcov_results"):
        raise StudyError(f"[dag].estimator {method!r}: the study step needs a regression estimator whose "
                         "fitted statsmodels model it can cluster by country (backdoor.linear_regression)")
    # DoWhy puts the treatment right after the constant (x1); check rather than trust the layout
    coef = float(np.asarray(fitted.params)[1])
    if not np.isclose(coef, float(est.value), rtol=1e-9, atol=1e-12):
        raise StudyError(f"DoWhy's estimate {est.value} is not the treatment coefficient {coef} of its model")
    groups = pd.factorize(af.frame["iso3"], sort=True)[0]
    se, low, high, p = _clustered(fitted, groups, 1)
    return EffectEstimate(value=float(est.value), se=se, se_iid=float(np.asarray(fitted.bse)[1]), ci_low=low,
                          ci_high=high, p_value=p, n_obs=len(af.frame), n_units=af.n_units,
                          n_treated_units=af.n_treated_units, causal_estimate=est)


def unadjusted_effect(af: AnalysisFrame) -> EffectEstimate:
    """Difference in mean outcome between onset and control rows (no adjustment), clustered SE."""
    import statsmodels.api as sm

    d = af.frame[af.treatment].to_numpy(dtype=float)
    y = af.frame[af.outcome].to_numpy(dtype=float)
    results = sm.OLS(y, sm.add_constant(d)).fit()
    groups = pd.factorize(af.frame["iso3"], sort=True)[0]
    se, low, high, p = _clustered(results, groups, 1)
    return EffectEstimate(value=float(results.params[1]), se=se, se_iid=float(results.bse[1]), ci_low=low,
                          ci_high=high, p_value=p, n_obs=len(af.frame), n_units=af.n_units,
                          n_treated_units=af.n_treated_units)
