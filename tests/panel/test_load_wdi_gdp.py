"""WDI GDP OWID export: placeholder rows and entities, aggregates, positivity (SYNTHETIC fixture)."""

from __future__ import annotations

import pytest

from study.errors import DataError
from study.panel.load_wdi_gdp import VALUE, load_clean_wdi_gdp

HEADER = f'Entity,Code,Year,"{VALUE}",World regions according to OWID'


def test_placeholders_and_aggregates(tmp_path):
    path = tmp_path / "gdp.csv"
    path.write_text("\n".join([HEADER, "France,FRA,2000,40000.5,", "France,FRA,2023,,Europe",
                               "Cuba,CUB,2023,,North America", "High-income countries,,2000,50000,",
                               "Faeroe Islands,,2010,60000,"]))
    table = load_clean_wdi_gdp(path, 1995)
    got = {(r.iso3, r.year): r.gdp_pc for r in table.frame.itertuples()}
    assert got == {("FRA", 2000): 40000.5, ("FRO", 2010): 60000.0}
    reasons = {d["name"]: d["reason"] for d in table.dropped}
    assert "placeholder" in reasons["Cuba"] and "aggregate" in reasons["High-income countries"]


def test_non_positive_gdp_fails(tmp_path):
    path = tmp_path / "gdp.csv"
    path.write_text("\n".join([HEADER, "France,FRA,2000,40000.5,", "France,FRA,2001,-3,"]))
    with pytest.raises(DataError) as err:
        load_clean_wdi_gdp(path, 1995)
    assert (err.value.row, err.value.field) == (2, VALUE)
