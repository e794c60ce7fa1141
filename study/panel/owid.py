"""Reader for Our World in Data grapher exports (``Entity, Code, Year, <value>[, ...]``).

Shared by the Fariss, WDI GDP, ITU internet and (OWID-format) V-Dem loaders: rows with an empty
value are OWID placeholders and are dropped (entities with only placeholders are reported);
names and codes are harmonised by :func:`study.panel.countries.harmonise`; values are parsed as
plain or scientific-notation numbers; ``(iso3, year)`` must be unique after harmonisation.
"""

from __future__ import annotations

from pathlib import Path


from study.errors import DataError
from study.panel.countries import harmonise
from study.panel.raw_csv import check_unique_key, parse_numbers, parse_years, read_raw_csv
from study.panel.source_table import SourceTable

ENTITY, CODE, YEAR = "Entity", "Code", "Year"


def read_owid_grapher(path: Path | str, value_column: str, *, source: str, column: str, first_year: int,
                      low: float | None = None, high: float | None = None) -> SourceTable:
    """One OWID grapher CSV as a :class:`SourceTable` with the value renamed to ``column``."""
    path = Path(path)
    raw = read_raw_csv(path, (ENTITY, CODE, YEAR, value_column))
    raw["year"] = parse_years(raw, YEAR, path)
    has_value = raw[value_column] != ""
    dropped = []
    for (name, code), rows in raw.groupby([ENTITY, CODE], sort=True):
        if not has_value[rows.index].any():
            dropped.append({"source": source, "file": str(path), "name": name, "code": code,
                            "rows": len(rows), "first_year": int(rows["year"].min()),
                            "last_year": int(rows["year"].max()), "decision": "dropped",
                            "reason": "OWID placeholder only: no value in the file"})
    data = raw[has_value].copy()
    if data.empty:
        raise DataError(path, "no row has a value", field=value_column)
    harmonised = harmonise(data, file=path, source=source, name_col=ENTITY, code_col=CODE, year_col="year",
                           first_year=first_year)
    frame = harmonised.frame
    frame[column] = parse_numbers(frame, value_column, path, low=low, high=high)
    check_unique_key(frame, ["iso3", "year"], path, field=YEAR)
    tidy = frame.rename(columns={ENTITY: "_name"})[["_row", "_name", "iso3", "year", column]]
    return SourceTable(name=source, file=str(path), frame=tidy.reset_index(drop=True), columns=(column,),
                       last_year=int(data["year"].max()), dropped=dropped + harmonised.dropped,
                       recoded=harmonised.recoded)
