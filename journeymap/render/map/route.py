"""Arrows that go round the boxes, and arrow labels that cover nothing.

After the touchpoints are pinned (:mod:`.placement`), ``neato -n2`` with ``splines=true``
routes every arrow around every box (boxes are obstacles of its spline router). The labels
are then placed here, not by Graphviz: each label is a box (text extents estimated
conservatively, :func:`text_box`) put beside its arrow, as near the middle as it can go
without covering a box, any text or another label, and preferably no arrow either. The
final drawing is given every arrow's route and label position, so Graphviz draws exactly
what was checked.

Coordinates are Graphviz's: points, y upwards.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .placement import Placement

__all__ = [
    "CHAR_WIDTH",
    "LINE_HEIGHT",
    "Rect",
    "bezier_points",
    "place_labels",
    "routed",
    "text_box",
]

#: A conservative width of one character, as a share of the font size (Helvetica averages
#: about 0.55; the widest common glyphs of a label are digits and capitals).
CHAR_WIDTH = 0.6
#: The height of one line of text, as a share of the font size (Graphviz's line spacing).
LINE_HEIGHT = 1.2
_PAD = 3.0  # around a label's box
_CELL = 64.0  # the side of a cell of the spatial index

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 with x0 <= x1 and y0 <= y1


def text_box(x: float, y: float, text: str, size: float, align: str = "c") -> Rect:
    """The box of one line of text whose baseline starts, centres or ends at (x, y)
    (``align`` "l", "c" or "r"), y upwards: ascent 0.8 and descent 0.25 of the size."""
    width = len(text) * CHAR_WIDTH * size
    left = {"l": x, "r": x - width}.get(align, x - width / 2)
    return (left, y - 0.25 * size, left + width, y + 0.8 * size)


def _union(boxes: Iterable[Rect]) -> Rect | None:
    out: Rect | None = None
    for b in boxes:
        out = (
            b
            if out is None
            else (min(out[0], b[0]), min(out[1], b[1]), max(out[2], b[2]), max(out[3], b[3]))
        )
    return out


def _texts(ops: Sequence[dict[str, Any]]) -> Iterator[Rect]:
    """The text boxes of an xdot drawing (``_ldraw_``): font size from the last ``F``."""
    size = 14.0
    for op in ops:
        if op.get("op") == "F":
            size = float(op.get("size", size))
        elif op.get("op") == "T":
            x, y = (float(v) for v in op["pt"][:2])
            yield text_box(x, y, str(op.get("text", "")), size, str(op.get("align", "c")))


def bezier_points(pos: str, steps: int = 12) -> list[tuple[float, float]]:
    """Points along a Graphviz spline (``pos``: optional ``s,``/``e,`` ends, then 3n+1
    control points), ``steps`` a cubic piece, with the arrowheads' tips."""
    points: list[tuple[float, float]] = []
    ends: list[tuple[float, float]] = []
    for part in pos.split():
        if part[:2] in ("e,", "s,"):
            x, y = (float(v) for v in part[2:].split(",")[:2])
            ends.append((x, y))
            continue
        x, y = (float(v) for v in part.split(",")[:2])
        points.append((x, y))
    out: list[tuple[float, float]] = points[:1]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for k in range(1, steps + 1):
            t = k / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            out.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return out + ends


@dataclass(slots=True)
class _Index:
    """Boxes and points in a uniform grid, to ask quickly what a box would cover."""

    boxes: dict[tuple[int, int], list[Rect]] = field(default_factory=dict)
    points: dict[tuple[int, int], list[tuple[float, float]]] = field(default_factory=dict)

    @staticmethod
    def _cells(r: Rect) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(r[0] / _CELL), math.floor(r[2] / _CELL) + 1):
            for j in range(math.floor(r[1] / _CELL), math.floor(r[3] / _CELL) + 1):
                yield i, j

    def add_box(self, r: Rect) -> None:
        for c in self._cells(r):
            self.boxes.setdefault(c, []).append(r)

    def add_point(self, p: tuple[float, float]) -> None:
        self.points.setdefault((math.floor(p[0] / _CELL), math.floor(p[1] / _CELL)), []).append(p)

    def hits_box(self, r: Rect) -> bool:
        return any(
            b[0] < r[2] and r[0] < b[2] and b[1] < r[3] and r[1] < b[3]
            for c in self._cells(r)
            for b in self.boxes.get(c, ())
        )

    def hits_point(self, r: Rect) -> bool:
        return any(
            r[0] <= p[0] <= r[2] and r[1] <= p[1] <= r[3]
            for c in self._cells(r)
            for p in self.points.get(c, ())
        )


@dataclass(frozen=True, slots=True)
class _Label:
    edge: str
    half: tuple[float, float]  # half width, half height
    path: list[tuple[float, float]]


def _obstacles(laid: dict[str, Any]) -> Iterator[Rect]:
    """Every box and every piece of text on the map, except the arrows' labels."""
    yield from _texts(laid.get("_ldraw_", []))
    for o in laid.get("objects", []):
        yield from _texts(o.get("_ldraw_", []))
        if "pos" in o and "width" in o and "height" in o and o.get("style") != "invis":
            x, y = (float(v) for v in o["pos"].split(",")[:2])
            w, h = float(o["width"]) * 36, float(o["height"]) * 36
            if w > 0.5 and h > 0.5:
                yield (x - w, y - h, x + w, y + h)


