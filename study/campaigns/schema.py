"""The campaign dataset's columns and allowed values: the code side of ``data/campaigns/CODEBOOK.md``.

A test checks that every allowed value listed here is documented in the codebook, so the two
cannot drift apart.
"""

from __future__ import annotations

import re

COLUMNS: tuple[str, ...] = (
    "id", "name", "hashtags", "target_iso3", "start", "platforms", "issue_area",
    "secondary_issue_areas", "leadership", "leadership_model", "organisations", "policy_demand",
    "outcome", "outcome_date", "outcome_description", "sources", "verification",
    "uncertain_fields", "social_media_centrality", "notes",
)

REQUIRED: tuple[str, ...] = (
    "id", "name", "target_iso3", "start", "platforms", "issue_area", "leadership",
    "leadership_model", "policy_demand", "outcome", "sources", "verification",
    "social_media_centrality",
)

ISSUE_AREAS: tuple[str, ...] = (
    "gbv_womens_rights", "lgbtq_rights", "political_prisoners_free_expression",
    "police_security_violence", "internet_shutdowns_digital_rights", "childrens_rights",
    "minority_rights", "labour_migrant_rights", "death_penalty", "other",
)

ISSUE_AREA_LABELS: dict[str, str] = {
    "gbv_womens_rights": "Gender-based violence & women's rights",
    "lgbtq_rights": "LGBTQ+ rights",
    "political_prisoners_free_expression": "Political prisoners & free expression",
    "police_security_violence": "Police & security-force violence",
    "internet_shutdowns_digital_rights": "Internet shutdowns & digital rights",
    "childrens_rights": "Children's rights",
    "minority_rights": "Ethnic/religious minority rights",
    "labour_migrant_rights": "Labour & migrant rights",
    "death_penalty": "Death penalty",
    "other": "Other",
}

PLATFORMS: tuple[str, ...] = (
    "twitter", "facebook", "instagram", "youtube", "tiktok", "whatsapp", "telegram",
    "vkontakte", "weibo", "wechat", "snapchat", "online_petition", "blogs", "sms", "other",
)

LEADERSHIP: tuple[str, ...] = ("domestic", "diaspora", "transnational_ngo")
LEADERSHIP_MODELS: tuple[str, ...] = ("epistemic_community", "advocacy_network", "mixed", "unclear")
OUTCOMES: tuple[str, ...] = ("adopted", "partial", "none", "backlash", "unclear")
VERIFICATION: tuple[str, ...] = ("V", "P")
CENTRALITY: tuple[str, ...] = ("core", "secondary")

# Multi-valued cells use "; " between items; sources use " ; " (URLs may contain ";").
LIST_SEP = ";"
SOURCE_SEP = " ; "

START_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?$")
DATE_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>0[1-9]|[12]\d|3[01]))?)?$")
ID_RE = re.compile(r"^(AF|ME|EU|SA|EA|OC|LA|NA|GL)\d{2,3}$")
ISO3_RE = re.compile(r"^[A-Z]{3}$")

# Process indicators (data/campaigns/process_indicators.csv), long format.
PROCESS_COLUMNS: tuple[str, ...] = (
    "id", "indicator", "value", "unit", "period", "outlet_set", "source", "uncertain", "notes",
)
PROCESS_INDICATORS: tuple[str, ...] = (
    "post_volume", "video_views", "petition_signatures", "solidarity_countries",
    "media_stories", "amplifying_orgs",
)
NUMERIC_PROCESS_INDICATORS: tuple[str, ...] = tuple(i for i in PROCESS_INDICATORS if i != "amplifying_orgs")


def split_list(cell: str, sep: str = LIST_SEP) -> list[str]:
    """Items of a multi-valued cell, stripped, empties dropped."""
    return [item.strip() for item in str(cell).split(sep) if item.strip()]
