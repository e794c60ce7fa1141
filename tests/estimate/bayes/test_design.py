"""Event-time design: binning, reference period, groups (incl. the derived H6/H7 dimensions), standardisation,
conforming (SYNTHETIC panels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.errors import DataError
from study.estimate.bayes.design import DIMENSIONS, build_design, common_frame, conform, event_time_bins, group_columns
from study.estimate.bayes.simulate import simulate_panel
from study.estimate.did import splits


def _panel(seed=1, **kw):
    options = dict(n_countries=40, first_year=1995, last_year=2014, cohort_years=(2006, 2011), seed=seed)
    options.update(kw)
    return simulate_panel(**options)[0]


def _design(panel, **kw):
    options = dict(outcome="civil_liberties", cohort="cohort_any", event_times=[-3, 5], first_year=1995,
                   min_pre_periods=3)
    options.update(kw)
    return build_design(panel, **options)


def test_event_time_bins_exclude_reference():
    assert event_time_bins([-3, 5]) == [-3, -2, 0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        event_time_bins([0, 5])


def test_event_index_matches_independent_binning():
    panel = _panel()
    d = _design(panel)
    rows = panel.sort_values(["iso3", "year"]).reset_index(drop=True)
    g, t = rows["cohort_any"].to_numpy(), rows["year"].to_numpy()
    e = np.minimum(t - g, 5)
    expected = np.where((g > 0) & (e != -1) & (e >= -3), e, 99)
    got = np.array([d.event_times[k] if k < len(d.event_times) else 99 for k in d.event_idx])
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(d.post, ((g > 0) & (t >= g)).astype(float))
    # Far pre-periods (e < -3) join the reference, late post-periods load on e >= 5; never treated: no dummy.
    assert (got[(g > 0) & (t - g == -3)] == -3).all()
    assert (got[(g > 0) & (t - g < -3)] == 99).all()
    assert (got[(g > 0) & (t - g >= 5)] == 5).all()
    assert (got[g == 0] == 99).all()


def test_standardised_outcome_and_groups():
    panel = _panel()
    d = _design(panel)
    assert abs(d.y.mean()) < 1e-12 and abs(d.y.std(ddof=1) - 1) < 1e-12
    y_raw = panel.sort_values(["iso3", "year"])["civil_liberties"].to_numpy()
    np.testing.assert_allclose(d.y * d.y_sd + d.y_mean, y_raw)
    first = panel.drop_duplicates("iso3").set_index("iso3")
    for i, unit in enumerate(d.units):
        if d.cohort[i] > 0:
            assert d.groups["issue_area"][d.group_idx["issue_area"][i]] == first.loc[unit, "first_issue_area"]
            assert d.groups["region"][d.group_idx["region"][i]] == first.loc[unit, "region"]
            assert d.groups["leadership"][d.group_idx["leadership"][i]] == first.loc[unit, "first_leadership"]
    # Categories are those of treated countries only.
    assert set(d.groups["issue_area"]) == set(first.loc[first.cohort_any > 0, "first_issue_area"])


def test_min_pre_periods_drops_late_cohorts():
    panel = _panel(cohort_years=(1996, 2000))
    d = _design(panel, min_pre_periods=3)
    assert d.cohort[d.cohort > 0].min() >= 1998
    assert any("min_pre_periods" in n for n in d.notes)


def test_treated_country_without_group_fails_naming_country_and_field():
    panel = _panel()
    treated = panel.loc[panel.cohort_any > 0, "iso3"].iloc[0]
    panel.loc[panel.iso3 == treated, "first_leadership"] = ""
    with pytest.raises(DataError, match=f"iso3={treated}.*first_leadership"):
        _design(panel)


def test_missing_column_fails():
    with pytest.raises(DataError, match="region"):
        _design(_panel().drop(columns="region"))


def test_conform_keeps_rows_and_labels():
    a = _design(_panel(seed=1))
    panel_b = _panel(seed=2)
    panel_b.loc[panel_b.iso3 == "SAB", "civil_liberties"] = np.nan   # balanced: SAB dropped
    b = _design(panel_b)
    assert "SAB" not in b.units
    frame = common_frame([a, b])
    cb = conform(b, **frame)
    assert cb.n_units == len(frame["units"]) and cb.n_obs == b.n_obs
    np.testing.assert_array_equal(np.asarray(cb.units)[cb.unit_idx], np.asarray(b.units)[b.unit_idx])
    np.testing.assert_array_equal(np.asarray(cb.years)[cb.year_idx], np.asarray(b.years)[b.year_idx])
    for name in b.groups:
        old = np.asarray(b.groups[name])[b.group_idx[name]][b.treated]
        new = np.asarray(cb.groups[name])[cb.group_idx[name]][cb.treated]
        np.testing.assert_array_equal(old, new)
    assert cb.n_treated_units == b.n_treated_units
    with pytest.raises(ValueError):
        conform(a, units=a.units[:-1], years=a.years, groups=a.groups)


def test_panel_is_labelled_synthetic():
    panel = _panel()
    assert panel["country"].str.startswith("Synthetic").all()
    assert isinstance(panel, pd.DataFrame)


# ------------------------------------------------------------------------------------------------
# Derived pooling dimensions (H6 engagement, H7 leadership model): the splits' rules, undocumented /
# unclear treated countries kept as their own category. SYNTHETIC panels, no sampling.
# ------------------------------------------------------------------------------------------------

def _derived_design(panel):
    return _design(panel, groups=group_columns("any", ["engagement", "leadership_model"]))


def _categories(d, name) -> dict[str, list[str]]:
    """Treated countries of each category of dimension ``name``."""
    labels = np.asarray(d.groups[name])[d.group_idx[name]]
    units = np.asarray(d.units)
    return {lab: sorted(units[d.treated & (labels == lab)].tolist()) for lab in d.groups[name]}


def _split(panel, d, name):
    cohorts = pd.Series(d.cohort[d.treated], index=np.asarray(d.units)[d.treated])
    return splits.define_split(panel, name, cohorts, est={"id": "H0"}, source="syn")


@pytest.mark.parametrize("coarse", [False, True])
def test_engagement_and_leadership_model_partition_equals_the_splits(coarse):
    panel = _panel(seed=5, n_countries=80)
    treated = sorted(panel.loc[panel.cohort_any > 0, "iso3"].unique())
    # odd leadership-model codes: empty and unknown go to "unclear", as the split excludes them
    panel.loc[panel.iso3 == treated[0], "first_leadership_model"] = ""
    panel.loc[panel.iso3 == treated[1], "first_leadership_model"] = "other_code"
    if coarse:  # three score values only: the 2/3 quantile falls on a tied score (ties go to the rest)
        codes = panel["iso3"].map({iso: k for k, iso in enumerate(sorted(panel.iso3.unique()))})
        panel["first_engagement"] = np.where(panel["first_engagement"].notna(), (codes % 3) * 0.3 + 0.2, np.nan)
    d = _derived_design(panel)
    assert d.n_treated_units > 20

    eng = _categories(d, "engagement")
    s = _split(panel, d, "first_engagement")
    assert set(d.groups["engagement"]) == {"top_tercile", "lower_terciles", "undocumented"}
    assert {k: eng[k] for k in s.labels} == s.members
    assert len(eng["undocumented"]) == s.excluded["first_engagement undocumented"] > 0
    scores = panel.drop_duplicates("iso3").set_index("iso3")["first_engagement"]
    assert scores[eng["undocumented"]].isna().all()
    if coarse:
        assert s.threshold in set(scores[eng["lower_terciles"]])   # a tie at the cut, in the rest
    assert any("top_tercile = first_engagement >" in n for n in d.notes)

    lead = _categories(d, "leadership_model")
    m = _split(panel, d, "first_leadership_model")
    assert set(d.groups["leadership_model"]) == {"epistemic_community_or_mixed", "advocacy_network", "unclear"}
    assert {k: lead[k] for k in m.labels} == m.members
    assert len(lead["unclear"]) == sum(m.excluded.values())
    assert {treated[0], treated[1]} <= set(lead["unclear"])
    # every treated country is in exactly one category of each dimension
    for cats in (eng, lead):
        assert sorted(sum(cats.values(), [])) == sorted(np.asarray(d.units)[d.treated].tolist())


def test_engagement_without_any_documented_score_fails_like_the_split():
    panel = _panel()
    panel["first_engagement"] = np.nan
    with pytest.raises(DataError, match="no treated country has a documented first_engagement") as err:
        _derived_design(panel)
    assert err.value.field == "first_engagement"


def test_group_columns_of_pooling_and_treatment():
    assert group_columns("any") == {"issue_area": "first_issue_area", "region": "region",
                                    "leadership": "first_leadership"}
    assert group_columns("any", ["engagement", "leadership_model"]) == {
        "engagement": "first_engagement", "leadership_model": "first_leadership_model"}
    assert group_columns("gbv", ["leadership_model", "region"]) == {
        "leadership_model": "first_leadership_model_gbv", "region": "region"}
    assert set(DIMENSIONS) == {"issue_area", "region", "leadership", "engagement", "leadership_model"}
    with pytest.raises(ValueError, match="nope"):
        group_columns("any", ["nope"])


def test_common_frame_and_conform_with_different_poolings():
    panel = _panel(seed=3)
    a, b = _design(panel), _derived_design(_panel(seed=4))
    frame = common_frame([a, b])
    assert list(frame["groups"]) == ["issue_area", "region", "leadership", "engagement", "leadership_model"]
    ca, cb = conform(a, **frame), conform(b, **frame)
    assert list(ca.groups) == ["issue_area", "region", "leadership"]
    assert list(cb.groups) == ["engagement", "leadership_model"] and cb.groups == b.groups
    for name in b.groups:
        np.testing.assert_array_equal(np.asarray(cb.groups[name])[cb.group_idx[name]][cb.treated],
                                      np.asarray(b.groups[name])[b.group_idx[name]][b.treated])