def _label(edge: dict[str, Any]) -> _Label | None:
    size, lines = 14.0, []
    for op in edge.get("_ldraw_", []):
        if op.get("op") == "F":
            size = float(op.get("size", size))
        elif op.get("op") == "T":
            lines.append(str(op.get("text", "")))
    if not lines or "pos" not in edge:
        return None
    width = max(len(t) for t in lines) * CHAR_WIDTH * size
    height = len(lines) * LINE_HEIGHT * size
    return _Label(
        edge=str(edge.get("id", "")),
        half=(width / 2 + _PAD, height / 2 + _PAD),
        path=bezier_points(edge["pos"]),
    )


def _along(path: list[tuple[float, float]], share: float) -> tuple[float, float, float, float]:
    """The point at ``share`` of the path's length, and the unit normal there."""
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(path)]
    goal, walked = share * (sum(lengths) or 1.0), 0.0
    for (a, b), n in zip(itertools.pairwise(path), lengths, strict=True):
        if walked + n >= goal and n > 0:
            t = (goal - walked) / n
            dx, dy = (b[0] - a[0]) / n, (b[1] - a[1]) / n
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, dy, -dx
        walked += n
    return path[-1][0], path[-1][1], 0.0, 1.0


_SHARES = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)


def _candidates(label: _Label) -> Iterator[tuple[float, float]]:
    """Label centres beside the arrow, nearest the middle first, then further off."""
    hw, hh = label.half
    points = [_along(label.path, share) for share in _SHARES]
    for step in range(8):
        for x, y, nx, ny in points:
            if ny < 0 or (ny == 0 and nx < 0):
                nx, ny = -nx, -ny  # above (or right of) the line first
            clear = abs(nx) * hw + abs(ny) * hh + 2 + 10 * step
            yield x + nx * clear, y + ny * clear
            yield x - nx * clear, y - ny * clear


def _around(x: float, y: float) -> Iterator[tuple[float, float]]:
    """A widening ring of centres around a point (the last resort)."""
    for radius in range(20, 4000, 20):
        for k in range(24):
            angle = 2 * math.pi * k / 24
            yield x + radius * math.cos(angle), y + radius * math.sin(angle)


def _centred(half: tuple[float, float], c: tuple[float, float]) -> Rect:
    return (c[0] - half[0], c[1] - half[1], c[0] + half[0], c[1] + half[1])


def place_labels(laid: dict[str, Any]) -> dict[str, tuple[str, Rect]]:
    """Where each arrow's label goes (``lp``) and the box it takes, by edge id."""
    index = _Index()
    for obstacle in _obstacles(laid):
        index.add_box(obstacle)
    labels = [lab for e in laid.get("edges", []) if (lab := _label(e)) is not None]
    for e in laid.get("edges", []):
        if "pos" in e:
            for p in bezier_points(e["pos"], steps=24):
                index.add_point(p)
    # the biggest labels first: they have the fewest places to go
    labels.sort(key=lambda lab: -(lab.half[0] * lab.half[1]))
    out: dict[str, tuple[str, Rect]] = {}
    for label in labels:
        box = functools.partial(_centred, label.half)
        near = list(_candidates(label))
        mid = _along(label.path, 0.5)
        chosen = next(
            (c for c in near if not index.hits_box(box(c)) and not index.hits_point(box(c))), None
        )
        if chosen is None:
            chosen = next(
                (c for c in [*near, *_around(mid[0], mid[1])] if not index.hits_box(box(c))),
                near[0],
            )
        rect = box(chosen)
        index.add_box(rect)
        out[label.edge] = (f"{chosen[0]:.2f},{chosen[1]:.2f}", rect)
    return out


def routed(laid: dict[str, Any]) -> Placement:
    """Everything pinned where ``laid`` (the ``neato -n2`` run with ``splines=true``, which
    may have shifted the whole drawing) has it: nodes, lane boxes, every arrow's route, and
    every label where :func:`place_labels` puts it; the map's box grows to hold the labels."""
    labels = place_labels(laid)
    objects = laid.get("objects", [])
    edges: dict[str, tuple[str, str | None]] = {}
    for e in laid.get("edges", []):
        if "id" in e and "pos" in e:
            at = labels.get(e["id"])
            edges[e["id"]] = (e["pos"], at[0] if at else None)
    bb = tuple(float(v) for v in laid["bb"].split(","))
    grown = _union([(bb[0], bb[1], bb[2], bb[3]), *(r for _, r in labels.values())])
    assert grown is not None
    return Placement(
        nodes={o["name"]: o["pos"] for o in objects if "pos" in o},
        clusters={o["name"]: o["bb"] for o in objects if "bb" in o and "nodes" in o},
        edges=edges,
        bb=",".join(f"{v:.2f}" for v in grown),
        lp=laid.get("lp", ""),
    )
