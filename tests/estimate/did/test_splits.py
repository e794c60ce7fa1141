"""Heterogeneity splits (study/estimate/did/splits.py) and the SE of a subgroup difference.

All panels here are SYNTHETIC (generated with fixed seeds or written out by hand).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from study.errors import DataError
from study.estimate.did import api, cs, splits
from study.estimate.did.data import DidPanel
from study.estimate.did.influence import difference_se, per_unit, unit_labels

EST = {"id": "H4", "closed_autocracy_polyarchy_max": 0.25}


def _attribute_panel(**columns) -> pd.DataFrame:
    """SYNTHETIC panel of six treated countries T1..T6 (cohorts 2010/2012) over 2005-2014."""
    cohorts = {"T1": 2010, "T2": 2010, "T3": 2012, "T4": 2012, "T5": 2010, "T6": 2012}
    rows = [{"iso3": iso, "year": y, "cohort_any": g} for iso, g in cohorts.items() for y in range(2005, 2015)]
    frame = pd.DataFrame(rows)
    for name, per_country in columns.items():
        frame[name] = frame["iso3"].map(per_country) if isinstance(per_country, dict) else per_country(frame)
    return frame


def _cohorts(frame):
    return frame.drop_duplicates("iso3").set_index("iso3")["cohort_any"]


def _by_year_before_onset(values: dict[str, float], other: float = -1.0):
    """A column equal to ``values[iso]`` in the year before the country's cohort and ``other`` elsewhere."""
    return lambda f: np.where(f["year"] == f["cohort_any"] - 1, f["iso3"].map(values), other)


def test_internet_at_onset_median_of_treated_with_data():
    x = {"T1": 10.0, "T2": 100.0, "T3": 20.0, "T4": 30.0, "T5": np.nan, "T6": 25.0}
    panel = _attribute_panel(internet_users=_by_year_before_onset(x, other=99.0))
    s = splits.define_split(panel, "internet_at_onset", _cohorts(panel), est=EST, source="syn")
    assert s.threshold == 25.0  # median (not mean) of 10, 20, 25, 30, 100: year-before-onset values only
    assert s.members == {"high": ["T2", "T4"], "low": ["T1", "T3", "T6"]}  # the median itself is "low"
    assert s.excluded == {"internet_users missing in the year before onset": 1}


def test_first_leadership_and_leadership_model():
    lead = {"T1": "transnational_ngo", "T2": "domestic", "T3": "diaspora", "T4": "", "T5": "transnational_ngo",
            "T6": "domestic"}
    model = {"T1": "epistemic_community", "T2": "mixed", "T3": "advocacy_network", "T4": "unclear",
             "T5": "advocacy_network", "T6": "unclear"}
    panel = _attribute_panel(first_leadership=lead, first_leadership_model=model)
    s = splits.define_split(panel, "first_leadership", _cohorts(panel), est=EST, source="syn")
    assert s.members == {"transnational_ngo": ["T1", "T5"], "domestic_or_diaspora": ["T2", "T3", "T6"]}
    assert s.excluded == {"first_leadership = missing": 1}
    m = splits.define_split(panel, "first_leadership_model", _cohorts(panel), est=EST, source="syn")
    assert m.members == {"epistemic_community_or_mixed": ["T1", "T2"], "advocacy_network": ["T3", "T5"]}
    assert m.excluded == {"first_leadership_model = unclear": 2}


def test_attribute_varying_within_country_is_bad_input():
    panel = _attribute_panel(first_leadership=lambda f: np.where(f["year"] < 2008, "domestic", "diaspora"))
    with pytest.raises(DataError, match="varies within country T1") as err:
        splits.define_split(panel, "first_leadership", _cohorts(panel), est=EST, source="syn")
    assert err.value.field == "first_leadership"


def test_regime_at_onset_with_and_without_v2x_regime():
    poly = {"T1": 0.10, "T2": 0.25, "T3": 0.60, "T4": 0.20, "T5": np.nan, "T6": 0.24}
    panel = _attribute_panel(polyarchy=_by_year_before_onset(poly, other=0.9))
    s = splits.define_split(panel, "regime_at_onset", _cohorts(panel), est=EST, source="syn")
    assert s.members == {"closed_autocracy": ["T1", "T4", "T6"], "other": ["T2", "T3"]}  # 0.25 is not below
    assert s.excluded == {"polyarchy missing in the year before onset": 1} and s.threshold == 0.25
    regime = {"T1": 1, "T2": 0, "T3": 0, "T4": 2, "T5": 3, "T6": np.nan}
    panel["regime"] = _by_year_before_onset(regime, other=0)(panel)
    r = splits.define_split(panel, "regime_at_onset", _cohorts(panel), est=EST, source="syn")
    assert r.members == {"closed_autocracy": ["T2", "T3"], "other": ["T1", "T4", "T5"]}  # regime wins
    assert r.excluded == {"regime missing in the year before onset": 1}


