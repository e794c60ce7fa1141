"""The coverage figure: share of countries missing each variable, by year (PNG and PDF)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def missing_share(panel: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Share of rows missing (NaN) per variable (rows) and year (columns)."""
    return panel[["year", *columns]].set_index("year").isna().groupby(level="year").mean().T.loc[columns]


def coverage_figure(panel: pd.DataFrame, columns: list[str], target: Path | str) -> list[Path]:
    """Heatmap of :func:`missing_share`; writes ``<target>.png`` and ``<target>.pdf`` atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import PowerNorm

    from study.io import save_figure

    share = missing_share(panel, columns)
    years = share.columns.to_numpy()
    fig, ax = plt.subplots(figsize=(max(7.0, 0.28 * len(years) + 3), 0.38 * len(columns) + 1.6))
    # a square-root colour scale keeps small shares (a few countries missing) visible
    image = ax.imshow(share.to_numpy(dtype=float), aspect="auto", cmap="YlOrRd",
                      norm=PowerNorm(gamma=0.5, vmin=0.0, vmax=1.0), interpolation="nearest")
    ax.set_yticks(np.arange(len(columns)), columns)
    step = 5 if len(years) > 12 else 1
    ticks = [i for i, y in enumerate(years) if y % step == 0]
    ax.set_xticks(ticks, [str(years[i]) for i in ticks])
    ax.set_xlabel("year")
    n_countries = panel["iso3"].nunique()
    ax.set_title(f"Panel coverage: share of the {n_countries} countries missing each variable")
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("share missing")
    target = Path(target)
    written = [save_figure(fig, target.with_suffix(".png")), save_figure(fig, target.with_suffix(".pdf"))]
    plt.close(fig)
    return written
