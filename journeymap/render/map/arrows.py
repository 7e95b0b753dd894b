"""Arrow routes that never pass through a box.

Every node of the map sits in a column (a ``rank=same`` group: one position along the
flow), so the columns are bands along the flow with free gaps between them. An arrow from
column ``a`` to column ``b`` leaves its tail by the side facing ``b``, crosses each column
between them through a free slot (a gap between the boxes of that column, the one nearest
the straight line), and enters its head by the side facing ``a``. Inside a column band it
runs straight along the flow, at a height where that column has no box; between bands it
is an S-curve whose control points stay inside the gap. An arrow between two boxes of one
column turns in the gap after it. Where several arrows meet one side of a box they are
spread along it, ordered by where they go, so they do not sit on each other.

Coordinates are Graphviz's: points, y upwards. Along the flow is x for ``LR``, -y for ``TB``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Box", "route_arrows"]

_MARGIN = 5.0  # between an arrow and a box it passes
_SPREAD = 0.7  # the share of a box's side where arrows meet it
_NEAR = 7.0  # arrows passing one slot are kept this far apart
# a column band is taken this much wider along the flow than its boxes: Graphviz may size a
# box a little differently when it draws it than when it first measured it
_BAND_PAD = 4.0

Point = tuple[float, float]  # (along the flow, across the flow)


@dataclass(frozen=True, slots=True)
class Box:
    """A node in flow coordinates: centre along and across the flow, half sizes."""

    f: float
    c: float
    hf: float
    hc: float


@dataclass(frozen=True, slots=True)
class _Column:
    low: float  # the band along the flow
    high: float
    spans: tuple[tuple[float, float], ...]  # across the flow, taken by boxes (sorted)


def _columns(boxes: dict[str, Box]) -> tuple[list[_Column], dict[str, int]]:
    """Nodes grouped by their centre along the flow (one group a column), in flow order."""
    centres = sorted({round(b.f, 1) for b in boxes.values()})
    index = {f: i for i, f in enumerate(centres)}
    members: list[list[Box]] = [[] for _ in centres]
    of: dict[str, int] = {}
    for name, b in boxes.items():
        i = index[round(b.f, 1)]
        members[i].append(b)
        of[name] = i
    columns = [
        _Column(
            low=min(b.f - b.hf for b in group) - _BAND_PAD,
            high=max(b.f + b.hf for b in group) + _BAND_PAD,
            spans=tuple(sorted((b.c - b.hc, b.c + b.hc) for b in group if b.hc > 0.5)),
        )
        for group in members
    ]
    return columns, of


def _slot(column: _Column, ideal: float, used: list[float]) -> float:
    """A height across the flow where ``column`` has no box, nearest ``ideal``, not too near
    an arrow that already passes there."""
    free: list[tuple[float, float]] = []
    below = float("-inf")
    for lo, hi in column.spans:
        if lo - _MARGIN > below:
            free.append((below, lo - _MARGIN))
        below = max(below, hi + _MARGIN)
    free.append((below, float("inf")))
    best: float | None = None
    for lo, hi in free:
        for k in range(12):
            for sign in (1, -1):
                at = min(max(ideal + sign * k * _NEAR, lo), hi)
                if all(abs(at - u) >= _NEAR for u in used) or (k == 11 and sign == -1):
                    if best is None or abs(at - ideal) < abs(best - ideal):
                        best = at
                    break
            else:
                continue
            break
    assert best is not None
    used.append(best)
    return best


def _straight(p: Point, q: Point) -> list[Point]:
    return [
        (p[0] + (q[0] - p[0]) / 3, p[1] + (q[1] - p[1]) / 3),
        (p[0] + 2 * (q[0] - p[0]) / 3, p[1] + 2 * (q[1] - p[1]) / 3),
        q,
    ]


def _s_curve(p: Point, q: Point) -> list[Point]:
    mid = (p[0] + q[0]) / 2
    return [(mid, p[1]), (mid, q[1]), q]


def _path(waypoints: Sequence[tuple[Point, str]]) -> list[Point]:
    """Cubic control points through waypoints; each says how it is reached ("line" or "s")."""
    out = [waypoints[0][0]]
    for point, how in waypoints[1:]:
        if point == out[-1]:
            continue
        out += _s_curve(out[-1], point) if how == "s" else _straight(out[-1], point)
    return out


@dataclass(frozen=True, slots=True)
class Arrow:
    """An arrow to route: its id, tail and head node names, and arrowhead length."""

    id: str
    tail: str
    head: str
    arrow: float


def _ends(
    arrows: Sequence[Arrow], boxes: dict[str, Box], col: dict[str, int]
) -> dict[tuple[str, str], float]:
    """Where each arrow meets its tail and its head, across the flow: the arrows on one side
    of a box spread along it, ordered by where their other end is."""
    sides: dict[tuple[str, int], list[tuple[float, str, str]]] = {}
    for a in arrows:
        t, h = boxes[a.tail], boxes[a.head]
        forward = col[a.head] > col[a.tail]
        same = col[a.head] == col[a.tail]
        sides.setdefault((a.tail, 1 if forward or same else -1), []).append((h.c, a.id, "t"))
        sides.setdefault((a.head, -1 if forward else 1), []).append((t.c, a.id, "h"))
    at: dict[tuple[str, str], float] = {}
    for (name, _), items in sides.items():
        b = boxes[name]
        items.sort()
        for i, (_, arrow_id, end) in enumerate(items):
            share = (i + 1) / (len(items) + 1) - 0.5
            at[(arrow_id, end)] = b.c + share * 2 * b.hc * _SPREAD
    return at


def _route(
    a: Arrow,
    boxes: dict[str, Box],
    columns: list[_Column],
    col: dict[str, int],
    at: dict[tuple[str, str], float],
    used: dict[int, list[float]],
) -> tuple[list[Point], Point]:
    t, h = boxes[a.tail], boxes[a.head]
    ct, ch = at[(a.id, "t")], at[(a.id, "h")]
    i, j = col[a.tail], col[a.head]
    if i == j:  # both in one column: turn in the gap after it
        turn = columns[i].high + 3 * _MARGIN
        tip = (h.f + h.hf, ch)
        end = (tip[0] + a.arrow, ch)
        turned = [((t.f + t.hf, ct), ""), ((turn, ct), "line"), ((turn, ch), "line")]
        return _path([*turned, (end, "line")]), tip
    step = 1 if j > i else -1

    def edge(k: int, leaving: bool) -> float:
        c = columns[k]
        return (c.high if leaving else c.low) if step == 1 else (c.low if leaving else c.high)

    tip = (h.f - step * h.hf, ch)
    end = (tip[0] - step * a.arrow, ch)
    start = (t.f + step * t.hf, ct)
    way: list[tuple[Point, str]] = [(start, ""), ((edge(i, True), ct), "line")]
    span = j - i
    for k in range(i + step, j, step):
        ideal = ct + (ch - ct) * (k - i) / span
        c = _slot(columns[k], ideal, used.setdefault(k, []))
        way += [((edge(k, False), c), "s"), ((edge(k, True), c), "line")]
    entry = edge(j, False)
    entry = min(entry, end[0]) if step == 1 else max(entry, end[0])
    way += [((entry, ch), "s"), (end, "line")]
    return _path(way), tip


def route_arrows(
    boxes: dict[str, Box], arrows: Sequence[Arrow]
) -> dict[str, tuple[list[Point], Point]]:
    """Each arrow's cubic control points and arrowhead tip, in flow coordinates."""
    columns, col = _columns(boxes)
    at = _ends(arrows, boxes, col)
    used: dict[int, list[float]] = {}
    return {a.id: _route(a, boxes, columns, col, at, used) for a in arrows}


