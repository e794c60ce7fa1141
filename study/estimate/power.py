"""``python -m study power``: simulated power and minimum detectable effects on the real panel (plan 6.6).

For each ``[[estimates]]`` id listed in ``[power].estimates``, on the real panel's primary estimation sample for the id's outcome
(:func:`study.estimate.did.study_step.design` + the DiD input checks):

1. the real cohorts (the multiset of cohort years of the treated countries in that sample) are
   randomly reassigned across **all** countries of the sample (treated and clean controls), which
   keeps the real design's numbers of treated and comparison countries. The real assignment is never
   used: each draw pairs outcome paths with random onset years, so the simulation carries no
   information about the real treated countries' effect. (Reassigning only over never-targeted
   countries would shrink the comparison group far below the real one — for H1e to about a fifth —
   and overstate the minimum detectable effect.) ``[power].simulations`` reassignments, seeded from
   ``[seeds].power`` and the id;
2. each reassignment is estimated like the study's primary estimand: Callaway & Sant'Anna with the
   spec's ``[did]`` options (outcome regression, covariates, control group, base period), the
   mean of the dynamic ATT(e) over ``[did].primary_window``, analytic influence-function SE;
3. **the effect shortcut.** Adding a constant effect delta to every treated post-onset outcome
   (``Y_it + delta`` for ``t >= g``) shifts each post-period ATT(g,t) by exactly delta and leaves its
   influence function unchanged, for outcome regression: ATT(g,t) is the treated units' mean of
   ``Y_t - Y_b`` minus the mean of their predicted control change ``m(X)``, fitted on comparison
   units that are untreated at ``t`` and at the base period ``b < g`` (untouched), so only the
   treated mean moves, by delta; the treated part of the influence function is
   ``(Y_t - Y_b - m(X_i)) - ATT``, unchanged. Pre-period cells (``t < g``) are untouched. The
   dynamic ATT(e >= 0) is a weighted average of post cells with weights summing to 1 whose own
   influence function sums to zero across cells, and the primary estimand is a mean of those:
   it shifts by delta with the same SE. So one fit per reassignment serves every delta: power(delta)
   = share of reassignments with ``|theta_s + delta| / se_s > z_{1 - alpha/2}``
   (verified against explicit injection and re-estimation in ``tests/estimate/test_power.py``);
4. delta grid = ``[power].effect_grid_sd`` x the outcome's SD in the estimation sample; reported:
   power per delta, the false-positive rate at delta = 0, and the minimum detectable effect (the
   smallest delta with power >= ``target_power``, linear interpolation between grid points;
   "> max grid" if none), in outcome units and SD units.

Outputs: ``results/power/power.csv`` (tidy), ``results/power/draws.csv`` (theta_s and se_s per
reassignment, so that power at any other delta can be recomputed) and ``results/power/power.md``
(the table quoted in the plan).
"""

from __future__ import annotations

import argparse
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from study import config, io, paths
from study.errors import DataError, StudyError
from study.provenance import record_input

log = logging.getLogger("study")

def power_dir():
    return paths.results_dir() / "power"


# ------------------------------------------------------------------------------------------------
# Building blocks (general: any checked DidPanel)
# ------------------------------------------------------------------------------------------------

def primary_estimand(panel, *, options: dict[str, Any]) -> tuple[float, float]:
    """CS primary estimand (mean dynamic ATT over ``options['primary_window']``) and its analytic SE."""
    from study.estimate.did import cs

    res = cs.att_gt(panel, control_group=options["control_group"], method=options["method"],
                    anticipation=int(options["anticipation"]), base_period=options["base_period"])
    lo, hi = options["event_window"]
    dyn = cs.aggregate(res, "dynamic", min_e=lo, max_e=hi)
    est = cs.average_event_times(dyn, tuple(options["primary_window"]))
    return float(est.att), float(est.se)


def reassign(pool, cohorts: np.ndarray, rng: np.random.Generator):
    """A copy of ``pool`` (a checked DidPanel of eligible units) with the cohort multiset ``cohorts``
    placed on randomly chosen units (every other unit never treated)."""
    from study.estimate.did.data import DidPanel

    units = np.sort(pool.data["unit"].unique())
    vector = np.concatenate([np.asarray(cohorts, dtype="int64"), np.zeros(len(units) - len(cohorts), "int64")])
    assignment = pd.Series(rng.permutation(vector), index=units)
    data = pool.data.copy()
    data["cohort"] = data["unit"].map(assignment).astype("int64")
    return DidPanel(data=data, covariates=list(pool.covariates), source=pool.source, balanced=pool.balanced)


