"""``python -m study figures``: the summary figures that combine outputs across steps.

* ``summary_event_study``: the Callaway & Sant'Anna event study of every confirmatory estimate id,
  with its uniform (sup-t) band, pointwise intervals, and the Sun & Abraham and imputation point
  estimates for comparison (from ``did.csv``);
* ``summary_forest``: the Callaway & Sant'Anna primary estimate and the Bayesian pooled effect of
  every estimate id, side by side (from ``did.csv`` and ``bayes.csv``);
* ``summary_coverage``: share of countries with a non-missing value, by variable and year (from the panel).

Figures per step (``event_study_<id>``, ``bayes_forest_<id>``, ``panel_coverage`` …) are drawn by
their steps and only embedded by the report. Every figure is written as PNG and PDF through
:func:`study.io.save_figure` and reads in grayscale: series differ by marker and line style.
"""

from __future__ import annotations

import argparse
import logging
import math
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from study import config, io, paths
from study.report import labels, load
from study.report.status import PREREGISTERED, Status, load_status
from study.report.tables import pick_interval

log = logging.getLogger("study")

FIGURES: dict[str, str] = {
    "summary_event_study": "Event studies of the confirmatory hypotheses (Callaway & Sant'Anna, uniform 95% bands)",
    "summary_forest": "Callaway & Sant'Anna primary estimate and Bayesian pooled effect by estimate id",
    "summary_coverage": "Panel coverage: share of countries observed, by variable and year",
}

# Comparison estimators in the event-study panels: (estimator, marker, horizontal offset).
_COMPARE = (("sun_abraham", "s", -0.22), ("imputation", "^", 0.22))


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.style.use("default")
    plt.rcParams.update({"font.size": 8, "axes.titlesize": 8.5, "legend.fontsize": 7.5,
                         "figure.dpi": 100, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _save(fig, name: str) -> None:
    for suffix in (".png", ".pdf"):
        io.save_figure(fig, paths.figures_dir() / f"{name}{suffix}")


def _title(spec: dict[str, Any], spec_id: str, width: int = 48) -> str:
    return "\n".join(textwrap.wrap(": ".join(labels.spec_header(spec, spec_id)), width))


def _event_rows(spec: dict[str, Any], did: pd.DataFrame, spec_id: str, estimator: str, ci_kind: str) -> pd.DataFrame:
    rows = did[(did["spec_id"] == spec_id) & (did["variant"] == "primary") & (did["estimator"] == estimator)
               & did["estimand"].isin(["dynamic", "event_time"]) & (did["ci_kind"] == ci_kind)]
    rows = rows.assign(e=pd.to_numeric(rows["key"], errors="coerce")).dropna(subset=["e"])
    window = spec.get("did", {}).get("event_window")
    if window:
        rows = rows[(rows["e"] >= window[0]) & (rows["e"] <= window[1])]
    return rows.sort_values("e")


def event_study_figure(spec: dict[str, Any], did: pd.DataFrame | None):
    """One panel per confirmatory id; None if did.csv holds no event-study rows for them."""
    ids = [e["id"] for e in spec.get("estimates", []) if e.get("role") == "confirmatory"]
    if did is None:
        return None
    ids = [i for i in ids if not _event_rows(spec, did, i, "cs", "pointwise95").empty
           or not _event_rows(spec, did, i, "cs", "uniform95").empty]
    if not ids:
        return None
    plt = _pyplot()
    ncols = 2 if len(ids) > 1 else 1
    nrows = math.ceil(len(ids) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.7 * nrows + 0.6), squeeze=False)
    for ax, spec_id in zip(axes.flat, ids):
        uniform = _event_rows(spec, did, spec_id, "cs", "uniform95")
        pointwise = _event_rows(spec, did, spec_id, "cs", "pointwise95")
        points = pointwise if not pointwise.empty else uniform
        if not uniform.empty:
            ax.fill_between(uniform["e"], uniform["ci_low"], uniform["ci_high"], color="0.85", linewidth=0,
                            label="C&S uniform 95% band")
            ax.plot(uniform["e"], uniform["ci_low"], color="0.45", linestyle="--", linewidth=0.7)
            ax.plot(uniform["e"], uniform["ci_high"], color="0.45", linestyle="--", linewidth=0.7)
        if not pointwise.empty:
            ax.errorbar(pointwise["e"], pointwise["estimate"],
                        yerr=[pointwise["estimate"] - pointwise["ci_low"], pointwise["ci_high"] - pointwise["estimate"]],
                        fmt="none", color="black", ecolor="black", elinewidth=0.8, capsize=2, label="C&S pointwise 95% CI")
        ax.plot(points["e"], points["estimate"], color="black", marker="o", markersize=3.5, linewidth=0.8,
                label=labels.estimator("cs"))
        for estimator, marker, offset in _COMPARE:
            rows = _event_rows(spec, did, spec_id, estimator, "pointwise95")
            if not rows.empty:
                ax.plot(rows["e"] + offset, rows["estimate"], linestyle="none", color="black", marker=marker,
                        markersize=3.5,
                        markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.7,
                        label=labels.estimator(estimator))
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(-0.5, color="0.3", linestyle=":", linewidth=0.8)
        ax.set_title(_title(spec, spec_id))
        ax.set_xlabel("Event time (years since first campaign)")
        ax.set_ylabel("ATT (outcome units)")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(ids):]:
        ax.set_axis_off()
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=min(len(names), 3), frameon=False)
    fig.tight_layout(rect=(0, 0.08 if nrows > 1 else 0.14, 1, 1))
    return fig