def graphviz_routes(nodes: dict[str, str], laid: dict[str, Any], direction: str) -> dict[str, str]:
    """The ``pos`` of every arrow of ``laid`` (a Graphviz JSON layout, for the node sizes
    and the arrows), with the nodes at ``nodes`` (name: "x,y")."""
    lr = direction == "LR"
    objects = laid.get("objects", [])
    names = {o["_gvid"]: o["name"] for o in objects if "_gvid" in o}
    boxes: dict[str, Box] = {}
    for o in objects:
        if o.get("name") in nodes and "width" in o:
            x, y = (float(v) for v in nodes[o["name"]].split(",")[:2])
            hw, hh = float(o["width"]) * 36, float(o["height"]) * 36
            boxes[o["name"]] = Box(x, y, hw, hh) if lr else Box(-y, x, hh, hw)
    arrows = [
        Arrow(
            id=str(e["id"]),
            tail=names[e["tail"]],
            head=names[e["head"]],
            arrow=10.0
            * float(e.get("arrowsize", 1))
            * (2 if "normalnormal" in str(e.get("arrowhead", "")) else 1),
        )
        for e in laid.get("edges", [])
        if "id" in e and names.get(e["tail"]) in boxes and names.get(e["head"]) in boxes
    ]
    out: dict[str, str] = {}
    for arrow_id, (points, tip) in route_arrows(boxes, arrows).items():
        shown = [(f, c) if lr else (c, -f) for f, c in [tip, *points]]
        out[arrow_id] = f"e,{shown[0][0]:.2f},{shown[0][1]:.2f} " + " ".join(
            f"{x:.2f},{y:.2f}" for x, y in shown[1:]
        )
    return out
