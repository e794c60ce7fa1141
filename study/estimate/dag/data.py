"""The analysis frame of DAG1: one row per country-year at risk of a first campaign.

Timing (``[dag]`` of the spec): treatment at t, common causes at t - 1, outcome at t + k.

* **Treatment** ``campaign_onset`` = 1 in the country's first-campaign year (``cohort_<t> == year``).
* **Rows kept** (years t in ``[panel].campaign_window``, the years in which onset is defined):
  the onset year itself, and control years of countries not yet targeted **through t + k**
  (never targeted, or first campaign after t + k). Dropped:

  - years after onset: the treatment is a one-off event (first campaign), so a treated country
    leaves the risk set after it; keeping it would compare the onset year with the country's own
    post-onset years;
  - years t with onset in (t, t + k]: their outcome at t + k would already be post-onset, so they
    are not clean controls (the clean-control rule of local-projection DiD, Dube, Girardi, Jordà
    & Taylor 2023). The price is a selection on the next k years' onset hazard; with annual
    hazards of a few per cent it removes few rows, and the count is reported.

* **Missing values**: a row needs every observed node; incomplete rows are dropped and counted.

The same construction is reused with permuted onset years by the panel-aware placebo
(:func:`at_risk`), so it is vectorised over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from study.errors import DataError
from study.estimate.dag.graph import OUTCOME, CausalDag, NODE_SOURCES

KEY = ["iso3", "year"]


@dataclass
class AnalysisFrame:
    """Rows at risk of onset (``frame``) and every complete country-year in the window
    (``candidates``, with the country's real cohort in ``cohort``), plus the node roles."""

    frame: pd.DataFrame
    candidates: pd.DataFrame
    treatment: str
    outcome: str
    confounders: list[str]                  # observed common-cause nodes (columns of ``frame``)
    categorical: list[str]
    horizon: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def n_units(self) -> int:
        return int(self.frame["iso3"].nunique())

    @property
    def n_treated_units(self) -> int:
        return int(self.frame.loc[self.frame[self.treatment] == 1, "iso3"].nunique())

    def constant_confounders(self) -> list[str]:
        """Confounders without variation in the frame (e.g. prior campaigns when every campaign
        defines onset): conditioning on them is vacuous and their regression column is empty."""
        return [n for n in self.confounders if self.frame[n].nunique(dropna=False) <= 1]

    def model_data(self) -> pd.DataFrame:
        """The columns DoWhy sees: treatment, outcome and the observed confounders."""
        return self.frame[[self.treatment, self.outcome, *self.confounders]].reset_index(drop=True)


def at_risk(year: np.ndarray, cohort: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """``(keep, onset)`` for rows with onset years ``cohort`` (0 = never): see the module docstring."""
    year = np.asarray(year)
    cohort = np.asarray(cohort)
    onset = (cohort > 0) & (year == cohort)
    clean_control = (cohort == 0) | (year + horizon < cohort)
    return onset | clean_control, onset.astype("int64")


def _column(panel: pd.DataFrame, name: str, source: Path | str) -> pd.Series:
    if name not in panel.columns:
        raise DataError(source, "column not found in the panel", field=name)
    return panel[name]


def analysis_frame(panel: pd.DataFrame, dag: CausalDag, *, treatment: str, outcome: str,
                   outcome_variable: str, cohort_column: str, horizon: int, window: tuple[int, int],
                   source: Path | str = "panel") -> AnalysisFrame:
    """Build the analysis frame from a panel that follows the panel contract."""
    if horizon < 1:
        raise DataError(source, f"[dag].horizon must be >= 1, got {horizon}")
    for col in (*KEY, cohort_column):
        _column(panel, col, source)
    if panel.duplicated(KEY).any():
        row = panel.loc[panel.duplicated(KEY), KEY].iloc[0]
        raise DataError(source, "duplicated country-year", row=f"iso3={row['iso3']}, year={row['year']}",
                        field="year")
    cohort = _column(panel, cohort_column, source)
    if not pd.api.types.is_integer_dtype(cohort):
        raise DataError(source, f"cohort column must be integer (0 = never), not {cohort.dtype}",
                        field=cohort_column)
    per_country = panel.groupby("iso3")[cohort_column].nunique()
    if (per_country > 1).any():
        raise DataError(source, "cohort varies within a country", row=f"iso3={per_country.idxmax()}",
                        field=cohort_column)

    observed = [n for n in dag.observed() if n != treatment]
    confounders = [n for n in observed if n != outcome]
    sources = {}
    for node in observed:
        src = NODE_SOURCES[node]
        col = outcome_variable if src.column == OUTCOME else src.column
        _column(panel, col, source)
        timing = ("lead", horizon) if src.lead else ("lag", 0 if src.categorical else src.lag)
        clash = next((other for other, (c, t) in sources.items() if (c, t) == (col, timing)), None)
        if clash:
            raise DataError(source, f"nodes {clash} and {node} both read column {col} in the same year "
                                    "(is the outcome variable also a confounder's measure?)", field=col)
        sources[node] = (col, timing)

    first, last = int(window[0]), int(window[1])
    year = panel["year"].astype("int64")
    in_window = (year >= first) & (year <= last)
    rows = pd.DataFrame({"iso3": panel["iso3"].to_numpy(), "year": year.to_numpy(),
                         "cohort": cohort.astype("int64").to_numpy()})
    for node, (col, _) in sources.items():
        if NODE_SOURCES[node].categorical:
            rows[node] = year.to_numpy() if col == "year" else panel[col].to_numpy()
    rows = rows[in_window.to_numpy()].reset_index(drop=True)
    for node, (col, (kind, offset)) in sources.items():
        if NODE_SOURCES[node].categorical:
            continue
        shift = offset if kind == "lead" else -offset
        shifted = pd.DataFrame({"iso3": panel["iso3"].to_numpy(), "year": year.to_numpy() - shift,
                                node: pd.to_numeric(panel[col], errors="coerce").astype("float64").to_numpy()})
        rows = rows.merge(shifted, on=KEY, how="left", validate="1:1")

    keep, onset = at_risk(rows["year"].to_numpy(), rows["cohort"].to_numpy(), horizon)
    rows[treatment] = onset
    counts = {"window_rows": int(len(rows)),
              "dropped_after_onset": int(((rows["cohort"] > 0) & (rows["year"] > rows["cohort"])).sum()),
              "dropped_onset_within_horizon": int(((rows["cohort"] > rows["year"])
                                                   & (rows["cohort"] <= rows["year"] + horizon)).sum())}
    complete = rows[observed].notna().all(axis=1) & rows[observed].ne("").all(axis=1)
    candidates = rows[complete].copy()
    counts["dropped_incomplete"] = int((keep & ~complete.to_numpy()).sum())
    frame = rows[keep & complete.to_numpy()].copy()
    categorical = [n for n in confounders if NODE_SOURCES[n].categorical]
    for data in (frame, candidates):
        for node in categorical:
            cats = sorted(pd.unique(candidates[node]))
            data[node] = pd.Categorical(data[node], categories=cats)
    frame = frame.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    candidates = candidates.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    counts.update(rows=int(len(frame)), onsets=int(frame[treatment].sum()))
    if counts["onsets"] == 0:
        raise DataError(source, f"no onset year with complete data in {first}-{last} "
                                f"(outcome at t + {horizon} and every observed node at t - 1)", field=cohort_column)
    if counts["onsets"] == len(frame):
        raise DataError(source, "no control country-year with complete data", field=cohort_column)
    cols = ["iso3", "year", "cohort", treatment, outcome, *confounders]
    return AnalysisFrame(frame=frame[cols], candidates=candidates[cols], treatment=treatment, outcome=outcome,
                         confounders=confounders, categorical=categorical, horizon=horizon, counts=counts)
