"""The ``python -m study bayes`` step on a SYNTHETIC panel in a scratch root (never the real panel).

Default suite: one id with the primary model and both alternative prior sets (one compiled model),
run twice for byte-identical outputs, and once more (``--quick``: primary model only) with an
unreachable gate to check that nothing is written; per-estimate pooling (``bayes_pooling``) is
validated without compiling. Slow: the full registered plan for a confirmatory id (three model
variants, LOO comparison, both prior sets), and H6/H7 with their engagement / leadership-model
pooling (two more compiled models).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import tomllib

import pandas as pd
import pytest

from study.cli import main
from study.errors import StudyError
from study.estimate.bayes.design import DIMENSIONS
from study.estimate.bayes.simulate import simulate_study_panel
from study.estimate.bayes.step import pooling_of
from study.prereg.registry import registered

TIDY = ["spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate", "se",
        "ci_low", "ci_high", "ci_kind", "p_value", "n_obs", "n_units", "n_treated_units"]
EFFECTS = {0: 0.02, 1: 0.03, 2: 0.04, 3: 0.04, 4: 0.04, 5: 0.04}   # SYNTHETIC, outcome units
OUTPUTS = ["results/estimates/bayes.csv", "results/estimates/bayes_diagnostics.csv",
           "results/estimates/bayes_ppc.csv", "results/estimates/bayes_loo.csv",
           "results/estimates/bayes_vs_cs.csv", "results/figures/bayes_prior_predictive.png",
           "results/figures/bayes_prior_predictive.pdf"]

# Full-size runs are marked slow and, to keep `make test` within its budget, run only on request.


def _spec(root):
    with open(root / "preregistration" / "analysis.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def synthetic_root(study_root):
    spec = _spec(study_root)
    panel, _ = simulate_study_panel(spec, n_countries=60, last_year=2014, cohort_years=(2006, 2011),
                                    event_effects=EFFECTS, group_sd=0.01, seed=2024)
    panel.to_parquet(study_root / "data" / "derived" / "panel.parquet", index=False)
    return study_root


def spec_primary(root) -> str:
    return _spec(root)["bayes"]["primary_variant"]


def _digest(root, rel):
    return hashlib.sha256((root / rel).read_bytes()).hexdigest()


def test_step_outputs_determinism_and_gate_failure(synthetic_root, caplog):
    root = synthetic_root
    args = ["bayes", "--spec-id", "H1e", "--variants", spec_primary(root), "--all-variants", "--no-progress"]
    assert main(args) == 0
    for rel in OUTPUTS + ["results/figures/bayes_forest_H1e.png", "results/figures/bayes_ppc_H1e.pdf",
                          "results/logs/bayes.json", "results/bayes/timing.csv"]:
        assert (root / rel).exists(), rel
    est = pd.read_csv(root / "results/estimates/bayes.csv", keep_default_na=False)
    assert set(TIDY) <= set(est.columns)
    assert set(est["variant"]) == {"primary", "prior_tight", "prior_wide"}
    spec = _spec(root)
    allowed = registered(spec)
    assert all((r.spec_id, r.estimator, r.variant) in allowed for r in est.itertuples())
    prim = est[(est.variant == "primary") & (est.estimand == "primary")].iloc[0]
    assert prim.ci_low < prim.ci90_low < prim.estimate < prim.ci90_high < prim.ci_high
    assert prim.p_positive > 0.95                    # the SYNTHETIC effect is clearly positive
    assert set(est.loc[est.estimand == "event_time", "key"].astype(int)) == {-3, -2, 0, 1, 2, 3, 4, 5}
    assert {"issue_area", "region", "leadership"} <= set(est["estimand"])
    diag = pd.read_csv(root / "results/estimates/bayes_diagnostics.csv", keep_default_na=False)
    gates = spec["bayes"]["gates"]
    assert (diag["r_hat"] <= gates["rhat_max"]).all() and (diag["ess_bulk"] >= gates["ess_bulk_min"]).all()
    assert len(diag) == len(est)                     # one diagnostics row per reported quantity
    cmp = pd.read_csv(root / "results/estimates/bayes_vs_cs.csv")
    assert cmp.loc[0, "spec_id"] == "H1e" and cmp.loc[0, "intervals_overlap"]
    assert abs(cmp.loc[0, "bayes_estimate"] - cmp.loc[0, "cs_estimate"]) < 2 * cmp.loc[0, "cs_se"]

    # Same seed, same bytes (estimates, diagnostics, checks, figures).
    first = {rel: _digest(root, rel) for rel in OUTPUTS}
    assert main(args) == 0
    assert {rel: _digest(root, rel) for rel in OUTPUTS} == first

    # An unreachable gate: the step fails naming the parameter and gate, and writes nothing.
    for rel in OUTPUTS:
        (root / rel).unlink()
    (root / "results/logs/bayes.json").unlink()
    spec_path = root / "preregistration" / "analysis.toml"
    spec_path.write_text(spec_path.read_text().replace("ess_bulk_min = 400", "ess_bulk_min = 1000000"))
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["bayes", "--spec-id", "H1e", "--quick", "--no-progress"]) == 2
    assert "failed the convergence gates" in caplog.text and "gate ess_bulk" in caplog.text
    assert "primary: gate ess_bulk" in caplog.text or "event_time[" in caplog.text
    assert not any((root / rel).exists() for rel in OUTPUTS)
    assert not (root / "results/logs/bayes.json").exists()


def test_unknown_spec_id_fails(synthetic_root, caplog):
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["bayes", "--spec-id", "H9z", "--no-progress"]) == 2
    assert "H9z" in caplog.text


@pytest.mark.slow
@pytest.mark.full
def test_step_full_plan_confirmatory(synthetic_root):
    root = synthetic_root
    assert main(["bayes", "--spec-id", "H1a", "--no-progress"]) == 0
    est = pd.read_csv(root / "results/estimates/bayes.csv", keep_default_na=False)
    assert set(est["variant"]) == {"primary", "normal", "student_t", "normal_trends", "prior_tight", "prior_wide"}
    loo = pd.read_csv(root / "results/estimates/bayes_loo.csv")
    assert set(loo["variant"]) == {"primary", "normal", "student_t", "normal_trends"}
    assert sorted(loo["rank"]) == [0, 1, 2, 3]
    diag = pd.read_csv(root / "results/estimates/bayes_diagnostics.csv")
    assert set(diag["draws"]) == {_spec(root)["bayes"]["draws"]}


def test_pooling_per_estimate_and_validation(spec_dict):
    bayes = spec_dict["bayes"]
    est = {e["id"]: e for e in spec_dict["estimates"]}
    assert pooling_of(bayes, est["H1a"]) == tuple(bayes["pooling"])
    assert pooling_of(bayes, est["H6"]) == ("engagement",) and "bayes" in est["H6"]["estimators"]
    assert pooling_of(bayes, est["H7"]) == ("leadership_model",) and "bayes" in est["H7"]["estimators"]
    for e in spec_dict["estimates"]:        # every registered id has a valid pooling
        if "bayes" in e["estimators"]:
            assert set(pooling_of(bayes, e)) <= set(DIMENSIONS)
    for bad, match in ((["engagement", "nope"], r"H6: unknown pooling dimension\(s\) \['nope'\] in bayes_pooling"),
                       ("engagement", "H6: bayes_pooling must be a list"),
                       (["region", "region"], "H6: bayes_pooling lists a dimension twice")):
        with pytest.raises(StudyError, match=match):
            pooling_of(bayes, {**est["H6"], "bayes_pooling": bad})
    with pytest.raises(StudyError, match=r"H1a: unknown .* in \[bayes\].pooling"):
        pooling_of({**bayes, "pooling": ["issue"]}, est["H1a"])


def test_unknown_pooling_fails_naming_the_id(synthetic_root, caplog):
    spec_path = synthetic_root / "preregistration" / "analysis.toml"
    text = spec_path.read_text()
    assert text.count('bayes_pooling = ["engagement"]') == 1
    spec_path.write_text(text.replace('bayes_pooling = ["engagement"]', 'bayes_pooling = ["engagment"]'))
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["bayes", "--spec-id", "H6", "--quick", "--no-progress"]) == 2
    assert "H6" in caplog.text and "engagment" in caplog.text
    assert not (synthetic_root / "results/estimates/bayes.csv").exists()


@pytest.mark.slow
@pytest.mark.full
def test_step_h6_h7_engagement_and_leadership_model_pooling(synthetic_root):
    root = synthetic_root
    assert main(["bayes", "--spec-id", "H6", "--spec-id", "H7", "--no-progress"]) == 0
    est = pd.read_csv(root / "results/estimates/bayes.csv", keep_default_na=False)
    assert set(est["variant"]) == {"primary"}                    # secondary ids: primary model only
    assert dict(zip(est.spec_id, est.pooling)) == {"H6": "engagement", "H7": "leadership_model"}
    groups = est[~est.estimand.isin(["primary", "event_time"])]
    assert set(zip(groups.spec_id, groups.estimand)) == {("H6", "engagement"), ("H7", "leadership_model")}
    h6 = groups[groups.spec_id == "H6"].set_index("key")
    h7 = groups[groups.spec_id == "H7"].set_index("key")
    assert list(h6.index) == ["lower_terciles", "top_tercile", "undocumented"]
    assert list(h7.index) == ["advocacy_network", "epistemic_community_or_mixed", "unclear"]
    # every treated country is in one category (undocumented / unclear ones stay in the model)
    n_treated = int(est.loc[est.spec_id == "H6", "n_treated_units"].iloc[0])
    assert h6["n_group_units"].sum() == h7["n_group_units"].sum() == n_treated
    assert 0 < h6.loc["top_tercile", "n_group_units"] < h6.loc["lower_terciles", "n_group_units"]
    allowed = registered(_spec(root))
    assert all((r.spec_id, r.estimator, r.variant) in allowed for r in est.itertuples())
    diag = pd.read_csv(root / "results/estimates/bayes_diagnostics.csv", keep_default_na=False)
    assert len(diag) == len(est)
    params = pd.read_csv(root / "results/estimates/bayes_parameters.csv", keep_default_na=False)
    assert {"tau_engagement", "tau_leadership_model"} <= set(params["parameter"])
    for sid in ("H6", "H7"):
        assert (root / f"results/figures/bayes_forest_{sid}.png").exists()
    # byte-identical on a re-run (the compiled models are reused: sampling only)
    first = {rel: _digest(root, rel) for rel in OUTPUTS[:5]}
    assert main(["bayes", "--spec-id", "H6", "--spec-id", "H7", "--no-progress"]) == 0
    assert {rel: _digest(root, rel) for rel in OUTPUTS[:5]} == first


def test_failed_comparison_variant_is_recorded_not_reported(synthetic_root, monkeypatch, caplog):
    """A comparison likelihood that fails the gates is left out and listed; the primary model must pass."""
    import json

    from study.estimate.bayes import gates

    enforce = gates.enforce

    def fail_normal(table, spec, label):
        if label.endswith("/normal"):
            raise gates.ConvergenceError(label, ["primary: gate r_hat: 1.05 (max 1.01)"])
        return enforce(table, spec, label)

    monkeypatch.setattr(gates, "enforce", fail_normal)
    root = synthetic_root
    args = ["bayes", "--spec-id", "H1e", "--variants", spec_primary(root), "normal", "--all-variants", "--no-progress"]
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(args) == 0
    est = pd.read_csv(root / "results/estimates/bayes.csv", keep_default_na=False)
    assert "normal" not in set(est["variant"]) and "primary" in set(est["variant"])
    failed = json.loads((root / "results/estimates/bayes/failures.json").read_text())
    assert [(f["spec_id"], f["variant"]) for f in failed] == [("H1e", "normal")]
    assert "H1e/normal: not reported" in caplog.text


class _Recording:
    """A compiled model that records the sampler settings of every run (delegates the sampling)."""

    def __init__(self, compiled):
        self.compiled, self.runs = compiled, []

    def sample(self, design, priors, settings):
        self.runs.append(settings)
        return self.compiled.sample(design, priors, settings)


@pytest.mark.parametrize("failing_runs, expected", [
    (0, ["low_rank"]),
    (1, ["low_rank", "diagonal"]),
    (2, ["low_rank", "diagonal"]),
])
def test_gated_sampling_falls_back_to_the_diagonal_mass_matrix(failing_runs, expected, compiled_normal,
                                                               make_small_design, baseline_priors, gate_spec,
                                                               monkeypatch):
    """A run that fails a gate is re-sampled with the next mass matrix; the last failure is raised."""
    from study.estimate.bayes import gates
    from study.estimate.bayes.sample import SamplerSettings
    from study.estimate.bayes.step import sample_gated

    calls = []

    def enforce(table, spec, label):
        calls.append(label)
        if len(calls) <= failing_runs:
            raise gates.ConvergenceError(label, ["primary: gate r_hat: 1.05 (max 1.01)"])

    monkeypatch.setattr(gates, "enforce", enforce)
    design, _, _ = make_small_design(23)
    model = _Recording(compiled_normal)
    settings = SamplerSettings(chains=2, draws=100, tune=100, target_accept=0.9, seed=5, progress=False)
    run = functools.partial(sample_gated, model, design, baseline_priors, settings, gate_spec, label="H1e/normal",
                            window=(0, 3), pooling=("issue_area", "region", "leadership"), retry_target_accept=None)
    if failing_runs == len(expected):
        with pytest.raises(gates.ConvergenceError, match="H1e/normal"):
            run()
    else:
        fit, _, table = run()
        assert fit.settings.mass_matrix == expected[-1]
        assert fit.attempts[-1] == f"{expected[-1]}@0.9: passed" and len(fit.attempts) == len(expected)
        assert len(table) > 0
    assert [s.mass_matrix for s in model.runs] == expected
