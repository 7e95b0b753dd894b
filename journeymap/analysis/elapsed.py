"""Bottlenecks by effect, and the main path: the path most people's time depends on.

A touchpoint's **effect** is what it adds to the expected elapsed time of a person who starts:
``visits x median days``, except inside a parallel block, where only the slowest branch
counts (the block takes as long as its slowest branch). A branch that is not the slowest adds
nothing; its **slack** is how many days it can grow before it becomes the slowest. Branch
times are expected days per entry into the block (visits within the branch x median, plus
waits), blocks solved innermost first, so nested blocks add their slack up.

The **main path** starts at the start and takes, at each choice, the alternative most people
take (arrows back to an earlier step left out, and only alternatives from which a success end
can still be reached when there are such), at each parallel split the slowest branch, until
an end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from ..report import Bottleneck
from .flow import Flow
from .structure import forward_graph
from .timing import CriticalPath

__all__ = ["MAIN_PATH_RULE", "Effects", "find_bottlenecks_by_effect", "find_effects", "main_path"]

#: The rule of the main path, as the Report states it.
MAIN_PATH_RULE = (
    "the path most people's time depends on: from the start, the alternative most people take "
    "at each choice (loop-backs left out), the slowest branch of each parallel block, to an end"
)

_EPS = 1e-9


@dataclass(frozen=True)
class Effects:
    """Per touchpoint: the part of its time that counts (1 or 0), its slack in days, and per
    parallel block the slowest branch and how much faster it could get before another branch
    becomes the slowest (``headroom``)."""

    factor: dict[str, float]
    slack: dict[str, float]
    slowest: dict[str, int]
    headroom: dict[str, float]
    slowest_members: frozenset[str]


def _median(G: nx.DiGraph, node: str) -> float:
    return float(G.nodes[node]["median_days"] or 0.0)


def _wait(G: nx.DiGraph, u: str, v: str) -> float:
    return float(G.edges[u, v]["wait_days"] or 0.0)


def find_effects(G: nx.DiGraph, *, flow: Flow) -> Effects:
    """Factors, slack and slowest branches of every parallel block (see the module)."""
    factor = dict.fromkeys(G.nodes, 1.0)
    slack = dict.fromkeys(G.nodes, 0.0)
    slowest: dict[str, int] = {}
    headroom: dict[str, float] = {}
    in_slowest: set[str] = set()
    weight = {n: flow.visits[n] * _median(G, n) for n in G.nodes}
    waits = {(u, v): w for u, v, w in G.edges(data="wait_days") if w}
    for block in flow.blocks:  # innermost first
        split = block.split
        entries = flow.visits[split] * (1 - float(G.nodes[split]["drop_off"] or 0.0))
        times = []
        for branch in block.branches:
            if entries <= 0:
                times.append(0.0)
                continue
            t = sum(weight[x] * factor[x] for x in branch)
            if waits:
                members = set(branch)
                for x in (split, *branch):
                    for y in G.successors(x):
                        inside = (
                            x == split and (y in members or (not branch and y == block.join))
                        ) or (x in members and (y in members or y == block.join))
                        if inside and (x, y) in waits:
                            t += flow.edge_flow[(x, y)] * waits[(x, y)]
            times.append(t / entries)
        top = max(times) if times else 0.0
        best = times.index(top) if times else 0
        slowest[split] = best
        others = [t for i, t in enumerate(times) if i != best]
        headroom[split] = top - max(others) if others else top
        for i, branch in enumerate(block.branches):
            if i == best:
                in_slowest.update(branch)
                continue
            for x in branch:
                factor[x] = 0.0
                slack[x] += top - times[i]
    return Effects(factor, slack, slowest, headroom, frozenset(in_slowest))


def find_bottlenecks_by_effect(
    G: nx.DiGraph,
    *,
    flow: Flow,
    critical: CriticalPath,
    population: int,
    main: tuple[str, ...] | None,
    effects: Effects | None = None,
) -> Iterator[Bottleneck]:
    """Touchpoints ranked by their effect on expected elapsed time (see the module)."""
    eff = effects or find_effects(G, flow=flow)
    on_path = set(critical.path or ())
    on_main = set(main or ())
    rows = []
    for node, attrs in G.nodes(data=True):
        if attrs["median_days"] is None:
            continue
        rows.append((flow.visits[node] * attrs["median_days"] * eff.factor[node], node))
    total = sum(r[0] for r in rows)
    rows.sort(key=lambda r: (-r[0], eff.slack[r[1]], G.nodes[r[1]]["order"]))
    for rank, (expected, node) in enumerate(rows, start=1):
        attrs = G.nodes[node]
        path_share = None
        if critical.days:
            path_share = attrs["median_days"] / critical.days if node in on_path else 0.0
        visits = flow.visits[node]
        if visits > 1 + 1e-6:
            case = "rework"
        elif eff.slack[node] > _EPS:
            case = "parallel_slack"
        elif node in eff.slowest_members:
            case = "slowest_branch"
        else:
            case = "step"
        yield Bottleneck(
            rank=rank,
            touchpoint=node,
            name=attrs["name"],
            agency=attrs["agency"],
            expected_days=expected,
            share=expected / total if total else 0.0,
            median_days=attrs["median_days"],
            expected_visits=visits,
            people_lost=population * visits * float(attrs["drop_off"] or 0.0),
            on_critical_path=node in on_path,
            critical_path_share=path_share,
            evidence=attrs["evidence"],
            slack_days=eff.slack[node],
            on_main_path=node in on_main,
            case=case,
        )


def _success_reach(G: nx.DiGraph, back: frozenset[tuple[str, str]]) -> set[str]:
    """Touchpoints from which a success end can be reached without going back."""
    ends = [n for n in G.nodes if G.out_degree(n) == 0 and G.nodes[n]["outcome"] == "success"]
    backward = nx.reverse_view(forward_graph(G, back))
    return {n for layer in nx.bfs_layers(backward, ends) for n in layer} if ends else set()


def main_path(
    G: nx.DiGraph, *, flow: Flow, back: frozenset[tuple[str, str]], effects: Effects
) -> tuple[tuple[str, ...], float]:
    """The main path (see the module) and its days (medians and waits along it)."""
    by_split = {b.split: b for b in flow.blocks}
    can_succeed = _success_reach(G, back)
    order = {n: G.nodes[n]["order"] for n in G.nodes}
    path: list[str] = []
    days = 0.0
    seen: set[str] = set()
    node: str = G.graph["start"]
    while node not in seen:
        seen.add(node)
        path.append(node)
        days += _median(G, node)
        if G.nodes[node]["split"]:
            block = by_split[node]
            heads = sorted(G.successors(node), key=order.__getitem__)
            branch = block.branches[effects.slowest[node]]
            head = next((h for h in heads if h in branch), block.join)
            days += _wait(G, node, head)
            node = head
            continue
        forward = [v for v in G.successors(node) if (node, v) not in back and v not in seen]
        hopeful = [v for v in forward if v in can_succeed] or forward
        if not hopeful:
            break
        here = node
        nxt = max(hopeful, key=lambda v: (flow.edge_flow[(here, v)], -order[v]))
        days += _wait(G, node, nxt)
        node = nxt
    return tuple(path), days
