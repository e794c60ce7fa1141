"""Fariss et al. Latent Human Rights Protection Scores v4 (OWID export) -> ``hr_protection``.

* File: ``fariss/fariss_hr_protection_v4.csv`` (``Entity, Code, Year, Human rights protection``),
  the posterior mean of the latent score (theta); higher = more protection; about -3.8 to +5.4.
* Years 1946-2019; the v4 series stops in 2019, so ``hr_protection`` is missing from 2020 on.
* Codes: OWID's ``OWID_KOS`` is mapped to XKX; Micronesia has no code and is matched by name
  (FSM); the German Democratic Republic, Republic of Vietnam, Yemen People's Republic and
  Zanzibar (1963-1964) end before 1995 and are reported as historical.
* Serbia ends in 2018 in this export (2019 stays missing, not imputed); Tuvalu lacks 1994 and
  1996 (1996 stays missing); historical states appear only for their years of existence.
* LF line endings, no trailing newline (read as is).
"""

from __future__ import annotations

from pathlib import Path

from study.panel.owid import read_owid_grapher
from study.panel.source_table import SourceTable

VALUE = "Human rights protection"
# Plausible range of the latent scale (observed -3.8 to 5.4): anything outside is a corrupted value.
RANGE = (-10.0, 10.0)


def load_clean_fariss(path: Path | str, first_year: int) -> SourceTable:
    """The latent human-rights protection score by ISO3 and year."""
    return read_owid_grapher(path, VALUE, source="fariss", column="hr_protection", first_year=first_year,
                             low=RANGE[0], high=RANGE[1])
