"""The journey's shape as people move through it: loop-back edges and the order of telling.

Both renderers (the story and the map) need one order in which to tell and draw touchpoints and
one answer to "which arrows return to an earlier step". They are computed here, once, from the
graph, and carried by the Report.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import networkx as nx

__all__ = ["find_back_edges", "find_order"]


def find_back_edges(G: nx.DiGraph) -> frozenset[tuple[str, str]]:
    """Edges that return to a touchpoint on the current path of a depth-first walk.

    The walk starts at the start touchpoint and follows ``next`` in written order, then
    touches anything unreached in file order, so the answer depends only on the file.
    Removing these edges leaves the graph acyclic.
    """
    order = sorted(G.nodes, key=lambda n: G.nodes[n]["order"])
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    for root in [G.graph["start"], *order]:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(list(G.successors(root))))]
        while stack:
            node, it = stack[-1]
            for nxt in it:
                seen = state.get(nxt)
                if seen is None:
                    state[nxt] = 1
                    stack.append((nxt, iter(list(G.successors(nxt)))))
                    break
                if seen == 1:
                    back.add((node, nxt))
            else:
                state[node] = 2
                stack.pop()
    return frozenset(back)


def _topological(
    ids: Sequence[str], preds: dict[str, list[str]], key: dict[str, tuple[int, int]]
) -> list[str]:
    succ: dict[str, list[str]] = {i: [] for i in ids}
    missing = {i: len(preds[i]) for i in ids}
    for v in ids:
        for u in preds[v]:
            succ[u].append(v)
    ready = [(key[i], i) for i in ids if missing[i] == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        out.append(node)
        for nxt in succ[node]:
            missing[nxt] -= 1
            if missing[nxt] == 0:
                heapq.heappush(ready, (key[nxt], nxt))
    return out


def find_order(
    G: nx.DiGraph, *, back_edges: frozenset[tuple[str, str]] | None = None
) -> tuple[str, ...]:
    """Touchpoints in the order a person meets them: every touchpoint after those that lead
    to it (loop-back edges aside), stage by stage when the stages allow it, ties in file order.

    A touchpoint without a stage belongs to the stage of the touchpoints before it. When the
    written stages contradict the flow (a later stage leads back into an earlier one), the
    order follows the flow and ties go by file order.
    """
    back = find_back_edges(G) if back_edges is None else back_edges
    ids = sorted(G.nodes, key=lambda n: G.nodes[n]["order"])
    file_order = {n: G.nodes[n]["order"] for n in ids}
    preds: dict[str, list[str]] = {i: [] for i in ids}
    for u in ids:
        for v in G.successors(u):
            if (u, v) not in back:
                preds[v].append(u)
    topo = _topological(ids, preds, {i: (0, file_order[i]) for i in ids})
    band: dict[str, int] = {}
    for node in topo:
        index = G.nodes[node]["stage_index"]
        band[node] = index if index is not None else max((band[u] for u in preds[node]), default=0)
    if all(band[u] <= band[v] for v in ids for u in preds[v]):
        topo = _topological(ids, preds, {i: (band[i], file_order[i]) for i in ids})
    return tuple(topo)
