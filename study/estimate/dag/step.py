"""``python -m study dag``: the causal graph, DoWhy identification, estimate and refutations (DAG1).

Reads ``[dag]`` of the spec, the graph file it names and ``data/derived/panel.parquet``:

1. checks the graph against the node -> column table (:mod:`.graph`) and draws it
   (``results/figures/causal_graph.png/.pdf``);
2. builds the analysis frame: onset at t, common causes at t - 1, outcome at t + k (:mod:`.data`);
3. identifies the effect with DoWhy on the full graph (not identified: the unobserved common causes
   leave backdoor paths open, listed) and on the working graph without them (backdoor set), and
   prints the identified estimand;
4. estimates it with ``[dag].estimator`` (SE clustered by country; the iid SE alongside) and the
   unadjusted difference for comparison;
5. refutes it with DoWhy's refuters (``[dag].refuter_simulations`` each, ``[seeds].dag``) and with
   the panel-aware ones (``[dag].panel_resamples`` each, ``[seeds].panel_refuters``).

Writes (only after everything succeeded, through :mod:`study.io`):

* ``results/estimates/dag.csv``: tidy, one row with the ``spec_id`` of the ``[[estimates]]`` entry
  whose estimators list ``dowhy``; SE clustered by country, plus the iid SE and the unadjusted
  difference for comparison;
* ``results/estimates/refutations.csv``: one row per refuter (refuter, kind ``dowhy_iid`` or
  ``panel_aware``, setting, estimate, new_effect, p_value, meaning, how to read the p-value, detail);
* ``results/estimates/dag_identification.txt``: node table, analysis frame, identification on the
  full and the working graph, open backdoor paths, estimate.
"""

from __future__ import annotations

import argparse
import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

from study import config, io, paths
from study.errors import DataError, StudyError
from study.provenance import record_input

log = logging.getLogger("study")

ESTIMATOR = "dowhy"
#: optional [dag] keys and the value used when the spec does not set them (logged when used).
#: cohort: the [treatments.<t>] whose first-campaign year defines onset; subset_fraction: share of
#: rows / countries kept by the subset refuters (DoWhy's own default); sensitivity_benchmarks: the
#: observed confounders an unobserved one is compared with, one sensitivity row each (democracy: the
#: regime characteristic NGO presence and conflict resemble most; prior practice: the strongest
#: predictor of later practice, an extreme case).
OPTIONAL = {"cohort": "any", "subset_fraction": 0.8, "sensitivity_benchmarks": ["democracy", "prior_practice"]}
TIDY = ["spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate", "se", "ci_low",
        "ci_high", "ci_kind", "p_value", "n_obs", "n_units", "n_treated_units", "se_iid", "unadjusted_estimate",
        "unadjusted_se", "horizon", "adjustment_set"]
REFUTATION_COLUMNS = ["spec_id", "variant", "estimator", "refuter", "kind", "setting", "estimate", "new_effect",
                      "p_value", "sd_new_effect", "n_simulations", "meaning", "p_value_reads", "detail"]

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def options(spec: dict[str, Any]) -> dict[str, Any]:
    """``[dag]`` with the optional keys filled in (see :data:`OPTIONAL`)."""
    if "dag" not in spec:
        raise StudyError(f"file {paths.spec_file()}: missing section [dag]")
    dag = dict(spec["dag"])
    for key in ("graph", "treatment", "outcome", "outcome_variable", "horizon", "estimator",
                "refuter_simulations", "panel_resamples"):
        if key not in dag:
            raise StudyError(f"file {paths.spec_file()}: [dag] has no key '{key}'")
    for key, value in OPTIONAL.items():
        if key not in dag:
            log.warning("[dag].%s not in the spec: using %r", key, value)
            dag[key] = value
    if dag["outcome_variable"] not in spec.get("outcomes", {}):
        raise StudyError(f"[dag].outcome_variable {dag['outcome_variable']!r} is not an [outcomes] key")
    if dag["cohort"] not in spec.get("treatments", {}):
        raise StudyError(f"[dag].cohort {dag['cohort']!r} is not a [treatments] key")
    if not 0 < float(dag["subset_fraction"]) < 1:
        raise StudyError(f"[dag].subset_fraction must be in (0, 1), got {dag['subset_fraction']}")
    return dag


