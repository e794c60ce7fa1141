"""The country-year treatment table the panel merges: first-campaign cohorts, campaign counts and
the first campaign's attributes (including its documented engagement, for H6), and the attributes
of the first campaign under each issue-specific definition (``first_<attribute>_<t>``, empty where
the country has no campaign under ``t``).

Treatment onset is the calendar year a campaign started (event time 0 is therefore a year of
partial exposure). A country's cohort under a definition is the start year of its first campaign
matching that definition; the treatment is absorbing. Only a campaign's primary ``issue_area``
counts for issue-specific definitions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from study.campaigns import schema

FIRST_ATTRIBUTES = ("id", "issue_area", "leadership", "leadership_model", "social_media_centrality")


def treatment_definitions(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``[treatments.<t>]`` tables of the spec, by name (sorted for deterministic column order)."""
    return {name: spec["treatments"][name] for name in sorted(spec["treatments"])}


def _matches(frame: pd.DataFrame, definition: dict[str, Any], centrality: list[str]) -> pd.Series:
    areas = definition["issue_areas"]
    in_area = pd.Series(True, index=frame.index) if areas == "all" else frame["issue_area"].isin(areas)
    return in_area & frame["social_media_centrality"].isin(centrality)


def cohorts(campaigns: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """One row per targeted country: ``cohort_<t>``, ``cohort_<t>_core``, ``cohort_issue_<area>`` (0 = never)."""
    out = pd.DataFrame(index=pd.Index(sorted(campaigns["target_iso3"].unique()), name="iso3"))

    def first_year(mask: pd.Series) -> pd.Series:
        return campaigns[mask].groupby("target_iso3")["start_year"].min()

    for name, definition in treatment_definitions(spec).items():
        out[f"cohort_{name}"] = first_year(_matches(campaigns, definition, definition["centrality"]))
        out[f"cohort_{name}_core"] = first_year(_matches(campaigns, definition, ["core"]))
    for area in schema.ISSUE_AREAS:
        out[f"cohort_issue_{area}"] = first_year(campaigns["issue_area"] == area)
    return out.fillna(0).astype("int64")


def first_campaigns(campaigns: pd.DataFrame, suffix: str = "") -> pd.DataFrame:
    """Attributes of each country's first campaign (columns ``first_<attribute><suffix>``).

    Order: start year, then known start month (unknown months after known ones), then id.
    """
    ordered = campaigns.assign(_month=campaigns["start_month"].fillna(13).astype("int64"))
    ordered = ordered.sort_values(["target_iso3", "start_year", "_month", "id"], kind="mergesort")
    first = ordered.groupby("target_iso3", sort=True).head(1).set_index("target_iso3")
    first = first[list(FIRST_ATTRIBUTES)].rename(columns={c: f"first_{c}" for c in FIRST_ATTRIBUTES})
    first = first.rename(columns={"first_id": "first_campaign_id",
                                  "first_social_media_centrality": "first_centrality"})
    first.index.name = "iso3"
    return first.add_suffix(suffix)


def engagement_scores(process: pd.DataFrame) -> pd.Series:
    """Documented engagement of each campaign as a score in (0, 1], NaN-free (undocumented = absent).

    Raw process indicators are not comparable across platforms, periods and measures, so each
    numeric indicator is first turned into a percentile rank among the campaigns that document it
    (the largest value in each measure scores 1); a campaign's score is its highest rank over the
    measures it documents. Several figures of one measure count once, at their maximum.
    """
    from study.campaigns.schema import NUMERIC_PROCESS_INDICATORS

    numeric = process[process["indicator"].isin(NUMERIC_PROCESS_INDICATORS)].copy()
    numeric["value"] = numeric["value"].astype(float)
    per_measure = numeric.groupby(["id", "indicator"])["value"].max().reset_index()
    per_measure["rank"] = per_measure.groupby("indicator")["value"].rank(method="average", pct=True)
    return per_measure.groupby("id")["rank"].max().rename("engagement").sort_index()


def treatment_table(campaigns: pd.DataFrame, spec: dict[str, Any],
                    process: pd.DataFrame | None = None) -> pd.DataFrame:
    """Targeted country x year, years ``[panel].first_year``..``[panel].campaign_window[1]``."""
    first_year = int(spec["panel"]["first_year"])
    last_year = int(spec["panel"]["campaign_window"][1])
    countries = sorted(campaigns["target_iso3"].unique())
    grid = pd.MultiIndex.from_product([countries, range(first_year, last_year + 1)], names=["iso3", "year"])

    started = campaigns.groupby(["target_iso3", "start_year"])
    counts = started["id"].nunique().rename("n_campaigns")
    areas = started["issue_area"].agg(lambda s: "; ".join(sorted(set(s)))).rename("issue_areas_started")
    leads = started["leadership"].agg(lambda s: "; ".join(sorted(set(s)))).rename("leadership_started")
    by_year = pd.concat([counts, areas, leads], axis=1)
    by_year.index = by_year.index.set_names(["iso3", "year"])

    table = by_year.reindex(grid)
    table["n_campaigns"] = table["n_campaigns"].fillna(0).astype("int64")
    table[["issue_areas_started", "leadership_started"]] = (
        table[["issue_areas_started", "leadership_started"]].fillna(""))
    table["n_campaigns_cum"] = table.groupby(level="iso3")["n_campaigns"].cumsum().astype("int64")
    table = table.reset_index()
    table = table.merge(cohorts(campaigns, spec), left_on="iso3", right_index=True, validate="m:1")
    first = first_campaigns(campaigns)
    scores = engagement_scores(process) if process is not None else pd.Series(dtype=float)
    first["first_engagement"] = first["first_campaign_id"].map(scores).astype("float64")
    for name, definition in treatment_definitions(spec).items():
        if name != "any":
            matched = campaigns[_matches(campaigns, definition, definition["centrality"])]
            first = first.join(first_campaigns(matched, suffix=f"_{name}"))
    table = table.merge(first, left_on="iso3", right_index=True, validate="m:1")
    table[[c for c in table.columns if c.startswith("first_") and table[c].dtype == object]] = (
        table[[c for c in table.columns if c.startswith("first_") and table[c].dtype == object]].fillna(""))
    table["year"] = table["year"].astype("int64")
    return table.sort_values(["iso3", "year"], kind="mergesort").reset_index(drop=True)
