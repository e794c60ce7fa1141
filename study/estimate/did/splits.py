"""Heterogeneity splits (plan 6.5; spec ``[[estimates]]`` with ``split``): CS on subgroups of treated countries.

A split divides the treated countries of the estimate's treatment (those that enter the checked
estimation sample) into two subgroups from panel columns (contract in docs/architecture.md):

========================== ======================================================= ==================================
split                      first subgroup (key)                                    second subgroup (key)
========================== ======================================================= ==================================
``internet_at_onset``      ``high``: ``internet_users`` in the year before the      ``low``: at or below that median
                           cohort year above the median over treated countries
                           with data
``first_leadership``       ``transnational_ngo``                                   ``domestic_or_diaspora``
``regime_at_onset``        ``closed_autocracy`` in the year before onset:          ``other``
                           ``regime == 0`` (V-Dem ``v2x_regime``) if the panel has
                           the column, else ``polyarchy`` below the estimate's
                           ``closed_autocracy_polyarchy_max``
``first_engagement``       ``top_tercile``: ``first_engagement`` above the 2/3      ``lower_terciles``
                           quantile (numpy ``linear``) over treated countries with
                           a documented score (ties at the cut go to the rest)
``first_leadership_model`` ``epistemic_community_or_mixed``                        ``advocacy_network``
========================== ======================================================= ==================================

Treated countries without the information (no value, ``unclear``, another code) are excluded
from both subgroups and counted by reason. Each subgroup is estimated with Callaway & Sant'Anna
(the spec's options) against all clean controls of the full-sample design (never-targeted
countries, and countries first targeted after the window), and the primary estimand is reported
per subgroup (estimand ``subgroup``, key = subgroup) with the difference first minus second (key
``difference``), whose SE comes from the two estimates' per-unit influence functions on a common
unit index (:mod:`.influence`: the subgroups share their controls). SEs here are the analytic
influence-function SEs, so that subgroup and difference SEs are on the same footing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from study.errors import DataError, StudyError

SPLITS = ("internet_at_onset", "first_leadership", "regime_at_onset", "first_engagement", "first_leadership_model")
DIFFERENCE = "difference"


@dataclass
class Split:
    """Treated countries of each subgroup; ``difference`` = ``labels[0]`` minus ``labels[1]``."""

    name: str
    labels: tuple[str, str]
    members: dict[str, list[str]]
    excluded: dict[str, int] = field(default_factory=dict)
    rule: str = ""
    threshold: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "labels": list(self.labels), "rule": self.rule, "threshold": self.threshold,
                "members": {k: sorted(v) for k, v in self.members.items()},
                "n_members": {k: len(v) for k, v in self.members.items()},
                "excluded": dict(sorted(self.excluded.items()))}


def _country_attribute(panel: pd.DataFrame, column: str, countries: list[str], source: str) -> pd.Series:
    """One value per country of a column that must not vary within a country (first-campaign
    attributes). Empty strings count as missing."""
    if column not in panel.columns:
        raise DataError(source, f"column not found (needed for the '{column}' split)", field=column)
    rows = panel.loc[panel["iso3"].isin(countries), ["iso3", "year", column]]
    values = rows[column].replace("", np.nan)
    distinct = values.groupby(rows["iso3"]).nunique()
    if (distinct > 1).any():
        iso = distinct[distinct > 1].index[0]
        raise DataError(source, f"first-campaign attribute varies within country {iso}", row=f"iso3={iso}",
                        field=column)
    return values.groupby(rows["iso3"]).first().reindex(countries)


def _year_before_onset(panel: pd.DataFrame, column: str, cohorts: pd.Series, source: str) -> pd.Series:
    """``column`` in year ``cohort - 1`` for each treated country (NaN where not observed)."""
    if column not in panel.columns:
        raise DataError(source, f"column not found (needed for the year-before-onset split)", field=column)
    keys = pd.MultiIndex.from_arrays([cohorts.index, cohorts.to_numpy() - 1], names=["iso3", "year"])
    values = panel.set_index(["iso3", "year"])[column]
    return pd.Series(values.reindex(keys).to_numpy(dtype=float), index=cohorts.index)


def _partition(name: str, labels: tuple[str, str], in_first: pd.Series, usable: pd.Series,
               reasons: pd.Series, rule: str, threshold: float | None = None) -> Split:
    members = {labels[0]: sorted(in_first.index[usable & in_first]),
               labels[1]: sorted(in_first.index[usable & ~in_first])}
    excluded = reasons[~usable].value_counts().to_dict()
    return Split(name, labels, members, {str(k): int(v) for k, v in excluded.items()}, rule, threshold)


ENGAGEMENT_GROUPS = ("top_tercile", "lower_terciles")
LEADERSHIP_MODEL_GROUPS = ("epistemic_community_or_mixed", "advocacy_network")
_LEADERSHIP_MODEL_GROUP = {"epistemic_community": LEADERSHIP_MODEL_GROUPS[0], "mixed": LEADERSHIP_MODEL_GROUPS[0],
                           "advocacy_network": LEADERSHIP_MODEL_GROUPS[1]}


def engagement_groups(score: pd.Series, *, source: str, field: str = "first_engagement") -> tuple[pd.Series, float]:
    """Engagement group of each treated country (index of ``score``): ``top_tercile`` if its first
    campaign's documented engagement score is above the 2/3 quantile (numpy ``linear``) of the scores
    of the treated countries with one (ties at the cut go to the rest), else ``lower_terciles``; NaN
    where undocumented. Returns the groups and the cut. Shared with the Bayesian ``engagement``
    pooling dimension (:mod:`study.estimate.bayes.design`)."""
    v = pd.to_numeric(score.astype(object), errors="coerce").astype(float)
    usable = v.notna()
    if not usable.any():
        raise DataError(source, f"no treated country has a documented {field} score", field=field)
    cut = float(np.quantile(v[usable], 2 / 3))
    group = pd.Series(np.where(v > cut, ENGAGEMENT_GROUPS[0], ENGAGEMENT_GROUPS[1]), index=v.index, dtype=object)
    return group.where(usable), cut


def leadership_model_groups(model: pd.Series) -> pd.Series:
    """Leadership-model group of each treated country's first campaign: ``epistemic_community`` and
    ``mixed`` -> ``epistemic_community_or_mixed``, ``advocacy_network`` -> ``advocacy_network``, NaN
    for anything else (``unclear``, missing, another code). Shared with the Bayesian
    ``leadership_model`` pooling dimension (:mod:`study.estimate.bayes.design`)."""
    return model.astype(object).map(_LEADERSHIP_MODEL_GROUP)


def define_split(panel: pd.DataFrame, name: str, cohorts: pd.Series, *, est: dict[str, Any],
                 source: str) -> Split:
    """The two subgroups of split ``name`` among the treated countries ``cohorts`` (iso3 -> cohort year)."""
    countries = list(cohorts.index)
    if name == "internet_at_onset":
        x = _year_before_onset(panel, "internet_users", cohorts, source)
        usable = x.notna()
        if not usable.any():
            raise DataError(source, "no treated country has internet_users in the year before onset",
                            field="internet_users")
        median = float(np.median(x[usable]))
        return _partition(name, ("high", "low"), x > median, usable,
                          pd.Series("internet_users missing in the year before onset", index=x.index),
                          f"internet_users in the year before onset > {median:g} (median of "
                          f"{int(usable.sum())} treated countries with data)", median)
    if name == "first_leadership":
        v = _country_attribute(panel, "first_leadership", countries, source)
        usable = v.isin(["transnational_ngo", "domestic", "diaspora"])
        return _partition(name, ("transnational_ngo", "domestic_or_diaspora"), v == "transnational_ngo", usable,
                          v.fillna("missing").map(lambda s: f"first_leadership = {s}"),
                          "first_leadership transnational_ngo vs domestic or diaspora")
    if name == "regime_at_onset":
        if "regime" in panel.columns:
            x = _year_before_onset(panel, "regime", cohorts, source)
            closed, rule, threshold = x == 0, "regime (V-Dem v2x_regime) = 0 in the year before onset", None
            why = "regime missing in the year before onset"
        else:
            if "closed_autocracy_polyarchy_max" not in est:
                raise StudyError(f"spec: estimate {est['id']} needs closed_autocracy_polyarchy_max "
                                 "(the panel has no regime column)")
            threshold = float(est["closed_autocracy_polyarchy_max"])
            x = _year_before_onset(panel, "polyarchy", cohorts, source)
            closed = x < threshold
            rule = f"polyarchy < {threshold:g} in the year before onset (no regime column in the panel)"
            why = "polyarchy missing in the year before onset"
        usable = x.notna()
        return _partition(name, ("closed_autocracy", "other"), closed, usable, pd.Series(why, index=x.index),
                          rule, threshold)
    if name == "first_engagement":
        v = _country_attribute(panel, "first_engagement", countries, source)
        group, cut = engagement_groups(v, source=source)
        usable = group.notna()
        return _partition(name, ENGAGEMENT_GROUPS, group == ENGAGEMENT_GROUPS[0], usable,
                          pd.Series("first_engagement undocumented", index=v.index),
                          f"first_engagement > {cut:g} (2/3 quantile of {int(usable.sum())} treated "
                          "countries with a documented score)", cut)
    if name == "first_leadership_model":
        v = _country_attribute(panel, "first_leadership_model", countries, source)
        group = leadership_model_groups(v)
        usable = group.notna()
        return _partition(name, LEADERSHIP_MODEL_GROUPS, group == LEADERSHIP_MODEL_GROUPS[0], usable,
                          v.fillna("missing").map(lambda s: f"first_leadership_model = {s}"),
                          "first_leadership_model epistemic_community or mixed vs advocacy_network "
                          "(unclear excluded)")
    raise StudyError(f"spec: estimate {est['id']}: unknown split {name!r} (known: {', '.join(SPLITS)})")


# ------------------------------------------------------------------------------------------------
# Estimation
# ------------------------------------------------------------------------------------------------

@dataclass
class SubgroupFits:
    split: Split
    fits: dict[str, Any]                 # label -> api.DidFit
    estimate: dict[str, float]           # label -> primary estimand
    se: dict[str, float]
    difference: float
    difference_se: float
    n_units: int
    n_obs: int


def fit_subgroups(frame: pd.DataFrame, split: Split, *, controls: list[str], fit_kwargs: dict[str, Any],
                  unit: str = "iso3") -> SubgroupFits:
    """CS on each subgroup + all ``controls``; primary estimands and the SE of their difference.

    ``fit_kwargs`` go to :func:`.api.fit` (``primary_window`` required; analytic SEs are used).
    """
    from study.estimate.did import api
    from study.estimate.did.influence import difference_se, per_unit, unit_labels

    fits, est, se, phi = {}, {}, {}, {}
    kwargs = {**fit_kwargs, "bootstrap": 0}
    for label in split.labels:
        members = split.members[label]
        if not members:
            raise DataError(fit_kwargs.get("source", "<data>"), f"split {split.name}: subgroup {label} has no "
                            "treated country")
        sub = frame[frame[unit].isin(set(members) | set(controls))]
        source = f"{fit_kwargs.get('source', '<data>')} [{split.name}={label}]"
        try:
            fit = api.fit(sub, **{**kwargs, "source": source, "unit": unit})
        except ValueError as exc:  # e.g. an event time of the primary window not estimable
            raise DataError(source, str(exc)) from exc
        if fit.primary is None:
            raise StudyError("subgroup fits need primary_window")
        fits[label] = fit
        est[label] = float(fit.primary.att)
        se[label] = float(fit.primary.se)
        phi[label] = per_unit(fit.primary.inf, unit_labels(fit.panel, fit.res))
    first, second = split.labels
    units = phi[first].index.union(phi[second].index)
    n_obs = len(pd.concat([fits[first].panel.data, fits[second].panel.data]).drop_duplicates(["unit", "time"]))
    return SubgroupFits(split, fits, est, se, est[first] - est[second], difference_se(phi[first], phi[second]),
                        len(units), n_obs)


def subgroup_rows(result: SubgroupFits, base: dict[str, Any], *, alpha: float) -> list[dict[str, Any]]:
    """Tidy rows: one ``subgroup`` row per subgroup and the ``difference`` (pointwise 95%, z-test)."""
    from scipy.stats import norm

    z = float(norm.ppf(1 - alpha / 2))

    def row(key: str, estimate: float, se: float, **sizes: Any) -> dict[str, Any]:
        p = float(2 * norm.sf(abs(estimate) / se)) if se > 0 and math.isfinite(se) else None
        return {**base, **sizes, "estimator": "cs", "estimand": "subgroup", "key": key, "estimate": estimate,
                "se": se, "ci_low": estimate - z * se, "ci_high": estimate + z * se, "ci_kind": "pointwise95",
                "p_value": p}

    rows = []
    for label in result.split.labels:
        f = result.fits[label]
        rows.append(row(label, result.estimate[label], result.se[label], n_obs=len(f.panel.data),
                        n_units=f.panel.n_units, n_treated_units=f.panel.n_treated_units))
    n_treated = sum(result.fits[label].panel.n_treated_units for label in result.split.labels)
    rows.append(row(DIFFERENCE, result.difference, result.difference_se, n_obs=result.n_obs,
                    n_units=result.n_units, n_treated_units=n_treated))
    return rows


def split_output(result: SubgroupFits) -> dict[str, Any]:
    """JSON document: the split definition, each subgroup's full CS output and the difference."""
    from study.estimate.did import api

    return {"split": result.split.as_dict(),
            "subgroups": {label: api.to_dict(f) for label, f in result.fits.items()},
            "difference": {"estimate": result.difference, "se": result.difference_se,
                           "order": f"{result.split.labels[0]} minus {result.split.labels[1]}",
                           "se_method": "joint per-unit influence functions on the common unit index"}}
