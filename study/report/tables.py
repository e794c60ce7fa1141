"""``python -m study tables``: the results tables, as views of the estimate files.

Each table is built in two stages: a tidy *view* (the estimate rows it shows, each with its
preregistered/exploratory status) and a display :class:`~study.report.render.Grid`, which is written
as ``results/tables/<name>.md``, ``.tex`` and ``.html``. Nothing here estimates anything: every
number in an estimate table is a cell of a file in ``results/estimates`` (the descriptive tables of
:mod:`study.report.descriptives` count and summarise the panel and the campaign table). A table whose input step is still pending is
left out (and the report says so).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, Callable

import numpy as np
import pandas as pd

from study import config, io, paths
from study.report import format as fmt
from study.report import labels, load
from study.report import descriptives
from study.report.render import RENDERERS, Grid, Row, Table
from study.report.status import EXPLORATORY, PREREGISTERED, Status, load_status

log = logging.getLogger("study")

# name -> title, in the order of the report.
TABLES: dict[str, str] = {
    "main": "Main results: effect of a first campaign on the preregistered outcomes",
    "comparison": "Bayesian pooled effect and Callaway & Sant'Anna estimate",
    "event_study": "Event-study estimates by event time",
    "robustness": "Robustness variants of the primary estimand",
    "sensitivity": "HonestDiD sensitivity of the primary estimand",
    "heterogeneity": "Heterogeneity: effects in subgroups of targeted countries",
    "bayes_diagnostics": "Bayesian models: convergence diagnostics",
    "bayes_loo": "Bayesian models: leave-one-out cross-validation",
    "refutations": "Causal graph: estimate and refutation tests",
    "process": "Process and outcome: documented engagement and estimated effect of each first campaign",
    **descriptives.TITLES,
}

EXPLORATORY_NOTE = ("Rows marked exploratory were not preregistered; each is listed with its reason in "
                    "preregistration/deviations.md.")


# --------------------------------------------------------------------------------------------- helpers

def pick_interval(frame: pd.DataFrame, prefer: tuple[str, ...]) -> pd.DataFrame:
    """One row per estimate: where an estimate has rows for several ``ci_kind``s keep the preferred one."""
    if frame.empty:
        return frame
    rank = frame["ci_kind"].map({k: i for i, k in enumerate(prefer)}).fillna(len(prefer))
    key = [c for c in load.TIDY_KEY if c != "ci_kind"]
    return (frame.assign(_rank=rank).sort_values("_rank", kind="mergesort")
            .drop_duplicates(key, keep="first").sort_index().drop(columns="_rank"))


# The estimand a DiD estimator's row shows in the main and robustness tables, best first: the
# registered primary estimand where the step writes it (Callaway & Sant'Anna), else the estimator's
# overall ATT (TWFE: the static coefficient; Sun & Abraham, imputation: the overall average).
HEADLINE_ESTIMANDS: tuple[str, ...] = ("primary", "twfe", "simple")


def primary_estimand(did: pd.DataFrame) -> pd.DataFrame:
    """One headline row per (spec_id, variant, estimator, ci_kind): the best of :data:`HEADLINE_ESTIMANDS`."""
    rows = did[did["estimand"].isin(HEADLINE_ESTIMANDS)]
    rank = rows["estimand"].map({e: i for i, e in enumerate(HEADLINE_ESTIMANDS)})
    rows = rows.assign(_rank=rank).sort_values("_rank", kind="mergesort")
    rows = rows.drop_duplicates(["spec_id", "variant", "estimator", "ci_kind"], keep="first")
    return rows.sort_index().drop(columns="_rank")


def headline_label(estimator: str, estimand: str) -> str:
    """Row label of a headline estimate: the estimator, and the estimand where it is not the primary one."""
    if estimand == "primary":
        return labels.estimator(estimator)
    what = "static coefficient" if estimator == "twfe" or estimand == "twfe" else "overall ATT"
    return f"{labels.estimator(estimator)} ({what})"


HEADLINE_NOTE = ("Rows labelled \"overall ATT\" show the estimator's average over all post-campaign "
                 "country-years (the file gives no primary estimand for it); \"static coefficient\" is the "
                 "TWFE coefficient on the post-campaign indicator.")


def in_event_window(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """Event-time rows within ``[did].event_window``."""
    window = spec.get("did", {}).get("event_window")
    if not window or frame.empty:
        return frame
    e = pd.to_numeric(frame["key"], errors="coerce")
    return frame[(e >= window[0]) & (e <= window[1])]


def headline(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """Rows of the ids that have one effect per outcome (not the registered subgroup comparisons)."""
    return frame[~frame["spec_id"].isin(labels.split_ids(spec))]


def with_status(frame: pd.DataFrame, status: Status) -> pd.DataFrame:
    out = frame.copy()
    out["status"] = [status(s, e, v) for s, e, v in zip(out["spec_id"], out["estimator"], out["variant"])]
    return out


def estimate_cell(row: Any) -> tuple[str, ...]:
    return fmt.cell(row.estimate, row.se, row.ci_low, row.ci_high)


def wide_rows(view: pd.DataFrame, columns: list[str]) -> list[Row]:
    """Rows of a wide table from a view with ``group``, ``label``, ``column``, ``cell``, ``status``.

    A row whose cells differ in status is split, so that each printed row has one status: the
    exploratory part gets its own row labelled "(exploratory)".
    """
    rows: list[Row] = []
    for (group, label), part in view.groupby(["group", "label"], sort=False):
        statuses = [s for s in (PREREGISTERED, EXPLORATORY) if s in set(part["status"])]
        for s in statuses:
            sub = part[part["status"] == s]
            cells = dict(zip(sub["column"], sub["cell"]))
            shown = label if len(statuses) == 1 or s == PREREGISTERED else f"{label} (exploratory)"
            rows.append(Row(shown, [cells.get(c, ()) for c in columns], s, group))
    return rows


def spec_columns(spec: dict[str, Any], frame: pd.DataFrame) -> tuple[list[str], list[tuple[str, ...]]]:
    """Spec ids present in ``frame`` (spec order, then others) and their header lines."""
    ids = labels.spec_ids(spec, set(frame["spec_id"]))
    outcome_of = frame.drop_duplicates("spec_id").set_index("spec_id")["outcome"].to_dict()
    return ids, [labels.spec_header(spec, i, outcome_of.get(i)) for i in ids]


def ci_note(view: pd.DataFrame) -> str:
    """Which interval each estimator's brackets show, from the rows actually shown."""
    by_kind: dict[str, list[str]] = {}
    for est in sorted(view["estimator"].unique(), key=labels.estimator_rank):
        for kind in sorted(k for k in view.loc[view["estimator"] == est, "ci_kind"].unique() if k):
            by_kind.setdefault(kind, []).append(labels.estimator(est))
    parts = [f"{labels.CI_KINDS.get(k, k)} ({', '.join(ests)})" for k, ests in by_kind.items()]
    return ("Brackets: " + "; ".join(parts) + ".") if parts else ""


