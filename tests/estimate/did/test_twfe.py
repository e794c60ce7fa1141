"""TWFE (linearmodels PanelOLS) against pyfixest and statsmodels."""

from __future__ import annotations

import warnings

import pytest

from study.estimate.did.data import prepare_panel
from study.estimate.did.twfe import treatment_indicator, twfe

from .conftest import MPDTA


def test_twfe_coefficient_and_se(mpdta):
    import statsmodels.formula.api as smf

    panel = prepare_panel(mpdta, **MPDTA)
    res = twfe(panel)
    d = panel.data.assign(D=treatment_indicator(panel.data))
    lsdv = smf.ols("outcome ~ D + C(unit) + C(time)", data=d).fit(cov_type="cluster",
                                                                   cov_kwds={"groups": d["unit"]})
    assert res.coef == pytest.approx(lsdv.params["D"], abs=1e-10)
    # linearmodels' small-sample factor counts the absorbed unit effects, like the LSDV regression.
    assert res.se == pytest.approx(lsdv.bse["D"], rel=2e-3)
    pf = pytest.importorskip("pyfixest")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fx = pf.feols("outcome ~ D | unit + time", data=d, vcov={"CRV1": "unit"})
    assert res.coef == pytest.approx(float(fx.coef()["D"]), abs=1e-10)
    assert res.coef == pytest.approx(-0.0365, abs=5e-5)  # the -0.0365 quoted for mpdta (methods_anchors 2b)
