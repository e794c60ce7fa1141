"""ISO 3166-1 alpha-3 harmonisation of the names and codes used by the sources.

Every (name, code) pair a source uses is resolved in this order, and every pair whose rows do
not reach the panel is reported with its reason (``data/derived/unmatched_names.csv``):

1. an explicit decision for the source's (name, code) pair (:data:`PAIR_DECISIONS`), the code
   (:data:`CODE_DECISIONS`, e.g. OWID's ``OWID_KOS``) or, for rows without a code, the name
   (:data:`NAME_DECISIONS`);
2. a regional, income or world aggregate (:func:`is_aggregate`): dropped deliberately;
3. a code that is a valid ISO3 code (or an ISO2 code, for the treaty files) according to
   ``country_converter``; if ``country_converter`` reads the *name* as a different country, the
   row is rejected (a name/code conflict is a corrupted row, not a recode);
4. a row without a code whose name ``country_converter`` recognises: matched by name (listed in
   the codebook);
5. a name or code that has no rows in the panel years (a historical entity such as the German
   Democratic Republic): dropped as historical.

Anything else is an unknown country and fails with :class:`study.errors.DataError` naming the
file, the first data row and the field, so a new name can never be lost silently.

Entities that needed a decision (why each is coded the way it is) are in
:data:`ENTITY_DECISIONS`; they are printed in the codebook.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from study.errors import DataError

ISO3_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Decision:
    """What to do with a source entity: map it to ``iso3`` or drop it (``iso3=None``), and why."""

    iso3: str | None
    reason: str


# Codes that are not ISO 3166-1 alpha-3 but occur with data in the panel years.
CODE_DECISIONS: dict[str, Decision] = {
    "OWID_KOS": Decision("XKX", "Kosovo: OWID's own code; mapped to XKX, the user-assigned code used by the "
                                "World Bank, the EU and country_converter (ISO 3166 has no code for Kosovo)"),
    "OWID_SRM": Decision(None, "Serbia and Montenegro (2003-2006): the sources carry its series under Serbia "
                               "(SRB), the continuing state; a separate entity would double-count it"),
    "OWID_YGS": Decision(None, "Yugoslavia (SFRY, dissolved 1992): historical; FR Yugoslavia/Serbia is SRB"),
    "OWID_CZS": Decision(None, "Czechoslovakia (dissolved 1993, before the panel): successors CZE and SVK"),
    "OWID_USS": Decision(None, "USSR (dissolved 1991, before the panel): successors carry their own codes"),
    "OWID_SML": Decision(None, "Somaliland (V-Dem unit, OWID code): no ISO3 code; part of Somalia (SOM) in every "
                               "other source"),
    "OWID_DRV": Decision(None, "Democratic Republic of Vietnam (North Vietnam, 1945-1975): historical; VNM from 1976"),
    "OWID_ZAN": Decision(None, "Zanzibar (independent 1963-1964 in Fariss; a semi-autonomous V-Dem unit since): "
                               "part of Tanzania (TZA) in the panel; no ISO3 code"),
    # V-Dem's own codes for units without an ISO 3166 code (wide V-Dem extracts)
    "PSG": Decision(None, "Palestine/Gaza (V-Dem unit from 2007): no ISO3 code; PSE follows V-Dem's "
                          "Palestine/West Bank unit"),
    "SML": Decision(None, "Somaliland (V-Dem unit): no ISO3 code; part of Somalia (SOM) in every other source"),
    "ZZB": Decision(None, "Zanzibar (V-Dem unit): semi-autonomous part of Tanzania (TZA); no ISO3 code"),
    "ANT": Decision(None, "Netherlands Antilles (ISO code deleted in 2011; dissolved 2010 into CUW, SXM, BES): "
                          "not in any outcome source"),
}

# (source, name, code): a real ISO3 code that one source uses for an earlier, different entity.
PAIR_DECISIONS: dict[tuple[str, str, str], Decision] = {
    ("vdem", "Palestine", "PSE"): Decision(None, "V-Dem's 'Palestine' unit is the British Mandate (1918-1948), a historical "
                                         "entity; the panel's PSE follows V-Dem's Palestine/West Bank unit"),
}

# Names that occur without a code and need a decision rather than a name match (V-Dem's
# sub-national units, whose names country_converter would read as the surrounding country).
NAME_DECISIONS: dict[str, Decision] = {
    "Palestine/West Bank": Decision("PSE", "V-Dem's Palestine/West Bank unit (country_text_id PSE) stands for "
                                           "Palestine (PSE), as in V-Dem's own coding"),
    "Palestine/Gaza": Decision(None, "Palestine/Gaza (V-Dem unit from 2007): no ISO3 code; PSE follows V-Dem's "
                                     "Palestine/West Bank unit"),
    "Somaliland": Decision(None, "Somaliland (V-Dem unit): no ISO3 code; part of Somalia (SOM) in every other source"),
    "Zanzibar": Decision(None, "Zanzibar: semi-autonomous part of Tanzania (TZA); no ISO3 code"),
    "South Yemen": Decision(None, "South Yemen (Yemen People's Republic, to 1990): historical; the panel's YEM is "
                                  "unified Yemen, which the sources code as the continuation of North Yemen"),
    "Democratic Republic of Vietnam": Decision(None, "North Vietnam (1945-1975): historical; VNM from 1976"),
}

# Entity-level decisions that need no recode but must be stated (printed in the codebook).
ENTITY_DECISIONS: dict[str, str] = {
    "XKX": "Kosovo: XKX (OWID_KOS in OWID exports). In the panel from 1995 like every country; sources "
           "cover it from its 2008 declaration of independence (Fariss 2008-2019). Not a UN member: no treaty data.",
    "PSE": "Palestine: PSE (West Bank and Gaza as the World Bank reports them). Not a UN member state, so the "
           "treaty files do not cover it (it acceded to several treaties from 2014): treaty count missing.",
    "TWN": "Taiwan: TWN, kept as a separate country (Fariss, V-Dem). No World Bank data (GDP, population "
           "missing) and no UN treaty data.",
    "HKG": "Hong Kong: HKG, a separate entity only where an outcome source (V-Dem) codes it; never merged "
           "into China (CHN).",
    "SRB": "Serbia: SRB is the continuing state of FR Yugoslavia (1992-2003) and Serbia and Montenegro "
           "(2003-2006) in every source (Fariss codes 'Serbia' from 1946; WDI series start 1995); Montenegro "
           "(MNE) is separate from its 2006 independence. The Fariss export ends Serbia in 2018 (2019 missing).",
    "MNE": "Montenegro: MNE from its 2006 independence; before 2006 it is part of SRB in every source. "
           "Treaty count missing before 2006 (see STATEHOOD_START).",
    "SDN": "Sudan: SDN includes South Sudan before 2011 in every source (no 'Sudan (former)' data are used).",
    "SSD": "South Sudan: SSD from its 2011 independence; treaty count missing before 2011.",
    "CZE": "Czechia: CZE continues Czechoslovakia in Fariss (coded from 1946); the split (1993) predates the "
           "panel, so Czechoslovakia itself is never needed.",
    "TLS": "Timor-Leste: TLS (the treaty files use the retired ISO2 code 'TP'; Fariss names it 'Timor'). "
           "Independent in 2002; treaty count missing before 2002.",
    "FSM": "Micronesia (Federated States of): FSM; the Fariss export has no code for it (matched by name).",
    "DEU": "Germany: DEU; the German Democratic Republic (to 1990) is historical and dropped.",
    "YEM": "Yemen: YEM; the Yemen People's Republic (to 1990) is historical and dropped.",
    "TZA": "Tanzania: TZA; Zanzibar (an independent entity in 1963-1964 in Fariss, an autonomous region in "
           "V-Dem) is not a separate country in the panel.",
}

# First year a country exists as an independent state, where that falls inside the panel; used
# to leave the state-party count missing (not 0) for years before the state could ratify.
STATEHOOD_START: dict[str, int] = {
    "TLS": 2002,  # independence 20 May 2002
    "MNE": 2006,  # independence 3 June 2006
    "SSD": 2011,  # independence 9 July 2011
    "XKX": 2008,  # declaration of independence 17 February 2008
}

# Aggregates are recognised only on rows without an ISO3 code (empty or an OWID_ code).
AGGREGATE_CODES = frozenset({"OWID_WRL"})
AGGREGATE_NAMES = frozenset({
    "World", "Africa", "Asia", "Europe", "North America", "South America", "Oceania", "Antarctica",
    "European Union (27)", "High-income countries", "Low-income countries", "Lower-middle-income countries",
    "Upper-middle-income countries", "Middle-income countries", "Low and middle-income countries",
})
AGGREGATE_PATTERNS = (
    re.compile(r"\((WB|UN|OWID|WHO|FAO|ILO|IMF|V-Dem|Maddison|Shiller|ITU)\)$"),
    re.compile(r"-income countries$"),
    re.compile(r"\(population-weighted\)$"),
)


def is_aggregate(name: str, code: str) -> bool:
    """A regional, income or world aggregate (never a country)."""
    if code in AGGREGATE_CODES:
        return True
    if code and not code.startswith("OWID_"):
        return False
    return name in AGGREGATE_NAMES or any(p.search(name) for p in AGGREGATE_PATTERNS)


@lru_cache(maxsize=1)
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes known to country_converter (includes XKX)."""
    codes = _converter().data["ISO3"].dropna().astype(str)
    return frozenset(c for c in codes if ISO3_RE.match(c))


