"""Sun & Abraham (2021) interaction-weighted event study.

Engine: ``diff_diff.SunAbraham`` (cohort x relative-period saturated regression with unit and time
effects, never-treated units as the control cohort, reference period e = -1, cohort-share
weights; SEs clustered by unit). Checked against the Callaway & Sant'Anna dynamic effects
(numerically equal post-period effects with never-treated controls and no covariates, R ``fixest``
issue #287) and against pyfixest's saturated event study.
"""

from __future__ import annotations

import warnings

import pandas as pd

from study.errors import DataError
from study.estimate.did.data import DidPanel


def sun_abraham(panel: DidPanel, *, anticipation: int = 0, covariates: list[str] | None = None) -> dict:
    """Event-time effects ``(event_time, att, se)`` and the overall post-period ATT."""
    from diff_diff import SunAbraham

    if not (panel.data["cohort"] == 0).any():
        raise DataError(panel.source, "Sun & Abraham needs never-treated units as the control cohort")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        res = SunAbraham(control_group="never_treated", anticipation=anticipation, cluster="unit").fit(
            panel.data, outcome="outcome", unit="unit", time="time", first_treat="cohort",
            covariates=covariates or None)
    rows = [{"event_time": int(e), "att": float(v["effect"]), "se": float(v["se"])}
            for e, v in sorted(res.event_study_effects.items())]
    return {"event_study": pd.DataFrame(rows), "overall": {"att": float(res.overall_att),
                                                           "se": float(res.overall_se)},
            "reference_period": int(res.reference_period)}
