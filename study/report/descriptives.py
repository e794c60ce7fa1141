"""Descriptive tables: the panel's variables, the campaigns and the treatment cohorts.

They count and summarise ``data/derived/panel.parquet`` and ``campaigns.parquet``; no estimate and no
inference (so they carry no preregistered/exploratory status).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from study.report import format as fmt
from study.report import labels, load
from study.report.render import Grid, Row, Table

TITLES: dict[str, str] = {
    "descriptives_panel": "Descriptive statistics of the country-year panel",
    "descriptives_campaigns": "Descriptive statistics of the campaigns",
    "treatment_cohorts": "Treatment definitions: targeted countries and cohorts",
}


def panel_table(spec: dict[str, Any], panel: pd.DataFrame | None) -> Table | None:
    if panel is None:
        return None
    records = []
    for group, col in load.panel_variables(spec, panel):
        values = panel[["iso3", "year", col]].dropna(subset=[col])
        x = values[col].astype("float64")
        records.append({"group": group, "variable": col, "n": len(values), "countries": values["iso3"].nunique(),
                        "first_year": values["year"].min() if len(values) else np.nan,
                        "last_year": values["year"].max() if len(values) else np.nan,
                        "mean": x.mean(), "sd": x.std(ddof=1), "min": x.min(), "max": x.max()})
    view = pd.DataFrame.from_records(records)
    rows = [Row(labels.variable(spec, r.variable),
                [(fmt.count(r.n),), (fmt.count(r.countries),),
                 (f"{fmt.count(r.first_year)}-{fmt.count(r.last_year)}".replace(",", "") if r.n else "",),
                 (fmt.number(r.mean),), (fmt.number(r.sd),), (fmt.number(r.min),), (fmt.number(r.max),)],
                "", r.group) for r in view.itertuples()]
    years = panel["year"]
    note = (f"Non-missing country-years of data/derived/panel.parquet: {panel['iso3'].nunique():,} countries, "
            f"{int(years.min())}-{int(years.max())}. SD: sample standard deviation over country-years. "
            "Descriptive only: no estimate and no inference.")
    columns = [("N",), ("Countries",), ("Years",), ("Mean",), ("SD",), ("Min",), ("Max",)]
    return Table(view, Grid("descriptives_panel", TITLES["descriptives_panel"], "Variable", columns, rows, [],
                            note, show_status=False))


CAMPAIGN_ATTRIBUTES = (("issue_area", "Issue area"), ("region", "Region"), ("leadership", "Leadership"),
                       ("leadership_model", "Leadership model"), ("social_media_centrality", "Social-media centrality"),
                       ("outcome", "Reported outcome"), ("verification", "Verification"))


def start_periods(years: pd.Series, window: list[int], width: int = 5) -> pd.Series:
    """Start years binned in ``width``-year periods from the first year of the campaign window."""
    first, last = int(window[0]), int(window[1])
    lo = first + ((years.astype(int) - first) // width) * width
    return lo.map(lambda a: f"{a}-{min(a + width - 1, last)}")


def campaigns_table(spec: dict[str, Any], campaigns: pd.DataFrame | None) -> Table | None:
    if campaigns is None:
        return None
    window = spec.get("panel", {}).get("campaign_window", [int(campaigns["start_year"].min()),
                                                           int(campaigns["start_year"].max())])
    frame = campaigns.assign(start_period=start_periods(campaigns["start_year"], window))
    records = [{"group": "All", "attribute": "", "level": "All campaigns", "campaigns": frame["id"].nunique(),
                "rows": len(frame), "countries": frame["target_iso3"].nunique()}]
    for col, name in (*CAMPAIGN_ATTRIBUTES, ("start_period", "Start year")):
        if col not in frame.columns:
            continue
        for level, part in frame.groupby(frame[col].fillna("").astype(str), sort=True):
            records.append({"group": name, "attribute": col, "level": level or "(missing)",
                            "campaigns": part["id"].nunique(), "rows": len(part),
                            "countries": part["target_iso3"].nunique()})
    view = pd.DataFrame.from_records(records)
    rows = [Row(labels.code(r.level), [(fmt.count(r.campaigns),), (fmt.count(r.rows),), (fmt.count(r.countries),)],
                "", r.group) for r in view.itertuples()]
    note = ("Campaigns of data/derived/campaigns.parquet (the validated campaign table). A campaign with several "
            "target countries has one row per target; attributes coded per target row count a campaign under "
            "each of its values, so the counts within a block can sum to more than the total. Start years within "
            f"the campaign window {window[0]}-{window[1]}. Descriptive only.")
    columns = [("Campaigns",), ("Campaign-target rows",), ("Target countries",)]
    return Table(view, Grid("descriptives_campaigns", TITLES["descriptives_campaigns"], "Attribute", columns,
                            rows, [], note, show_status=False))


def treatment_cohorts_table(spec: dict[str, Any], panel: pd.DataFrame | None) -> Table | None:
    if panel is None:
        return None
    records = []
    for name in spec.get("treatments", {}):
        for suffix, variant in (("", "core and secondary"), ("_core", "core only (R6)")):
            col = f"cohort_{name}{suffix}"
            if col not in panel.columns:
                continue
            cohorts = panel.groupby("iso3")[col].first()
            treated = cohorts[cohorts > 0]
            records.append({"treatment": name, "centrality": variant, "treated": len(treated),
                            "cohorts": treated.nunique(),
                            "first": treated.min() if len(treated) else np.nan,
                            "last": treated.max() if len(treated) else np.nan,
                            "never": int((cohorts == 0).sum())})
    if not records:
        return None
    view = pd.DataFrame.from_records(records)
    rows = [Row(r.centrality, [(fmt.count(r.treated),), (fmt.count(r.cohorts),),
                               (str(int(r.first)) if r.treated else "",), (str(int(r.last)) if r.treated else "",),
                               (fmt.count(r.never),)], "", labels.treatment(spec, r.treatment))
            for r in view.itertuples()]
    note = ("Countries of the panel by the year of their first campaign under each treatment definition of the "
            "spec ([treatments]; cohort_<t> columns, 0 = never targeted). Core only: campaigns with a documented "
            "central social-media role (robustness R6). Descriptive only.")
    columns = [("Treated countries",), ("Cohorts",), ("First cohort",), ("Last cohort",), ("Never treated",)]
    return Table(view, Grid("treatment_cohorts", TITLES["treatment_cohorts"], "Campaigns counted", columns,
                            rows, [], note, show_status=False))
