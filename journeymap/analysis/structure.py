"""The journey's shape as people move through it: loop-back edges and the order of telling.

Both renderers (the story and the map) need one order in which to tell and draw touchpoints and
one answer to "which arrows return to an earlier step". They are computed here, once, from the
graph, and carried by the Report.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

__all__ = ["find_back_edges", "find_order", "forward_graph", "reachable_after"]


def find_back_edges(G: nx.DiGraph) -> frozenset[tuple[str, str]]:
    """Edges that return to a touchpoint on the current path of a depth-first walk.

    The walk starts at the start touchpoint and follows ``next`` in written order, then
    touches anything unreached in file order, so the answer depends only on the file.
    Removing these edges leaves the graph acyclic.
    """
    root = ("\0", "roots")
    walk = nx.DiGraph()
    walk.add_edges_from((root, n) for n in [G.graph["start"], *_in_file_order(G)])
    walk.add_edges_from(G.edges)
    on_path: set[str] = set()
    back: set[tuple[str, str]] = set()
    for u, v, kind in nx.dfs_labeled_edges(walk, root):
        if kind == "forward":
            on_path.add(v)
        elif kind == "reverse":
            on_path.discard(v)
        elif v in on_path:
            back.add((u, v))
    return frozenset(back)


def forward_graph(G: nx.DiGraph, back: frozenset[tuple[str, str]]) -> nx.DiGraph:
    """The journey's touchpoints and arrows without the loop-back edges ``back`` (and
    without attributes)."""
    forward = nx.DiGraph()
    forward.add_nodes_from(G)
    forward.add_edges_from(e for e in G.edges if e not in back)
    return forward


def _in_file_order(G: nx.DiGraph) -> list[str]:
    return sorted(G.nodes, key=lambda n: G.nodes[n]["order"])


def find_order(
    G: nx.DiGraph, *, back_edges: frozenset[tuple[str, str]] | None = None
) -> tuple[str, ...]:
    """Touchpoints in the order a person meets them: every touchpoint after those that lead
    to it (loop-back edges aside), stage by stage when the stages allow it, ties in file order.

    A touchpoint without a stage belongs to the stage of the touchpoints before it. When the
    written stages contradict the flow (a later stage leads back into an earlier one), the
    order follows the flow and ties go by file order.

    Raises
    ------
    ValueError
        If ``back_edges`` leaves a loop (those of :func:`find_back_edges` never do).
    """
    back = find_back_edges(G) if back_edges is None else back_edges
    forward = forward_graph(G, back)
    if not nx.is_directed_acyclic_graph(forward):
        msg = "back_edges must break every loop of the journey (find_back_edges(G) does)"
        raise ValueError(msg)
    order = G.nodes(data="order")
    topo = list(nx.lexicographical_topological_sort(forward, key=order.__getitem__))
    band: dict[str, int] = {}
    for node in topo:
        index = G.nodes[node]["stage_index"]
        before = (band[u] for u in forward.predecessors(node))
        band[node] = index if index is not None else max(before, default=0)
    if all(band[u] <= band[v] for u, v in forward.edges):
        topo = list(nx.lexicographical_topological_sort(forward, key=lambda n: (band[n], order[n])))
    return tuple(topo)


def reachable_after(G: nx.DiGraph, sources: Iterable[str]) -> set[str]:
    """The nodes of ``G`` reachable in one or more steps from any of ``sources``."""
    first = list(dict.fromkeys(v for s in sources for v in G.successors(s)))
    return {n for layer in nx.bfs_layers(G, first) for n in layer} if first else set()
