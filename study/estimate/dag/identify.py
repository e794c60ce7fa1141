"""Backdoor identification of the onset effect with DoWhy, on the full and on the working graph.

1. **Full graph** (unobserved nodes included; DoWhy treats a graph node without a data column as
   unobserved): DoWhy's backdoor search finds no valid adjustment set, because every path
   ``campaign_onset <- U -> outcome_lead`` through an unobserved common cause U stays open.
2. **Working graph** (unobserved nodes removed): the identifying assumption is stated, not hidden —
   "no common cause of onset and the outcome other than the observed ones" — and DoWhy returns
   the backdoor adjustment set. The sensitivity analysis (:mod:`.refute`) asks how strong the
   left-out causes would have to be.

Adjustment sets are sorted before use: DoWhy builds them from Python sets, whose order changes
with the interpreter's hash seed, and the column order would otherwise change the last digits of
the estimate between runs.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from study.estimate.dag.graph import CausalDag, format_path

log = logging.getLogger("study")


@dataclass
class Identification:
    """What DoWhy identified, on which graph, and what stays open."""

    model: object                 # dowhy.CausalModel on the working graph
    estimand: object              # dowhy IdentifiedEstimand (working graph)
    full_estimand: object         # dowhy IdentifiedEstimand (full graph)
    adjustment_set: list[str]
    identified_on_full_graph: bool
    open_paths: list[str]         # backdoor paths the adjustment set leaves open in the full graph
    unobserved: list[str]


def causal_model(data: pd.DataFrame, graph: nx.DiGraph, *, treatment: str, outcome: str):
    """A ``dowhy.CausalModel`` on ``data`` and ``graph`` (nodes without a column are unobserved)."""
    from dowhy import CausalModel

    with warnings.catch_warnings():
        # DoWhy warns that graph nodes without a data column are unobserved: that is the design here
        warnings.simplefilter("ignore", UserWarning)
        return CausalModel(data=data, treatment=treatment, outcome=outcome, graph=nx.DiGraph(graph))


def _backdoor_set(estimand) -> list[str] | None:
    variables = estimand.backdoor_variables or {}
    chosen = variables.get("backdoor")
    return None if chosen is None else sorted(chosen)


def _sort_sets(estimand) -> None:
    for key, value in list((estimand.backdoor_variables or {}).items()):
        if value is not None:
            estimand.backdoor_variables[key] = sorted(value)


def open_backdoor_paths(graph: nx.DiGraph, *, treatment: str, outcome: str, observed: list[str],
                        adjustment: list[str]) -> list[list[str]]:
    """Backdoor paths from treatment to outcome that conditioning on ``adjustment`` leaves open
    (DoWhy's ``CausalGraph.get_backdoor_paths`` and d-separation test ``is_blocked``)."""
    from dowhy.causal_graph import CausalGraph

    cg = CausalGraph(treatment, outcome, graph=nx.DiGraph(graph), observed_node_names=observed)
    paths = [p for p in cg.get_backdoor_paths([treatment], [outcome]) if not cg.is_blocked(p, adjustment)]
    return sorted(paths, key=lambda p: (len(p), p))


def identify(data: pd.DataFrame, dag: CausalDag, *, treatment: str, outcome: str) -> Identification:
    """Identify on the full graph (reported) and on the working graph (used for estimation)."""
    full_model = causal_model(data, dag.graph, treatment=treatment, outcome=outcome)
    if dag.unobserved():
        log.info("identification on the full graph: DoWhy is expected to find no adjustment set, because "
                 "%s %s unobserved", ", ".join(dag.unobserved()), "is" if len(dag.unobserved()) == 1 else "are")
    full_estimand = full_model.identify_effect()
    full_set = _backdoor_set(full_estimand)

    model = causal_model(data, dag.working_graph(), treatment=treatment, outcome=outcome)
    estimand = model.identify_effect()
    _sort_sets(estimand)
    adjustment = _backdoor_set(estimand)
    if adjustment is None:
        from study.errors import StudyError

        raise StudyError(f"graph {dag.path}: the effect of {treatment} on {outcome} is not identified by "
                         "backdoor adjustment even with the unobserved nodes removed")
    observed = [n for n in dag.graph.nodes if n in set(data.columns)]
    paths = open_backdoor_paths(dag.graph, treatment=treatment, outcome=outcome, observed=observed,
                                adjustment=adjustment)
    return Identification(model=model, estimand=estimand, full_estimand=full_estimand,
                          adjustment_set=adjustment, identified_on_full_graph=full_set is not None,
                          open_paths=[format_path(dag.graph, p) for p in paths], unobserved=dag.unobserved())


def estimand_text(ident: Identification, *, treatment: str, outcome: str) -> str:
    """The identified estimand in words and symbols (deterministic, unlike DoWhy's printout)."""
    adj = ", ".join(ident.adjustment_set)
    lines = [
        "Estimand type: nonparametric average treatment effect (DoWhy EstimandType.NONPARAMETRIC_ATE)",
        "Identification: backdoor adjustment (DoWhy default backdoor search on the working graph)",
        f"Estimand: d/d[{treatment}] E[{outcome} | {adj}]",
        f"Adjustment set: {{{adj}}}",
        f"Assumption (unconfoundedness): given {{{adj}}}, {treatment} is independent of the potential "
        f"outcomes of {outcome}; no other common cause exists.",
    ]
    return "\n".join(lines)
