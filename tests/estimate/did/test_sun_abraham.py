"""Sun & Abraham: equals CS dynamic post effects (never-treated, no covariates) and pyfixest's
saturated event study; pre-periods reproduce the published mpdta ETWFE/SA numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from study.estimate.did import cs
from study.estimate.did.data import prepare_panel
from study.estimate.did.sun_abraham import sun_abraham

from .conftest import MPDTA


@pytest.fixture(scope="module")
def sa_mpdta(mpdta):
    panel = prepare_panel(mpdta, **MPDTA)
    return panel, sun_abraham(panel)


def test_post_effects_equal_cs_dynamic(sa_mpdta):
    panel, sa = sa_mpdta
    dyn = {b.key: b.att for b in cs.aggregate(cs.att_gt(panel), "dynamic").by}
    es = sa["event_study"].set_index("event_time")
    for e in range(4):
        assert es.loc[e, "att"] == pytest.approx(dyn[e], abs=1e-10)
    simple = cs.aggregate(cs.att_gt(panel), "simple").overall.att
    assert sa["overall"]["att"] == pytest.approx(simple, abs=1e-10)


def test_pre_periods_match_published_mpdta_values(sa_mpdta):
    """grantmcdermott/etwfe issue #37 (methods_anchors 2b): e=-4 0.00331, -3 0.02502, -2 0.02446."""
    es = sa_mpdta[1]["event_study"].set_index("event_time")
    for e, published in {-4: 0.00331, -3: 0.02502, -2: 0.02446}.items():
        assert es.loc[e, "att"] == pytest.approx(published, abs=5e-6)


def test_matches_pyfixest_saturated_event_study(mpdta, sa_mpdta):
    pf = pytest.importorskip("pyfixest")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.event_study(mpdta, yname="lemp", idname="countyreal", tname="year", gname="first.treat",
                             estimator="saturated")
        agg = fit.aggregate()
    es = sa_mpdta[1]["event_study"].set_index("event_time")
    for period, row in agg.iterrows():
        assert es.loc[int(float(period)), "att"] == pytest.approx(float(row["Estimate"]), abs=1e-10)
        assert es.loc[int(float(period)), "se"] == pytest.approx(float(row["Std. Error"]), rel=1e-6)
