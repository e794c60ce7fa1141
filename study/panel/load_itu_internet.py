"""Individuals using the Internet (% of population), ITU via WDI/OWID -> ``internet_users``.

* File: ``itu_internet/internet_users_share.csv`` (``Entity, Code, Year, Individuals using the
  Internet (% of population)``), WDI indicator IT.NET.USER.ZS. CRLF line endings; a few values in
  scientific notation (``5.64E-05``), parsed as numbers.
* Entity names were edited by the repository owner ("Ivory Coast", "Swaziland", ...): rows are
  matched on ``Code``; country_converter confirms each name/code pair.
* Aggregates (World, income groups, "South Asia (WB)") are dropped; Kosovo ``OWID_KOS`` -> XKX;
  "Faeroe Islands" (no code) is matched by name to FRO (not in the country universe).
* Zero rule: rows before 1990 (zero-filled rows for 1960, 1965, 1970, 1975-1989 in a few
  countries) are not measurements and are dropped (they are before the panel anyway). From 1990
  on, a 0 is kept as 0 only where it means "no internet yet", i.e. before the country's first
  positive value (ITU reports 0 for countries without measurable use, e.g. North Korea for
  years); a 0 after a positive value would be a fill, not a measurement, and is set to missing.
* Gaps (e.g. Iraq 1996-2000, Sri Lanka 2008-2013, Sudan 2008-2015, Libya 2015-2019) and series
  ending in 2017 or 2021/2022 stay missing; 2023 exists for about 50 countries.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from study.panel.owid import read_owid_grapher
from study.panel.source_table import SourceTable

VALUE = "Individuals using the Internet (% of population)"
FIRST_MEASURED_YEAR = 1990


def zeros_after_first_use(frame: pd.DataFrame, column: str) -> pd.Series:
    """Rows whose value is 0 after a positive value of the same country (fills, not measurements)."""
    ordered = frame.sort_values(["iso3", "year"], kind="mergesort")
    seen_positive = ordered.groupby("iso3")[column].transform(lambda s: (s > 0).cummax().shift(fill_value=False))
    mask = seen_positive.astype(bool) & (ordered[column] == 0)
    return mask.reindex(frame.index)


def load_clean_itu_internet(path: Path | str, first_year: int) -> SourceTable:
    """Internet users (% of population) by ISO3 and year, with the zero rule applied."""
    table = read_owid_grapher(path, VALUE, source="itu_internet", column="internet_users",
                              first_year=first_year, low=0.0, high=100.0)
    frame = table.frame
    frame = frame[frame["year"] >= FIRST_MEASURED_YEAR].copy()
    fills = zeros_after_first_use(frame, "internet_users")
    frame.loc[fills, "internet_users"] = np.nan
    table.notes.append(f"{int(fills.sum())} zero value(s) after a country's first positive value set to missing")
    table.frame = frame.reset_index(drop=True)
    return table
