"""A small, synthetic campaign table (labelled synthetic: not real campaigns) for validator tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from study.campaigns import schema

SYNTHETIC_ROWS = [
    {"id": "AF01", "name": "Synthetic campaign A", "hashtags": "#SyntheticA", "target_iso3": "NGA",
     "start": "2014-04", "platforms": "twitter; facebook", "issue_area": "childrens_rights",
     "leadership": "domestic", "leadership_model": "advocacy_network", "policy_demand": "demand A",
     "outcome": "partial", "outcome_date": "2016-10", "sources": "https://example.org/a",
     "verification": "V", "social_media_centrality": "core"},
    {"id": "AF01", "name": "Synthetic campaign A", "hashtags": "#SyntheticA", "target_iso3": "CMR",
     "start": "2014-05", "platforms": "twitter", "issue_area": "childrens_rights",
     "leadership": "transnational_ngo", "leadership_model": "mixed", "policy_demand": "demand A",
     "outcome": "none", "sources": "https://example.org/a ; https://example.org/b",
     "verification": "P", "uncertain_fields": "start", "social_media_centrality": "secondary"},
    {"id": "AF02", "name": "Synthetic campaign B", "target_iso3": "NGA", "start": "2020",
     "platforms": "twitter; instagram", "issue_area": "police_security_violence",
     "leadership": "domestic", "leadership_model": "advocacy_network", "policy_demand": "demand B",
     "outcome": "adopted", "outcome_date": "2020-10-11", "sources": "https://example.org/c",
     "verification": "V", "social_media_centrality": "core"},
    {"id": "EU01", "name": "Synthetic campaign C", "target_iso3": "POL", "start": "2016-09",
     "platforms": "facebook", "issue_area": "gbv_womens_rights", "leadership": "domestic",
     "leadership_model": "advocacy_network", "policy_demand": "demand C", "outcome": "adopted",
     "outcome_date": "2016", "sources": "https://example.org/d", "verification": "V",
     "social_media_centrality": "core"},
    {"id": "EU02", "name": "Synthetic campaign D", "target_iso3": "POL", "start": "2016-03",
     "platforms": "twitter", "issue_area": "political_prisoners_free_expression",
     "leadership": "diaspora", "leadership_model": "epistemic_community", "policy_demand": "demand D",
     "outcome": "backlash", "sources": "https://example.org/e", "verification": "V",
     "social_media_centrality": "secondary"},
]


def write_campaigns(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=schema.COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in schema.COLUMNS})
    return path


@pytest.fixture(name="write_campaigns")
def write_campaigns_fixture():
    return write_campaigns


@pytest.fixture
def synthetic_rows() -> list[dict[str, str]]:
    return [dict(r) for r in SYNTHETIC_ROWS]
