"""Reliability statistics against hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from study.campaigns import reliability


def test_cohen_kappa_matches_hand_computation():
    # 2x2 table [[20, 5], [10, 15]]: po = 0.7, pe = (25*30 + 25*20) / 50**2 = 0.5, kappa = 0.4
    a = ["x"] * 25 + ["y"] * 25
    b = ["x"] * 20 + ["y"] * 5 + ["x"] * 10 + ["y"] * 15
    assert reliability.cohen_kappa(pd.Series(a), pd.Series(b)) == pytest.approx(0.4, abs=1e-12)


def test_kappa_is_one_for_perfect_agreement_and_nan_for_one_category():
    s = pd.Series(["a", "b", "c", "a"])
    assert reliability.cohen_kappa(s, s) == pytest.approx(1.0)
    assert pd.isna(reliability.cohen_kappa(pd.Series(["a", "a"]), pd.Series(["a", "a"])))


@pytest.mark.parametrize("a, b, same", [("2014-04", "2014-04-23", True), ("2014", "2014-04", True),
                                        ("2014-04", "2014-05", False), ("", "", True), ("2014", "", False)])
def test_date_match_uses_common_precision(a, b, same):
    assert reliability.date_match(a, b) is same


def test_jaccard():
    assert reliability.jaccard("twitter; facebook", "facebook; twitter") == 1.0
    assert reliability.jaccard("twitter", "twitter; instagram") == 0.5


def test_sample_is_seeded_and_blind():
    frame = pd.DataFrame({c: [f"{c}{i}" for i in range(50)] for c in ("id", "name", "target_iso3", "sources", "outcome")})
    a = reliability.draw_sample(frame, seed=7)
    assert a.equals(reliability.draw_sample(frame, seed=7))
    assert len(a) == 10 and list(a.columns) == ["id", "name", "target_iso3", "sources"]
