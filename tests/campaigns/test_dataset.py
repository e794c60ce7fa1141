"""The curated campaign dataset meets the coverage the study needs (issue 4 acceptance)."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.campaigns import schema, validate
from study.panel.regions import REGIONS, region_of

DATA = Path(__file__).resolve().parents[2] / "data" / "campaigns"


@pytest.fixture(scope="module")
def campaigns():
    return validate.load_campaigns(DATA / "campaigns.csv", (2006, 2024))


def test_size_and_targets(campaigns):
    assert len(campaigns) >= 100
    assert campaigns["target_iso3"].nunique() >= 60


def test_every_region_is_covered(campaigns):
    assert set(campaigns["target_iso3"].map(region_of)) == set(REGIONS)


def test_every_issue_area_has_three_campaigns(campaigns):
    counts = campaigns.groupby("issue_area")["id"].nunique()
    assert {area: int(counts.get(area, 0)) for area in schema.ISSUE_AREAS if counts.get(area, 0) < 3} == {}


def test_every_row_has_a_source_and_valid_iso3(campaigns):
    assert campaigns["sources"].str.len().gt(0).all()
    assert campaigns["target_iso3"].isin(validate.valid_iso3()).all()
    assert not campaigns.duplicated(["id", "target_iso3"]).any()


def test_every_process_indicator_has_a_source(campaigns):
    process = validate.load_process_indicators(DATA / "process_indicators.csv", set(campaigns["id"]))
    assert process["source"].str.startswith(("http", "doi:")).all()
