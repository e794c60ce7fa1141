"""Benchmark: the project's Callaway & Sant'Anna path against peer Python packages.

Task (the same for every package): ATT(g,t) on mpdta (doubly robust, never-treated controls, no
covariates, analytic SEs) plus every aggregation the package offers (project: simple, group,
dynamic, calendar and the Wald pre-test; diff-diff: simple, group, event study; csdid and
differences: all four). Sizes: mpdta (500 units) and the panel replicated 10x and 100x (new unit
ids). Each package runs in its own fresh subprocess (all sizes, one warm-up call first): wall time
of the task (median of repeats, with their minimum and maximum; imports and data building
excluded) and the peak of memory
allocated during one further run of the task, measured with ``tracemalloc`` (Python and NumPy
allocations; memory that compiled extensions allocate outside the Python allocator, such as
diff-diff's Rust backend, is not seen). Ratios = project / peer (below 1: faster or leaner).
Writes ``results/bench/did.csv`` and ``results/bench/did.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import textwrap

import pandas as pd

from study import io, paths

log = logging.getLogger("study")

PACKAGES = ("project", "diff-diff", "csdid", "differences")

_TASKS = {
    "project": """
        from study.estimate.did import cs
        from study.estimate.did.data import prepare_panel
        def task(d):
            p = prepare_panel(d, unit="countyreal", time="year", cohort="first.treat", outcome="lemp")
            r = cs.att_gt(p)
            [cs.aggregate(r, k) for k in cs.AGGREGATIONS]
            cs.pretest(r)
    """,
    "diff-diff": """
        from diff_diff import CallawaySantAnna
        def task(d):
            r = CallawaySantAnna(cband=False).fit(d, "lemp", "countyreal", "year", "first.treat")
            [r.aggregate(k) for k in ("simple", "group", "event_study")]
    """,
    "csdid": """
        from csdid.att_gt import ATTgt
        import contextlib, io as _io
        def task(d):
            with contextlib.redirect_stdout(_io.StringIO()):
                a = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                          data=d).fit(est_method="dr", bstrap=False)
                for k in ("simple", "group", "dynamic", "calendar"):
                    a.aggte(typec=k, bstrap=False)
    """,
    "differences": """
        import numpy as np
        from differences import ATTgt
        def task(d):
            x = d.assign(cohort=d["first.treat"].replace(0, np.nan)).set_index(["countyreal", "year"])
            a = ATTgt(data=x, cohort_column="cohort", base_period="varying")
            a.fit(formula="lemp", est_method="dr", control_group="never_treated", n_jobs=1, progress_bar=False)
            for k in ("simple", "cohort", "event", "time"):
                a.aggregate(k)
    """,
}

_RUNNER = """
import json, statistics, sys, time, tracemalloc, warnings
warnings.simplefilter("ignore")
import pandas as pd
{task}
base = pd.read_csv({data!r})
task(base.copy())  # warm-up: lazy imports, caches
out = {{}}
for factor in {factors!r}:
    parts = []
    for r in range(factor):
        d = base.copy()
        d["countyreal"] = d["countyreal"] + r * 1_000_000
        parts.append(d)
    data = pd.concat(parts, ignore_index=True)
    repeats = {repeats} if factor < 100 else max(1, {repeats} // 2)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        task(data)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    task(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out[factor] = {{"seconds": statistics.median(times), "seconds_min": min(times), "seconds_max": max(times),
                   "peak_mib": peak / 2**20}}
print(json.dumps(out))
"""


def _measure(package: str, factors: tuple[int, ...], repeats: int) -> dict[int, dict]:
    data = paths.root() / "tests" / "fixtures" / "mpdta.csv"
    code = _RUNNER.format(task=textwrap.dedent(_TASKS[package]), data=str(data), factors=tuple(factors),
                          repeats=repeats)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=7200)
    if proc.returncode != 0:
        log.warning("bench %s failed: %s", package, proc.stderr.strip().splitlines()[-1:])
        return {f: {"seconds": float("nan"), "seconds_min": float("nan"), "seconds_max": float("nan"),
                    "peak_mib": float("nan")} for f in factors}
    return {int(k): v for k, v in json.loads(proc.stdout.strip().splitlines()[-1]).items()}


def run(args: argparse.Namespace) -> dict:
    from importlib.metadata import version

    from tqdm import tqdm

    quick = bool(getattr(args, "quick", False))
    factors = (1, 2) if quick else (1, 10, 100)
    repeats = 1 if quick else 5
    versions = {p: (version(p) if p != "project" else "study " + version("study")) for p in PACKAGES}
    rows = []
    for package in tqdm(PACKAGES, desc="bench did", unit="package"):
        for factor, m in sorted(_measure(package, factors, repeats).items()):
            rows.append({"size": f"mpdta x{factor}", "units": 500 * factor, "rows": 2500 * factor,
                         "package": package, "version": versions[package], "seconds": m["seconds"],
                         "seconds_min": m["seconds_min"], "seconds_max": m["seconds_max"],
                         "peak_mib": m["peak_mib"]})
    table = pd.DataFrame(rows).sort_values(["units", "package"], kind="mergesort",
                                           key=lambda c: c.map(PACKAGES.index) if c.name == "package" else c)
    own = table[table.package == "project"].set_index("size")
    table["time_ratio_project_vs_peer"] = table["size"].map(own["seconds"]) / table["seconds"]
    table["memory_ratio_project_vs_peer"] = table["size"].map(own["peak_mib"]) / table["peak_mib"]
    out_dir = paths.results_dir() / "bench"
    io.write_csv(out_dir / "did.csv", table, float_format="%.6g")
    io.write_text(out_dir / "did.md", _markdown(table, quick))
    return {"table": table}


def _markdown(table: pd.DataFrame, quick: bool) -> str:
    lines = ["# Callaway & Sant'Anna benchmark", "",
             "Task: ATT(g,t) (DR, never-treated controls, analytic SEs) + the package's aggregations, "
             "on mpdta replicated k times; median wall time of the task (imports excluded; min - max of "
             "the repeats alongside) and peak "
             "memory allocated during the task (tracemalloc), each package in a fresh process, all in one run. "
             "Ratio = project / peer (< 1: project faster / leaner)."
             + (" **Quick mode (smoke test): sizes x1, x2, one repeat.**" if quick else ""), "",
             "| size | package | version | seconds | min - max | peak MiB | time ratio | memory ratio |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in table.itertuples():
        lines.append(f"| {r.size} | {r.package} | {r.version} | {r.seconds:.4f} | {r.seconds_min:.4f} - "
                     f"{r.seconds_max:.4f} | {r.peak_mib:.1f} | {r.time_ratio_project_vs_peer:.2f} | "
                     f"{r.memory_ratio_project_vs_peer:.2f} |")
    return "\n".join(lines) + "\n"
