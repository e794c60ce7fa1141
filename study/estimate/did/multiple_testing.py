"""Multiple-testing correction of the confirmatory family (spec ``[multiple_testing]``; plan 6.2).

Holm's step-down adjustment (statsmodels ``multipletests``) of the two-sided p-values of the
Callaway & Sant'Anna primary estimand, primary variant, of every id in the family. The adjusted
p-values are written as rows with estimand ``primary_holm`` (estimate = the primary estimate, p_value =
the adjusted p), so the tables read them from the estimate file like every other number. An id of
the family without an estimate (not estimable) is left out and named in a warning: the family then
holds fewer tests.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

log = logging.getLogger("study")

ESTIMAND = "primary_holm"


def adjusted_rows(tidy: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """``primary_holm`` rows for the family of ``spec["multiple_testing"]`` (empty if none is registered)."""
    from statsmodels.stats.multitest import multipletests

    mt = spec.get("multiple_testing")
    if not mt:
        return tidy.iloc[0:0]
    if mt["method"] != "holm":
        raise ValueError(f"spec: [multiple_testing].method {mt['method']!r} is not supported (holm)")
    rows = tidy[(tidy["estimator"] == "cs") & (tidy["estimand"] == "primary") & (tidy["variant"] == "primary")
                & tidy["spec_id"].isin(mt["family"])]
    missing = sorted(set(mt["family"]) - set(rows["spec_id"]))
    if missing:
        log.warning("multiple testing: no primary estimate for %s; Holm family reduced to %d tests",
                    ", ".join(missing), len(rows))
    if rows.empty:
        return tidy.iloc[0:0]
    adjusted = multipletests(rows["p_value"].astype(float).to_numpy(), method="holm")[1]
    out = rows.assign(estimand=ESTIMAND, p_value=adjusted, ci_low=None, ci_high=None, ci_kind="")
    return out.reset_index(drop=True)
