"""``python -m study process``: per campaign, its documented engagement next to its estimated effect.

For every ``[[estimates]]`` id whose estimators include ``process_outcome`` (P1), on the id's
primary DiD estimation sample (:func:`study.estimate.did.study_step.design`: same window,
comparison countries, balance rule and covariates as the imputation estimator there):

* each treated country's effect of its first campaign, averaged over the primary window
  (:mod:`.unit_effects`, BJS imputation; descriptive, see there);
* the first campaign's documented process indicators (``data/derived/process_indicators.parquet``)
  and engagement score (the percentile-rank score used for H6,
  :func:`study.campaigns.treatment.engagement_scores`), leadership model and documented outcome;
* the Spearman rank correlation between engagement and effect over countries with a score
  (exploratory: engagement is itself shaped by the grievance and the campaign's visibility).

Writes ``results/estimates/process_outcome.csv`` (tidy rows: estimand ``unit_effect`` keyed by
country, ``spearman`` keyed ``engagement``) and the figure ``results/figures/process_vs_outcome``.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

import pandas as pd

from study import config, io, paths
from study.errors import StudyError
from study.provenance import record_input

log = logging.getLogger("study")

ESTIMATOR = "process_outcome"
PREPARE_KEYS = ("unit", "time", "cohort", "outcome", "covariates", "control_group", "anticipation", "balanced",
                "min_cohort_size", "source")
OUTPUT = "process_outcome.csv"


def indicator_summary(process: pd.DataFrame) -> pd.Series:
    """Per campaign, its documented indicators as ``indicator: value unit`` (largest figure per measure)."""
    from study.campaigns.schema import NUMERIC_PROCESS_INDICATORS

    numeric = process[process["indicator"].isin(NUMERIC_PROCESS_INDICATORS)].copy()
    numeric["v"] = numeric["value"].astype(float)
    top = (numeric.sort_values(["id", "indicator", "v"], ascending=[True, True, False])
           .drop_duplicates(["id", "indicator"]))
    text = top["indicator"] + ": " + top["v"].map(lambda v: f"{v:,.0f}") + " " + top["unit"].str.split(" \\(").str[0]
    return text.groupby(top["id"]).agg("; ".join)


def campaign_effects(panel: pd.DataFrame, spec: dict[str, Any], est: dict[str, Any], source: str,
                     campaigns: pd.DataFrame, process: pd.DataFrame) -> pd.DataFrame:
    """Unit effects of ``est``'s first campaigns, with each campaign's engagement and attributes."""
    from study.campaigns.treatment import engagement_scores
    from study.estimate.did.data import prepare_panel
    from study.estimate.did.imputation_variance import fit_imputation
    from study.estimate.did.study_step import design, variants
    from study.estimate.process.unit_effects import unit_effects

    primary = variants(spec, {"variants": ["primary"]})[0]
    d = design(panel, spec=spec, est=est, variant=primary, source=source)
    for note in d.notes:
        log.warning("%s: %s", est["id"], note)
    checked = prepare_panel(d.frame, **{k: d.common[k] for k in PREPARE_KEYS})
    fit = fit_imputation(checked, anticipation=int(d.did["anticipation"]), covariates=checked.covariates)
    effects = unit_effects(checked, fit, tuple(int(x) for x in d.did["primary_window"]))
    suffix = "" if est["treatment"] == "any" else f"_{est['treatment']}"
    first = panel.drop_duplicates("iso3").set_index("iso3")[f"first_campaign_id{suffix}"]
    effects["campaign_id"] = effects["iso3"].map(first)
    attrs = campaigns.drop_duplicates("id").set_index("id")
    effects["campaign_name"] = effects["campaign_id"].map(attrs["name"])
    effects["leadership_model"] = effects["campaign_id"].map(attrs["leadership_model"])
    effects["documented_outcome"] = effects["campaign_id"].map(attrs["outcome"])
    effects["engagement"] = effects["campaign_id"].map(engagement_scores(process))
    effects["indicators"] = effects["campaign_id"].map(indicator_summary(process)).fillna("")
    return effects


def spearman(effects: pd.DataFrame) -> dict[str, float]:
    """Rank correlation between engagement and effect over countries with a score (exploratory)."""
    from scipy.stats import spearmanr

    scored = effects.dropna(subset=["engagement"])
    if len(scored) < 3:
        return {"rho": float("nan"), "p": float("nan"), "n": len(scored)}
    res = spearmanr(scored["engagement"], scored["effect"])
    return {"rho": float(res.statistic), "p": float(res.pvalue), "n": len(scored)}


def tidy_rows(est: dict[str, Any], effects: pd.DataFrame, corr: dict[str, float], z: float) -> pd.DataFrame:
    base = {"spec_id": est["id"], "variant": "primary", "outcome": est["outcome"], "treatment": est["treatment"],
            "estimator": ESTIMATOR}
    rows = [{**base, "estimand": "unit_effect", "key": r.iso3, "estimate": r.effect, "se": r.se,
             "ci_low": r.effect - z * r.se, "ci_high": r.effect + z * r.se, "ci_kind": "pointwise95",
             "p_value": None, "n_units": 1, "cohort": r.cohort, "event_times": r.event_times,
             "campaign_id": r.campaign_id, "campaign_name": r.campaign_name, "leadership_model": r.leadership_model,
             "documented_outcome": r.documented_outcome, "engagement": r.engagement, "indicators": r.indicators}
            for r in effects.itertuples()]
    rows.append({**base, "estimand": "spearman", "key": "engagement", "estimate": corr["rho"], "se": None,
                 "ci_low": None, "ci_high": None, "ci_kind": "", "p_value": corr["p"], "n_units": corr["n"]})
    return pd.DataFrame(rows)


def run(args: argparse.Namespace) -> None:  # noqa: ARG001
    from scipy.stats import norm

    from study.estimate.process.figure import process_figure

    spec = config.spec()
    entries = [e for e in spec.get("estimates", []) if ESTIMATOR in e.get("estimators", [])]
    if not entries:
        raise StudyError(f"spec: no [[estimates]] entry lists the estimator {ESTIMATOR!r}")
    derived = paths.derived_dir()
    inputs = {name: derived / f"{name}.parquet" for name in ("panel", "campaigns", "process_indicators")}
    for name, path in inputs.items():
        if not path.exists():
            raise StudyError(f"{name} not found: {paths.relative(path)} (run `make panel` first)")
        record_input(path)
    panel, campaigns, process = (pd.read_parquet(p) for p in inputs.values())
    z = float(norm.ppf(1 - float(spec["did"]["alpha"]) / 2))
    frames = []
    for est in entries:
        effects = campaign_effects(panel, spec, est, paths.relative(inputs["panel"]), campaigns, process)
        corr = spearman(effects)
        log.info("%s: %d treated countries, %d with an engagement score; Spearman rho %.3f (p = %.3f)",
                 est["id"], len(effects), corr["n"], corr["rho"], corr["p"])
        frames.append(tidy_rows(est, effects, corr, z))
        label = spec["outcomes"][est["outcome"]]["label"]
        process_figure(effects, corr, z=z, title=f"{est['id']}: first campaign's engagement vs its effect on {label}",
                       target=paths.figures_dir() / f"process_vs_outcome_{est['id']}")
    io.write_csv(paths.estimates_dir() / OUTPUT, pd.concat(frames, ignore_index=True))
