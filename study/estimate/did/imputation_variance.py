"""Borusyak, Jaravel & Spiess (2024) imputation estimator of any weighted average of treated effects.

diff-diff's ``ImputationDiD`` reports SEs for its fixed targets (overall ATT, each event time,
each cohort) and keeps the per-unit influence terms private, so a linear combination such as the
study's primary estimand (mean of the event-time effects e = 0..3) has no SE there. This module
computes, for any weights ``w_it`` on the treated observations,

* the estimate ``sum_it w_it tau_it``, ``tau_it = Y_it - Y_it(0)`` imputed from unit and period
  effects (and covariates) fitted by least squares on the untreated observations (BJS Theorem 1);
* BJS's conservative variance (Theorem 3): ``sum_i (sum_t v_it eps_it)^2`` clustered by unit,
  where ``v_it = w_it`` on treated observations and ``v_0 = -A_0 (A_0'A_0)^+ A_1' w`` (the
  weights that the imputation puts on untreated observations, A = design of unit and period
  dummies and covariates); ``eps`` is the first-step residual on untreated observations and
  ``tau_it - tau_tilde_g`` on treated ones, with ``tau_tilde_g`` BJS's auxiliary-model average of
  the effects within each cohort x event-time cell g (equation 8 clustered by unit:
  ``sum_i a_ig b_ig / sum_i a_ig^2``, ``a_ig = sum_t v_it``, ``b_ig = sum_t v_it tau_it``; one
  observation per unit and cell, so ``sum v^2 tau / sum v^2``, the R ``didimputation`` form).

The variance is linear in the influence terms: for weights that are uniform within every
cohort x event-time cell (event-time means and their averages) the SE of an average of event-time
effects is the SE of the averaged influence terms. Validated in the tests against diff-diff's
per-event-time and overall SEs and by simulation.

The first step partials out the unit effects and solves for the period effects and covariate
coefficients by a minimum-norm SVD least squares (treated observations whose design row is not
estimable from the untreated ones, e.g. a period without untreated observations, get no effect
and weight zero, as in diff-diff).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from study.errors import DataError
from study.estimate.did.data import DidPanel

_RCOND = 1e-10  # singular values below this fraction of the largest are treated as zero


@dataclass
class ImputationFit:
    """First-step fit and the pieces of the Theorem 3 variance (arrays in panel row order)."""

    unit: np.ndarray            # unit codes 0..n_units-1
    treated: np.ndarray         # bool: observation in the treated set Omega_1
    cohort: np.ndarray
    event_time: np.ndarray      # t - cohort (treated observations; NaN elsewhere)
    tau: np.ndarray             # imputed effect on treated observations (NaN if not estimable)
    resid0: np.ndarray          # first-step residual on untreated observations (NaN on treated)
    n_units: int
    _z: np.ndarray              # period dummies and covariates, every row (the non-unit regressors)
    _zbar: np.ndarray           # their untreated mean by unit (units x regressors)
    _n0: np.ndarray             # untreated observations by unit
    _us: np.ndarray             # U S^-1 of the SVD of the within-unit regressors (untreated x rank)
    _v: np.ndarray              # V (regressors x rank)
    source: str = "<data>"

    def event_time_weights(self, event_times: list[int] | tuple[int, ...] | np.ndarray) -> np.ndarray:
        """Weights of the equal-weight mean of the event-time effects in ``event_times`` (each the
        mean of the estimable treated effects at that event time, as diff-diff's event study)."""
        w = np.zeros(len(self.tau))
        ok = self.treated & np.isfinite(self.tau)
        for e in event_times:
            at = ok & (self.event_time == e)
            if not at.any():
                raise DataError(self.source, f"imputation: no treated observation at event time {e}")
            w[at] = 1.0 / (at.sum() * len(event_times))
        return w

    def overall_weights(self) -> np.ndarray:
        """Equal weights on every estimable treated observation (diff-diff's overall ATT)."""
        ok = self.treated & np.isfinite(self.tau)
        return np.where(ok, 1.0 / ok.sum(), 0.0)

    def influence(self, weights: np.ndarray) -> np.ndarray:
        """Per-unit terms ``psi_i = sum_t v_it eps_it`` of BJS Theorem 3 (SE = sqrt(sum psi^2))."""
        w = np.asarray(weights, dtype=float)
        if w.shape != self.tau.shape:
            raise ValueError("weights must have one entry per panel row")
        if np.any(w[~self.treated] != 0) or np.any(w[self.treated & ~np.isfinite(self.tau)] != 0):
            raise ValueError("weights must be zero outside the estimable treated observations")
        # v_0 = -A_0 (A_0'A_0)^+ A_1'w, by partialling out the unit effects (Frisch-Waugh): the
        # linear functional c = A_1'w of the coefficients puts weight c_i / n_i on unit i's untreated
        # outcomes through the unit effect, plus the weights of the within-unit regression on the
        # period dummies and covariates.
        treated, untreated = self.treated, ~self.treated
        c_unit = np.bincount(self.unit[treated], weights=w[treated], minlength=self.n_units)
        h = self._z[treated].T @ w[treated] - self._zbar.T @ c_unit
        u0 = self.unit[untreated]
        v = np.zeros(len(w))
        v[treated] = w[treated]
        v[untreated] = -(c_unit[u0] / self._n0[u0] + self._us @ (self._v.T @ h))
        eps = np.where(self.treated, self.tau - self._cell_average(w), self.resid0)
        contrib = np.nan_to_num(v * eps)
        return np.bincount(self.unit, weights=contrib, minlength=self.n_units)

    def effect(self, weights: np.ndarray) -> tuple[float, float]:
        """Estimate ``sum w tau`` and its conservative clustered SE (BJS Theorem 3)."""
        w = np.asarray(weights, dtype=float)
        psi = self.influence(w)
        att = float(np.sum(w[self.treated] * np.nan_to_num(self.tau[self.treated])))
        return att, float(np.sqrt(np.sum(psi ** 2)))

    def _cell_average(self, w: np.ndarray) -> np.ndarray:
        """tau_tilde of each treated observation's cohort x event-time cell (BJS eq. 8). A unit has
        one observation per cell (its cohort is fixed, event time fixes the period), so eq. 8's
        ``sum_i a_ig b_ig / sum_i a_ig^2`` is ``sum w^2 tau / sum w^2``; cells without weight
        (which add nothing to the variance) get their plain mean."""
        tr = self.treated & np.isfinite(self.tau)
        code = pd.factorize(pd.MultiIndex.from_arrays([self.cohort[tr], self.event_time[tr]]))[0]
        wt, tau = w[tr], self.tau[tr]
        num = np.bincount(code, weights=wt ** 2 * tau)
        den = np.bincount(code, weights=wt ** 2)
        mean = np.bincount(code, weights=tau) / np.bincount(code)
        tilde = np.where(den > 0, num / np.where(den > 0, den, 1.0), mean)
        out = np.full(len(w), np.nan)
        out[tr] = tilde[code]
        return out


def fit_imputation(panel: DidPanel, *, anticipation: int = 0,
                   covariates: list[str] | None = None) -> ImputationFit:
    """Step 1 of BJS on a checked panel: least squares of the outcome on unit and period effects
    (and ``covariates``) over untreated observations (never treated, or before ``cohort -
    anticipation``); imputed effects on the treated ones.

    Unit effects are partialled out (within-unit demeaning over untreated observations), the
    period dummies and covariates are fitted by a minimum-norm SVD least squares on the demeaned
    data; a treated observation's effect is estimable if its unit has untreated observations and
    its demeaned regressors lie in the row space of the untreated ones (else NaN, weight zero).
    """
    d = panel.data
    covariates = list(covariates or [])
    unit = pd.factorize(d["unit"], sort=True)[0]
    time_codes, times = pd.factorize(d["time"], sort=True)
    cohort = d["cohort"].to_numpy(dtype=np.int64)
    t = d["time"].to_numpy(dtype=np.int64)
    y = d["outcome"].to_numpy(dtype=float)
    treated = (cohort > 0) & (t >= cohort - anticipation)
    untreated = ~treated
    if not untreated.any() or not treated.any():
        raise DataError(panel.source, "imputation needs both untreated and treated observations")
    n_units = int(unit.max()) + 1
    Z = np.zeros((len(d), len(times) - 1 + len(covariates)))
    later = time_codes > 0
    Z[np.flatnonzero(later), time_codes[later] - 1] = 1.0
    if covariates:
        X = d[covariates].to_numpy(dtype=float)
        scale = np.sqrt(np.sum(X[untreated] ** 2, axis=0))
        Z[:, len(times) - 1:] = X / np.where(scale > 0, scale, 1.0)
    u0 = unit[untreated]
    n0 = np.bincount(u0, minlength=n_units).astype(float)
    has0 = n0 > 0
    safe_n0 = np.where(has0, n0, 1.0)
    zbar = np.vstack([np.bincount(u0, weights=col, minlength=n_units) for col in Z[untreated].T]).T / safe_n0[:, None]
    ybar = np.bincount(u0, weights=y[untreated], minlength=n_units) / safe_n0
    Zt = Z[untreated] - zbar[u0]
    U, s, Vt = np.linalg.svd(Zt, full_matrices=False)
    keep = s > s[0] * _RCOND if len(s) and s[0] > 0 else np.zeros(len(s), dtype=bool)
    us, V = U[:, keep] / s[keep], Vt[keep].T
    gamma = V @ (us.T @ (y[untreated] - ybar[u0]))
    alpha = ybar - zbar @ gamma
    u1 = unit[treated]
    dev = Z[treated] - zbar[u1]
    estimable = has0[u1] & (np.linalg.norm(dev - (dev @ V) @ V.T, axis=1)
                            <= 1e-8 * np.maximum(1.0, np.linalg.norm(dev, axis=1)))
    tau = np.full(len(d), np.nan)
    tau[np.flatnonzero(treated)[estimable]] = (y[treated] - alpha[u1] - Z[treated] @ gamma)[estimable]
    resid0 = np.full(len(d), np.nan)
    resid0[untreated] = y[untreated] - alpha[u0] - Z[untreated] @ gamma
    event_time = np.where(treated, t - cohort, np.nan)
    return ImputationFit(unit=unit, treated=treated, cohort=cohort, event_time=event_time, tau=tau,
                         resid0=resid0, n_units=n_units, _z=Z, _zbar=zbar, _n0=safe_n0, _us=us, _v=V,
                         source=panel.source)
