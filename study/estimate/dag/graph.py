"""The study's causal graph (``preregistration/causal_graph.dot``) and what each node measures.

The DOT file names the nodes, their timing and whether the panel observes them. This module holds
the one table that maps every node to a panel column and a lag (:data:`NODE_SOURCES`), reads and
checks the graph against it, and derives the graphs DoWhy is given:

* the **full graph** (all nodes): backdoor identification fails on it, because the unobserved
  common causes leave backdoor paths open (listed by :mod:`.identify`);
* the **working graph** (unobserved nodes removed): the graph under the explicit assumption that
  the unobserved nodes do not confound given the observed ones; the estimate is computed on it and
  the sensitivity analysis bounds the assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from study.errors import DataError
from study.provenance import record_input

OUTCOME = "{outcome}"   # placeholder column: the spec's [dag].outcome_variable


@dataclass(frozen=True)
class NodeSource:
    """Where a graph node comes from in the panel.

    ``column`` is a panel column (``OUTCOME`` for the spec's outcome variable, ``cohort`` for the
    treatment cohort column), ``lag`` the offset from the onset year t at which it is read
    (1 = year t - 1), ``categorical`` whether it enters as dummies.
    ``lead`` nodes are read at t + k (k = ``[dag].horizon``) instead. ``column=None`` marks a node
    the panel does not observe.
    """

    column: str | None
    lag: int = 0
    categorical: bool = False
    lead: bool = False
    note: str = ""

    @property
    def observed(self) -> bool:
        return self.column is not None


#: node -> panel column, the documented mapping of every node in the graph. Lags are relative to the
#: onset year t; the outcome's horizon k comes from the spec ([dag].horizon).
NODE_SOURCES: dict[str, NodeSource] = {
    "campaign_onset": NodeSource("cohort", 0, note="1 if t is the country's first-campaign year (cohort_<t> == year)"),
    "outcome_lead": NodeSource(OUTCOME, lead=True, note="outcome in year t + k, k = [dag].horizon"),
    "prior_practice": NodeSource(OUTCOME, 1, note="outcome in year t - 1"),
    "democracy": NodeSource("polyarchy", 1, note="V-Dem electoral democracy index, t - 1"),
    "internet": NodeSource("internet_users", 1, note="internet users, % of population, t - 1"),
    "media_freedom": NodeSource("free_expression", 1, note="proxy: V-Dem freedom of expression, t - 1"),
    "gdp": NodeSource("log_gdp_pc", 1, note="log GDP per capita (PPP), t - 1"),
    "population": NodeSource("log_pop", 1, note="log population, t - 1"),
    "prior_campaigns": NodeSource("n_campaigns_cum", 1, note="campaigns against the country up to t - 1"),
    "region": NodeSource("region", 0, categorical=True, note="region dummies (time-invariant)"),
    "calendar_year": NodeSource("year", 0, categorical=True, note="year dummies (common shocks of year t)"),
    "ngo_presence": NodeSource(None, note="not in the panel"),
    "conflict": NodeSource(None, note="not in the panel"),
}

ROLES = ("treatment", "outcome", "confounder")


@dataclass
class CausalDag:
    """The parsed graph with its node attributes (quotes stripped)."""

    graph: nx.DiGraph
    path: Path

    @property
    def nodes(self) -> list[str]:
        return sorted(self.graph.nodes)

    def attr(self, node: str, name: str, default: str = "") -> str:
        return str(self.graph.nodes[node].get(name, default))

    def observed(self) -> list[str]:
        return sorted(n for n in self.graph.nodes if self.attr(n, "observed") == "yes")

    def unobserved(self) -> list[str]:
        return sorted(n for n in self.graph.nodes if self.attr(n, "observed") != "yes")

    def working_graph(self) -> nx.DiGraph:
        """The graph without its unobserved nodes (assumption: they do not confound given the rest)."""
        return nx.DiGraph(self.graph.subgraph(self.observed()))

    def without(self, *nodes: str) -> "CausalDag":
        """A copy with ``nodes`` removed (e.g. to show what omitting a confounder does)."""
        g = nx.DiGraph(self.graph)
        g.remove_nodes_from(nodes)
        return CausalDag(g, self.path)


def _unquote(value: object) -> str:
    text = str(value)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text.replace("\\n", "\n")


def parse_dot(text: str, source: Path | str = "<string>") -> CausalDag:
    """Parse DOT text into a :class:`CausalDag` (pydot; no Graphviz binary needed)."""
    import pydot

    try:
        graphs = pydot.graph_from_dot_data(text)
    except Exception as exc:  # pydot raises parser-specific errors
        raise DataError(source, f"cannot parse DOT: {exc}") from exc
    if not graphs or len(graphs) != 1:
        raise DataError(source, "expected exactly one graph")
    raw = nx.drawing.nx_pydot.from_pydot(graphs[0])
    graph = nx.DiGraph()
    for node, data in raw.nodes(data=True):
        name = _unquote(node)
        if name in ("node", "edge", "graph", "\n", ""):
            continue
        graph.add_node(name, **{k: _unquote(v) for k, v in data.items()})
    graph.add_edges_from((_unquote(a), _unquote(b)) for a, b in raw.edges())
    return CausalDag(graph, Path(str(source)))


def read_graph(path: Path | str, *, treatment: str, outcome: str) -> CausalDag:
    """Read the graph file, record it as an input and check it (:func:`check_graph`)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "causal graph not found ([dag].graph in the spec)")
    record_input(path)
    dag = parse_dot(path.read_text(encoding="utf-8"), path)
    check_graph(dag, treatment=treatment, outcome=outcome)
    return dag


