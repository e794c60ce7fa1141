"""The vectorised input checks and aggregation helpers give what the plain formulations give.

``prepare_panel`` takes a no-sort, no-hash path for panels already sorted by numeric unit and time,
and a factorise-and-sort path otherwise; ``cs`` forms the weight influence function of R ``did``
per cohort instead of as an n x cells matrix and accumulates ``inf @ W`` column by column. Each is
checked here against the direct formulation (R ``did``'s ``wif`` written out as in
``did::compute.aggte``; a shuffled copy of the panel; ``np.matmul``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from study.estimate.did import cs
from study.estimate.did.data import prepare_panel

from .conftest import MPDTA


def test_sorted_and_shuffled_input_give_the_same_panel(mpdta):
    rng = np.random.default_rng(939377876)
    data = mpdta.drop(index=rng.choice(mpdta.index, 40, replace=False))
    data.loc[rng.choice(data.index, 5), "lemp"] = np.nan
    for kw in ({}, {"balanced": False}, {"anticipation": 1}):
        fast = prepare_panel(data, **MPDTA, **kw)                               # sorted numeric units
        slow = prepare_panel(data.sample(frac=1, random_state=1), **MPDTA, **kw)  # factorise + sort
        labelled = prepare_panel(data.assign(countyreal="c" + data.countyreal.astype(str).str.zfill(6)),
                                 **MPDTA, **kw)                                  # string units
        pd.testing.assert_frame_equal(fast.data, slow.data)
        pd.testing.assert_frame_equal(fast.data.drop(columns="unit"), labelled.data.drop(columns="unit"))
        assert fast.notes == slow.notes == labelled.notes and fast.balanced == slow.balanced
        assert (np.diff(fast.data["unit"]) >= 0).all()


def test_unit_codes_follow_the_data(mpdta):
    panel = prepare_panel(mpdta, **MPDTA)
    np.testing.assert_array_equal(panel.unit_codes, pd.factorize(panel.data["unit"], sort=True)[0])
    other = dataclasses.replace(panel, data=panel.data[panel.data["unit"] > 10000].reset_index(drop=True))
    np.testing.assert_array_equal(other.unit_codes, pd.factorize(other.data["unit"], sort=True)[0])


def _dense_wif(keep, pg, unit_cohort, cell_group):
    """R did's weight influence function (compute.aggte's ``wif``), n x kept cells."""
    indicator = (unit_cohort[:, None] == cell_group[keep][None, :]).astype(float)
    centred = indicator - pg[keep][None, :]
    total = pg[keep].sum()
    return centred / total - centred.sum(axis=1, keepdims=True) * (pg[keep] / total ** 2)[None, :]


@pytest.mark.parametrize("kind", cs.AGGREGATIONS)
def test_aggregations_equal_the_dense_formulation(mpdta, kind):
    res = cs.att_gt(prepare_panel(mpdta, **MPDTA))
    share = res.cohort_share
    pg = np.array([share[int(x)] for x in res.group])
    e = res.time - res.group
    agg = cs.aggregate(res, kind)
    if kind == "dynamic":
        for b in agg.by:
            keep = np.flatnonzero(e == b.key)
            w = pg[keep] / pg[keep].sum()
            dense = res.inf[:, keep] @ w + _dense_wif(keep, pg, res.unit_cohort, res.group) @ res.att[keep]
            np.testing.assert_allclose(b.inf, dense, rtol=0, atol=1e-13)
    if kind == "simple":
        keep = np.flatnonzero(res.group <= res.time)
        w = pg[keep] / pg[keep].sum()
        dense = res.inf[:, keep] @ w + _dense_wif(keep, pg, res.unit_cohort, res.group) @ res.att[keep]
        np.testing.assert_allclose(agg.overall.inf, dense, rtol=0, atol=1e-13)
    W = np.random.default_rng(0).random((res.inf.shape[1], 3)) * (np.arange(res.inf.shape[1]) % 2)[:, None]
    np.testing.assert_allclose(cs._weighted_columns(res.inf, W), res.inf @ W, rtol=0, atol=1e-12)
