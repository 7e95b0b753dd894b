"""One number per fact: with an event log, every output shows the Report's number for a
touchpoint — the JSON, the text tables, the map drawn by `render`, the map and the story of
`report` — and `render` and `report` agree with each other; on generated journeys of every
shape (parallel blocks, milestones, backstage steps, loops; with and without an event log),
every number each face shows for a touchpoint or an arrow is the Report's."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import shaped_journeys, walk_cases

from journeymap import fmt
from journeymap.cli import cli
from journeymap.render.labels import slug
from journeymap.render.text import render_json, render_text
from journeymap.report import EdgeFlow, Report, TouchpointFlow
from journeymap.study import EventOptions, analyze_file

EXAMPLES = ROOT / "examples" / "life_events"
LOG = EXAMPLES / "data" / "disaster-recovery-events.csv"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs the system Graphviz")
pytestmark = [
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


@needs_dot
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


@needs_dot
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


# -- one number per fact, on generated journeys -------------------------------------------
#
# Every number the map (DOT source), the story and the map's table and the funnel of the
# HTML narrative, the text and Markdown summaries and the JSON show for a touchpoint or an
# arrow is the Report's, formatted the one way (journeymap.fmt and render.phrases): each
# phrase below is looked for verbatim, and a label or paragraph may hold no other number.

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def _labels(source: str) -> dict[str, str]:
    """The label of every node and arrow of a DOT source by its SVG id, line breaks and
    record escapes taken out (a wrapped phrase reads as one line)."""
    found: dict[str, str] = {}
    for line in source.splitlines():
        ident = re.search(r'\bid="([^"]+)"', line)
        label = re.search(r'\blabel="((?:[^"\\]|\\.)*)"', line)
        if ident and label and ("tp-" in ident.group(1) or "--" in ident.group(1)):
            text = re.sub(r"\\[nl]", " ", label.group(1))
            text = re.sub(r"\\([{}|<>\"\\])", r"\1", text.replace("|", " | "))
            found[ident.group(1)] = re.sub(r"\s+", " ", text).strip()
    return found


def _contains(text: str, phrases: list[str], where: object) -> None:
    for phrase in phrases:
        assert phrase in text, (where, phrase, text)
    allowed = {n for p in phrases for n in _numbers(p)}
    assert set(_numbers(text)) <= allowed, (where, sorted(set(_numbers(text)) - allowed), text)


def _node_phrases(report: Report, t: TouchpointFlow, top: int) -> list[str]:
    from journeymap.render.phrases import duration_fact

    pop = fmt.people(report.metrics.population)
    b = next((b for b in report.bottlenecks if b.touchpoint == t.touchpoint), None)
    out = []
    if b is not None and b.rank <= top:
        out.append(f"#{b.rank} bottleneck · {fmt.percent(b.share)} of time")
    duration = duration_fact(t.median_days)
    out += [duration] if duration else []
    if t.drop_off_rate:
        out.append(
            f"drop-off {fmt.percent(t.drop_off_rate)} · {fmt.people(t.people_lost)} people lost"
        )
    if t.is_start:
        out.append(f"start: {pop} people")
    if t.outcome:
        out.append(f"ends in {t.outcome}: {fmt.people(t.finishes)} reach it")
    return out


def _edge_phrases(e: EdgeFlow) -> list[str]:
    out = []
    if e.kind == "alternative":
        out.append(fmt.percent(e.shown_share))
    if e.handoff:
        assert e.handoff_people is not None
        out.append(f"handoff · {fmt.people(e.handoff_people)} people")
    if e.wait_days is not None:
        out.append(f"wait {fmt.days(e.wait_days)}")
    return out


def _story_phrases(report: Report, t: TouchpointFlow) -> list[str]:
    """What the story must say about a touchpoint, number by number."""
    pop = fmt.people(report.metrics.population)
    out = []
    if t.median_days:
        out.append(f"This usually takes {fmt.days(t.median_days)}")
        if t.p90_days is not None:
            out.append(f"1 in 10 people wait more than {fmt.days(t.p90_days)}")
    if t.effort_hours:
        out.append(f"{fmt.hours(t.effort_hours)} of their own time")
    if t.drop_off_rate:
        out.append(
            f"About {fmt.percent(t.drop_off_rate)} of the people who get here give up "
            f"({fmt.people(t.people_lost)} of every {pop} who start)"
        )
    if t.outcome:
        word = "in success" if t.outcome == "success" else "without success"
        out.append(f"ends here {word} for {fmt.people(t.finishes)} of every {pop} who start")
    into = [e for e in report.edges if e.target == t.touchpoint and not e.loop_back]
    if len(into) == 1 and into[0].kind == "alternative" and into[0].share < 0.995:
        out.append(f"({fmt.percent(into[0].shown_share)} of those who go on from")
    for e in report.edges:
        if e.source != t.touchpoint:
            continue
        if e.kind == "alternative":
            out.append(fmt.percent(e.shown_share))
            if e.loop_back:
                out.append(f"sends people back {fmt.people(e.people)} times for every {pop}")
        if e.wait_days:
            out.append(f"There is usually a wait of {fmt.days(e.wait_days)} before")
    return out


def _check_map(report: Report) -> None:
    from journeymap.render.map import MapOptions, to_dot

    for lanes in ("agency", "stage"):
        options = MapOptions(lanes=lanes, top=2)  # type: ignore[arg-type]
        source = to_dot(report, options).source
        assert source == to_dot(report, options).source  # same Report, same bytes
        labels = _labels(source)
        for t in report.touchpoints:
            _contains(labels[f"tp-{slug(t.touchpoint)}"], _node_phrases(report, t, 2), t)
        for e in report.edges:
            kind = "handoff" if e.handoff else "edge"
            label = labels.get(f"{kind}-{slug(e.source)}--{slug(e.target)}", "")
            _contains(label, _edge_phrases(e), e)


def _check_story(report: Report) -> None:
    from journeymap.render.html import build_context

    context = build_context(report)
    told = {
        tid: paragraph
        for s in context.stages
        for tid, paragraph in zip(s.touchpoints, s.paragraphs, strict=True)
    }
    for t in report.touchpoints:
        _contains(told[t.touchpoint], _story_phrases(report, t), t.touchpoint)
    rows = {r["id"]: r for r in context.map_rows}
    bars = {b.label.split(" ")[0]: b for b in context.funnel}
    for t in report.touchpoints:
        row = rows[t.touchpoint]
        assert row["median"] == (fmt.days(t.median_days) if t.median_days is not None else "")
        assert row["drop_off"] == (fmt.percent(t.drop_off_rate) if t.drop_off_rate else "")
        assert row["lost"] == (fmt.people(t.people_lost) if t.people_lost else "")
        shares = [
            f"{e.target} ({fmt.percent(e.shown_share)})" if e.kind == "alternative" else e.target
            for e in report.edges
            if e.source == t.touchpoint
        ]
        assert row["next"] == ", ".join(shares)
        assert (bars[t.touchpoint].people, bars[t.touchpoint].lost) == (
            fmt.people(t.reach_per_1000),
            fmt.people(t.lost_per_1000),
        )


def _check_text_and_json(report: Report) -> None:
    from journeymap.render.text import render_markdown

    text, markdown = render_text(report, top=100), render_markdown(report, top=100)
    for h in report.handoffs:
        edge = report.edge(h.from_touchpoint, h.to_touchpoint)
        assert edge.handoff and edge.handoff_people == h.people  # the map's number is the table's
        arrow = f"{h.from_touchpoint} → {h.to_touchpoint}"
        row = next(line for line in text.splitlines() if line.startswith(f"  {arrow}  "))
        cells = row.split("  ")  # columns are two spaces apart; the people column is the 4th
        assert [c.strip() for c in cells if c.strip()][3] == fmt.people(h.people), (row, h)
        md = next(line for line in markdown.splitlines() if line.startswith(f"| {arrow} |"))
        assert md.split(" | ")[3] == fmt.people(h.people), (md, h)
    assert {(h.from_touchpoint, h.to_touchpoint) for h in report.handoffs} == {
        (e.source, e.target) for e in report.edges if e.handoff
    }
    for d in report.drop_off:
        t = report.touchpoint(d.touchpoint)
        assert (d.rate, d.people_lost, d.arrivals) == (t.drop_off_rate, t.people_lost, t.arrivals)
        if d.people_lost > 0:
            cells = " | ".join(
                (fmt.percent(d.rate), fmt.people(d.arrivals), fmt.people(d.people_lost))
            )
            assert cells in markdown, (cells, d)
    doc = json.loads(render_json(report))
    for t, plain in zip(report.touchpoints, doc["touchpoints"], strict=True):
        for name in ("median_days", "drop_off_rate", "people_lost", "finishes", "column"):
            assert plain[name] == getattr(t, name)
        assert plain["reach_per_1000"] == pytest.approx(1000 * t.reach, rel=1e-11)
    for e, plain in zip(report.edges, doc["edges"], strict=True):
        assert (plain["handoff_people"], plain["shown_share"]) == (e.handoff_people, e.shown_share)


def _check_shares(report: Report) -> None:
    """A touchpoint's alternatives as shown add up to 100 % when their shares make a whole."""
    groups: dict[str, list[EdgeFlow]] = {}
    for e in report.edges:
        if e.kind == "alternative":
            groups.setdefault(e.source, []).append(e)
    for out in groups.values():
        if abs(sum(e.share for e in out) - 1) < 1e-6:
            assert sum(float(fmt.percent(e.shown_share)[:-1]) for e in out) == pytest.approx(100)


