"""The event-time design of the Bayesian event study, built from a country-year panel.

For one outcome and one treatment cohort column the design holds, per country-year row: the
standardised outcome, country and year indices, the binned event time and whether the row is
post-onset; per treated country: its category in each pooling dimension (issue area, region and
leadership type of its first campaign, or the derived engagement / leadership-model groups).

Choices (stated in ``plan.md`` sections 6.3 and 6.5):

* **Sample**: the same checks and the same sample as the frequentist estimators
  (:func:`study.estimate.did.data.prepare_panel` with no covariates: balanced panel over the
  outcome's years, cohorts after the last year recoded as never treated, cohorts without an
  untreated year dropped), plus ``[sample].min_pre_periods``: a cohort needs that many observed
  pre-onset years.
* **Event time** e = year - cohort. Post-onset years are binned at the top of ``[bayes].event_times``
  (e >= 5 is the "5" bin, so long-run effects do not load onto the reference). The reference is
  e = -1 **and** every pre-onset year before the lowest estimated lead (e < -3): those years carry
  no coefficient, so each treated country's intercept is identified from all its early pre-onset
  years, not from one year. With a single-year reference the common level of the event-time
  effects is weakly identified, and shrinkage priors on each effect then shift the whole profile
  (placebo leads included) towards zero. The leads e = -3, -2 are placebo tests of the
  no-anticipation / parallel-trends assumption. Never-treated rows have no event-time dummy.
* **Groups** are those of the first campaign that defines the country's cohort: for treatment
  ``any`` the country's first campaign (``first_issue_area``, ``region``, ``first_leadership``);
  for an issue-specific treatment ``t`` the first campaign under ``t`` (``first_issue_area_<t>``,
  ``region``, ``first_leadership_<t>``), whose attributes can differ from those of the country's
  first campaign of any issue. Categories are the sorted values observed among treated countries
  in the sample. A pooling dimension with a single category among the treated countries (issue
  area under a single-issue treatment) carries no heterogeneity to pool: it is dropped (the
  model's deviation for it is identically zero, see :func:`pooled_dimensions`), and a note says so.
  Which dimensions a model pools is set per estimate (``[bayes].pooling``, or the id's
  ``bayes_pooling``); :data:`DIMENSIONS` lists the known ones.
* **Derived dimensions** (the Bayesian counterparts of the H6 and H7 subgroup splits), per treated
  country from its first campaign under the treatment, with the rules of
  :mod:`study.estimate.did.splits` (the same functions, not a copy):

  - ``engagement`` from ``first_engagement``: ``top_tercile`` (score above the 2/3 quantile, numpy
    ``linear``, over the treated countries of this design's sample with a documented score; ties
    go to the rest), ``lower_terciles``, and ``undocumented`` (no score);
  - ``leadership_model`` from ``first_leadership_model``: ``epistemic_community_or_mixed``
    (``epistemic_community``, ``mixed``), ``advocacy_network``, and ``unclear`` (anything else).

  Unlike the frequentist split, which drops treated countries without a score or with an unclear
  model, those countries stay in the model as their own category: they are treated countries,
  their deviation is partially pooled like any other, and the engagement / leadership-model
  contrast is read between the two documented categories. The tercile cut is computed on this
  design's treated countries, so it can differ slightly from the split's when the CS sample (with
  covariates) keeps other countries.
* **Standardisation** (``[bayes].standardise_outcome``): y is centred and divided by its
  within-sample SD, so the priors are in SD units; estimates are reported in those units with the
  SD alongside.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from study.errors import DataError

GROUP_COLUMNS: dict[str, str] = {"issue_area": "first_issue_area", "region": "region",
                                 "leadership": "first_leadership"}
# Dimensions whose categories are derived from a first-campaign column (module docstring).
DERIVED_COLUMNS: dict[str, str] = {"engagement": "first_engagement", "leadership_model": "first_leadership_model"}
UNDOCUMENTED = "undocumented"      # engagement category of treated countries without a score
UNCLEAR = "unclear"                # leadership_model category of anything but the three codes
DIMENSIONS: tuple[str, ...] = (*GROUP_COLUMNS, *DERIVED_COLUMNS)


def group_columns(treatment: str, dimensions=None) -> dict[str, str]:
    """Panel columns of the pooling ``dimensions`` (default: issue area, region, leadership) for
    ``treatment`` (module docstring: Groups); the first campaign under an issue-specific treatment
    ``t`` has columns ``first_<attribute>_<t>`` (region is the country's)."""
    dims = tuple(GROUP_COLUMNS) if dimensions is None else tuple(dimensions)
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown pooling dimension(s) {unknown}; known: {', '.join(DIMENSIONS)}")
    columns = {**GROUP_COLUMNS, **DERIVED_COLUMNS}
    if treatment != "any":
        columns = {d: c if c == "region" else f"{c}_{treatment}" for d, c in columns.items()}
    return {d: columns[d] for d in dims}


def derived_categories(name: str, values: pd.Series, *, source: str, field: str) -> tuple[pd.Series, str | None]:
    """Category of each treated country (``values``: its first campaign's ``field``, indexed by
    country) in derived dimension ``name``, by the rule of the matching split
    (:func:`study.estimate.did.splits.engagement_groups`, :func:`~study.estimate.did.splits.leadership_model_groups`);
    countries the split excludes get their own category (``undocumented`` / ``unclear``). Also
    returns a note stating the rule as applied (the tercile cut) or None."""
    from study.estimate.did.splits import engagement_groups, leadership_model_groups

    if name == "engagement":
        groups, cut = engagement_groups(values, source=source, field=field)
        n_doc = int(groups.notna().sum())
        note = (f"{source}: engagement: top_tercile = {field} > {cut:g} (2/3 quantile over {n_doc} treated "
                f"countries with a documented score); {len(groups) - n_doc} treated countries without a score "
                f"form the category {UNDOCUMENTED!r}")
        return groups.fillna(UNDOCUMENTED), note
    if name == "leadership_model":
        return leadership_model_groups(values).fillna(UNCLEAR), None
    raise ValueError(f"{name!r} is not a derived pooling dimension ({', '.join(DERIVED_COLUMNS)})")


@dataclass
class EventDesign:
    """Arrays the model consumes (rows sorted by unit, then year) and the labels to report them."""

    y: np.ndarray                  # outcome, standardised if requested
    unit_idx: np.ndarray           # 0..n_units-1
    year_idx: np.ndarray           # 0..n_years-1
    event_idx: np.ndarray          # index into event_times, or len(event_times) for "no dummy"
    post: np.ndarray               # 1.0 on treated rows with e >= 0, else 0.0
    time_c: np.ndarray             # year - mean year (for country trends)
    group_idx: dict[str, np.ndarray]   # per unit; treated units only are meaningful
    units: list[str]
    years: list[int]
    event_times: list[int]         # estimated event times (reference excluded)
    groups: dict[str, list[str]]   # category labels per pooling dimension
    cohort: np.ndarray             # per unit, 0 = never treated
    y_mean: float
    y_sd: float
    outcome: str
    source: str
    notes: list[str] = field(default_factory=list)
    group_columns: dict[str, str] = field(default_factory=lambda: dict(GROUP_COLUMNS))  # dimension -> column

    @property
    def n_obs(self) -> int:
        return int(len(self.y))

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def treated(self) -> np.ndarray:
        return self.cohort > 0

    @property
    def n_treated_units(self) -> int:
        return int(self.treated.sum())

    def event_time_of_rows(self) -> np.ndarray:
        """Unbinned event time per row (NaN for never-treated units)."""
        g = self.cohort[self.unit_idx].astype(float)
        g[g == 0] = np.nan
        return np.asarray(self.years)[self.year_idx] - g

    def coords(self) -> dict[str, list]:
        return {"unit": self.units, "year": self.years, "event_time": self.event_times,
                **{k: v for k, v in self.groups.items()}, "obs": list(range(self.n_obs))}


def event_time_bins(event_times: list[int] | tuple[int, int], reference: int = -1) -> list[int]:
    """The estimated event times: the ``[lo, hi]`` range of the spec without the reference."""
    lo, hi = int(event_times[0]), int(event_times[1])
    if not lo < reference < hi:
        raise ValueError(f"event_times {[lo, hi]} must bracket the reference {reference}")
    return [e for e in range(lo, hi + 1) if e != reference]


def outcome_years(panel: pd.DataFrame, outcome: str, *, first_year: int, last_year: int | None) -> tuple[int, int]:
    """Estimation years: from ``first_year`` to the outcome's last year (spec cap or last observed)."""
    observed = panel.loc[panel[outcome].notna(), "year"]
    if observed.empty:
        raise DataError("<panel>", "outcome has no observed value", field=outcome)
    last = int(observed.max())
    if last_year is not None:
        last = min(last, int(last_year))
    return int(first_year), last


def build_design(panel: pd.DataFrame, *, outcome: str, cohort: str, event_times: list[int],
                 first_year: int, last_year: int | None = None, balanced: bool = True,
                 min_pre_periods: int = 0, min_cohort_size: int = 1, standardise: bool = True,
                 reference: int = -1, source: str | Path = "<panel>",
                 groups: dict[str, str] | None = None) -> EventDesign:
    """Build the event-time design for one outcome and cohort column (see module docstring).

    ``groups`` maps each pooling dimension to its panel column (default: the first campaign's,
    :data:`GROUP_COLUMNS`; :func:`group_columns` gives those of a treatment and a pooling).
    The dimensions of :data:`DERIVED_COLUMNS` get derived categories (:func:`derived_categories`).
    """
    from study.estimate.did.data import DidDataWarning, prepare_panel

    source = str(source)
    groups_in = dict(GROUP_COLUMNS if groups is None else groups)
    needed = ["iso3", "year", outcome, cohort, *groups_in.values()]
    for col in needed:
        if col not in panel.columns:
            raise DataError(source, "column not found", field=col)
    lo, hi = outcome_years(panel, outcome, first_year=first_year, last_year=last_year)
    frame = panel[(panel["year"] >= lo) & (panel["year"] <= hi)].reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DidDataWarning)
        checked = prepare_panel(frame, unit="iso3", time="year", cohort=cohort, outcome=outcome,
                                balanced=balanced, min_cohort_size=min_cohort_size, source=source)
    notes = [str(w.message) for w in caught if issubclass(w.category, DidDataWarning)]
    data = checked.data
    t0 = int(data["time"].min())
    if min_pre_periods > 0:
        short = (data["cohort"] > 0) & (data["cohort"] - t0 < min_pre_periods)
        if short.any():
            cohorts = sorted(data.loc[short, "cohort"].unique().tolist())
            n = data.loc[short, "unit"].nunique()
            notes.append(f"{source}: {n} unit(s) in cohorts {cohorts} have fewer than {min_pre_periods} "
                         "pre-onset years in the window and are dropped ([sample].min_pre_periods)")
            data = data[~short]
    if not (data["cohort"] > 0).any():
        raise DataError(source, "no treated country left after the sample rules", field=cohort)
    data = data.sort_values(["unit", "time"], kind="mergesort").reset_index(drop=True)

    units = sorted(data["unit"].unique().tolist())
    years = sorted(int(t) for t in data["time"].unique())
    unit_pos = {u: i for i, u in enumerate(units)}
    year_pos = {t: i for i, t in enumerate(years)}
    unit_idx = data["unit"].map(unit_pos).to_numpy(np.int64)
    year_idx = data["time"].map(year_pos).to_numpy(np.int64)
    g = data["cohort"].to_numpy(np.int64)
    t = data["time"].to_numpy(np.int64)

    bins = event_time_bins(event_times, reference)
    e = np.minimum(t - g, bins[-1])  # post-onset end bin; e < bins[0] joins the reference
    pos = {b: i for i, b in enumerate(bins)}
    no_dummy = len(bins)
    event_idx = np.array([pos.get(int(k), no_dummy) for k in e], dtype=np.int64)
    event_idx[g == 0] = no_dummy
    post = ((g > 0) & (t >= g)).astype(np.float64)

    unit_cohort = data.groupby("unit", sort=True)["cohort"].first().reindex(units).to_numpy(np.int64)
    attrs = panel.drop_duplicates("iso3").set_index("iso3")[list(dict.fromkeys(groups_in.values()))].reindex(units)
    group_idx, groups = {}, {}
    for name, col in groups_in.items():
        if name in DERIVED_COLUMNS:
            derived, note = derived_categories(name, attrs[col][unit_cohort > 0], source=source, field=col)
            values = derived.reindex(units).astype("string")
            if note:
                notes.append(note)
        else:
            values = attrs[col].astype("string")
        treated_vals = values[unit_cohort > 0]
        bad = treated_vals.isna() | (treated_vals.str.strip() == "")
        if bad.any():
            iso = treated_vals.index[bad.to_numpy()][0]
            raise DataError(source, f"treated country has no {name} (needed for partial pooling)",
                            row=f"iso3={iso}", field=col)
        labels = sorted(treated_vals.unique().tolist())
        if len(labels) == 1:
            notes.append(f"{source}: every treated country has {col} = {labels[0]!r}: the {name} dimension "
                         "is dropped from the partial pooling (nothing to pool) and not reported")
        lab_pos = {lab: i for i, lab in enumerate(labels)}
        group_idx[name] = np.array([lab_pos.get(v, 0) if c > 0 else 0 for v, c in
                                    zip(values.fillna("").tolist(), unit_cohort)], dtype=np.int64)
        groups[name] = labels

    y_raw = data["outcome"].to_numpy(np.float64)
    y_mean = float(y_raw.mean()) if standardise else 0.0
    y_sd = float(y_raw.std(ddof=1)) if standardise else 1.0
    if not y_sd > 0:
        raise DataError(source, "outcome is constant in the estimation sample", field=outcome)
    y = (y_raw - y_mean) / y_sd
    time_c = (t - np.mean(years)).astype(np.float64)
    return EventDesign(y=y, unit_idx=unit_idx, year_idx=year_idx, event_idx=event_idx, post=post,
                       time_c=time_c, group_idx=group_idx, units=units, years=years, event_times=bins,
                       groups=groups, cohort=unit_cohort, y_mean=y_mean, y_sd=y_sd, outcome=outcome,
                       source=source, notes=notes, group_columns=groups_in)