def placebo_draws(pool, cohorts: np.ndarray, *, simulations: int, seed: Any, options: dict[str, Any],
                  desc: str = "power", progress: bool = True) -> pd.DataFrame:
    """``simulations`` reassignments of ``cohorts`` over ``pool``: columns simulation, estimate, se, error."""
    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    rows = []
    for s in tqdm(range(simulations), desc=desc, unit="sim", disable=not progress, leave=False):
        panel = reassign(pool, cohorts, rng)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theta, se = primary_estimand(panel, options=options)
            rows.append((s, theta, se, ""))
        except (DataError, ValueError, np.linalg.LinAlgError) as exc:
            rows.append((s, np.nan, np.nan, str(exc)))
    return pd.DataFrame(rows, columns=["simulation", "estimate", "se", "error"])


def power_at(theta: np.ndarray, se: np.ndarray, deltas: np.ndarray, alpha: float) -> np.ndarray:
    """Share of draws rejecting ``effect = 0`` (two-sided, level ``alpha``) once ``delta`` is added."""
    from scipy.stats import norm

    z = norm.ppf(1 - alpha / 2)
    theta, se = np.asarray(theta, dtype=float), np.asarray(se, dtype=float)
    return np.array([float(np.mean(np.abs(theta + d) / se > z)) for d in np.asarray(deltas, dtype=float)])


def minimum_detectable_effect(deltas: np.ndarray, power: np.ndarray, target: float) -> float | None:
    """Smallest delta with power >= ``target``, linear interpolation between grid points; None if the
    grid never reaches it."""
    deltas, power = np.asarray(deltas, dtype=float), np.asarray(power, dtype=float)
    order = np.argsort(deltas)
    deltas, power = deltas[order], power[order]
    hits = np.flatnonzero(power >= target)
    if hits.size == 0:
        return None
    k = int(hits[0])
    if k == 0:
        return float(deltas[0])
    d0, d1, p0, p1 = deltas[k - 1], deltas[k], power[k - 1], power[k]
    return float(d0 + (target - p0) * (d1 - d0) / (p1 - p0))


# ------------------------------------------------------------------------------------------------
# The study's designs
# ------------------------------------------------------------------------------------------------

@dataclass
class PowerDesign:
    est: dict[str, Any]
    pool: Any                        # checked DidPanel of every country of the estimation sample
    cohorts: np.ndarray              # real cohort years of the treated countries (multiset)
    outcome_sd: float
    options: dict[str, Any]
    n_real_controls: int
    notes: list[str] = field(default_factory=list)


def power_design(panel: pd.DataFrame, *, spec: dict[str, Any], est: dict[str, Any], source: str) -> PowerDesign:
    """The id's primary estimation sample, the real cohort multiset and the reassignment pool."""
    from study.estimate.did.data import DidPanel, prepare_panel
    from study.estimate.did.study_step import design, outcome_sd, variants

    primary = next(v for v in variants(spec) if v["id"] == "primary")
    d = design(panel, spec=spec, est=est, variant=primary, source=source)
    c = d.common
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checked = prepare_panel(d.frame, unit=c["unit"], time=c["time"], cohort=c["cohort"], outcome=c["outcome"],
                                covariates=c["covariates"], control_group=c["control_group"],
                                anticipation=c["anticipation"], balanced=c["balanced"],
                                min_cohort_size=c["min_cohort_size"], source=c["source"])
    unit_cohort = checked.data.drop_duplicates("unit").set_index("unit")["cohort"]
    cohorts = np.sort(unit_cohort[unit_cohort > 0].to_numpy())
    pool_units = list(unit_cohort.index)
    pool = DidPanel(data=checked.data.assign(cohort=0).reset_index(drop=True),  # no real assignment kept
                    covariates=list(checked.covariates), source=f"{c['source']} [power pool]",
                    balanced=checked.balanced)
    minimum = 2 if c["control_group"] == "nevertreated" else 1
    if len(pool_units) - len(cohorts) < minimum:
        raise DataError(source, f"{est['id']}: {len(cohorts)} treated countries cannot be reassigned over "
                        f"{len(pool_units)} countries with at least {minimum} left as controls",
                        field=c["cohort"])
    options = {"control_group": c["control_group"], "method": c["method"], "anticipation": c["anticipation"],
               "base_period": d.did["base_period"], "event_window": tuple(d.did["event_window"]),
               "primary_window": tuple(d.did["primary_window"])}
    return PowerDesign(est, pool, cohorts, outcome_sd(checked), options,
                       n_real_controls=int((unit_cohort == 0).sum()), notes=d.notes)


