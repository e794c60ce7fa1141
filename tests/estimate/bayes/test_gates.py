"""Convergence gates: each gate fails on draws built to fail it, with a message naming the parameter and
the gate; a deliberately mis-specified model (centred eight schools, short chains) fails a gate."""

from __future__ import annotations

import numpy as np
import pytest

from study.errors import StudyError
from study.estimate.bayes.gates import (ConvergenceError, GateSpec, diagnostics_table, enforce,
                                        gate_failures)

GATES = GateSpec(rhat_max=1.01, ess_bulk_min=400, ess_tail_min=400, divergences_max=0, ebfmi_min=0.3)


def _idata(draws: dict[str, np.ndarray], *, diverging=None, energy=None, seed=0):
    import arviz as az

    rng = np.random.default_rng(seed)
    shape = next(iter(draws.values())).shape
    stats = {"diverging": np.zeros(shape, bool) if diverging is None else diverging,
             "energy": rng.normal(size=shape) if energy is None else energy}
    return az.from_dict(posterior=draws, sample_stats=stats)


def _reported(draws: dict[str, np.ndarray]):
    return [{"estimand": "event_time", "key": k, "draws": v} for k, v in draws.items()]


def test_good_draws_pass():
    rng = np.random.default_rng(1)
    draws = {"0": rng.normal(size=(4, 1000)), "1": rng.normal(size=(4, 1000))}
    table = diagnostics_table(_reported(draws), _idata(draws))
    assert gate_failures(table, GATES) == []
    enforce(table, GATES, "H1a/primary")   # does not raise


def test_rhat_gate_names_parameter():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 1000))
    x[0] += 0.5                                # one chain elsewhere
    draws = {"0": rng.normal(size=(4, 1000)), "3": x}
    table = diagnostics_table(_reported(draws), _idata(draws))
    failures = gate_failures(table, GATES)
    assert any(f.startswith("event_time[3]: gate r_hat") for f in failures)
    assert not any(f.startswith("event_time[0]") for f in failures)


def test_ess_gates_name_parameter():
    rng = np.random.default_rng(3)
    x = np.zeros((4, 1000))
    for c in range(4):                         # AR(1) with rho = 0.99: ESS ~ 4000 * 0.005
        for t in range(1, 1000):
            x[c, t] = 0.99 * x[c, t - 1] + rng.normal() * 0.14
    draws = {"2": x}
    table = diagnostics_table(_reported(draws), _idata(draws))
    failures = gate_failures(table, GATES)
    assert any(f.startswith("event_time[2]: gate ess_bulk") for f in failures)
    assert any(f.startswith("event_time[2]: gate ess_tail") for f in failures)


def test_divergence_and_ebfmi_gates():
    rng = np.random.default_rng(4)
    draws = {"0": rng.normal(size=(4, 1000))}
    diverging = np.zeros((4, 1000), bool)
    diverging[2, 17] = True
    energy = np.cumsum(rng.normal(size=(4, 1000)), axis=1)   # random walk: E-BFMI ~ 0
    table = diagnostics_table(_reported(draws), _idata(draws, diverging=diverging, energy=energy))
    failures = gate_failures(table, GATES)
    assert "all parameters: gate divergences: 1 divergent transitions (max 0)" in failures
    assert any(f.startswith("all parameters: gate ebfmi") for f in failures)
    with pytest.raises(ConvergenceError, match=r"model H1b/student_t failed.*gate divergences") as err:
        enforce(table, GATES, "H1b/student_t")
    assert isinstance(err.value, StudyError)


def test_gate_spec_from_spec(spec_dict):
    g = GateSpec.from_spec(spec_dict["bayes"]["gates"])
    assert g == GateSpec(**{k: type(getattr(GATES, k))(v) for k, v in spec_dict["bayes"]["gates"].items()})
    with pytest.raises(StudyError, match="ebfmi_min"):
        GateSpec.from_spec({k: v for k, v in spec_dict["bayes"]["gates"].items() if k != "ebfmi_min"})


def test_centred_eight_schools_fails_a_gate(gate_spec):
    """Mis-specified fixture: the centred eight-schools model (Rubin 1981 data) has a funnel that NUTS
    cannot explore; with short chains it must fail a gate, and the message names parameter and gate."""
    import nutpie
    import pymc as pm

    y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 5.0)
        tau = pm.HalfCauchy("tau", 5.0)
        theta = pm.Normal("theta", mu, tau, shape=8)   # centred: the funnel
        pm.Normal("y", theta, sigma, observed=y)
    idata = nutpie.sample(nutpie.compile_pymc_model(model), chains=4, draws=200, tune=200, seed=5,
                          progress_bar=False)
    post = idata.posterior
    reported = [{"estimand": "mu", "key": "", "draws": post["mu"].values},
                {"estimand": "tau", "key": "", "draws": post["tau"].values}]
    reported += [{"estimand": "theta", "key": str(j), "draws": post["theta"].values[:, :, j]} for j in range(8)]
    table = diagnostics_table(reported, idata)
    with pytest.raises(ConvergenceError) as err:
        enforce(table, gate_spec, "eight_schools_centred")
    message = str(err.value)
    assert "model eight_schools_centred failed the convergence gates" in message
    assert any(f"gate {g}" in message for g in ("divergences", "r_hat", "ess_bulk", "ess_tail", "ebfmi"))
    # Every failure names a parameter (or "all parameters" for run-wide gates) and a gate.
    for failure in err.value.failures:
        name, gate, _ = failure.split(": ", 2)
        assert name in {"all parameters", "mu", "tau"} or name.startswith("theta[")
        assert gate.startswith("gate ")