def se_note(spec: dict[str, Any]) -> str:
    cluster = spec.get("did", {}).get("cluster", "")
    return (f"Standard errors in parentheses, clustered by country ({cluster}); for Bayesian rows the "
            "posterior standard deviation.")


def bayes_scale_note(spec: dict[str, Any], bayes: pd.DataFrame | None) -> str:
    if bayes is None or bayes.empty:
        return ""
    if "scale" in bayes.columns:
        scales = ", ".join(sorted(set(bayes["scale"]) - {""}))
        return f"Bayesian estimates are on the scale stated in bayes.csv ({scales})."
    std = spec.get("bayes", {}).get("standardise_outcome")
    return (f"Bayesian rows are printed as bayes.csv gives them (the models standardise the outcome for "
            f"the priors: [bayes].standardise_outcome = {str(std).lower()}).")


def bayes_in_outcome_units(bayes: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Bayesian rows on the outcome's own scale, so that they sit next to the DiD rows: estimates written
    in outcome SD units (``scale`` = ``outcome_sd``) are multiplied by the SD in the file's ``outcome_sd``."""
    if not {"scale", "outcome_sd"} <= set(bayes.columns) or not (bayes["scale"] == "outcome_sd").any():
        return bayes, False
    out = bayes.copy()
    rows = out["scale"] == "outcome_sd"
    sd = pd.to_numeric(out.loc[rows, "outcome_sd"], errors="raise")
    for col in ("estimate", "se", "ci_low", "ci_high"):
        out.loc[rows, col] = out.loc[rows, col].astype(float) * sd
    out.loc[rows, "scale"] = "outcome"
    return out, True


def pretest_note(spec: dict[str, Any]) -> str:
    window = spec.get("did", {}).get("pretest_window")
    what = (f"the event-time effects e = {window[0]}..{window[1]}" if window else "the pre-treatment effects")
    return f"Pre-trend Wald test: the Wald statistic of the joint test that {what} are zero, with its p-value."


FAILURES_LEAD = {"did": "Not estimated (reasons in results/estimates/did/failures.json)",
                 "bayes": "Not reported because they failed the convergence gates (details in "
                          "results/estimates/bayes/failures.json)"}


def failures_note(step: str) -> str:
    """The registered estimates a step could not compute or report, named from its failures.json."""
    failed = load.read_failures(step)
    if not failed:
        return ""
    which = "; ".join(f"{f.get('spec_id', '')} {f.get('variant', '')}" for f in failed)
    return f"{FAILURES_LEAD[step]}: {which}."


def _sort_keys(view: pd.DataFrame, spec_order: list[str]) -> pd.DataFrame:
    return view.assign(_est=view["estimator"].map(labels.estimator_rank),
                       _spec=view["spec_id"].map({s: i for i, s in enumerate(spec_order)}))


# --------------------------------------------------------------------------------------------- estimate tables

def main_table(spec: dict[str, Any], status: Status, did: pd.DataFrame | None,
               bayes: pd.DataFrame | None) -> Table | None:
    parts = []
    if did is not None:
        parts.append(pick_interval(primary_estimand(did[did["variant"] == "primary"]), ("pointwise95", "uniform95")))
    rescaled = False
    if bayes is not None:
        b = bayes[(bayes["variant"] == "primary") & (bayes["estimand"] == "primary")]
        b, rescaled = bayes_in_outcome_units(pick_interval(b, ("credible95",)))
        parts.append(b)
    if not parts or all(p.empty for p in parts):
        return None
    view = with_status(headline(pd.concat(parts, ignore_index=True), spec), status)
    if view.empty:
        return None
    ids, headers = spec_columns(spec, view)
    view = _sort_keys(view, ids).sort_values(["_est", "_spec"], kind="mergesort")
    grid_view = pd.DataFrame({"group": "", "label": [headline_label(e, d) for e, d in zip(view["estimator"], view["estimand"])],
                              "column": view["spec_id"], "cell": [estimate_cell(r) for r in view.itertuples()],
                              "status": view["status"]})
    footer = []
    if did is not None:
        sample = view[view["estimator"] != "bayes"].sort_values(["_spec", "_est"], kind="mergesort")
        sample = sample.assign(_cs=(sample["estimator"] != "cs").astype(int)).sort_values(["_spec", "_cs"], kind="mergesort")
        sample = sample.drop_duplicates("spec_id").set_index("spec_id")
        for label, col in (("N (country-years)", "n_obs"), ("Countries (clusters)", "n_units"),
                           ("Treated countries", "n_treated_units")):
            footer.append(Row(label, [(fmt.count(sample.at[i, col]),) if i in sample.index else () for i in ids]))
        holm = did[(did["variant"] == "primary") & (did["estimand"] == "primary_holm")].set_index("spec_id")
        if not holm.empty:
            footer.append(Row("Holm-adjusted p, Callaway & Sant'Anna (confirmatory family)",
                              [(fmt.pvalue(holm.at[i, "p_value"]),) if i in holm.index else () for i in ids]))
    window = spec.get("did", {}).get("primary_window", [])
    note = " ".join(x for x in (
        f"Each column is an estimate id of the spec, its outcome and its registered role (subgroup "
        f"comparisons are in the heterogeneity table). DiD rows: the primary estimand, the mean "
        f"of the dynamic ATT(e) over event times e = {window[0]}..{window[1]} after a country's first "
        f"campaign. Bayesian rows: posterior mean of the pooled effect.",
        HEADLINE_NOTE if (view["estimand"] != "primary").any() else "", se_note(spec), ci_note(view),
        ("Bayesian rows are converted from outcome SD units (bayes.csv) to outcome units, times the outcome SD "
         "of the Bayesian sample (column outcome_sd); that sample has no covariates and so keeps more countries."
         if rescaled else bayes_scale_note(spec, bayes)),
        "N, countries and treated countries are those of the Callaway & Sant'Anna sample.",
        EXPLORATORY_NOTE) if x)
    grid = Grid("main", TABLES["main"], "Estimator", headers, wide_rows(grid_view, ids), footer, note)
    return Table(view.drop(columns=["_est", "_spec"]), grid)


def comparison_table(spec: dict[str, Any], status: Status, did: pd.DataFrame | None,
                     bayes: pd.DataFrame | None) -> Table | None:
    if did is None or bayes is None:
        return None
    cs = pick_interval(did[(did["estimator"] == "cs") & (did["variant"] == "primary") & (did["estimand"] == "primary")],
                       ("pointwise95",))
    b = pick_interval(bayes[(bayes["variant"] == "primary") & (bayes["estimand"] == "primary")], ("credible95",))
    view = with_status(headline(pd.concat([cs, b], ignore_index=True), spec), status)
    if view.empty:
        return None
    ids, headers = spec_columns(spec, view)
    view = _sort_keys(view, ids).sort_values(["_spec", "_est"], kind="mergesort")
    rows = []
    for r in view.itertuples():
        ci90 = fmt.interval(getattr(r, "ci90_low", np.nan), getattr(r, "ci90_high", np.nan)) if r.estimator == "bayes" else ""
        cells = [(fmt.number(r.estimate),), (fmt.se(r.se),), (fmt.interval(r.ci_low, r.ci_high),), (ci90,),
                 (fmt.number(getattr(r, "p_positive", np.nan)),) if r.estimator == "bayes" else (),
                 (fmt.count(r.n_obs),)]
        rows.append(Row(labels.estimator(r.estimator), cells, r.status,
                        ": ".join(headers[ids.index(r.spec_id)])))
    note = " ".join(x for x in (
        "Callaway & Sant'Anna: primary estimand (mean ATT over the primary window), SE clustered by country, "
        "pointwise 95% confidence interval. Bayesian pooled: posterior mean, posterior SD, 95% and 90% "
        "equal-tailed credible intervals and the posterior probability that the pooled effect is positive.",
        bayes_scale_note(spec, bayes), EXPLORATORY_NOTE) if x)
    columns = [("Estimate",), ("SE / posterior SD",), ("95% interval",), ("90% credible interval",),
               ("P(effect > 0)",), ("N",)]
    return Table(view.drop(columns=["_est", "_spec"]),
                 Grid("comparison", TABLES["comparison"], "Estimator", columns, rows, [], note))


def _event_key(key: str) -> float:
    try:
        return float(key)
    except ValueError:
        return np.inf


def event_study_table(spec: dict[str, Any], status: Status, did: pd.DataFrame | None,
                      bayes: pd.DataFrame | None) -> Table | None:
    parts = []
    if did is not None:
        d = did[(did["variant"] == "primary") & did["estimand"].isin(["dynamic", "event_time"])]
        parts.append(pick_interval(in_event_window(d, spec), ("uniform95", "pointwise95")))
    if bayes is not None:
        b = bayes[(bayes["variant"] == "primary") & (bayes["estimand"] == "event_time")]
        parts.append(pick_interval(b, ("credible95",)))
    if not parts or all(p.empty for p in parts):
        return None
    view = with_status(headline(pd.concat(parts, ignore_index=True), spec), status)
    if view.empty:
        return None
    ids, headers = spec_columns(spec, view)
    view = _sort_keys(view, ids).assign(_e=view["key"].map(_event_key))
    view = view.sort_values(["_est", "_e", "_spec"], kind="mergesort")
    grid_view = pd.DataFrame({"group": view["estimator"].map(labels.estimator),
                              "label": view["key"].map(fmt.event_time), "column": view["spec_id"],
                              "cell": [fmt.cell(r.estimate, r.se, r.ci_low, r.ci_high) for r in view.itertuples()],
                              "status": view["status"]})
    pre = pd.DataFrame()
    if did is not None:
        pre = with_status(headline(did[(did["variant"] == "primary") & (did["estimand"] == "pretest")], spec), status)
        pre = _sort_keys(pre, ids).sort_values(["_est", "_spec"], kind="mergesort")
        pre_view = pd.DataFrame({"group": pre["estimator"].map(labels.estimator),
                                 "label": "Pre-trend Wald test (p)", "column": pre["spec_id"],
                                 "cell": [(fmt.number(r.estimate), f"(p = {fmt.pvalue(r.p_value)})") for r in pre.itertuples()],
                                 "status": pre["status"]})
        # the pre-test row goes at the end of its estimator's panel
        grid_view = pd.concat([grid_view.assign(_o=0), pre_view.assign(_o=1)], ignore_index=True)
        order = {g: i for i, g in enumerate(dict.fromkeys(grid_view["group"]))}
        grid_view = grid_view.assign(_g=grid_view["group"].map(order)).sort_values(["_g", "_o"], kind="mergesort")
    base = spec.get("did", {}).get("base_period", "")
    note = " ".join(x for x in (
        "e is the event time in years relative to the country's first campaign (e = 0: the start year). "
        f"DiD pre-treatment estimates use the base period of the spec ([did].base_period = {base}); the "
        "Bayesian model omits e = -1 as its reference. Estimates with SEs (Bayesian: posterior SD) in "
        "parentheses.", ci_note(view),
        pretest_note(spec) if not pre.empty else "",
        bayes_scale_note(spec, bayes), EXPLORATORY_NOTE) if x)
    out = pd.concat([view, pre], ignore_index=True).drop(columns=["_est", "_spec", "_e"], errors="ignore")
    return Table(out, Grid("event_study", TABLES["event_study"], "Event time", headers,
                           wide_rows(grid_view, ids), [], note))


def robustness_table(spec: dict[str, Any], status: Status, did: pd.DataFrame | None) -> Table | None:
    if did is None:
        return None
    view = headline(pick_interval(primary_estimand(did), ("pointwise95", "uniform95")), spec)
    if view.empty:
        return None
    view = with_status(view, status)
    ids, headers = spec_columns(spec, view)
    order = ["primary", *(r["id"] for r in spec.get("robustness", []))]
    rank = {v: i for i, v in enumerate(order)}
    view = _sort_keys(view, ids).assign(_v=view["variant"].map(lambda v: (rank.get(v, len(order)), v)))
    view = view.sort_values(["_est", "_v", "_spec"], kind="mergesort")
    grid_view = pd.DataFrame({"group": [headline_label(e, d) for e, d in zip(view["estimator"], view["estimand"])],
                              "label": view["variant"].map(lambda v: labels.variant(spec, v)),
                              "column": view["spec_id"], "cell": [estimate_cell(r) for r in view.itertuples()],
                              "status": view["status"]})
    note = " ".join(x for x in (
        "The primary estimand under each robustness variant of the spec ([[robustness]]); the primary "
        "specification repeats the main table.",
        HEADLINE_NOTE if (view["estimand"] != "primary").any() else "", se_note(spec), ci_note(view),
        failures_note("did"), EXPLORATORY_NOTE) if x)
    return Table(view.drop(columns=["_est", "_spec", "_v"]),
                 Grid("robustness", TABLES["robustness"], "Specification", headers, wide_rows(grid_view, ids), [], note))


SENSITIVITY = {"honestdid_rm": ("Relative magnitudes", "Mbar"), "honestdid_sd": ("Smoothness", "M")}
BREAKDOWN = "_breakdown"  # estimand suffix of the breakdown value (estimate = the bound at which the CI covers 0)


def sensitivity_table(spec: dict[str, Any], status: Status, did: pd.DataFrame | None) -> Table | None:
    if did is None:
        return None
    kinds = list(SENSITIVITY)
    wanted = kinds + [k + BREAKDOWN for k in kinds]
    view = headline(did[(did["variant"] == "primary") & did["estimand"].isin(wanted)], spec)
    if view.empty:
        return None
    view = with_status(view, status)
    ids, headers = spec_columns(spec, view)
    breakdown = view["estimand"].str.endswith(BREAKDOWN)
    view = _sort_keys(view, ids).assign(kind=view["estimand"].str.removesuffix(BREAKDOWN), is_breakdown=breakdown,
                                        _m=np.where(breakdown, np.inf, view["key"].map(_event_key)))
    view = view.assign(_k=view["kind"].map(kinds.index)).sort_values(["_k", "_est", "is_breakdown", "_m", "_spec"],
                                                                     kind="mergesort")
    grid_view = pd.DataFrame({
        "group": [f"{SENSITIVITY[r.kind][0]} ({labels.estimator(r.estimator)})" for r in view.itertuples()],
        "label": [f"Breakdown value of {SENSITIVITY[r.kind][1]}" if r.is_breakdown else f"{SENSITIVITY[r.kind][1]} = {r.key}"
                  for r in view.itertuples()],
        "column": view["spec_id"],
        "cell": [(fmt.number(r.estimate),) if r.is_breakdown else (fmt.interval(r.ci_low, r.ci_high),)
                 for r in view.itertuples()],
        "status": view["status"]})
    hd = spec.get("honestdid", {})
    note = " ".join(x for x in (
        "Robust 95% confidence intervals (Rambachan & Roth 2023) for the primary estimand when parallel trends "
        "may fail. Relative magnitudes: post-treatment violations at most Mbar times the largest pre-treatment "
        f"violation (grid {hd.get('mbar_grid')}). Smoothness: the slope of the violation changes by at most M "
        f"per period, M in standard deviations of the outcome (grid {hd.get('m_grid_sd')}). Breakdown value: the "
        "bound at which the robust interval first includes zero, as written by the did step (empty: not reached "
        "on the grid).", EXPLORATORY_NOTE) if x)
    return Table(view.drop(columns=["_est", "_spec", "_m", "_k", "kind", "is_breakdown"]),
                 Grid("sensitivity", TABLES["sensitivity"], "Bound", headers, wide_rows(grid_view, ids), [], note))


def split_subgroup(key: str, dimension: str = "subgroup") -> tuple[str, str]:
    """``issue_area=gbv_womens_rights`` (or ``issue_area:…``) → (dimension, level); a bare level keeps ``dimension``."""
    for sep in ("=", ":"):
        if sep in key:
            dim, level = key.split(sep, 1)
            return dim.strip(), level.strip()
    return dimension, key


def heterogeneity_table(spec: dict[str, Any], status: Status, did: pd.DataFrame | None,
                        bayes: pd.DataFrame | None) -> Table | None:
    """Subgroup effects, one block per id x dimension x estimator: the registered subgroup comparisons
    (``split`` ids, DiD ``subgroup`` rows) and the Bayesian group effects (``[bayes].pooling``)."""
    parts = []
    if did is not None:
        d = pick_interval(did[(did["variant"] == "primary") & (did["estimand"] == "subgroup")], ("pointwise95", "uniform95"))
        splits = {e["id"]: e["split"] for e in spec.get("estimates", []) if e.get("split")}
        split = [split_subgroup(k, splits.get(i, "subgroup")) for i, k in zip(d["spec_id"], d["key"])]
        parts.append(d.assign(dimension=[x[0] for x in split], level=[x[1] for x in split]))
    if bayes is not None:
        pooling = set(spec.get("bayes", {}).get("pooling", []))
        pooling |= {d for e in spec.get("estimates", []) for d in e.get("bayes_pooling", [])}
        b = pick_interval(bayes[(bayes["variant"] == "primary") & bayes["estimand"].isin(pooling)], ("credible95",))
        parts.append(b.assign(dimension=b["estimand"], level=b["key"]))
    if not parts or all(p.empty for p in parts):
        return None
    view = with_status(pd.concat(parts, ignore_index=True), status)
    ids = labels.spec_ids(spec, set(view["spec_id"]))
    dims = list(labels.DIMENSIONS)
    seen: dict[tuple[str, str, str, str], int] = {}  # levels keep the order of the file
    keys = list(zip(view["spec_id"], view["dimension"], view["estimator"], view["level"]))
    for key in keys:
        seen.setdefault(key, len(seen))
    view = _sort_keys(view, ids).assign(
        _d=view["dimension"].map(lambda d: (dims.index(d) if d in dims else len(dims), d)),
        _l=[seen[k] for k in keys])
    view = view.sort_values(["_spec", "_d", "_est", "_l"], kind="mergesort")
    rows = []
    for r in view.itertuples():
        group = (f"{r.spec_id} ({labels.outcome(spec, r.outcome)}): {labels.dimension(r.dimension)}, "
                 f"{labels.estimator(r.estimator)}")
        cells = [(fmt.number(r.estimate),), (fmt.se(r.se),), (fmt.interval(r.ci_low, r.ci_high),),
                 (fmt.pvalue(r.p_value),), (fmt.count(r.n_obs),), (fmt.count(r.n_treated_units),)]
        rows.append(Row(labels.code(r.level), cells, r.status, group))
    note = " ".join(x for x in (
        "Effects in subgroups of targeted countries. DiD rows: the estimate of the spec's subgroup comparison "
        "(split) or of the subgroup given by the row, each subgroup against all comparison countries; Bayesian "
        "rows: posterior mean of the group effect in the hierarchical model (partial pooling across groups), "
        "with the posterior SD.", se_note(spec), ci_note(view), bayes_scale_note(spec, bayes), EXPLORATORY_NOTE) if x)
    columns = [("Estimate",), ("SE / posterior SD",), ("95% interval",), ("p-value",), ("N",), ("Treated countries",)]
    return Table(view.drop(columns=["_est", "_spec", "_d", "_l"]),
                 Grid("heterogeneity", TABLES["heterogeneity"], "Subgroup", columns, rows, [], note))


def _model_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("spec_id", "variant", "model") if c in frame.columns]


