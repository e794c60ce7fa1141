"""``python -m study bayes``: the preregistered Bayesian hierarchical event studies.

For every ``[[estimates]]`` id whose estimators include ``bayes``:

* the primary model (``[bayes].primary_variant`` with the baseline priors, ``ar1``: AR(1)
  residuals within country) — all ids;
* for confirmatory ids (all ids with ``--all-variants``): the other model variants of
  ``[bayes].variants`` with the baseline priors, compared with the primary by PSIS-LOO, and the
  primary model under each alternative prior set (``prior_<name>``), reported side by side.

Groups (issue area, region, leadership) are those of the first campaign under the id's
treatment (:func:`.design.group_columns`); a pooling dimension with one category among the
treated countries is dropped, which the ``pooling`` column of ``bayes.csv`` and a warning show.
The pooled dimensions are ``[bayes].pooling`` unless the id sets its own ``bayes_pooling``
(:func:`pooling_of`): H6 pools over ``engagement``, H7 over ``leadership_model``, the derived
first-campaign groups of their subgroup splits (:mod:`.design`), so that their group rows in
``bayes.csv`` (estimand = dimension, key = category) are the partially pooled counterpart of the
CS subgroup estimates. One model is compiled per model variant and pooling.

Every model is held to the convergence gates (:mod:`.gates`) on every reported quantity; a run that
fails them is re-sampled with the next mass matrix (:func:`sample_gated`), and a model whose last run
fails is a failed model. A primary model or a prior-sensitivity refit that fails stops the step with
the model, parameter and gate, and nothing is written. A comparison variant (another likelihood, fitted only for the LOO
comparison) that fails is not reported: nothing of it is written, the step logs it as an error and
lists it in ``results/estimates/bayes/failures.json``, and the comparison is made among the models
that passed. Outputs (all through :mod:`study.io`):

* ``results/estimates/bayes.csv``: tidy estimates (posterior mean, SD, 95% and 90% credible
  intervals, P(effect > 0)) in outcome SD units, with the SD in ``outcome_sd``;
* ``results/estimates/bayes_diagnostics.csv``: R-hat, bulk/tail ESS, divergences, E-BFMI, the
  sampler settings (mass matrix, target acceptance) and seed per model and reported quantity
  (deterministic);
* ``results/bayes/timing.csv``: compile and sampling seconds per model and the runs made
  (``attempts``); the seconds are machine-dependent, so they are kept out of the estimate files,
  which are byte-identical between runs with the same seed;
* ``results/estimates/bayes_loo.csv``: LOO comparison of the model variants;
* ``results/estimates/bayes_parameters.csv``: posterior summaries of the model-level parameters
  (residual, country, year and group scales; AR(1) autocorrelation ``rho``; Student-t ``nu``; trend
  scale) with their R-hat and ESS (listed, not gated: the gates apply to the reported effects);
* ``results/estimates/bayes_ppc.csv``: posterior predictive p-values of the primary models;
* ``results/estimates/bayes_vs_cs.csv``: the pooled effect next to Callaway & Sant'Anna's primary
  estimand on the same sample and scale (unconditional, as the Bayesian model is: spec variant R4);
* figures ``bayes_prior_predictive``, ``bayes_forest_<id>``, ``bayes_ppc_<id>`` (PNG and PDF).

``--quick`` fits only the primary model of each id (smoke runs; chain lengths are never reduced,
because the gates are calibrated for the registered ones); ``--variants`` restricts the model
variants.
The sample is the frequentist one (:func:`study.estimate.did.study_step.estimation_sample`).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from study import config, paths
from study.errors import StudyError
from study.provenance import record_input

log = logging.getLogger("study")

ESTIMATOR = "bayes"
_COMPILED: dict[tuple, Any] = {}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec-id", action="append", metavar="ID",
                        help="run only this [[estimates]] id (repeatable)")
    parser.add_argument("--quick", action="store_true",
                        help="only the primary model of each id (no variant or prior comparison)")
    parser.add_argument("--variants", nargs="+", metavar="VARIANT",
                        help="model variants to run (default: [bayes].variants)")
    parser.add_argument("--all-variants", action="store_true",
                        help="run every model variant and prior set for secondary ids too")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


@dataclass(frozen=True)
class PlannedFit:
    spec_id: str
    variant: str        # the tidy file's variant: primary, student_t, normal_trends, prior_<name>
    model: str          # model variant
    prior: str          # prior set name


def fit_plan(bayes: dict[str, Any], estimates: list[dict[str, Any]], *, variants: list[str],
             all_variants: bool = False) -> list[PlannedFit]:
    """The models to fit, grouped by model variant (each is compiled once per pooling)."""
    from study.estimate.bayes.priors import BASELINE

    primary = bayes["primary_variant"]
    if primary not in variants:
        raise StudyError(f"the primary variant {primary!r} must be among the variants run")
    alt_priors = sorted(p for p in bayes.get("priors", {}) if p != BASELINE)
    plan = []
    for est in estimates:
        full = all_variants or est.get("role") == "confirmatory"
        plan.append(PlannedFit(est["id"], "primary", primary, BASELINE))
        if full:
            plan += [PlannedFit(est["id"], v, v, BASELINE) for v in variants if v != primary]
            plan += [PlannedFit(est["id"], f"prior_{p}", primary, p) for p in alt_priors]
    order = {v: i for i, v in enumerate([primary, *[v for v in variants if v != primary]])}
    return sorted(plan, key=lambda f: (order[f.model], f.prior != BASELINE))


def pooling_of(bayes: dict[str, Any], est: dict[str, Any]) -> tuple[str, ...]:
    """The pooling dimensions of ``est``: its ``bayes_pooling`` if set, else ``[bayes].pooling``
    (validated: a list of distinct known dimensions, :data:`.design.DIMENSIONS`)."""
    from study.estimate.bayes.design import DIMENSIONS

    key = "bayes_pooling" if "bayes_pooling" in est else "[bayes].pooling"
    value = est.get("bayes_pooling", bayes["pooling"])
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise StudyError(f"spec: estimate {est['id']}: {key} must be a list of dimension names, got {value!r}")
    unknown = [v for v in value if v not in DIMENSIONS]
    if unknown:
        raise StudyError(f"spec: estimate {est['id']}: unknown pooling dimension(s) {unknown} in {key} "
                         f"(known: {', '.join(DIMENSIONS)})")
    if len(set(value)) != len(value):
        raise StudyError(f"spec: estimate {est['id']}: {key} lists a dimension twice: {list(value)}")
    return tuple(value)


def _estimates(spec: dict[str, Any], wanted: list[str] | None) -> list[dict[str, Any]]:
    ests = [e for e in spec.get("estimates", []) if ESTIMATOR in e.get("estimators", [])]
    if wanted:
        known = {e["id"] for e in ests}
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise StudyError(f"--spec-id {', '.join(unknown)}: not an [[estimates]] id with estimator 'bayes' "
                             f"(have {', '.join(sorted(known))})")
        ests = [e for e in ests if e["id"] in set(wanted)]
    if not ests:
        raise StudyError("no [[estimates]] id lists the estimator 'bayes'")
    return ests


def estimation_frame(panel: pd.DataFrame, spec: dict[str, Any], est: dict[str, Any],
                     source: str) -> tuple[pd.DataFrame, str, str, int]:
    """The frequentist estimation sample of ``est`` (primary variant, no covariates)."""
    from study.estimate.did.study_step import estimation_sample, window_last_year

    column = spec["outcomes"][est["outcome"]]["column"]
    first_year = int(spec["panel"]["first_year"])
    last_year = window_last_year(panel, spec, est["outcome"], source)
    frame, cohort_col, notes = estimation_sample(
        panel, treatment=est["treatment"], outcome_col=column, suffix="", first_year=first_year,
        last_year=last_year, min_pre_periods=int(spec["sample"]["min_pre_periods"]), covariates=[],
        source=source)
    for note in notes:
        log.warning("%s bayes: %s", est["id"], note)
    return frame, cohort_col, column, last_year


def cs_comparison(frame: pd.DataFrame, *, spec: dict[str, Any], cohort: str, outcome: str,
                  outcome_sd: float, source: str) -> dict[str, Any]:
    """Callaway & Sant'Anna primary estimand (mean ATT(e), e in the primary window) on ``frame``.

    Unconditional (no covariates), with the spec's control group, method, anticipation and base
    period: the frequentist counterpart of the Bayesian model on the same rows (spec variant R4).
    Returned in outcome SD units (divided by ``outcome_sd``), analytic SEs.
    """
    from study.estimate.did import api

    did, sample = spec["did"], spec["sample"]
    out = api.estimate(frame, unit="iso3", time="year", cohort=cohort, outcome=outcome, covariates=[],
                       control_group=did["control_group"], method=did["method"],
                       anticipation=int(did["anticipation"]), alpha=float(did["alpha"]),
                       balanced=bool(sample["balanced"]), min_cohort_size=int(sample["min_cohort_size"]),
                       base_period=did["base_period"], event_window=tuple(did["event_window"]),
                       primary_window=tuple(did["primary_window"]), bootstrap=0, source=source,
                       progress=False)
    p = out["primary"]
    scale = 1.0 / outcome_sd
    return {"cs_estimate": p["att"] * scale, "cs_se": p["se"] * scale, "cs_ci_low": p["ci_low"] * scale,
            "cs_ci_high": p["ci_high"] * scale, "cs_n_units": out["sample"]["n_units"],
            "cs_n_treated_units": out["sample"]["n_treated_units"]}


def _compiled(variant: str, template, priors, pooling: tuple[str, ...]):
    """A compiled model for ``variant`` on ``template``'s frame (memoised within the process)."""
    from study.estimate.bayes.sample import CompiledEventStudy

    key = (variant, pooling, tuple(template.units), tuple(template.years), tuple(template.event_times),
           tuple((k, tuple(v)) for k, v in sorted(template.groups.items())))
    if key not in _COMPILED:
        log.info("compiling the %s model (numba)", variant)
        _COMPILED[key] = CompiledEventStudy(template, variant, priors, pooling)
        log.info("compiled the %s model in %.1f s", variant, _COMPILED[key].compile_seconds)
    return _COMPILED[key]


