"""ISO3 harmonisation: decisions, aggregates, name matches, and loud failure on unknown entities."""

from __future__ import annotations

import pandas as pd
import pytest

from study.errors import DataError
from study.panel import countries
from study.panel.countries import harmonise, is_aggregate


def _frame(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["Entity", "Code", "year"])
    frame.insert(0, "_row", range(1, len(frame) + 1))
    return frame


def _harmonise(rows, **kw):
    return harmonise(_frame(rows), file="f.csv", source="test", name_col="Entity", code_col="Code",
                     year_col="year", first_year=1995, **kw)


def test_codes_decisions_aggregates_and_name_matches():
    out = _harmonise([
        ("France", "FRA", 2000), ("Kosovo", "OWID_KOS", 2010), ("Micronesia", "", 2000),
        ("World", "OWID_WRL", 2000), ("Africa", "", 2000), ("High-income countries", "", 2000),
        ("South Asia (WB)", "", 2000), ("German Democratic Republic", "", 1980),
    ])
    assert dict(zip(out.frame["Entity"], out.frame["iso3"])) == {"France": "FRA", "Kosovo": "XKX", "Micronesia": "FSM"}
    reasons = {d["name"]: d["reason"] for d in out.dropped}
    assert set(reasons) == {"World", "Africa", "High-income countries", "South Asia (WB)", "German Democratic Republic"}
    assert all("aggregate" in reasons[n] for n in ("World", "Africa", "High-income countries", "South Asia (WB)"))
    assert "historical" in reasons["German Democratic Republic"]
    assert {r["name"]: r["iso3"] for r in out.recoded} == {"Kosovo": "XKX", "Micronesia": "FSM"}


def test_unknown_name_fails_with_row_and_field():
    with pytest.raises(DataError) as err:
        _harmonise([("France", "FRA", 2000), ("Atlantis", "", 2000)])
    assert (err.value.row, err.value.field) == (2, "Entity")
    assert "unknown country name 'Atlantis'" in str(err.value) and "f.csv" in str(err.value)


def test_unknown_code_fails():
    with pytest.raises(DataError) as err:
        _harmonise([("Freedonia", "XYZ", 2000)])
    assert (err.value.row, err.value.field) == (1, "Code")


def test_name_code_conflict_fails():
    with pytest.raises(DataError, match="according to country_converter") as err:
        _harmonise([("France", "FRA", 2000), ("Germany", "FRA", 2001)])
    assert (err.value.row, err.value.field) == (2, "Code")


def test_aggregate_names_never_hide_a_real_code():
    assert is_aggregate("North America", "") and is_aggregate("Europe and Central Asia (WB)", "")
    assert not is_aggregate("North America", "USA")


def test_iso2_including_retired_tp():
    frame = pd.DataFrame({"_row": [1, 2, 3], "member": ["East Timor", "Greece", "United Kingdom"],
                          "iso2": ["TP", "GR", "GB"], "year": [2003, 2000, 2000]})
    out = harmonise(frame, file="t.csv", source="t", name_col="member", code_col="iso2", year_col="year",
                    first_year=1995, code_system="ISO2")
    assert out.frame["iso3"].tolist() == ["TLS", "GRC", "GBR"]
    assert [r["reason"] for r in out.recoded] == ["retired ISO2 code 'TP' mapped to TLS"]


def test_decision_tables_are_explained():
    for code, decision in countries.CODE_DECISIONS.items():
        assert len(decision.reason) > 20, code
        assert decision.iso3 is None or decision.iso3 in countries.iso3_codes()
    for iso3 in [*countries.ENTITY_DECISIONS, *countries.STATEHOOD_START]:
        assert iso3 in countries.iso3_codes()
