"""Real renders with the system Graphviz ``dot``, parsed as XML (marked ``exe``)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, EXAMPLES
from test_render_dot import HOSTILE, VETERAN

from journeymap import analyze, load_journey, parse_journey
from journeymap.models import Journey
from journeymap.render.command import render_command
from journeymap.render.dot import render_map, write_map
from journeymap.render.labels import slug, wrap
from journeymap.report import Report

SVG = "{http://www.w3.org/2000/svg}"

pytestmark = [
    pytest.mark.exe,
    pytest.mark.skipif(
        shutil.which("dot") is None,
        reason="the system Graphviz 'dot' is not installed (apt-get install graphviz)",
    ),
]


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def _groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in _classes(g)]


def _check_svg(journey: Journey, report: Report, svg: bytes) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "map-title"
    assert root.get("aria-describedby") == "map-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id")) == (f"{SVG}title", "map-title")
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", "map-desc")
    assert title.text == f"Journey map: {' '.join(journey.title.split())}"
    nodes = {g.get("id"): g for g in _groups(root, "touchpoint")}
    assert set(nodes) == {f"tp-{slug(t.id)}" for t in journey.touchpoints}
    for t in journey.touchpoints:
        shown = " ".join(x.text or "" for x in nodes[f"tp-{slug(t.id)}"].iter(f"{SVG}text"))
        for line in wrap(t.name, width=26, max_lines=4):
            assert line in shown, (line, shown)
    assert len(_groups(root, "handoff")) == report.metrics.handoff_count
    used = [a.id for a in journey.agencies if any(t.agency == a.id for t in journey.touchpoints)]
    assert [g.get("id") for g in _groups(root, "agency")] == [f"agency-{slug(a)}" for a in used]
    return root


@pytest.fixture(scope="module")
def veteran() -> tuple[Journey, Report]:
    journey = parse_journey(VETERAN)
    return journey, analyze(journey)


def test_svg_has_every_touchpoint_and_handoff(veteran: tuple[Journey, Report]) -> None:
    journey, report = veteran
    root = _check_svg(journey, report, render_map(journey, report, engine="system"))
    handoff = next(g for g in _groups(root, "handoff") if g.get("id") == "handoff-decision--ui")
    assert _classes(handoff) == ["edge", "flow", "alternative", "handoff", "boundary-level"]
    texts = [t.text for t in handoff.iter(f"{SVG}text")]
    assert texts == ["75%", "handoff · 794 people", "wait 3 days"]
    decision = next(g for g in _groups(root, "touchpoint") if g.get("id") == "tp-decision")
    assert "bottleneck-1" in _classes(decision)
    legend = [g.get("id") for g in _groups(root, "legend-heat")]
    assert legend == [f"legend-heat-{i}" for i in range(5)]


def test_lanes_keep_their_order_top_to_bottom(veteran: tuple[Journey, Report]) -> None:
    journey, report = veteran
    root = ET.fromstring(render_map(journey, report, engine="system"))

    def top(g: ET.Element) -> float:
        ys = [float(t.get("y") or 0) for t in g.iter(f"{SVG}text")]
        for polygon in g.iter(f"{SVG}polygon"):
            ys += [float(p.split(",")[1]) for p in (polygon.get("points") or "").split()]
        return min(ys)

    lanes = sorted(_groups(root, "agency"), key=top)
    assert [g.get("id") for g in lanes] == ["agency-DOD", "agency-VA", "agency-DOL", "agency-STATE"]
    stage = _groups(root, "stage-header")[0]
    legend = _groups(root, "legend-heat")[0]
    assert top(stage) < top(lanes[0]) < top(lanes[-1]) < top(legend)


def test_hostile_names_render_to_valid_svg() -> None:
    journey = parse_journey(HOSTILE)
    report = analyze(journey)
    root = _check_svg(journey, report, render_map(journey, report, engine="system"))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert 'First "step" <i>ital</i> &' in texts
    assert "{a|b} C:\\new\\l end" in texts
    assert 'Agency "Quote"' in texts


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot"])
def test_same_input_gives_identical_bytes(veteran: tuple[Journey, Report], fmt: str) -> None:
    journey, report = veteran
    first = render_map(journey, report, format=fmt, engine="system")
    second = render_map(parse_journey(VETERAN), analyze(parse_journey(VETERAN)), format=fmt)
    if fmt == "pdf":  # PDF carries its creation time; compare everything else
        assert first[:8] == second[:8] == b"%PDF-1.5"
        assert len(first) == len(second)
    else:
        assert first == second


def test_png_and_pdf_are_written(veteran: tuple[Journey, Report], tmp_path: Path) -> None:
    journey, report = veteran
    png = write_map(journey, report, tmp_path / "map.png")
    pdf = write_map(journey, report, tmp_path / "map.pdf", lanes="blueprint", direction="TB")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.pdf", "map.png"]


@pytest.mark.parametrize(
    "path", [*EXAMPLES, DATA / "contract-example.yaml"], ids=lambda p: Path(p).stem
)
def test_every_example_renders(path: Path, tmp_path: Path) -> None:
    journey = load_journey(path)
    report = analyze(journey)
    out = write_map(journey, report, tmp_path / "map.svg")
    _check_svg(journey, report, out.read_bytes())


def test_cli_render_png(tmp_path: Path) -> None:
    source = tmp_path / "veteran.yaml"
    source.write_text(VETERAN, encoding="utf-8")
    out = tmp_path / "veteran.png"
    result = CliRunner().invoke(
        render_command, [str(source), "-o", str(out), "--top", "5"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.output == f"{out}: map of 10 touchpoints in 4 agencies (png, system Graphviz)\n"
    assert out.read_bytes()[:4] == b"\x89PNG"
