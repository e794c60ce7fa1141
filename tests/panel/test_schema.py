"""The panel schema names the failing key and column."""

from __future__ import annotations

import numpy as np
import pytest

from study.errors import DataError
from study.panel.schema import validate_panel


def _check(panel):
    # the panel runs to the last year any outcome source covers ([panel].last_year = "latest")
    return validate_panel(panel, first_year=1995, last_year=int(panel["year"].max()), campaign_window=(2006, 2024),
                          file="panel.parquet")


def test_real_panel_passes(built):
    _check(built["panel"])


@pytest.mark.parametrize("column, value", [("civil_liberties", 1.5), ("treaty_ratifications", 6.0),
                                           ("treaty_ratifications", 2.5), ("internet_users", -1.0),
                                           ("region", "Atlantis"), ("cohort_any", 1999)])
def test_value_violations(built, column, value):
    panel = built["panel"].copy()
    idx = panel.index[(panel.iso3 == "FRA") & (panel.year == 2010)][0]
    if panel[column].dtype == "float64":
        panel[column] = panel[column].astype("float64")
    panel.loc[idx, column] = value
    with pytest.raises(DataError) as err:
        _check(panel)
    assert err.value.field == column and err.value.row == "iso3=FRA, year=2010"


def test_wrong_dtype_fails(built):
    panel = built["panel"].copy()
    panel["n_campaigns"] = panel["n_campaigns"].astype("float64")
    with pytest.raises(DataError) as err:
        _check(panel)
    assert err.value.field == "n_campaigns"


def test_duplicated_key_fails(built):
    panel = built["panel"]
    with pytest.raises(DataError, match="duplicated key"):
        _check(panel._append(panel.iloc[[5]], ignore_index=True))


def test_year_out_of_range_fails(built):
    panel = built["panel"].copy()
    panel.loc[0, "year"] = np.int64(1990)
    with pytest.raises(DataError) as err:
        _check(panel)
    assert err.value.field == "year"
