"""Bad raw input fails the panel step with file, row and field, and the previous panel stays intact.

Each test edits one vendored file in a private copy of an already-built project. Except for the
corrupted-file test, the manifest entry is updated to the edited bytes, as for a new vintage, so
that the loader's own checks (not the checksum) must catch the problem.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from study import cli

PANEL = Path("data/derived/panel.parquet")


def _edit(root: Path, rel: str, edit, *, update_manifest: bool = True) -> None:
    path = root / "data" / "raw" / rel
    data = edit(path.read_bytes())
    path.write_bytes(data)
    if update_manifest:
        manifest = root / "data" / "raw" / "datapackage.json"
        doc = json.loads(manifest.read_text())
        for res in doc["resources"]:
            if res["path"] == rel:
                res["bytes"] = len(data)
                res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        manifest.write_text(json.dumps(doc))


def _fails(root: Path, caplog) -> str:
    before = (root / PANEL).read_bytes()
    caplog.clear()
    assert cli.main(["panel"]) == 2
    assert (root / PANEL).read_bytes() == before, "the previous panel must stay intact"
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors
    return errors[-1]


def test_unknown_country_name(copy_of_built, caplog):
    # Fariss data row 3 gets a name that is no country, no code, and a year inside the panel
    _edit(copy_of_built, "fariss/fariss_hr_protection_v4.csv",
          lambda b: b.replace(b"Afghanistan,AFG,1948,", b"Atlantis,,1998,", 1))
    msg = _fails(copy_of_built, caplog)
    assert "fariss_hr_protection_v4.csv" in msg and "row 3" in msg and "field 'Entity'" in msg
    assert "unknown country name 'Atlantis'" in msg


def test_unknown_country_code(copy_of_built, caplog):
    _edit(copy_of_built, "wdi_gdp/gdp_per_capita_ppp.csv",
          lambda b: b.replace(b"Afghanistan,AFG,2000,", b"Afghanistan,QQQ,2000,", 1))
    msg = _fails(copy_of_built, caplog)
    assert "gdp_per_capita_ppp.csv" in msg and "row 1" in msg and "field 'Code'" in msg and "QQQ" in msg


def test_duplicated_country_year(copy_of_built, caplog):
    # data row 2 (1947) becomes a second 1946 row for Afghanistan
    _edit(copy_of_built, "fariss/fariss_hr_protection_v4.csv",
          lambda b: b.replace(b"Afghanistan,AFG,1947,", b"Afghanistan,AFG,1946,", 1))
    msg = _fails(copy_of_built, caplog)
    assert "fariss_hr_protection_v4.csv" in msg and "row 2" in msg and "field 'Year'" in msg
    assert "duplicated country-year (iso3=AFG, year=1946)" in msg and "first on row 1" in msg


def test_impossible_year(copy_of_built, caplog):
    _edit(copy_of_built, "itu_internet/internet_users_share.csv",
          lambda b: b.replace(b"Afghanistan,AFG,1991,", b"Afghanistan,AFG,2991,", 1))
    msg = _fails(copy_of_built, caplog)
    assert "internet_users_share.csv" in msg and "row 2" in msg and "field 'Year'" in msg
    assert "impossible year 2991" in msg


def test_impossible_ratification_year(copy_of_built, caplog):
    _edit(copy_of_built, "un_treaties/treaty_status_cat.csv",
          lambda b: b.replace(b"AF,Afghanistan,1,1987,", b"AF,Afghanistan,1,1887,", 1))
    msg = _fails(copy_of_built, caplog)
    assert "treaty_status_cat.csv" in msg and "row 1" in msg and "field 'year ratification or accession'" in msg


def test_missing_column(copy_of_built, caplog):
    _edit(copy_of_built, "wb_population/01-countrypops.csv",
          lambda b: b.replace(b"country_name,country_code_2,country_code_3,year,population",
                              b"country_name,country_code_2,country_code_3,year,pop_total", 1))
    msg = _fails(copy_of_built, caplog)
    assert "01-countrypops.csv" in msg and "field 'population'" in msg and "missing column" in msg


def test_value_out_of_range(copy_of_built, caplog):
    _edit(copy_of_built, "itu_internet/internet_users_share.csv",
          lambda b: b.replace(b"Afghanistan,AFG,1993,0", b"Afghanistan,AFG,1993,140", 1))
    msg = _fails(copy_of_built, caplog)
    assert "row 4" in msg and "field 'Individuals using the Internet (% of population)'" in msg


def test_non_numeric_value(copy_of_built, caplog):
    _edit(copy_of_built, "fariss/fariss_hr_protection_v4.csv",
          lambda b: b.replace(b"Afghanistan,AFG,1949,0.966189939487404", b"Afghanistan,AFG,1949,n/a", 1))
    msg = _fails(copy_of_built, caplog)
    assert "row 4" in msg and "field 'Human rights protection'" in msg and "'n/a' is not a number" in msg


def test_corrupted_raw_file(copy_of_built, caplog):
    _edit(copy_of_built, "wdi_gdp/gdp_per_capita_ppp.csv", lambda b: b.replace(b"1617.8264", b"1617.8265", 1),
          update_manifest=False)
    msg = _fails(copy_of_built, caplog)
    assert "gdp_per_capita_ppp.csv" in msg and "sha256" in msg


def test_missing_treatment_table(copy_of_built, caplog):
    (copy_of_built / "data" / "derived" / "treatment.parquet").unlink()
    msg = _fails(copy_of_built, caplog)
    assert "treatment.parquet" in msg and "campaign step" in msg


def test_treatment_country_outside_the_universe(copy_of_built, caplog):
    path = copy_of_built / "data" / "derived" / "treatment.parquet"
    table = pd.read_parquet(path)
    table.loc[table.iso3 == "POL", "iso3"] = "ABW"  # Aruba: a real code, but no outcome source covers it
    table.to_parquet(path, index=False)
    msg = _fails(copy_of_built, caplog)
    assert "treatment.parquet" in msg and "'ABW'" in msg and "field 'iso3'" in msg and "iso3=ABW" in msg
