"""World Bank population (SP.POP.TOTL), as shipped by great_tables (``countrypops``) -> ``pop``.

* File: ``wb_population/01-countrypops.csv`` (``country_name, country_code_2, country_code_3,
  year, population``), 215 countries, 1960-2022; population at mid-year, all residents.
* Matched on ``country_code_3`` (all valid ISO3 codes; names confirmed by country_converter).
  No aggregates. Kosovo and Taiwan are not in the file: ``pop`` is missing for them.
* An empty population means the entity did not exist that year (Palestine 1960-1989): dropped.
* ``log_pop`` is the natural log. Years after 2022 are missing.
"""

from __future__ import annotations

from pathlib import Path

from study.panel.countries import harmonise
from study.panel.raw_csv import check_unique_key, parse_numbers, parse_years, read_raw_csv
from study.panel.source_table import SourceTable

NAME, ISO2, ISO3, YEAR, VALUE = "country_name", "country_code_2", "country_code_3", "year", "population"


def load_clean_wb_population(path: Path | str, first_year: int) -> SourceTable:
    """Total population by ISO3 and year (> 0)."""
    path = Path(path)
    raw = read_raw_csv(path, (NAME, ISO2, ISO3, YEAR, VALUE))
    raw["year"] = parse_years(raw, YEAR, path)
    data = raw[raw[VALUE] != ""].copy()
    harmonised = harmonise(data, file=path, source="wb_population", name_col=NAME, code_col=ISO3,
                           year_col="year", first_year=first_year)
    frame = harmonised.frame
    frame["pop"] = parse_numbers(frame, VALUE, path, low=1.0)
    check_unique_key(frame, ["iso3", "year"], path, field=YEAR)
    tidy = frame.rename(columns={NAME: "_name"})[["_row", "_name", "iso3", "year", "pop"]]
    return SourceTable(name="wb_population", file=str(path), frame=tidy.reset_index(drop=True), columns=("pop",),
                       last_year=int(data["year"].max()), dropped=harmonised.dropped, recoded=harmonised.recoded)
