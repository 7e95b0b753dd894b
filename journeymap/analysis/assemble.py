"""Pieces of the Report that gather several analyses: per-touchpoint rows, the handoff matrix."""

from __future__ import annotations

import networkx as nx

from ..report import DuplicateRequest, FormInfo, Handoff, Reissue, TouchpointFlow
from .flow import Flow
from .structure import find_back_edges
from .view import find_columns

__all__ = ["handoff_matrix", "touchpoint_flows"]

#: The graph node's attributes a :class:`~journeymap.report.TouchpointFlow` carries unchanged,
#: under the same name; every other field is computed (or defaulted) in :func:`touchpoint_flows`.
_AS_AUTHORED = (
    "name",
    "agency",
    "stage",
    "channel",
    "lane",
    "asks",
    "gives",
    "median_days",
    "p90_days",
    "mean_days",
    "effort_hours",
    "evidence",
    "satisfaction",
    "emotion",
    "source",
    "split",
    "join",
    "outcome",
)


def _items_by_touchpoint(
    duplicates: tuple[DuplicateRequest, ...], reissued: tuple[Reissue, ...]
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """Items asked again, asked again only when sent back, and re-requested after being issued,
    per touchpoint."""
    asks_again: dict[str, list[str]] = {}
    sent_back: dict[str, list[str]] = {}
    for dup in duplicates:
        for node in dup.asked_again_at:
            target = sent_back if node in dup.sent_back_at else asks_again
            target.setdefault(node, []).append(dup.item)
    reasks: dict[str, list[str]] = {}
    for r in reissued:
        for node in r.asked_at:
            reasks.setdefault(node, []).append(r.item)
    return asks_again, sent_back, reasks


def touchpoint_flows(
    G: nx.DiGraph,
    *,
    flow: Flow,
    population: int,
    position: dict[str, int],
    critical_path: tuple[str, ...] | None,
    main_path: tuple[str, ...],
    duplicates: tuple[DuplicateRequest, ...],
    reissued: tuple[Reissue, ...],
    back_edges: frozenset[tuple[str, str]] | None = None,
) -> tuple[list[TouchpointFlow], dict[str, float]]:
    """One row per touchpoint in file order, and the expected effort hours per agency."""
    pop = population
    on_path = set(critical_path or ())
    on_main = set(main_path)
    asks_again, sent_back, reasks = _items_by_touchpoint(duplicates, reissued)
    told = tuple(sorted(position, key=position.__getitem__))
    back = find_back_edges(G) if back_edges is None else back_edges
    column, _ = find_columns(G, told, back)
    by_agency: dict[str, float] = {}
    flows = []
    for node in sorted(G.nodes, key=lambda n: G.nodes[n]["order"]):
        a = G.nodes[node]
        visits = flow.visits[node]
        effort = visits * float(a["effort_hours"] or 0.0)
        if a["effort_hours"] is not None:
            by_agency[a["agency"]] = by_agency.get(a["agency"], 0.0) + effort
        flows.append(
            TouchpointFlow(
                **{key: a[key] for key in _AS_AUTHORED},
                touchpoint=node,
                expected_visits=visits,
                reach=flow.reach[node],
                arrivals=pop * visits,
                drop_off_rate=a["drop_off"],
                people_lost=pop * visits * float(a["drop_off"] or 0.0),
                expected_days=visits * float(a["median_days"] or 0.0),
                expected_effort_hours=effort,
                on_critical_path=node in on_path,
                asks_again=tuple(sorted(set(asks_again.get(node, [])))),
                reasks_issued=tuple(sorted(set(reasks.get(node, [])))),
                position=position[node],
                description=a.get("description"),
                pain_points=a.get("pain_points", ()),
                opportunities=a.get("opportunities", ()),
                forms=tuple(FormInfo(*f) for f in a.get("forms", ())),
                is_start=node == G.graph["start"],
                finishes=pop * flow.ends.get(node, 0.0),
                asks_when_sent_back=tuple(sorted(set(sent_back.get(node, [])))),
                on_main_path=node in on_main,
                milestone=bool(a.get("milestone")),
                column=column[node],
                reach_per_1000=1000 * flow.reach[node],
                lost_per_1000=1000 * visits * float(a["drop_off"] or 0.0),
            )
        )
    return flows, by_agency


def handoff_matrix(
    handoffs: tuple[Handoff, ...], agency_order: list[str]
) -> dict[str, dict[str, float]]:
    """People handed from each agency to each other per period, in the journey's agency order."""
    matrix: dict[str, dict[str, float]] = {}
    for h in handoffs:
        row = matrix.setdefault(h.from_agency, {})
        row[h.to_agency] = row.get(h.to_agency, 0.0) + h.people
    return {
        a: {b: matrix[a][b] for b in agency_order if b in matrix[a]}
        for a in agency_order
        if a in matrix
    }