def _check_all(report: Report) -> None:
    _check_shares(report)
    _check_map(report)
    _check_story(report)
    _check_text_and_json(report)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(shaped_journeys())
def test_every_face_shows_the_reports_numbers(doc: dict[str, Any]) -> None:
    from journeymap import analyze, parse_journey

    _check_all(analyze(parse_journey(yaml.safe_dump(doc, sort_keys=False))))


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(shaped_journeys(), st.lists(st.integers(0, 50), min_size=1, max_size=30))
def test_every_face_shows_the_observed_numbers(doc: dict[str, Any], choices: list[int]) -> None:
    """With an event log, the numbers every face shows are the observed ones the Report
    holds (``min_cell`` 1, so that the few generated cases replace the authored numbers)."""
    from journeymap import analyze, parse_journey
    from journeymap.events import read_event_log

    journey = parse_journey(yaml.safe_dump(doc, sort_keys=False))
    rows = walk_cases(doc, choices)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        lines = ["case_id,activity,timestamp", *(",".join(r) for r in rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log = read_event_log([path], journey=journey, min_cell=1)
    report = analyze(journey, observed=log)
    assert report.observed is not None
    _check_all(report)


def test_a_handoff_through_a_milestone_carries_its_own_people() -> None:
    """Half the people reach the milestone from A, half from B; the arrow out of it to B
    carries 1,000 people, of whom only the 500 from A are handed off. The map labels the
    handoff with 500 (``EdgeFlow.handoff_people``), as the text's handoff table says."""
    from journeymap import analyze, parse_journey
    from journeymap.render.map import to_dot

    report = analyze(
        parse_journey(
            """journeymap: 1
id: via
title: Via a milestone
agencies: [{id: A, name: Agency A}, {id: B, name: Agency B}]
touchpoints:
  - {id: s, name: Start, agency: A, next: [{to: a1, share: 0.5}, {to: b1, share: 0.5}]}
  - {id: a1, name: At A, agency: A, next: m}
  - {id: b1, name: At B, agency: B, next: m}
  - {id: m, name: Settled, agency: A, kind: milestone, next: x}
  - {id: x, name: Finish at B, agency: B}
"""
        )
    )
    arrow = report.edge("m", "x")
    assert (arrow.people, arrow.handoff_people) == (1000.0, 500.0)
    assert report.edge("a1", "m").handoff_people is None
    label = _labels(to_dot(report).source)["handoff-m--x"]
    assert label == "handoff · 500 people"
    row = "  m → x   A → B     department     500                 0"
    assert row in render_text(report).splitlines()
