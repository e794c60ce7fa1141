"""Parameter recovery on SYNTHETIC panels with known effects: 90% credible intervals of the pooled and
event-time effects must cover the truth at a rate consistent with 90% over repeated simulations.

The true event-time effects of each simulation are drawn from the baseline prior (mu_e ~ Normal(0,
effect_mean_sd) in outcome SD units), so that nominal coverage is what a correct implementation
must deliver (simulation-based calibration; Talts et al. 2018). With fixed truths, the informative
prior shrinks the common level of all mu_e toward the reference period (the mean of eight
Normal(0, 0.25) effects has prior SD 0.09): on these 60-country panels, post effects of ~0.15 SD
pulled every mu_e, the placebo pre-periods included, ~0.4 posterior SD below the truth (coverage
~86%), which is a property of the registered prior, not of the sampler.

The default suite runs a reduced version (4 simulations, 36 intervals); the full version (60
simulations) is marked slow and runs with `make test-full` (pytest --full).
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, binomtest

from study.estimate.bayes.gates import diagnostics_table, gate_failures
from study.estimate.bayes.sample import SamplerSettings
from study.estimate.bayes.simulate import model_truth
from study.estimate.bayes.summaries import reported_quantities, summarise

WINDOW = (0, 3)
BASE_SEED = 9000
OUTCOME_SD = 0.146    # approximate SD of the SYNTHETIC outcome: converts prior draws to outcome units
EVENT_TIMES = (-3, -2, 0, 1, 2, 3, 4, 5)

# Full-size runs are marked slow and, to keep `make test` within its budget, run only on request.


def prior_effects(seed: int, effect_mean_sd: float) -> dict[int, float]:
    """True event-time effects (outcome units) drawn from the baseline prior of mu_e."""
    rng = np.random.default_rng(seed)
    return {e: float(v) for e, v in zip(EVENT_TIMES, rng.normal(0.0, effect_mean_sd * OUTCOME_SD, len(EVENT_TIMES)))}


def recovery(compiled, make_design, priors, gate_spec, n_sims: int, draws: int) -> pd.DataFrame:
    rows = []
    for sim in range(n_sims):
        effects = prior_effects(BASE_SEED + sim, priors.effect_mean_sd)
        design, truth, _ = make_design(BASE_SEED + sim, event_effects=effects)
        settings = SamplerSettings(chains=4, draws=draws, tune=draws, target_accept=0.9, seed=BASE_SEED + sim,
                                   progress=False)
        fit = compiled.sample(design, priors, settings)
        reported = reported_quantities(fit.idata, design, WINDOW)
        assert gate_failures(diagnostics_table(reported, fit.idata), gate_spec) == []
        true = model_truth(truth, design, WINDOW)
        for q in reported:
            s = summarise(q["draws"])
            t = true[(q["estimand"], q["key"])]
            rows.append({"sim": sim, "estimand": q["estimand"], "key": q["key"], "truth": t, **s,
                         "covered90": s["ci90_low"] <= t <= s["ci90_high"]})
    return pd.DataFrame(rows)


def _effects(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["estimand"].isin(["primary", "event_time"])]


def test_recovery_reduced(compiled_normal, make_small_design, baseline_priors, gate_spec):
    table = recovery(compiled_normal, make_small_design, baseline_priors, gate_spec, n_sims=4, draws=1000)
    eff = _effects(table)
    n, covered = len(eff), int(eff["covered90"].sum())
    assert n == 36
    # Binomial(36, 0.9): P(X <= 25) ~ 0.005; intervals within a simulation are correlated, so the
    # reduced check only guards against gross miscalibration (e.g. a wrong scale or sign).
    assert covered >= 26, eff[~eff["covered90"]]
    assert binom.cdf(covered, n, 0.9) > 0.001
    # Posterior means track the truth (errors small relative to the posterior SD on average).
    z = (eff["estimate"] - eff["truth"]) / eff["se"]
    assert abs(z.mean()) < 1.0 and np.sqrt((z ** 2).mean()) < 1.6


@pytest.mark.slow
@pytest.mark.full
def test_recovery_full(compiled_normal, make_small_design, baseline_priors, gate_spec):
    """60 simulations. The 9 effects of one simulation share its noise (all are relative to the same
    reference year), so coverage is tested per simulation: the pooled effect (one per simulation,
    independent) by an exact binomial test, and the mean over simulations of each simulation's
    coverage rate (event times; group effects) within 3 between-simulation SEs of 0.9. (Seeds
    9000-9039 alone gave 85% for both this model and OLS on the same panels: the noise, not the model.)"""
    table = recovery(compiled_normal, make_small_design, baseline_priors, gate_spec, n_sims=60, draws=1000)
    pooled = table[table["estimand"] == "primary"]
    assert binomtest(int(pooled["covered90"].sum()), len(pooled), 0.9).pvalue > 0.001
    for part in (table[table["estimand"] == "event_time"],
                 table[~table["estimand"].isin(["primary", "event_time"])]):
        per_sim = part.groupby("sim")["covered90"].mean()
        se = per_sim.std(ddof=1) / np.sqrt(len(per_sim))
        assert abs(per_sim.mean() - 0.9) < 3 * se + 1e-9, (per_sim.mean(), se)
