"""Goodman-Bacon decomposition: the weighted 2x2 estimates add up to the TWFE coefficient."""

from __future__ import annotations

import pytest

from study.errors import DataError
from study.estimate.did.bacon import bacon_decomposition
from study.estimate.did.data import prepare_panel
from study.estimate.did.twfe import twfe

from .conftest import MPDTA, simulate_staggered


@pytest.mark.parametrize("which", ["mpdta", "synthetic"])
def test_weighted_2x2s_equal_twfe(mpdta, which):
    if which == "mpdta":
        panel = prepare_panel(mpdta, **MPDTA)
    else:
        df = simulate_staggered(n_per=15, n_never=10)
        panel = prepare_panel(df, unit="unit", time="time", cohort="cohort", outcome="y")
    dec = bacon_decomposition(panel)
    weights = [v["weight"] for v in dec["by_type"].values()]
    assert sum(weights) == pytest.approx(1.0, abs=1e-10)
    total = sum(v["weight"] * v["estimate"] for v in dec["by_type"].values() if v["weight"] > 0)
    assert total == pytest.approx(twfe(panel).coef, abs=1e-10)
    comp = dec["comparisons"]
    assert (comp["weight"] * comp["estimate"]).sum() == pytest.approx(twfe(panel).coef, abs=1e-10)


def test_unbalanced_panel_refused(mpdta):
    panel = prepare_panel(mpdta.drop(index=[0]), balanced=False, **MPDTA)
    with pytest.raises(DataError, match="balanced"):
        bacon_decomposition(panel)
