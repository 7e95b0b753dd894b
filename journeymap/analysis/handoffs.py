"""Handoffs as the person feels them, and the exchanges agencies make behind the scenes.

A **handoff** is the person being sent from one agency to another. Three kinds of touchpoint
are not places the person is sent to, so they are *transparent* here:

- a **milestone** (``kind: milestone``): a point reached ("settled as a citizen", the meeting
  point of parallel work), which belongs to no agency's counter;
- a **backstage** or **support** step (``lane: backstage`` / ``support``) and an **automated**
  one (``channel: automated``): work between agencies that the person does not do.

The person's side of the journey is the graph with transparent touchpoints passed through: an
arrow into a person-facing touchpoint *v* is a handoff when the person-facing touchpoint they
came from (through any transparent ones) belongs to another agency. Arrows into and out of
backstage, support and automated steps between two agencies are **exchanges** ("behind the
scenes"), counted separately. Arrows touching a milestone are neither.

One row per arrow: when people reach an arrow through a passed-through touchpoint from
several agencies, the row counts all who come from an agency other than the receiving one,
and names the agency most of them come from.

**Out of a parallel block** the person comes from the branch they finish last: each branch
takes its slowest path (the medians and waits the analysis uses, a nested block as its
slowest branch) and the slowest branch is the one people finish last (branches that tie
share the people equally). So the join (a milestone, or the step that waits for every
branch) is reached from that branch's agency, and only the arrow from that branch into a
person-facing join can be a handoff: the person dealt with the other agencies in parallel,
earlier, and was not sent from them (``docs/methods.md``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TypeVar

import networkx as nx

from ..graph import Block, handoff_boundary
from ..report import Exchange, Handoff
from .flow import Flow
from .structure import find_back_edges

__all__ = ["PersonSide", "find_exchanges", "find_person_side", "is_transparent"]

_BEHIND = frozenset({"backstage", "support"})


def is_transparent(G: nx.DiGraph, node: str) -> bool:
    """True for a milestone, a backstage or support step, or an automated step."""
    attrs = G.nodes[node]
    return bool(
        attrs.get("milestone") or attrs["lane"] in _BEHIND or attrs["channel"] == "automated"
    )


def _behind(G: nx.DiGraph, node: str) -> bool:
    attrs = G.nodes[node]
    return not attrs.get("milestone") and is_transparent(G, node)


@dataclass(frozen=True)
class PersonSide:
    """The felt handoffs of a journey, as rows and as the arrows that carry them."""

    handoffs: tuple[Handoff, ...]
    edges: frozenset[tuple[str, str]]


def _branch_days(
    G: nx.DiGraph, block: Block, members: tuple[str, ...], back: frozenset[tuple[str, str]]
) -> float:
    """The days of a branch's slowest path from the split to the join (medians and waits;
    arrows back to an earlier touchpoint left out)."""
    if not members:
        return float(G.edges[block.split, block.join]["wait_days"] or 0.0)
    inside = set(members)
    H = nx.DiGraph()
    H.add_nodes_from(["\0split", "\0join"])
    order = {n: G.nodes[n]["order"] for n in members}
    for u in sorted(members, key=order.__getitem__):
        here = float(G.nodes[u]["median_days"] or 0.0)
        if G.has_edge(block.split, u):
            H.add_edge("\0split", u, days=float(G.edges[block.split, u]["wait_days"] or 0.0))
        for v in G.successors(u):
            wait = float(G.edges[u, v]["wait_days"] or 0.0)
            if v == block.join:
                H.add_edge(u, "\0join", days=here + wait)
            elif v in inside and (u, v) not in back:
                H.add_edge(u, v, days=here + wait)
    if not nx.has_path(H, "\0split", "\0join"):
        return 0.0
    return float(nx.dag_longest_path_length(H, weight="days"))


def last_branches(
    G: nx.DiGraph, flow: Flow, back: frozenset[tuple[str, str]] | None = None
) -> dict[str, dict[str, tuple[float, float]]]:
    """For each join, each touchpoint it is reached from: the share of people at the join who
    come from it, and the probability that its branch is the one people finish last (module
    docstring)."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    if back is None:
        back = find_back_edges(G) if flow.blocks else frozenset()
    for block in flow.blocks:
        days = [_branch_days(G, block, members, back) for members in block.branches]
        slowest = max(days)
        last = [i for i, d in enumerate(days) if d >= slowest - 1e-9]
        found: dict[str, tuple[float, float]] = {}
        for i in last:
            members = set(block.branches[i]) or {block.split}
            into = [p for p in G.predecessors(block.join) if p in members]
            total = sum(flow.edge_flow[(p, block.join)] for p in into)
            for p in into:
                part = flow.edge_flow[(p, block.join)] / total if total > 0 else 1 / len(into)
                share, chance = found.get(p, (0.0, 0.0))
                found[p] = (share + part / len(last), chance + 1 / len(last))
        out[block.join] = found
    return out


