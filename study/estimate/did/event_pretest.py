"""Parallel-trends pre-test on event time: joint Wald test that the CS dynamic effects ATT(e) are zero.

The study's registered pre-test (``[did].pretest_window``, plan 6.2) tests the event-time effects
e = -5..-1 of the dynamic aggregation jointly rather than every pre-period ATT(g,t) as R ``did``
does (:func:`.cs.pretest`). With many one- or two-country cohorts the cell-level test has more
restrictions than treated countries and a singular covariance; the event-time test has at most
five restrictions, each an average over cohorts.

``W = theta' Sigma^{-1} theta`` with ``theta`` the ATT(e) in the window and ``Sigma`` their joint
covariance from the aggregated influence functions, ``Sigma = Psi' Psi / n^2`` on R ``did``'s
scale (:func:`.cs.influence_se` is ``sqrt(diag(Sigma))``); under the null ``W ~ chi2(q)``,
``q`` = number of event times in the window that were estimated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from study.estimate.did.cs import Aggregation


@dataclass
class EventTimePreTest:
    stat: float | None
    df: int
    p: float | None
    event_times: list[int] = field(default_factory=list)
    message: str = ""


def event_time_pretest(dynamic: Aggregation, window: tuple[int, int]) -> EventTimePreTest:
    """Wald test that the dynamic ATT(e), ``window[0] <= e <= window[1]``, are jointly zero.

    Event times of the window that the data do not reach are left out (``df`` says how many were
    tested). Returns ``stat=None`` with a message when none is estimated or the covariance is
    singular.
    """
    from scipy.stats import chi2

    if dynamic.kind != "dynamic":
        raise ValueError(f"the event-time pre-test needs the dynamic aggregation, got {dynamic.kind!r}")
    lo, hi = (int(x) for x in window)
    if hi >= 0:
        raise ValueError(f"pre-test window must hold pre-treatment event times only, got {lo}..{hi}")
    chosen = [b for b in dynamic.by if lo <= b.key <= hi]
    if not chosen:
        return EventTimePreTest(None, 0, None, [], f"no event time in {lo}..{hi} is estimated")
    keys = [int(b.key) for b in chosen]
    theta = np.array([b.att for b in chosen])
    psi = np.column_stack([b.inf for b in chosen])
    n = psi.shape[0]
    sigma = psi.T @ psi / n ** 2
    if not np.all(np.isfinite(sigma)) or 1.0 / np.linalg.cond(sigma, p=1) <= np.finfo(float).eps:
        return EventTimePreTest(None, len(keys), None, keys,
                                f"singular covariance of the event-time effects {keys}")
    stat = float(theta @ np.linalg.solve(sigma, theta))
    return EventTimePreTest(stat, len(keys), float(chi2.sf(stat, len(keys))), keys)
