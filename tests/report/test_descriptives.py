"""Descriptive tables (study/report/descriptives.py) on the SYNTHETIC panel and campaign table."""

from __future__ import annotations

import pandas as pd

from study.report import format as fmt

from .conftest import md_table, run_steps


def test_panel_and_campaign_descriptives_match_the_data(report_root):
    run_steps("tables")
    tables = report_root / "results" / "tables"
    panel = pd.read_parquet(report_root / "data" / "derived" / "panel.parquet")
    x = panel["free_expression"].dropna()  # the synthetic panel has gaps in this column
    row = md_table(tables / "descriptives_panel.md")[
        "Outcomes/Freedom of expression and alternative sources of information"]
    assert row == [fmt.count(len(x)), fmt.count(panel.loc[x.index, "iso3"].nunique()),
                   f"{panel.loc[x.index, 'year'].min()}-{panel.loc[x.index, 'year'].max()}",
                   fmt.number(x.mean()), fmt.number(x.std()), fmt.number(x.min()), fmt.number(x.max())]
    campaigns = pd.read_parquet(report_root / "data" / "derived" / "campaigns.parquet")
    table = md_table(tables / "descriptives_campaigns.md")
    assert table["All/All campaigns"] == [str(campaigns.id.nunique()), str(len(campaigns)),
                                          str(campaigns.target_iso3.nunique())]
    gbv = campaigns[campaigns.issue_area == "gbv_womens_rights"]
    assert table["Issue area/Gender-based violence & women's rights"][0] == str(gbv.id.nunique())
    cohorts = md_table(tables / "treatment_cohorts.md")
    treated = panel.groupby("iso3").cohort_any.first()
    assert cohorts["First campaign of any issue area/core and secondary"][0] == str((treated > 0).sum())
