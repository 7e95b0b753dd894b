"""The second pass: lanes moved, whole, to their places across the flow.

``dot`` draws good columns and good edges inside a lane, but its crossing minimisation
reorders whole clusters freely (invisible edges between clusters of one rank are ignored).
The lanes are disjoint bands across the flow, so after a first ``dot`` run (JSON output)
each band is moved rigidly to its slot and the nodes are pinned there; every arrow is then
routed again, round the boxes, by ``neato -n2`` (``nop2``, see :mod:`.route`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Placement", "band_order", "pin", "place"]

_BAND_GAP = 10.0


@dataclass(frozen=True, slots=True)
class Placement:
    """Final positions (points): nodes, cluster boxes, and edges (spline, label position)."""

    nodes: dict[str, str]
    clusters: dict[str, str]
    edges: dict[str, tuple[str, str | None]]
    bb: str
    lp: str


def _lane_number(name: str) -> int:
    tail = name.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def band_order(laid: dict[str, Any]) -> list[str]:
    """The clusters of a laid-out map in their order across the flow: the stage header,
    the lanes by number, the legend last."""
    return sorted(
        (
            o["name"]
            for o in laid.get("objects", [])
            if str(o.get("name", "")).startswith("cluster_")
        ),
        key=lambda n: (n != "cluster_header", n == "cluster_legend", _lane_number(n)),
    )


def _shift(points: str, dx: float, dy: float) -> str:
    out = []
    for part in points.split():
        prefix = ""
        if part[:2] in ("e,", "s,"):
            prefix, part = part[:2], part[2:]
        x, y = (float(v) for v in part.split(",")[:2])
        out.append(f"{prefix}{x + dx:.2f},{y + dy:.2f}")
    return " ".join(out)


def _deltas(
    boxes: dict[str, list[float]], order: Sequence[str], direction: str
) -> dict[str, tuple[float, float]]:
    bands = [n for n in order if n in boxes]
    delta: dict[str, tuple[float, float]] = {}
    if not bands:
        return delta
    if direction == "LR":
        cursor = max(boxes[n][3] for n in bands)
        for n in bands:
            _, lly, _, ury = boxes[n]
            delta[n] = (0.0, cursor - ury)
            cursor -= ury - lly + _BAND_GAP
    else:
        cursor = min(boxes[n][0] for n in bands)
        for n in bands:
            llx, _, urx, _ = boxes[n]
            delta[n] = (cursor - llx, 0.0)
            cursor += urx - llx + _BAND_GAP
    return delta


def place(
    laid: dict[str, Any], order: Sequence[str], direction: str, *, move: bool = True
) -> Placement:
    """Move each band (a top-level cluster) of Graphviz's JSON layout to its slot in
    ``order`` (:func:`band_order`); with ``move`` False, keep every band where it is (the
    nodes and cluster boxes are only read). Edges are left to be routed (:mod:`.route`)."""
    clusters = {o["name"]: o for o in laid.get("objects", []) if "bb" in o and "nodes" in o}
    band_of: dict[int, str] = {}
    for name, cluster in clusters.items():
        for gvid in cluster.get("nodes", []):
            band_of.setdefault(gvid, name)
    boxes = {n: [float(v) for v in c["bb"].split(",")] for n, c in clusters.items()}
    delta = _deltas(boxes, order, direction) if move else dict.fromkeys(boxes, (0.0, 0.0))
    nodes: dict[str, str] = {}
    for obj in laid.get("objects", []):
        if "pos" in obj:
            dx, dy = delta.get(band_of.get(obj["_gvid"], ""), (0.0, 0.0))
            nodes[obj["name"]] = _shift(obj["pos"], dx, dy)
    moved = {
        n: (b[0] + delta[n][0], b[1] + delta[n][1], b[2] + delta[n][0], b[3] + delta[n][1])
        for n, b in boxes.items()
        if n in delta
    }
    gllx, glly, gurx, gury = (float(v) for v in laid["bb"].split(","))
    if moved:
        low = min(b[1] for b in boxes.values())
        glly = min(b[1] for b in moved.values()) - (low - glly)
        right = max(b[2] for b in boxes.values())
        gurx = max(b[2] for b in moved.values()) + (gurx - right)
    return Placement(
        nodes=nodes,
        clusters={n: ",".join(f"{v:.2f}" for v in b) for n, b in moved.items()},
        edges={},
        bb=f"{gllx:.2f},{glly:.2f},{gurx:.2f},{gury:.2f}",
        lp=laid.get("lp", ""),
    )


def pin(block: Any, placement: Placement) -> None:
    """Give a cluster's box and nodes their final positions (for Graphviz's ``nop2``)."""
    name = block.name
    if name in placement.clusters:
        block.attr(bb=placement.clusters[name])
    pinned = []
    for line in block.body:
        if "->" in line and "style=invis" in line:
            continue
        match = re.match(r'\t"?([^"\s]+)"? \[', line)
        if match and match.group(1) in placement.nodes:
            pos = placement.nodes[match.group(1)]
            line = line.replace(" [", f' [pos="{pos}" ', 1)
        pinned.append(line)
    block.body[:] = pinned
