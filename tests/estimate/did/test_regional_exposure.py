"""Regional exposure (H8) on a hand-written SYNTHETIC panel."""

from __future__ import annotations

import pandas as pd
import pytest

from study.errors import DataError
from study.estimate.did.regional_exposure import exposure_panel

# iso3: (region, cohort_any, cohort_any_core)
COUNTRIES = {
    "AAA": ("North", 2010, 0), "AAB": ("North", 2008, 2012), "AAC": ("North", 0, 0), "AAD": ("North", 0, 0),
    "BBA": ("South", 0, 0), "BBB": ("South", 0, 0),                       # region never targeted
    "CCA": ("East", 2014, 2014), "CCB": ("East", 0, 0),
}


def _panel() -> pd.DataFrame:
    rows = [{"iso3": iso, "year": y, "region": r, "cohort_any": g, "cohort_any_core": c}
            for iso, (r, g, c) in COUNTRIES.items() for y in range(2005, 2016)]
    return pd.DataFrame(rows)


def test_exposure_starts_with_the_first_targeted_country_of_the_region():
    out = exposure_panel(_panel())
    cohort = out.drop_duplicates("iso3").set_index("iso3")["cohort_regional_exposure"].to_dict()
    assert cohort == {"AAC": 2008, "AAD": 2008, "BBA": 0, "BBB": 0, "CCB": 2014}  # targeted countries left out
    assert len(out) == 5 * 11
    core = exposure_panel(_panel(), suffix="_core").drop_duplicates("iso3").set_index("iso3")
    assert core["cohort_regional_exposure_core"].to_dict() == {"AAC": 2012, "AAD": 2012, "BBA": 0, "BBB": 0,
                                                                "CCB": 2014}


def test_missing_or_varying_region_is_bad_input():
    panel = _panel()
    panel.loc[(panel.iso3 == "BBA") & (panel.year == 2007), "region"] = ""
    with pytest.raises(DataError, match="region missing") as err:
        exposure_panel(panel, source="panel.parquet")
    assert err.value.field == "region" and err.value.row == "iso3=BBA, year=2007"
    panel = _panel()
    panel.loc[(panel.iso3 == "CCB") & (panel.year == 2007), "region"] = "North"
    with pytest.raises(DataError, match="region varies within country CCB"):
        exposure_panel(panel)
