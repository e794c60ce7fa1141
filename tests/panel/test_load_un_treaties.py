"""Treaty status files: counting rule, UK-tied rows, known inconsistencies, statehood (SYNTHETIC fixtures)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from study.errors import DataError
from study.panel.load_un_treaties import COLUMNS, TREATIES, load_clean_un_treaties, read_treaty_file

HEADER = ",".join(COLUMNS)


def _write(dirpath: Path, treaty: str, rows: list[str]) -> Path:
    path = dirpath / f"treaty_status_{treaty}.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode())
    return path


def _files(tmp_path: Path, special: dict[str, list[str]]) -> dict[str, Path]:
    base = ["FR,France,1,1990,0,0,state party,", "TP,East Timor,1,2003,0,0,state party,",
            "SB,Solomon Islands,0,,1,0,signatory state,"]
    return {t: _write(tmp_path, t, special.get(t, base)) for t in TREATIES}


def test_count_by_year_with_statehood_and_uk_tied_rows(tmp_path):
    files = _files(tmp_path, {
        "iccpr": ["FR,France,1,1980,0,0,state party,", "TP,East Timor,1,2003,0,0,state party,",
                  "SB,Solomon Islands,1,1976,0,0,state party,Signature tied to the UK's"],
        "cat": ["FR,France,1,2000,0,0,state party,", "TP,East Timor,1,2003,0,0,state party,",
                "SB,Solomon Islands,0,,0,1,no action,"],
    })
    frame = load_clean_un_treaties(files, 1995).frame.set_index(["iso3", "year"])["treaty_ratifications"]
    assert frame[("FRA", 1995)] == 4 and frame[("FRA", 2000)] == 5     # CAT from 2000
    assert frame[("SLB", 2003)] == 0                                     # UK-tied ICCPR row not counted
    assert math.isnan(frame[("TLS", 2001)]) and frame[("TLS", 2003)] == 5  # statehood 2002
    assert frame.index.get_level_values("year").max() == 2003            # snapshot = latest ratification


def test_known_inconsistencies_are_accepted(tmp_path):
    path = _write(tmp_path, "cat", ["TZ,Tanzania,0,,0,0,,"])
    assert not read_treaty_file(path, "cat")["party"].iloc[0]
    path = _write(tmp_path, "crc", ["KP,North Korea,1,1990,0,1,state party,"])
    assert read_treaty_file(path, "crc")["party"].iloc[0]


@pytest.mark.parametrize("row, field", [
    ("FR,France,1,,0,0,state party,", "year ratification or accession"),
    ("FR,France,0,1990,0,1,no action,", "year ratification or accession"),
    ("FR,France,1,1990,0,1,state party,", "status"),          # an unexpected inconsistency
    ("FR,France,0,,0,0,,", "status"),                         # empty status outside the known case
    ("FR,France,2,1990,0,0,state party,", "state party"),
    ("FR,France,1,19x0,0,0,state party,", "year ratification or accession"),
])
def test_inconsistent_rows_fail(tmp_path, row, field):
    path = _write(tmp_path, "cat", ["DE,Germany,1,1990,0,0,state party,", row])
    with pytest.raises(DataError) as err:
        read_treaty_file(path, "cat")
    assert (err.value.row, err.value.field) == (2, field)


def test_duplicated_country_fails(tmp_path):
    path = _write(tmp_path, "cat", ["FR,France,1,1990,0,0,state party,", "FR,France,1,1990,0,0,state party,"])
    with pytest.raises(DataError, match="duplicated country") as err:
        read_treaty_file(path, "cat")
    assert err.value.row == 2
