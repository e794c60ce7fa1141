"""SYNTHETIC country-year panels with known campaign effects, for tests, benchmarks and recovery checks.

Nothing here touches real data. The panels follow the panel contract of ``docs/architecture.md``
(``iso3``, ``year``, ``region``, outcome columns, ``cohort_<t>``, ``cohort_<t>_core``, the
``first_<attribute>`` columns of the first campaign, its SYNTHETIC documented engagement score
``first_engagement`` (NaN if undocumented) and the ``first_<attribute>_<t>`` columns of the
first campaign under each issue-specific treatment ``t``) so that the study step can be run end to end on them; country codes are
``Sxx``-style placeholders and every country name starts with "Synthetic".

The outcome is generated from the model the Bayesian event study fits (country and year effects,
optional country trends, event-time effects ``mu_e`` with additive issue/region/leadership
deviations after onset, Normal or AR(1) residuals), so the known ``mu_e`` can be checked against the posterior.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

REGIONS: tuple[str, ...] = (
    "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean",
    "Middle East & North Africa", "North America", "South Asia", "Sub-Saharan Africa",
)
ISSUE_AREAS: tuple[str, ...] = (
    "gbv_womens_rights", "lgbtq_rights", "political_prisoners_free_expression",
    "police_security_violence", "internet_shutdowns_digital_rights", "childrens_rights",
    "minority_rights", "labour_migrant_rights", "death_penalty", "other",
)
LEADERSHIP: tuple[str, ...] = ("domestic", "diaspora", "transnational_ngo")
OUTCOMES: tuple[str, ...] = ("civil_liberties", "physical_violence", "free_expression",
                             "womens_civil_liberties", "internet_shutdowns", "hr_protection")


@dataclass
class SyntheticTruth:
    """The known effects (outcome units) used to generate a SYNTHETIC panel."""

    event_effects: dict[int, float]               # mu_e for binned event times; e = -1 is 0
    issue_dev: dict[str, float] = field(default_factory=dict)
    region_dev: dict[str, float] = field(default_factory=dict)
    leadership_dev: dict[str, float] = field(default_factory=dict)


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"S{letters[i // 26 % 26]}{letters[i % 26]}" for i in range(n)]


def simulate_panel(*, n_countries: int = 180, first_year: int = 1995, last_year: int = 2023,
                   treated_share: float = 0.45, cohort_years: tuple[int, int] = (2006, 2020),
                   event_effects: dict[int, float] | None = None, event_range: tuple[int, int] = (-3, 5),
                   group_sd: float = 0.0, country_sd: float = 0.15, year_sd: float = 0.03,
                   trend_sd: float = 0.0, noise_sd: float = 0.03, ar_rho: float = 0.0,
                   treatments: dict[str, object] | None = None, second_share: float = 0.3,
                   seed: int = 0) -> tuple[pd.DataFrame, SyntheticTruth]:
    """A SYNTHETIC balanced panel and the truth that generated it.

    ``event_effects`` maps binned event time (``event_range`` clips e) to the mean effect in
    outcome units (missing keys are 0; e = -1 is the reference). Post-onset group deviations are
    drawn from Normal(0, ``group_sd``) per issue area, region and leadership type. ``treatments``
    maps a treatment name to its issue areas (``"all"`` or a list), as in ``[treatments.<t>]``;
    every outcome column gets the same effects, driven by the ``any`` cohort (the first campaign
    and its groups). ``second_share`` of the treated countries have a later second campaign of
    another issue area, so a country can enter an issue-specific cohort through it; the
    ``first_<attribute>_<t>`` columns hold the first campaign under ``t``. Residuals follow a
    stationary AR(1) process with autocorrelation ``ar_rho`` and innovation SD ``noise_sd``.
    """
    rng = np.random.default_rng(seed)
    treatments = treatments or {"any": "all"}
    event_effects = dict(event_effects or {})
    years = np.arange(first_year, last_year + 1)
    iso3 = _codes(n_countries)
    region = [REGIONS[i % len(REGIONS)] for i in range(n_countries)]
    treated = rng.random(n_countries) < treated_share
    cohort = np.where(treated, rng.integers(cohort_years[0], cohort_years[1] + 1, n_countries), 0)
    issue = np.where(treated, rng.choice(ISSUE_AREAS, n_countries), "")
    lead = np.where(treated, rng.choice(LEADERSHIP, n_countries), "")

    truth = SyntheticTruth(event_effects=event_effects)
    if group_sd > 0:
        truth.issue_dev = {g: float(v) for g, v in zip(ISSUE_AREAS, rng.normal(0, group_sd, len(ISSUE_AREAS)))}
        truth.region_dev = {g: float(v) for g, v in zip(REGIONS, rng.normal(0, group_sd, len(REGIONS)))}
        truth.leadership_dev = {g: float(v) for g, v in zip(LEADERSHIP, rng.normal(0, group_sd, len(LEADERSHIP)))}

    n_t = len(years)
    unit = np.repeat(np.arange(n_countries), n_t)
    year = np.tile(years, n_countries)
    g = cohort[unit]
    e = np.minimum(year - g, event_range[1])  # e < event_range[0]: reference (no effect), as in the design
    is_treated = g > 0
    effect = np.where(is_treated, np.array([event_effects.get(int(k), 0.0) for k in e]), 0.0)
    effect = np.where(is_treated & (e == -1), 0.0, effect)
    post = is_treated & (year >= g)
    dev = np.array([truth.issue_dev.get(issue[i], 0.0) + truth.region_dev.get(region[i], 0.0)
                    + truth.leadership_dev.get(lead[i], 0.0) for i in range(n_countries)])
    effect = effect + np.where(post, dev[unit], 0.0)

    frame = pd.DataFrame({
        "iso3": pd.array(np.array(iso3)[unit], dtype="string"),
        "year": year.astype("int64"),
        "country": pd.array([f"Synthetic {i + 1:03d}" for i in unit], dtype="string"),
        "region": pd.array(np.array(region)[unit], dtype="string"),
    })
    for col in OUTCOMES:
        alpha = 0.5 + rng.normal(0, country_sd, n_countries)
        gamma = rng.normal(0, year_sd, n_t)
        trend = rng.normal(0, trend_sd, n_countries) if trend_sd > 0 else np.zeros(n_countries)
        y = (alpha[unit] + gamma[year - first_year] + trend[unit] * (year - years.mean())
             + effect + ar1_residuals(rng.normal(0, noise_sd, (n_countries, n_t)), ar_rho).ravel())
        frame[col] = y.astype("float64")
    frame["treaty_ratifications"] = np.zeros(len(frame), dtype="int64")
    frame["polyarchy"] = rng.uniform(0, 1, len(frame))
    campaigns = _campaigns(treated, cohort, issue, lead, cohort_years, second_share, seed)
    first = campaigns[0]
    for attr in CAMPAIGN_ATTRIBUTES:
        frame[f"first_{attr}"] = pd.array(first[attr][unit], dtype="string")
    frame["first_engagement"] = first["engagement"][unit].astype("float64")   # SYNTHETIC score
    for name, areas in sorted(treatments.items()):
        for suffix, core in (("", False), ("_core", True)):
            year, pick = _first_matching(campaigns, areas, core=core)
            frame[f"cohort_{name}{suffix}"] = year[unit].astype("int64")
            if name != "any" and not core:
                for attr in CAMPAIGN_ATTRIBUTES:
                    values = np.full(n_countries, "", dtype=object)
                    for k, c in enumerate(campaigns):
                        values[pick == k] = c[attr][pick == k]
                    frame[f"first_{attr}_{name}"] = pd.array(values[unit].astype(str), dtype="string")
    return frame, truth


CAMPAIGN_ATTRIBUTES: tuple[str, ...] = ("campaign_id", "issue_area", "leadership", "leadership_model",
                                        "centrality")


def _campaigns(treated: np.ndarray, cohort: np.ndarray, issue: np.ndarray, lead: np.ndarray,
               cohort_years: tuple[int, int], second_share: float, seed: int) -> list[dict[str, np.ndarray]]:
    """Each country's first campaign and, for a share of the treated, a later second one of another
    random issue area (per-country arrays; year 0 = none). Drawn from a separate stream so that the
    outcomes do not change with this option.

    SYNTHETIC process attributes, from a third stream (so the draws above do not change): a
    documented engagement score in [0, 1] (two decimals, so ties occur; NaN for 25% of the
    campaigns: undocumented), and an ``unclear`` leadership model for 10% of the campaigns."""
    rng = np.random.default_rng([seed, 1])
    n = treated.size
    models = ("advocacy_network", "epistemic_community", "mixed")
    second = treated & (rng.random(n) < second_share)
    second_year = np.minimum(cohort + rng.integers(1, 7, n), cohort_years[1])
    out = []
    for k, (has, year, area, leader) in enumerate((
            (treated, cohort, issue, lead),
            (second, second_year, rng.choice(ISSUE_AREAS, n), rng.choice(LEADERSHIP, n)))):
        ids = np.array([f"SYN{i:03d}{'' if k == 0 else 'b'}" for i in range(n)])
        out.append({"year": np.where(has, year, 0), "campaign_id": np.where(has, ids, ""),
                    "issue_area": np.where(has, area, ""), "leadership": np.where(has, leader, ""),
                    "leadership_model": np.where(has, rng.choice(models, n), ""),
                    "centrality": np.where(has, rng.choice(("core", "secondary"), n, p=(0.7, 0.3)), "")})
    extra = np.random.default_rng([seed, 2])
    for c in out:
        has = c["year"] > 0
        score = np.round(extra.uniform(0, 1, n), 2)
        c["engagement"] = np.where(has & (extra.random(n) >= 0.25), score, np.nan)
        c["leadership_model"] = np.where(has & (extra.random(n) < 0.1), "unclear", c["leadership_model"])
    return out


def _first_matching(campaigns: list[dict[str, np.ndarray]], areas, *, core: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per country: the year of the first campaign matching ``areas`` (and core centrality if ``core``),
    0 if none, and its index in ``campaigns`` (-1 if none). Campaigns are in start order."""
    n = campaigns[0]["year"].size
    year, pick = np.zeros(n, dtype=np.int64), np.full(n, -1)
    for k, c in enumerate(campaigns):
        match = (c["year"] > 0) & (True if areas == "all" else np.isin(c["issue_area"], list(areas)))
        if core:
            match &= c["centrality"] == "core"
        new = match & (pick < 0)
        year[new], pick[new] = c["year"][new], k
    return year, pick


