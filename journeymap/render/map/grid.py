"""The placement of a big map: lanes stacked by hand, no Graphviz clusters.

Graphviz's crossing minimisation with clusters grows far faster than the map: a
2,000-touchpoint journey in 15 lanes takes minutes. Without clusters ``dot`` places the
same nodes in about a second, so for a big map ``dot`` runs once without them only to
measure the boxes and place the columns along the flow (every column is a ``rank=same``
group). Across the flow the lanes are then stacked here: in each lane, the boxes of one
column one above the other, each lane as tall as its fullest column. The result is pinned
and drawn by ``neato -n2`` with straight arrows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .placement import Placement

__all__ = ["Cell", "grid_place"]

_GAP = 18.0  # between boxes in one cell (points)
_PAD = 8.0  # inside a lane's box
_BAND_GAP = 10.0  # between lanes


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a node belongs: its band (a cluster name) and its column; ``stack`` is the
    group whose boxes share the cross-flow room (the band for row lanes, one group for
    stage lanes, which run along the flow)."""

    band: str
    column: int
    stack: str


def _boxes(laid: dict[str, Any]) -> dict[str, tuple[float, float, float, float]]:
    """Each laid-out node: centre x, centre y, width, height (points)."""
    out = {}
    for o in laid.get("objects", []):
        if "pos" in o and "width" in o:
            x, y = (float(v) for v in o["pos"].split(",")[:2])
            out[o["name"]] = (x, y, float(o["width"]) * 72, float(o["height"]) * 72)
    return out


def _cross(
    boxes: dict[str, tuple[float, float, float, float]],
    cells: dict[str, Cell],
    stacks: Sequence[str],
    lr: bool,
) -> dict[str, float]:
    """The cross-flow centre of every node: stacks one after the other, boxes of a cell
    one after the other inside their stack."""
    size = {n: (b[3] if lr else b[2]) for n, b in boxes.items()}
    members: dict[str, dict[int, list[str]]] = {s: {} for s in stacks}
    for name, cell in cells.items():
        if name in boxes:
            members[cell.stack].setdefault(cell.column, []).append(name)
    centre: dict[str, float] = {}
    cursor = 0.0
    for stack in stacks:
        columns = members[stack]
        depth = max(
            (sum(size[n] for n in names) + _GAP * (len(names) - 1) for names in columns.values()),
            default=0.0,
        )
        for names in columns.values():
            used = sum(size[n] for n in names) + _GAP * (len(names) - 1)
            at = cursor + _PAD + (depth - used) / 2
            for n in names:
                centre[n] = at + size[n] / 2
                at += size[n] + _GAP
        cursor += depth + 2 * _PAD + _BAND_GAP
    return centre


def _align(extent: dict[str, tuple[float, float, float, float]], rows: set[str], lr: bool) -> None:
    """Give the lanes that are rows (one stack each; not the header or the legend) one
    common length along the flow, as Graphviz would."""
    names = [n for n in rows if n in extent and n not in ("cluster_header", "cluster_legend")]
    if not names:
        return
    k = 0 if lr else 1  # the flow axis: x for LR, y for TB
    low = min(extent[n][k] for n in names)
    high = max(extent[n][k + 2] for n in names)
    for n in names:
        box = list(extent[n])
        box[k], box[k + 2] = low, high
        extent[n] = (box[0], box[1], box[2], box[3])


def grid_place(
    laid: dict[str, Any], cells: dict[str, Cell], stacks: Sequence[str], direction: str
) -> Placement:
    """Pin every node: along the flow where ``dot`` put it, across the flow stacked by
    ``stacks`` (top to bottom for ``LR``, left to right for ``TB``); a band's box is the
    box around its nodes."""
    lr = direction == "LR"
    boxes = _boxes(laid)
    centre = _cross(boxes, cells, stacks, lr)
    top = max(centre.values(), default=0.0) + 400.0
    nodes: dict[str, str] = {}
    placed: dict[str, tuple[float, float, float, float]] = {}
    for name, (x, y, w, h) in boxes.items():
        if name in centre:
            x, y = (x, top - centre[name]) if lr else (centre[name], y)
        placed[name] = (x, y, w, h)
        nodes[name] = f"{x:.2f},{y:.2f}"
    extent: dict[str, tuple[float, float, float, float]] = {}
    for name, cell in cells.items():
        if name in placed:
            x, y, w, h = placed[name]
            box = (x - w / 2 - _PAD, y - h / 2 - _PAD, x + w / 2 + _PAD, y + h / 2 + _PAD)
            old = extent.get(cell.band, box)
            extent[cell.band] = (
                min(old[0], box[0]),
                min(old[1], box[1]),
                max(old[2], box[2]),
                max(old[3], box[3]),
            )
    _align(extent, {c.band for c in cells.values() if c.stack == c.band}, lr)
    every = list(extent.values()) or [(0.0, 0.0, 0.0, 0.0)]
    llx = min(b[0] for b in every) - _PAD
    lly = min(b[1] for b in every) - _PAD
    urx = max(b[2] for b in every) + _PAD
    ury = max(b[3] for b in every) + _PAD
    lp, label_height = "", 0.0
    if laid.get("lp"):
        gllx, _, _, gury = (float(v) for v in laid["bb"].split(","))
        lp_x, lp_y = (float(v) for v in laid["lp"].split(","))
        label_height = 2 * (gury - lp_y)
        lp = f"{llx + (lp_x - gllx):.2f},{ury + label_height / 2:.2f}"
    return Placement(
        nodes=nodes,
        clusters={n: ",".join(f"{v:.2f}" for v in b) for n, b in extent.items()},
        edges={},
        bb=f"{llx:.2f},{lly:.2f},{urx:.2f},{ury + label_height:.2f}",
        lp=lp,
    )
