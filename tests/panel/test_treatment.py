"""Treatment merge: fill rules for never-targeted countries and years after the table (SYNTHETIC data)."""

from __future__ import annotations

import pandas as pd
import pytest

from study.errors import DataError
from study.panel.treatment import merge_treatment, read_treatment

from .conftest import SPEC, synthetic_treatment


def _panel(countries=("NGA", "POL", "BLR", "FRA"), years=range(1995, 2027)) -> pd.DataFrame:
    return pd.DataFrame([(c, y) for c in countries for y in years], columns=["iso3", "year"]).astype({"year": "int64"})


def _write(tmp_path, table: pd.DataFrame):
    path = tmp_path / "treatment.parquet"
    table.to_parquet(path, index=False)
    return path


def test_fill_rules(tmp_path):
    path = _write(tmp_path, synthetic_treatment(last_year=2024))
    table = read_treatment(path, list(SPEC["treatments"]), 1995)
    out = merge_treatment(_panel(), table, path=path).set_index(["iso3", "year"])
    assert out.loc[("FRA", 2010), "cohort_any"] == 0 and out.loc[("FRA", 2010), "first_campaign_id"] == ""
    assert out.loc[("FRA", 2010), "n_campaigns_cum"] == 0 and out.loc[("FRA", 2010), "issue_areas_started"] == ""
    # after the table's last year (2024): constants kept, cumulative count carried, n_campaigns 0
    assert out.loc[("NGA", 2026), "cohort_violence"] == 2014 and out.loc[("NGA", 2026), "first_campaign_id"] == "SYN-NGA"
    assert out.loc[("NGA", 2026), "n_campaigns_cum"] == 1 and out.loc[("NGA", 2026), "n_campaigns"] == 0
    assert out.loc[("NGA", 2014), "n_campaigns"] == 1 and out.loc[("NGA", 2013), "n_campaigns_cum"] == 0
    assert out["cohort_any"].dtype == "int64" and out["n_campaigns_cum"].dtype == "int64"
    assert len(out) == len(_panel())


def test_missing_column_fails(tmp_path):
    path = _write(tmp_path, synthetic_treatment().drop(columns=["cohort_gbv"]))
    with pytest.raises(DataError) as err:
        read_treatment(path, list(SPEC["treatments"]), 1995)
    assert err.value.field == "cohort_gbv"


def test_duplicated_key_fails(tmp_path):
    table = synthetic_treatment()
    path = _write(tmp_path, pd.concat([table, table.iloc[[3]]]))
    with pytest.raises(DataError) as err:
        read_treatment(path, list(SPEC["treatments"]), 1995)
    assert err.value.row == "iso3=NGA, year=1998"


def test_cohort_varying_within_country_fails(tmp_path):
    table = synthetic_treatment()
    table.loc[(table.iso3 == "POL") & (table.year == 2000), "cohort_any"] = 2010
    path = _write(tmp_path, table)
    with pytest.raises(DataError) as err:
        read_treatment(path, list(SPEC["treatments"]), 1995)
    assert (err.value.row, err.value.field) == ("iso3=POL", "cohort_any")


def test_country_outside_the_panel_fails(tmp_path):
    path = _write(tmp_path, synthetic_treatment())
    table = read_treatment(path, list(SPEC["treatments"]), 1995)
    with pytest.raises(DataError, match="'BLR'") as err:
        merge_treatment(_panel(countries=("NGA", "POL", "FRA")), table, path=path)
    assert err.value.field == "iso3"