def _model_label(spec: dict[str, Any], row: pd.Series, cols: list[str]) -> str:
    parts = [str(row[c]) if c != "variant" else labels.variant(spec, str(row[c])) for c in cols]
    return " · ".join(p for p in parts if p)


def _row_status(status: Status, row: pd.Series, estimator: str) -> str:
    if "spec_id" in row.index and "variant" in row.index:
        return status(row["spec_id"], row.get("estimator", estimator) or estimator, row["variant"])
    return EXPLORATORY


def _sampler_label(row: pd.Series) -> str:
    parts = [str(row["mass_matrix"]).replace("_", "-")] if "mass_matrix" in row.index else []
    if "target_accept" in row.index:
        parts.append(f"accept {fmt.number(row['target_accept'], 2)}")
    return ", ".join(parts)


def diagnostics_table(spec: dict[str, Any], status: Status, diag: pd.DataFrame | None) -> Table | None:
    if diag is None or diag.empty:
        return None
    cols = _model_columns(diag)
    agg = {"r_hat": "max", "ess_bulk": "min", "ess_tail": "min"}
    agg.update({c: f for c, f in (("divergences", "max"), ("ebfmi", "min")) if c in diag.columns})
    sampler = [c for c in ("mass_matrix", "target_accept") if c in diag.columns]
    agg.update({c: "first" for c in sampler})
    grouped = diag.groupby(cols, sort=False) if cols else diag.groupby(lambda _: "all")
    view = grouped.agg(agg).join(grouped.size().rename("parameters")).reset_index()
    gates = spec.get("bayes", {}).get("gates", {})
    checks = (("r_hat", "R-hat", lambda v: v <= gates.get("rhat_max", np.inf)),
              ("ess_bulk", "ESS bulk", lambda v: v >= gates.get("ess_bulk_min", -np.inf)),
              ("ess_tail", "ESS tail", lambda v: v >= gates.get("ess_tail_min", -np.inf)),
              ("divergences", "divergences", lambda v: v <= gates.get("divergences_max", np.inf)),
              ("ebfmi", "E-BFMI", lambda v: v >= gates.get("ebfmi_min", -np.inf)))
    verdicts = []
    for _, r in view.iterrows():
        failed = [name for col, name, ok in checks if col in view.columns and not ok(r[col])]
        verdicts.append("pass" if not failed else "fail: " + ", ".join(failed))
    view["gates"] = verdicts
    view["status"] = [_row_status(status, r, "bayes") for _, r in view.iterrows()]
    rows = []
    for _, r in view.iterrows():
        cells = [(fmt.count(r["parameters"]),), (fmt.number(r["r_hat"]),), (fmt.count(r["ess_bulk"]),),
                 (fmt.count(r["ess_tail"]),),
                 (fmt.count(r["divergences"]) if "divergences" in view.columns else "",),
                 (fmt.number(r["ebfmi"], 2) if "ebfmi" in view.columns else "",),
                 (_sampler_label(r),), (r["gates"],)]
        rows.append(Row(_model_label(spec, r, cols) if cols else "all", cells, r["status"]))
    columns = [("Parameters",), ("max R-hat",), ("min ESS bulk",), ("min ESS tail",), ("Divergences",),
               ("min E-BFMI",), ("Sampler",), ("Gates",)]
    note = (f"One row per model; R-hat and ESS are the worst over the model's parameters. Gates of the spec "
            f"([bayes.gates]): R-hat <= {gates.get('rhat_max')}, bulk and tail ESS >= {gates.get('ess_bulk_min')} "
            f"and {gates.get('ess_tail_min')}, divergences <= {gates.get('divergences_max')}, E-BFMI >= "
            f"{gates.get('ebfmi_min')}. Sampler: nutpie's mass matrix and target acceptance of the reported run (a "
            f"run that fails a gate is re-sampled with the diagonal mass matrix; sampling times and every run "
            f"are in results/bayes/timing.csv). " + " ".join(filter(None, (failures_note("bayes"), EXPLORATORY_NOTE))))
    return Table(view, Grid("bayes_diagnostics", TABLES["bayes_diagnostics"], "Model", columns, rows, [], note))