def is_comparison_variant(planned) -> bool:
    """A model variant fitted only for the LOO comparison (not the primary model, not a prior set)."""
    from study.estimate.bayes.priors import BASELINE

    return planned.variant != "primary" and planned.prior == BASELINE


def sample_gated(model, design, priors, settings, gate_spec, *, label: str, window, pooling,
                 retry_target_accept: float | None):
    """Sample, compute diagnostics of every reported quantity, enforce the gates (raise on failure).

    The mass matrices of :data:`.sample.MASS_MATRICES` are tried in turn (low-rank first): a run that
    fails a gate is discarded and the model re-sampled with the next one, which explores the same
    posterior differently (:mod:`.sample`). Within each, if ``retry_target_accept`` is set
    (``[bayes].target_accept_retry``) and the run has divergent transitions, the model is sampled
    once more at that target acceptance rate (a smaller step size), as Stan's guide recommends. The
    gates apply to the run that is reported; if the last one fails too, its failures are raised.
    ``fit.attempts`` lists every run and ``fit.seconds`` adds up their sampling time.
    """
    from study.estimate.bayes import gates, summaries
    from study.estimate.bayes.sample import MASS_MATRICES

    attempts: list[str] = []
    seconds = 0.0
    for rung, mass_matrix in enumerate(MASS_MATRICES):
        run_settings = settings.with_mass_matrix(mass_matrix)
        fit = model.sample(design, priors, run_settings)
        seconds += fit.seconds
        divergent = int(np.asarray(fit.idata.sample_stats["diverging"]).sum())
        if divergent and retry_target_accept and retry_target_accept > run_settings.target_accept:
            log.warning("%s: %d divergent transitions at target_accept=%s (%s mass matrix); re-sampling at %s",
                        label, divergent, run_settings.target_accept, mass_matrix, retry_target_accept)
            attempts.append(f"{mass_matrix}@{run_settings.target_accept}: {divergent} divergent transitions")
            fit = model.sample(design, priors, replace(run_settings, target_accept=float(retry_target_accept)))
            seconds += fit.seconds
        reported = summaries.reported_quantities(fit.idata, design, window, pooling)
        table = gates.diagnostics_table(reported, fit.idata)
        run_label = f"{mass_matrix}@{fit.settings.target_accept}"
        try:
            gates.enforce(table, gate_spec, label)
        except gates.ConvergenceError as exc:
            attempts.append(f"{run_label}: failed {len(exc.failures)} gate check(s)")
            if rung == len(MASS_MATRICES) - 1:
                raise
            log.warning("%s: %s; re-sampling with the %s mass matrix", label, exc, MASS_MATRICES[rung + 1])
            continue
        attempts.append(f"{run_label}: passed")
        break
    fit.seconds, fit.attempts = seconds, attempts
    log.info("%s: sampled in %.1f s (%s); gates passed (max R-hat %.4f, min bulk ESS %.0f, min tail ESS %.0f)",
             label, fit.seconds, "; ".join(attempts), table["r_hat"].max(), table["ess_bulk"].min(),
             table["ess_tail"].min())
    return fit, reported, table


