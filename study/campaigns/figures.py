"""Campaign figures: the timeline of campaign starts by region and issue area, and the table of
targeted countries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from study import io
from study.campaigns import schema

# Ten distinguishable marker shapes so the figure reads in grayscale.
_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "<", ">", "*")


def timeline_figure(campaigns: pd.DataFrame, targets: Path) -> None:
    """Campaign starts over time: one row per region, marker shape = issue area."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    regions = sorted(campaigns["region"].unique())
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(regions) + 2.2))
    offsets = {area: (k - 4.5) * 0.06 for k, area in enumerate(schema.ISSUE_AREAS)}
    for k, area in enumerate(schema.ISSUE_AREAS):
        sub = campaigns[campaigns["issue_area"] == area]
        if sub.empty:
            continue
        x = sub["start_year"] + (sub["start_month"].fillna(7).astype(float) - 0.5) / 12
        y = sub["region"].map({r: i for i, r in enumerate(regions)}) + offsets[area]
        ax.scatter(x, y, marker=_MARKERS[k], s=34, facecolors="none" if k % 2 else "0.25",
                   edgecolors="black", linewidths=0.8, label=schema.ISSUE_AREA_LABELS[area])
    ax.set_yticks(range(len(regions)), regions)
    ax.set_xlabel("Campaign start (year)")
    ax.grid(axis="x", color="0.85", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=7.5, frameon=False)
    ax.set_title(f"{campaigns['id'].nunique()} campaigns, {len(campaigns)} campaign-target rows")
    for suffix in (".png", ".pdf"):
        io.save_figure(fig, targets.with_suffix(suffix))
    plt.close(fig)


def targets_table(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Targeted countries: campaigns, first start, issue areas, outcomes (sorted by region, country)."""
    grouped = campaigns.groupby(["region", "target_iso3"], sort=True)
    return pd.DataFrame({
        "campaigns": grouped["id"].nunique(),
        "first_start": grouped["start_year"].min(),
        "issue_areas": grouped["issue_area"].agg(lambda s: "; ".join(sorted(set(s)))),
        "outcomes": grouped["outcome"].agg(lambda s: "; ".join(f"{k} {v}" for k, v in sorted(s.value_counts().items()))),
    }).reset_index()
