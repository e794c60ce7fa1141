"""UN human-rights treaty status (5 files) -> ``treaty_ratifications``, the count of ICCPR,
ICCPR-OP2, CAT, CEDAW and CRC ratified (or acceded to, or succeeded to) by the end of each year.

* Files: ``un_treaties/treaty_status_<treaty>.csv`` (``iso2, member, state party, year
  ratification or accession, signatory, no action, status, note``), one row per UN member state
  (193): no Palestine, Holy See, Kosovo, Taiwan, Cook Islands or Niue, whose count is missing.
* A treaty counts from its ratification/accession year on, for state parties only (``state
  party`` = 1); the files give the year only, and no signature years. Years are checked: a state
  party needs a year, a non-party must not have one.
* Succession: rows coded with the successor's own year count from that year (Czech Republic and
  Slovakia 1993, Serbia 2001 for ICCPR, Montenegro 2006). Rows whose note says the status is
  "tied to the UK's" signature (Solomon Islands and Tuvalu, ICCPR, coded 1976) record no act of
  the state itself and are not counted: the UN Treaty Collection listed 173 ICCPR parties in
  2022 including the State of Palestine, i.e. 172 UN members, which the file reaches only
  without these two rows.
* Known inconsistencies, handled explicitly (:data:`KNOWN_INCONSISTENCIES`): CAT row for
  Tanzania has an empty status and no flag set (counted as not a party, as ``state party`` = 0
  says); CRC row for North Korea has ``no action`` = 1 although it is a state party since 1990
  (``state party`` wins). Any other inconsistency fails naming the row.
* East Timor uses the retired ISO2 code "TP" (mapped to TLS).
* For Timor-Leste, Montenegro, South Sudan (and Kosovo) the count is missing before statehood
  (:data:`study.panel.countries.STATEHOOD_START`); it is also missing after the snapshot's last
  year (the latest ratification year in the files, 2022), since later ratifications are unknown.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from study.errors import DataError
from study.panel.countries import STATEHOOD_START, harmonise
from study.panel.raw_csv import check_unique_key, read_raw_csv
from study.panel.source_table import SourceTable

TREATIES: tuple[str, ...] = ("iccpr", "iccpr_op2", "cat", "cedaw", "crc")
ISO2, MEMBER, PARTY, YEAR = "iso2", "member", "state party", "year ratification or accession"
SIGNATORY, NO_ACTION, STATUS, NOTE = "signatory", "no action", "status", "note"
COLUMNS = (ISO2, MEMBER, PARTY, YEAR, SIGNATORY, NO_ACTION, STATUS, NOTE)
STATUSES = {"state party": PARTY, "signatory state": SIGNATORY, "no action": NO_ACTION}
# Treaties opened for signature 1966-1989: no ratification can be older than 1966.
YEAR_RANGE = (1966, 2030)

KNOWN_INCONSISTENCIES: dict[tuple[str, str], str] = {
    ("cat", "TZ"): "empty status and no flag set; counted as not a party (state party = 0)",
    ("crc", "KP"): "no action = 1 although a state party since 1990; state party wins",
}
NOT_COUNTED_NOTE = re.compile(r"tied to the UK", re.IGNORECASE)


def read_treaty_file(path: Path | str, treaty: str) -> pd.DataFrame:
    """One status file, validated: ``iso2``, ``party`` (bool), ``year`` (float, NaN if none), ``note``."""
    path = Path(path)
    raw = read_raw_csv(path, COLUMNS)
    for col in (PARTY, SIGNATORY, NO_ACTION):
        bad = ~raw[col].isin(["0", "1"])
        if bad.any():
            raise DataError(path, f"'{raw.loc[bad, col].iloc[0]}' is not 0 or 1",
                            row=int(raw.loc[bad, "_row"].iloc[0]), field=col)
    years: list[float] = []
    for rec in raw.to_dict("records"):
        row, iso2 = int(rec["_row"]), rec[ISO2]
        known = (treaty, iso2) in KNOWN_INCONSISTENCIES
        if not re.fullmatch(r"[A-Z]{2}", iso2):
            raise DataError(path, f"'{iso2}' is not an ISO2 code", row=row, field=ISO2)
        party = rec[PARTY] == "1"
        if rec[YEAR]:
            if not re.fullmatch(r"\d{4}", rec[YEAR]):
                raise DataError(path, f"year '{rec[YEAR]}' is not a 4-digit year", row=row, field=YEAR)
            y = int(rec[YEAR])
            if not YEAR_RANGE[0] <= y <= YEAR_RANGE[1]:
                raise DataError(path, f"impossible ratification year {y} (outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]})",
                                row=row, field=YEAR)
        years.append(float(rec[YEAR]) if rec[YEAR] else np.nan)
        if party and not rec[YEAR]:
            raise DataError(path, "state party without a ratification/accession year", row=row, field=YEAR)
        if not party and rec[YEAR]:
            raise DataError(path, "ratification year given for a state that is not a party", row=row, field=YEAR)
        if known:
            continue
        if rec[STATUS] not in STATUSES:
            raise DataError(path, f"unknown status '{rec[STATUS]}'", row=row, field=STATUS)
        flags = [c for c in (PARTY, SIGNATORY, NO_ACTION) if rec[c] == "1"]
        if flags != [STATUSES[rec[STATUS]]]:
            raise DataError(path, f"status '{rec[STATUS]}' disagrees with the flags set ({', '.join(flags) or 'none'})",
                            row=row, field=STATUS)
    out = raw.assign(party=raw[PARTY] == "1", ratified=np.array(years, dtype=float))
    check_unique_key(out, [ISO2], path, field=ISO2, what="country")
    return out


def load_clean_un_treaties(paths: dict[str, Path], first_year: int) -> SourceTable:
    """Count of the five treaties ratified by the end of each year, per ISO3, first_year..snapshot."""
    missing = [t for t in TREATIES if t not in paths]
    if missing:
        raise DataError(next(iter(paths.values()), "data/raw/un_treaties"), "treaty file missing", field=missing[0])
    parts, dropped, recoded = [], [], []
    for treaty in TREATIES:
        path = Path(paths[treaty])
        status = read_treaty_file(path, treaty)
        status["year"] = status["ratified"].fillna(first_year).astype("int64")
        harmonised = harmonise(status, file=path, source="un_treaties", name_col=MEMBER, code_col=ISO2,
                               year_col="year", first_year=0, code_system="ISO2")
        frame = harmonised.frame
        counted = frame["party"] & ~frame[NOTE].str.contains(NOT_COUNTED_NOTE)
        frame = frame.assign(treaty=treaty, ratified=frame["ratified"].where(counted))
        parts.append(frame[["iso3", "treaty", "ratified"]])
        dropped += harmonised.dropped
        recoded += harmonised.recoded
    status = pd.concat(parts, ignore_index=True)
    snapshot = int(status["ratified"].max())
    countries = sorted(status["iso3"].unique())
    per_country = status.groupby("iso3")["treaty"].nunique()
    incomplete = per_country[per_country != len(TREATIES)]
    if len(incomplete):
        raise DataError(paths[TREATIES[0]], f"country {incomplete.index[0]} is not in all five treaty files",
                        field=ISO2)
    years = np.arange(first_year, snapshot + 1)
    ratified = status.pivot(index="iso3", columns="treaty", values="ratified").reindex(countries)
    counts = (ratified.to_numpy()[:, :, None] <= years[None, None, :]).sum(axis=1).astype("float64")
    frame = pd.DataFrame({"iso3": np.repeat(countries, len(years)), "year": np.tile(years, len(countries)),
                          "treaty_ratifications": counts.ravel()})
    start = frame["iso3"].map(STATEHOOD_START)
    frame.loc[start.notna() & (frame["year"] < start), "treaty_ratifications"] = np.nan
    frame["year"] = frame["year"].astype("int64")
    return SourceTable(name="un_treaties", file=str(Path(paths[TREATIES[0]]).parent), frame=frame,
                       columns=("treaty_ratifications",), last_year=snapshot, dropped=dropped, recoded=recoded)
