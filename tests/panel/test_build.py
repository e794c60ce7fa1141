"""The real panel: coverage, keys, spot checks against the raw files, outputs, speed, determinism."""

from __future__ import annotations

import csv
import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from study import cli

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def raw_value(rel: str, key: dict[str, str], column: str) -> str:
    """The cell of a raw file, read with the csv module (independently of the loaders)."""
    with open(RAW / rel, newline="", encoding="utf-8") as fh:
        hits = [row[column] for row in csv.DictReader(fh) if all(row[k] == v for k, v in key.items())]
    assert len(hits) == 1, (rel, key, hits)
    return hits[0]


def ratified_by(iso2: str, year: int) -> int:
    """Treaties with a state-party row ratified by ``year`` (raw files; UK-tied rows excluded)."""
    n = 0
    for treaty in ("iccpr", "iccpr_op2", "cat", "cedaw", "crc"):
        with open(RAW / "un_treaties" / f"treaty_status_{treaty}.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if (row["iso2"] == iso2 and row["state party"] == "1" and "tied to the UK" not in row["note"]
                        and int(row["year ratification or accession"]) <= year):
                    n += 1
    return n


def cell(panel: pd.DataFrame, iso3: str, year: int, column: str):
    hit = panel[(panel.iso3 == iso3) & (panel.year == year)]
    assert len(hit) == 1, (iso3, year)
    return hit[column].iloc[0]


FARISS = "fariss/fariss_hr_protection_v4.csv"
GDP = "wdi_gdp/gdp_per_capita_ppp.csv"
NET = "itu_internet/internet_users_share.csv"
POP = "wb_population/01-countrypops.csv"
CIV = "vdem/vdem_civil_liberties_owid_v15.csv"
PHY = "vdem/vdem_physical_integrity_owid_v16.csv"
FX = "vdem/vdem_freedom_of_expression_owid.csv"
ROW = "vdem/vdem_regimes_of_the_world_owid.csv"
POLY = "vdem/vdem_electoral_democracy_owid.csv"
CIV_COL = "Civil liberties index (central estimate, aggregate: average)"
FX_COL = "Freedom of Expression and Alternative Sources of Information index (best estimate)"
GDP_COL = "GDP per capita, PPP (constant 2021 international $)"
NET_COL = "Individuals using the Internet (% of population)"

SPOT_CHECKS = [  # (iso3, year, panel column, raw file, raw key, raw column)
    ("USA", 2010, "hr_protection", FARISS, {"Code": "USA", "Year": "2010"}, "Human rights protection"),
    ("NGA", 2014, "hr_protection", FARISS, {"Code": "NGA", "Year": "2014"}, "Human rights protection"),
    ("XKX", 2015, "hr_protection", FARISS, {"Code": "OWID_KOS", "Year": "2015"}, "Human rights protection"),
    ("FSM", 2000, "hr_protection", FARISS, {"Entity": "Micronesia", "Year": "2000"}, "Human rights protection"),
    ("DEU", 2015, "gdp_pc", GDP, {"Code": "DEU", "Year": "2015"}, GDP_COL),
    ("IND", 2000, "gdp_pc", GDP, {"Code": "IND", "Year": "2000"}, GDP_COL),
    ("XKX", 2019, "gdp_pc", GDP, {"Code": "OWID_KOS", "Year": "2019"}, GDP_COL),
    ("BRA", 2019, "internet_users", NET, {"Code": "BRA", "Year": "2019"}, NET_COL),
    ("PRK", 2005, "internet_users", NET, {"Code": "PRK", "Year": "2005"}, NET_COL),
    ("XKX", 2017, "internet_users", NET, {"Code": "OWID_KOS", "Year": "2017"}, NET_COL),
    ("CHN", 2020, "pop", POP, {"country_code_3": "CHN", "year": "2020"}, "population"),
    ("TLS", 2010, "pop", POP, {"country_code_3": "TLS", "year": "2010"}, "population"),
    ("MEX", 2012, "civil_liberties", CIV, {"Code": "MEX", "Year": "2012"}, CIV_COL),
    ("XKX", 2016, "civil_liberties", CIV, {"Code": "OWID_KOS", "Year": "2016"}, CIV_COL),
    ("PSE", 2010, "civil_liberties", CIV, {"Entity": "Palestine/West Bank", "Year": "2010"}, CIV_COL),
    ("PHL", 2017, "physical_violence", PHY, {"Code": "PHL", "Year": "2017"}, "Physical Integrity Rights Index"),
    ("YEM", 1998, "physical_violence", PHY, {"Code": "YEM", "Year": "1998"}, "Physical Integrity Rights Index"),
    ("TUR", 2017, "free_expression", FX, {"Code": "TUR", "Year": "2017"}, FX_COL),
    ("VNM", 2005, "free_expression", FX, {"Code": "VNM", "Year": "2005"}, FX_COL),
    ("HUN", 2019, "regime", ROW, {"Code": "HUN", "Year": "2019"}, "regime_row_owid"),
    ("IND", 2014, "polyarchy", POLY, {"Code": "IND", "Year": "2014"}, "electdem_vdem_owid"),
]


