"""SYNTHETIC country-year panels with a known onset effect and a known confounder (tests only).

Nothing here touches real data; country codes are ``Dxx`` placeholders and every country name
starts with "Synthetic". The panel follows the panel contract of ``docs/architecture.md`` so that
``python -m study dag`` can run end to end on it.

Data-generating process (t = calendar year, g = first-campaign year, k = horizon):

* the **known confounder** ``polyarchy`` is drawn independently for every country-year
  (mean 0.5, SD 0.15);
* a country at risk in year t (no campaign yet, t in the campaign window) has its first campaign
  with probability ``logistic(logit(base_hazard) + hazard_slope * z)``, z = standardised
  ``polyarchy`` at t - 1; nothing else affects timing;
* the outcome ``civil_liberties`` in year s is
  ``0.5 + c_i + confounding * z_{i,s-k-1} + effect * 1[s >= g + k] + e_is`` with country effects
  c_i ~ N(0, country_sd) and AR(1) shocks e (coefficient ``rho``, SD ``noise_sd``): polyarchy at
  t - 1 raises both the chance of onset at t and the outcome at t + k, so leaving it out biases
  the estimate upwards when ``confounding`` and ``hazard_slope`` are positive;
* the other covariates (internet, GDP, population, free expression, region, campaigns that do not
  define treatment) are independent of timing given polyarchy, so adjusting for them is harmless.

Under this process the regression of the DAG step recovers ``effect``: onset at t depends on
polyarchy at t - 1 only, and the outcome at t + k depends on it and on shocks that are independent
of timing, so neither the risk set nor the clean-control rule selects on the outcome.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

REGIONS: tuple[str, ...] = (
    "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean",
    "Middle East & North Africa", "North America", "South Asia", "Sub-Saharan Africa",
)
OTHER_OUTCOMES = ("physical_violence", "free_expression",
                  "hr_protection")


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"D{letters[i // 26 % 26]}{letters[i % 26]}" for i in range(n)]


def simulate_panel(*, n_countries: int = 150, first_year: int = 1995, last_year: int = 2023,
                   window: tuple[int, int] = (2006, 2020), horizon: int = 2, effect: float = 0.03,
                   confounding: float = 0.05, hazard_slope: float = 1.0, base_hazard: float = 0.04,
                   country_sd: float = 0.1, noise_sd: float = 0.03, rho: float = 0.5,
                   treatments: tuple[str, ...] = ("any",), seed: int = 0) -> pd.DataFrame:
    """A SYNTHETIC balanced panel (see the module docstring for the process)."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    n_t = len(years)
    iso3 = _codes(n_countries)

    polyarchy = rng.normal(0.5, 0.15, size=(n_countries, n_t))
    z = (polyarchy - 0.5) / 0.15

    cohort = np.zeros(n_countries, dtype="int64")
    logit_base = np.log(base_hazard / (1 - base_hazard))
    for j, year in enumerate(years):
        if not (window[0] <= year <= window[1]) or j == 0:
            continue
        at_risk = cohort == 0
        p = 1 / (1 + np.exp(-(logit_base + hazard_slope * z[:, j - 1])))
        starts = at_risk & (rng.uniform(size=n_countries) < p)
        cohort[starts] = year

    country = rng.normal(0, country_sd, size=n_countries)
    shocks = np.empty((n_countries, n_t))
    shocks[:, 0] = rng.normal(0, noise_sd / np.sqrt(max(1e-12, 1 - rho ** 2)), size=n_countries)
    for j in range(1, n_t):
        shocks[:, j] = rho * shocks[:, j - 1] + rng.normal(0, noise_sd, size=n_countries)
    z_lagged = np.full((n_countries, n_t), np.nan)
    z_lagged[:, horizon + 1:] = z[:, : n_t - horizon - 1]
    z_lagged = np.where(np.isnan(z_lagged), 0.0, z_lagged)   # years before any lag: no confounder term
    post = (cohort[:, None] > 0) & (years[None, :] >= cohort[:, None] + horizon)
    outcome = 0.5 + country[:, None] + confounding * z_lagged + effect * post + shocks

    # campaigns that do not define treatment (e.g. a peripheral social-media role): counted, not cohort
    other_campaigns = (rng.uniform(size=(n_countries, n_t)) < 0.02).astype("int64")
    n_campaigns = other_campaigns + ((cohort[:, None] > 0) & (years[None, :] == cohort[:, None]))
    n_campaigns_cum = np.cumsum(n_campaigns, axis=1)

    level = rng.normal(9.0, 1.0, size=n_countries)
    log_gdp = level[:, None] + 0.02 * (years[None, :] - first_year) + rng.normal(0, 0.05, size=(n_countries, n_t))
    log_pop = rng.normal(16.0, 1.5, size=n_countries)[:, None] + 0.01 * (years[None, :] - first_year)
    internet = np.clip(100 / (1 + np.exp(-(years[None, :] - 2010 + rng.normal(0, 3, (n_countries, 1))) / 3))
                       + rng.normal(0, 2, size=(n_countries, n_t)), 0, 100)
    free_expression = np.clip(0.5 + 0.5 * country[:, None] + rng.normal(0, 0.1, size=(n_countries, n_t)), 0, 1)

    rows = {
        "iso3": np.repeat(iso3, n_t),
        "year": np.tile(years, n_countries).astype("int64"),
        "country": np.repeat([f"Synthetic {c}" for c in iso3], n_t),
        "region": np.repeat([REGIONS[i % len(REGIONS)] for i in range(n_countries)], n_t),
        "civil_liberties": outcome.ravel(),
        "polyarchy": polyarchy.ravel(),
        "free_expression": free_expression.ravel(),
        "internet_users": internet.ravel(),
        "log_gdp_pc": log_gdp.ravel(),
        "gdp_pc": np.exp(log_gdp).ravel(),
        "log_pop": log_pop.ravel(),
        "pop": np.exp(log_pop).ravel(),
        "treaty_ratifications": np.repeat(rng.integers(0, 6, size=n_countries), n_t).astype("int64"),
        "n_campaigns": n_campaigns.ravel().astype("int64"),
        "n_campaigns_cum": n_campaigns_cum.ravel().astype("int64"),
    }
    panel = pd.DataFrame(rows)
    for name in OTHER_OUTCOMES:
        if name not in panel:
            panel[name] = np.clip(panel["civil_liberties"] + rng.normal(0, 0.05, size=len(panel)), 0, 1)
    panel["hr_protection"] = panel["hr_protection"] * 4 - 2
    for t in treatments:
        if t == "any":
            panel[f"cohort_{t}"] = np.repeat(cohort, n_t)
        else:
            subset = rng.uniform(size=n_countries) < 0.3
            panel[f"cohort_{t}"] = np.repeat(np.where(subset, cohort, 0), n_t).astype("int64")
    targeted = np.repeat(cohort > 0, n_t)
    for col, value in (("first_campaign_id", "SYN-0001"), ("first_issue_area", "other"),
                       ("first_leadership", "domestic"), ("first_leadership_model", "advocacy_network"),
                       ("first_centrality", "core")):
        panel[col] = np.where(targeted, value, "")
    panel["first_engagement"] = np.where(targeted, 0.5, np.nan)
    return panel


def simulate_study_panel(spec: dict, **kwargs) -> pd.DataFrame:
    """A SYNTHETIC panel with a ``cohort_<t>`` for every ``[treatments.<t>]`` of ``spec`` and the
    spec's campaign window and horizon (keyword arguments override)."""
    options = dict(window=tuple(spec["panel"]["campaign_window"]), horizon=int(spec["dag"]["horizon"]),
                   treatments=tuple(sorted(spec.get("treatments", {"any": {}}))),
                   first_year=int(spec["panel"]["first_year"]))
    options.update(kwargs)
    return simulate_panel(**options)