@lru_cache(maxsize=1)
def iso2_to_iso3() -> dict[str, str]:
    """ISO2 -> ISO3 from country_converter, plus the retired ISO2 codes the sources still use."""
    data = _converter().data[["ISO2", "ISO3"]].dropna().astype(str)
    table: dict[str, str] = {}
    for codes, iso3 in zip(data["ISO2"], data["ISO3"]):
        # country_converter writes alternatives as a regex, e.g. '^GR$|^EL$' for Greece
        for code in re.findall(r"[A-Z]{2}", codes):
            table[code] = iso3
    table.update(RETIRED_ISO2)
    return table


RETIRED_ISO2: dict[str, str] = {
    "TP": "TLS",  # East Timor's ISO2 code until 2002; the treaty files still use it
}


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    data = _converter().data[["ISO3", "name_short"]].dropna().astype(str)
    return dict(zip(data["ISO3"], data["name_short"]))


def short_name(iso3: str) -> str:
    """country_converter's short English name for an ISO3 code."""
    return _short_names()[iso3]


def name_to_iso3(names: list[str]) -> dict[str, str | None]:
    """country_converter's reading of each name: an ISO3 code, or None if unknown or ambiguous."""
    new = sorted(set(names) - set(_NAME_CACHE))
    if new:
        converted = _converter().convert(new, src="regex", to="ISO3", not_found=None)
        if isinstance(converted, str):
            converted = [converted]
        for name, code in zip(new, converted):
            ok = isinstance(code, str) and ISO3_RE.match(code) and code in iso3_codes()
            _NAME_CACHE[name] = code if ok else None
    return {name: _NAME_CACHE[name] for name in set(names)}


