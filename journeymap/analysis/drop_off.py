"""Abandonment per touchpoint: who gives up where, and whether right after a handoff."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from ..report import DropOff
from .flow import Flow, find_flow
from .handoffs import find_person_side
from .requests import population_of

__all__ = ["find_drop_off"]


def find_drop_off(
    G: nx.DiGraph,
    *,
    flow: Flow | None = None,
    population: int | None = None,
    handoff_edges: frozenset[tuple[str, str]] | None = None,
) -> Iterator[DropOff]:
    """Abandonment per touchpoint with a known drop_off, most people lost first.

    ``after_handoff``: the person arrives here handed off from another agency (a handoff as
    :func:`find_handoffs` defines it); ``handoff_edges`` passes the arrows that carry one
    when they are known already."""
    flow = flow or find_flow(G)
    pop = population_of(G, population)
    felt = (
        handoff_edges
        if handoff_edges is not None
        else find_person_side(G, flow=flow, population=pop).edges
    )
    rows = []
    for node, attrs in G.nodes(data=True):
        if attrs["drop_off"] is None:
            continue
        arrivals = pop * flow.visits[node]
        rows.append((arrivals * attrs["drop_off"], arrivals, node))
    total = sum(r[0] for r in rows)
    rows.sort(key=lambda r: (-r[0], G.nodes[r[2]]["order"]))
    for lost, arrivals, node in rows:
        attrs = G.nodes[node]
        yield DropOff(
            touchpoint=node,
            name=attrs["name"],
            agency=attrs["agency"],
            rate=float(attrs["drop_off"]),
            arrivals=arrivals,
            people_lost=lost,
            share_of_losses=lost / total if total else 0.0,
            after_handoff=any((p, node) in felt for p in G.predecessors(node)),
            in_parallel_block=node in flow.block_of,
        )
