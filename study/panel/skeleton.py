"""The (iso3, year) skeleton, built first; every source is left-joined onto it.

Country universe: every ISO 3166-1 alpha-3 state or territory that an *outcome* source covers
in the panel years: the Fariss latent scores (rows from ``[panel].first_year`` on), V-Dem (same)
and the UN treaty files (the 193 UN member states). Covariate sources (GDP, internet,
population) never add a country; their entities outside the universe (e.g. Aruba, Greenland)
are reported in the unmatched-names file. Aggregates and historical states never enter.

Years: ``[panel].first_year`` to the last year any outcome source covers (``[panel].last_year =
"latest"``), for every country (a rectangular panel): years before a state existed or after a
source ends are missing, never filled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from study.panel.countries import short_name
from study.panel.regions import region_of
from study.panel.source_table import SourceTable

OUTSIDE_UNIVERSE = ("not in the country universe: no outcome source (Fariss, V-Dem, UN treaty files) "
                    "covers it in the panel years")


def country_universe(outcome_tables: list[SourceTable], first_year: int) -> pd.DataFrame:
    """``iso3`` and the outcome ``sources`` covering it (comma-separated), sorted by iso3."""
    covered: dict[str, set[str]] = {}
    for table in outcome_tables:
        in_years = table.frame.loc[table.frame["year"] >= first_year, "iso3"]
        for iso3 in in_years.unique():
            covered.setdefault(str(iso3), set()).add(table.name)
    return pd.DataFrame({"iso3": sorted(covered),
                         "sources": [", ".join(sorted(covered[c])) for c in sorted(covered)]})


def panel_skeleton(universe: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """One row per (iso3, year) with ``country`` and ``region``, sorted by key."""
    countries = universe["iso3"].to_numpy()
    years = np.arange(first_year, last_year + 1, dtype="int64")
    frame = pd.DataFrame({"iso3": np.repeat(countries, len(years)), "year": np.tile(years, len(countries))})
    names = {c: short_name(c) for c in countries}
    regions = {c: region_of(c) for c in countries}
    frame["country"] = frame["iso3"].map(names)
    frame["region"] = frame["iso3"].map(regions)
    frame["year"] = frame["year"].astype("int64")
    return frame


def fit_to_skeleton(table: SourceTable, skeleton: pd.DataFrame) -> pd.DataFrame:
    """The source's key and panel columns restricted to the skeleton's countries and years.

    Entities outside the country universe are appended to ``table.dropped`` with the reason.
    """
    frame = table.frame
    inside = frame["iso3"].isin(set(skeleton["iso3"]))
    outside = frame[~inside]
    if len(outside):
        name_col = "_name" if "_name" in outside.columns else "iso3"
        for (iso3, name), rows in outside.groupby(["iso3", name_col], sort=True):
            table.dropped.append({"source": table.name, "file": table.file, "name": name, "code": iso3,
                                  "iso3": iso3, "rows": len(rows), "first_year": int(rows["year"].min()),
                                  "last_year": int(rows["year"].max()), "decision": "dropped",
                                  "reason": OUTSIDE_UNIVERSE})
    years = skeleton["year"]
    kept = frame[inside & frame["year"].between(years.min(), years.max())]
    return kept[["iso3", "year", *table.columns]].reset_index(drop=True)
