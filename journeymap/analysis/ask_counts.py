"""Duplicate data requests: information one person can be asked for more than once.

Path-aware: two asking touchpoints count only when one person can visit both (one can
follow the other, or they sit on different branches of one parallel block, which everyone
does); asks on mutually exclusive alternatives are not duplicates; a touchpoint on a loop
that asks again is. ``asked_again_rate`` is exact: the chain is extended with how many times
the person has been asked so far (0, 1, "again").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from ..graph import find_regions
from .chain import Chain, pausing_collector
from .flow import Flow, check_graph, shares_of
from .structure import reachable_after

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


def find_duplicate_candidates(G: nx.DiGraph, *, flow: Flow) -> Iterator[DuplicateCandidate]:
    """Yield, per data item, the asking touchpoints that can co-occur for one person."""
    check_graph(G)
    askers: dict[str, list[str]] = {}
    for node in sorted(G.nodes, key=lambda n: G.nodes[n]["order"]):
        for item in G.nodes[node]["asks"]:
            askers.setdefault(item, []).append(node)
    placements = _placements(flow)
    for item in sorted(askers):
        nodes = askers[item]
        asking = set(nodes)
        # askers reachable from another asker (later asks) and askers that reach another one
        after = reachable_after(G, asking) & asking
        before = reachable_after(nx.reverse_view(G), asking) & asking
        via_loop = any(node in flow.in_loop for node in nodes)
        involved = after | before | {n for n in nodes if n in flow.in_loop}
        later = set(after)
        # askers on different branches of one block: both are involved; an asker with an
        # earlier one (in file order) on another branch counts as asked again
        branches_seen: dict[str, set[int]] = {}
        by_split: dict[str, list[str]] = {}
        for node in nodes:
            for split, i in placements.get(node, ()):
                seen = branches_seen.setdefault(split, set())
                if seen - {i}:
                    later.add(node)
                seen.add(i)
                by_split.setdefault(split, []).append(node)
        for split, members in by_split.items():
            if len(branches_seen[split]) > 1:
                involved.update(members)
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


@dataclass(frozen=True, eq=False)
class _Outcome:
    """Where a person leaves a region: ``kind`` (end, lost, exit, again) with ``count`` asks.

    Not a tuple, so it can never equal a ``(touchpoint, count)`` state, whatever the ids; one
    object per kind and count (:func:`_outcome`), compared and hashed by identity.
    """

    kind: str
    count: int


_OUTCOMES = {(k, c): _Outcome(k, c) for k in ("end", "lost", "exit") for c in (0, 1)}
_AGAIN = _Outcome("again", 2)


def _outcome(kind: str, count: int) -> _Outcome:
    """The outcome ``kind`` with ``count`` (0 or 1) asks made."""
    return _OUTCOMES[(kind, count)]


#: A block's or branch's outcome: (asks made, at most 2; whether it reached the join) ->
#: probability.
Kernel = dict[tuple[int, bool], float]


def _kernel(outcomes: Mapping[Hashable, float]) -> Kernel:
    """The kernel of a branch from the outcomes of its region."""
    dist: Kernel = {}
    for state, p in outcomes.items():
        assert isinstance(state, _Outcome)
        key = (2, False) if state == _AGAIN else (state.count, state.kind == "exit")
        dist[key] = dist.get(key, 0.0) + p
    return dist


def _both(first: Kernel, second: Kernel) -> Kernel:
    """The kernel of two branches run independently: asks add up, both must reach the join."""
    out: Kernel = {}
    for (k1, c1), p1 in first.items():
        for (k2, c2), p2 in second.items():
            key = (min(2, k1 + k2), c1 and c2)
            out[key] = out.get(key, 0.0) + p1 * p2
    return out


@pausing_collector
def asked_counts(G: nx.DiGraph, asking: set[str], *, flow: Flow) -> AskedCounts:
    """Exact probabilities that one person is asked (at least once / twice) by ``asking``.

    Parallel blocks are solved innermost first into kernels (the distribution of asks made
    and whether the block is completed), so nesting depth costs no recursion.
    """
    check_graph(G)
    regions = find_regions(G, flow.blocks)
    by_split = regions.by_split
    kernels: dict[str, Kernel] = {}

    def arrive(node: str, count: int, exit_node: str | None) -> Hashable:
        if node == exit_node:
            return _outcome("exit", count)
        total = count + (1 if node in asking else 0)
        return _AGAIN if total >= 2 else (node, total)

    def region(head: str, nodes: Sequence[str], exit_node: str | None) -> dict[Hashable, float]:
        transitions: dict[Hashable, list[tuple[Hashable, float]]] = {}
        for node in nodes:
            drop = float(G.nodes[node]["drop_off"] or 0.0)
            go_on = 1.0 - drop
            shares = shares_of(G, flow, node)
            for count in (0, 1):
                state = (node, count)
                out: list[tuple[Hashable, float]] = [(_outcome("lost", count), drop)]
                if G.nodes[node]["split"]:
                    block = by_split[node]
                    for (k, complete), q in kernels[node].items():
                        total = count + k
                        if total >= 2:
                            target: Hashable = _AGAIN
                        elif complete:
                            target = arrive(block.join, total, exit_node)
                        else:
                            target = _outcome("lost", total)
                        out.append((target, go_on * q))
                elif not shares:
                    out.append((_outcome("end", count), go_on))
                else:
                    for nxt, share in shares:
                        out.append((arrive(nxt, count, exit_node), go_on * share))
                transitions[state] = out
        chain = Chain({arrive(head, 0, exit_node): 1.0}, transitions)
        visits = chain.visits()
        return {s: v for s, v in visits.items() if s not in transitions}

    for block in flow.blocks:  # innermost first
        combined: Kernel = {(0, True): 1.0}
        for where, head in regions.branches(block):
            combined = _both(combined, _kernel(region(head, regions.direct[where], block.join)))
        kernels[block.split] = combined

    outcomes = region(G.graph["start"], regions.direct.get(None, ()), None)
    twice = outcomes.get(_AGAIN, 0.0)
    never = sum(
        p for s, p in outcomes.items() if isinstance(s, _Outcome) and s != _AGAIN and s.count == 0
    )
    return AskedCounts(min(1.0, max(0.0, 1.0 - never)), min(1.0, max(0.0, twice)))
