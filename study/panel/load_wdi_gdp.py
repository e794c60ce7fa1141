"""World Bank WDI GDP per capita, PPP (constant 2021 international $), OWID export -> ``gdp_pc``.

* File: ``wdi_gdp/gdp_per_capita_ppp.csv`` (``Entity, Code, Year, GDP per capita, PPP (constant
  2021 international $), World regions according to OWID``); indicator NY.GDP.PCAP.PP.KD.
* Placeholder rows (each entity's 2023 row carrying only its OWID region, and entities without any
  GDP data: historical states, Cuba, North Korea, Eritrea, Venezuela, South Sudan, Taiwan, ...)
  have an empty value and are dropped; such countries have ``gdp_pc`` missing.
* Aggregates (World Bank regions "(WB)", income groups, "European Union (27)", "World" =
  OWID_WRL) are dropped; Kosovo ``OWID_KOS`` -> XKX; "Faeroe Islands" (empty code) is matched by
  name to FRO (not in the country universe).
* Values cover 1990-2023; several series start later (Serbia 1995, Montenegro 1997, Kosovo 2008,
  Djibouti 2013). ``log_gdp_pc`` is the natural log. The OWID region column is not used.
"""

from __future__ import annotations

from pathlib import Path

from study.panel.owid import read_owid_grapher
from study.panel.source_table import SourceTable

VALUE = "GDP per capita, PPP (constant 2021 international $)"


def load_clean_wdi_gdp(path: Path | str, first_year: int) -> SourceTable:
    """GDP per capita (PPP, constant 2021 international $) by ISO3 and year; must be > 0."""
    return read_owid_grapher(path, VALUE, source="wdi_gdp", column="gdp_pc", first_year=first_year,
                             low=1e-9, high=None)
