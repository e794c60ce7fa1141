"""What every loader returns: tidy ``(iso3, year, value columns)`` rows and its harmonisation log."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class SourceTable:
    """One source, harmonised to ISO3.

    ``frame`` holds ``iso3``, ``year`` and the source's panel columns, unique on the key (plus
    ``_row``, the source's data row, and ``_name``, its entity name, where the source has them).
    ``dropped`` lists every source entity whose rows are not used, with the reason; ``recoded``
    every entity matched other than by a valid code. ``last_year`` is the latest year the source
    covers (used to set the panel's end when the source is an outcome source).
    """

    name: str
    file: str
    frame: pd.DataFrame
    columns: tuple[str, ...]
    last_year: int
    dropped: list[dict] = field(default_factory=list)
    recoded: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
