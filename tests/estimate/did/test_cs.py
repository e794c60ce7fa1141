"""Callaway & Sant'Anna against R did 2.5.0 (tests/fixtures/r_did) and independent implementations."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from study.estimate.did import cs
from study.estimate.did.data import prepare_panel
from study.estimate.did.twfe import twfe

from .conftest import MPDTA, SCENARIOS, simulate_staggered

ATT_TOL, SE_RTOL, W_TOL = 1e-8, 1e-3, 1e-6
R_TYPES = {"simple": "simple", "group": "group", "dynamic": "dynamic", "calendar": "calendar"}


def _fit(mpdta, scenario, **kw):
    control, method, cov = SCENARIOS[scenario]
    panel = prepare_panel(mpdta, covariates=cov, control_group=control, **MPDTA, **kw)
    return cs.att_gt(panel, control_group=control, method=method)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_att_gt_matches_r_did(mpdta, r_ref, scenario):
    res = _fit(mpdta, scenario)
    ref = r_ref["attgt"][r_ref["attgt"].scenario == scenario]
    assert list(zip(res.group, res.time)) == list(zip(ref.group, ref.t))
    np.testing.assert_allclose(res.att, ref.att, rtol=0, atol=ATT_TOL)
    np.testing.assert_allclose(res.se, ref.se, rtol=SE_RTOL)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("kind", cs.AGGREGATIONS)
def test_aggregations_match_r_did(mpdta, r_ref, scenario, kind):
    res = _fit(mpdta, scenario)
    agg = cs.aggregate(res, kind)
    ref = r_ref["aggte"][(r_ref["aggte"].scenario == scenario) & (r_ref["aggte"].type == R_TYPES[kind])]
    assert agg.overall.att == pytest.approx(ref.overall_att.iloc[0], abs=ATT_TOL)
    assert agg.overall.se == pytest.approx(ref.overall_se.iloc[0], rel=SE_RTOL)
    if kind != "simple":
        assert [b.key for b in agg.by] == ref.egt.astype(int).tolist()
        np.testing.assert_allclose([b.att for b in agg.by], ref.att_egt, rtol=0, atol=ATT_TOL)
        np.testing.assert_allclose([b.se for b in agg.by], ref.se_egt, rtol=SE_RTOL)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_pretest_matches_r_did(mpdta, r_ref, scenario):
    pre = cs.pretest(_fit(mpdta, scenario))
    ref = r_ref["pretest"][r_ref["pretest"].scenario == scenario].iloc[0]
    assert pre.stat == pytest.approx(ref.W, abs=W_TOL)
    assert pre.p == pytest.approx(ref.Wpval, abs=5e-6)  # R rounds the p-value to 5 decimals
    assert pre.df == 5


def test_aggregation_identities_with_cohort_sizes(mpdta):
    """Exact identities of mpdta (methods_anchors 2a): sizes 20 (2004), 40 (2006), 131 (2007)."""
    res = _fit(mpdta, "mpdta_nev_dr")
    att = {(g, t): a for g, t, a in zip(res.group, res.time, res.att)}
    n = {2004: 20, 2006: 40, 2007: 131}
    post = [(g, t) for (g, t) in att if t >= g]
    simple = sum(n[g] * att[g, t] for g, t in post) / sum(n[g] for g, t in post)
    assert cs.aggregate(res, "simple").overall.att == pytest.approx(simple, abs=1e-14)
    dyn = {b.key: b.att for b in cs.aggregate(res, "dynamic").by}
    assert dyn[3] == pytest.approx(att[2004, 2007], abs=1e-14)
    e1 = (20 * att[2004, 2005] + 40 * att[2006, 2007]) / 60
    assert dyn[1] == pytest.approx(e1, abs=1e-14)


def test_bootstrap_se_within_10_percent_of_analytic(mpdta):
    """999 multiplier draws with the spec's seed: every ATT(g,t) and aggregation SE within 10%."""
    from study import config

    res = _fit(mpdta, "mpdta_nev_dr")
    cols = [res.inf]
    for kind in cs.AGGREGATIONS:
        a = cs.aggregate(res, kind)
        cols.append(np.column_stack([a.overall.inf] + [b.inf for b in a.by]))
    inf = np.column_stack(cols)
    bres = cs.multiplier_bootstrap(inf, draws=999, seed=config.seed("did_bootstrap"), progress=False)
    se, crit = cs.bootstrap_se_and_band(bres, res.n, 0.05)
    analytic = cs.influence_se(inf)
    assert np.max(np.abs(se / analytic - 1)) < 0.10
    assert crit > 1.96  # a uniform band is wider than a pointwise one
    again = cs.multiplier_bootstrap(inf, draws=999, seed=config.seed("did_bootstrap"), progress=False)
    np.testing.assert_array_equal(bres, again)  # deterministic given the seed