def loo_table(spec: dict[str, Any], status: Status, loo: pd.DataFrame | None) -> Table | None:
    if loo is None or loo.empty:
        return None
    cols = _model_columns(loo)
    numeric = [c for c in loo.columns if c not in cols and c != "estimator"
               and pd.to_numeric(loo[c].replace(list(load.MISSING), np.nan), errors="coerce").notna().sum()
               == loo[c].replace(list(load.MISSING), np.nan).notna().sum()]
    view = load.to_numeric(loo, tuple(numeric), paths.estimates_dir() / "bayes_loo.csv")
    view["status"] = [_row_status(status, r, "bayes") for _, r in view.iterrows()]
    text = [c for c in view.columns if c not in cols and c not in numeric and c not in ("estimator", "status")]
    rows = []
    for _, r in view.iterrows():
        cells = [(fmt.count(r[c]) if float(view[c].dropna().apply(float.is_integer).all()) else fmt.number(r[c], 1),)
                 for c in numeric] + [(str(r[c]),) for c in text]
        rows.append(Row(_model_label(spec, r, cols) if cols else "", cells, r["status"]))
    note = ("Pareto-smoothed importance-sampling leave-one-out cross-validation (ArviZ loo), as written by "
            f"the bayes step; columns as in bayes_loo.csv. {failures_note('bayes')} {EXPLORATORY_NOTE}")
    return Table(view, Grid("bayes_loo", TABLES["bayes_loo"], "Model", [(c,) for c in numeric + text], rows, [], note))


