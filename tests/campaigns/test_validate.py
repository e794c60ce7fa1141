"""Validator: every codebook violation fails naming the row and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from study.campaigns import schema, validate
from study.errors import DataError

WINDOW = (2006, 2024)
CODEBOOK = Path(__file__).resolve().parents[2] / "data" / "campaigns" / "CODEBOOK.md"


def test_synthetic_table_is_valid(tmp_path, synthetic_rows, write_campaigns):
    frame = validate.load_campaigns(write_campaigns(tmp_path / "c.csv", synthetic_rows), WINDOW)
    assert list(frame["start_year"]) == [2014, 2014, 2020, 2016, 2016]
    assert frame["start_month"].isna().tolist() == [False, False, True, False, False]


@pytest.mark.parametrize("row, field, value, message", [
    (2, "target_iso3", "XYZ", "not an ISO 3166-1 alpha-3 code"),
    (2, "target_iso3", "Nigeria", "not an ISO 3166-1 alpha-3 code"),
    (3, "start", "2020-13", "not YYYY or YYYY-MM"),
    (3, "start", "14/04/2014", "not YYYY or YYYY-MM"),
    (3, "start", "1999", "outside the campaign window"),
    (1, "outcome_date", "2013", "precedes the start"),
    (4, "issue_area", "climate", "not an allowed value"),
    (4, "leadership", "transnational", "not an allowed value"),
    (5, "outcome", "success", "not an allowed value"),
    (5, "platforms", "twitter; myspace", "not an allowed value"),
    (1, "sources", "", "required value is empty"),
    (1, "sources", " ; ", "no source given"),
    (2, "uncertain_fields", "start; mood", "not an allowed value"),
])
def test_bad_value_names_row_and_field(tmp_path, synthetic_rows, row, field, value, message, write_campaigns):
    synthetic_rows[row - 1][field] = value
    path = write_campaigns(tmp_path / "c.csv", synthetic_rows)
    with pytest.raises(DataError, match=re.escape(f"row {row}, field '{field}'") + ".*" + message) as err:
        validate.load_campaigns(path, WINDOW)
    assert err.value.file == str(path)


def test_duplicate_campaign_target_names_both_rows(tmp_path, synthetic_rows, write_campaigns):
    synthetic_rows.append(dict(synthetic_rows[2]))
    path = write_campaigns(tmp_path / "c.csv", synthetic_rows)
    with pytest.raises(DataError, match=r"row 6, field 'target_iso3': duplicate .*first at row 3"):
        validate.load_campaigns(path, WINDOW)


def test_missing_column_is_named(tmp_path, synthetic_rows, write_campaigns):
    path = write_campaigns(tmp_path / "c.csv", synthetic_rows)
    text = path.read_text().replace("issue_area,", "", 1)
    path.write_text(text)
    with pytest.raises(DataError, match="field 'issue_area'"):
        validate.load_campaigns(path, WINDOW)


def test_process_indicator_needs_known_campaign_and_source(tmp_path):
    header = ",".join(schema.PROCESS_COLUMNS)
    path = tmp_path / "p.csv"
    path.write_text(f"{header}\nAF01,petition_signatures,770000,signatures,,,https://example.org,0,lower bound\n"
                    "AF09,video_views,1,views,,,https://example.org,0,\n")
    with pytest.raises(DataError, match=r"row 2, field 'id'"):
        validate.load_process_indicators(path, {"AF01"})
    path.write_text(f"{header}\nAF01,petition_signatures,770000,signatures,,,,0,\n")
    with pytest.raises(DataError, match=r"row 1, field 'source'"):
        validate.load_process_indicators(path, {"AF01"})
    path.write_text(f"{header}\nAF01,petition_signatures,many,signatures,,,https://example.org,0,\n")
    with pytest.raises(DataError, match=r"row 1, field 'value'"):
        validate.load_process_indicators(path, {"AF01"})


@pytest.mark.skipif(not CODEBOOK.exists(), reason="codebook not written yet")
@pytest.mark.parametrize("values", [schema.ISSUE_AREAS, schema.PLATFORMS, schema.LEADERSHIP,
                                    schema.LEADERSHIP_MODELS, schema.OUTCOMES, schema.CENTRALITY,
                                    schema.PROCESS_INDICATORS, schema.COLUMNS])
def test_codebook_documents_every_allowed_value(values):
    text = CODEBOOK.read_text(encoding="utf-8")
    assert [v for v in values if f"`{v}`" not in text] == []