def check_graph(dag: CausalDag, *, treatment: str, outcome: str) -> None:
    """Fail on a graph the analysis cannot use, naming the node at fault.

    Acyclic; treatment and outcome present with an edge between them; every node in
    :data:`NODE_SOURCES` with ``observed`` matching the table; roles known.
    """
    src = dag.path
    if not nx.is_directed_acyclic_graph(dag.graph):
        cycle = nx.find_cycle(dag.graph)
        raise DataError(src, f"the graph has a cycle: {' -> '.join(a for a, _ in cycle)}")
    for node in (treatment, outcome):
        if node not in dag.graph:
            raise DataError(src, "node named in [dag] is missing from the graph", field=node)
    if not dag.graph.has_edge(treatment, outcome):
        raise DataError(src, f"no edge {treatment} -> {outcome}", field=treatment)
    for node in dag.nodes:
        if node not in NODE_SOURCES:
            raise DataError(src, "node has no entry in NODE_SOURCES (study/estimate/dag/graph.py): "
                                 "say which panel column measures it, or mark it unobserved", field=node)
        declared = dag.attr(node, "observed")
        if declared not in ("yes", "no"):
            raise DataError(src, f"attribute observed must be yes or no, not {declared!r}", field=node)
        if (declared == "yes") != NODE_SOURCES[node].observed:
            raise DataError(src, f"observed={declared} disagrees with NODE_SOURCES "
                                 f"(column {NODE_SOURCES[node].column!r})", field=node)
        if dag.attr(node, "role") not in ROLES:
            raise DataError(src, f"role must be one of {', '.join(ROLES)}", field=node)
    for node in (treatment, outcome):
        if dag.attr(node, "observed") != "yes":
            raise DataError(src, "treatment and outcome must be observed", field=node)


def column_table(dag: CausalDag, *, outcome_variable: str, cohort_column: str, horizon: int) -> list[dict]:
    """One row per node: what it measures in this run (for the identification report)."""
    rows = []
    for node in dag.nodes:
        src = NODE_SOURCES[node]
        column = {OUTCOME: outcome_variable, "cohort": cohort_column}.get(src.column, src.column)
        if src.lead:
            timing = f"t + {horizon}"
        elif src.column is None:
            timing = "-"
        elif src.categorical:
            timing = "fixed" if node == "region" else "t"
        else:
            timing = "t" if src.lag == 0 else f"t - {src.lag}"
        rows.append({"node": node, "role": dag.attr(node, "role"), "observed": dag.attr(node, "observed"),
                     "column": column or "(unobserved)", "timing": timing, "note": src.note})
    return rows


def format_path(graph: nx.DiGraph, path: list[str]) -> str:
    """``a <- b -> c`` with the arrow directions of ``graph``."""
    text = path[0]
    for a, b in zip(path, path[1:]):
        text += f" -> {b}" if graph.has_edge(a, b) else f" <- {b}"
    return text
