"""Display names for outcomes, treatments, estimators, estimands, variants and groups: one place.

Outcome, treatment and robustness labels come from the spec; the rest are names of methods or of
the campaign codebook's values, which the spec does not carry.
"""

from __future__ import annotations

import re
from typing import Any

from study.campaigns.schema import ISSUE_AREA_LABELS

ESTIMATORS: dict[str, str] = {
    "twfe": "TWFE",
    "cs": "Callaway & Sant'Anna",
    "sun_abraham": "Sun & Abraham",
    "imputation": "BJS imputation",
    "bayes": "Bayesian pooled",
    "dowhy": "DoWhy (backdoor)",
    "process_outcome": "BJS imputation, per country",
}
# Table order of the estimators (the order of the issue: baseline first, Bayesian last).
ESTIMATOR_ORDER: tuple[str, ...] = ("twfe", "cs", "sun_abraham", "imputation", "bayes", "dowhy")

CI_KINDS: dict[str, str] = {
    "pointwise95": "pointwise 95% confidence interval",
    "uniform95": "uniform (sup-t) 95% confidence band",
    "credible95": "95% equal-tailed credible interval",
    "credible90": "90% equal-tailed credible interval",
    "robust95": "95% robust confidence interval (Rambachan & Roth)",
}

DIMENSIONS: dict[str, str] = {
    "issue_area": "Issue area",
    "region": "Region",
    "leadership": "Leadership",
    "leadership_model": "Leadership model",
    "internet_users": "Internet penetration",
    "internet": "Internet penetration",
    "internet_penetration": "Internet penetration",
    "internet_at_onset": "Internet penetration at onset",
    "first_leadership": "Leadership of the first campaign",
    "first_leadership_model": "Leadership model of the first campaign",
    "regime_at_onset": "Regime at onset",
    "first_engagement": "Documented engagement with the first campaign",
    "engagement": "Documented engagement with the first campaign",
}

# Values of the campaign codebook (data/campaigns/CODEBOOK.md; codes in study/campaigns/schema.py).
CODES: dict[str, str] = {
    **ISSUE_AREA_LABELS,
    "domestic": "Domestic",
    "diaspora": "Diaspora",
    "transnational_ngo": "Transnational NGO",
    "epistemic_community": "Epistemic community",
    "advocacy_network": "Advocacy network",
    "mixed": "Mixed",
    "unclear": "Unclear",
    "core": "Core",
    "secondary": "Secondary",
    "adopted": "Adopted",
    "partial": "Partial",
    "none": "None",
    "backlash": "Backlash",
    "V": "Verified (V)",
    "P": "Partly verified (P)",
    "low": "Low",
    "high": "High",
    "difference": "Difference (first minus second)",
    "domestic_or_diaspora": "Domestic or diaspora",
    "closed_autocracy": "Closed autocracy",
    "top_tercile": "Top tercile of engagement",
    "lower_terciles": "Lower two terciles",
    "epistemic_community_or_mixed": "Epistemic community or mixed",
    "undocumented": "Undocumented",
}

REFUTATION_KINDS: dict[str, str] = {
    "dowhy_iid": "DoWhy refuters (i.i.d. resampling)",
    "panel_aware": "Panel-aware refuters (country-clustered)",
}


def code(value: str) -> str:
    """A codebook value as printed; unknown values are printed as written."""
    return CODES.get(value, value)


def estimator(name: str) -> str:
    return ESTIMATORS.get(name, name)


def estimator_rank(name: str) -> int:
    return ESTIMATOR_ORDER.index(name) if name in ESTIMATOR_ORDER else len(ESTIMATOR_ORDER)


def dimension(name: str) -> str:
    return DIMENSIONS.get(name, name.replace("_", " ").capitalize())


def short(label: str) -> str:
    """A spec label without its trailing parenthesis ("Civil liberties index (V-Dem v2x_civlib)" → "Civil liberties index")."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", label).strip() or label


def outcome(spec: dict[str, Any], key: str, *, long: bool = False) -> str:
    label = spec.get("outcomes", {}).get(key, {}).get("label", key)
    return label if long else short(label)


def treatment(spec: dict[str, Any], key: str) -> str:
    return spec.get("treatments", {}).get(key, {}).get("label", key)


def variant(spec: dict[str, Any], key: str) -> str:
    """``primary``, a robustness label (``R1: Not-yet-treated …``) or a Bayesian variant name."""
    if key == "primary":
        return "Primary specification"
    for rob in spec.get("robustness", []):
        if rob["id"] == key:
            return f"{key}: {short(rob['label'])}"
    if key.startswith("prior_"):
        return f"{key.removeprefix('prior_').capitalize()} priors"
    return key.replace("_", " ").capitalize()


def spec_ids(spec: dict[str, Any], present: set[str] | None = None) -> list[str]:
    """Registered ids in spec order, then any other id present in the files (sorted)."""
    ids = [e["id"] for e in spec.get("estimates", [])]
    extra = sorted((present or set()) - set(ids))
    return [*(i for i in ids if present is None or i in present), *extra]


def spec_entry(spec: dict[str, Any], spec_id: str) -> dict[str, Any] | None:
    return next((e for e in spec.get("estimates", []) if e["id"] == spec_id), None)


def spec_header(spec: dict[str, Any], spec_id: str, outcome_key: str | None = None) -> tuple[str, ...]:
    """Header lines: the id, its outcome and its role (from the spec; the files' outcome for unregistered ids)."""
    entry = spec_entry(spec, spec_id)
    key = entry["outcome"] if entry else outcome_key
    role = f"({entry['role']})" if entry and entry.get("role") else "(not registered)"
    return (spec_id, *((outcome(spec, key),) if key else ()), role)


def split_ids(spec: dict[str, Any]) -> set[str]:
    """Ids registered as subgroup comparisons (``split``): shown in the heterogeneity table, not the main one."""
    return {e["id"] for e in spec.get("estimates", []) if e.get("split")}

COVARIATES: dict[str, str] = {
    "log_gdp_pc": "GDP per capita, PPP (log)",
    "gdp_pc": "GDP per capita, PPP (constant 2021 int. $)",
    "log_pop": "Population (log)",
    "pop": "Population",
    "internet_users": "Internet users (% of population)",
    "polyarchy": "Electoral democracy index (V-Dem)",
}


def variable(spec: dict[str, Any], column: str) -> str:
    """A panel column as printed: the spec's outcome label if it is an outcome, else a covariate name."""
    for key, out in spec.get("outcomes", {}).items():
        if out.get("column", key) == column:
            return short(out.get("label", column))
    return COVARIATES.get(column, column)
