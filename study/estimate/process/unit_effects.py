"""Per-country effects of the first campaign from the Borusyak, Jaravel & Spiess imputation fit.

For a treated country i the effect is the mean of its imputed effects tau_it = Y_it - Y_it(0) over
the event times of the primary window that it reaches; the SE is BJS's conservative Theorem 3 SE of
that weighted average (:class:`study.estimate.did.imputation_variance.ImputationFit`). With the
weight on one country, the country's own shocks cannot be told apart from its effect: the SE
covers the error in the imputed Y(0) only, so these effects are descriptive (noisy and
individually unidentified); averages over many countries are what the DiD estimators report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from study.estimate.did.data import DidPanel
from study.estimate.did.imputation_variance import ImputationFit

COLUMNS = ["iso3", "cohort", "event_times", "effect", "se"]


def unit_effects(panel: DidPanel, fit: ImputationFit, window: tuple[int, int]) -> pd.DataFrame:
    """One row per treated country with at least one estimable effect in ``window`` (inclusive)."""
    units = np.asarray(pd.factorize(panel.data["unit"], sort=True)[1])
    ok = fit.treated & np.isfinite(fit.tau) & (fit.event_time >= window[0]) & (fit.event_time <= window[1])
    rows = []
    for code in np.unique(fit.unit[ok]):
        mine = ok & (fit.unit == code)
        weights = np.where(mine, 1.0 / mine.sum(), 0.0)
        effect, se = fit.effect(weights)
        reached = sorted(int(e) for e in fit.event_time[mine])
        rows.append({"iso3": str(units[code]), "cohort": int(fit.cohort[mine][0]),
                     "event_times": f"{reached[0]}..{reached[-1]}", "effect": effect, "se": se})
    return pd.DataFrame(rows, columns=COLUMNS)