def refutations_table(spec: dict[str, Any], status: Status, dag: pd.DataFrame | None,
                      refutations: pd.DataFrame | None) -> Table | None:
    if refutations is None and dag is None:
        return None
    rows, views = [], []
    dag_status = EXPLORATORY
    if dag is not None and not dag.empty:
        dag = dag.copy()
        dag["status"] = [_row_status(status, r, "dowhy") for _, r in dag.iterrows()]
        dag_status = dag["status"].iloc[0]
        views.append(dag.assign(table_part="estimate"))
        for _, r in dag.iterrows():
            label = " · ".join(x for x in (str(r.get("spec_id", "")), labels.estimator(str(r.get("estimator", "")))) if x)
            cells = [fmt.cell(r["estimate"], r.get("se"), r.get("ci_low"), r.get("ci_high")), (),
                     (fmt.pvalue(r.get("p_value")),), (str(r.get("outcome", "")),)]
            rows.append(Row(label or "Estimate", cells, r["status"], "Causal-graph estimate"))
    if refutations is not None and not refutations.empty:
        ref = refutations.copy()
        ref["status"] = ([_row_status(status, r, "dowhy") for _, r in ref.iterrows()]
                         if {"spec_id", "variant"} <= set(ref.columns) else dag_status)
        kinds = list(labels.REFUTATION_KINDS)
        ref = ref.assign(_k=ref["kind"].map(lambda k: (kinds.index(k) if k in kinds else len(kinds), k)))
        ref = ref.sort_values("_k", kind="mergesort").drop(columns="_k")
        views.append(ref.assign(table_part="refutation"))
        for _, r in ref.iterrows():
            cells = [(fmt.number(r["estimate"]),), (fmt.number(r["new_effect"]),), (fmt.pvalue(r["p_value"]),),
                     (str(r.get("meaning", "")),)]
            rows.append(Row(str(r["refuter"]), cells, r["status"], labels.REFUTATION_KINDS.get(r["kind"], r["kind"])))
    dag_spec = spec.get("dag", {})
    note = (f"DoWhy identification from the preregistered graph ({dag_spec.get('graph')}) of the effect of "
            f"{dag_spec.get('treatment')} on {dag_spec.get('outcome_variable')} {dag_spec.get('horizon')} years "
            "later. A refuter re-estimates the effect after a change that should (placebo, random common cause, "
            "subset) or should not move it; the p-value tests the new effect against the refuter's expectation. "
            "The i.i.d. refuters of DoWhy ignore the panel structure; the panel-aware refuters resample "
            f"countries. {EXPLORATORY_NOTE}")
    columns = [("Estimate",), ("New effect",), ("p-value",), ("Meaning / outcome",)]
    return Table(pd.concat(views, ignore_index=True),
                 Grid("refutations", TABLES["refutations"], "Refuter", columns, rows, [], note))


