"""Input checks for staggered difference-in-differences on a long panel.

Every estimator in this package takes a :class:`DidPanel` built here, so the checks run once and
fail (``DataError``) or warn (:class:`DidDataWarning`) before any number is computed:

* key: unit and time present, time integer-valued, one row per (unit, time);
* treatment: the cohort (first treated period, 0 = never treated) is a non-negative integer and
  constant within a unit (a cohort that changes means the treatment is not absorbing);
* cohorts outside the observed time range: treated after the last period -> never treated within
  the window (warning, as R ``did`` does); treated in or before the first period (+ anticipation)
  -> no untreated pre-period, dropped (warning);
* never-treated units must exist for the never-treated control group;
* cohort sizes: cohorts below ``min_cohort_size`` are dropped (warning); cohorts smaller than
  ``len(covariates) + 5`` units are flagged, as R ``did`` does (warning);
* missing outcome / covariates and unbalanced panels: with ``balanced=True`` units not observed in
  every period are dropped (warning); with ``balanced=False`` incomplete rows are dropped and the
  estimator runs on the unbalanced panel.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from study.errors import DataError

CONTROL_GROUPS = ("nevertreated", "notyettreated")
METHODS = ("dr", "ipw", "reg")


class DidDataWarning(UserWarning):
    """Input was changed (units or cohorts dropped or recoded) before estimation."""


@dataclass
class DidPanel:
    """A checked long panel: columns ``unit, time, cohort, outcome, *covariates`` (renamed)."""

    data: pd.DataFrame
    covariates: list[str]
    source: str
    balanced: bool
    notes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # internal -> user column name

    @property
    def unit_codes(self) -> np.ndarray:
        """Codes 0..n_units-1 of ``data["unit"]`` in sorted unit order (cached for this ``data``)."""
        cached = self.__dict__.get("_unit_codes")
        if cached is None or cached[0] is not self.data or len(cached[1]) != len(self.data):
            self._cache_unit_codes(pd.factorize(self.data["unit"], sort=True)[0])
            cached = self.__dict__["_unit_codes"]
        return cached[1]

    def _cache_unit_codes(self, codes: np.ndarray) -> None:
        self.__dict__["_unit_codes"] = (self.data, np.asarray(codes, dtype=np.int64))

    @property
    def n_units(self) -> int:
        return int(self.data["unit"].nunique())

    @property
    def cohort_sizes(self) -> dict[int, int]:
        units = self.data.drop_duplicates("unit")
        return {int(g): int(n) for g, n in units["cohort"].value_counts().sort_index().items()}

    @property
    def n_treated_units(self) -> int:
        return int(self.data.loc[self.data["cohort"] > 0, "unit"].nunique())


def _warn(panel_notes: list[str], message: str) -> None:
    panel_notes.append(message)
    warnings.warn(message, DidDataWarning, stacklevel=3)


def _first_bad_row(mask: pd.Series | np.ndarray) -> int:
    """1-based data row (header excluded) of the first True in ``mask`` (rows by position)."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _distinct(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of an integer array and their counts (``np.unique``; by counting
    when the values span a short range, as periods and cohorts do)."""
    if len(x):
        lo, hi = int(x.min()), int(x.max())
        if hi - lo <= 4 * len(x) + 1024:
            counts = np.bincount(x - lo, minlength=hi - lo + 1)
            present = np.flatnonzero(counts)
            return present + lo, counts[present]
    return np.unique(x, return_counts=True)


def _sorted_unit_codes(units: pd.Series, time_v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``units`` in sorted unit order and the stable (unit, time) sort order of the rows.

    Panels usually arrive sorted by unit and time: for numeric units that are, the codes are a
    running count and the order the identity (no hashing, no sort)."""
    if units.dtype.kind in "iuf" and len(units) > 1:
        u = units.to_numpy()
        step = u[1:] != u[:-1]
        if (u[1:] >= u[:-1]).all() and (step | (time_v[1:] >= time_v[:-1])).all():
            return np.concatenate([[0], np.cumsum(step)]), np.arange(len(u))
    ucode = pd.factorize(units, sort=True)[0]
    return ucode, np.lexsort((time_v, ucode))


def cohort_from_treatment(data: pd.DataFrame, *, unit: str, time: str, treatment: str,
                          source: str | Path = "<data>") -> pd.Series:
    """Cohort (first period with ``treatment == 1``; 0 = never) from a 0/1 treatment indicator.

    Raises ``DataError`` if a unit's treatment switches off again (not absorbing): the staggered
    estimators here assume that once treated, a unit stays treated.
    """
    frame = data[[unit, time, treatment]].copy()
    frame["_row"] = np.arange(len(frame)) + 1
    bad_values = ~frame[treatment].isin([0, 1])
    if bad_values.any():
        raise DataError(source, "treatment indicator must be 0 or 1",
                        row=_first_bad_row(bad_values), field=treatment)
    frame = frame.sort_values([unit, time], kind="mergesort")
    switched_off = frame.groupby(unit, sort=False)[treatment].diff() < 0
    if switched_off.any():
        first = frame[switched_off].iloc[0]
        raise DataError(source, f"treatment is not absorbing: unit {first[unit]!r} is treated and then "
                        f"untreated again in {first[time]}; these estimators need a staggered, "
                        "absorbing treatment", row=int(first["_row"]), field=treatment)
    first_treated = frame[frame[treatment] == 1].groupby(unit)[time].min()
    return data[unit].map(first_treated).fillna(0).astype("int64")


