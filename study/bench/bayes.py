"""Benchmark: the Bayesian event-study models sampled with nutpie versus PyMC's default NUTS.

The same PyMC model (:func:`study.estimate.bayes.model.build_model`, baseline priors) on a
SYNTHETIC panel of the study's size (180 countries x 29 years, ~5,200 rows; ``--quick``: 60 x 20
and short chains) is sampled with

* ``nutpie-lowrank``: nutpie with the low-rank modified mass matrix (the study step's first choice),
* ``nutpie-diag``: nutpie with its default diagonal mass matrix (the step's fallback when a
  low-rank run fails a gate, :func:`study.estimate.bayes.step.sample_gated`),
* ``pymc``: ``pm.sample`` (PyMC's own NUTS, C backend), ``cores=2``; its sampling seconds are the
  ``sampling_time`` PyMC records, the rest of the call (compilation, worker start-up) is reported
  as compile seconds,

each with 4 chains, the spec's draws, tuning steps and target acceptance, and the same seed.
Reported per model variant and sampler: compile seconds, sampling seconds, the smallest bulk and
tail ESS over the reported quantities (pooled effect, event-time and group effects), ESS per
second of sampling, divergences, and ratios against PyMC's default sampler (ESS/s ratio > 1:
faster than PyMC). Writes ``results/bench/bayes.csv`` and ``results/bench/bayes.md``. Timings
depend on the load of the machine; the table records the number of cores.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

import pandas as pd

from study import config, io, paths

log = logging.getLogger("study")

SAMPLERS = ("nutpie-lowrank", "nutpie-diag", "pymc")


def _panel(quick: bool, seed: int):
    from study.estimate.bayes.design import build_design
    from study.estimate.bayes.simulate import simulate_panel

    size = dict(n_countries=60, first_year=1995, last_year=2014, cohort_years=(2006, 2011)) if quick else \
        dict(n_countries=180, first_year=1995, last_year=2023, cohort_years=(2006, 2020))
    panel, _ = simulate_panel(event_effects={0: 0.01, 1: 0.02, 2: 0.03, 3: 0.03, 4: 0.03, 5: 0.03},
                              group_sd=0.01, trend_sd=0.001, seed=seed, **size)
    return build_design(panel, outcome="civil_liberties", cohort="cohort_any", event_times=[-3, 5],
                        first_year=size["first_year"], min_pre_periods=3)


def _measure(sampler: str, variant: str, design, priors, bayes: dict, draws: int, tune: int, seed: int,
             window: tuple[int, int], compiled_cache: dict) -> dict:
    import pymc as pm

    from study.estimate.bayes import gates, summaries
    from study.estimate.bayes.sample import CompiledEventStudy, SamplerSettings

    chains, target_accept = int(bayes["chains"]), float(bayes["target_accept"])
    if sampler.startswith("nutpie"):
        if variant not in compiled_cache:          # both nutpie runs share one compiled model
            compiled_cache[variant] = CompiledEventStudy(design, variant, priors)
        compiled = compiled_cache[variant]
        settings = SamplerSettings(chains=chains, draws=draws, tune=tune, target_accept=target_accept,
                                   seed=seed, low_rank=sampler == "nutpie-lowrank", progress=False)
        fit = compiled.sample(design, priors, settings)
        idata, compile_s, sample_s = fit.idata, compiled.compile_seconds, fit.seconds
    else:
        from study.estimate.bayes.model import build_model

        model = build_model(design, priors, variant)
        start = time.perf_counter()
        idata = pm.sample(draws=draws, tune=tune, chains=chains, cores=2, random_seed=seed,
                          target_accept=target_accept, model=model, progressbar=False,
                          compute_convergence_checks=False)
        wall = time.perf_counter() - start
        # PyMC records the time spent in the sampling loop; the rest is compilation and process start-up.
        sample_s = float(idata.posterior.attrs["sampling_time"])
        compile_s = wall - sample_s
    reported = summaries.reported_quantities(idata, design, window)
    table = gates.diagnostics_table(reported, idata)
    return {"compile_seconds": compile_s, "sampling_seconds": sample_s,
            "min_ess_bulk": float(table["ess_bulk"].min()), "min_ess_tail": float(table["ess_tail"].min()),
            "max_r_hat": float(table["r_hat"].max()), "divergences": int(table["divergences"].iloc[0])}


def run(args: argparse.Namespace) -> dict:
    from importlib.metadata import version

    from tqdm import tqdm

    from study.estimate.bayes.model import VARIANTS
    from study.estimate.bayes.priors import prior_set

    quick = bool(getattr(args, "quick", False))
    bayes = config.section("bayes")
    seed = config.seed("bayes")
    window = tuple(int(x) for x in config.section("did")["primary_window"])
    priors = prior_set(bayes, "baseline")
    draws, tune = (300, 300) if quick else (int(bayes["draws"]), int(bayes["tune"]))
    variants = ("normal",) if quick else VARIANTS
    design = _panel(quick, config.seed("simulation"))
    rows, cache = [], {}
    jobs = [(v, s) for v in variants for s in SAMPLERS]
    for variant, sampler in tqdm(jobs, desc="bench bayes", unit="run"):
        m = _measure(sampler, variant, design, priors, bayes, draws, tune, seed, window, cache)
        rows.append({"variant": variant, "sampler": sampler, "rows": design.n_obs, "units": design.n_units,
                     "chains": int(bayes["chains"]), "draws": draws, "tune": tune, **m,
                     "ess_bulk_per_second": m["min_ess_bulk"] / m["sampling_seconds"]})
    table = pd.DataFrame(rows)
    ref = table[table.sampler == "pymc"].set_index("variant")
    table["sampling_time_ratio_vs_pymc"] = table["sampling_seconds"] / table["variant"].map(ref["sampling_seconds"])
    table["ess_per_second_ratio_vs_pymc"] = (table["ess_bulk_per_second"]
                                             / table["variant"].map(ref["ess_bulk_per_second"]))
    table["cores"] = os.cpu_count()
    versions = {p: version(p) for p in ("pymc", "nutpie", "pytensor", "arviz")}
    out_dir = paths.results_dir() / "bench"
    io.write_csv(out_dir / "bayes.csv", table, float_format="%.6g")
    io.write_text(out_dir / "bayes.md", _markdown(table, versions, quick))
    return {"table": table}


def _markdown(table: pd.DataFrame, versions: dict[str, str], quick: bool) -> str:
    r0 = table.iloc[0]
    lines = ["# Bayesian event study: nutpie vs PyMC's default NUTS", "",
             f"SYNTHETIC panel: {int(r0['units'])} countries, {int(r0['rows'])} country-years; "
             f"{int(r0['chains'])} chains x {int(r0['draws'])} draws after {int(r0['tune'])} tuning steps; "
             f"{int(r0['cores'])} cores. Min ESS over the reported quantities (pooled, event-time and group "
             "effects). Ratios against `pymc` (ESS/s ratio > 1: more effective draws per second than PyMC). "
             + ", ".join(f"{k} {v}" for k, v in versions.items()) + "."
             + (" **Quick mode (smoke test): small panel, 300 draws, normal model only.**" if quick else ""), "",
             "| model | sampler | compile s | sampling s | min bulk ESS | min tail ESS | max R-hat | divergences "
             "| bulk ESS/s | time ratio | ESS/s ratio |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in table.itertuples():
        lines.append(f"| {r.variant} | {r.sampler} | {r.compile_seconds:.1f} | {r.sampling_seconds:.1f} | "
                     f"{r.min_ess_bulk:.0f} | {r.min_ess_tail:.0f} | {r.max_r_hat:.4f} | {r.divergences} | "
                     f"{r.ess_bulk_per_second:.1f} | {r.sampling_time_ratio_vs_pymc:.2f} | "
                     f"{r.ess_per_second_ratio_vs_pymc:.2f} |")
    return "\n".join(lines) + "\n"
