"""One number per fact: with an event log, every output shows the Report's number for a
touchpoint — the JSON, the text tables, the map drawn by `render`, the map and the story of
`report` — and `render` and `report` agree with each other."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from click.testing import CliRunner
from conftest import ROOT

from journeymap import fmt
from journeymap.cli import cli
from journeymap.render.labels import slug
from journeymap.render.text import render_json, render_text
from journeymap.study import EventOptions, analyze_file

EXAMPLES = ROOT / "examples" / "life_events"
LOG = EXAMPLES / "data" / "disaster-recovery-events.csv"

pytestmark = [
    pytest.mark.skipif(shutil.which("dot") is None, reason="needs the system Graphviz"),
    pytest.mark.filterwarnings(
        f"ignore::{XMLParsedAsHTMLWarning.__module__}.XMLParsedAsHTMLWarning"
    ),
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("one-number")
    journey = EXAMPLES / "disaster-recovery.yaml"
    runner = CliRunner()
    args = [str(journey), "--events", str(LOG)]
    for command, name in (("render", "map.svg"), ("report", "report.html")):
        result = runner.invoke(cli, [command, *args, "-o", str(out / name)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["analyze", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    text = runner.invoke(cli, ["analyze", *args, "--top", "20"])
    return {
        "svg": (out / "map.svg").read_text(encoding="utf-8"),
        "html": (out / "report.html").read_text(encoding="utf-8"),
        "json": result.output,
        "text": text.output,
    }


def _node_texts(svg: str) -> dict[str, str]:
    """The text of each touchpoint box of a map, by touchpoint id (from the node's class)."""
    soup = BeautifulSoup(svg, "html.parser")
    found: dict[str, str] = {}
    for group in soup.select("g.node"):
        title = group.find("title")
        ident = group.get("id") or ""
        if "touchpoint" not in (group.get("class") or []) or title is None:
            continue
        found[str(ident)] = " ".join(t.get_text() for t in group.find_all("text"))
    return found


def test_every_output_shows_the_reports_numbers(outputs: dict[str, str]) -> None:
    report = analyze_file(
        EXAMPLES / "disaster-recovery.yaml", events=EventOptions(paths=(str(LOG),))
    )
    assert report.observed is not None
    # JSON is the Report itself
    assert json.loads(outputs["json"]) == json.loads(render_json(report))
    # the text summary is the library's rendering of the same Report
    wide = analyze_file(
        EXAMPLES / "disaster-recovery.yaml", events=EventOptions(paths=(str(LOG),)), top=20
    )
    assert outputs["text"] == render_text(wide, top=20)
    html = BeautifulSoup(outputs["html"], "html.parser")
    story = {p["data-touchpoint"]: p.get_text(" ") for p in html.select("p[data-touchpoint]")}
    render_nodes = _node_texts(outputs["svg"])
    inline = html.find("svg")
    assert inline is not None
    report_nodes = _node_texts(str(inline))
    assert len(render_nodes) == len(report.touchpoints)
    for t in report.touchpoints:
        if t.median_days is None:
            continue
        shown = f"median {fmt.days(t.median_days)}" if t.median_days else "immediate"
        node = next(v for k, v in render_nodes.items() if k.endswith(f"tp-{slug(t.touchpoint)}"))
        inline_node = next(
            v for k, v in report_nodes.items() if k.endswith(f"tp-{slug(t.touchpoint)}")
        )
        assert shown in node, (t.touchpoint, node)
        assert shown in inline_node, (t.touchpoint, inline_node)
        if t.touchpoint in story and t.median_days > 0:
            assert f"takes {fmt.days(t.median_days)}" in story[t.touchpoint]
    for e in report.edges:
        if e.kind == "alternative":
            assert fmt.percent(e.share) in outputs["svg"]


def test_render_and_report_draw_the_same_map(outputs: dict[str, str]) -> None:
    html = BeautifulSoup(outputs["html"], "html.parser")
    inline = html.find("svg")
    assert inline is not None
    strip = re.compile(r"^map-")
    a = _node_texts(outputs["svg"])
    b = {strip.sub("", k): v for k, v in _node_texts(str(inline)).items()}
    assert a == b


def test_people_who_finish_at_an_end_are_one_number() -> None:
    """An end where 20 % still give up: 900 arrive, 720 finish. The story and the map both
    say 720, and the ends add up to the completions and failures."""
    from journeymap import analyze, parse_journey
    from journeymap.render.html import build_context
    from journeymap.render.map import to_dot

    report = analyze(
        parse_journey(
            """journeymap: 1
id: ending
title: Ending
agencies: [{id: A, name: Agency A}]
touchpoints:
  - {id: s, name: Start, agency: A, drop_off: 0.1, next: e}
  - {id: e, name: Done, agency: A, drop_off: 0.2}
"""
        )
    )
    end = report.touchpoint("e")
    assert (end.arrivals, end.finishes) == pytest.approx((900.0, 720.0))
    assert sum(t.finishes for t in report.touchpoints) == pytest.approx(
        report.metrics.completions + report.metrics.failures
    )
    story = " ".join(p for s in build_context(report).stages for p in s.paragraphs)
    assert "ends here in success for 720 of every 1,000 who start" in story
    assert "ends in success: 720 reach it" in to_dot(report).source