def test_mammen_weights_moments():
    v = cs.mammen_weights(np.random.default_rng(1), (400_000, 1))
    assert abs(v.mean()) < 0.01 and abs(v.var() - 1) < 0.01 and abs((v ** 3).mean() - 1) < 0.03


def _csdid(data, **kw):
    csdid = pytest.importorskip("csdid.att_gt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return csdid.ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                           data=data, **kw)


@pytest.mark.parametrize("method,xformla", [("dr", None), ("dr", "lemp~lpop")])
def test_unbalanced_panel_matches_csdid(mpdta, method, xformla):
    """No R reference for unbalanced panels: csdid 0.4.3 (an R did 2.5 port) is the independent check."""
    rng = np.random.default_rng(0)
    data = mpdta.drop(index=rng.choice(len(mpdta), 300, replace=False)).reset_index(drop=True)
    panel = prepare_panel(data, covariates=["lpop"] if xformla else [], balanced=False, **MPDTA)
    res = cs.att_gt(panel, method=method)
    assert res.unbalanced
    ref = _csdid(data, xformla=xformla, allow_unbalanced_panel=True).fit(est_method=method, bstrap=False)
    np.testing.assert_allclose(res.att, ref.results["att"], atol=1e-10)
    np.testing.assert_allclose(res.se, ref.results["se"], rtol=1e-8)
    assert cs.pretest(res).stat == pytest.approx(ref.MP["W"], rel=1e-8)
    for kind in cs.AGGREGATIONS:
        ref.aggte(typec=kind, bstrap=False)
        agg = cs.aggregate(res, kind)
        assert agg.overall.att == pytest.approx(ref.atte["overall_att"], abs=1e-10)
        assert agg.overall.se == pytest.approx(ref.atte["overall_se"], rel=1e-8)


def test_anticipation_matches_csdid(mpdta):
    panel = prepare_panel(mpdta, anticipation=1, **MPDTA)
    res = cs.att_gt(panel, anticipation=1)
    ref = _csdid(mpdta, anticipation=1).fit(est_method="dr", bstrap=False)
    np.testing.assert_allclose(res.att, ref.results["att"], atol=1e-10)
    np.testing.assert_allclose(res.se, ref.results["se"], rtol=1e-8)
    assert cs.pretest(res).stat == pytest.approx(ref.MP["W"], rel=1e-8)


def test_recovers_heterogeneous_growing_effects_where_twfe_is_biased():
    """SYNTHETIC staggered panel (conftest.simulate_staggered): CS and imputation recover the true
    dynamic effects within 3 SE; TWFE misses the true overall ATT by more than 3 SE."""
    from study.estimate.did.imputation import imputation

    data = simulate_staggered()
    panel = prepare_panel(data, unit="unit", time="time", cohort="cohort", outcome="y")
    treated = data[(data.cohort > 0) & (data.time >= data.cohort)]
    truth = treated.groupby(treated.time - treated.cohort)["tau"].mean()  # equal cohort sizes

    dyn = cs.aggregate(cs.att_gt(panel), "dynamic")
    post = [b for b in dyn.by if b.key >= 0]
    assert len(post) == 12
    for b in post:
        assert abs(b.att - truth[b.key]) < 3 * b.se, (b.key, b.att, truth[b.key], b.se)

    es = imputation(panel)["event_study"].set_index("event_time")
    for e, true in truth.items():
        assert abs(es.loc[e, "att"] - true) < 3 * es.loc[e, "se"], (e, es.loc[e, "att"], true)

    tw = twfe(panel)
    true_att = treated["tau"].mean()
    assert abs(tw.coef - true_att) > 3 * tw.se  # TWFE is biased here ...
    assert tw.coef < 0.5 * true_att  # ... by more than half of the true effect
    simple = cs.aggregate(cs.att_gt(panel), "simple").overall
    assert abs(simple.att - true_att) < 3 * simple.se  # while CS's overall ATT is not