def forest_figure(spec: dict[str, Any], status: Status, did: pd.DataFrame | None, bayes: pd.DataFrame | None):
    """Two panels sharing the estimate ids: C&S primary estimate (left), Bayesian pooled effect (right)."""
    parts = []
    if did is not None:
        parts.append(pick_interval(did[(did["estimator"] == "cs") & (did["variant"] == "primary")
                                       & (did["estimand"] == "primary")], ("pointwise95",)))
    if bayes is not None:
        parts.append(pick_interval(bayes[(bayes["variant"] == "primary") & (bayes["estimand"] == "primary")],
                                   ("credible95",)))
    if not parts or all(p.empty for p in parts):
        return None
    rows = pd.concat(parts, ignore_index=True)
    ids = labels.spec_ids(spec, set(rows["spec_id"]))
    y = {spec_id: len(ids) - 1 - i for i, spec_id in enumerate(ids)}
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 0.42 * len(ids) + 1.6), sharey=True)
    panels = (("cs", axes[0], "Callaway & Sant'Anna\nATT and 95% CI", "o"),
              ("bayes", axes[1], "Bayesian pooled\nposterior mean, 95% (thin) and 90% (thick) CrI", "s"))
    for estimator, ax, title, marker in panels:
        sub = rows[rows["estimator"] == estimator]
        for r in sub.itertuples():
            yy = y[r.spec_id]
            explor = status(r.spec_id, r.estimator, r.variant) != PREREGISTERED
            ax.plot([r.ci_low, r.ci_high], [yy, yy], color="black", linewidth=0.9)
            lo90, hi90 = getattr(r, "ci90_low", np.nan), getattr(r, "ci90_high", np.nan)
            if estimator == "bayes" and np.isfinite(lo90) and np.isfinite(hi90):
                ax.plot([lo90, hi90], [yy, yy], color="black", linewidth=2.6, solid_capstyle="butt")
            ax.plot([r.estimate], [yy], marker=marker, markersize=5.5, linestyle="none", color="black",
                    markerfacecolor="white" if explor else "black", markeredgecolor="black")
        ax.axvline(0, color="0.3", linestyle="--", linewidth=0.8)
        ax.set_title(title)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        if sub.empty:
            ax.text(0.5, 0.5, "no estimates yet", transform=ax.transAxes, ha="center", color="0.4")
    scale = "scale as in bayes.csv"
    if bayes is not None and "scale" in bayes.columns and set(bayes["scale"]) - {""}:
        scale = ", ".join(sorted(set(bayes["scale"]) - {""}))
    axes[0].set_xlabel("ATT (outcome units)")
    axes[1].set_xlabel(f"Pooled effect ({scale})")
    axes[0].set_yticks(list(y.values()), ["\n".join(textwrap.wrap(": ".join(labels.spec_header(spec, i)), 34))
                                          for i in y])
    axes[0].set_ylim(-0.7, len(ids) - 0.3)
    fig.text(0.01, 0.005, "Filled marker: preregistered; open marker: exploratory.", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def coverage_figure(spec: dict[str, Any], panel: pd.DataFrame | None):
    """Heatmap of the share of countries with a non-missing value, variable x year (grayscale)."""
    if panel is None:
        return None
    variables = [c for _, c in load.panel_variables(spec, panel)]
    if not variables:
        return None
    share = panel.groupby("year", sort=True)[variables].agg(lambda s: s.notna().mean()).T
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(variables) + 1.6))
    im = ax.imshow(share.to_numpy(dtype=float), cmap="Greys_r", vmin=0, vmax=1, aspect="auto",
                   interpolation="nearest")  # white = every country observed, black = none
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    years = share.columns.to_list()
    step = 5 if len(years) > 12 else 1
    ticks = [i for i, yr in enumerate(years) if int(yr) % step == 0]
    ax.set_xticks(ticks, [str(years[i]) for i in ticks])
    ax.set_yticks(range(len(variables)), ["\n".join(textwrap.wrap(labels.variable(spec, v), 40)) for v in variables])
    ax.set_xlabel("Year")
    bar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("Share of countries observed")
    ax.set_title(f"{panel['iso3'].nunique()} countries, {int(min(years))}-{int(max(years))}")
    fig.tight_layout()
    return fig


def run(args: argparse.Namespace) -> None:
    spec = config.spec()
    status = load_status(spec)
    did, bayes = load.read_estimates("did"), load.read_estimates("bayes")
    panel = load.read_panel()
    plt = _pyplot()
    made = {"summary_event_study": event_study_figure(spec, did),
            "summary_forest": forest_figure(spec, status, did, bayes),
            "summary_coverage": coverage_figure(spec, panel)}
    for name, fig in made.items():
        if fig is None:
            log.info("figure %s: inputs not available yet, left out", name)
            continue
        _save(fig, name)
        plt.close(fig)
    log.info("%d figures written to %s", sum(f is not None for f in made.values()),
             paths.relative(paths.figures_dir()))
