"""The deviations table (``preregistration/deviations.md``): every analysis run that the locked
spec does not register, with what changed, why and when (after Willroth & Atherton 2024).

The file holds one Markdown table with the columns of :data:`COLUMNS`; ``estimator`` and
``variant`` may be ``*`` to cover all estimators or variants of that id.
"""

from __future__ import annotations

from pathlib import Path

from study.errors import DataError
from study.provenance import record_input

COLUMNS = ("id", "estimator", "variant", "what changed", "reason", "date")


def read_deviations(path: Path) -> list[dict[str, str]]:
    """Rows of the deviations table (an absent file means no deviations)."""
    path = Path(path)
    if not path.exists():
        return []
    record_input(path)
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            if header is not None and rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise DataError(path, "deviations table lacks a column", row=lineno, field=missing[0])
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if len(cells) != len(header):
            raise DataError(path, f"expected {len(header)} cells, found {len(cells)}", row=lineno)
        row = dict(zip(header, cells))
        for field in ("id", "reason", "date"):
            if not row[field]:
                raise DataError(path, "a deviation needs this field", row=lineno, field=field)
        rows.append(row)
    return rows


def covers(row: dict[str, str], spec_id: str, estimator: str, variant: str) -> bool:
    return (row["id"] == spec_id and row["estimator"] in ("*", estimator)
            and row["variant"] in ("*", variant))
