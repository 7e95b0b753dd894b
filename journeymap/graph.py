"""The journey as a networkx graph: one node per touchpoint, one edge per ``next``.

``build_graph(journey)`` returns a :class:`networkx.DiGraph`. Analysis works on this graph
only, so users can run any networkx algorithm on it too. The graph schema (every attribute)
is documented here and nowhere else.

Graph attributes (``G.graph``)
------------------------------
``journey`` (str) id; ``title`` (str); ``start`` (str) id of the start touchpoint;
``population`` (int | None); ``agencies`` (dict id -> {name, level, department});
``stages`` (list of stage ids, in order); ``stage_info`` (dict id -> {name, description});
``data`` (dict item id -> {name, sensitive, government_issued, aliases}) for every item used;
``context`` (dict: summary, persona_name, persona_description, occasion, offering, source,
life_experience: the journey's own words, str | None each).

Node attributes (node key = touchpoint id)
------------------------------------------
``name``, ``agency``, ``stage`` (str | None), ``stage_index`` (int | None), ``order`` (int:
position in the file), ``channel``, ``lane`` (str | None), ``asks``, ``gives`` (tuple of data
ids), ``median_days``, ``p90_days``, ``mean_days`` (float | None), ``effort_hours``
(float | None), ``drop_off`` (float | None), ``outcome`` ("success" | "failure" | None; set on
ends only), ``split``, ``join``, ``milestone`` (bool: ``kind: milestone``), ``evidence``,
``source`` (str | None),
``satisfaction``, ``emotion`` (float | None), ``description`` (str | None), ``pain_points``,
``opportunities`` (tuple of str), ``forms`` (tuple of (id, omb, name)).

Edge attributes
---------------
``kind``: "sequence" (the only ``next``), "alternative" (one of several, by share) or
"parallel" (a branch of ``split: all``); ``share`` (float: the probability of taking the edge
for a person who goes on; 1.0 for sequence and parallel edges); ``wait_days`` (float | None);
``handoff`` (bool: the touchpoints belong to different agencies); ``boundary`` ("agency",
"department", "level" or None): the widest organisational boundary the handoff crosses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from .flowshape import immediate_post_dominators, reach
from .models import Journey, Touchpoint

__all__ = ["Block", "Regions", "build_graph", "find_blocks", "find_regions", "handoff_boundary"]


def handoff_boundary(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    """The widest boundary between two agencies' attribute dicts, or None for the same agency.

    "level" when their levels differ (federal -> state), else "department" when they are not
    known to share a department, else "agency".
    """
    if a is b or a.get("id") == b.get("id"):
        return None
    if a.get("level") and b.get("level") and a["level"] != b["level"]:
        return "level"
    if a.get("department") and a.get("department") == b.get("department"):
        return "agency"
    return "department"


def build_graph(journey: Journey) -> nx.DiGraph:
    """Build the journey graph (see the module docstring for every attribute).

    Examples
    --------
    >>> from journeymap import parse_journey
    >>> j = parse_journey('''{journeymap: 1, id: tiny, title: Tiny,
    ...   agencies: [{id: A, name: A}, {id: B, name: B}],
    ...   touchpoints: [{id: x, name: X, agency: A, next: y}, {id: y, name: Y, agency: B}]}''')
    >>> G = build_graph(j)
    >>> G.edges["x", "y"]["handoff"], G.nodes["y"]["outcome"]
    (True, 'success')
    """
    given: object = journey
    if not isinstance(given, Journey):
        from .exceptions import JourneymapTypeError

        shown = "None" if given is None else f"{type(given).__name__} {given!r:.40}"
        msg = f"journey must be a Journey (from load_journey or parse_journey), not {shown}"
        raise JourneymapTypeError(msg)
    agencies = {
        a.id: {
            "id": a.id,
            "name": a.name,
            "level": a.level.value if a.level else None,
            "department": a.department,
        }
        for a in journey.agencies
    }
    G = nx.DiGraph(
        journey=journey.id,
        title=journey.title,
        start=journey.start_touchpoint.id,
        population=journey.population,
        agencies=agencies,
        stages=[s.id for s in journey.stages],
        stage_info={s.id: {"name": s.name, "description": s.description} for s in journey.stages},
        data=_data_items(journey),
        context={
            "summary": journey.summary,
            "persona_name": journey.persona.name if journey.persona else None,
            "persona_description": journey.persona.description if journey.persona else None,
            "occasion": journey.occasion,
            "offering": journey.offering,
            "source": journey.source,
            "life_experience": journey.life_experience,
        },
    )
    stage_index = {s.id: i for i, s in enumerate(journey.stages)}
    for order, t in enumerate(journey.touchpoints):
        G.add_node(t.id, **_node_attributes(t, order, stage_index))
    for t in journey.touchpoints:
        _add_edges(G, journey, t, agencies)
    return G


def _data_items(journey: Journey) -> dict[str, dict[str, Any]]:
    """The graph's ``data``: every item the journey asks for or gives."""
    used = {item for t in journey.touchpoints for item in (*t.asks, *t.gives)}
    data = {}
    for item_id in sorted(used):
        item = journey.data_item(item_id)
        data[item_id] = {
            "name": item.name,
            "sensitive": item.sensitive,
            "government_issued": item.government_issued,
            "aliases": tuple(item.aliases),
        }
    return data


