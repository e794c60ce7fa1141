"""Per-unit influence functions of CS estimates on a common unit index, and the SE of a difference.

Two Callaway & Sant'Anna estimates fitted on different samples that share units (two subgroups of
treated countries compared with the same never-treated countries) are correlated through the
shared units. Both are asymptotically linear in independent units (country clusters):

    theta_A_hat - theta_A = sum_{i in S_A} phi_A(i) + o_p(n^-1/2),

with ``phi_A(i) = inf_A(i) / n_A`` on R ``did``'s scale (``se_A^2 = sum_i phi_A(i)^2``, as
:func:`.cs.influence_se`). Set ``phi_A(i) = 0`` for units outside sample A and likewise for B; then

    (theta_A_hat - theta_B_hat) - (theta_A - theta_B) = sum_i [phi_A(i) - phi_B(i)] + o_p(n^-1/2),

a sum of independent per-unit terms, so

    se(theta_A_hat - theta_B_hat)^2 = sum_i [phi_A(i) - phi_B(i)]^2
                                    = se_A^2 + se_B^2 - 2 sum_{i in S_A and S_B} phi_A(i) phi_B(i).

The cross term runs over the shared units only; with no shared unit it is the familiar
``se_A^2 + se_B^2``. Adding the two separate variances instead would ignore that the same control
countries' noise enters both estimates (positively correlated), overstating the SE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from study.estimate.did.cs import AttGt
from study.estimate.did.data import DidPanel


def unit_labels(panel: DidPanel, res: AttGt) -> np.ndarray:
    """Unit labels of the rows of ``res.inf``: the panel's units in sorted order (diff-diff's
    ``all_units``; for unbalanced panels its sorted cluster codes). Checked against the cohorts."""
    labels = np.sort(panel.data["unit"].unique())
    cohorts = panel.data.groupby("unit")["cohort"].first().reindex(labels).to_numpy()
    if len(labels) != res.n or not np.array_equal(cohorts, res.unit_cohort):
        raise RuntimeError("influence-function rows do not line up with the panel's sorted units; "
                           "the engine's unit order changed")
    return labels


def per_unit(inf: np.ndarray, labels: np.ndarray) -> pd.Series:
    """``phi(i) = inf(i) / n`` for one aggregated estimate (R-scaled ``inf``), indexed by unit."""
    inf = np.asarray(inf, dtype=float)
    return pd.Series(inf / inf.shape[0], index=pd.Index(labels, name="unit"))


def difference_se(phi_a: pd.Series, phi_b: pd.Series) -> float:
    """SE of ``theta_A - theta_B`` from per-unit influence functions on their common unit index."""
    index = phi_a.index.union(phi_b.index)
    diff = phi_a.reindex(index, fill_value=0.0) - phi_b.reindex(index, fill_value=0.0)
    return float(np.sqrt(np.sum(diff.to_numpy() ** 2)))