def test_first_engagement_top_tercile_and_missing_column():
    score = {"T1": 0.1, "T2": 0.5, "T3": 0.3, "T4": 0.6, "T5": np.nan, "T6": 0.4}
    panel = _attribute_panel(first_engagement=score)
    s = splits.define_split(panel, "first_engagement", _cohorts(panel), est=EST, source="syn")
    # 2/3 quantile of (0.1, 0.3, 0.4, 0.5, 0.6), linear: 0.4 + (4 * 2/3 - 2) * 0.1 = 0.4667
    assert s.threshold == pytest.approx(0.4 + (4 * 2 / 3 - 2) * 0.1)
    assert s.members == {"top_tercile": ["T2", "T4"], "lower_terciles": ["T1", "T3", "T6"]}
    assert s.excluded == {"first_engagement undocumented": 1}
    tied = _attribute_panel(first_engagement={**score, "T6": 0.5})  # (0.1, 0.3, 0.5, 0.5, 0.6): cut 0.5
    t = splits.define_split(tied, "first_engagement", _cohorts(tied), est=EST, source="syn")
    assert t.threshold == 0.5 and t.members["top_tercile"] == ["T4"]  # ties at the cut go to the rest
    with pytest.raises(DataError, match="column not found") as err:
        splits.define_split(panel.drop(columns="first_engagement"), "first_engagement", _cohorts(panel),
                            est=EST, source="syn")
    assert err.value.field == "first_engagement"


# ------------------------------------------------------------------------------------------------
# SE of the subgroup difference
# ------------------------------------------------------------------------------------------------

YEARS = range(2000, 2010)
FIT = dict(unit="iso3", time="year", cohort="cohort_any", outcome="y", covariates=[], control_group="nevertreated",
           method="reg", anticipation=0, alpha=0.05, balanced=True, min_cohort_size=1, event_window=(-3, 3),
           base_period="varying", primary_window=(0, 2), source="synthetic")


def _shared_control_panel(seed: int = 939377876) -> tuple[pd.DataFrame, splits.Split, list[str]]:
    """SYNTHETIC: 30 + 30 treated countries (cohorts 2004/2006, effect 0.5 in A, 0.2 in B) and 25
    never-treated countries whose year shocks (SD 1) are much noisier than the treated ones' (0.3),
    so that the shared control trend dominates both subgroup estimates."""
    rng = np.random.default_rng(seed)
    rows, members = [], {"A": [], "B": []}
    for i in range(85):
        group = "C" if i < 25 else ("A" if i < 55 else "B")
        g = 0 if group == "C" else (2004 if i % 2 else 2006)
        iso = f"{group}{i:03d}"
        if group != "C":
            members[group].append(iso)
        alpha, sd = rng.normal(), (1.0 if group == "C" else 0.3)
        for t in YEARS:
            effect = ({"A": 0.5, "B": 0.2}[group] if g and t >= g else 0.0)
            rows.append((iso, t, g, alpha + 0.1 * (t - 2000) + effect + rng.normal(0, sd)))
    frame = pd.DataFrame(rows, columns=["iso3", "year", "cohort_any", "y"])
    controls = sorted(frame.loc[frame.cohort_any == 0, "iso3"].unique())
    return frame, splits.Split("synthetic", ("A", "B"), members), controls


def _primary(frame: pd.DataFrame) -> float:
    """Primary estimand of one (balanced, checked by construction) sample: point estimate only."""
    data = frame.rename(columns={"iso3": "unit", "year": "time", "cohort_any": "cohort", "y": "outcome"})
    panel = DidPanel(data=data.sort_values(["unit", "time"]).reset_index(drop=True), covariates=[],
                     source="synthetic bootstrap draw", balanced=True)
    dyn = cs.aggregate(cs.att_gt(panel, method="reg"), "dynamic", min_e=-3, max_e=3)
    return cs.average_event_times(dyn, (0, 2)).att


