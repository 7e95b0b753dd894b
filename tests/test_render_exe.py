"""Real renders with the system Graphviz ``dot``, parsed as XML (marked ``exe``)."""

from __future__ import annotations

import importlib
import itertools
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES
from test_render_dot import HOSTILE, VETERAN

from journeymap import analyze, load_journey, parse_journey
from journeymap.exceptions import MapRenderError
from journeymap.models import Journey
from journeymap.render.labels import slug, wrap
from journeymap.render.map import MapOptions, render_map, to_dot, write_map
from journeymap.render.map import graphviz as backends
from journeymap.report import Report

SVG = "{http://www.w3.org/2000/svg}"
# the module (the package re-exports a function of the same name)
map_build = importlib.import_module("journeymap.render.map.build")

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
    root = _check_svg(journey, report, render_map(report, MapOptions(engine="system")))
    handoff = next(g for g in _groups(root, "handoff") if g.get("id") == "handoff-decision--ui")
    assert _classes(handoff) == ["edge", "flow", "alternative", "handoff", "boundary-level"]
    texts = [t.text for t in handoff.iter(f"{SVG}text")]
    assert texts == ["75%", "handoff · 794 people", "wait 3 days"]
    decision = next(g for g in _groups(root, "touchpoint") if g.get("id") == "tp-decision")
    assert "bottleneck-1" in _classes(decision)
    legend = [g.get("id") for g in _groups(root, "legend-heat")]
    assert legend == [f"legend-heat-{i}" for i in range(5)]


def test_lanes_keep_their_order_top_to_bottom(veteran: tuple[Journey, Report]) -> None:
    _, report = veteran
    root = ET.fromstring(render_map(report, MapOptions(engine="system")))

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
    root = _check_svg(journey, report, render_map(report, MapOptions(engine="system")))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert 'First "step" <i>ital</i> &' in texts
    assert "{a|b} C:\\new\\l end" in texts
    assert 'Agency "Quote"' in texts


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot"])
def test_same_input_gives_identical_bytes(veteran: tuple[Journey, Report], fmt: str) -> None:
    _, report = veteran
    first = render_map(report, MapOptions(engine="system"), format=fmt)
    second = render_map(analyze(parse_journey(VETERAN)), format=fmt)
    if fmt == "pdf":  # PDF carries its creation time; compare everything else
        assert first[:8] == second[:8] == b"%PDF-1.5"
        assert len(first) == len(second)
    else:
        assert first == second


def test_png_and_pdf_are_written(veteran: tuple[Journey, Report], tmp_path: Path) -> None:
    _, report = veteran
    assert write_map(report, tmp_path / "map.png") == "system"
    options = MapOptions(lanes="blueprint", direction="TB")
    assert write_map(report, tmp_path / "map.pdf", options) == "system"
    assert write_map(report, tmp_path / "map.gv") == "none"
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "map.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "map.gv").read_text(encoding="utf-8") == to_dot(report).source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.gv", "map.pdf", "map.png"]


@pytest.mark.parametrize(
    "path", [*EXAMPLES, DATA / "contract-example.yaml"], ids=lambda p: Path(p).stem
)
def test_every_example_renders(path: Path, tmp_path: Path) -> None:
    journey = load_journey(path)
    report = analyze(journey)
    assert write_map(report, tmp_path / "map.svg") == "system"
    _check_svg(journey, report, (tmp_path / "map.svg").read_bytes())


