"""The seven regions: rule, World Bank exceptions, and complete coverage of the panel countries."""

from __future__ import annotations

import pytest

from study.panel.regions import REGIONS, region_of


@pytest.mark.parametrize("iso3, region", [
    ("USA", "North America"), ("CAN", "North America"), ("MEX", "Latin America & Caribbean"),
    ("IND", "South Asia"), ("AFG", "South Asia"), ("IRN", "Middle East & North Africa"),
    ("EGY", "Middle East & North Africa"), ("DJI", "Middle East & North Africa"), ("MLT", "Middle East & North Africa"),
    ("SDN", "Sub-Saharan Africa"), ("NGA", "Sub-Saharan Africa"), ("TUR", "Europe & Central Asia"),
    ("KAZ", "Europe & Central Asia"), ("XKX", "Europe & Central Asia"), ("CHN", "East Asia & Pacific"),
    ("FJI", "East Asia & Pacific"), ("TWN", "East Asia & Pacific"), ("PSE", "Middle East & North Africa"),
])
def test_region_of(iso3, region):
    assert region_of(iso3) == region


def test_no_region_for_antarctica():
    with pytest.raises(ValueError, match="ATA"):
        region_of("ATA")


def test_every_panel_country_has_one_of_the_seven_regions(built):
    assert set(built["panel"]["region"]) == set(REGIONS)
