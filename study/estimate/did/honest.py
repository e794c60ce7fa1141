"""Rambachan & Roth (2023) sensitivity of event-study estimates to violations of parallel trends.

Input: an event study ``beta`` (pre-periods e <= -2, the reference e = -1 left out, post-periods
e >= 0) with covariance ``sigma`` and a target ``l' beta_post``.

* smoothness (Delta^SD, bound M on the change in slope of the trend violation): identified set
  and fixed-length confidence interval (FLCI) from ``diff_diff.HonestDiD``. Validated against the
  HonestDiD README (Medicaid expansion example; every printed interval within 1e-4).
* relative magnitudes (Delta^RM, post-period violations at most Mbar times the largest
  pre-period one): identified set and R HonestDiD's conditional-least-favourable hybrid (C-LF)
  confidence set, implemented by hand in :mod:`.honest_rm` (diff-diff 3.13's Delta^RM interval is
  the identified set widened by z * se, too narrow; the PyPI ``honestdid`` needs torch, which
  cannot be installed beside the project's pins). Validated against the README's C-LF intervals
  (every printed endpoint reproduced to its 3 significant figures). R's default grid
  (1,000 points on +/- 20 SE of ``l' beta_post``) is used; where the accepted set reaches an end
  of that grid (R warns that the CI is then open), the grid is extended at the same spacing to
  the identified set +/- 20 SE so that the interval is not cut at an arbitrary point.

Breakdown values are the smallest M (Mbar) at which the robust interval contains 0, found by
bisection on the same intervals.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np


@dataclass
class EventStudy:
    """Event-study coefficients for HonestDiD: ``event_time`` excludes the reference e = -1."""

    event_time: np.ndarray
    beta: np.ndarray
    sigma: np.ndarray

    def __post_init__(self) -> None:
        e = np.asarray(self.event_time)
        pre, post = e[e < 0], e[e >= 0]
        if len(pre) == 0 or len(post) == 0:
            raise ValueError("HonestDiD needs at least one pre-period (e <= -2) and one post-period")
        if -1 in e:
            raise ValueError("leave the reference period e = -1 out of the event study")
        if not (np.array_equal(pre, np.arange(pre.min(), -1)) and np.array_equal(post, np.arange(post.max() + 1))):
            raise ValueError(f"event times must be consecutive around e = -1, got {e.tolist()}")

    @property
    def num_pre(self) -> int:
        return int(np.sum(self.event_time < 0))

    @property
    def num_post(self) -> int:
        return int(np.sum(self.event_time >= 0))


def _as_diff_diff_results(es: EventStudy):
    """Wrap ``beta``/``sigma`` in diff-diff's public MultiPeriodDiDResults container (periods = e)."""
    from diff_diff.results import MultiPeriodDiDResults, PeriodEffect

    periods = [int(e) for e in es.event_time]
    se = np.sqrt(np.diag(es.sigma))
    effects = {p: PeriodEffect(p, float(b), float(s), float(b / s), float("nan"), (float("nan"),) * 2)
               for p, b, s in zip(periods, es.beta, se)}
    return MultiPeriodDiDResults(
        period_effects=effects, avg_att=float("nan"), avg_se=float("nan"), avg_t_stat=float("nan"),
        avg_p_value=float("nan"), avg_conf_int=(float("nan"), float("nan")), n_obs=0, n_treated=0,
        n_control=0, pre_periods=[p for p in periods if p < 0] + [-1],
        post_periods=[p for p in periods if p >= 0], vcov=np.asarray(es.sigma, dtype=float),
        interaction_indices={p: i for i, p in enumerate(periods)}, reference_period=-1)


def robust_interval(es: EventStudy, *, method: str, M: float, l_vec: np.ndarray,
                    alpha: float = 0.05) -> dict:
    """Identified set and robust CI of ``l' tau_post`` under Delta^SD (``smoothness``) or Delta^RM."""
    kind = {"smoothness": "smoothness", "sd": "smoothness", "relative_magnitude": "relative_magnitude",
            "rm": "relative_magnitude"}[method]
    if kind == "relative_magnitude":
        return _relative_magnitude_interval(es, mbar=M, l_vec=l_vec, alpha=alpha)
    from diff_diff import HonestDiD

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = HonestDiD(method=kind, M=M, alpha=alpha, l_vec=np.asarray(l_vec, dtype=float)).fit(
            _as_diff_diff_results(es))
    return {"M": float(M), "lb": float(res.lb), "ub": float(res.ub), "ci_low": float(res.ci_lb),
            "ci_high": float(res.ci_ub), "ci_method": "flci"}


def _relative_magnitude_interval(es: EventStudy, *, mbar: float, l_vec: np.ndarray, alpha: float) -> dict:
    """R's C-LF confidence set on R's default grid, extended at the same spacing where it is open."""
    from study.estimate.did.honest_rm import rm_confidence_set

    args = (np.asarray(es.beta, dtype=float), np.asarray(es.sigma, dtype=float), es.num_pre, es.num_post)
    kw = dict(mbar=float(mbar), l_vec=np.asarray(l_vec, dtype=float), alpha=alpha, method="C-LF")
    cs = rm_confidence_set(*args, **kw)
    extended = cs.open_at_grid_end
    if extended:
        # whole steps added at both ends, so that R's grid points stay grid points
        step = cs.grid[1] - cs.grid[0]
        sd = (cs.grid[-1] - cs.grid[0]) / 40
        below = max(0, int(np.ceil((cs.grid[0] - (cs.id_lb - 20 * sd)) / step)))
        above = max(0, int(np.ceil((cs.id_ub + 20 * sd - cs.grid[-1]) / step)))
        points = len(cs.grid) + below + above
        cs = rm_confidence_set(*args, **kw, grid_lb=cs.grid[0] - below * step,
                               grid_ub=cs.grid[0] + (points - 1 - below) * step, grid_points=points)
        if cs.open_at_grid_end:
            warnings.warn(f"Delta^RM confidence set at Mbar = {mbar:g} is open at the end of the extended "
                          "grid; its bounds are the grid ends", UserWarning, stacklevel=3)
    return {"M": float(mbar), "lb": cs.id_lb, "ub": cs.id_ub, "ci_low": cs.ci_low, "ci_high": cs.ci_high,
            "ci_method": "C-LF", "grid": [float(cs.grid[0]), float(cs.grid[-1]), int(len(cs.grid))],
            "grid_extended": bool(extended)}


def breakdown_value(es: EventStudy, *, method: str, l_vec: np.ndarray, alpha: float = 0.05,
                    upper: float | None = None, tol: float = 2e-3) -> float | None:
    """Smallest M at which the robust interval contains 0 (None if it already does at M = 0).

    Bisection to a relative tolerance ``tol`` (each step is one FLCI optimisation, ~0.5 s, or
    one C-LF confidence set, ~0.1 s).
    Returns ``inf`` if the interval still excludes 0 at ``upper``.
    """
    def covers_zero(m: float) -> bool:
        r = robust_interval(es, method=method, M=m, l_vec=l_vec, alpha=alpha)
        return r["ci_low"] <= 0 <= r["ci_high"]

    if covers_zero(0.0):
        return None
    hi = upper if upper is not None else (10.0 if method in ("rm", "relative_magnitude") else
                                          10 * float(np.max(np.abs(es.beta))) + 1e-12)
    if not covers_zero(hi):
        return float("inf")
    lo = 0.0
    while hi - lo > tol * max(hi, 1e-12):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if covers_zero(mid) else (mid, hi)
    return hi


def sensitivity(es: EventStudy, *, l_vec: np.ndarray, mbar_grid: list[float], m_grid: list[float],
                alpha: float = 0.05) -> dict:
    """Original estimate, Delta^RM and Delta^SD intervals over the grids, and breakdown values."""
    from scipy.stats import norm

    l_vec = np.asarray(l_vec, dtype=float)
    post = slice(es.num_pre, None)
    estimate = float(l_vec @ es.beta[post])
    se = float(np.sqrt(l_vec @ es.sigma[post, post] @ l_vec))
    z = norm.ppf(1 - alpha / 2)
    return {
        "original": {"estimate": estimate, "se": se, "ci_low": estimate - z * se, "ci_high": estimate + z * se},
        "relative_magnitude": [robust_interval(es, method="rm", M=m, l_vec=l_vec, alpha=alpha) for m in mbar_grid],
        "smoothness": [robust_interval(es, method="sd", M=m, l_vec=l_vec, alpha=alpha) for m in m_grid],
        "breakdown_relative_magnitude": breakdown_value(es, method="rm", l_vec=l_vec, alpha=alpha),
        "breakdown_smoothness": breakdown_value(es, method="sd", l_vec=l_vec, alpha=alpha),
    }