_NAME_CACHE: dict[str, str | None] = {}  # country_converter's regex matching is the slow part


@dataclass
class Harmonised:
    """A source's rows with an ``iso3`` column, and what happened to every other entity."""

    frame: pd.DataFrame
    dropped: list[dict] = field(default_factory=list)
    recoded: list[dict] = field(default_factory=list)


def harmonise(frame: pd.DataFrame, *, file: Path | str, source: str, name_col: str, code_col: str,
              year_col: str, first_year: int, code_system: str = "ISO3") -> Harmonised:
    """Add ``iso3`` to ``frame`` (string columns, ``_row`` = 1-based data row, integer ``year_col``).

    Rows of dropped entities are removed and reported; unknown entities raise DataError.
    """
    if code_system not in ("ISO3", "ISO2"):
        raise ValueError(f"code_system must be ISO3 or ISO2, not {code_system}")
    pairs = (frame.groupby([name_col, code_col], sort=False)
             .agg(_first_row=("_row", "min"), _rows=("_row", "size"),
                  _first_year=(year_col, "min"), _last_year=(year_col, "max"))
             .reset_index())
    names_needed = pairs[name_col].tolist()
    by_name = name_to_iso3(names_needed)
    iso2 = iso2_to_iso3()
    result: dict[tuple[str, str], str | None] = {}
    dropped, recoded = [], []
    for rec in pairs.itertuples(index=False):
        name, code = rec[0], rec[1]
        first_row, n_rows, y0, y1 = rec[2], rec[3], int(rec[4]), int(rec[5])
        entry = {"source": source, "file": str(file), "name": name, "code": code, "rows": int(n_rows),
                 "first_year": y0, "last_year": y1}
        iso3, reason = _resolve(source, name, code, code_system, iso2, by_name)
        if iso3 is None and reason is None:  # not recognised at all
            if y1 < first_year:
                reason = f"historical entity: no rows in the panel years (last year {y1})"
            elif code:
                raise DataError(file, f"unknown country code '{code}' (name '{name}'): not {code_system} per "
                                      "country_converter, not an aggregate and not in the decisions table "
                                      "(study/panel/countries.py)", row=first_row, field=code_col)
            else:
                raise DataError(file, f"unknown country name '{name}' without a code: country_converter does "
                                      "not recognise it, it is not an aggregate and not in the decisions table "
                                      "(study/panel/countries.py)", row=first_row, field=name_col)
        if iso3 is None:
            dropped.append({**entry, "decision": "dropped", "reason": reason})
        else:
            conflict = by_name.get(name)
            if conflict and conflict != iso3:
                raise DataError(file, f"name '{name}' is {conflict} according to country_converter but the row's "
                                      f"code gives {iso3}", row=first_row, field=code_col)
            if reason:
                recoded.append({**entry, "iso3": iso3, "reason": reason})
        result[(name, code)] = iso3
    keys = pd.MultiIndex.from_frame(frame[[name_col, code_col]])
    mapped = pd.Series([result[k] for k in keys], index=frame.index, dtype="object")
    out = frame.assign(iso3=mapped)
    out = out[out["iso3"].notna()].copy()
    out["iso3"] = out["iso3"].astype(str)
    return Harmonised(out, dropped, recoded)


def _resolve(source: str, name: str, code: str, code_system: str, iso2: dict[str, str],
             by_name: dict[str, str | None]) -> tuple[str | None, str | None]:
    """(iso3, reason): iso3 None with a reason = dropped; (None, None) = not recognised."""
    if (source, name, code) in PAIR_DECISIONS:
        d = PAIR_DECISIONS[(source, name, code)]
        return d.iso3, d.reason
    if code in CODE_DECISIONS:
        d = CODE_DECISIONS[code]
        return d.iso3, d.reason
    if not code and name in NAME_DECISIONS:
        d = NAME_DECISIONS[name]
        return d.iso3, d.reason
    if is_aggregate(name, code):
        return None, "aggregate (region, income group or world), dropped deliberately"
    if code_system == "ISO2" and code in iso2:
        mapped = iso2[code]
        return mapped, (f"retired ISO2 code '{code}' mapped to {mapped}" if code in RETIRED_ISO2 else None)
    if code_system == "ISO3" and code in iso3_codes():
        return code, None
    if not code and by_name.get(name):
        return by_name[name], "no code in the source; matched by name with country_converter"
    return None, None
