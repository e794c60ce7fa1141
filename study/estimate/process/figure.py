"""Figure: per campaign, documented engagement (x) against the estimated effect on the outcome (y).

Grayscale-safe: leadership models differ by marker (filled circle: advocacy network; open square:
epistemic community or mixed; cross: unclear). Countries whose first campaign has no documented
engagement are drawn in a separate strip at the left, so that they are seen, not dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from study import io

MARKERS = {
    "advocacy_network": ("o", "black", "Advocacy network"),
    "epistemic_community": ("s", "white", "Epistemic community or mixed"),
    "mixed": ("s", "white", "Epistemic community or mixed"),
}
OTHER = ("X", "0.5", "Unclear")
UNDOCUMENTED_X = -0.12


def process_figure(effects: pd.DataFrame, corr: dict[str, float], *, z: float, title: str,
                   target: Path) -> list[Path]:
    """Write ``target``.png and .pdf (error bars: effect +- ``z`` SE); returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.4, 4.6))
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    ax.axvline(UNDOCUMENTED_X / 2, color="0.7", linewidth=0.8, linestyle=":")
    rng = np.random.default_rng(0)  # fixed jitter for the undocumented strip: byte-identical figures
    x = effects["engagement"].to_numpy(dtype=float)
    undocumented = ~np.isfinite(x)
    x = np.where(undocumented, UNDOCUMENTED_X + rng.uniform(-0.03, 0.03, len(x)), x)
    y, se = effects["effect"].to_numpy(dtype=float), effects["se"].to_numpy(dtype=float)
    ax.errorbar(x, y, yerr=z * se, fmt="none", ecolor="0.7", elinewidth=0.7, capsize=0)
    seen = set()
    for model in effects["leadership_model"].fillna("unclear").unique():
        marker, face, label = MARKERS.get(model, OTHER)
        rows = (effects["leadership_model"].fillna("unclear") == model).to_numpy()
        ax.plot(x[rows], y[rows], linestyle="none", marker=marker, markerfacecolor=face, markeredgecolor="black",
                markersize=5.5, label=None if label in seen else label)
        seen.add(label)
    for xi, yi, cid, undoc in zip(x, y, effects["campaign_id"], undocumented):
        if not undoc:
            ax.annotate(str(cid), (xi, yi), textcoords="offset points", xytext=(3, 3), fontsize=6, color="0.3")
    ax.set_xlim(UNDOCUMENTED_X - 0.06, 1.04)
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
    ax.set_xticks([UNDOCUMENTED_X, *ticks], ["none\ndocumented", *(f"{t:g}" for t in ticks)], fontsize=8)
    ax.set_xlabel("Documented engagement of the first campaign (percentile rank within each measure, best measure)")
    ax.set_ylabel("Effect, mean over event times 0-3\n(imputation; bars: 95%, imputation error only)", fontsize=8)
    rho = "n/a" if not np.isfinite(corr["rho"]) else f"{corr['rho']:.2f} (p = {corr['p']:.2f}, n = {corr['n']})"
    ax.set_title(f"{title}\nSpearman rank correlation, documented campaigns: {rho}", fontsize=9)
    ax.legend(fontsize=7.5, frameon=False, loc="best")
    ax.grid(axis="y", color="0.9", linewidth=0.6)
    fig.tight_layout()
    target = Path(target)
    paths = [io.save_figure(fig, target.with_suffix(ext)) for ext in (".png", ".pdf")]
    plt.close(fig)
    return paths
