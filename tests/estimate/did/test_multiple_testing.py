"""Holm adjustment of the confirmatory family, checked against the step-down rule written out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from study.estimate.did.multiple_testing import ESTIMAND, adjusted_rows

SPEC = {"multiple_testing": {"method": "holm", "family": ["H1a", "H1b", "H1c", "H1d"]}}


def holm_by_hand(p: list[float]) -> list[float]:
    """Holm (1979): sort ascending, multiply the k-th smallest by (m - k), running maximum, cap at 1."""
    order = np.argsort(p)
    m, out, running = len(p), [0.0] * len(p), 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        out[i] = running
    return out


def tidy(p: dict[str, float]) -> pd.DataFrame:
    rows = [{"spec_id": i, "variant": "primary", "estimator": "cs", "estimand": "primary", "estimate": 0.01,
             "p_value": v} for i, v in p.items()]
    rows.append({"spec_id": "H1e", "variant": "primary", "estimator": "cs", "estimand": "primary",
                 "estimate": 0.0, "p_value": 0.001})  # not in the family
    rows.append({"spec_id": "H1a", "variant": "R1", "estimator": "cs", "estimand": "primary",
                 "estimate": 0.0, "p_value": 0.9})    # robustness variant: not adjusted
    return pd.DataFrame(rows)


@pytest.mark.parametrize("p", [{"H1a": 0.01, "H1b": 0.04, "H1c": 0.03, "H1d": 0.2},
                               {"H1a": 0.5, "H1b": 0.001, "H1c": 0.012, "H1d": 0.012}])
def test_holm_matches_the_step_down_rule(p):
    out = adjusted_rows(tidy(p), SPEC)
    assert list(out["spec_id"]) == list(p) and set(out["estimand"]) == {ESTIMAND}
    np.testing.assert_allclose(out["p_value"], holm_by_hand(list(p.values())), rtol=1e-12)
    assert (out["estimate"] == 0.01).all()


def test_missing_family_member_shrinks_the_family(caplog):
    out = adjusted_rows(tidy({"H1a": 0.01, "H1b": 0.04}), SPEC)
    np.testing.assert_allclose(out["p_value"], holm_by_hand([0.01, 0.04]))
    assert "H1c, H1d" in caplog.text