def _node_attributes(t: Touchpoint, order: int, stage_index: dict[str, int]) -> dict[str, Any]:
    """One node's attributes (the module docstring lists them)."""
    d = t.duration
    return {
        "name": t.name,
        "agency": t.agency,
        "stage": t.stage,
        "stage_index": stage_index.get(t.stage) if t.stage else None,
        "order": order,
        "channel": t.channel.value if t.channel else None,
        "lane": t.lane.value if t.lane else None,
        "asks": tuple(t.asks),
        "gives": tuple(t.gives),
        "median_days": d.median.days if d else None,
        "p90_days": d.p90.days if d and d.p90 else None,
        "mean_days": d.mean.days if d and d.mean else None,
        "effort_hours": t.effort.hours if t.effort else None,
        "drop_off": t.drop_off,
        "outcome": t.end_outcome.value if t.end_outcome else None,
        "split": t.split == "all",
        "join": t.join == "all",
        "milestone": t.kind == "milestone",
        "evidence": t.evidence.value if t.evidence else None,
        "source": t.source,
        "satisfaction": t.satisfaction,
        "emotion": t.emotion,
        "description": t.description,
        "pain_points": tuple(t.pain_points),
        "opportunities": tuple(t.opportunities),
        "forms": tuple((f.id, f.omb, f.name) for f in t.forms),
    }


def _add_edges(
    G: nx.DiGraph, journey: Journey, t: Touchpoint, agencies: dict[str, dict[str, Any]]
) -> None:
    """The arrows out of ``t``, with their kind, share, wait and handoff boundary."""
    if t.split == "all":
        kind = "parallel"
    elif len(t.next) > 1:
        kind = "alternative"
    else:
        kind = "sequence"
    for n in t.next:
        target = journey.touchpoint(n.to)
        boundary = handoff_boundary(agencies[t.agency], agencies[target.agency])
        G.add_edge(
            t.id,
            n.to,
            kind=kind,
            share=1.0 if kind != "alternative" or n.share is None else n.share,
            wait_days=n.wait.days if n.wait else None,
            handoff=boundary is not None,
            boundary=boundary,
        )


@dataclass(frozen=True)
class Block:
    """A parallel block: the split, its join, and the touchpoints of each branch."""

    split: str
    join: str
    branches: tuple[tuple[str, ...], ...]

    @property
    def members(self) -> frozenset[str]:
        return frozenset(n for branch in self.branches for n in branch)


def find_blocks(G: nx.DiGraph) -> tuple[Block, ...]:
    """The parallel blocks of the journey graph, innermost first.

    The join of a split is its immediate post-dominator (validation guarantees it carries
    ``join: all``); a branch is every touchpoint reachable from its first touchpoint without
    passing the join.
    """
    if not any(split for _, split in G.nodes(data="split")):
        return ()
    succ = {n: list(G.successors(n)) for n in G}
    ipdom = immediate_post_dominators(succ)
    order = G.nodes(data="order")
    blocks = []
    for node in sorted(G.nodes, key=order.__getitem__):
        join = ipdom.get(node)
        if not G.nodes[node]["split"] or join is None:
            continue
        heads = sorted(succ[node], key=order.__getitem__)
        members = (reach([head], succ, stop=join) for head in heads)
        blocks.append(
            Block(node, join, tuple(tuple(sorted(m, key=order.__getitem__)) for m in members))
        )
    blocks.sort(key=lambda b: len(b.members))
    return tuple(blocks)


@dataclass(frozen=True)
class Regions:
    """The journey cut into the regions solved one at a time, innermost first: each branch
    of each parallel block (key ``(split, branch number)``) and the rest (key None).

    ``direct[key]`` holds the touchpoints of a region that lie in no block nested in it, in
    file order; ``heads[key]`` is the touchpoint a branch starts at (empty branches, which go
    straight to the join, have none).
    """

    blocks: tuple[Block, ...]
    by_split: dict[str, Block]
    innermost: dict[str, tuple[Block, int]]
    direct: dict[tuple[str, int] | None, tuple[str, ...]]
    heads: dict[tuple[str, int], str]

    def branches(self, block: Block) -> list[tuple[tuple[str, int], str]]:
        """The key and head of every branch of ``block`` that is not empty."""
        keys = ((block.split, i) for i in range(len(block.branches)))
        return [(key, self.heads[key]) for key in keys if key in self.heads]


def find_regions(G: nx.DiGraph, blocks: tuple[Block, ...] | None = None) -> Regions:
    """The regions of the journey graph (``blocks``: those of :func:`find_blocks`)."""
    blocks = find_blocks(G) if blocks is None else blocks
    innermost: dict[str, tuple[Block, int]] = {}
    heads: dict[tuple[str, int], str] = {}
    for block in reversed(blocks):  # outermost first, so the innermost wins
        for i, branch in enumerate(block.branches):
            for node in branch:
                innermost[node] = (block, i)
            if branch:
                members = set(branch)
                heads[(block.split, i)] = next(n for n in G.successors(block.split) if n in members)
    direct: dict[tuple[str, int] | None, list[str]] = {}
    for node in sorted(G.nodes, key=lambda n: G.nodes[n]["order"]):
        place = innermost.get(node)
        direct.setdefault((place[0].split, place[1]) if place else None, []).append(node)
    return Regions(
        blocks,
        {b.split: b for b in blocks},
        innermost,
        {key: tuple(nodes) for key, nodes in direct.items()},
        heads,
    )
