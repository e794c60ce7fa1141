"""Shared fixtures for the DAG tests. Every panel here is SYNTHETIC (study.estimate.dag.simulate)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from study.estimate.dag.data import analysis_frame
from study.estimate.dag.graph import read_graph
from study.estimate.dag.identify import identify
from study.estimate.dag.simulate import simulate_panel

REPO = Path(__file__).resolve().parents[3]
GRAPH = REPO / "preregistration" / "causal_graph.dot"
T, Y = "campaign_onset", "outcome_lead"
WINDOW = (2006, 2020)
HORIZON = 2


@pytest.fixture(autouse=True, scope="session")
def _quiet_single_threaded():
    """DoWhy logs every refit; small regressions run faster on one BLAS thread (as in the step)."""
    from threadpoolctl import threadpool_limits

    logging.getLogger("dowhy").setLevel(logging.ERROR)
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="session")
def study_dag():
    return read_graph(GRAPH, treatment=T, outcome=Y)


def build(panel, dag, *, horizon: int = HORIZON):
    """Analysis frame and DoWhy identification of a SYNTHETIC panel on ``dag``."""
    af = analysis_frame(panel, dag, treatment=T, outcome=Y, outcome_variable="civil_liberties",
                        cohort_column="cohort_any", horizon=horizon, window=WINDOW, source="synthetic")
    return af, identify(af.model_data(), dag, treatment=T, outcome=Y)


@pytest.fixture(scope="session")
def fitted(study_dag):
    """One SYNTHETIC panel (effect 0.03, positive confounding through polyarchy), its frame,
    identification and estimate, shared by the refuter tests."""
    from study.estimate.dag.estimate import estimate_effect

    panel = simulate_panel(n_countries=150, effect=0.03, seed=11)
    af, ident = build(panel, study_dag)
    est = estimate_effect(ident, af, method="backdoor.linear_regression")
    return {"panel": panel, "af": af, "ident": ident, "estimate": est}
