"""The analysis frame: onset at t, common causes at t - 1, outcome at t + k (study/estimate/dag/data.py).

Panels here are tiny hand-made SYNTHETIC panels whose every value is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.errors import DataError
from study.estimate.dag.data import analysis_frame, at_risk

from .conftest import T, Y

YEARS = list(range(2000, 2013))


def tiny_panel() -> pd.DataFrame:
    """Three SYNTHETIC countries: AAA first targeted in 2006, BBB in 2009, CCC never.
    Every numeric column encodes (country, year) so that lags and leads can be read back."""
    rows = []
    for k, (iso3, cohort) in enumerate((("AAA", 2006), ("BBB", 2009), ("CCC", 0))):
        for year in YEARS:
            code = 100 * (k + 1) + (year - 2000)             # e.g. 106 = AAA in 2006
            rows.append({"iso3": iso3, "year": year, "region": ["South Asia", "North America", "South Asia"][k],
                         "civil_liberties": code / 1000, "polyarchy": code / 100, "internet_users": float(code),
                         "free_expression": code / 10_000, "log_gdp_pc": code + 0.5, "log_pop": code + 0.25,
                         "n_campaigns_cum": int(year >= cohort > 0), "cohort_any": cohort})
    return pd.DataFrame(rows)


def frame_of(panel, dag, **kw):
    options = dict(treatment=T, outcome=Y, outcome_variable="civil_liberties", cohort_column="cohort_any",
                   horizon=2, window=(2004, 2010), source="tiny.parquet")
    options.update(kw)
    return analysis_frame(panel, dag, **options)


def test_rows_timing_and_values(study_dag):
    af = frame_of(tiny_panel(), study_dag)
    f = af.frame
    keys = {(r.iso3, r.year) for r in f.itertuples()}
    # AAA (onset 2006): a control year needs the onset after t + 2, so 2004 and 2005 are dropped (onset
    # within t + 1..t + 2), the onset year 2006 stays and 2007+ (after onset) are dropped
    assert {y for i, y in keys if i == "AAA"} == {2006}
    assert {y for i, y in keys if i == "BBB"} == {2004, 2005, 2006, 2009}
    assert {y for i, y in keys if i == "CCC"} == set(range(2004, 2011))
    assert f.loc[f[T] == 1, ["iso3", "year"]].values.tolist() == [["AAA", 2006], ["BBB", 2009]]
    row = f[(f.iso3 == "BBB") & (f.year == 2009)].iloc[0]
    assert row[Y] == pytest.approx(0.211)                     # BBB civil liberties in 2011 (t + 2)
    assert row["prior_practice"] == pytest.approx(0.208)      # ... in 2008 (t - 1)
    assert row["democracy"] == pytest.approx(2.08)
    assert row["internet"] == pytest.approx(208.0)
    assert row["gdp"] == pytest.approx(208.5) and row["population"] == pytest.approx(208.25)
    assert row["media_freedom"] == pytest.approx(0.0208)
    assert row["prior_campaigns"] == 0                        # the onset campaign is not a prior campaign
    assert row["region"] == "North America" and row["calendar_year"] == 2009
    assert af.counts["onsets"] == 2 and af.n_treated_units == 2 and af.n_units == 3
    assert af.counts["dropped_after_onset"] == 4 + 1          # AAA 2007-2010, BBB 2010
    assert af.counts["dropped_onset_within_horizon"] == 2 + 2  # AAA 2004-2005, BBB 2007-2008
    assert list(f["region"].cat.categories) == ["North America", "South Asia"]
    # every campaign here defines onset, so no at-risk row has an earlier campaign
    assert af.constant_confounders() == ["prior_campaigns"]


def test_at_risk_rule():
    year = np.array([2004, 2005, 2006, 2007, 2004, 2010])
    cohort = np.array([2007, 2007, 2007, 2007, 0, 0])
    keep, onset = at_risk(year, cohort, 2)
    assert keep.tolist() == [True, False, False, True, True, True]
    assert onset.tolist() == [0, 0, 0, 1, 0, 0]


def test_incomplete_rows_are_dropped_and_counted(study_dag):
    panel = tiny_panel()
    panel.loc[(panel.iso3 == "CCC") & (panel.year == 2005), "polyarchy"] = np.nan   # lag of CCC 2006
    panel.loc[(panel.iso3 == "CCC") & (panel.year == 2012), "civil_liberties"] = np.nan  # lead of CCC 2010
    af = frame_of(panel, study_dag)
    years = set(af.frame.loc[af.frame.iso3 == "CCC", "year"])
    assert 2006 not in years and 2010 not in years and 2007 in years
    assert af.counts["dropped_incomplete"] == 2


def test_no_onset_with_complete_data_fails(study_dag):
    with pytest.raises(DataError, match="no onset year"):
        frame_of(tiny_panel(), study_dag, window=(2001, 2004))


@pytest.mark.parametrize("mutate, field, message", [
    (lambda p: p.drop(columns="polyarchy"), "polyarchy", "column not found"),
    (lambda p: p.assign(cohort_any=p.cohort_any.astype(float)), "cohort_any", "must be integer"),
    (lambda p: p.assign(cohort_any=np.where((p.iso3 == "CCC") & (p.year == 2003), 2005, p.cohort_any)),
     "cohort_any", "varies within a country"),
    (lambda p: pd.concat([p, p.iloc[[0]]]), "year", "duplicated country-year"),
])
def test_bad_panels_fail_naming_file_and_field(study_dag, mutate, field, message):
    with pytest.raises(DataError, match=message) as info:
        frame_of(mutate(tiny_panel()), study_dag)
    assert "tiny.parquet" in str(info.value) and f"field '{field}'" in str(info.value)


def test_outcome_equal_to_a_confounder_measure_fails(study_dag):
    # with free expression as the outcome, prior practice and the media-freedom proxy are the same column
    with pytest.raises(DataError, match="media_freedom|prior_practice"):
        frame_of(tiny_panel(), study_dag, outcome_variable="free_expression")