def conform(design: EventDesign, *, units: list[str], years: list[int],
            groups: dict[str, list[str]]) -> EventDesign:
    """The same design indexed into wider unit, year and category lists (supersets of its own).

    Designs for different outcomes and treatments then share parameter shapes, so one compiled
    model serves them all (``nutpie``'s ``with_data``). A padded unit has no rows (its intercept
    is drawn from its prior and never reported); a padded category has no treated country (weight
    0 in the centring of the deviations, not reported).

    Only the design's own pooling dimensions are kept (``groups`` may hold more, those of other
    designs).
    """
    missing_units = sorted(set(design.units) - set(units))
    missing_years = sorted(set(design.years) - set(years))
    if missing_units or missing_years:
        raise ValueError(f"conform: target lacks units {missing_units[:5]} or years {missing_years[:5]}")
    unit_pos = {u: i for i, u in enumerate(units)}
    year_pos = {t: i for i, t in enumerate(years)}
    unit_map = np.array([unit_pos[u] for u in design.units], dtype=np.int64)
    year_map = np.array([year_pos[t] for t in design.years], dtype=np.int64)
    cohort = np.zeros(len(units), dtype=np.int64)
    cohort[unit_map] = design.cohort
    group_idx = {}
    for name, labels in design.groups.items():
        target = groups[name]
        absent = sorted(set(labels) - set(target))
        if absent:
            raise ValueError(f"conform: target categories of {name} lack {absent}")
        lab_map = np.array([target.index(lab) for lab in labels], dtype=np.int64)
        idx = np.zeros(len(units), dtype=np.int64)
        idx[unit_map] = lab_map[design.group_idx[name]]
        group_idx[name] = idx
    time_c = (np.asarray(design.years)[design.year_idx] - np.mean(years)).astype(np.float64)
    return EventDesign(y=design.y, unit_idx=unit_map[design.unit_idx], year_idx=year_map[design.year_idx],
                       event_idx=design.event_idx, post=design.post, time_c=time_c, group_idx=group_idx,
                       units=list(units), years=list(years), event_times=design.event_times,
                       groups={k: list(groups[k]) for k in design.groups}, cohort=cohort, y_mean=design.y_mean,
                       y_sd=design.y_sd, outcome=design.outcome, source=design.source, notes=design.notes,
                       group_columns=dict(design.group_columns))


