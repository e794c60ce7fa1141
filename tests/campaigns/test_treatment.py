"""The treatment table: first-campaign cohorts, counts and first-campaign attributes."""

from __future__ import annotations

from study.campaigns import treatment, validate

SPEC = {
    "panel": {"first_year": 2010, "campaign_window": [2006, 2024]},
    "treatments": {
        "any": {"issue_areas": "all", "centrality": ["core", "secondary"]},
        "violence": {"issue_areas": ["police_security_violence", "death_penalty"], "centrality": ["core", "secondary"]},
        "expression": {"issue_areas": ["political_prisoners_free_expression"], "centrality": ["core", "secondary"]},
    },
}


def _table(tmp_path, rows, write_campaigns):
    campaigns = validate.load_campaigns(write_campaigns(tmp_path / "c.csv", rows), (2006, 2024))
    return treatment.treatment_table(campaigns, SPEC)


def test_cohorts_and_counts(tmp_path, synthetic_rows, write_campaigns):
    table = _table(tmp_path, synthetic_rows, write_campaigns)
    assert table.groupby("iso3").size().to_dict() == {"CMR": 15, "NGA": 15, "POL": 15}
    nga = table[table.iso3 == "NGA"].set_index("year")
    assert nga["cohort_any"].unique().tolist() == [2014]
    assert nga["cohort_violence"].unique().tolist() == [2020]
    assert nga["cohort_expression"].unique().tolist() == [0]
    assert nga["cohort_any_core"].unique().tolist() == [2014]
    assert nga["cohort_issue_childrens_rights"].unique().tolist() == [2014]
    assert nga.loc[2014, "n_campaigns"] == 1 and nga.loc[2020, "n_campaigns"] == 1
    assert nga.loc[2013, "n_campaigns_cum"] == 0 and nga.loc[2024, "n_campaigns_cum"] == 2
    cmr = table[table.iso3 == "CMR"]
    assert cmr["cohort_any"].unique().tolist() == [2014]
    assert cmr["cohort_any_core"].unique().tolist() == [0], "CMR's only campaign is secondary"


def test_first_campaign_is_ordered_by_month_within_the_year(tmp_path, synthetic_rows, write_campaigns):
    pol = _table(tmp_path, synthetic_rows, write_campaigns).query("iso3 == 'POL'")
    # EU02 started 2016-03, EU01 2016-09: both count in 2016, EU02 is first.
    assert pol["first_campaign_id"].unique().tolist() == ["EU02"]
    assert pol["first_leadership"].unique().tolist() == ["diaspora"]
    row = pol.set_index("year").loc[2016]
    assert row["n_campaigns"] == 2
    assert row["issue_areas_started"] == "gbv_womens_rights; political_prisoners_free_expression"


def test_table_is_deterministic(tmp_path, synthetic_rows, write_campaigns):
    a = _table(tmp_path, synthetic_rows, write_campaigns)
    b = _table(tmp_path, list(reversed(synthetic_rows)), write_campaigns)
    assert a.equals(b)


def test_engagement_score_is_the_best_percentile_rank_across_measures():
    import pandas as pd

    process = pd.DataFrame({
        "id": ["A", "B", "C", "A", "B", "B", "D"],
        "indicator": ["post_volume", "post_volume", "post_volume", "petition_signatures",
                      "petition_signatures", "petition_signatures", "amplifying_orgs"],
        "value": ["100", "1000", "10", "5", "50", "70", "Amnesty; HRW"],
    })
    scores = treatment.engagement_scores(process)
    # post_volume ranks: C 1/3, A 2/3, B 1; petitions (B counted once at 70): A 1/2, B 1.
    assert scores.to_dict() == {"A": 2 / 3, "B": 1.0, "C": 1 / 3}
