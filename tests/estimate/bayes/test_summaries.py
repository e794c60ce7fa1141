"""Posterior summaries: moments, equal-tailed intervals, P(> 0) and the reported quantities."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from study.estimate.bayes.design import treated_counts
from study.estimate.bayes.summaries import reported_quantities, summarise, tidy_frame, tidy_rows


def test_summarise_matches_normal_quantiles():
    rng = np.random.default_rng(0)
    draws = rng.normal(0.2, 0.1, size=(4, 250_000))
    s = summarise(draws)
    assert s["estimate"] == pytest.approx(0.2, abs=1e-3)
    assert s["se"] == pytest.approx(0.1, rel=1e-2)
    for key, q in (("ci_low", 0.025), ("ci_high", 0.975), ("ci90_low", 0.05), ("ci90_high", 0.95)):
        assert s[key] == pytest.approx(stats.norm.ppf(q, 0.2, 0.1), abs=2e-3)
    assert s["p_positive"] == pytest.approx(stats.norm.sf(0, 0.2, 0.1), abs=2e-3)


def test_reported_quantities_from_a_posterior(make_small_design):
    import arviz as az

    design, _, _ = make_small_design(31)
    rng = np.random.default_rng(1)
    k = len(design.event_times)
    post = {"mu": rng.normal(size=(2, 50, k))}
    for name, labels in design.groups.items():
        post[f"dev_{name}"] = rng.normal(size=(2, 50, len(labels)))
    idata = az.from_dict(posterior=post)
    rep = reported_quantities(idata, design, (0, 3))
    pooled = post["mu"][..., [design.event_times.index(e) for e in (0, 1, 2, 3)]].mean(axis=2)
    assert rep[0]["estimand"] == "primary"
    np.testing.assert_allclose(rep[0]["draws"], pooled)
    events = [q for q in rep if q["estimand"] == "event_time"]
    assert [q["key"] for q in events] == [str(e) for e in design.event_times]
    for name in design.groups:
        got = {q["key"]: q for q in rep if q["estimand"] == name}
        counts = treated_counts(design, name)
        assert set(got) == {lab for lab, n in zip(design.groups[name], counts) if n > 0}
        for j, lab in enumerate(design.groups[name]):
            if counts[j]:
                np.testing.assert_allclose(got[lab]["draws"], pooled + post[f"dev_{name}"][..., j])
                assert got[lab]["n_group_units"] == counts[j]
    frame = tidy_frame(tidy_rows(rep, {"spec_id": "H1a", "variant": "primary"}))
    assert (frame["ci_kind"] == "credible95").all() and (frame["estimator"] == "bayes").all()
    assert (frame["ci_low"] <= frame["ci90_low"]).all() and (frame["ci90_high"] <= frame["ci_high"]).all()
