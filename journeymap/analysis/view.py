"""What renderers show besides the numbers: the journey's words and shape, read from the graph.

:func:`build_view` turns the graph into the parts of the Report that describe the journey
rather than measure it (agencies, stages, data items, the order of telling, the arrows, the
map's columns), so that no renderer ever needs the Journey itself, and every number a
renderer shows about an arrow (its people, the handoff's people, the share as shown) is
computed here once.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .. import fmt
from ..report import AgencyInfo, EdgeFlow, Handoff, ItemInfo, JourneyContext, StageInfo
from .flow import Flow, shares_of
from .handoffs import find_person_side
from .structure import find_back_edges, find_order

__all__ = ["JourneyView", "build_view", "find_columns", "short_item_name", "shown_shares"]


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


def find_columns(
    G: nx.DiGraph, order: tuple[str, ...], back: frozenset[tuple[str, str]]
) -> tuple[dict[str, int], dict[str, int]]:
    """The column of every touchpoint on the map, and the column where each stage starts.

    A touchpoint's column is the longest chain of forward arrows before it (loop-backs left
    out). When the stages allow it (no forward arrow leads into an earlier stage's band;
    a touchpoint without a stage is in the band of those before it), each stage is a band of
    consecutive columns that starts after every touchpoint of the bands before it; otherwise
    the columns follow the flow alone and a stage starts at its leftmost touchpoint.
    """
    preds: dict[str, list[str]] = {n: [] for n in order}
    for u, v in G.edges:
        if (u, v) not in back:
            preds[v].append(u)
    band: dict[str, int] = {}
    for node in order:
        index = G.nodes[node]["stage_index"]
        band[node] = index if index is not None else max((band[u] for u in preds[node]), default=0)
    column: dict[str, int] = {}
    first: dict[str, int] = {}
    if all(band[u] <= band[v] for v in order for u in preds[v]):
        current, band_start, last = -1, 0, -1
        for node in order:
            if band[node] > current:
                current, band_start = band[node], last + 1
            column[node] = max([column[u] + 1 for u in preds[node]] + [band_start])
            last = max(last, column[node])
            stage = G.nodes[node]["stage"]
            if stage is not None and stage not in first:
                first[stage] = column[node]
    else:
        for node in order:
            column[node] = max([column[u] + 1 for u in preds[node]], default=0)
            stage = G.nodes[node]["stage"]
            if stage is not None:
                first[stage] = min(first.get(stage, column[node]), column[node])
    return column, first


def shown_shares(shares: list[float]) -> list[float]:
    """One touchpoint's alternatives' shares as every renderer shows them: the shares
    themselves when :func:`journeymap.fmt.percent` writes them adding up to 100 %, else whole
    percentages that do (largest remainders), so 1/3 each is told as 34 %, 33 %, 33 %.

    >>> shown_shares([0.85, 0.15]), shown_shares([1 / 3, 1 / 3, 1 / 3])
    ([0.85, 0.15], [0.34, 0.33, 0.33])
    """
    written = sum(float(fmt.percent(x).rstrip("%")) for x in shares)
    if abs(sum(shares) - 1) > 1e-6 or abs(written - 100) < 1e-9:
        return list(shares)  # shares that are not a whole are shown as they are
    return [p / 100 for p in fmt.largest_remainder([100 * x for x in shares], 100)]


def _edges(
    G: nx.DiGraph,
    *,
    flow: Flow,
    order: tuple[str, ...],
    back: frozenset[tuple[str, str]],
    felt: frozenset[tuple[str, str]],
    felt_people: dict[tuple[str, str], float],
    population: int,
    paths: tuple[tuple[str, ...] | None, tuple[str, ...] | None],
    exchange_edges: frozenset[tuple[str, str]],
) -> tuple[EdgeFlow, ...]:
    """The arrows in telling order, with the numbers every renderer shows on them."""
    used = {u: dict(shares_of(G, flow, u)) for u in G}
    position = {n: i for i, n in enumerate(order)}
    on_path, on_main = ({*zip(p or (), (p or ())[1:], strict=False)} for p in paths)
    ordered = sorted(G.edges, key=lambda e: (position[e[0]], position[e[1]]))
    groups: dict[str, list[tuple[str, str]]] = {}
    for u, v in ordered:
        if G.edges[u, v]["kind"] == "alternative":
            groups.setdefault(u, []).append((u, v))
    shown: dict[tuple[str, str], float] = {}
    for u, out in groups.items():
        shown.update(zip(out, shown_shares([used[u][v] for _, v in out]), strict=True))
    return tuple(
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
            handoff_people=(
                felt_people.get((u, v), population * flow.edge_flow[(u, v)])
                if (u, v) in felt
                else None
            ),
            shown_share=shown.get((u, v), used[u][v]),
        )
        for u, v in ordered
    )


def _context(G: nx.DiGraph) -> JourneyContext:
    ctx = G.graph.get("context", {})
    return JourneyContext(
        summary=ctx.get("summary"),
        persona_name=ctx.get("persona_name"),
        persona_description=ctx.get("persona_description"),
        occasion=ctx.get("occasion"),
        offering=ctx.get("offering"),
        source=ctx.get("source"),
        start=G.graph["start"],
    )


def _described(
    G: nx.DiGraph, order: tuple[str, ...], back: frozenset[tuple[str, str]]
) -> tuple[tuple[AgencyInfo, ...], tuple[StageInfo, ...], tuple[ItemInfo, ...]]:
    """The agencies with their touchpoints, the stages with their first column, the data
    items with the touchpoints that ask for them (all in telling order)."""
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
    _, first = find_columns(G, order, back)
    info = G.graph.get("stage_info", {})
    stages = tuple(
        StageInfo(
            id=s,
            name=info.get(s, {}).get("name", s),
            description=info.get(s, {}).get("description"),
            column=first.get(s),
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
            asked_at=tuple(n for n in order if i in G.nodes[n]["asks"]),
        )
        for i, d in G.graph["data"].items()
    )
    return agencies, stages, items


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
    handoffs: tuple[Handoff, ...] | None = None,
) -> JourneyView:
    """The journey's words and shape as the Report carries them.

    Each arrow's ``share`` is the one the flow model used (alternatives' shares divided by
    their sum, :func:`~journeymap.analysis.flow.out_shares`), not the file's rounding.
    ``back_edges``: the loop-back arrows when the caller has found them already.

    ``handoff_edges``: the arrows that carry a handoff the person feels (default: every arrow
    between two agencies); ``exchange_edges``: arrows between agencies behind the scenes.
    ``handoffs``: the person-side handoff rows (found here when not given), whose people
    each handoff arrow carries as ``EdgeFlow.handoff_people``.
    """
    back = find_back_edges(G) if back_edges is None else back_edges
    order = find_order(G, back_edges=back)
    felt = (
        handoff_edges
        if handoff_edges is not None
        else frozenset(e for e in G.edges if G.edges[e]["handoff"])
    )
    rows = (
        handoffs
        if handoffs is not None
        else find_person_side(G, flow=flow, population=population).handoffs
    )
    edges = _edges(
        G,
        flow=flow,
        order=order,
        back=back,
        felt=felt,
        felt_people={(h.from_touchpoint, h.to_touchpoint): h.people for h in rows},
        population=population,
        paths=(critical_path, main_path),
        exchange_edges=exchange_edges,
    )
    # the fields in their order: context, order, back edges, arrows, then the journey's
    # agencies, stages and data items as described
    return JourneyView(_context(G), order, back, edges, *_described(G, order, back))