def run(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from study import io
    from study.estimate.bayes import checks, figures, summaries
    from study.estimate.bayes.design import build_design, common_frame, conform, group_columns, pooled_dimensions
    from study.estimate.bayes.gates import ConvergenceError, GateSpec
    from study.estimate.bayes.model import VARIANTS
    from study.estimate.bayes.priors import BASELINE, prior_sets
    from study.estimate.bayes.sample import SamplerSettings

    for noisy in ("pymc", "arviz", "pytensor"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    spec = config.spec()
    bayes = config.section("bayes")
    window = tuple(int(x) for x in config.section("did")["primary_window"])
    variants = list(getattr(args, "variants", None) or bayes["variants"])
    bad = [v for v in variants if v not in VARIANTS or v not in bayes["variants"]]
    if bad:
        raise StudyError(f"--variants {bad}: not among [bayes].variants {bayes['variants']}")
    priors = prior_sets(bayes)
    gate_spec = GateSpec.from_spec(bayes["gates"])
    progress = not getattr(args, "no_progress", False)
    settings = SamplerSettings.from_spec(bayes, config.seed("bayes"), progress=progress)
    retry = bayes.get("target_accept_retry")
    quick = bool(getattr(args, "quick", False))
    if quick:
        log.warning("--quick: only the primary model of each id (the variant and prior comparisons are skipped)")

    ests = _estimates(spec, getattr(args, "spec_id", None))
    pooling = {e["id"]: pooling_of(bayes, e) for e in ests}   # validated before any data is read
    plan = fit_plan(bayes, ests, variants=variants, all_variants=getattr(args, "all_variants", False))
    if quick:
        plan = [f for f in plan if f.variant == "primary"]

    panel_path = paths.derived_dir() / "panel.parquet"
    if not panel_path.exists():
        raise StudyError(f"file {paths.relative(panel_path)}: not found; run `make panel` first")
    panel = pd.read_parquet(record_input(panel_path))
    source = paths.relative(panel_path)

    designs, frames = {}, {}
    for est in ests:
        frame, cohort_col, column, last_year = estimation_frame(panel, spec, est, source)
        designs[est["id"]] = build_design(
            frame, outcome=column, cohort=cohort_col, event_times=bayes["event_times"],
            first_year=int(spec["panel"]["first_year"]), last_year=last_year,
            balanced=bool(spec["sample"]["balanced"]), min_pre_periods=int(spec["sample"]["min_pre_periods"]),
            min_cohort_size=int(spec["sample"]["min_cohort_size"]),
            standardise=bool(bayes["standardise_outcome"]), source=f"{source} [{est['id']}]",
            groups=group_columns(est["treatment"], pooling[est["id"]]))
        frames[est["id"]] = (frame, cohort_col, column)
        for note in designs[est["id"]].notes:
            log.warning("%s bayes: %s", est["id"], note)
    common = common_frame(list(designs.values()))
    designs = {k: conform(d, **common) for k, d in designs.items()}
    by_id = {e["id"]: e for e in ests}

    rows, diag_rows, ppc_rows, loo_rows, cmp_rows, timing_rows, param_rows = [], [], [], [], [], [], []
    failed: list[dict[str, str]] = []
    loos: dict[str, dict[str, Any]] = {}
    ppc_data: dict[str, tuple] = {}
    models_run = {e["id"]: sorted({f.model for f in plan if f.spec_id == e["id"] and f.prior == BASELINE})
                  for e in ests}
    templates = {}   # one template design per pooling (conformed designs share units, years, categories)
    for sid, d in designs.items():
        templates.setdefault(pooling[sid], d)
    bar = tqdm(plan, desc="bayes models", unit="model", disable=not progress)
    for planned in bar:
        bar.set_postfix_str(f"{planned.spec_id} {planned.variant}")
        design, est = designs[planned.spec_id], by_id[planned.spec_id]
        pool = pooling[planned.spec_id]
        model = _compiled(planned.model, templates[pool], priors[BASELINE], pool)
        label = f"{planned.spec_id}/{planned.variant}"
        try:
            fit, reported, table = sample_gated(model, design, priors[planned.prior], settings, gate_spec,
                                                label=label, window=window, pooling=pool,
                                                retry_target_accept=retry)
        except ConvergenceError as exc:
            if not is_comparison_variant(planned):
                raise
            # A comparison variant (another likelihood for the LOO comparison) that fails the gates is
            # not reported, and recorded; the primary model and its prior sets must pass.
            log.error("%s: not reported: %s", label, exc)
            failed.append({"spec_id": planned.spec_id, "variant": planned.variant, "model": planned.model,
                           "error": str(exc)})
            continue
        base = {"spec_id": planned.spec_id, "variant": planned.variant, "outcome": est["outcome"],
                "treatment": est["treatment"], "n_obs": design.n_obs,
                "n_units": int(np.unique(design.unit_idx).size), "n_treated_units": design.n_treated_units,
                "model": planned.model, "prior": planned.prior,
                "pooling": ";".join(pooled_dimensions(design, pool)), "scale": "outcome_sd",
                "outcome_sd": design.y_sd}
        rows += summaries.tidy_rows(reported, base)
        param_rows += summaries.parameter_rows(fit.idata, design, pool,
                                               {k: base[k] for k in ("spec_id", "variant", "model", "prior")})
        table.insert(0, "spec_id", planned.spec_id)
        table.insert(1, "estimator", ESTIMATOR)
        table.insert(2, "variant", planned.variant)
        table["model"], table["prior"] = planned.model, planned.prior
        table["chains"], table["draws"], table["tune"] = settings.chains, settings.draws, settings.tune
        table["target_accept"] = float(fit.settings.target_accept)
        table["mass_matrix"] = fit.settings.mass_matrix
        table["seed"] = settings.seed
        diag_rows.append(table)
        timing_rows.append({"spec_id": planned.spec_id, "variant": planned.variant, "model": planned.model,
                            "prior": planned.prior, "target_accept": float(fit.settings.target_accept),
                            "mass_matrix": fit.settings.mass_matrix,
                            "sampling_seconds": round(fit.seconds, 1),   # every run if re-sampled
                            "attempts": "; ".join(fit.attempts),
                            "compile_seconds": round(model.compile_seconds, 1), "n_obs": design.n_obs})
        if planned.prior == BASELINE and len(models_run[planned.spec_id]) > 1:
            loos.setdefault(planned.spec_id, {})[planned.variant] = checks.loo(model, fit, design)
        if planned.variant == "primary":
            y_rep = checks.posterior_predictive(model, fit, design, seed=config.seed("bayes"))
            stats = checks.ppc_statistics(design, y_rep)
            stats.insert(0, "spec_id", planned.spec_id)
            stats.insert(1, "estimator", ESTIMATOR)
            stats.insert(2, "variant", "primary")
            ppc_rows.append(stats)
            ppc_data[planned.spec_id] = (design.y, y_rep, checks.first_differences(design.y, design)[0],
                                         checks.first_differences(y_rep, design))
        del fit

    for spec_id in sorted(loos):
        table = checks.loo_table(loos[spec_id])
        table.insert(0, "spec_id", spec_id)
        table.insert(1, "estimator", ESTIMATOR)
        table = table.rename(columns={"model": "variant"})
        loo_rows.append(table)

    order = {v: i for i, v in enumerate(["primary", *[v for v in bayes["variants"] if v != bayes["primary_variant"]],
                                         *[f"prior_{p}" for p in priors if p != BASELINE]])}
    ids = {e["id"]: i for i, e in enumerate(ests)}
    rows = sorted(rows, key=lambda r: (ids[r["spec_id"]], order[r["variant"]]))   # stable: keeps row order
    tidy = summaries.tidy_frame(rows)
    for est in ests:
        frame, cohort_col, column = frames[est["id"]]
        design = designs[est["id"]]
        prim = tidy[(tidy.spec_id == est["id"]) & (tidy.variant == "primary") & (tidy.estimand == "primary")].iloc[0]
        cs = cs_comparison(frame, spec=spec, cohort=cohort_col, outcome=column, outcome_sd=design.y_sd,
                           source=f"{source} [{est['id']}]")
        cmp_rows.append({"spec_id": est["id"], "outcome": est["outcome"], "treatment": est["treatment"],
                         "scale": "outcome_sd", "outcome_sd": design.y_sd,
                         "bayes_estimate": prim.estimate, "bayes_sd": prim.se, "bayes_ci_low": prim.ci_low,
                         "bayes_ci_high": prim.ci_high, "bayes_ci90_low": prim.ci90_low,
                         "bayes_ci90_high": prim.ci90_high, "bayes_p_positive": prim.p_positive,
                         **cs, "cs_label": "CS, no covariates (R4)",
                         "difference": prim.estimate - cs["cs_estimate"],
                         "same_sign": bool(np.sign(prim.estimate) == np.sign(cs["cs_estimate"])),
                         "intervals_overlap": bool(prim.ci_low <= cs["cs_ci_high"] and cs["cs_ci_low"] <= prim.ci_high),
                         "bayes_n_units": prim.n_units, "bayes_n_treated_units": prim.n_treated_units})
    comparison = pd.DataFrame(cmp_rows)

    # Prior predictive check: primary model, every prior set, on the first id's design.
    first = ests[0]["id"]
    prior_model = _compiled(bayes["primary_variant"], templates[pooling[first]], priors[BASELINE], pooling[first])
    prior_draws = {name: checks.prior_predictive(prior_model, designs[first], p, window=window,
                                                 seed=config.seed("bayes_prior_predictive"), draws=1000)
                   for name, p in priors.items()}

    # Everything passed: write.
    est_dir = paths.estimates_dir()
    io.write_csv(est_dir / "bayes.csv", tidy)
    diagnostics = pd.concat(diag_rows, ignore_index=True)
    diagnostics = diagnostics.sort_values(["spec_id", "variant"], kind="mergesort",
                                          key=lambda c: c.map(ids if c.name == "spec_id" else order))
    io.write_csv(est_dir / "bayes_diagnostics.csv", diagnostics)
    timing = pd.DataFrame(timing_rows)
    io.write_csv(paths.results_dir() / "bayes" / "timing.csv", timing)
    io.write_csv(est_dir / "bayes_ppc.csv", pd.concat(ppc_rows, ignore_index=True))
    loo_frame = (pd.concat(loo_rows, ignore_index=True) if loo_rows else
                 pd.DataFrame(columns=["spec_id", "estimator", "variant", "rank", "elpd_loo"]))
    io.write_csv(est_dir / "bayes_loo.csv", loo_frame)
    io.write_csv(est_dir / "bayes_vs_cs.csv", comparison)
    params = pd.DataFrame(param_rows)
    params = params.sort_values(["spec_id", "variant"], kind="mergesort",
                                key=lambda c: c.map(ids if c.name == "spec_id" else order))
    io.write_csv(est_dir / "bayes_parameters.csv", params)
    io.write_json(est_dir / "bayes" / "failures.json", failed)
    figures.save_both(figures.prior_predictive_figure(prior_draws, designs[first].y, label=f"{first} design"),
                      "bayes_prior_predictive")
    for est in ests:
        sid = est["id"]
        figures.save_both(figures.forest_figure(tidy[tidy.spec_id == sid], comparison[comparison.spec_id == sid],
                                                spec_id=sid), f"bayes_forest_{sid}")
        y, y_rep, fd, fd_rep = ppc_data[sid]
        figures.save_both(figures.ppc_figure(y, y_rep, fd, fd_rep, spec_id=sid), f"bayes_ppc_{sid}")
    log.info("bayes: %d models passed the gates, %d comparison variants failed them (not reported); "
             "sampling %.0f s, compiling %.0f s in total", len(plan) - len(failed), len(failed),
             float(timing["sampling_seconds"].sum()), float(timing.drop_duplicates("model")["compile_seconds"].sum()))
