"""Bad input: each case is a clear DataError or an explicit warning, never a silent wrong number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.errors import DataError
from study.estimate.did.api import estimate
from study.estimate.did.data import DidDataWarning, cohort_from_treatment, prepare_panel

from .conftest import MPDTA


def test_no_never_treated_units_with_never_treated_controls_is_an_error(mpdta):
    data = mpdta[mpdta["first.treat"] > 0]
    with pytest.raises(DataError, match="no never-treated units"):
        prepare_panel(data, control_group="nevertreated", **MPDTA)
    # ... while not-yet-treated controls are allowed
    prepare_panel(data, control_group="notyettreated", **MPDTA)


def test_cohort_after_last_period_is_recoded_never_treated_with_warning(mpdta):
    data = mpdta.copy()
    data.loc[data["first.treat"] == 2007, "first.treat"] = 2010
    with pytest.warns(DidDataWarning, match="after the last period 2007"):
        panel = prepare_panel(data, **MPDTA)
    assert panel.cohort_sizes[0] == 309 + 131


def test_cohort_in_first_period_is_dropped_with_warning(mpdta):
    data = mpdta.copy()
    data.loc[data["first.treat"] == 2004, "first.treat"] = 2003
    with pytest.warns(DidDataWarning, match="no untreated pre-period"):
        panel = prepare_panel(data, **MPDTA)
    assert 2003 not in panel.cohort_sizes and panel.n_units == 480


def test_non_absorbing_treatment_is_an_error(mpdta):
    data = mpdta.copy()
    data.loc[(data.countyreal == data.countyreal.iloc[0]) & (data.year == 2005), "first.treat"] = 2006
    with pytest.raises(DataError, match="not constant within unit") as err:
        prepare_panel(data, **MPDTA)
    assert "field 'first.treat'" in str(err.value) and "row 3," in str(err.value)


def test_treatment_indicator_switching_off_is_an_error():
    data = pd.DataFrame({"id": [1, 1, 1, 2, 2, 2], "t": [1, 2, 3, 1, 2, 3], "d": [0, 1, 0, 0, 0, 1]})
    with pytest.raises(DataError, match="not absorbing"):
        cohort_from_treatment(data, unit="id", time="t", treatment="d")
    data.loc[2, "d"] = 1
    assert cohort_from_treatment(data, unit="id", time="t", treatment="d").tolist() == [2, 2, 2, 3, 3, 3]


def test_too_few_units_in_a_cohort_warns_or_drops(mpdta):
    keep = mpdta.loc[mpdta["first.treat"] == 2004, "countyreal"].unique()[:3]
    data = mpdta[(mpdta["first.treat"] != 2004) | mpdta.countyreal.isin(keep)]
    small = data[data["first.treat"] == 2004].countyreal.nunique()
    assert 0 < small < 5
    with pytest.warns(DidDataWarning, match="fewer than 5 units"):
        prepare_panel(data, **MPDTA)
    with pytest.warns(DidDataWarning, match=r"fewer than 10 units and are dropped"):
        panel = prepare_panel(data, min_cohort_size=10, **MPDTA)
    assert 2004 not in panel.cohort_sizes


def test_duplicate_key_and_missing_column_name_the_field(mpdta):
    with pytest.raises(DataError, match="duplicate"):
        prepare_panel(pd.concat([mpdta, mpdta.iloc[[7]]], ignore_index=True), **MPDTA)
    with pytest.raises(DataError, match="field 'nope'"):
        prepare_panel(mpdta, covariates=["nope"], **MPDTA)
    bad = mpdta.copy()
    bad["first.treat"] = bad["first.treat"].astype(float)
    bad.loc[10, "first.treat"] = 2004.5
    with pytest.raises(DataError, match="row 11, field 'first.treat'"):
        prepare_panel(bad, **MPDTA)


def test_unbalanced_panel_is_balanced_with_warning_or_kept(mpdta):
    data = mpdta.drop(index=[0, 1, 2])
    with pytest.warns(DidDataWarning, match="not observed in all 5 periods"):
        assert prepare_panel(data, **MPDTA).n_units == 499
    with pytest.warns(DidDataWarning):
        data2 = mpdta.copy()
        data2.loc[5, "lemp"] = np.nan
        kept = prepare_panel(data2, balanced=False, **MPDTA)
    assert kept.n_units == 500 and not kept.balanced


def test_bootstrap_without_seed_is_refused(mpdta):
    from study.errors import StudyError

    with pytest.raises(StudyError, match="seed"):
        estimate(mpdta, bootstrap=99, **MPDTA)