def process_table(spec: dict[str, Any], status: Status, process: pd.DataFrame | None) -> Table | None:
    """Per first campaign: its documented engagement and indicators next to its estimated effect (P1)."""
    if process is None or process.empty:
        return None
    view = with_status(process, status)
    rows, footer = [], []
    units = view[view["estimand"] == "unit_effect"]
    units = units.assign(_e=units["engagement"].fillna(-1.0)).sort_values(["spec_id", "_e", "key"],
                                                                          ascending=[True, False, True],
                                                                          kind="mergesort")
    for r in units.itertuples():
        name = str(getattr(r, "campaign_name", "") or "")
        cells = [(str(getattr(r, "cohort", "")),), (fmt.number(r.engagement) if pd.notna(r.engagement) else "–",),
                 (str(getattr(r, "indicators", "") or "–"),), fmt.cell(r.estimate, r.se, r.ci_low, r.ci_high),
                 (labels.code(str(getattr(r, "documented_outcome", ""))),),
                 (labels.code(str(getattr(r, "leadership_model", ""))),)]
        rows.append(Row(f"{r.key} · {r.campaign_id} {name}".strip(), cells, r.status,
                        f"{r.spec_id} ({labels.outcome(spec, r.outcome)})"))
    for r in view[view["estimand"] == "spearman"].itertuples():
        footer.append(Row(f"{r.spec_id}: Spearman rank correlation, engagement vs effect (n = {fmt.count(r.n_units)})",
                          [(), (fmt.number(r.estimate),), (), (f"p = {fmt.pvalue(r.p_value)}",), (), ()], r.status))
    note = ("Each targeted country's effect of its first campaign: the mean of its imputed effects Y - Y(0) "
            "(Borusyak, Jaravel & Spiess imputation) over the primary window, with BJS's conservative SE in "
            "parentheses and 95% interval; a single country's effect cannot be separated from its own shocks, so "
            "the SE covers only the error of the imputed Y(0) and the rows describe, they do not test. Engagement: "
            "the first campaign's documented process indicators, each turned into a percentile rank among the "
            "campaigns documenting that measure, best measure (the H6 score); '–' = none documented. Indicators "
            "as documented (largest figure per measure; sources in data/campaigns/process_indicators.csv). "
            f"{EXPLORATORY_NOTE}")
    columns = [("Cohort",), ("Engagement",), ("Documented indicators",), ("Effect (SE)", "[95% CI]"),
               ("Documented outcome",), ("Leadership model",)]
    return Table(view, Grid("process", TABLES["process"], "Country · first campaign", columns, rows, footer, note))


