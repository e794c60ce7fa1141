"""V-Dem loader for both layouts: OWID grapher files and a wide V-Dem extract (SYNTHETIC fixtures)."""

from __future__ import annotations

import math

import pytest

from study.errors import DataError
from study.panel.load_vdem import load_clean_vdem


def test_owid_files_are_merged_per_variable(tmp_path):
    civ = tmp_path / "civil-liberties.csv"
    civ.write_text("Entity,Code,Year,Civil liberties index (best estimate)\n"
                   "France,FRA,2000,0.9\nFrance,FRA,2001,0.91\nKosovo,OWID_KOS,2010,0.6\nAfrica,,2000,0.5\n")
    regime = tmp_path / "political-regime.csv"
    regime.write_text("Entity,Code,Year,regime_row_owid\n"
                      "France,FRA,2001,3\nFrance,FRA,2002,2\n")
    table = load_clean_vdem([(civ, {"v2x_civlib": "Civil liberties index (best estimate)"}),
                             (regime, {"v2x_regime": "regime_row_owid"})], 1995)
    frame = table.frame.set_index(["iso3", "year"])
    assert table.columns == ("civil_liberties", "regime")
    assert frame.loc[("FRA", 2000), "civil_liberties"] == 0.9 and math.isnan(frame.loc[("FRA", 2000), "regime"])
    assert frame.loc[("FRA", 2002), "regime"] == 2 and frame.loc[("XKX", 2010), "civil_liberties"] == 0.6
    assert [d["name"] for d in table.dropped] == ["Africa"]
    assert table.last_year == 2010


def test_wide_extract(tmp_path):
    path = tmp_path / "vdem.csv"
    path.write_text("country_name,country_text_id,year,v2x_civlib,v2x_polyarchy\n"
                    "France,FRA,2019,0.95,0.88\nFrance,FRA,2020,,0.87\nMexico,MEX,2020,0.6,0.65\n")
    table = load_clean_vdem([(path, {"v2x_civlib": "v2x_civlib", "v2x_polyarchy": "v2x_polyarchy"})], 1995)
    frame = table.frame.set_index(["iso3", "year"])
    assert frame.loc[("MEX", 2020), "polyarchy"] == 0.65 and math.isnan(frame.loc[("FRA", 2020), "civil_liberties"])


def test_index_outside_zero_one_fails(tmp_path):
    path = tmp_path / "civ.csv"
    path.write_text("Entity,Code,Year,value\nFrance,FRA,2000,0.9\nFrance,FRA,2001,1.3\n")
    with pytest.raises(DataError) as err:
        load_clean_vdem([(path, {"v2x_civlib": "value"})], 1995)
    assert (err.value.row, err.value.field) == (2, "value")


def test_same_variable_twice_fails(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        p.write_text("Entity,Code,Year,value\nFrance,FRA,2000,0.9\n")
    with pytest.raises(DataError, match="also comes from"):
        load_clean_vdem([(a, {"v2x_civlib": "value"}), (b, {"v2x_civlib": "value"})], 1995)


def test_unknown_variable_fails(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Entity,Code,Year,value\nFrance,FRA,2000,0.9\n")
    with pytest.raises(DataError, match="not used by the panel"):
        load_clean_vdem([(path, {"v2x_nonsense": "value"})], 1995)


def test_vdem_units_without_iso3_are_dropped_with_reason(tmp_path):
    path = tmp_path / "vdem.csv"
    path.write_text("country_name,country_text_id,year,v2x_civlib\n"
                    "Palestine/West Bank,PSE,2010,0.4\nPalestine/Gaza,PSG,2010,0.2\nSomaliland,SML,2010,0.5\n"
                    "Zanzibar,ZZB,2010,0.5\nSomalia,SOM,2010,0.3\n")
    table = load_clean_vdem([(path, {"v2x_civlib": "v2x_civlib"})], 1995)
    assert sorted(table.frame["iso3"]) == ["PSE", "SOM"]
    assert {d["code"] for d in table.dropped} == {"PSG", "SML", "ZZB"}


def test_owid_vdem_palestine_units(tmp_path):
    """V-Dem's British-Mandate 'Palestine' (PSE, to 1948) is historical; PSE follows Palestine/West Bank."""
    path = tmp_path / "civ.csv"
    path.write_text("Entity,Code,Year,value\nPalestine,PSE,1947,0.3\nPalestine,PSE,1948,0.3\n"
                    "Palestine/West Bank,,1948,0.2\nPalestine/West Bank,,2010,0.4\nPalestine/Gaza,,2010,0.2\n"
                    "Somaliland,OWID_SML,2010,0.5\nZanzibar,OWID_ZAN,2010,0.5\n")
    table = load_clean_vdem([(path, {"v2x_civlib": "value"})], 1995)
    assert table.frame[["iso3", "year", "civil_liberties"]].values.tolist() == [["PSE", 1948, 0.2], ["PSE", 2010, 0.4]]
    assert sorted(d["name"] for d in table.dropped) == ["Palestine", "Palestine/Gaza", "Somaliland", "Zanzibar"]
