"""Duplicate data requests: information one person can be asked for more than once.

Path-aware: two asking touchpoints count only when one person can visit both (one can
follow the other, or they sit on different branches of one parallel block, which everyone
does); asks on mutually exclusive alternatives are not duplicates; a touchpoint on a loop
that asks again is. ``asked_again_rate`` is exact: the chain is extended with how many times
the person has been asked so far (0, 1, "again").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from .chain import Chain
from .flow import Block, Flow

__all__ = ["AskedCounts", "DuplicateCandidate", "asked_counts", "find_duplicate_candidates"]


@dataclass(frozen=True)
class DuplicateCandidate:
    """The touchpoints asking for ``item`` that one person can meet more than once."""

    item: str
    touchpoints: tuple[str, ...]
    via_loop: bool
    later_asks: tuple[str, ...]


def _placements(flow: Flow) -> dict[str, set[tuple[str, int]]]:
    """For each touchpoint in a parallel block: the (split, branch number) pairs it lies in."""
    out: dict[str, set[tuple[str, int]]] = {}
    for block in flow.blocks:
        for i, branch in enumerate(block.branches):
            for node in branch:
                out.setdefault(node, set()).add((block.split, i))
    return out


def _siblings(a: set[tuple[str, int]], b: set[tuple[str, int]]) -> bool:
    """True when two touchpoints lie on different branches of one parallel block."""
    splits_a = dict(a)
    return any(split in splits_a and splits_a[split] != i for split, i in b)


def _reachable(step: Callable[[str], Iterable[str]], sources: set[str]) -> set[str]:
    """Nodes reachable in one or more steps from any of ``sources``."""
    seen: set[str] = set()
    stack = [n for s in sources for n in step(s)]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(step(node))
    return seen


def find_duplicate_candidates(G: nx.DiGraph, *, flow: Flow) -> Iterator[DuplicateCandidate]:
    """Yield, per data item, the asking touchpoints that can co-occur for one person."""
    askers: dict[str, list[str]] = {}
    for node in sorted(G.nodes, key=lambda n: G.nodes[n]["order"]):
        for item in G.nodes[node]["asks"]:
            askers.setdefault(item, []).append(node)
    placements = _placements(flow)
    for item in sorted(askers):
        nodes = askers[item]
        asking = set(nodes)
        # askers reachable from another asker (later asks) and askers that reach another one
        after = _reachable(G.successors, asking) & asking
        before = _reachable(G.predecessors, asking) & asking
        via_loop = any(node in flow.in_loop for node in nodes)
        involved = after | before | {n for n in nodes if n in flow.in_loop}
        later = set(after)
        in_blocks = [n for n in nodes if n in placements]
        for i, x in enumerate(in_blocks):
            for y in in_blocks[i + 1 :]:
                if _siblings(placements[x], placements[y]):
                    involved |= {x, y}
                    later.add(y)  # both are done; the one listed later counts as again
        if involved:
            order = sorted(involved, key=lambda n: G.nodes[n]["order"])
            yield DuplicateCandidate(
                item,
                tuple(order),
                via_loop,
                tuple(n for n in order if n in later),
            )


@dataclass(frozen=True)
class AskedCounts:
    """Per person who starts: probability of being asked at least once, and at least twice."""

    at_least_once: float
    at_least_twice: float


_AGAIN = ("again",)


def asked_counts(G: nx.DiGraph, asking: set[str], *, flow: Flow) -> AskedCounts:
    """Exact probabilities that one person is asked (at least once / twice) by ``asking``."""
    by_split = {b.split: b for b in flow.blocks}
    kernels: dict[str, dict[tuple[int, bool], float]] = {}
    inner_of: dict[str, frozenset[str]] = {b.split: b.members for b in flow.blocks}

    def arrive(node: str, count: int, exit_node: str | None) -> Hashable:
        if node == exit_node:
            return ("exit", count)
        total = count + (1 if node in asking else 0)
        return _AGAIN if total >= 2 else (node, total)

    def region(head: str, nodes: set[str], exit_node: str | None) -> dict[Hashable, float]:
        hidden: set[str] = set()
        for split in nodes:
            if split in inner_of:
                hidden |= inner_of[split]
        direct = nodes - hidden
        transitions: dict[Hashable, list[tuple[Hashable, float]]] = {}
        for node in direct:
            drop = float(G.nodes[node]["drop_off"] or 0.0)
            go_on = 1.0 - drop
            for count in (0, 1):
                state = (node, count)
                out: list[tuple[Hashable, float]] = [(("lost", count), drop)]
                if G.nodes[node]["split"]:
                    block = by_split[node]
                    kernel = block_kernel(block)
                    for (k, complete), q in kernel.items():
                        total = count + k
                        if total >= 2:
                            target: Hashable = _AGAIN
                        elif complete:
                            target = arrive(block.join, total, exit_node)
                        else:
                            target = ("lost", total)
                        out.append((target, go_on * q))
                elif G.out_degree(node) == 0:
                    out.append((("end", count), go_on))
                else:
                    for nxt in G.successors(node):
                        share = G.edges[node, nxt]["share"]
                        out.append((arrive(nxt, count, exit_node), go_on * share))
                transitions[state] = out
        chain = Chain({arrive(head, 0, exit_node): 1.0}, transitions)
        visits = chain.visits()
        return {s: v for s, v in visits.items() if s not in transitions}

    def block_kernel(block: Block) -> dict[tuple[int, bool], float]:
        if block.split in kernels:
            return kernels[block.split]
        combined: dict[tuple[int, bool], float] = {(0, True): 1.0}
        for branch in block.branches:
            if not branch:
                continue
            head = next(n for n in G.successors(block.split) if n in branch)
            outcomes = region(head, set(branch), block.join)
            dist: dict[tuple[int, bool], float] = {}
            for state, p in outcomes.items():
                if state == _AGAIN:
                    key = (2, False)
                else:
                    assert isinstance(state, tuple)
                    key = (int(state[1]), state[0] == "exit")
                dist[key] = dist.get(key, 0.0) + p
            new: dict[tuple[int, bool], float] = {}
            for (k1, c1), p1 in combined.items():
                for (k2, c2), p2 in dist.items():
                    key = (min(2, k1 + k2), c1 and c2)
                    new[key] = new.get(key, 0.0) + p1 * p2
            combined = new
        kernels[block.split] = combined
        return combined

    outcomes = region(G.graph["start"], set(G.nodes), None)
    twice = outcomes.get(_AGAIN, 0.0)
    never = sum(
        p for s, p in outcomes.items() if s != _AGAIN and isinstance(s, tuple) and s[1] == 0
    )
    return AskedCounts(min(1.0, max(0.0, 1.0 - never)), min(1.0, max(0.0, twice)))
