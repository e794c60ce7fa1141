"""The seven world regions of the panel contract, with explicit assignment rules.

The regions are the World Bank's seven analytical regions as used in the World Development
Indicators up to fiscal year 2024 (before the 2024 merger of Afghanistan and Pakistan into a new
Middle East, North Africa, Afghanistan and Pakistan region). Rule: a country's region follows its
UN M49 sub-region (from ``country_converter``'s ``UNregion``) through :data:`UN_SUBREGION`,
except for the countries in :data:`EXCEPTIONS`, where the World Bank groups them differently.
"""

from __future__ import annotations

from functools import lru_cache

EAP = "East Asia & Pacific"
ECA = "Europe & Central Asia"
LAC = "Latin America & Caribbean"
MENA = "Middle East & North Africa"
NA = "North America"
SA = "South Asia"
SSA = "Sub-Saharan Africa"
REGIONS: tuple[str, ...] = (EAP, ECA, LAC, MENA, NA, SA, SSA)

UN_SUBREGION: dict[str, str] = {
    "Eastern Asia": EAP, "South-eastern Asia": EAP, "Australia and New Zealand": EAP,
    "Melanesia": EAP, "Micronesia": EAP, "Polynesia": EAP,
    "Eastern Europe": ECA, "Northern Europe": ECA, "Southern Europe": ECA, "Western Europe": ECA,
    "Central Asia": ECA,
    "Caribbean": LAC, "Central America": LAC, "South America": LAC,
    "Northern Africa": MENA, "Western Asia": MENA,
    "Northern America": NA,
    "Southern Asia": SA,
    "Eastern Africa": SSA, "Middle Africa": SSA, "Southern Africa": SSA, "Western Africa": SSA,
}

# Where the World Bank departs from the UN sub-region rule.
EXCEPTIONS: dict[str, tuple[str, str]] = {
    "ARM": (ECA, "UN Western Asia; World Bank Europe & Central Asia"),
    "AZE": (ECA, "UN Western Asia; World Bank Europe & Central Asia"),
    "GEO": (ECA, "UN Western Asia; World Bank Europe & Central Asia"),
    "CYP": (ECA, "UN Western Asia; World Bank Europe & Central Asia"),
    "TUR": (ECA, "UN Western Asia; World Bank Europe & Central Asia"),
    "IRN": (MENA, "UN Southern Asia; World Bank Middle East & North Africa"),
    "DJI": (MENA, "UN Eastern Africa; World Bank Middle East & North Africa"),
    "MLT": (MENA, "UN Southern Europe; World Bank Middle East & North Africa"),
    "SDN": (SSA, "UN Northern Africa; World Bank Sub-Saharan Africa"),
    "GRL": (ECA, "UN Northern America; World Bank Europe & Central Asia (with Denmark)"),
}


@lru_cache(maxsize=1)
def _un_subregions() -> dict[str, str]:
    from study.panel.countries import _converter

    data = _converter().data[["ISO3", "UNregion"]].dropna().astype(str)
    return dict(zip(data["ISO3"], data["UNregion"]))


def region_of(iso3: str) -> str:
    """The region of an ISO3 code; ValueError for a code without one (e.g. Antarctica)."""
    if iso3 in EXCEPTIONS:
        return EXCEPTIONS[iso3][0]
    sub = _un_subregions().get(iso3)
    if sub is None or sub not in UN_SUBREGION:
        raise ValueError(f"no region for '{iso3}' (UN sub-region {sub!r})")
    return UN_SUBREGION[sub]


def assignment_rule(iso3: str) -> str:
    """How :func:`region_of` assigned ``iso3`` (for the codebook)."""
    if iso3 in EXCEPTIONS:
        return f"exception: {EXCEPTIONS[iso3][1]}"
    return f"UN sub-region {_un_subregions()[iso3]}"
