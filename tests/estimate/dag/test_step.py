"""``python -m study dag`` end to end on a SYNTHETIC panel that follows the panel contract, in a scratch
root (never the real panel). Default: a reduced configuration (fewer refuter simulations and panel
resamples), run twice for byte-identical outputs; slow: the registered configuration within the
two-minute budget."""

from __future__ import annotations

import hashlib
import logging
import re
import time
import tomllib

import pandas as pd
import pytest

from study.cli import main
from study.estimate.dag.simulate import simulate_study_panel
from study.prereg.registry import registered

OUTPUTS = ["results/estimates/dag.csv", "results/estimates/refutations.csv",
           "results/estimates/dag_identification.txt", "results/figures/causal_graph.png",
           "results/figures/causal_graph.pdf"]
TIDY = ["spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate", "se", "ci_low",
        "ci_high", "ci_kind", "p_value", "n_obs", "n_units", "n_treated_units"]
EFFECT = 0.03   # SYNTHETIC truth


def _spec(root) -> dict:
    with open(root / "preregistration" / "analysis.toml", "rb") as fh:
        return tomllib.load(fh)


def _reduce(root, simulations: int = 20, resamples: int = 50) -> None:
    path = root / "preregistration" / "analysis.toml"
    text = path.read_text()
    text = re.sub(r"(?m)^refuter_simulations = \d+", f"refuter_simulations = {simulations}", text)
    text = re.sub(r"(?m)^panel_resamples = \d+", f"panel_resamples = {resamples}", text)
    path.write_text(text)


@pytest.fixture
def synthetic_root(study_root):
    panel = simulate_study_panel(_spec(study_root), n_countries=150, last_year=2023, effect=EFFECT, seed=2026)
    panel.to_parquet(study_root / "data" / "derived" / "panel.parquet", index=False)
    return study_root


def _digests(root) -> dict[str, str]:
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in OUTPUTS}


def test_step_outputs_are_complete_registered_and_reproducible(synthetic_root, capsys):
    root = synthetic_root
    _reduce(root)
    assert main(["dag", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "Estimand name: backdoor" in printed and "campaign_onset" in printed   # the identified estimand
    for rel in OUTPUTS + ["results/logs/dag.json"]:
        assert (root / rel).exists(), rel
    spec = _spec(root)

    tidy = pd.read_csv(root / "results/estimates/dag.csv", keep_default_na=False)
    assert set(TIDY) <= set(tidy.columns)
    assert all((r.spec_id, r.estimator, r.variant) in registered(spec) for r in tidy.itertuples())
    assert len(tidy) == 1
    prim = tidy.iloc[0]
    assert prim.estimand == "primary"
    assert (prim.spec_id, prim.estimator, prim.outcome, prim.treatment) == (
        "DAG1", "dowhy", "civil_liberties", "onset")
    assert prim.ci_low < EFFECT < prim.ci_high                # the SYNTHETIC effect is covered
    assert prim.unadjusted_estimate > prim.estimate           # positive confounding removed by adjustment

    ref = pd.read_csv(root / "results/estimates/refutations.csv", keep_default_na=False)
    assert {"refuter", "kind", "estimate", "new_effect", "p_value", "meaning", "p_value_reads"} <= set(ref.columns)
    assert set(ref.kind) == {"dowhy_iid", "panel_aware"}
    assert set(ref.refuter) == {"placebo_treatment_refuter", "random_common_cause", "data_subset_refuter",
                                "bootstrap_refuter", "dummy_outcome_refuter",
                                "add_unobserved_common_cause[democracy]", "add_unobserved_common_cause[prior_practice]",
                                "country_bootstrap", "placebo_timing_permutation", "country_subset"}
    assert (ref.meaning.str.len() > 40).all()
    assert all((r.spec_id, r.estimator, r.variant) in registered(spec) for r in ref.itertuples())
    by = ref.set_index("refuter")
    assert abs(float(by.loc["placebo_treatment_refuter", "new_effect"])) < 0.5 * prim.se
    assert abs(float(by.loc["placebo_timing_permutation", "new_effect"])) < prim.se
    assert float(by.loc["placebo_timing_permutation", "p_value"]) < 0.05     # the real effect beats the placebos

    text = (root / "results/estimates/dag_identification.txt").read_text()
    assert "NOT identified" in text
    assert "campaign_onset <- conflict -> outcome_lead" in text
    assert "campaign_onset <- ngo_presence -> outcome_lead" in text
    assert "Adjustment set: {calendar_year, democracy, gdp, internet, media_freedom, population, prior_campaigns, " \
           "prior_practice, region}" in text

    first = _digests(root)
    assert main(["dag", "--no-progress"]) == 0
    assert _digests(root) == first


def test_bad_graph_fails_and_keeps_earlier_outputs(synthetic_root, caplog):
    root = synthetic_root
    out = root / "results/estimates/refutations.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("earlier\n")
    graph = root / "preregistration" / "causal_graph.dot"
    graph.write_text(graph.read_text().replace("conflict     [label", "conflict2     [label").replace(
        "conflict ", "conflict2 "))
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["dag", "--no-progress"]) == 2
    assert "causal_graph.dot" in caplog.text and "NODE_SOURCES" in caplog.text
    assert out.read_text() == "earlier\n"
    assert not (root / "results/logs/dag.json").exists()


def test_missing_panel_fails_clearly(study_root, caplog):
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["dag", "--no-progress"]) == 2
    assert "panel.parquet" in caplog.text


@pytest.mark.slow
def test_registered_configuration_runs_within_two_minutes(synthetic_root):
    spec = _spec(synthetic_root)
    start = time.monotonic()
    assert main(["dag", "--no-progress"]) == 0
    assert time.monotonic() - start < 120
    ref = pd.read_csv(synthetic_root / "results/estimates/refutations.csv", keep_default_na=False)
    sims = ref.set_index("refuter")["n_simulations"]
    assert int(sims["placebo_treatment_refuter"]) == spec["dag"]["refuter_simulations"]
    assert int(sims["country_bootstrap"]) == spec["dag"]["panel_resamples"]