def power_ids(spec: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {e["id"]: e for e in spec["estimates"]}
    wanted = spec["power"]["estimates"]
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise StudyError(f"{paths.spec_file()}: [power] names ids that are not [[estimates]]: {unknown}")
    return [by_id[i] for i in wanted]


def _seed(base: int, spec_id: str) -> np.random.SeedSequence:
    """One stream per id (independent of the order in which the ids are run)."""
    return np.random.SeedSequence([int(base), *spec_id.encode("utf-8")])


def summarise(d: PowerDesign, draws: pd.DataFrame, *, grid_sd: list[float], alpha: float,
              target: float) -> list[dict[str, Any]]:
    """Tidy rows: power per delta, the false-positive rate (delta = 0) and the MDE."""
    ok = draws["error"] == ""
    theta, se = draws.loc[ok, "estimate"].to_numpy(), draws.loc[ok, "se"].to_numpy()
    grid_sd = np.asarray(sorted(float(x) for x in grid_sd))
    deltas = grid_sd * d.outcome_sd
    n_ok = int(ok.sum())
    common = {"spec_id": d.est["id"], "role": d.est.get("role", ""), "outcome": d.est["outcome"],
              "treatment": d.est["treatment"], "n_simulations": len(draws), "n_failed": int((~ok).sum()),
              "n_pseudo_treated": len(d.cohorts), "n_controls": d.pool.n_units - len(d.cohorts),
              "n_real_controls": d.n_real_controls, "n_obs": len(d.pool.data), "outcome_sd": d.outcome_sd,
              "alpha": alpha, "target_power": target}
    if n_ok == 0:
        return [{**common, "quantity": "not_estimable", "note": draws["error"].iloc[0]}]
    power = power_at(theta, se, deltas, alpha)
    rows = [{**common, "quantity": "power", "delta_sd": s, "delta": dl, "value": p,
             "mc_se": float(np.sqrt(p * (1 - p) / n_ok)), "note": ""}
            for s, dl, p in zip(grid_sd, deltas, power)]
    fpr = float(power_at(theta, se, np.array([0.0]), alpha)[0])
    rows.append({**common, "quantity": "false_positive_rate", "delta_sd": 0.0, "delta": 0.0, "value": fpr,
                 "mc_se": float(np.sqrt(fpr * (1 - fpr) / n_ok)), "note": ""})
    mde_sd = minimum_detectable_effect(grid_sd, power, target)
    rows.append({**common, "quantity": "mde", "delta_sd": mde_sd, "value": target,
                 "delta": mde_sd * d.outcome_sd if mde_sd is not None else None,
                 "note": "" if mde_sd is not None else "> max grid"})
    return rows


COLUMNS = ["spec_id", "role", "outcome", "treatment", "quantity", "delta_sd", "delta", "value", "mc_se",
           "n_simulations", "n_failed", "n_pseudo_treated", "n_controls", "n_real_controls", "n_obs",
           "outcome_sd", "alpha", "target_power", "note"]


def _fmt(x: float | None, digits: int = 3) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def power_markdown(tidy: pd.DataFrame, spec: dict[str, Any], seed: int) -> str:
    """The Markdown table of plan section 6.6."""
    p = spec["power"]
    grid = sorted(float(x) for x in p["effect_grid_sd"] if float(x) > 0)
    head = (["Id", "Outcome", "Treated countries", "Controls (simulated / real)", "Outcome SD"]
            + [f"Power at {g:g} SD" for g in grid] + ["False-positive rate", "MDE (SD)", "MDE (outcome units)"])
    lines = ["# Simulated power of the primary estimand", "",
             f"Callaway & Sant'Anna primary estimand (mean ATT(e), e = {spec['did']['primary_window'][0]}.."
             f"{spec['did']['primary_window'][1]}), two-sided test at alpha = {p['alpha']}, "
             f"{p['simulations']} random reassignments of the real cohort years over all countries of each "
             f"estimation sample (seed {seed} from [seeds].power). MDE: smallest effect "
             f"with power >= {p['target_power']} (linear interpolation on the grid).", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for spec_id, rows in tidy.groupby("spec_id", sort=False):
        first = rows.iloc[0]
        label = spec["outcomes"].get(first["outcome"], {}).get("label", first["outcome"])
        if (rows["quantity"] == "not_estimable").any():
            lines.append(f"| {spec_id} | {label} | not estimable: {first['note']} |" + " |" * (len(head) - 3))
            continue
        pw = rows[rows["quantity"] == "power"].set_index("delta_sd")["value"]
        fpr = rows.loc[rows["quantity"] == "false_positive_rate", "value"].iloc[0]
        mde = rows[rows["quantity"] == "mde"].iloc[0]
        mde_sd = "> max grid" if mde["note"] else _fmt(mde["delta_sd"])
        mde_units = "> max grid" if mde["note"] else _fmt(mde["delta"])
        cells = [spec_id, label, str(int(first["n_pseudo_treated"])),
                 f"{int(first['n_controls'])} / {int(first['n_real_controls'])}", _fmt(first["outcome_sd"])]
        cells += [_fmt(pw.get(g)) for g in grid] + [_fmt(fpr), mde_sd, mde_units]
        lines.append("| " + " | ".join(cells) + " |")
    failed = tidy.drop_duplicates("spec_id")
    failed = failed[failed["n_failed"] > 0]
    lines += ["", "Controls: countries left untreated in each reassignment (equal to the real design's "
              "comparison group, second number). Monte Carlo "
              f"SE of a power value p: sqrt(p(1 - p) / {p['simulations']}) (column mc_se of power.csv)."]
    if not failed.empty:
        lines.append("Reassignments that could not be estimated (left out of the shares): "
                     + "; ".join(f"{r.spec_id} {int(r.n_failed)}" for r in failed.itertuples()) + ".")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> None:
    from study.estimate.did.study_step import panel_file

    spec = config.spec()
    p = config.section("power")
    path = panel_file()
    if not path.exists():
        raise StudyError(f"panel not found: {paths.relative(path)} (run `make panel` first)")
    record_input(path)
    panel = pd.read_parquet(path)
    source = paths.relative(path)
    seed = config.seed("power")
    rows, draws_all = [], []
    for est in power_ids(spec):
        try:
            d = power_design(panel, spec=spec, est=est, source=source)
        except DataError as exc:
            log.error("%s: power not simulated: %s", est["id"], exc)
            rows.append({"spec_id": est["id"], "role": est.get("role", ""), "outcome": est["outcome"],
                         "treatment": est["treatment"], "quantity": "not_estimable", "note": str(exc)})
            continue
        for note in d.notes:
            log.info("%s power: %s", est["id"], note)
        draws = placebo_draws(d.pool, d.cohorts, simulations=int(p["simulations"]), seed=_seed(seed, est["id"]),
                              options=d.options, desc=f"power {est['id']}")
        if (draws["error"] != "").any():
            log.warning("%s: %d of %d reassignments not estimable (first: %s)", est["id"],
                        int((draws["error"] != "").sum()), len(draws), draws.loc[draws["error"] != "", "error"].iloc[0])
        rows += summarise(d, draws, grid_sd=list(p["effect_grid_sd"]), alpha=float(p["alpha"]),
                          target=float(p["target_power"]))
        draws_all.append(draws.assign(spec_id=est["id"]))
    tidy = pd.DataFrame(rows).reindex(columns=COLUMNS)
    out = power_dir()
    io.write_csv(out / "power.csv", tidy)
    if draws_all:
        io.write_csv(out / "draws.csv", pd.concat(draws_all, ignore_index=True)[
            ["spec_id", "simulation", "estimate", "se", "error"]])
    io.write_text(out / "power.md", power_markdown(tidy, spec, seed))
