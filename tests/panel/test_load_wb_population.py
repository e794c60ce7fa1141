"""World Bank population (great_tables countrypops): empty years dropped, codes checked (SYNTHETIC fixture)."""

from __future__ import annotations

import pytest

from study.errors import DataError
from study.panel.load_wb_population import load_clean_wb_population

HEADER = "country_name,country_code_2,country_code_3,year,population"


def test_empty_population_means_no_entity(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("\n".join([HEADER, "Palestine,PS,PSE,1989,", "Palestine,PS,PSE,1990,2000000",
                               "Aruba,AW,ABW,2000,90000", ""]))
    table = load_clean_wb_population(path, 1995)
    assert {(r.iso3, r.year): r.pop for r in table.frame.itertuples()} == {("PSE", 1990): 2e6, ("ABW", 2000): 9e4}


def test_zero_population_fails(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("\n".join([HEADER, "Aruba,AW,ABW,2000,0"]))
    with pytest.raises(DataError) as err:
        load_clean_wb_population(path, 1995)
    assert (err.value.row, err.value.field) == (1, "population")