# Values read off an independent copy of the OWID civil-liberties export
# (JoseValverde/Tema_3_Datos3D human-rights-index-vdem.csv @ 65e27418; data/raw/vdem/sources_civil_liberties.json).
PUBLISHED_CIVIL_LIBERTIES = [("BRA", 2019, 0.695), ("CHN", 2013, 0.26), ("DEU", 2024, 0.941), ("MEX", 2024, 0.598),
                             ("ITA", 2020, 0.91)]


# Electoral democracy read off an independent copy with confidence bounds
# (mesaye85/Stratagy electoral-democracy-index.csv @ df200b4f; data/raw/vdem/sources_electoral_democracy.json).
PUBLISHED_POLYARCHY = [("MKD", 2016, 0.45), ("MKD", 2022, 0.551), ("NOR", 2013, 0.889)]


@pytest.mark.parametrize("iso3, year, value", PUBLISHED_POLYARCHY)
def test_polyarchy_matches_a_second_copy(built, iso3, year, value):
    assert cell(built["panel"], iso3, year, "polyarchy") == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("iso3, year, value", PUBLISHED_CIVIL_LIBERTIES)
def test_civil_liberties_match_a_second_copy(built, iso3, year, value):
    assert cell(built["panel"], iso3, year, "civil_liberties") == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("iso3, year, column, rel, key, raw_column", SPOT_CHECKS)
def test_spot_check_against_raw_file(built, iso3, year, column, rel, key, raw_column):
    expected = float(raw_value(rel, key, raw_column))
    assert cell(built["panel"], iso3, year, column) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("iso3, iso2, year", [("USA", "US", 2019), ("TLS", "TP", 2010), ("SLB", "SB", 2003),
                                              ("SRB", "RS", 1999), ("TZA", "TZ", 2015), ("PRK", "KP", 2019)])
def test_treaty_count_against_raw_files(built, iso3, iso2, year):
    assert cell(built["panel"], iso3, year, "treaty_ratifications") == ratified_by(iso2, year)


def test_known_values_of_the_treaty_count(built):
    panel = built["panel"]
    assert cell(panel, "USA", 2019, "treaty_ratifications") == 2        # ICCPR 1992, CAT 1994
    assert cell(panel, "SLB", 2003, "treaty_ratifications") == 2        # CRC 1995, CEDAW 2002; ICCPR UK-tied
    assert math.isnan(cell(panel, "TLS", 2001, "treaty_ratifications"))  # before independence
    assert cell(panel, "TLS", 2003, "treaty_ratifications") == 5
    assert math.isnan(cell(panel, "TWN", 2010, "treaty_ratifications"))  # not a UN member


def test_missing_is_nan_not_zero(built):
    panel = built["panel"]
    assert math.isnan(cell(panel, "SRB", 2019, "hr_protection"))        # Fariss export ends Serbia in 2018
    assert math.isnan(cell(panel, "TUV", 1996, "hr_protection"))        # gap in the source
    assert panel.loc[panel.year >= 2020, "hr_protection"].isna().all()  # v4 ends 2019
    assert math.isnan(cell(panel, "TWN", 2010, "gdp_pc"))               # WDI placeholder only
    assert cell(panel, "PRK", 2005, "internet_users") == 0              # a reported zero stays zero


def test_coverage_and_keys(built):
    panel = built["panel"]
    assert panel["iso3"].nunique() >= 190
    assert set(range(1995, 2020)) <= set(panel["year"])
    assert not panel.duplicated(["iso3", "year"]).any()
    assert panel.groupby("iso3").size().nunique() == 1, "rectangular: every country has every year"
    assert panel["year"].min() == 1995
    for column in ("hr_protection", "treaty_ratifications", "gdp_pc", "pop", "internet_users"):
        covered = panel[panel.year == 2015][column].notna().sum()
        assert covered >= 170, (column, covered)
    assert not panel["iso3"].isin(["OWID_WRL", "WLD", "ABW", "GRL"]).any()  # aggregates / non-universe


