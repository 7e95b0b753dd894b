"""Data asked for again: duplicate requests, re-issued documents, and which repeats come
only from people sent back through a loop (see ``docs/methods.md``, "Duplicate data
requests")."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from ..report import DEFAULT_POPULATION, DuplicateRequest, Reissue
from .ask_counts import asked_counts, find_duplicate_candidates
from .flow import Flow, find_flow
from .structure import find_back_edges, forward_graph, reachable_after

__all__ = [
    "GOVERNMENT_LEVELS",
    "asked_again_without_loop",
    "find_duplicate_requests",
    "find_reissued_requests",
    "population_of",
]


def population_of(G: nx.DiGraph, population: int | None) -> int:
    """The population: the option, else the journey's, else :data:`DEFAULT_POPULATION`."""
    return population or G.graph.get("population") or DEFAULT_POPULATION


def find_duplicate_requests(
    G: nx.DiGraph,
    *,
    flow: Flow | None = None,
    population: int | None = None,
    back_edges: frozenset[tuple[str, str]] | None = None,
) -> Iterator[DuplicateRequest]:
    """Data items one person can be asked for more than once, most people asked again first
    (``back_edges``: the loop-back arrows when the caller has found them already)."""
    flow = flow or find_flow(G)
    pop = population_of(G, population)
    back = find_back_edges(G) if back_edges is None else back_edges
    forward = forward_graph(G, back)
    givers: dict[str, list[str]] = {}
    for node in G.nodes:
        for item in G.nodes[node]["gives"]:
            givers.setdefault(item, []).append(node)
    rows = []
    for cand in find_duplicate_candidates(G, flow=flow):
        # in journey order: a float sum over a set would depend on the string-hash seed
        all_askers = sorted(
            (n for n in G.nodes if cand.item in G.nodes[n]["asks"]),
            key=lambda n: G.nodes[n]["order"],
        )
        counts = asked_counts(G, set(all_askers), flow=flow)
        expected = sum(flow.visits[n] for n in all_askers)
        agencies = tuple(dict.fromkeys(G.nodes[n]["agency"] for n in cand.touchpoints))
        issued_by = tuple(
            sorted(
                (
                    g
                    for g in givers.get(cand.item, [])
                    if not nx.descendants(G, g).isdisjoint(cand.touchpoints)
                ),
                key=lambda n: G.nodes[n]["order"],
            )
        )
        data = G.graph["data"][cand.item]
        again = asked_again_without_loop(G, flow, cand.touchpoints, back, forward=forward)
        rows.append(
            DuplicateRequest(
                item=cand.item,
                name=data["name"],
                scope="cross_agency" if len(agencies) > 1 else "same_agency",
                touchpoints=cand.touchpoints,
                agencies=agencies,
                asked_again_at=cand.later_asks,
                expected_asks_per_person=expected,
                asked_rate=counts.at_least_once,
                asked_again_rate=counts.at_least_twice,
                people_asked_again=pop * counts.at_least_twice,
                repeat_requests=pop * max(0.0, expected - counts.at_least_once),
                via_loop=cand.via_loop,
                issued_by=issued_by,
                sensitive=data["sensitive"],
                government_issued=data["government_issued"],
                only_when_sent_back=not (again & set(cand.later_asks)),
                sent_back_at=tuple(n for n in cand.later_asks if n not in again),
            )
        )
    rows.sort(key=lambda d: (-round(d.people_asked_again, 9), -len(d.agencies), d.item))
    yield from rows


def asked_again_without_loop(
    G: nx.DiGraph,
    flow: Flow,
    askers: tuple[str, ...],
    back: frozenset[tuple[str, str]],
    *,
    forward: nx.DiGraph | None = None,
) -> set[str]:
    """The askers that some other asker precedes on a path without going back through a
    loop, or that share a parallel block with another asker on another branch.

    ``forward`` is :func:`.structure.forward_graph` of ``G`` and ``back``, when already made.
    """
    asking = set(askers)
    forward = forward_graph(G, back) if forward is None else forward
    out = reachable_after(forward, askers) & asking
    for block in flow.blocks:
        on = [i for i, branch in enumerate(block.branches) if asking & set(branch)]
        if len(on) > 1:
            out |= asking & block.members
    return out


#: Levels of government: a document issued at these levels is "issued by the government".
GOVERNMENT_LEVELS = frozenset({"federal", "state", "local", "tribal", "territorial"})


def find_reissued_requests(
    G: nx.DiGraph, *, flow: Flow | None = None, population: int | None = None
) -> Iterator[Reissue]:
    """Items a touchpoint ``gives`` that a later touchpoint ``asks`` the person for again."""
    flow = flow or find_flow(G)
    pop = population_of(G, population)
    by_item: dict[str, tuple[set[str], set[str]]] = {}
    for node in G.nodes:
        for item in G.nodes[node]["gives"]:
            later = nx.descendants(G, node)
            for asker in later:
                if item in G.nodes[asker]["asks"]:
                    given, asked = by_item.setdefault(item, (set(), set()))
                    given.add(node)
                    asked.add(asker)
    order = lambda n: G.nodes[n]["order"]  # noqa: E731
    for item in sorted(by_item):
        given, asked = by_item[item]
        given_at = tuple(sorted(given, key=order))
        asked_at = tuple(sorted(asked, key=order))
        yield Reissue(
            item=item,
            name=G.graph["data"][item]["name"],
            given_at=given_at,
            asked_at=asked_at,
            issuing_agencies=tuple(dict.fromkeys(G.nodes[n]["agency"] for n in given_at)),
            asking_agencies=tuple(dict.fromkeys(G.nodes[n]["agency"] for n in asked_at)),
            people=pop * sum(flow.visits[n] for n in asked_at),
            government=all(
                G.graph["agencies"][G.nodes[n]["agency"]]["level"] in GOVERNMENT_LEVELS
                for n in given_at
            ),
        )
