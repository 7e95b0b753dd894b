"""What renderers show besides the numbers: the journey's words and shape, read from the graph.

:func:`build_view` turns the graph into the parts of the Report that describe the journey
rather than measure it (agencies, stages, data items, the order of telling, the arrows), so
that no renderer ever needs the Journey itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..report import AgencyInfo, EdgeFlow, ItemInfo, JourneyContext, StageInfo
from .flow import Flow, shares_of
from .structure import find_back_edges, find_order

__all__ = ["JourneyView", "build_view", "short_item_name"]


@dataclass(frozen=True, slots=True)
class JourneyView:
    """The descriptive parts of a Report (see :func:`build_view`)."""

    context: JourneyContext
    order: tuple[str, ...]
    back_edges: frozenset[tuple[str, str]]
    edges: tuple[EdgeFlow, ...]
    agencies: tuple[AgencyInfo, ...]
    stages: tuple[StageInfo, ...]
    data_items: tuple[ItemInfo, ...]


def short_item_name(name: str, aliases: tuple[str, ...]) -> str:
    """A data item's display name: its shortest abbreviation among the aliases (all capitals,
    at most 8 characters: "SSN", "DD-214"), else its name. Ordinary words among the aliases
    ("lease" for proof of address) would mislead on a map, so they are not used.

    >>> short_item_name("Social Security number", ("ssn", "SSN", "social"))
    'SSN'
    >>> short_item_name("Proof of address", ("lease",))
    'Proof of address'
    """
    short = [a for a in aliases if len(a) <= 8 and a.upper() == a and any(c.isalpha() for c in a)]
    return min(short, key=len) if short else name


def build_view(
    G: nx.DiGraph,
    *,
    flow: Flow,
    critical_path: tuple[str, ...] | None,
    population: int,
    handoff_edges: frozenset[tuple[str, str]] | None = None,
    exchange_edges: frozenset[tuple[str, str]] = frozenset(),
    main_path: tuple[str, ...] | None = None,
    back_edges: frozenset[tuple[str, str]] | None = None,
) -> JourneyView:
    """The journey's words and shape as the Report carries them.

    Each arrow's ``share`` is the one the flow model used (alternatives' shares divided by
    their sum, :func:`~journeymap.analysis.flow.out_shares`), not the file's rounding.
    ``back_edges``: the loop-back arrows when the caller has found them already.

    ``handoff_edges``: the arrows that carry a handoff the person feels (default: every arrow
    between two agencies); ``exchange_edges``: arrows between agencies behind the scenes.
    """
    back = find_back_edges(G) if back_edges is None else back_edges
    order = find_order(G, back_edges=back)
    used = {u: dict(shares_of(G, flow, u)) for u in G}
    position = {n: i for i, n in enumerate(order)}
    on_path = set(zip(critical_path or (), (critical_path or ())[1:], strict=False))
    on_main = set(zip(main_path or (), (main_path or ())[1:], strict=False))
    felt = (
        handoff_edges
        if handoff_edges is not None
        else frozenset(e for e in G.edges if G.edges[e]["handoff"])
    )
    edges = tuple(
        EdgeFlow(
            source=u,
            target=v,
            kind=G.edges[u, v]["kind"],
            loop_back=(u, v) in back,
            share=used[u][v],
            wait_days=G.edges[u, v]["wait_days"],
            share_of_starters=flow.edge_flow[(u, v)],
            people=population * flow.edge_flow[(u, v)],
            handoff=(u, v) in felt,
            boundary=(G.edges[u, v]["boundary"] or "agency") if (u, v) in felt else None,
            on_critical_path=(u, v) in on_path,
            behind_the_scenes=(u, v) in exchange_edges,
            on_main_path=(u, v) in on_main,
        )
        for u, v in sorted(G.edges, key=lambda e: (position[e[0]], position[e[1]]))
    )
    agencies = tuple(
        AgencyInfo(
            id=a["id"],
            name=a["name"],
            level=a["level"],
            department=a["department"],
            touchpoints=tuple(n for n in order if G.nodes[n]["agency"] == a["id"]),
        )
        for a in G.graph["agencies"].values()
    )
    info = G.graph.get("stage_info", {})
    stages = tuple(
        StageInfo(
            id=s,
            name=info.get(s, {}).get("name", s),
            description=info.get(s, {}).get("description"),
        )
        for s in G.graph["stages"]
    )
    items = tuple(
        ItemInfo(
            id=i,
            name=d["name"],
            short_name=short_item_name(d["name"], tuple(d.get("aliases", ()))),
            sensitive=d["sensitive"],
            government_issued=d["government_issued"],
        )
        for i, d in G.graph["data"].items()
    )
    ctx = G.graph.get("context", {})
    context = JourneyContext(
        summary=ctx.get("summary"),
        persona_name=ctx.get("persona_name"),
        persona_description=ctx.get("persona_description"),
        occasion=ctx.get("occasion"),
        offering=ctx.get("offering"),
        source=ctx.get("source"),
        start=G.graph["start"],
    )
    return JourneyView(
        context=context,
        order=order,
        back_edges=back,
        edges=edges,
        agencies=agencies,
        stages=stages,
        data_items=items,
    )
