"""Strict reading of a raw source CSV: every problem names the file, the data row and the field.

Rows are numbered as a spreadsheet user counts data rows: 1 = the first row after the header
(kept in the ``_row`` column through every later filter).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from study.errors import DataError
from study.provenance import record_input

# No source has data before 1789 (V-Dem's first year); a year after 2030 can only be a typo (the latest data year
# in any source is 2024).
POSSIBLE_YEARS = (1700, 2030)


def read_raw_csv(path: Path | str, required: tuple[str, ...]) -> pd.DataFrame:
    """All cells as stripped strings (no NA guessing), with ``_row``; fails on a missing column."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    record_input(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(path, f"cannot parse CSV: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(path, f"missing column (found: {', '.join(frame.columns)})", field=missing[0])
    if frame.empty:
        raise DataError(path, "no data rows")
    frame = frame.apply(lambda col: col.str.strip())
    frame.insert(0, "_row", range(1, len(frame) + 1))
    return frame


def parse_years(frame: pd.DataFrame, col: str, path: Path | str) -> pd.Series:
    """The year column as int64; an empty, non-integer or impossible year fails."""
    text = frame[col]
    bad = ~text.str.fullmatch(r"-?\d{1,4}")
    if bad.any():
        row = frame.loc[bad, "_row"].iloc[0]
        raise DataError(path, f"year '{text[bad].iloc[0]}' is not an integer", row=int(row), field=col)
    years = text.astype("int64")
    lo, hi = POSSIBLE_YEARS
    out = (years < lo) | (years > hi)
    if out.any():
        row = frame.loc[out, "_row"].iloc[0]
        raise DataError(path, f"impossible year {years[out].iloc[0]} (outside {lo}-{hi})", row=int(row), field=col)
    return years


def parse_numbers(frame: pd.DataFrame, col: str, path: Path | str, *, low: float | None = None,
                  high: float | None = None) -> pd.Series:
    """A numeric column as float64 (plain or scientific notation); empty cells fail (drop them first)."""
    values = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    bad = ~np.isfinite(values)
    if bad.any():
        row = frame.loc[bad, "_row"].iloc[0]
        raise DataError(path, f"'{frame.loc[bad, col].iloc[0]}' is not a number", row=int(row), field=col)
    if low is not None or high is not None:
        lo = -float("inf") if low is None else low
        hi = float("inf") if high is None else high
        out = (values < lo) | (values > hi)
        if out.any():
            row = frame.loc[out, "_row"].iloc[0]
            raise DataError(path, f"value {values[out].iloc[0]} outside the possible range [{lo}, {hi}]",
                            row=int(row), field=col)
    return values.astype("float64")


def check_unique_key(frame: pd.DataFrame, keys: list[str], path: Path | str, *, field: str,
                     what: str = "country-year") -> None:
    """Fail on the first duplicated key, naming both rows."""
    dup = frame.duplicated(keys, keep="first")
    if dup.any():
        second = frame[dup].iloc[0]
        same = (frame[keys] == second[keys]).all(axis=1)
        first_row = int(frame.loc[same, "_row"].min())
        key = ", ".join(f"{k}={second[k]}" for k in keys)
        raise DataError(path, f"duplicated {what} ({key}); first on row {first_row}",
                        row=int(second["_row"]), field=field)
