"""Event-study figure of one registered id: CS dynamic effects with uniform bands, SA and imputation.

Reads tidy estimate rows (never re-fits). Grayscale-safe: estimators differ by marker shape and
fill (filled circle, open square, open triangle) and by horizontal offset, not by colour alone;
the CS uniform band is a shaded region, the others have pointwise 95% error bars.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from study import io

STYLE = {
    "cs": {"label": "Callaway & Sant'Anna (uniform 95% band)", "marker": "o", "face": "black", "offset": 0.0},
    "sun_abraham": {"label": "Sun & Abraham (pointwise 95%)", "marker": "s", "face": "white", "offset": -0.22},
    "imputation": {"label": "Imputation, BJS (pointwise 95%)", "marker": "^", "face": "white", "offset": 0.22},
}


def _series(rows: pd.DataFrame, estimator: str) -> pd.DataFrame:
    estimand = "dynamic" if estimator == "cs" else "event_time"
    s = rows[(rows.estimator == estimator) & (rows.estimand == estimand) & (rows.key != "")].copy()
    s["e"] = s["key"].astype(int)
    return s.sort_values("e")


def event_study_figure(rows: pd.DataFrame, *, title: str, target: Path) -> list[Path]:
    """Write ``target``.png and .pdf; returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    ax.axvline(-0.5, color="0.4", linewidth=0.8, linestyle=":")
    for estimator, st in STYLE.items():
        s = _series(rows, estimator)
        if s.empty:
            continue
        x = s["e"] + st["offset"]
        if estimator == "cs":
            ax.fill_between(s["e"], s["ci_low"], s["ci_high"], color="0.82", step=None, linewidth=0,
                            label="CS uniform 95% band")
            ax.plot(x, s["estimate"], color="black", linewidth=1.0)
        else:
            ax.errorbar(x, s["estimate"], yerr=[s["estimate"] - s["ci_low"], s["ci_high"] - s["estimate"]],
                        fmt="none", ecolor="0.35", elinewidth=0.9, capsize=2)
        ax.plot(x, s["estimate"], linestyle="none", marker=st["marker"], markerfacecolor=st["face"],
                markeredgecolor="black", markersize=5.5, label=st["label"])
    ax.set_xlabel("Years since first campaign (event time e; e = -1 is the last pre-campaign year)")
    ax.set_ylabel("Effect on outcome")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7.5, frameon=False, loc="best")
    ax.grid(axis="y", color="0.9", linewidth=0.6)
    fig.tight_layout()
    target = Path(target)
    written = [io.save_figure(fig, target.with_suffix(".png")), io.save_figure(fig, target.with_suffix(".pdf"))]
    plt.close(fig)
    return written
