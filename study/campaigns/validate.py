"""Check ``campaigns.csv`` and ``process_indicators.csv`` against the codebook.

Every violation raises :class:`study.errors.DataError` naming the file, the data row (1-based,
header excluded; the file line is row + 1) and the field, so a coder can fix it at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from study.campaigns import schema
from study.errors import DataError
from study.provenance import record_input


@lru_cache(maxsize=1)
def valid_iso3() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes known to country_converter (includes XKX for Kosovo)."""
    import country_converter as coco

    codes = coco.CountryConverter().data["ISO3"].dropna().astype(str)
    return frozenset(c for c in codes if schema.ISO3_RE.match(c))


def read_csv_strict(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV as strings (no NA guessing) and check that every expected column is present."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file not found")
    record_input(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(path, f"cannot parse CSV: {exc}") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(path, "missing column", field=missing[0])
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        raise DataError(path, "column not in the codebook", field=unknown[0])
    return frame.apply(lambda col: col.str.strip())


def _check_allowed(path: Path, row: int, field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise DataError(path, f"'{value}' is not an allowed value ({', '.join(allowed)})",
                        row=row, field=field)


def _check_list(path: Path, row: int, field: str, cell: str, allowed: tuple[str, ...]) -> None:
    for item in schema.split_list(cell):
        _check_allowed(path, row, field, item, allowed)


def check_campaign_row(path: Path, row: int, rec: dict[str, str], window: tuple[int, int]) -> None:
    """All codebook rules for one campaign row."""
    for field in schema.REQUIRED:
        if not rec[field]:
            raise DataError(path, "required value is empty", row=row, field=field)
    if not schema.ID_RE.match(rec["id"]):
        raise DataError(path, f"id '{rec['id']}' does not match <region prefix><number>", row=row, field="id")
    if rec["target_iso3"] not in valid_iso3():
        raise DataError(path, f"'{rec['target_iso3']}' is not an ISO 3166-1 alpha-3 code",
                        row=row, field="target_iso3")
    start = schema.START_RE.match(rec["start"])
    if not start:
        raise DataError(path, f"'{rec['start']}' is not YYYY or YYYY-MM", row=row, field="start")
    year = int(start["year"])
    if not window[0] <= year <= window[1]:
        raise DataError(path, f"start year {year} outside the campaign window {window[0]}-{window[1]}",
                        row=row, field="start")
    if rec["outcome_date"]:
        date = schema.DATE_RE.match(rec["outcome_date"])
        if not date:
            raise DataError(path, f"'{rec['outcome_date']}' is not YYYY, YYYY-MM or YYYY-MM-DD",
                            row=row, field="outcome_date")
        if int(date["year"]) < year:
            raise DataError(path, f"outcome year {date['year']} precedes the start {rec['start']}",
                            row=row, field="outcome_date")
    _check_list(path, row, "platforms", rec["platforms"], schema.PLATFORMS)
    _check_allowed(path, row, "issue_area", rec["issue_area"], schema.ISSUE_AREAS)
    _check_list(path, row, "secondary_issue_areas", rec["secondary_issue_areas"], schema.ISSUE_AREAS)
    _check_allowed(path, row, "leadership", rec["leadership"], schema.LEADERSHIP)
    _check_allowed(path, row, "leadership_model", rec["leadership_model"], schema.LEADERSHIP_MODELS)
    _check_allowed(path, row, "outcome", rec["outcome"], schema.OUTCOMES)
    _check_allowed(path, row, "verification", rec["verification"], schema.VERIFICATION)
    _check_allowed(path, row, "social_media_centrality", rec["social_media_centrality"], schema.CENTRALITY)
    _check_list(path, row, "uncertain_fields", rec["uncertain_fields"], schema.COLUMNS)
    if not schema.split_list(rec["sources"], schema.SOURCE_SEP.strip()):
        raise DataError(path, "no source given", row=row, field="sources")


def load_campaigns(path: Path, window: tuple[int, int]) -> pd.DataFrame:
    """The validated campaign table (one row per campaign x target), with parsed start year/month."""
    path = Path(path)
    frame = read_csv_strict(path, schema.COLUMNS)
    if frame.empty:
        raise DataError(path, "no campaign rows")
    seen: dict[tuple[str, str], int] = {}
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        check_campaign_row(path, i, rec, window)
        key = (rec["id"], rec["target_iso3"])
        if key in seen:
            raise DataError(path, f"duplicate (id, target_iso3) = {key}; first at row {seen[key]}",
                            row=i, field="target_iso3")
        seen[key] = i
    parts = frame["start"].str.extract(schema.START_RE)
    frame["start_year"] = parts["year"].astype("int64")
    frame["start_month"] = pd.to_numeric(parts["month"], errors="coerce").astype("Int64")
    return frame


def load_process_indicators(path: Path, campaign_ids: set[str]) -> pd.DataFrame:
    """The validated process-indicator table (long format: campaign x indicator)."""
    path = Path(path)
    frame = read_csv_strict(path, schema.PROCESS_COLUMNS)
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        if rec["id"] not in campaign_ids:
            raise DataError(path, f"campaign id '{rec['id']}' is not in campaigns.csv", row=i, field="id")
        _check_allowed(path, i, "indicator", rec["indicator"], schema.PROCESS_INDICATORS)
        if not rec["source"]:
            raise DataError(path, "a process indicator needs a source", row=i, field="source")
        if not rec["value"]:
            raise DataError(path, "empty value (omit the row instead)", row=i, field="value")
        if rec["indicator"] in schema.NUMERIC_PROCESS_INDICATORS:
            try:
                float(rec["value"])
            except ValueError:
                raise DataError(path, f"'{rec['value']}' is not a number", row=i, field="value") from None
        _check_allowed(path, i, "uncertain", rec["uncertain"], ("0", "1"))
    return frame