def registered_estimate(spec: dict[str, Any], outcome_variable: str) -> dict[str, Any]:
    """The ``[[estimates]]`` entry that lists the ``dowhy`` estimator (exactly one)."""
    entries = [e for e in spec.get("estimates", []) if ESTIMATOR in e.get("estimators", [])]
    if len(entries) != 1:
        raise StudyError(f"expected one [[estimates]] entry with estimator '{ESTIMATOR}', found {len(entries)}")
    entry = entries[0]
    if entry["outcome"] != outcome_variable:
        raise StudyError(f"[[estimates]] {entry['id']} has outcome {entry['outcome']!r} but [dag].outcome_variable "
                         f"is {outcome_variable!r}")
    return entry


def read_panel() -> tuple[pd.DataFrame, str]:
    path = paths.derived_dir() / "panel.parquet"
    if not path.is_file():
        raise DataError(path, "panel not found: run `make panel` (python -m study panel) first")
    record_input(path)
    try:
        return pd.read_parquet(path), paths.relative(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(path, f"cannot read Parquet: {exc}") from exc


def panel_refutations(af, ident, estimate, *, resamples: int, seed: int, subset_fraction: float,
                      progress: bool) -> list[dict[str, Any]]:
    """The country-level refuters as table rows (kind ``panel_aware``)."""
    from tqdm import tqdm

    from study.estimate.dag import panel_refuters as pr

    rng = np.random.default_rng(seed)
    d = pr.design(af.frame, treatment=af.treatment, outcome=af.outcome, adjustment=ident.adjustment_set,
                  categorical=af.categorical)
    check = pr.ols_effect(d.x, d.y)
    if not np.isclose(check, estimate.value, rtol=1e-6, atol=1e-9):
        raise StudyError(f"panel refuters: the design reproduces {check}, not DoWhy's estimate {estimate.value}")
    value = estimate.value
    rows = []
    bar = tqdm(total=3, desc="dag: panel-aware refuters", disable=not progress, leave=False)

    boot = pr.country_bootstrap(d, resamples=resamples, rng=rng)
    rows.append({"refuter": "country_bootstrap", "new_effect": boot.mean(), "p_value": pr.bootstrap_p_value(boot),
                 "sd_new_effect": boot.std(ddof=1),
                 "detail": (f"country-cluster bootstrap SE {boot.std(ddof=1):.4g} vs iid SE {estimate.se_iid:.4g} "
                            f"and analytic cluster SE {estimate.se:.4g}; percentile 95% interval "
                            f"[{np.quantile(boot, 0.025):.4g}, {np.quantile(boot, 0.975):.4g}]")})
    bar.update()

    placebo = pr.timing_permutation(af, adjustment=ident.adjustment_set, resamples=resamples, rng=rng)
    rows.append({"refuter": "placebo_timing_permutation", "new_effect": placebo.mean(),
                 "p_value": pr.permutation_p_value(placebo, value), "sd_new_effect": placebo.std(ddof=1),
                 "detail": ("onset years (and never-targeted status) permuted across "
                            f"{af.candidates['iso3'].nunique()} countries; risk set rebuilt each time")})
    bar.update()

    subset = pr.country_subset(d, resamples=resamples, fraction=subset_fraction, rng=rng)
    rows.append({"refuter": "country_subset", "new_effect": subset.mean(),
                 "p_value": pr.within_distribution_p_value(subset, value), "sd_new_effect": subset.std(ddof=1),
                 "setting": f"subset_fraction={subset_fraction:g}", "detail": ""})
    bar.update()
    bar.close()
    for row in rows:
        row.setdefault("setting", "")
        row.update(kind="panel_aware", estimate=value, n_simulations=resamples,
                   meaning=pr.MEANINGS[row["refuter"]], p_value_reads=pr.P_READS[row["refuter"]])
    return rows


def identification_report(*, dag, af, ident, opts, table, estimate, unadjusted, source: str) -> str:
    """The text of ``results/estimates/dag_identification.txt``."""
    from study.estimate.dag.identify import estimand_text

    t, y = opts["treatment"], opts["outcome"]
    lines = [f"DAG1 identification (python -m study dag); graph {paths.relative(dag.path)}, panel {source}", ""]
    lines += ["Nodes and panel columns", "node | role | observed | column | timing | note"]
    lines += [" | ".join(str(r[k]) for k in ("node", "role", "observed", "column", "timing", "note")) for r in table]
    c = af.counts
    lines += ["", "Analysis frame",
              f"onset years t in {opts['window'][0]}-{opts['window'][1]} (cohort_{opts['cohort']}); outcome "
              f"{opts['outcome_variable']} at t + {opts['horizon']}; common causes at t - 1",
              f"country-years in the window: {c['window_rows']}; dropped after onset: {c['dropped_after_onset']}; "
              f"dropped as unclean controls (onset within t + 1..t + {opts['horizon']}): "
              f"{c['dropped_onset_within_horizon']}; dropped incomplete: {c['dropped_incomplete']}",
              f"rows used: {c['rows']} ({c['onsets']} onsets) in {af.n_units} countries"]
    constant = af.constant_confounders()
    if constant:
        lines.append(f"constant in the frame (conditioning on them is vacuous): {', '.join(constant)}")
    lines += ["", "1. Full graph (unobserved nodes included)",
              f"unobserved nodes: {', '.join(ident.unobserved) or 'none'}",
              "DoWhy backdoor identification: " + ("identified" if ident.identified_on_full_graph else
                                                   "NOT identified (no valid adjustment set among observed nodes)"),
              f"backdoor paths left open by the adjustment set {{{', '.join(ident.adjustment_set)}}}:"]
    lines += [f"  {p}" for p in ident.open_paths] or ["  none"]
    lines += ["", "2. Working graph (unobserved nodes removed: assumes they do not confound given the observed set;",
              "   the add_unobserved_common_cause sensitivity analysis bounds this assumption)",
              estimand_text(ident, treatment=t, outcome=y), "",
              "3. Estimate",
              f"{opts['estimator']}: {estimate.value:.6g} (SE clustered by country {estimate.se:.6g}; iid SE "
              f"{estimate.se_iid:.6g}; 95% CI [{estimate.ci_low:.6g}, {estimate.ci_high:.6g}]; "
              f"p = {estimate.p_value:.4g})",
              f"unadjusted difference: {unadjusted.value:.6g} (SE clustered by country {unadjusted.se:.6g})", ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> None:
    from threadpoolctl import threadpool_limits

    from study.estimate.dag import figure
    from study.estimate.dag.data import analysis_frame
    from study.estimate.dag.estimate import estimate_effect, unadjusted_effect
    from study.estimate.dag.graph import column_table, read_graph
    from study.estimate.dag.identify import identify
    from study.estimate.dag.refute import dowhy_refutations

    progress = not getattr(args, "no_progress", False)
    logging.getLogger("dowhy").setLevel(logging.WARNING)   # DoWhy logs every refit at INFO
    # its capping of an extreme benchmark is reported in the sensitivity row's detail instead
    logging.getLogger("dowhy.causal_refuters.linear_sensitivity_analyzer").setLevel(logging.ERROR)
    spec = config.spec()
    opts = options(spec)
    opts["window"] = tuple(int(v) for v in spec["panel"]["campaign_window"])
    entry = registered_estimate(spec, opts["outcome_variable"])
    treatment, outcome, horizon = opts["treatment"], opts["outcome"], int(opts["horizon"])
    outcome_column = spec["outcomes"][opts["outcome_variable"]]["column"]
    cohort_column = f"cohort_{opts['cohort']}"

    dag = read_graph(paths.root() / opts["graph"], treatment=treatment, outcome=outcome)
    panel, source = read_panel()
    af = analysis_frame(panel, dag, treatment=treatment, outcome=outcome, outcome_variable=outcome_column,
                        cohort_column=cohort_column, horizon=horizon, window=opts["window"], source=source)
    log.info("dag: %d country-years (%d onsets) in %d countries", len(af.frame), af.counts["onsets"], af.n_units)

    constant = af.constant_confounders()
    if constant:
        log.warning("dag: %s constant in the analysis frame: conditioning on it is vacuous (its regression "
                    "column is empty and the fits are rank-deficient, which least squares handles)",
                    ", ".join(constant))
    # small dense regressions, refitted hundreds of times: one BLAS thread is faster than two
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        if constant:
            from statsmodels.tools.sm_exceptions import SingularMatrixWarning

            warnings.simplefilter("ignore", SingularMatrixWarning)
        ident = identify(af.model_data(), dag, treatment=treatment, outcome=outcome)
        print(ident.estimand)
        estimate = estimate_effect(ident, af, method=opts["estimator"])
        unadjusted = unadjusted_effect(af)
        log.info("dag: estimate %.4g (cluster SE %.4g, iid SE %.4g)", estimate.value, estimate.se, estimate.se_iid)
        refutations = dowhy_refutations(ident, estimate.causal_estimate,
                                        simulations=int(opts["refuter_simulations"]),
                                        seed=config.seed("dag"), subset_fraction=float(opts["subset_fraction"]),
                                        benchmarks=list(opts["sensitivity_benchmarks"]),
                                        outcome_sd=float(af.frame[outcome].std()), progress=progress)
        refutations += panel_refutations(af, ident, estimate, resamples=int(opts["panel_resamples"]),
                                         seed=config.seed("panel_refuters"),
                                         subset_fraction=float(opts["subset_fraction"]), progress=progress)

    common = {"spec_id": entry["id"], "variant": "primary", "outcome": entry["outcome"],
              "treatment": entry["treatment"], "estimator": ESTIMATOR, "key": "", "ci_kind": "pointwise95",
              "horizon": horizon}
    # one row per registered estimate; the unadjusted difference rides along for comparison
    tidy = pd.DataFrame([
        {**common, "estimand": "primary", "estimate": estimate.value, "se": estimate.se, "ci_low": estimate.ci_low,
         "ci_high": estimate.ci_high, "p_value": estimate.p_value, "n_obs": estimate.n_obs,
         "n_units": estimate.n_units, "n_treated_units": estimate.n_treated_units, "se_iid": estimate.se_iid,
         "unadjusted_estimate": unadjusted.value, "unadjusted_se": unadjusted.se,
         "adjustment_set": "; ".join(ident.adjustment_set)}])[TIDY]
    table = pd.DataFrame(refutations)
    for key in ("spec_id", "variant", "estimator"):
        table[key] = common[key]
    table = table[REFUTATION_COLUMNS]
    report = identification_report(dag=dag, af=af, ident=ident, opts=opts,
                                   table=column_table(dag, outcome_variable=outcome_column,
                                                      cohort_column=cohort_column, horizon=horizon),
                                   estimate=estimate, unadjusted=unadjusted, source=source)

    figure.save(dag, [paths.figures_dir() / "causal_graph.png", paths.figures_dir() / "causal_graph.pdf"],
                treatment=treatment, outcome=outcome, horizon=horizon)
    io.write_csv(paths.estimates_dir() / "dag.csv", tidy)
    io.write_text(paths.estimates_dir() / "dag_identification.txt", report)
    io.write_csv(paths.estimates_dir() / "refutations.csv", table)
