"""Spillover treatment (H8, plan 6.5): regional exposure of never-targeted countries.

For a country never targeted by any campaign (``cohort_any == 0``), exposure starts in the first
year any country of the same ``region`` was targeted: ``min(cohort_any)`` over the region's
targeted countries (0 = the region has no targeted country: never exposed). The sample is the
never-targeted countries only, so no country's own campaign enters the comparison.
"""

from __future__ import annotations

import pandas as pd

from study.errors import DataError

TREATMENT = "regional_exposure"


def exposure_panel(panel: pd.DataFrame, *, suffix: str = "", source: str = "<panel>") -> pd.DataFrame:
    """Rows of never-targeted countries with ``cohort_regional_exposure<suffix>`` added.

    ``suffix`` selects the campaign definition that exposes a region (``cohort_any<suffix>``, e.g.
    ``_core``); "never targeted" is always ``cohort_any == 0``.
    """
    source_col = f"cohort_any{suffix}"
    for col in ("iso3", "year", "region", "cohort_any", source_col):
        if col not in panel.columns:
            raise DataError(source, "column not found", field=col)
    missing = panel["region"].isna() | (panel["region"].astype(str).str.strip() == "")
    if missing.any():
        r = panel[missing].iloc[0]
        raise DataError(source, "region missing: regional exposure needs every country's region",
                        row=f"iso3={r['iso3']}, year={r['year']}", field="region")
    countries = panel.groupby("iso3").agg(region=("region", "first"), n_regions=("region", "nunique"),
                                          cohort_any=("cohort_any", "first"), source=(source_col, "first"))
    if (countries["n_regions"] > 1).any():
        iso = countries.index[countries["n_regions"] > 1][0]
        raise DataError(source, f"region varies within country {iso}", row=f"iso3={iso}", field="region")
    targeted = countries[countries["source"] > 0]
    first_exposure = targeted.groupby("region")["source"].min()
    never = countries[countries["cohort_any"] == 0]
    cohort = never["region"].map(first_exposure).fillna(0).astype("int64")
    out = panel[panel["iso3"].isin(never.index)].copy()
    out[f"cohort_{TREATMENT}{suffix}"] = out["iso3"].map(cohort).astype("int64")
    return out.reset_index(drop=True)
