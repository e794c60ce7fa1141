"""Backdoor identification with DoWhy (study/estimate/dag/identify.py) on SYNTHETIC data."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from study.estimate.dag.graph import CausalDag
from study.estimate.dag.identify import estimand_text, identify

from .conftest import T, Y


def test_study_graph_adjustment_set_and_open_paths(fitted):
    ident = fitted["ident"]
    assert ident.adjustment_set == ["calendar_year", "democracy", "gdp", "internet", "media_freedom", "population",
                                    "prior_campaigns", "prior_practice", "region"]
    assert not ident.identified_on_full_graph          # the unobserved common causes block identification
    assert ident.open_paths == ["campaign_onset <- conflict -> outcome_lead",
                                "campaign_onset <- ngo_presence -> outcome_lead"]
    assert ident.estimand.get_backdoor_variables() == ident.adjustment_set   # sorted inside DoWhy's estimand too
    text = estimand_text(ident, treatment=T, outcome=Y)
    assert "E[outcome_lead | calendar_year, democracy," in text


def _toy(graph: nx.DiGraph, observed: set[str]) -> tuple[CausalDag, pd.DataFrame]:
    for n in graph.nodes:
        graph.nodes[n]["observed"] = "yes" if n in observed else "no"
    rng = np.random.default_rng(0)
    data = pd.DataFrame({n: rng.normal(size=50) for n in sorted(observed)})
    data[T] = rng.integers(0, 2, size=50)
    return CausalDag(graph, "toy.dot"), data


def test_identification_picks_the_confounder_only():
    # z confounds; i only causes the treatment (instrument), m is a mediator, c a collider,
    # p only causes the outcome: the right backdoor set is {z}
    g = nx.DiGraph([("z", T), ("z", Y), ("i", T), (T, "m"), ("m", Y), (T, "c"), (Y, "c"), ("p", Y), (T, Y)])
    dag, data = _toy(g, {"z", "i", "m", "c", "p", T, Y})
    ident = identify(data, dag, treatment=T, outcome=Y)
    assert ident.adjustment_set == ["z"]
    assert ident.identified_on_full_graph and ident.open_paths == []


def test_unobserved_confounder_is_reported_not_adjusted():
    g = nx.DiGraph([("z", T), ("z", Y), ("u", T), ("u", Y), (T, Y)])
    dag, data = _toy(g, {"z", T, Y})
    ident = identify(data, dag, treatment=T, outcome=Y)
    assert not ident.identified_on_full_graph
    assert ident.adjustment_set == ["z"] and ident.unobserved == ["u"]
    assert ident.open_paths == [f"{T} <- u -> {Y}"]
