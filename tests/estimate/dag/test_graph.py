"""The preregistered causal graph and its node -> column table (study/estimate/dag/graph.py)."""

from __future__ import annotations

import networkx as nx
import pytest

from study.errors import DataError
from study.estimate.dag.graph import NODE_SOURCES, check_graph, column_table, format_path, parse_dot
from study.estimate.dag.identify import open_backdoor_paths

from .conftest import T, Y

OBSERVED_CONFOUNDERS = {"prior_practice", "democracy", "internet", "media_freedom", "gdp", "population", "region",
                        "prior_campaigns", "calendar_year"}


def test_study_graph_nodes_roles_and_timing(study_dag):
    assert set(study_dag.nodes) == OBSERVED_CONFOUNDERS | {"ngo_presence", "conflict", T, Y}
    assert study_dag.unobserved() == ["conflict", "ngo_presence"]
    assert study_dag.graph.has_edge(T, Y)
    for node in OBSERVED_CONFOUNDERS | {"ngo_presence", "conflict"}:
        assert study_dag.graph.has_edge(node, T) and study_dag.graph.has_edge(node, Y), node
        assert study_dag.attr(node, "role") == "confounder"
    # lags explicit: every time-varying common cause is measured the year before onset
    for node in OBSERVED_CONFOUNDERS - {"region", "calendar_year"}:
        assert study_dag.attr(node, "time") == "t-1" and NODE_SOURCES[node].lag == 1, node
    assert study_dag.attr(Y, "time") == "t+2" and NODE_SOURCES[Y].lead
    assert "\n" in study_dag.attr(T, "label")          # DOT escapes decoded for the figure
    assert nx.is_directed_acyclic_graph(study_dag.graph)


def test_column_table_maps_every_node(study_dag):
    rows = {r["node"]: r for r in column_table(study_dag, outcome_variable="civil_liberties",
                                               cohort_column="cohort_any", horizon=2)}
    assert rows["prior_practice"]["column"] == "civil_liberties" and rows["prior_practice"]["timing"] == "t - 1"
    assert rows["democracy"]["column"] == "polyarchy"
    assert rows["internet"]["column"] == "internet_users"
    assert rows["gdp"]["column"] == "log_gdp_pc"
    assert rows["population"]["column"] == "log_pop"
    assert rows["prior_campaigns"]["column"] == "n_campaigns_cum"
    assert rows["media_freedom"]["column"] == "free_expression"
    assert rows[Y]["column"] == "civil_liberties" and rows[Y]["timing"] == "t + 2"
    assert rows[T]["column"] == "cohort_any"
    assert rows["conflict"]["column"] == "(unobserved)"


def test_unobserved_nodes_leave_exactly_the_direct_paths_open(study_dag):
    adjustment = sorted(OBSERVED_CONFOUNDERS)
    observed = sorted(OBSERVED_CONFOUNDERS | {T, Y})
    paths = open_backdoor_paths(study_dag.graph, treatment=T, outcome=Y, observed=observed, adjustment=adjustment)
    assert [format_path(study_dag.graph, p) for p in paths] == [
        "campaign_onset <- conflict -> outcome_lead", "campaign_onset <- ngo_presence -> outcome_lead"]
    # without adjustment every backdoor path through an observed common cause is open too
    assert len(open_backdoor_paths(study_dag.graph, treatment=T, outcome=Y, observed=observed, adjustment=[])) > 11


def test_open_paths_follow_d_separation_for_a_collider():
    # D <- A -> C <- B -> Y: closed unless the collider C is conditioned on
    g = nx.DiGraph([("A", "D"), ("A", "C"), ("B", "C"), ("B", "Y"), ("D", "Y")])
    nodes = list(g.nodes)
    assert open_backdoor_paths(g, treatment="D", outcome="Y", observed=nodes, adjustment=[]) == []
    assert open_backdoor_paths(g, treatment="D", outcome="Y", observed=nodes, adjustment=["C"]) == [
        ["D", "A", "C", "B", "Y"]]
    assert open_backdoor_paths(g, treatment="D", outcome="Y", observed=nodes, adjustment=["C", "A"]) == []


def _dot(body: str) -> str:
    return ('digraph g { campaign_onset [role="treatment", observed="yes"]; '
            'outcome_lead [role="outcome", observed="yes"]; ' + body + " }")


@pytest.mark.parametrize("body, message", [
    ("campaign_onset -> outcome_lead; outcome_lead -> campaign_onset;", "cycle"),
    ("democracy [role=\"confounder\", observed=\"yes\"]; democracy -> outcome_lead;", "no edge campaign_onset"),
    ("campaign_onset -> outcome_lead; mystery [role=\"confounder\", observed=\"yes\"]; mystery -> outcome_lead;",
     "NODE_SOURCES"),
    ("campaign_onset -> outcome_lead; conflict [role=\"confounder\", observed=\"yes\"]; conflict -> outcome_lead;",
     "disagrees"),
    ("campaign_onset -> outcome_lead; democracy [role=\"cause\", observed=\"yes\"]; democracy -> outcome_lead;",
     "role must be"),
])
def test_bad_graphs_fail_naming_the_problem(body, message):
    dag = parse_dot(_dot(body), "bad.dot")
    with pytest.raises(DataError, match=message) as info:
        check_graph(dag, treatment=T, outcome=Y)
    assert "bad.dot" in str(info.value)


def test_unparseable_dot_is_a_data_error():
    with pytest.raises(DataError, match="cannot parse DOT|exactly one graph"):
        parse_dot("digraph { a -> ", "broken.dot")


def test_working_graph_and_without(study_dag):
    working = study_dag.working_graph()
    assert "conflict" not in working and "ngo_presence" not in working and working.has_edge(T, Y)
    assert "democracy" not in study_dag.without("democracy").graph
    assert "democracy" in study_dag.graph                    # the original is untouched
