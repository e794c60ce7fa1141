"""Read and check the files the report renders: estimate CSVs, the panel and the campaign table.

A file whose producing step is implemented but which is absent is an error naming the file and the
step to run; a file whose step is still pending reads as ``None`` and its tables say so. Numbers are
checked here (a non-numeric estimate is a :class:`~study.errors.DataError` naming file, row and
field) so that the table code can trust them.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from study import paths
from study.errors import DataError
from study.provenance import record_input

log = logging.getLogger("study")

TIDY_COLUMNS: tuple[str, ...] = (
    "spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate", "se",
    "ci_low", "ci_high", "ci_kind", "p_value", "n_obs", "n_units", "n_treated_units",
)
TIDY_NUMERIC: tuple[str, ...] = (
    "estimate", "se", "ci_low", "ci_high", "p_value", "n_obs", "n_units", "n_treated_units",
    "ci90_low", "ci90_high", "p_positive",
)
# One estimate per cell: rows that agree on these columns would be ambiguous in a table.
TIDY_KEY: tuple[str, ...] = ("spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "ci_kind")
MISSING = ("", "NA", "NaN", "nan", "None")


@dataclass(frozen=True)
class Source:
    """An estimate file, the step that writes it, and what it must hold."""

    file: str
    step: str
    required: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {
    "did": Source("did.csv", "did", TIDY_COLUMNS, TIDY_NUMERIC, TIDY_KEY),
    "bayes": Source("bayes.csv", "bayes", TIDY_COLUMNS, TIDY_NUMERIC, TIDY_KEY),
    "bayes_diagnostics": Source("bayes_diagnostics.csv", "bayes", ("r_hat", "ess_bulk", "ess_tail"),
                                ("r_hat", "ess_bulk", "ess_tail", "divergences", "ebfmi", "seconds",
                                 "sampling_seconds")),
    "bayes_loo": Source("bayes_loo.csv", "bayes", ()),
    "dag": Source("dag.csv", "dag", ("estimate",), TIDY_NUMERIC),
    "process": Source("process_outcome.csv", "process", TIDY_COLUMNS[:7] + ("estimate", "se", "p_value"),
                      ("estimate", "se", "ci_low", "ci_high", "p_value", "n_units", "engagement")),
    "refutations": Source("refutations.csv", "dag", ("refuter", "kind", "estimate", "new_effect", "p_value"),
                          ("estimate", "new_effect", "p_value")),
}


def step_implemented(step: str) -> bool:
    """Whether the CLI step's module exists (a pending step has written nothing yet)."""
    from study.cli import STEPS

    module = next((s.module for s in STEPS if s.name == step), None)
    if module is None:
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _absent(path: Path, step: str) -> None:
    if step_implemented(step):
        raise DataError(path, f"missing: the '{step}' step is implemented but this file does not exist; "
                              f"run `make {step}` first")
    log.info("%s: not there yet (step '%s' is pending); its tables and figures are left out",
             paths.relative(path), step)


def to_numeric(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> pd.DataFrame:
    """Convert the listed columns (those present) to float; a non-numeric cell is a DataError."""
    out = frame.copy()
    for col in columns:
        if col not in out.columns:
            continue
        text = out[col].astype(str).str.strip()
        blank = text.isin(MISSING)
        values = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = values.isna() & ~blank
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise DataError(path, f"not a number: {text.iloc[i]!r}", row=i + 1, field=col)
        out[col] = values.astype("float64")
    return out


def read_estimates(name: str) -> pd.DataFrame | None:
    """The checked estimate file ``name`` (a key of :data:`SOURCES`), or None if its step is pending."""
    src = SOURCES[name]
    path = paths.estimates_dir() / src.file
    if not path.exists():
        _absent(path, src.step)
        return None
    frame = pd.read_csv(record_input(path), dtype=str, keep_default_na=False)
    for col in src.required:
        if col not in frame.columns:
            raise DataError(path, "required column missing", field=col)
    for col in ("spec_id", "estimator", "variant"):
        if col in src.required:
            empty = frame[col].str.strip() == ""
            if empty.any():
                raise DataError(path, "empty value", row=int(empty.to_numpy().argmax()) + 1, field=col)
    frame = to_numeric(frame, src.numeric, path)
    if src.unique:
        dup = frame.duplicated(list(src.unique), keep="first")
        if dup.any():
            i = int(dup.to_numpy().argmax())
            raise DataError(path, "duplicate estimate: another row has the same "
                                  + ", ".join(f"{c}={frame[c].iloc[i]}" for c in src.unique), row=i + 1)
    return frame


def read_derived(file: str, step: str, required: tuple[str, ...]) -> pd.DataFrame | None:
    """A parquet file under ``data/derived`` (the panel, the campaign table), or None if its step is pending."""
    path = paths.derived_dir() / file
    if not path.exists():
        _absent(path, step)
        return None
    frame = pd.read_parquet(record_input(path))
    for col in required:
        if col not in frame.columns:
            raise DataError(path, "required column missing", field=col)
    return frame


def read_panel() -> pd.DataFrame | None:
    return read_derived("panel.parquet", "panel", ("iso3", "year"))


def read_campaigns() -> pd.DataFrame | None:
    return read_derived("campaigns.parquet", "campaigns",
                        ("id", "target_iso3", "start_year", "issue_area", "leadership", "region"))


def panel_variables(spec: dict[str, Any], panel: pd.DataFrame) -> list[tuple[str, str]]:
    """(group, column) of the spec's outcomes and DiD covariates that the panel holds, in spec order."""
    outcomes = [o.get("column", k) for k, o in spec.get("outcomes", {}).items()]
    covariates = [c for c in spec.get("did", {}).get("covariates", []) if c not in outcomes]
    out = [("Outcomes", c) for c in outcomes] + [("Covariates", c) for c in covariates]
    return [(g, c) for g, c in out if c in panel.columns]


def read_failures(step: str) -> list[dict[str, str]]:
    """Registered estimates a step could not compute or report (``results/estimates/<step>/failures.json``:
    DiD estimates not estimable, Bayesian comparison variants that failed the convergence gates)."""
    import json

    path = paths.estimates_dir() / step / "failures.json"
    if not path.exists():
        return []
    try:
        rows = json.loads(record_input(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"invalid JSON: {exc}") from exc
    return [{k: str(v) for k, v in r.items()} for r in rows]
