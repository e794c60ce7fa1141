"""The panel's pandera schema: unique (iso3, year), year range, value ranges and dtypes.

Value columns are float64 with NaN for missing (``treaty_ratifications`` holds whole numbers);
treatment columns are int64 (``cohort_*``: 0 or a year in the campaign window), strings, or
``first_engagement*`` (float64, NaN where the first campaign's engagement is unmeasured).
A failure raises :class:`study.errors.DataError` naming the key and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from study.errors import DataError
from study.panel.regions import REGIONS
from study.panel.variables import VALUES


def panel_schema(first_year: int, last_year: int, campaign_window: tuple[int, int]):
    import pandera.pandas as pa

    columns = {
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=False),
        "year": pa.Column("int64", pa.Check.in_range(first_year, last_year), nullable=False),
        "country": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
        "region": pa.Column(str, pa.Check.isin(list(REGIONS)), nullable=False),
    }
    for var in VALUES:
        checks = []
        if var.low is not None or var.high is not None:
            checks.append(pa.Check.in_range(min_value=var.low if var.low is not None else -float("inf"),
                                            max_value=var.high if var.high is not None else float("inf")))
        if var.name == "treaty_ratifications":
            checks.append(pa.Check(lambda s: (s.dropna() % 1 == 0), element_wise=False,
                                   error="not a whole number"))
        columns[var.name] = pa.Column("float64", checks, nullable=True)
    cohort_years = [0, *range(campaign_window[0], campaign_window[1] + 1)]
    columns[r"^cohort_.+$"] = pa.Column("int64", pa.Check.isin(cohort_years), nullable=False, regex=True)
    columns["n_campaigns"] = pa.Column("int64", pa.Check.ge(0), nullable=False)
    columns["n_campaigns_cum"] = pa.Column("int64", pa.Check.ge(0), nullable=False)
    columns[r"^first_(?!engagement).+$"] = pa.Column(str, nullable=False, regex=True)
    # engagement of the first campaign: missing where the campaign's process indicators are unmeasured
    columns[r"^first_engagement.*$"] = pa.Column("float64", pa.Check.ge(0), nullable=True, regex=True,
                                                  required=False)
    return pa.DataFrameSchema(columns, unique=["iso3", "year"], strict=False, ordered=False,
                              name="panel")


def validate_panel(panel: pd.DataFrame, *, first_year: int, last_year: int,
                   campaign_window: tuple[int, int], file: Path | str) -> pd.DataFrame:
    """Validate; on failure name the first failing key and column."""
    import pandera.errors

    dup = panel.duplicated(["iso3", "year"])
    if dup.any():
        rec = panel[dup].iloc[0]
        raise DataError(file, "duplicated key", row=f"iso3={rec['iso3']}, year={rec['year']}", field="year")
    try:
        return panel_schema(first_year, last_year, campaign_window).validate(panel, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        first = cases.iloc[0]
        idx = first.get("index")
        if idx is not None and not pd.isna(idx) and idx in panel.index:
            row = f"iso3={panel.at[idx, 'iso3']}, year={panel.at[idx, 'year']}"
        else:
            row = None
        raise DataError(file, f"schema check '{first['check']}' failed (value {first['failure_case']!r}; "
                              f"{len(cases)} failure(s) in all)", row=row, field=str(first["column"])) from exc
