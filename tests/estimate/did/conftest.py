"""Shared data for the DiD tests: the mpdta references and SYNTHETIC panels (labelled synthetic).

Nothing here is real data except ``tests/fixtures/mpdta.csv`` + R ``did`` 2.5.0 references and the
HonestDiD README's Medicaid panel (``fixtures/ehec_data.csv``, see ``fixtures/README.md``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HERE = Path(__file__).resolve().parent

# R did 2.5.0 scenarios (tests/fixtures/README_validation.md): control group, method, covariates.
SCENARIOS = {
    "mpdta_nev_dr": ("nevertreated", "dr", []),
    "mpdta_nyt_dr": ("notyettreated", "dr", []),
    "mpdta_nev_reg_cov": ("nevertreated", "reg", ["lpop"]),
    "mpdta_nev_ipw": ("nevertreated", "ipw", []),
}
MPDTA = dict(unit="countyreal", time="year", cohort="first.treat", outcome="lemp")


@pytest.fixture(scope="session")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "mpdta.csv")


@pytest.fixture(scope="session")
def r_ref() -> dict[str, pd.DataFrame]:
    d = FIXTURES / "r_did"
    return {"attgt": pd.read_csv(d / "ref_attgt.csv"), "aggte": pd.read_csv(d / "ref_aggte.csv"),
            "pretest": pd.read_csv(d / "ref_pretest.csv")}


@pytest.fixture(scope="session")
def ehec() -> pd.DataFrame:
    return pd.read_csv(HERE / "fixtures" / "ehec_data.csv")


def simulate_staggered(seed: int = 939377876, n_per: int = 60, n_never: int = 30,
                       years: range = range(2000, 2016), cohorts: tuple[int, ...] = (2004, 2008, 2012),
                       noise: float = 0.5) -> pd.DataFrame:
    """SYNTHETIC staggered panel: effects differ by cohort and grow with event time.

    ``tau(g, e) = (0.5 + 0.25 e) * (1 + (2012 - g) / 8)`` for ``e >= 0``: early cohorts have larger,
    faster-growing effects, the setting in which TWFE's already-treated comparisons are biased.
    Column ``tau`` holds the true effect of each observation.
    """
    rng = np.random.default_rng(seed)
    rows, uid = [], 0
    for g in (*cohorts, 0):
        for _ in range(n_never if g == 0 else n_per):
            uid += 1
            alpha = rng.normal(0.0, 1.0)
            for t in years:
                e = t - g
                tau = (0.5 + 0.25 * e) * (1 + (2012 - g) / 8) if (g and e >= 0) else 0.0
                rows.append((uid, t, g, alpha + 0.1 * (t - years[0]) + rng.normal(0.0, noise) + tau, tau))
    return pd.DataFrame(rows, columns=["unit", "time", "cohort", "y", "tau"])


ISSUE_OF_TREATMENT = {"gbv": "gbv_womens_rights", "expression": "political_prisoners_free_expression",
                      "violence": "police_security_violence", "shutdowns": "internet_shutdowns_digital_rights"}
OUTCOME_OF_TREATMENT = {"gbv": "womens_civil_liberties", "expression": "free_expression",
                        "violence": "physical_violence", "shutdowns": "internet_shutdowns"}
REGIONS = ["East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean",
           "Middle East & North Africa", "North America", "South Asia", "Sub-Saharan Africa"]


def synthetic_study_panel(seed: int = 20261129, n_per_issue: int = 24, n_never: int = 60,
                          years: range = range(1995, 2023)) -> pd.DataFrame:
    """SYNTHETIC country-year panel following the panel contract (docs/architecture.md).

    Countries ``S001``..: a quarter of each issue's targeted countries are also targeted by a second
    issue later (so ``cohort_any`` differs from issue cohorts); 20% of campaigns are ``secondary``
    (``cohort_<t>_core`` = 0 for them). Every outcome gets a true effect of +0.02 per year since the
    first campaign of the matching issue. ``hr_protection`` ends in 2019 as the real source does;
    a few outcome values are missing so that the balanced and unbalanced samples differ.
    Targeted countries' regions follow their first cohort (2007: one region, 2010: two, 2013: two;
    two regions have no targeted country), so regional exposure (H8) is staggered with
    never-exposed countries; first-campaign attributes (leadership, leadership
    model, engagement score with some undocumented) vary across countries independently of the
    cohort, so that every registered split has two non-empty subgroups.
    """
    rng = np.random.default_rng(seed)
    cohort_years = (2007, 2010, 2013)
    countries = []
    idx = 0
    for t, issue in ISSUE_OF_TREATMENT.items():
        for k in range(n_per_issue):
            idx += 1
            g = cohort_years[k % len(cohort_years)]
            core = (k % 5) != 0
            second = (list(ISSUE_OF_TREATMENT)[(list(ISSUE_OF_TREATMENT).index(t) + 1) % 4]
                      if k % 4 == 0 and g < cohort_years[-1] else None)
            countries.append({"iso3": f"S{idx:03d}", "t": t, "g": g, "core": core, "second": second})
    for _ in range(n_never):
        idx += 1
        countries.append({"iso3": f"S{idx:03d}", "t": None, "g": 0, "core": False, "second": None})
    rows = []
    for c in countries:
        cohort = {t: 0 for t in ISSUE_OF_TREATMENT}
        core = {t: 0 for t in ISSUE_OF_TREATMENT}
        if c["t"]:
            cohort[c["t"]] = c["g"]
            core[c["t"]] = c["g"] if c["core"] else 0
            if c["second"]:
                cohort[c["second"]] = c["g"] + 3
                core[c["second"]] = c["g"] + 3 if c["core"] else 0
        treated = [g for g in cohort.values() if g > 0]
        cohort_any = min(treated) if treated else 0
        core_any = min([g for g in core.values() if g > 0], default=0)
        a = rng.normal(0, 0.08)
        gdp0, pop0, dem = rng.normal(9, 1), rng.normal(16, 1.5), rng.uniform(0.2, 0.8)
        num = int(c["iso3"][1:])
        region = (REGIONS[{cohort_years[0]: 1, cohort_years[1]: 3 + num % 2, cohort_years[2]: 5 + num % 2}[c["g"]]]
                  if c["t"] else REGIONS[num % len(REGIONS)])
        block = (num - 1) // 3  # the three consecutive countries of a block span the three cohorts
        leadership = ("transnational_ngo", "domestic", "diaspora")[block % 3]
        model = ("epistemic_community", "advocacy_network", "mixed", "advocacy_network", "unclear")[block % 5]
        engagement = np.nan if block % 4 == 3 else ((num * 7) % 11) / 10
        for y in years:
            r = {"iso3": c["iso3"], "year": y, "country": f"Synthetic {c['iso3']}", "region": region}
            trend = 0.002 * (y - years[0])
            for t, out in OUTCOME_OF_TREATMENT.items():
                e = y - cohort[t]
                effect = 0.02 * (e + 1) if cohort[t] and e >= 0 else 0.0
                r[out] = float(np.clip(0.5 + a + trend + effect + rng.normal(0, 0.02), 0, 1))
            e_any = y - cohort_any
            any_effect = 0.01 * (e_any + 1) if cohort_any and e_any >= 0 else 0.0
            r["civil_liberties"] = float(np.clip(0.55 + a + trend + any_effect + rng.normal(0, 0.02), 0, 1))
            r["hr_protection"] = float(a * 10 + trend * 10 + any_effect * 10 + rng.normal(0, 0.2)) if y <= 2019 else np.nan
            r["polyarchy"] = float(np.clip(dem + rng.normal(0, 0.02), 0, 1))
            r["treaty_ratifications"] = int(min(5, (y - years[0]) // 6))
            r["log_gdp_pc"] = float(gdp0 + 0.02 * (y - years[0]) + rng.normal(0, 0.03))
            r["gdp_pc"] = float(np.exp(r["log_gdp_pc"]))
            r["log_pop"] = float(pop0 + 0.01 * (y - years[0]))
            r["pop"] = float(np.exp(r["log_pop"]))
            r["internet_users"] = float(np.clip(100 / (1 + np.exp(-(y - 2008) / 3)) + rng.normal(0, 2), 0, 100))
            for t in ISSUE_OF_TREATMENT:
                r[f"cohort_{t}"] = cohort[t]
                r[f"cohort_{t}_core"] = core[t]
            r["cohort_any"] = cohort_any
            r["cohort_any_core"] = core_any
            r["n_campaigns"] = int(sum(1 for g in treated if g == y))
            r["first_campaign_id"] = f"SYN{c['iso3'][1:]}" if treated else ""
            r["first_issue_area"] = ISSUE_OF_TREATMENT[c["t"]] if c["t"] else ""
            r["first_leadership"] = leadership if treated else ""
            r["first_leadership_model"] = model if treated else ""
            r["first_engagement"] = engagement if treated else np.nan
            rows.append(r)
    panel = pd.DataFrame(rows)
    panel["n_campaigns_cum"] = panel.groupby("iso3")["n_campaigns"].cumsum()
    # A few missing outcome values (never zero-filled): units that the balanced sample drops.
    for iso, yr in (("S002", 2001), (f"S{len(countries):03d}", 2015)):
        panel.loc[(panel.iso3 == iso) & (panel.year == yr), ["womens_civil_liberties", "civil_liberties"]] = np.nan
    return panel
