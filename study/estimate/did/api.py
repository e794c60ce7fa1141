"""General entry point: Callaway & Sant'Anna on any long panel, returned as a JSON-ready dict.

``estimate(data, unit=..., time=..., cohort=..., outcome=...)`` runs the input checks
(:mod:`.data`), ATT(g,t) with the four aggregations and the Wald pre-test (:mod:`.cs`) and the
TWFE baseline (:mod:`.twfe`). Standard errors are analytic unless ``bootstrap > 0``, in which case
they come from the multiplier bootstrap and the per-key intervals of the aggregations (and of
ATT(g,t)) are uniform (sup-t) bands, as in R ``did``. The CLI (``python -m study did --data``)
writes this dict as JSON.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from study.errors import StudyError
from study.estimate.did import cs
from study.estimate.did.data import DidPanel, prepare_panel
from study.estimate.did.twfe import TwfeResult, twfe


def _interval(att: float, se: float, crit: float) -> tuple[float | None, float | None]:
    if not np.isfinite(se):
        return None, None
    return att - crit * se, att + crit * se


def _num(x: float | None) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


@dataclass
class DidFit:
    """Everything one Callaway & Sant'Anna run produced (the study step reads more than the JSON)."""

    panel: DidPanel
    res: cs.AttGt
    aggs: dict[str, cs.Aggregation]
    primary: cs.Estimate | None
    se: dict[str, np.ndarray]
    crit: dict[str, float]
    z: float
    pretest: cs.PreTest
    twfe: TwfeResult
    bootstrap: int
    seed: int | None
    settings: dict[str, Any]
    notes: list[str]


def fit(data: pd.DataFrame, *, unit: str, time: str, cohort: str, outcome: str,
        covariates: list[str] | tuple[str, ...] = (), control_group: str = "nevertreated",
        method: str = "dr", anticipation: int = 0, bootstrap: int = 0, seed: int | None = None,
        alpha: float = 0.05, balanced: bool = True, min_cohort_size: int = 1,
        base_period: str = "varying", event_window: tuple[int, int] | None = None,
        primary_window: tuple[int, int] | None = None, source: str = "<data>",
        progress: bool = True) -> DidFit:
    """Checks, ATT(g,t), aggregations, optional primary estimand, SEs (analytic or bootstrap), TWFE."""
    from scipy.stats import norm

    if bootstrap and seed is None:
        raise StudyError("the multiplier bootstrap needs a seed (--seed)")
    if bootstrap < 0:
        raise StudyError("--bootstrap must be a non-negative number of draws")
    panel = prepare_panel(data, unit=unit, time=time, cohort=cohort, outcome=outcome, covariates=covariates,
                          control_group=control_group, anticipation=anticipation, balanced=balanced,
                          min_cohort_size=min_cohort_size, source=source)
    notes = list(panel.notes)
    if not panel.balanced and method == "reg" and panel.covariates:
        msg = (f"{source}: unbalanced panel with outcome regression and covariates: the influence "
               "function of this path differs between diff-diff and csdid (no R reference); SEs uncertain")
        notes.append(msg)
        warnings.warn(msg, UserWarning, stacklevel=2)
    res = cs.att_gt(panel, control_group=control_group, method=method, anticipation=anticipation,
                    base_period=base_period)
    notes += [f"ATT({g},{t}) not estimable: {why}" for g, t, why in res.skipped]
    min_e, max_e = (event_window if event_window is not None else (-math.inf, math.inf))
    aggs = {k: cs.aggregate(res, k, min_e=min_e, max_e=max_e) if k == "dynamic" else cs.aggregate(res, k)
            for k in cs.AGGREGATIONS}
    primary = cs.average_event_times(aggs["dynamic"], primary_window) if primary_window else None

    z = float(norm.ppf(1 - alpha / 2))
    # One influence matrix: ATT(g,t) columns, then per aggregation [overall, by...], then primary.
    blocks = {"att_gt": res.inf}
    for k, a in aggs.items():
        blocks[k] = np.column_stack([a.overall.inf] + [b.inf for b in a.by])
    if primary is not None:
        blocks["primary"] = primary.inf[:, None]
    se = {k: cs.influence_se(v) for k, v in blocks.items()}
    crit = {k: z for k in blocks}
    if bootstrap:
        bres = cs.multiplier_bootstrap(np.column_stack(list(blocks.values())), draws=bootstrap, seed=seed,
                                       progress=progress)
        start = 0
        for k, v in blocks.items():
            cols = slice(start, start + v.shape[1])
            start += v.shape[1]
            se[k], _ = cs.bootstrap_se_and_band(bres[:, cols], res.n, alpha)
            # Uniform band over the per-key entries: all ATT(g,t) cells, or an aggregation's keys.
            by = cols if k == "att_gt" else slice(cols.start + 1, cols.stop)
            crit[k] = cs.bootstrap_se_and_band(bres[:, by], res.n, alpha)[1] if by.stop > by.start else z
    settings = {"unit": unit, "time": time, "cohort": cohort, "outcome": outcome,
                "covariates": list(covariates), "control_group": control_group, "method": method,
                "anticipation": anticipation, "base_period": base_period, "alpha": alpha,
                "bootstrap": bootstrap, "seed": seed, "balanced": balanced,
                "event_window": list(event_window) if event_window else None,
                "unbalanced_estimator": res.unbalanced, "engine": _engine_version()}
    return DidFit(panel=panel, res=res, aggs=aggs, primary=primary, se=se, crit=crit, z=z,
                  pretest=cs.pretest(res), twfe=twfe(panel), bootstrap=bootstrap, seed=seed,
                  settings=settings, notes=notes)