def test_difference_se_matches_country_cluster_bootstrap():
    """Brute force: resample countries with replacement (each draw a new panel with fresh country
    ids), re-estimate both subgroups against the drawn controls; the SD of the difference over 300
    draws matches the influence-function SE, while the SE that ignores the shared controls is more
    than twice as large. Tolerance 20%: Monte Carlo SD of a bootstrap SD ~4% at 300 draws, plus the
    small-sample gap between bootstrap and analytic SEs with 25 controls (in this design the
    bootstrap SD was 6-14% above the IF SE over seeds, and the IF SE 8% above the SD of the
    difference over 300 freshly simulated panels)."""
    frame, split, controls = _shared_control_panel()
    res = splits.fit_subgroups(frame, split, controls=controls, fit_kwargs=FIT)
    assert res.difference == pytest.approx(res.estimate["A"] - res.estimate["B"], abs=1e-15)

    frame = frame.sort_values(["iso3", "year"]).reset_index(drop=True)
    n_years = len(YEARS)
    countries = frame["iso3"].to_numpy()[::n_years]
    rng = np.random.default_rng(20261129)
    draws = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(300):
            pick = rng.integers(0, len(countries), len(countries))
            boot = frame.iloc[(pick[:, None] * n_years + np.arange(n_years)).ravel()].copy()
            boot["iso3"] = np.repeat([f"{countries[p]}_{k}" for k, p in enumerate(pick)], n_years)
            group = boot["iso3"].str[0]
            draws.append(_primary(boot[group.isin(["A", "C"])]) - _primary(boot[group.isin(["B", "C"])]))
    boot_se = float(np.std(draws, ddof=1))
    naive = float(np.hypot(res.se["A"], res.se["B"]))
    assert res.difference_se == pytest.approx(boot_se, rel=0.2)
    assert naive > 2 * boot_se  # the shared controls matter in this design


def test_difference_se_without_shared_controls_is_sum_of_variances():
    """Subgroups with disjoint comparison countries are independent: se^2 = se_A^2 + se_B^2 exactly."""
    frame, split, controls = _shared_control_panel(seed=7)
    half = set(controls[: len(controls) // 2])
    kw = {**FIT, "bootstrap": 0}
    fit_a = api.fit(frame[frame.iso3.isin(set(split.members["A"]) | half)], **kw)
    fit_b = api.fit(frame[frame.iso3.isin(set(split.members["B"]) | (set(controls) - half))], **kw)
    phi_a = per_unit(fit_a.primary.inf, unit_labels(fit_a.panel, fit_a.res))
    phi_b = per_unit(fit_b.primary.inf, unit_labels(fit_b.panel, fit_b.res))
    assert not set(phi_a.index) & set(phi_b.index)
    assert np.sqrt(np.sum(phi_a ** 2)) == pytest.approx(fit_a.primary.se, rel=1e-12)
    assert difference_se(phi_a, phi_b) == pytest.approx(np.hypot(fit_a.primary.se, fit_b.primary.se), rel=1e-12)


def test_subgroup_rows_sizes_and_empty_subgroup():
    frame, split, controls = _shared_control_panel()
    res = splits.fit_subgroups(frame, split, controls=controls, fit_kwargs=FIT)
    rows = {r["key"]: r for r in splits.subgroup_rows(res, {"spec_id": "H0", "variant": "primary"}, alpha=0.05)}
    assert list(rows) == ["A", "B", "difference"]
    assert [rows[k]["n_treated_units"] for k in ("A", "B", "difference")] == [30, 30, 60]
    assert (rows["A"]["n_units"], rows["difference"]["n_units"]) == (55, 85)
    assert all(r["estimand"] == "subgroup" and r["ci_kind"] == "pointwise95" for r in rows.values())
    d = rows["difference"]
    assert d["ci_high"] - d["ci_low"] == pytest.approx(2 * 1.959963984540054 * d["se"])
    # synthetic truth: effects 0.5 (A) and 0.2 (B)
    assert abs(rows["A"]["estimate"] - 0.5) < 3 * rows["A"]["se"] and abs(d["estimate"] - 0.3) < 3 * d["se"]
    empty = splits.Split("synthetic", ("A", "B"), {"A": split.members["A"], "B": []})
    with pytest.raises(DataError, match="subgroup B has no treated country"):
        splits.fit_subgroups(frame, empty, controls=controls, fit_kwargs=FIT)