def common_frame(designs: list[EventDesign]) -> dict:
    """Sorted unions of the units, years and categories of several designs (for :func:`conform`).

    Designs may pool different dimensions; each dimension's categories are the union over the
    designs that have it.
    """
    units = sorted(set().union(*(d.units for d in designs)))
    years = sorted(set().union(*(d.years for d in designs)))
    names = list(dict.fromkeys(n for d in designs for n in d.groups))
    groups = {n: sorted(set().union(*(d.groups[n] for d in designs if n in d.groups))) for n in names}
    return {"units": units, "years": years, "groups": groups}


def pooled_dimensions(design: EventDesign, pooling) -> tuple[str, ...]:
    """The dimensions of ``pooling`` with at least two categories among the treated countries.

    A dimension with one category is dropped: the model centres each deviation on the treated
    countries, so with a single category its deviation is identically zero (its scale and raw
    deviation are prior draws that touch no data) and the "group effect" would repeat the pooled
    effect. This keeps one compiled model for designs that differ in their categories.
    """
    return tuple(p for p in pooling if int((treated_counts(design, p) > 0).sum()) >= 2)


def treated_counts(design: EventDesign, name: str) -> np.ndarray:
    """Number of treated countries in each category of pooling dimension ``name``."""
    idx = design.group_idx[name][design.treated]
    return np.bincount(idx, minlength=len(design.groups[name]))
