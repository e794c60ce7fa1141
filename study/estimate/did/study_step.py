"""The preregistered DiD step: every ``[[estimates]]`` id x its registered variants.

For each id whose ``estimators`` include frequentist ones (``[did].estimators``; ids with none,
e.g. the DoWhy id, are left to their own step) and each variant the id registers (its
``variants`` list, default primary + every ``[[robustness]]`` id: :mod:`study.prereg.registry`):

1. options: ``[did]``, then the id's ``control_group`` if it sets one, then the variant's overrides
   (so R1 and R7 apply on top of an id's own comparison group);
2. sample: ``cohort_<treatment><suffix>`` is the cohort; controls are countries never targeted by
   any campaign (``cohort_any == 0``), so countries targeted only under other definitions are
   excluded; years ``[panel].first_year`` .. the outcome's last year; cohorts with fewer than
   ``[sample].min_pre_periods`` observed pre-periods are dropped; balanced per ``[sample]``;
   cohorts after the last year are never treated within the window (warned in :mod:`.data`).
   Treatment ``regional_exposure`` (H8) is built by :mod:`.regional_exposure` on never-targeted
   countries only;
3. TWFE, Callaway & Sant'Anna (options above, covariates at the base period, multiplier bootstrap
   with ``[seeds].did_bootstrap`` for SEs and uniform bands), Sun & Abraham, imputation;
4. pre-tests: ``pretest`` (key ``event_time``) is the registered joint Wald test that the CS
   dynamic effects in ``[did].pretest_window`` are zero, with their influence-function
   covariance (:mod:`.event_pretest`; degrees of freedom in column ``df``); ``pretest_cells`` is
   R ``did``'s test of all pre-period ATT(g,t), written where its covariance is not singular;
5. for the primary variant: HonestDiD (``[honestdid]``) on the primary estimand, the mean of the
   CS dynamic ATT(e) over ``[did].primary_window``, with a universal base period (the pre-period
   coefficients must be relative to e = -1; post-period effects are identical to the varying
   base). The smoothness bounds ``m_grid_sd`` are in SDs of the outcome in the estimation sample
   (:func:`outcome_sd`): the keys and the breakdown value are written in those units.

Ids with a ``split`` (H2-H4, H6, H7) are estimated by subgroup instead (:mod:`.splits`): rows
``subgroup`` (one per subgroup and ``difference``).

Writes ``results/estimates/did.csv`` (tidy, columns of docs/architecture.md plus ``df`` and the
HonestDiD identified set), ``results/estimates/did/<id>_<variant>.json`` (full output),
``results/estimates/did/failures.json`` (id x variant that could not be estimated, with the
reason) and ``results/figures/event_study_<id>.png/.pdf``.
"""

from __future__ import annotations

import argparse
import logging
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from study import config, io, paths
from study.errors import DataError, StudyError
from study.prereg import registry
from study.provenance import record_input

log = logging.getLogger("study")

FREQUENTIST = ("twfe", "cs", "sun_abraham", "imputation")
TIDY_COLUMNS = ["spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate",
                "se", "ci_low", "ci_high", "ci_kind", "p_value", "n_obs", "n_units", "n_treated_units",
                "df", "id_set_low", "id_set_high"]
LAG_COVARIATE = "outcome_lag1"
ESTIMATE_OPTIONS = ("control_group",)  # [did] keys an [[estimates]] entry may set for itself


def panel_file():
    return paths.derived_dir() / "panel.parquet"