def ar1_residuals(innovations: np.ndarray, rho: float) -> np.ndarray:
    """Stationary AR(1) residuals along the rows of ``innovations`` (countries x years), innovation SD as
    drawn: r_1 = e_1 / sqrt(1 - rho^2), r_t = rho r_(t-1) + e_t. ``rho = 0`` returns the innovations."""
    if rho == 0.0:
        return innovations
    if not -1.0 < rho < 1.0:
        raise ValueError(f"ar_rho must lie in (-1, 1), got {rho}")
    r = np.empty_like(innovations)
    r[:, 0] = innovations[:, 0] / np.sqrt(1.0 - rho ** 2)
    for t in range(1, innovations.shape[1]):
        r[:, t] = rho * r[:, t - 1] + innovations[:, t]
    return r


def simulate_study_panel(spec: dict, **kwargs) -> tuple[pd.DataFrame, SyntheticTruth]:
    """A SYNTHETIC panel with a ``cohort_<t>`` column for every ``[treatments.<t>]`` of ``spec``."""
    treatments = {name: t["issue_areas"] for name, t in spec["treatments"].items()}
    kwargs.setdefault("first_year", int(spec["panel"]["first_year"]))
    return simulate_panel(treatments=treatments, **kwargs)


def model_truth(truth: SyntheticTruth, design, window: tuple[int, int]) -> dict[tuple[str, str], float]:
    """The reported quantities' true values on the model's scale (outcome SD units).

    The model centres group deviations on the treated countries, so its post-onset mu_e is the
    generating effect plus the treated-country average of the realised deviations; the pre-onset
    mu_e are the generating effects. Keys are ``(estimand, key)`` as in the tidy estimates.
    """
    dims = {"issue_area": truth.issue_dev, "region": truth.region_dev, "leadership": truth.leadership_dev}
    treated = design.treated
    dev_unit = np.zeros(design.n_units)
    centred = {}
    for name, devs in dims.items():
        labels = design.groups[name]
        values = np.array([devs.get(lab, 0.0) for lab in labels])
        idx = design.group_idx[name][treated]
        weights = np.bincount(idx, minlength=len(labels)) / idx.size
        centred[name] = values - weights @ values
        dev_unit += values[design.group_idx[name]]
    mean_dev = float(dev_unit[treated].mean())
    out = {}
    for e in design.event_times:
        out[("event_time", str(e))] = (truth.event_effects.get(e, 0.0) + (mean_dev if e >= 0 else 0.0)) / design.y_sd
    post = [e for e in design.event_times if window[0] <= e <= window[1] and e >= 0]
    pooled = float(np.mean([out[("event_time", str(e))] for e in post]))
    out[("primary", "")] = pooled
    for name, values in centred.items():
        for lab, v in zip(design.groups[name], values):
            out[(name, lab)] = pooled + v / design.y_sd
    return out
