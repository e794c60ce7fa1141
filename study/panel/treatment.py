"""Merge the campaign treatment table (``data/derived/treatment.parquet``) onto the panel.

The campaign step writes one row per targeted country x year (``[panel].first_year`` ..
``[panel].campaign_window[1]``) with ``cohort_<t>`` for every ``[treatments.<t>]`` (the first
campaign year, 0 = never), ``n_campaigns``, ``n_campaigns_cum`` and the ``first_*`` attributes of
the country's first campaign. Columns named ``cohort_*`` or ``first_*`` are per-country
constants; all others are per-year. In the panel:

* never-targeted countries get cohorts 0, counts 0, empty ``first_*`` strings and NaN for numeric
  ``first_*`` attributes (engagement is unmeasured, not zero);
* in panel years after the table's last year, cohorts and ``first_*`` keep the country's
  constant values, ``n_campaigns_cum`` carries forward and ``n_campaigns`` is 0 (other per-year
  columns: 0 or empty);
* an iso3 that is not in the skeleton, a duplicated key, a year before the panel's first year,
  a per-country column that varies within a country, or a missing column fails with
  :class:`study.errors.DataError` naming the file, the key and the field.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from study.errors import DataError
from study.provenance import record_input

BASE_COLUMNS = ("iso3", "year", "n_campaigns", "n_campaigns_cum", "first_campaign_id", "first_issue_area",
                "first_leadership", "first_leadership_model")


def required_columns(treatments: list[str]) -> tuple[str, ...]:
    return BASE_COLUMNS + tuple(f"cohort_{t}" for t in sorted(treatments))


def is_constant_column(name: str) -> bool:
    return name.startswith("cohort_") or name.startswith("first_")


def read_treatment(path: Path, treatments: list[str], first_year: int) -> pd.DataFrame:
    """The treatment table, checked against the contract."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "treatment table not found: the campaign step writes it "
                              "(`make campaigns`, i.e. `python -m study campaigns`) before the panel step")
    record_input(path)
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(path, f"cannot read Parquet: {exc}") from exc
    for col in required_columns(treatments):
        if col not in table.columns:
            raise DataError(path, "missing column", field=col)
    for col in ("year", "n_campaigns", "n_campaigns_cum", *(c for c in table.columns if c.startswith("cohort_"))):
        if not pd.api.types.is_integer_dtype(table[col]):
            raise DataError(path, f"column must be integer, not {table[col].dtype}", field=col)
    dup = table.duplicated(["iso3", "year"], keep="first")
    if dup.any():
        rec = table[dup].iloc[0]
        raise DataError(path, "duplicated country-year", row=f"iso3={rec['iso3']}, year={rec['year']}",
                        field="year")
    early = table["year"] < first_year
    if early.any():
        rec = table[early].iloc[0]
        raise DataError(path, f"year before the panel's first year {first_year}",
                        row=f"iso3={rec['iso3']}, year={rec['year']}", field="year")
    for col in [c for c in table.columns if is_constant_column(c)]:
        varies = table.groupby("iso3")[col].nunique(dropna=False)
        if (varies > 1).any():
            iso3 = varies[varies > 1].index[0]
            raise DataError(path, "per-country column varies within a country", row=f"iso3={iso3}", field=col)
    return table


def merge_treatment(panel: pd.DataFrame, table: pd.DataFrame, *, path: Path | str) -> pd.DataFrame:
    """Left-join the treatment table onto the panel with the fill rules of the module docstring."""
    unknown = sorted(set(table["iso3"]) - set(panel["iso3"]))
    if unknown:
        rec = table[table["iso3"] == unknown[0]].iloc[0]
        raise DataError(path, f"iso3 '{unknown[0]}' is not in the panel's country universe "
                              f"({len(unknown)} unknown: {', '.join(unknown)})",
                        row=f"iso3={rec['iso3']}, year={rec['year']}", field="iso3")
    constant = [c for c in table.columns if is_constant_column(c)]
    per_year = [c for c in table.columns if c not in constant and c not in ("iso3", "year")]
    constants = table.groupby("iso3", sort=True)[constant].first().reset_index()
    out = panel.merge(table[["iso3", "year", *per_year]], on=["iso3", "year"], how="left", validate="1:1")
    out = out.merge(constants, on="iso3", how="left", validate="m:1")
    out["n_campaigns_cum"] = out.groupby("iso3")["n_campaigns_cum"].ffill()
    for col in [*per_year, *constant]:
        if pd.api.types.is_integer_dtype(table[col]):
            out[col] = out[col].fillna(0).astype("int64")
        elif pd.api.types.is_float_dtype(table[col]):
            out[col] = out[col].astype("float64")  # measured attributes (engagement): NaN stays missing
        else:
            out[col] = out[col].fillna("").astype(str)
    return out
