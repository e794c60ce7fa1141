"""The causal graph as a figure (``results/figures/causal_graph.png`` / ``.pdf``), grayscale-readable.

The common causes sit on an arc around the onset (left) and the outcome (right), unobserved ones
at the two ends. Observed nodes are white boxes with a solid border, unobserved ones
gray with a dashed border, treatment and outcome bold; edges out of unobserved nodes are dashed,
the effect under study is the thick arrow. No colour carries meaning, so a grayscale print reads
the same. Drawn with Matplotlib and NetworkX (no Graphviz binary).
"""

from __future__ import annotations

from pathlib import Path

from study.estimate.dag.graph import CausalDag


def arc_order(dag: CausalDag, confounders: list[str]) -> list[str]:
    """Order of the common causes along the arc: unobserved ones at the two ends, and related
    nodes next to each other (a depth-first walk, then swaps and moves that shorten the edges among
    them; deterministic)."""
    unobserved = [n for n in confounders if dag.attr(n, "observed") != "yes"]
    observed = [n for n in confounders if n not in unobserved]
    head, tail = unobserved[: (len(unobserved) + 1) // 2], unobserved[(len(unobserved) + 1) // 2:]
    skeleton = dag.graph.subgraph(confounders).to_undirected()
    placed: set[str] = set(unobserved)

    def walk(starts: list[str]) -> list[str]:   # depth-first, so that neighbours end up next to each other
        seq: list[str] = []
        stack = [n for s in reversed(starts) for n in sorted(skeleton[s], reverse=True)]
        while stack:
            node = stack.pop()
            if node in placed:
                continue
            placed.add(node)
            seq.append(node)
            stack += sorted((m for m in skeleton[node] if m not in placed), reverse=True)
        return seq

    front, back = walk(head), walk(tail)[::-1]
    middle = [n for n in observed if n not in placed]
    order = head + front + middle + back + tail
    fixed = set(head + tail)
    edges = [(a, b) for a, b in dag.graph.edges if a in confounders and b in confounders]

    def cost(seq: list[str]) -> int:
        where = {n: i for i, n in enumerate(seq)}
        return sum(abs(where[a] - where[b]) ** 2 for a, b in edges)

    improved = True
    while improved:   # moves: swap two free nodes, or take one out and put it back elsewhere
        improved = False
        free = [i for i, n in enumerate(order) if n not in fixed]
        for i in free:
            for j in free:
                if i == j:
                    continue
                for trial in (_swapped(order, i, j), _moved(order, i, j)):
                    if cost(trial) < cost(order):
                        order, improved = trial, True
                        break
    return order


def _swapped(seq: list[str], i: int, j: int) -> list[str]:
    out = list(seq)
    out[i], out[j] = out[j], out[i]
    return out


def _moved(seq: list[str], i: int, j: int) -> list[str]:
    out = list(seq)
    out.insert(j, out.pop(i))
    return out


def layout(dag: CausalDag, *, treatment: str, outcome: str) -> dict[str, tuple[float, float]]:
    """Common causes on an arc above, treatment and outcome inside it: every arrow into the
    treatment or the outcome is a straight line that crosses no other box."""
    import math

    confounders = [n for n in dag.nodes if n not in (treatment, outcome)]
    order = arc_order(dag, confounders)
    pos: dict[str, tuple[float, float]] = {}
    n = len(order)
    for i, node in enumerate(order):
        angle = math.radians(180 - 180 * i / max(1, n - 1))
        pos[node] = (5.4 * math.cos(angle), 3.8 * math.sin(angle) + 0.3)
    pos[treatment] = (-1.4, -0.7)
    pos[outcome] = (1.4, -0.7)
    return pos


def _bow_inward(a: tuple[float, float], b: tuple[float, float], centre: tuple[float, float]) -> float:
    """Curvature (Matplotlib ``arc3`` rad) that bends the arrow a -> b towards ``centre``, away from
    the boxes on the arc between a and b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    side = dy * (centre[0] - mid[0]) - dx * (centre[1] - mid[1])
    return 0.3 if side > 0 else -0.3


def draw(dag: CausalDag, *, treatment: str, outcome: str, horizon: int):
    """A Matplotlib figure of the graph."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    pos = layout(dag, treatment=treatment, outcome=outcome)
    fig, ax = plt.subplots(figsize=(11.5, 7.0))
    boxes = {}
    for node, (x, y) in pos.items():
        observed = dag.attr(node, "observed") == "yes"
        label = dag.attr(node, "label", node)
        if node == outcome:
            label = label.replace("(t + 2)", f"(t + {horizon})")
        bold = node in (treatment, outcome)
        text = ax.text(x, y, label, ha="center", va="center", fontsize=8.5,
                       fontweight="bold" if bold else "normal", zorder=3,
                       bbox=dict(boxstyle="round,pad=0.35", facecolor="white" if observed else "0.85",
                                 edgecolor="black", linestyle="-" if observed else "--",
                                 linewidth=1.8 if bold else 0.9))
        boxes[node] = text
    fig.canvas.draw()
    centre = ((pos[treatment][0] + pos[outcome][0]) / 2, pos[treatment][1])
    for a, b in sorted(dag.graph.edges):
        if a not in pos or b not in pos:
            continue
        dashed = dag.attr(a, "observed") != "yes"
        main = (a, b) == (treatment, outcome)
        rad = 0.0 if b in (treatment, outcome) else _bow_inward(pos[a], pos[b], centre)
        arrow = FancyArrowPatch(pos[a], pos[b], patchA=boxes[a].get_bbox_patch(), patchB=boxes[b].get_bbox_patch(),
                                arrowstyle="-|>", mutation_scale=12 if main else 8,
                                linewidth=2.4 if main else 0.7, color="black" if main else "0.35",
                                linestyle="--" if dashed else "-", connectionstyle=f"arc3,rad={rad}",
                                shrinkA=2, shrinkB=2, zorder=2)
        ax.add_patch(arrow)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.axis("off")
    ax.set_title("Causal graph of DAG1: campaign onset at t, outcome at t + %d\n"
                 "solid box = observed in the panel, dashed gray box = unobserved; dashed arrows leave "
                 "unobserved causes" % horizon, fontsize=9)
    fig.tight_layout()
    return fig


def save(dag: CausalDag, targets: list[Path], *, treatment: str, outcome: str, horizon: int) -> None:
    """Draw once and write each target through :func:`study.io.save_figure`."""
    import matplotlib.pyplot as plt

    from study import io

    fig = draw(dag, treatment=treatment, outcome=outcome, horizon=horizon)
    try:
        for target in targets:
            io.save_figure(fig, target)
    finally:
        plt.close(fig)