def variants(spec: dict[str, Any], est: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The variants an id registers (all frequentist variants if ``est`` is None), as override dicts."""
    ids = registry.frequentist_variants(spec) if est is None else est.get("variants",
                                                                          registry.frequentist_variants(spec))
    robustness = {r["id"]: r for r in spec.get("robustness", [])}
    out = []
    for vid in ids:
        if vid == "primary":
            out.append({"id": "primary", "did": {}, "sample": {}, "treatment_suffix": ""})
        elif vid in robustness:
            rob = robustness[vid]
            out.append({"id": vid, "did": dict(rob.get("did", {})), "sample": dict(rob.get("sample", {})),
                        "treatment_suffix": rob.get("treatment_suffix", "")})
        else:
            where = f"estimate {est['id']}" if est else "spec"
            raise StudyError(f"{paths.spec_file()}: {where} lists variant {vid!r}, which is neither "
                             "'primary' nor a [[robustness]] id")
    return out


def did_options(spec: dict[str, Any], est: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """``[did]`` < the id's own options (``control_group``) < the variant's overrides."""
    own = {k: est[k] for k in ESTIMATE_OPTIONS if k in est}
    return {**spec["did"], **own, **variant["did"]}


def estimation_sample(panel: pd.DataFrame, *, treatment: str, outcome_col: str, suffix: str,
                      first_year: int, last_year: int, min_pre_periods: int, covariates: list[str],
                      source: str) -> tuple[pd.DataFrame, str, list[str]]:
    """Rows of the estimation sample, the cohort column, and notes on what was dropped."""
    cohort_col = f"cohort_{treatment}{suffix}"
    for col in (cohort_col, "cohort_any", outcome_col, "iso3", "year"):
        if col not in panel.columns:
            raise DataError(source, "column not found", field=col)
    notes = []
    frame = panel[(panel["year"] >= first_year) & (panel["year"] <= last_year)].copy()
    keep = (frame[cohort_col] > 0) | (frame["cohort_any"] == 0)
    dropped = frame.loc[~keep, "iso3"].nunique()
    if dropped:
        notes.append(f"{dropped} countries targeted only under other definitions excluded from the controls")
    frame = frame[keep]
    too_late_data = (frame[cohort_col] > 0) & (frame[cohort_col] - first_year < min_pre_periods)
    if too_late_data.any():
        cohorts = sorted(frame.loc[too_late_data, cohort_col].unique().tolist())
        notes.append(f"cohorts {cohorts} have fewer than {min_pre_periods} pre-periods in the window: dropped")
        frame = frame[~too_late_data]
    if LAG_COVARIATE in covariates:
        frame = frame.sort_values(["iso3", "year"])
        frame[LAG_COVARIATE] = frame.groupby("iso3")[outcome_col].shift(1)
        frame = frame[frame["year"] > first_year]
    return frame.reset_index(drop=True), cohort_col, notes


def window_last_year(panel: pd.DataFrame, spec: dict[str, Any], outcome: str, source: str) -> int:
    """Last year of an outcome's estimation window: the outcome's last observed year, capped by its
    own ``last_year`` and by ``[sample].last_year`` (the last year the covariate sources cover)."""
    outcome_spec = spec["outcomes"][outcome]
    column = outcome_spec["column"]
    if column not in panel.columns:
        raise DataError(source, "column not found", field=column)
    observed = panel.loc[panel[column].notna(), "year"]
    if observed.empty:
        raise DataError(source, "outcome never observed", field=column)
    caps = [int(observed.max()), int(outcome_spec.get("last_year", observed.max()))]
    if "last_year" in spec["sample"]:
        caps.append(int(spec["sample"]["last_year"]))
    return min(caps)


def outcome_sd(panel) -> float:
    """SD (ddof 1) of the outcome over the country-years of a checked estimation sample
    (:class:`.data.DidPanel`): the unit of ``[honestdid].m_grid_sd`` and ``[power].effect_grid_sd``."""
    return float(np.std(panel.data["outcome"].to_numpy(dtype=float), ddof=1))


def _row(base: dict, estimator: str, estimand: str, key: Any, estimate: float, se: float | None,
         ci_low: float | None, ci_high: float | None, ci_kind: str, p_value: float | None = None,
         **extra: Any) -> dict:
    return {**base, "estimator": estimator, "estimand": estimand, "key": "" if key is None else str(key),
            "estimate": estimate, "se": se, "ci_low": ci_low, "ci_high": ci_high, "ci_kind": ci_kind,
            "p_value": p_value, **extra}


def _two_sided_p(att: float, se: float | None) -> float | None:
    """Normal-approximation two-sided p-value of H0: effect = 0 (the analytic influence-function SE)."""
    from scipy.stats import norm

    if se is None or not np.isfinite(se) or se <= 0:
        return None
    return float(2 * norm.sf(abs(att) / se))


def _cs_rows(base: dict, out: dict, label: str) -> list[dict]:
    rows = []
    p = out.get("primary")
    if p:
        rows.append(_row(base, "cs", "primary", None, p["att"], p["se"], p["ci_low"], p["ci_high"], "pointwise95",
                         _two_sided_p(p["att"], p["se"])))
    for kind, agg in out["aggregations"].items():
        o = agg["overall"]
        rows.append(_row(base, "cs", kind, None, o["att"], o["se"], o["ci_low"], o["ci_high"], "pointwise95"))
        by_kind = "uniform95" if agg["ci_kind"] == "uniform" else "pointwise95"
        for b in agg["by"]:
            rows.append(_row(base, "cs", kind, b["key"], b["att"], b["se"], b["ci_low"], b["ci_high"], by_kind))
    ev = out.get("pretest_event_time")
    if ev is not None:
        if ev["stat"] is not None:
            rows.append(_row(base, "cs", "pretest", "event_time", ev["stat"], None, None, None, "", ev["p"],
                             df=ev["df"]))
        else:
            log.warning("%s: event-time pre-test not computed: %s", label, ev["message"])
    cells = out["pretest"]
    if cells["stat"] is not None:
        rows.append(_row(base, "cs", "pretest_cells", None, cells["stat"], None, None, None, "", cells["p"],
                         df=cells["df"]))
        if cells["message"]:
            log.warning("%s: pretest_cells: %s", label, cells["message"])
    else:
        log.info("%s: pretest_cells not written: %s", label, cells["message"])
    return rows


def _event_rows(base: dict, estimator: str, es: pd.DataFrame, z: float) -> list[dict]:
    return [_row(base, estimator, "event_time", int(r.event_time), float(r.att), float(r.se),
                 float(r.att - z * r.se), float(r.att + z * r.se), "pointwise95")
            for r in es.itertuples()]


def _honest(fit_universal, did: dict, honest: dict, base: dict, sd: float) -> tuple[list[dict], dict]:
    """HonestDiD on the mean of the dynamic ATT over the primary window (universal-base CS).

    ``m_grid_sd`` is in outcome SDs: the bounds passed to the engine are ``m * sd`` (outcome
    units); keys and the smoothness breakdown value are written back in SD units.
    """
    from study.estimate.did.honest import EventStudy, sensitivity

    dyn = fit_universal.aggs["dynamic"]
    lo_e, hi_e = (int(x) for x in did["event_window"])
    by = [b for b in dyn.by if lo_e <= b.key <= hi_e and b.key != -1]
    e = np.array([b.key for b in by])
    inf = np.column_stack([b.inf for b in by])
    n = inf.shape[0]
    sigma = inf.T @ inf / n ** 2
    es = EventStudy(e, np.array([b.att for b in by]), sigma)
    w0, w1 = (int(x) for x in did["primary_window"])
    post = e[e >= 0]
    l_vec = np.where((post >= w0) & (post <= w1), 1.0, 0.0)
    l_vec /= l_vec.sum()
    m_sd = [float(m) for m in honest["m_grid_sd"]]
    sens = sensitivity(es, l_vec=l_vec, mbar_grid=list(honest["mbar_grid"]), m_grid=[m * sd for m in m_sd],
                       alpha=float(honest["alpha"]))
    for r, m in zip(sens["smoothness"], m_sd):
        r["M_sd"] = m
    brk = sens["breakdown_smoothness"]
    sens["breakdown_smoothness_sd"] = brk / sd if brk is not None else None
    sens["outcome_sd"] = sd
    return _honest_rows(base, sens), sens


def _honest_rows(base: dict, sens: dict) -> list[dict]:
    rows, est = [], sens["original"]["estimate"]
    for kind, key, m_key, brk_key in (("honestdid_rm", "relative_magnitude", "M", "breakdown_relative_magnitude"),
                                      ("honestdid_sd", "smoothness", "M_sd", "breakdown_smoothness_sd")):
        for r in sens[key]:
            rows.append(_row(base, "cs", kind, f"{r[m_key]:g}", est, sens["original"]["se"], r["ci_low"],
                             r["ci_high"], "robust95", id_set_low=r["lb"], id_set_high=r["ub"]))
        brk = sens[brk_key]
        rows.append(_row(base, "cs", f"{kind}_breakdown", None, brk if brk is not None else np.nan,
                         None, None, None, ""))
    return rows


@dataclass
class Design:
    """The estimation sample and CS options of one id under one variant."""

    frame: pd.DataFrame
    cohort_col: str
    notes: list[str]
    did: dict[str, Any]
    common: dict[str, Any]   # keyword arguments of api.fit shared by every CS fit of this id x variant
    label: str


def design(panel: pd.DataFrame, *, spec: dict, est: dict, variant: dict, source: str) -> Design:
    from study.estimate.did import regional_exposure

    did = did_options(spec, est, variant)
    sample = {**spec["sample"], **variant["sample"]}
    outcome_spec = spec["outcomes"][est["outcome"]]
    first_year = int(spec["panel"]["first_year"])
    last_year = window_last_year(panel, spec, est["outcome"], source)  # also checks the outcome column
    if est["treatment"] == regional_exposure.TREATMENT:
        panel = regional_exposure.exposure_panel(panel, suffix=variant["treatment_suffix"], source=source)
    covariates = list(did["covariates"])
    frame, cohort_col, notes = estimation_sample(
        panel, treatment=est["treatment"], outcome_col=outcome_spec["column"],
        suffix=variant["treatment_suffix"], first_year=first_year, last_year=last_year,
        min_pre_periods=int(sample["min_pre_periods"]), covariates=covariates, source=source)
    label = f"{source} [{est['id']} {variant['id']}]"
    common = dict(unit="iso3", time="year", cohort=cohort_col, outcome=outcome_spec["column"],
                  covariates=covariates, control_group=did["control_group"], method=did["method"],
                  anticipation=int(did["anticipation"]), alpha=float(did["alpha"]),
                  balanced=bool(sample["balanced"]), min_cohort_size=int(sample["min_cohort_size"]),
                  event_window=tuple(did["event_window"]), source=label)
    return Design(frame, cohort_col, notes, did, common, label)


def _fit(frame: pd.DataFrame, **kwargs: Any):
    """:func:`.api.fit`, with an estimand the data cannot reach reported as bad input, not a crash."""
    from study.estimate.did import api

    try:
        return api.fit(frame, **kwargs)
    except ValueError as exc:
        raise DataError(kwargs.get("source", "<data>"), str(exc)) from exc


def _base(est: dict, variant: dict, sizes: dict | None = None) -> dict:
    return {"spec_id": est["id"], "variant": variant["id"], "outcome": est["outcome"],
            "treatment": est["treatment"], **(sizes or {})}


def run_split(panel: pd.DataFrame, *, spec: dict, est: dict, variant: dict, source: str) -> tuple[list[dict], dict]:
    """Subgroup estimates of a ``split`` id (:mod:`.splits`)."""
    from study.estimate.did import splits
    from study.estimate.did.data import prepare_panel

    others = sorted(set(est["estimators"]) & set(FREQUENTIST) - {"cs"})
    if others:
        log.warning("%s: split ids are estimated with Callaway & Sant'Anna only; %s not run", est["id"],
                    ", ".join(others))
    d = design(panel, spec=spec, est=est, variant=variant, source=source)
    for note in d.notes:
        log.warning("%s %s: %s", est["id"], variant["id"], note)
    c = d.common
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the subgroup fits below warn about the same input changes
        checked = prepare_panel(d.frame, unit=c["unit"], time=c["time"], cohort=c["cohort"], outcome=c["outcome"],
                                covariates=c["covariates"], control_group=c["control_group"],
                                anticipation=c["anticipation"], balanced=c["balanced"],
                                min_cohort_size=c["min_cohort_size"], source=c["source"])
    units = checked.data.drop_duplicates("unit").set_index("unit")["cohort"]
    split = splits.define_split(panel, est["split"], units[units > 0], est=est, source=source)
    if split.excluded:
        log.warning("%s %s: split %s: treated countries excluded: %s", est["id"], variant["id"], split.name,
                    ", ".join(f"{v} ({k})" for k, v in sorted(split.excluded.items())))
    result = splits.fit_subgroups(
        d.frame, split, controls=sorted(units.index[units == 0]),
        fit_kwargs={**c, "base_period": d.did["base_period"], "primary_window": tuple(d.did["primary_window"])})
    rows = splits.subgroup_rows(result, _base(est, variant), alpha=float(d.did["alpha"]))
    out = splits.split_output(result)
    out["sample"] = {"notes": d.notes}
    return rows, out


def run_one(panel: pd.DataFrame, *, spec: dict, est: dict, variant: dict, source: str) -> tuple[list[dict], dict]:
    """All frequentist estimates of one registered id under one variant."""
    from scipy.stats import norm

    from study.estimate.did import api, cs
    from study.estimate.did.event_pretest import event_time_pretest
    from study.estimate.did.imputation import imputation
    from study.estimate.did.sun_abraham import sun_abraham

    if est.get("split"):
        return run_split(panel, spec=spec, est=est, variant=variant, source=source)
    d = design(panel, spec=spec, est=est, variant=variant, source=source)
    did, frame, common = d.did, d.frame, d.common
    estimators = [e for e in est["estimators"] if e in FREQUENTIST and e in did["estimators"]]
    for note in d.notes:
        log.warning("%s %s: %s", est["id"], variant["id"], note)
    fit = _fit(frame, base_period=did["base_period"], bootstrap=int(did["bootstrap_draws"]),
               seed=config.seed("did_bootstrap"), primary_window=tuple(did["primary_window"]), **common)
    out = api.to_dict(fit)
    out["sample"]["notes"] = d.notes
    for note in fit.notes:
        log.warning("%s", note)
    if did.get("pretest_window") is not None:
        window = tuple(int(x) for x in did["pretest_window"])
        ev = event_time_pretest(cs.aggregate(fit.res, "dynamic", min_e=window[0]), window)
        out["pretest_event_time"] = {"stat": ev.stat, "df": ev.df, "p": ev.p, "event_times": ev.event_times,
                                     "window": list(window), "message": ev.message}
    base = _base(est, variant, {"n_obs": out["sample"]["n_obs"], "n_units": out["sample"]["n_units"],
                                "n_treated_units": out["sample"]["n_treated_units"]})
    z = float(norm.ppf(1 - float(did["alpha"]) / 2))
    rows: list[dict] = []
    if "twfe" in estimators:
        tw = out["twfe"]
        rows.append(_row(base, "twfe", "simple", None, tw["coef"], tw["se"], tw["coef"] - z * tw["se"],
                         tw["coef"] + z * tw["se"], "pointwise95"))
    if "cs" in estimators:
        rows += _cs_rows(base, out, d.label)
    cov = fit.panel.covariates
    lo_e, hi_e = (int(x) for x in did["event_window"])
    if "sun_abraham" in estimators:
        sa = sun_abraham(fit.panel, anticipation=int(did["anticipation"]), covariates=cov)
        es = sa["event_study"]
        es = es[(es.event_time >= lo_e) & (es.event_time <= hi_e)]
        rows += _event_rows(base, "sun_abraham", es, z)
        o = sa["overall"]
        rows.append(_row(base, "sun_abraham", "simple", None, o["att"], o["se"], o["att"] - z * o["se"],
                         o["att"] + z * o["se"], "pointwise95"))
        out["sun_abraham"] = {"event_study": es.to_dict("records"), "overall": o}
    if "imputation" in estimators:
        im = imputation(fit.panel, anticipation=int(did["anticipation"]), covariates=cov,
                        primary_window=tuple(int(x) for x in did["primary_window"]))
        es = im["event_study"]
        es = es[(es.event_time >= lo_e) & (es.event_time <= hi_e)]
        rows += _event_rows(base, "imputation", es, z)
        o = im["overall"]
        rows.append(_row(base, "imputation", "simple", None, o["att"], o["se"], o["att"] - z * o["se"],
                         o["att"] + z * o["se"], "pointwise95"))
        p = im["primary"]
        rows.append(_row(base, "imputation", "primary", None, p["att"], p["se"], p["att"] - z * p["se"],
                         p["att"] + z * p["se"], "pointwise95"))
        out["imputation"] = {"event_study": es.to_dict("records"), "overall": o, "primary": p}
    if variant["id"] == "primary" and "cs" in estimators and "honestdid" in spec:
        universal = _fit(frame, base_period="universal", bootstrap=0, **common)
        honest_rows, sens = _honest(universal, did, spec["honestdid"], base, outcome_sd(fit.panel))
        rows += honest_rows
        out["honestdid"] = sens
    return rows, out


def run(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from study.estimate.did import multiple_testing
    from study.estimate.did.event_study_figure import event_study_figure

    spec = config.spec()
    path = panel_file()
    if not path.exists():
        raise StudyError(f"panel not found: {paths.relative(path)} (run `make panel` first)")
    record_input(path)
    panel = pd.read_parquet(path)
    source = paths.relative(path)
    frequentist = set(spec["did"]["estimators"])
    registered = [e for e in spec["estimates"] if frequentist & set(e["estimators"])]
    skipped = [e["id"] for e in spec["estimates"] if not frequentist & set(e["estimators"])]
    if skipped:
        log.info("no frequentist estimator registered (left to their own steps): %s", ", ".join(skipped))
    jobs = [(e, v) for e in registered for v in variants(spec, e)]
    rows: list[dict] = []
    outputs: dict[tuple[str, str], dict] = {}
    failures: list[dict] = []
    for est, variant in tqdm(jobs, desc="did", unit="fit"):
        try:
            r, out = run_one(panel, spec=spec, est=est, variant=variant, source=source)
        except DataError as exc:
            # One estimation sample the estimator cannot handle (e.g. a cohort too small for the
            # covariate models in a robustness variant, or a split column the panel lacks) must not
            # silently vanish, nor stop the other registered estimates: it is logged as an error
            # and listed in failures.json.
            log.error("%s %s: not estimated: %s", est["id"], variant["id"], exc)
            failures.append({"spec_id": est["id"], "variant": variant["id"], "error": str(exc)})
            continue
        rows += r
        outputs[(est["id"], variant["id"])] = out
    if not rows:
        raise StudyError("no registered DiD estimate could be computed (see the errors above)")
    tidy = pd.DataFrame(rows).reindex(columns=TIDY_COLUMNS)
    tidy = pd.concat([tidy, multiple_testing.adjusted_rows(tidy, spec)[TIDY_COLUMNS]], ignore_index=True)
    tidy["df"] = tidy["df"].astype("Int64")
    est_dir = paths.estimates_dir()
    io.write_csv(est_dir / "did.csv", tidy)
    for (spec_id, variant_id), out in sorted(outputs.items()):
        io.write_json(est_dir / "did" / f"{spec_id}_{variant_id}.json", _jsonable(out))
    io.write_json(est_dir / "did" / "failures.json", failures)
    for est in registered:
        rows_id = tidy[(tidy.spec_id == est["id"]) & (tidy.variant == "primary")]
        if est.get("split") or rows_id.empty:
            continue  # subgroup comparisons have no event study; failed ids have no rows
        event_study_figure(rows_id, title=f"{est['id']}: {spec['outcomes'][est['outcome']]['label']}",
                           target=paths.figures_dir() / f"event_study_{est['id']}")


def _jsonable(obj: Any) -> Any:
    """NaN/inf -> None so that the canonical JSON writer (allow_nan=False) accepts the document."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return float(obj) if np.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj
