"""Figures of the Bayesian event study: prior predictive check, forest plot, posterior predictive check.

Grayscale-readable (black/grey, line styles and marker shapes carry the distinctions) and saved
as PNG and PDF through :func:`study.io.save_figure`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from study import paths

LINESTYLES = ("-", "--", ":", "-.")
GREYS = ("0.0", "0.35", "0.6", "0.8")
ESTIMAND_TITLES = {"primary": "Pooled effect (e = 0..3)", "event_time": "Event time",
                   "issue_area": "Issue area", "region": "Region", "leadership": "Leadership",
                   "engagement": "Engagement", "leadership_model": "Leadership model"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_both(fig, stem: str) -> list[Path]:
    from study.io import save_figure

    out = [save_figure(fig, paths.figures_dir() / f"{stem}.{ext}") for ext in ("png", "pdf")]
    _pyplot().close(fig)
    return out


def _ecdf_band(samples: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """5%, 50% and 95% across draws of each draw's ECDF evaluated on ``grid`` (3 x grid)."""
    sorted_rows = np.sort(samples, axis=1)
    ecdf = np.stack([np.searchsorted(row, grid, side="right") / row.size for row in sorted_rows])
    return np.quantile(ecdf, [0.05, 0.5, 0.95], axis=0)


def prior_predictive_figure(draws: dict[str, dict[str, np.ndarray]], y_obs: np.ndarray, *,
                            label: str) -> object:
    """(a) prior of the pooled effect per prior set; (b) prior predictive ECDF band of y vs the data."""
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    from scipy.stats import gaussian_kde

    lim = max(float(np.quantile(np.abs(d["pooled"]), 0.99)) for d in draws.values())
    xs = np.linspace(-lim, lim, 401)
    for i, (name, d) in enumerate(draws.items()):
        ax1.plot(xs, gaussian_kde(d["pooled"])(xs), color=GREYS[i % 4], linestyle=LINESTYLES[i % 4],
                 linewidth=1.5, label=f"{name} priors")
    ax1.axvline(0, color="0.5", linewidth=0.8)
    ax1.set_xlabel("pooled effect (outcome SD units)")
    ax1.set_ylabel("prior density")
    ax1.set_title("(a) Prior of the pooled effect")
    ax1.legend(frameon=False, fontsize=8)

    grid = np.linspace(-5, 5, 201)
    for i, (name, d) in enumerate(draws.items()):
        lo, mid, hi = _ecdf_band(d["y"], grid)
        ax2.plot(grid, mid, color=GREYS[i % 4], linestyle=LINESTYLES[i % 4], linewidth=1.2,
                 label=f"{name}: median, 90% band")
        ax2.plot(grid, lo, color=GREYS[i % 4], linestyle=LINESTYLES[i % 4], linewidth=0.6)
        ax2.plot(grid, hi, color=GREYS[i % 4], linestyle=LINESTYLES[i % 4], linewidth=0.6)
    obs = np.sort(y_obs)
    ax2.step(obs, np.arange(1, obs.size + 1) / obs.size, color="black", linewidth=2.2, where="post",
             label="observed (standardised)")
    ax2.set_xlim(grid[0], grid[-1])
    ax2.set_xlabel("standardised outcome")
    ax2.set_ylabel("ECDF")
    ax2.set_title("(b) Prior predictive outcome")
    ax2.legend(frameon=False, fontsize=7, loc="upper left")
    fig.suptitle(f"Prior predictive check ({label})", fontsize=10)
    fig.tight_layout()
    return fig


def _event_label(e: int, lo: int, hi: int) -> str:
    """Event-time label; the end points are bins (e <= lo, e >= hi)."""
    return f"e \u2264 {e}" if e == lo else (f"e \u2265 {e}" if e == hi else f"e = {e}")


def forest_figure(estimates: pd.DataFrame, comparison: pd.DataFrame | None, *, spec_id: str) -> object:
    """Primary-model effects (pooled, event time, groups) and the pooled effect across variants.

    Thick bars: 90% intervals; thin bars: 95% intervals. ``comparison`` adds the CS estimate
    (95% confidence interval) to the right panel.
    """
    plt = _pyplot()
    primary = estimates[estimates["variant"] == "primary"]
    order = ["primary", "event_time", "issue_area", "region", "leadership", "engagement", "leadership_model"]
    rows = []
    for est in order:
        part = primary[primary["estimand"] == est]
        if est == "event_time":
            part = part.assign(_k=part["key"].astype(int)).sort_values("_k")
            lo, hi = part["_k"].min(), part["_k"].max()
        for r in part.itertuples(index=False):
            key = "" if est == "primary" else (_event_label(int(r.key), lo, hi) if est == "event_time"
                                               else f"{r.key} (n={int(r.n_group_units)})")
            rows.append((ESTIMAND_TITLES[est], key, r))
    variants = estimates[estimates["estimand"] == "primary"]
    n_left, n_right = len(rows), len(variants) + (0 if comparison is None or comparison.empty else 1)
    height = max(3.0, 0.24 * n_left + 1.2)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, height), gridspec_kw={"width_ratios": [3, 2]})

    def draw(ax, y, est, lo95, hi95, lo90, hi90, marker="o", fill="black"):
        ax.plot([lo95, hi95], [y, y], color="0.45", linewidth=1.0)
        ax.plot([lo90, hi90], [y, y], color="black", linewidth=2.6)
        ax.plot([est], [y], marker=marker, color="black", markerfacecolor=fill, markersize=5)

    labels, prev = [], None
    for i, (title, key, r) in enumerate(rows):
        y = n_left - i
        draw(ax1, y, r.estimate, r.ci_low, r.ci_high, r.ci90_low, r.ci90_high,
             marker="D" if title.startswith("Pooled") else "o")
        labels.append(title if not key else (f"{title}: {key}" if title != prev else key))
        prev = title
    ax1.set_yticks(range(n_left, 0, -1), labels, fontsize=7)
    ax1.set_ylim(0.5, n_left + 0.5)
    ax1.axvline(0, color="0.6", linewidth=0.8, linestyle=":")
    ax1.set_xlabel("effect (outcome SD units); thick 90%, thin 95% credible interval")
    ax1.set_title(f"{spec_id}: primary model", fontsize=9)

    right = [(v.variant, v.estimate, v.ci_low, v.ci_high, v.ci90_low, v.ci90_high, "o", "black")
             for v in variants.itertuples(index=False)]
    if comparison is not None and not comparison.empty:
        c = comparison.iloc[0]
        right.append((str(c["cs_label"]), c["cs_estimate"], c["cs_ci_low"], c["cs_ci_high"],
                      None, None, "s", "white"))
    for i, (name, est, lo, hi, lo90, hi90, marker, fill) in enumerate(right):
        y = n_right - i
        if marker == "s":
            ax2.plot([lo, hi], [y, y], color="black", linewidth=1.0, linestyle="--")
            ax2.plot([est], [y], marker="s", color="black", markerfacecolor="white", markersize=6)
        else:
            draw(ax2, y, est, lo, hi, lo90, hi90)
    ax2.set_yticks(range(n_right, 0, -1), [r[0] for r in right], fontsize=7)
    ax2.set_ylim(n_right + 0.5 - max(n_left, n_right), n_right + 0.5)
    ax2.axvline(0, color="0.6", linewidth=0.8, linestyle=":")
    ax2.set_xlabel("pooled effect (SD units)")
    ax2.set_title("Pooled effect by model and prior; CS (dashed, 95% CI)", fontsize=9)
    fig.tight_layout()
    return fig


def ppc_figure(y_obs: np.ndarray, y_rep: np.ndarray, fd_obs: np.ndarray, fd_rep: np.ndarray, *,
               spec_id: str, n_lines: int = 40) -> object:
    """Replicated vs observed distribution of the outcome and of within-country year-to-year changes."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, obs, rep, title in ((axes[0], y_obs, y_rep, "(a) standardised outcome"),
                                (axes[1], fd_obs, fd_rep, "(b) within-country year-to-year change")):
        lim = float(np.quantile(np.abs(obs), 0.995)) * 1.3
        bins = np.linspace(-lim, lim, 41)
        step = max(1, rep.shape[0] // n_lines)
        for j, row in enumerate(rep[::step]):
            ax.hist(row, bins=bins, density=True, histtype="step", color="0.7", linewidth=0.5,
                    label="replicated" if j == 0 else None)
        ax.hist(obs, bins=bins, density=True, histtype="step", color="black", linewidth=1.8, label="observed")
        ax.set_title(title, fontsize=9)
        ax.set_ylabel("density")
        ax.legend(frameon=False, fontsize=8)
    fig.suptitle(f"Posterior predictive check, {spec_id} (primary model)", fontsize=10)
    fig.tight_layout()
    return fig
