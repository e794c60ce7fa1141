"""Fariss OWID export: codes, empty codes, historical entities (small SYNTHETIC fixture)."""

from __future__ import annotations

from study.panel.load_fariss import VALUE, load_clean_fariss


def test_codes_and_historical_entities(tmp_path):
    path = tmp_path / "fariss.csv"
    path.write_text("\n".join([f"Entity,Code,Year,{VALUE}", "France,FRA,2000,1.25", "Micronesia,,2000,0.5",
                               "Kosovo,OWID_KOS,2010,-0.25", "Zanzibar,OWID_ZAN,1963,0.1",
                               "German Democratic Republic,,1990,0.2"]))  # no trailing newline, as upstream
    table = load_clean_fariss(path, 1995)
    got = {(r.iso3, r.year): r.hr_protection for r in table.frame.itertuples()}
    assert got == {("FRA", 2000): 1.25, ("FSM", 2000): 0.5, ("XKX", 2010): -0.25}
    assert sorted(d["name"] for d in table.dropped) == ["German Democratic Republic", "Zanzibar"]
    assert table.last_year == 2010