def _origins(
    G: nx.DiGraph, flow: Flow, joins: dict[str, dict[str, tuple[float, float]]]
) -> dict[str, dict[str, float]]:
    """For each transparent touchpoint: the agencies of the person-facing touchpoints people
    come from (through other transparent ones), as parts of the flow into it.

    Walked with an explicit stack (any length of transparent chain); on a loop among
    transparent steps the people coming round again are left out of the mix.
    """
    out: dict[str, dict[str, float]] = {}
    order = {n: G.nodes[n]["order"] for n in G.nodes}
    for root in sorted(G.nodes, key=order.__getitem__):
        if root in out or not is_transparent(G, root):
            continue
        busy: set[str] = set()
        stack = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in out:
                continue
            preds = sorted(G.predecessors(node), key=order.__getitem__)
            if not ready:
                busy.add(node)
                stack.append((node, True))
                stack.extend(
                    (p, False)
                    for p in preds
                    if is_transparent(G, p) and p not in out and p not in busy
                )
                continue
            inflow = sum(flow.edge_flow[(p, node)] for p in preds)
            mix: dict[str, float] = {}
            for p in preds:
                weight = flow.edge_flow[(p, node)] / inflow if inflow > 0 else 0.0
                if node in joins:  # out of a parallel block: from the branch finished last
                    weight = joins[node].get(p, (0.0, 0.0))[0]
                source = out.get(p, {}) if is_transparent(G, p) else {G.nodes[p]["agency"]: 1.0}
                for agency, part in source.items():
                    mix[agency] = mix.get(agency, 0.0) + weight * part
            out[node] = mix
    return out


def _frontier(G: nx.DiGraph, start: str) -> frozenset[str]:
    """The agencies of the first person-facing steps of another agency that a person at
    ``start`` can reach while dealing only with ``start``'s agency (transparent steps passed
    through)."""
    there = G.nodes[start]["agency"]
    found: set[str] = set()
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in G.successors(node):
            if nxt in seen:
                continue
            if is_transparent(G, nxt) or G.nodes[nxt]["agency"] == there:
                seen.add(nxt)
                stack.append(nxt)
            else:
                found.add(G.nodes[nxt]["agency"])
    return frozenset(found)


R = TypeVar("R", Handoff, Exchange)


def ranked(rows: list[R]) -> tuple[R, ...]:
    """``rows`` (in file order) with their ``rank``: 1 for the most people, ties in file order."""
    order = sorted(range(len(rows)), key=lambda i: -rows[i].people)
    rank = {i: r for r, i in enumerate(order, start=1)}
    return tuple(dataclasses.replace(row, rank=rank[i]) for i, row in enumerate(rows))


def find_person_side(
    G: nx.DiGraph,
    *,
    flow: Flow,
    population: int,
    back_edges: frozenset[tuple[str, str]] | None = None,
) -> PersonSide:
    """The handoffs a person feels, in file order of the arrow's source (see the module)."""
    agencies = G.graph["agencies"]
    joins = last_branches(G, flow, back_edges)
    origins = _origins(G, flow, joins)
    frontiers: dict[str, frozenset[str]] = {}
    rows: list[Handoff] = []
    carried: set[tuple[str, str]] = set()
    edges = sorted(G.edges, key=lambda e: (G.nodes[e[0]]["order"], G.nodes[e[1]]["order"]))
    for u, v in edges:
        if is_transparent(G, v):
            continue
        to_agency = G.nodes[v]["agency"]
        sources = origins[u] if is_transparent(G, u) else {G.nodes[u]["agency"]: 1.0}
        if v in joins:  # into a join: only from the branch people finish last
            chance = joins[v].get(u, (0.0, 0.0))[1]
            sources = {a: part * chance for a, part in sources.items()}
        away = {a: part for a, part in sources.items() if a != to_agency and part > 0}
        if not away:
            continue
        # one row per arrow: the agency most of the people crossing come from names it
        from_agency = max(away, key=lambda a: (away[a], a == G.nodes[u]["agency"]))
        crossing = flow.edge_flow[(u, v)] * sum(away.values())
        a, b = agencies[from_agency], agencies[to_agency]
        carried.add((u, v))
        rows.append(
            Handoff(
                from_touchpoint=u,
                to_touchpoint=v,
                from_agency=from_agency,
                to_agency=to_agency,
                boundary=handoff_boundary(a, b) or "agency",  # type: ignore[arg-type]
                from_level=a["level"],
                to_level=b["level"],
                from_department=a["department"],
                to_department=b["department"],
                people=population * crossing,
                share_of_starters=crossing,
                wait_days=G.edges[u, v]["wait_days"],
                people_lost_after=population * crossing * float(G.nodes[v]["drop_off"] or 0),
                ping_pong=bool(set(away) & frontiers.setdefault(v, _frontier(G, v))),
                kind=G.edges[u, v]["kind"],
                via=(u,) if is_transparent(G, u) else (),
            )
        )
    return PersonSide(ranked(rows), frozenset(carried))


def find_exchanges(G: nx.DiGraph, *, flow: Flow, population: int) -> tuple[Exchange, ...]:
    """Arrows between two agencies into or out of a backstage, support or automated step."""
    out = []
    edges = sorted(G.edges, key=lambda e: (G.nodes[e[0]]["order"], G.nodes[e[1]]["order"]))
    for u, v in edges:
        a, b = G.nodes[u]["agency"], G.nodes[v]["agency"]
        if a == b or not (_behind(G, u) or _behind(G, v)):
            continue
        if G.nodes[u].get("milestone") or G.nodes[v].get("milestone"):
            continue
        crossing = flow.edge_flow[(u, v)]
        out.append(
            Exchange(
                from_touchpoint=u,
                to_touchpoint=v,
                from_agency=a,
                to_agency=b,
                people=population * crossing,
                share_of_starters=crossing,
            )
        )
    return ranked(out)
