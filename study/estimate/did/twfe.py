"""Two-way fixed-effects DiD baseline: ``y_it = a_i + l_t + b * D_it + e_it`` with ``D_it = 1{t >= g_i}``.

linearmodels ``PanelOLS`` with unit and time effects; standard errors clustered by unit (the
country in the study). Under staggered adoption with heterogeneous or growing effects ``b`` is a
weighted average of 2x2 comparisons, some with negative weights (see :mod:`.bacon`); it is
reported as the conventional baseline only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from study.estimate.did.data import DidPanel


@dataclass
class TwfeResult:
    coef: float
    se: float
    n_obs: int
    n_units: int

    def as_dict(self) -> dict:
        return {"coef": self.coef, "se": self.se, "n_obs": self.n_obs, "n_units": self.n_units}


def treatment_indicator(data: pd.DataFrame) -> pd.Series:
    """``D_it = 1`` from the unit's first treated period on (absorbing), 0 for never-treated units."""
    return ((data["cohort"] > 0) & (data["time"] >= data["cohort"])).astype("float64")


def twfe(panel: DidPanel) -> TwfeResult:
    """TWFE coefficient on the post-treatment indicator, SE clustered by unit."""
    from linearmodels.panel import PanelOLS

    frame = panel.data.assign(treated=treatment_indicator(panel.data)).set_index(["unit", "time"])
    model = PanelOLS(frame["outcome"], frame[["treated"]], entity_effects=True, time_effects=True)
    fit = model.fit(cov_type="clustered", cluster_entity=True)
    return TwfeResult(coef=float(fit.params["treated"]), se=float(fit.std_errors["treated"]),
                      n_obs=int(fit.nobs), n_units=panel.n_units)