def test_logs_match_levels(built):
    panel = built["panel"].dropna(subset=["gdp_pc", "pop"])
    np.testing.assert_allclose(panel["log_gdp_pc"], np.log(panel["gdp_pc"]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(panel["log_pop"], np.log(panel["pop"]), rtol=0, atol=1e-12)


def test_treatment_columns_follow_the_contract(built):
    panel = built["panel"]
    nga = panel[panel.iso3 == "NGA"].set_index("year")
    assert (nga["cohort_any"] == 2014).all() and (nga["cohort_violence"] == 2014).all()
    assert (nga["cohort_gbv"] == 0).all()
    assert nga.loc[2014, "n_campaigns"] == 1 and nga.loc[2013, "n_campaigns_cum"] == 0
    assert (nga.loc[2014:, "n_campaigns_cum"] == 1).all()
    fra = panel[panel.iso3 == "FRA"]
    assert (fra["cohort_any"] == 0).all() and (fra["n_campaigns_cum"] == 0).all()
    assert (fra["first_campaign_id"] == "").all()
    for col in [c for c in panel.columns if c.startswith("cohort_") or c.startswith("n_campaigns")]:
        assert panel[col].dtype == "int64", col


def test_unmatched_report_explains_every_entry(built):
    report = pd.read_csv(built["root"] / "data" / "derived" / "unmatched_names.csv", keep_default_na=False)
    assert len(report) > 0
    assert (report["reason"].str.len() > 10).all()
    assert set(report["decision"]) == {"dropped"}
    reasons = " ".join(report["reason"])
    assert "aggregate" in reasons and "historical" in reasons and "country universe" in reasons
    world = report[report["name"] == "World"]
    assert len(world) >= 2 and world["reason"].str.contains("aggregate").all()
    assert not report["name"].isin(["Kosovo", "Micronesia", "United States"]).any()


def test_codebook_and_figure(built):
    root = built["root"]
    text = (root / "data" / "derived" / "panel_codebook.md").read_text()
    for column in built["panel"].columns:
        assert f"`{column}`" in text, column
    assert "| `hr_protection` |" in text and "1995-2019" in text
    assert "Kosovo" in text and "tied to the UK" in text and "CC-BY-4.0" in text
    for ext in ("png", "pdf"):
        assert (root / "results" / "figures" / f"panel_coverage.{ext}").stat().st_size > 5000


def test_build_is_fast(built):
    assert built["seconds"] < 30, f"panel build took {built['seconds']:.1f} s"


def _hashes(root: Path) -> dict[str, str]:
    files = ["data/derived/panel.parquet", "data/derived/panel_codebook.md", "data/derived/unmatched_names.csv",
             "results/figures/panel_coverage.png", "results/figures/panel_coverage.pdf"]
    return {f: hashlib.sha256((root / f).read_bytes()).hexdigest() for f in files}


def test_rebuild_is_byte_identical(built, copy_of_built):
    before = _hashes(copy_of_built)
    assert cli.main(["-q", "panel"]) == 0
    assert _hashes(copy_of_built) == before == _hashes(built["root"])


def test_vdem_resources_extend_the_panel(copy_of_built):
    """A SYNTHETIC V-Dem file (invented values) declared in the manifest is merged, adds its countries
    (Hong Kong) to the universe and moves the panel's last year to the last V-Dem year."""
    import json

    root = copy_of_built
    vdem = root / "data" / "raw" / "vdem"
    vdem.mkdir(exist_ok=True)
    data = b"Entity,Code,Year,value\nFrance,FRA,2010,0.9\nHong Kong,HKG,2010,0.7\nFrance,FRA,2024,0.8\n"
    (vdem / "synthetic_civlib.csv").write_bytes(data)
    manifest = root / "data" / "raw" / "datapackage.json"
    doc = json.loads(manifest.read_text())
    doc["resources"] = [r for r in doc["resources"] if r["source"] != "vdem"] + [{
        "name": "vdem_synthetic", "path": "vdem/synthetic_civlib.csv", "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "format": "csv", "source": "vdem",
        "variables": {"v2x_civlib": "value"}, "licenses": [{"name": "synthetic"}], "citation": "synthetic test data",
        "upstream": {"dataset": "synthetic", "version": "0", "url": "https://example.org/synthetic"}}]
    manifest.write_text(json.dumps(doc))
    assert cli.main(["-q", "panel"]) == 0
    panel = pd.read_parquet(root / "data" / "derived" / "panel.parquet")
    assert panel["year"].max() == 2024 and "HKG" in set(panel["iso3"])
    assert cell(panel, "FRA", 2010, "civil_liberties") == 0.9 and cell(panel, "HKG", 2010, "civil_liberties") == 0.7
    assert math.isnan(cell(panel, "FRA", 2011, "civil_liberties"))
    assert cell(panel, "NGA", 2024, "cohort_any") == 2014 and cell(panel, "NGA", 2024, "n_campaigns_cum") == 1
