"""ITU internet users: zero rule, scientific notation, CRLF, aggregates (small SYNTHETIC fixtures)."""

from __future__ import annotations

import math

from study.panel.load_itu_internet import VALUE, load_clean_itu_internet


def _write(tmp_path, lines: list[str]):
    path = tmp_path / "net.csv"
    path.write_bytes(("\r\n".join([f"Entity,Code,Year,{VALUE}", *lines]) + "\r\n").encode())
    return path


def test_zero_rule_and_number_formats(tmp_path):
    path = _write(tmp_path, [
        "Alphaland,FRA,1985,0",          # pre-1990 zero-filled row: dropped
        "Alphaland,FRA,1995,0",          # no internet yet: kept as 0
        "Alphaland,FRA,1996,5.64E-05",   # scientific notation
        "Alphaland,FRA,1997,0",          # zero after a positive value: a fill, set missing
        "Alphaland,FRA,1998,2.5",
        "World,OWID_WRL,1998,10",
        "Kosovo,OWID_KOS,2017,80",
    ])
    table = load_clean_itu_internet(path, 1995)
    got = {(r.iso3, r.year): r.internet_users for r in table.frame.itertuples()}
    assert (("FRA", 1985) not in got) and got[("FRA", 1995)] == 0
    assert got[("FRA", 1996)] == 5.64e-05 and math.isnan(got[("FRA", 1997)]) and got[("FRA", 1998)] == 2.5
    assert got[("XKX", 2017)] == 80
    assert [d["name"] for d in table.dropped] == ["World"]
