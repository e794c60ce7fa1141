"""Goodman-Bacon (2021) decomposition of the TWFE coefficient into 2x2 DiD comparisons.

Engine: ``diff_diff.BaconDecomposition`` (exact weights). Needs a balanced panel. Validated by the
exact identity: the weighted sum of the 2x2 estimates equals the TWFE coefficient.
"""

from __future__ import annotations

import pandas as pd

from study.errors import DataError
from study.estimate.did.data import DidPanel

COMPARISON_TYPES = ("treated_vs_never", "earlier_vs_later", "later_vs_earlier")


def bacon_decomposition(panel: DidPanel) -> dict:
    """Weights and average 2x2 estimates by comparison type, every 2x2 comparison, and TWFE."""
    from diff_diff import BaconDecomposition

    if not panel.balanced:
        raise DataError(panel.source, "the Goodman-Bacon decomposition needs a balanced panel")
    res = BaconDecomposition(weights="exact").fit(panel.data, outcome="outcome", unit="unit",
                                                  time="time", first_treat="cohort")
    by_type = {
        "treated_vs_never": (res.total_weight_treated_vs_never, res.weighted_avg_treated_vs_never),
        "earlier_vs_later": (res.total_weight_earlier_vs_later, res.weighted_avg_earlier_vs_later),
        "later_vs_earlier": (res.total_weight_later_vs_earlier, res.weighted_avg_later_vs_earlier),
    }
    comparisons: pd.DataFrame = res.to_dataframe()
    return {
        "twfe": float(res.twfe_estimate),
        "by_type": {k: {"weight": float(w), "estimate": (float(e) if e is not None else None)}
                    for k, (w, e) in by_type.items()},
        "comparisons": comparisons,
        "decomposition_error": float(res.decomposition_error),
    }