def test_cli_render_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from journeymap.cli import main

    source = tmp_path / "veteran.yaml"
    source.write_text(VETERAN, encoding="utf-8")
    out = tmp_path / "veteran.png"
    with pytest.raises(SystemExit) as exit_info:
        main(["render", str(source), "-o", str(out), "--top", "5"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == (
        f"{out}: map of 10 touchpoints in 4 agencies (png, system Graphviz)\n"
    )
    assert out.read_bytes()[:4] == b"\x89PNG"


def _box(g: ET.Element) -> tuple[float, float, float, float]:
    """The bounding box of a group's polygons and texts (SVG coordinates, y down)."""
    xs: list[float] = []
    ys: list[float] = []
    for polygon in g.iter(f"{SVG}polygon"):
        for point in (polygon.get("points") or "").split():
            x, y = point.split(",")
            xs.append(float(x))
            ys.append(float(y))
    for path in g.iter(f"{SVG}path"):
        for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path.get("d") or ""):
            xs.append(float(x))
            ys.append(float(y))
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_a_big_map_is_placed_on_a_grid_with_lanes_in_order(
    veteran: tuple[Journey, Report], monkeypatch: pytest.MonkeyPatch, direction: str
) -> None:
    journey, report = veteran
    monkeypatch.setattr(map_build, "BIG_MAP", 5)  # the veteran's 10 touchpoints are "big"
    assert map_build.scale_for(report, MapOptions()).passes == "grid"
    svg = render_map(report, MapOptions(engine="system", direction=direction))
    root = _check_svg(journey, report, svg)
    lanes = {g.get("id"): _box(g) for g in _groups(root, "agency")}
    order = ["agency-DOD", "agency-VA", "agency-DOL", "agency-STATE"]
    k = 1 if direction == "LR" else 0  # lanes are stacked down (LR) or across (TB)
    starts = [lanes[i][k] for i in order]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(order):
        assert lanes[a][k + 2] < lanes[b][k]  # lanes never overlap
    for node in _groups(root, "touchpoint"):
        lane = lanes[f"agency-{next(c for c in _classes(node) if c.startswith('agency-'))[7:]}"]
        x0, y0, x1, y1 = _box(node)
        assert lane[0] <= x0 and x1 <= lane[2] and lane[1] <= y0 and y1 <= lane[3]


def test_graphviz_that_runs_too_long_is_stopped(
    veteran: tuple[Journey, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, report = veteran
    monkeypatch.setattr(backends, "TIMEOUT_SECONDS", 0.000001)
    with pytest.raises(MapRenderError) as err:
        render_map(report, MapOptions(engine="system"))
    assert str(err.value) == (
        "Graphviz did not finish the map within 1e-06 s and was stopped: draw the journey as "
        "DOT source (a .dot file) or with lanes 'stage', or split it"
    )


_STOPPED = (
    "Graphviz did not finish the map within {} s and was stopped: draw the journey as DOT "
    "source (a .dot file) or with lanes 'stage', or split it"
)


def test_the_time_limit_covers_every_run_of_one_map(veteran: tuple[Journey, Report]) -> None:
    """``MapOptions.timeout`` is the time for the whole map (three runs of Graphviz), not for
    each run: a limit of 0.05 s is spent by the first run's start-up."""
    _, report = veteran
    with pytest.raises(backends.MapTimeoutError) as err:
        render_map(report, MapOptions(engine="system", timeout=0.05))
    assert str(err.value) == _STOPPED.format("0.05")
    assert isinstance(err.value, MapRenderError)


def test_a_report_whose_map_runs_out_of_time_is_still_written(
    veteran: tuple[Journey, Report], tmp_path: Path
) -> None:
    """The page is written at once, with the map's table (open) and a note saying why."""
    import time

    from bs4 import BeautifulSoup

    from journeymap.render.html import write_narrative

    _, report = veteran
    started = time.monotonic()
    why = write_narrative(report, tmp_path / "r.html", map_options=MapOptions(timeout=1e-6))
    assert time.monotonic() - started < 10
    assert why == _STOPPED.format("1e-06")
    page = BeautifulSoup((tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    section = page.find("section", id="map")
    assert section is not None and section.find("svg") is None
    assert section.find("p").get_text() == (
        f"This copy has no map ({why}); the table below lists every step."
    )
    details = section.find("details")
    assert details.has_attr("open")
    assert len(details.find_all("tr")) == 1 + len(report.touchpoints)


def test_report_command_writes_the_page_when_graphviz_runs_out_of_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from journeymap.cli import cli

    monkeypatch.setattr(backends, "TIMEOUT_SECONDS", 1e-6)
    out, journey = tmp_path / "r.html", tmp_path / "veteran.yaml"
    journey.write_text(VETERAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(journey), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert result.stderr == f"warning: the report has no map: {_STOPPED.format('1e-06')}\n"
    assert "Traceback" not in result.output
