"""Check candidate CS libraries against the R did 2.5.0 mpdta references (not a test; a report).

Run: ``.venv/bin/python tests/estimate/did/validate_libraries.py`` from the repository root.
Prints, per library and scenario: max |ATT(g,t) - R|, max |aggregation - R| (overall and per key),
max relative SE difference (ATT(g,t) and aggregations), |W - R|, and the median run time of the
ATT(g,t) + aggregations call (5 repeats). Numbers go into docs/estimator-validation.md.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
FIX = Path("tests/fixtures")
MP = pd.read_csv(FIX / "mpdta.csv")
RA = pd.read_csv(FIX / "r_did/ref_attgt.csv")
RG = pd.read_csv(FIX / "r_did/ref_aggte.csv")
RP = pd.read_csv(FIX / "r_did/ref_pretest.csv")
SC = {"mpdta_nev_dr": ("nevertreated", "dr", []), "mpdta_nyt_dr": ("notyettreated", "dr", []),
      "mpdta_nev_reg_cov": ("nevertreated", "reg", ["lpop"]), "mpdta_nev_ipw": ("nevertreated", "ipw", [])}
TYPES = ("simple", "group", "dynamic", "calendar")


def project(cg, m, cov):
    from study.estimate.did import cs
    from study.estimate.did.data import prepare_panel

    p = prepare_panel(MP, unit="countyreal", time="year", cohort="first.treat", outcome="lemp",
                      covariates=cov, control_group=cg)
    r = cs.att_gt(p, control_group=cg, method=m)
    aggs = {}
    for k in TYPES:
        a = cs.aggregate(r, k)
        aggs[k] = (a.overall.att, a.overall.se, [b.att for b in a.by], [b.se for b in a.by])
    return r.att, r.se, aggs, cs.pretest(r).stat


def diff_diff(cg, m, cov):
    from diff_diff import CallawaySantAnna

    res = CallawaySantAnna(control_group={"nevertreated": "never_treated", "notyettreated": "not_yet_treated"}[cg],
                           estimation_method=m, cband=False).fit(MP, "lemp", "countyreal", "year", "first.treat",
                                                                 covariates=cov or None)
    cells = sorted(res.group_time_effects)
    att = np.array([res.group_time_effects[c]["effect"] for c in cells])
    se = np.array([res.group_time_effects[c]["se"] for c in cells])
    es = res.aggregate("event_study")
    keep = ~np.asarray(es.is_reference)
    g = res.aggregate("group")
    # diff-diff reports the per-key group and event-study effects and the simple ATT; it has no
    # group/dynamic overall summary of R's kind and no calendar aggregation.
    aggs = {"simple": (float(res.overall_att), float(res.overall_se), [], []),
            "group": (None, None, list(np.ravel(g.att)), list(np.ravel(g.se))),
            "dynamic": (None, None, list(np.asarray(es.att)[keep]), list(np.asarray(es.se)[keep]))}
    return att, se, aggs, None


def csdid(cg, m, cov):
    from csdid.att_gt import ATTgt

    with contextlib.redirect_stdout(io.StringIO()):
        a = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year", data=MP,
                  control_group=cg, xformla="lemp~lpop" if cov else None).fit(est_method=m, bstrap=False)
        aggs = {}
        for k in TYPES:
            a.aggte(typec=k, bstrap=False)
            o = a.atte
            aggs[k] = (o["overall_att"], o["overall_se"], [] if k == "simple" else list(o["att_egt"]),
                       [] if k == "simple" else list(o["se_egt"]))
    return np.asarray(a.results["att"]), np.asarray(a.results["se"]), aggs, a.MP["W"]


def differences(cg, m, cov):
    from differences import ATTgt

    d = MP.assign(cohort=MP["first.treat"].replace(0, np.nan)).set_index(["countyreal", "year"])
    a = ATTgt(data=d, cohort_column="cohort", base_period="varying")
    a.fit(formula="lemp ~ lpop" if cov else "lemp", est_method={"ipw": "std_ipw"}.get(m, m),
          control_group={"nevertreated": "never_treated", "notyettreated": "not_yet_treated"}[cg],
          n_jobs=1, progress_bar=False)
    r = a.results()
    r.columns = [c[-1] for c in r.columns]
    r = r.reset_index().sort_values(["cohort", "time"])
    aggs = {}
    for k, name in zip(TYPES, ("simple", "cohort", "event", "time")):
        ov = a.aggregate(name, overall=True) if k != "simple" else a.aggregate("simple")
        ov.columns = [c[-1] for c in ov.columns]
        by = a.aggregate(name) if k != "simple" else None
        if by is not None:
            by.columns = [c[-1] for c in by.columns]
        aggs[k] = (ov["ATT"].iloc[0], ov["std_error"].iloc[0], [] if by is None else list(by["ATT"]),
                   [] if by is None else list(by["std_error"]))
    return r["ATT"].to_numpy(), r["std_error"].to_numpy(), aggs, None


def compare(fn):
    out = {"att": 0.0, "agg": 0.0, "se": 0.0, "W": None, "secs": [], "missing": set()}
    for sc, args in SC.items():
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            att, se, aggs, W = fn(*args)
            times.append(time.perf_counter() - t0)
        out["secs"].append(statistics.median(times))
        ref = RA[RA.scenario == sc]
        out["att"] = max(out["att"], np.max(np.abs(att - ref.att.to_numpy())))
        out["se"] = max(out["se"], np.max(np.abs(se / ref.se.to_numpy() - 1)))
        for k in TYPES:
            g = RG[(RG.scenario == sc) & (RG.type == k)]
            if k not in aggs:
                out["missing"].add(k)
                continue
            o_att, o_se, by_att, by_se = aggs[k]
            if o_att is not None:
                out["agg"] = max(out["agg"], abs(o_att - g.overall_att.iloc[0]))
                out["se"] = max(out["se"], abs(o_se / g.overall_se.iloc[0] - 1))
            if k != "simple" and by_att is not None:
                out["agg"] = max(out["agg"], np.max(np.abs(np.array(by_att) - g.att_egt.to_numpy())))
                out["se"] = max(out["se"], np.max(np.abs(np.array(by_se) / g.se_egt.to_numpy() - 1)))
        if W is not None:
            w = abs(W - RP[RP.scenario == sc].W.iloc[0])
            out["W"] = w if out["W"] is None else max(out["W"], w)
    return out


if __name__ == "__main__":
    for name, fn, pkg in (("project (diff-diff engine + own aggregation/pretest)", project, "study"),
                          ("diff-diff", diff_diff, "diff-diff"), ("csdid", csdid, "csdid"),
                          ("differences", differences, "differences")):
        r = compare(fn)
        print(f"{name} {version(pkg)}: max|dATT(g,t)|={r['att']:.1e} max|dagg|={r['agg']:.1e} "
              f"max rel dSE={r['se']:.1e} |dW|={'n/a' if r['W'] is None else f'{r[chr(87)]:.1e}'} "
              f"median s/scenario={statistics.median(r['secs']):.4f} missing={sorted(r['missing'])}")