def to_dict(f: DidFit) -> dict[str, Any]:
    """The JSON document of the CLI (see the module docstring)."""
    res, se, crit, z = f.res, f.se, f.crit, f.z
    att_rows = []
    for j, (g, t) in enumerate(zip(res.group, res.time)):
        lo, hi = _interval(res.att[j], se["att_gt"][j], crit["att_gt"])
        att_rows.append({"group": int(g), "time": int(t), "att": float(res.att[j]),
                         "se": _num(se["att_gt"][j]), "ci_low": _num(lo), "ci_high": _num(hi),
                         "n_treated": int(res.n_treated[j]), "n_control": int(res.n_control[j])})
    out_aggs = {}
    for k, a in f.aggs.items():
        s = se[k]
        lo, hi = _interval(a.overall.att, s[0], z)
        by = []
        for i, b in enumerate(a.by, start=1):
            blo, bhi = _interval(b.att, s[i], crit[k])
            by.append({"key": int(b.key), "att": float(b.att), "se": _num(s[i]), "ci_low": _num(blo),
                       "ci_high": _num(bhi)})
        out_aggs[k] = {"overall": {"att": float(a.overall.att), "se": _num(s[0]), "ci_low": _num(lo),
                                   "ci_high": _num(hi)},
                       "by": by, "ci_kind": "uniform" if f.bootstrap else "pointwise",
                       "crit_value": _num(crit[k])}
    out = {
        "att_gt": att_rows,
        "aggregations": out_aggs,
        "twfe": f.twfe.as_dict(),
        "pretest": {"stat": _num(f.pretest.stat), "df": f.pretest.df, "p": _num(f.pretest.p),
                    "message": f.pretest.message},
        "se_kind": "bootstrap" if f.bootstrap else "analytic",
        "settings": f.settings,
        "sample": {"n_obs": int(len(f.panel.data)), "n_units": f.panel.n_units,
                   "n_treated_units": f.panel.n_treated_units,
                   "cohort_sizes": {str(g): n for g, n in f.panel.cohort_sizes.items()}},
        "warnings": f.notes,
    }
    if f.primary is not None:
        lo, hi = _interval(f.primary.att, se["primary"][0], z)
        out["primary"] = {"att": f.primary.att, "se": _num(se["primary"][0]), "ci_low": _num(lo),
                          "ci_high": _num(hi)}
    return out


def estimate(data: pd.DataFrame, **kwargs: Any) -> dict[str, Any]:
    """ATT(g,t), aggregations (simple, group, dynamic, calendar), TWFE and pre-test as a JSON-ready dict.

    Keyword arguments as :func:`fit`: ``unit``, ``time``, ``cohort`` (first treated period, 0 =
    never), ``outcome``, and optionally ``covariates``, ``control_group``, ``method``,
    ``anticipation``, ``bootstrap`` (draws; needs ``seed``), ``alpha``, ``balanced``,
    ``event_window`` (R ``aggte``'s ``min_e``/``max_e`` for the dynamic aggregation).
    """
    return to_dict(fit(data, **kwargs))


def _engine_version() -> str:
    from importlib.metadata import version

    return f"diff-diff {version('diff-diff')}"
