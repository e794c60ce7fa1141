"""V-Dem country-year indices -> ``civil_liberties``, ``physical_violence``, ``free_expression``,
``polyarchy``, ``regime`` (see :data:`study.panel.variables.VDEM_COLUMNS`).

Two file layouts are read, chosen by the header:

* an Our World in Data grapher export (``Entity, Code, Year, <value>``; one V-Dem variable per
  file; the manifest resource's ``variables`` maps the V-Dem name to the value column, e.g.
  ``{"v2x_civlib": "Civil liberties index (best estimate)"}``), read by
  :func:`study.panel.owid.read_owid_grapher` (placeholders dropped, OWID codes and aggregates
  handled as for every OWID file);
* a wide V-Dem extract (``country_name, country_text_id, year, v2x_...``), matched on
  ``country_text_id`` (V-Dem's codes are ISO3 except for its sub-national and historical units;
  see :data:`study.panel.countries.CODE_DECISIONS`).

Values are V-Dem's point estimates (the posterior median for the indices); the 0-1 indices must
lie in [0, 1] and the Regimes of the World category in {0, 1, 2, 3}. Years after the last year a
V-Dem file covers are missing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from study.errors import DataError
from study.panel.countries import harmonise
from study.panel.owid import read_owid_grapher
from study.panel.raw_csv import check_unique_key, parse_numbers, parse_years, read_raw_csv
from study.panel.source_table import SourceTable
from study.panel.variables import VDEM_COLUMNS, by_name

WIDE_KEYS = ("country_name", "country_text_id", "year")


def _range(column: str) -> tuple[float | None, float | None]:
    var = by_name()[column]
    return var.low, var.high


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [c.strip().strip('"') for c in fh.readline().rstrip("\r\n").split(",")]


def read_vdem_wide(path: Path, variables: dict[str, str], first_year: int) -> SourceTable:
    raw = read_raw_csv(path, (*WIDE_KEYS, *variables.values()))
    raw["_y"] = parse_years(raw, "year", path)
    harmonised = harmonise(raw, file=path, source="vdem", name_col="country_name", code_col="country_text_id",
                           year_col="_y", first_year=first_year)
    frame = harmonised.frame
    out = frame[["_row", "country_name", "iso3", "_y"]].rename(columns={"country_name": "_name", "_y": "year"})
    for var, col in variables.items():
        target = VDEM_COLUMNS[var]
        present = frame[col] != ""
        values = pd.Series(float("nan"), index=frame.index)
        lo, hi = _range(target)
        values[present] = parse_numbers(frame[present], col, path, low=lo, high=hi)
        out[target] = values
    check_unique_key(out, ["iso3", "year"], path, field="year")
    return SourceTable(name="vdem", file=str(path), frame=out.reset_index(drop=True),
                       columns=tuple(VDEM_COLUMNS[v] for v in variables), last_year=int(raw["_y"].max()),
                       dropped=harmonised.dropped, recoded=harmonised.recoded)


def read_vdem_file(path: Path | str, variables: dict[str, str], first_year: int) -> SourceTable:
    """One V-Dem file (OWID or wide layout) with the variables the manifest says it holds."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    unknown = sorted(set(variables) - set(VDEM_COLUMNS))
    if unknown:
        raise DataError(path, f"V-Dem variable '{unknown[0]}' is not used by the panel "
                              f"(known: {', '.join(sorted(VDEM_COLUMNS))})", field="variables")
    header = _header(path)
    if "country_text_id" in header:
        return read_vdem_wide(path, variables, first_year)
    if len(variables) != 1:
        raise DataError(path, "an OWID grapher file holds exactly one variable", field="variables")
    (var, col), = variables.items()
    lo, hi = _range(VDEM_COLUMNS[var])
    return read_owid_grapher(path, col, source="vdem", column=VDEM_COLUMNS[var], first_year=first_year,
                             low=lo, high=hi)


def load_clean_vdem(files: list[tuple[Path, dict[str, str]]], first_year: int) -> SourceTable:
    """All V-Dem files merged on (iso3, year) (outer join: a country-year present in any file)."""
    if not files:
        raise DataError("data/raw/vdem", "no V-Dem file given")
    tables = [read_vdem_file(path, variables, first_year) for path, variables in files]
    seen: dict[str, str] = {}
    for table in tables:
        for col in table.columns:
            if col in seen:
                raise DataError(table.file, f"column '{col}' also comes from {seen[col]}", field=col)
            seen[col] = table.file
    merged = None
    for table in tables:
        part = table.frame[["iso3", "year", "_name", *table.columns]]
        if merged is None:
            merged = part
        else:
            merged = merged.merge(part, on=["iso3", "year"], how="outer", validate="1:1", suffixes=("", "_other"))
            merged["_name"] = merged["_name"].fillna(merged.pop("_name_other"))
    merged = merged.sort_values(["iso3", "year"], kind="mergesort").reset_index(drop=True)
    return SourceTable(name="vdem", file=str(Path(tables[0].file).parent), frame=merged,
                       columns=tuple(seen), last_year=max(t.last_year for t in tables),
                       dropped=[d for t in tables for d in t.dropped],
                       recoded=[r for t in tables for r in t.recoded])