# --------------------------------------------------------------------------------------------- the step

def build_tables(spec: dict[str, Any], status: Status) -> dict[str, Table]:
    """Every table whose inputs exist, keyed by name (order of :data:`TABLES`)."""
    did, bayes = load.read_estimates("did"), load.read_estimates("bayes")
    diag, loo = load.read_estimates("bayes_diagnostics"), load.read_estimates("bayes_loo")
    dag, refutations = load.read_estimates("dag"), load.read_estimates("refutations")
    process = load.read_estimates("process")
    panel, campaigns = load.read_panel(), load.read_campaigns()
    builders: dict[str, Callable[[], Table | None]] = {
        "main": lambda: main_table(spec, status, did, bayes),
        "comparison": lambda: comparison_table(spec, status, did, bayes),
        "event_study": lambda: event_study_table(spec, status, did, bayes),
        "robustness": lambda: robustness_table(spec, status, did),
        "sensitivity": lambda: sensitivity_table(spec, status, did),
        "heterogeneity": lambda: heterogeneity_table(spec, status, did, bayes),
        "bayes_diagnostics": lambda: diagnostics_table(spec, status, diag),
        "bayes_loo": lambda: loo_table(spec, status, loo),
        "refutations": lambda: refutations_table(spec, status, dag, refutations),
        "process": lambda: process_table(spec, status, process),
        "descriptives_panel": lambda: descriptives.panel_table(spec, panel),
        "descriptives_campaigns": lambda: descriptives.campaigns_table(spec, campaigns),
        "treatment_cohorts": lambda: descriptives.treatment_cohorts_table(spec, panel),
    }
    out = {}
    for name in TABLES:
        table = builders[name]()
        if table is None:
            log.info("table %s: inputs not available yet, left out", name)
        else:
            out[name] = table
    return out


def write_table(grid: Grid) -> None:
    for ext, render in RENDERERS.items():
        io.write_text(paths.tables_dir() / f"{grid.name}.{ext}", render(grid))


def run(args: argparse.Namespace) -> None:
    spec = config.spec()
    tables = build_tables(spec, load_status(spec))
    for table in tables.values():
        write_table(table.grid)
    log.info("%d tables written to %s", len(tables), paths.relative(paths.tables_dir()))