def prepare_panel(data: pd.DataFrame, *, unit: str, time: str, cohort: str, outcome: str,
                  covariates: list[str] | tuple[str, ...] = (), control_group: str = "nevertreated",
                  anticipation: int = 0, balanced: bool = True, min_cohort_size: int = 1,
                  source: str | Path = "<data>") -> DidPanel:
    """Check and normalise a long panel for the staggered DiD estimators (see module docstring).

    The checks run on integer unit codes and NumPy masks (one sort by unit and time); the slower
    pandas formulations run only to word an error once a check has failed.
    """
    source = str(source)
    covariates = list(covariates)
    if control_group not in CONTROL_GROUPS:
        raise DataError(source, f"control group must be one of {CONTROL_GROUPS}, got {control_group!r}")
    if anticipation < 0 or int(anticipation) != anticipation:
        raise DataError(source, f"anticipation must be a non-negative integer, got {anticipation!r}")
    columns = [unit, time, cohort, outcome, *covariates]
    for col in columns:
        if col not in data.columns:
            raise DataError(source, "column not found", field=col)
    if len(set(columns)) != len(columns):
        raise DataError(source, f"the same column is used twice among {columns}")
    names = dict(zip(["unit", "time", "cohort", "outcome", *covariates], columns))
    notes: list[str] = []
    # Plain arrays (positional rows); pandas objects are built only to word an error.
    values = {key: data[col] for key, col in names.items()}

    for col in ("unit", "time", "cohort"):
        missing = pd.isna(values[col].to_numpy())
        if missing.any():
            raise DataError(source, "missing value", row=_first_bad_row(missing), field=names[col])
    for col in ("time", "cohort"):
        if values[col].dtype == np.int64:
            values[col] = values[col].to_numpy()
            continue
        numeric = pd.to_numeric(values[col], errors="coerce")
        bad = numeric.isna() | (numeric != np.round(numeric))
        if bad.any():
            raise DataError(source, "must be an integer (a period)", row=_first_bad_row(bad),
                            field=names[col])
        values[col] = numeric.to_numpy(dtype=np.int64)
    cohort_v = values["cohort"]
    if (cohort_v < 0).any():
        raise DataError(source, "cohort must be 0 (never treated) or the first treated period",
                        row=_first_bad_row(cohort_v < 0), field=cohort)
    for col in ("outcome", *covariates):
        if values[col].dtype == np.float64:
            values[col] = values[col].to_numpy()
            continue
        numeric = pd.to_numeric(values[col], errors="coerce")
        bad = numeric.isna() & values[col].notna()
        if bad.any():
            raise DataError(source, "must be numeric", row=_first_bad_row(bad), field=names[col])
        values[col] = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    unit_values = values["unit"].array

    def as_frame() -> pd.DataFrame:
        return pd.DataFrame({"unit": unit_values, **{k: v for k, v in values.items() if k != "unit"}})

    # Unit codes in sorted unit order; rows ordered by (unit, time), stable.
    time_v = values["time"]
    ucode, order = _sorted_unit_codes(values["unit"], time_v)
    n_units = int(ucode.max()) + 1 if len(ucode) else 0
    su = ucode[order]
    same_unit = su[1:] == su[:-1]
    if (same_unit & (time_v[order][1:] == time_v[order][:-1])).any():
        frame = as_frame()
        duplicated = frame.duplicated(["unit", "time"], keep="first")
        row = _first_bad_row(duplicated)
        raise DataError(source, f"duplicate (unit, time) key ({frame.loc[row - 1, 'unit']}, {frame.loc[row - 1, 'time']})",
                        row=row, field=f"{unit}, {time}")
    if (same_unit & (cohort_v[order][1:] != cohort_v[order][:-1])).any():
        frame = as_frame()
        varying = frame["cohort"] != frame.groupby("unit")["cohort"].transform("first")
        row = _first_bad_row(varying)
        bad_unit = frame.loc[row - 1, "unit"]
        found = sorted(frame.loc[frame["unit"] == bad_unit, "cohort"].unique().tolist())
        raise DataError(source, f"cohort is not constant within unit {bad_unit} (values {found}): "
                        "the treatment must be absorbing, with one first-treatment period per unit",
                        row=row, field=cohort)

    def n_distinct_units(mask: np.ndarray) -> int:
        return int(np.count_nonzero(np.bincount(ucode[mask], minlength=n_units)))

    keep = np.ones(len(time_v), dtype=bool)
    # Missing outcome or covariates.
    incomplete = np.zeros(len(time_v), dtype=bool)
    for col in ("outcome", *covariates):
        incomplete |= np.isnan(values[col])
    if incomplete.any():
        if balanced:
            bad_units = np.bincount(ucode[incomplete], minlength=n_units) > 0
            keep &= ~bad_units[ucode]
            _warn(notes, f"{source}: {int(bad_units.sum())} unit(s) with a missing {outcome} or covariate "
                  "value dropped (balanced panel)")
        else:
            _warn(notes, f"{source}: {int(incomplete.sum())} row(s) with a missing {outcome} or "
                  "covariate value dropped (unbalanced panel)")
            keep &= ~incomplete

    periods = _distinct(time_v[keep])[0]
    if len(periods) < 2:
        raise DataError(source, "need at least two periods", field=time)
    first, last = int(periods[0]), int(periods[-1])

    late = keep & (cohort_v > last)
    if late.any():
        cohorts = sorted(np.unique(cohort_v[late]).tolist())
        _warn(notes, f"{source}: {n_distinct_units(late)} unit(s) first treated after the last period {last} "
              f"(cohorts {cohorts}) are never treated within the window and used as such")
        cohort_v = np.where(late, 0, cohort_v)
    early = keep & (cohort_v > 0) & (cohort_v - anticipation <= first)
    if early.any():
        cohorts = sorted(np.unique(cohort_v[early]).tolist())
        _warn(notes, f"{source}: {n_distinct_units(early)} unit(s) in cohorts {cohorts} are treated in or before the "
              f"first period {first} (anticipation {anticipation}): no untreated pre-period, dropped")
        keep &= ~early

    if balanced:
        counts = np.bincount(ucode[keep], minlength=n_units)
        all_periods = int(_distinct(time_v[keep])[0].size)
        partial = (counts > 0) & (counts < all_periods)
        if partial.any():
            _warn(notes, f"{source}: {int(partial.sum())} unit(s) not observed in all {all_periods} periods "
                  "dropped (balanced panel)")
            keep &= ~partial[ucode]

    def cohort_sizes() -> dict[int, int]:
        present = np.bincount(ucode[keep], minlength=n_units) > 0
        unit_cohort = np.zeros(n_units, dtype=np.int64)
        unit_cohort[ucode[keep]] = cohort_v[keep]
        values, counts = _distinct(unit_cohort[present])
        return dict(zip(values.tolist(), counts.tolist()))

    sizes = cohort_sizes()
    small = sorted(int(g) for g, n in sizes.items() if g > 0 and n < min_cohort_size)
    if small:
        _warn(notes, f"{source}: cohorts {small} have fewer than {min_cohort_size} units and are dropped")
        keep &= ~np.isin(cohort_v, small)
        sizes = cohort_sizes()
    required = len(covariates) + 5
    tiny = sorted(int(g) for g, n in sizes.items() if g > 0 and n < required)
    if tiny:
        _warn(notes, f"{source}: cohorts {tiny} have fewer than {required} units (covariates + 5, the "
              "R did rule): their ATT(g,t) and standard errors are imprecise")

    if not keep.any() or not (cohort_v[keep] > 0).any():
        raise DataError(source, "no treated cohort left to estimate after the checks above", field=cohort)
    n_never = sizes.get(0, 0)
    if control_group == "nevertreated" and n_never == 0:
        raise DataError(source, "no never-treated units (cohort 0): the never-treated control group is "
                        "empty; use control_group='notyettreated'", field=cohort)
    if control_group == "nevertreated" and n_never < 2:
        raise DataError(source, f"only {n_never} never-treated unit: too few controls", field=cohort)

    rows = order[keep[order]]
    if len(rows) == len(order) and (rows[1:] > rows[:-1]).all():  # nothing dropped, already sorted
        out = pd.DataFrame({"unit": unit_values.copy(), "time": time_v, "cohort": cohort_v,
                            **{col: values[col] for col in ("outcome", *covariates)}})
    else:
        out = pd.DataFrame({"unit": unit_values.take(rows), "time": time_v[rows], "cohort": cohort_v[rows],
                            **{col: values[col][rows] for col in ("outcome", *covariates)}})
    counts = np.bincount(ucode[rows], minlength=n_units)
    present = counts > 0
    is_balanced = bool((counts[present] == _distinct(time_v[rows])[0].size).all())
    panel = DidPanel(data=out, covariates=covariates, source=source, balanced=is_balanced,
                     notes=notes, names=names)
    panel._cache_unit_codes((np.cumsum(present) - 1)[ucode[rows]])
    return panel
