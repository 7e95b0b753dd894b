"""The HTML narrative: structure, escaping, the template contract, and that it shows only the
Report's numbers (no browser needed)."""

from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DATA, EXAMPLES, ROOT, tiny_journey_text
from hypothesis import HealthCheck, given, settings
from strategies import flow_journeys, journeys

from journeymap import analyze, fmt, load_journey, parse_journey
from journeymap.exceptions import GraphvizNotFoundError, TemplateError
from journeymap.models import Journey
from journeymap.render.html import (
    NarrativeContext,
    build_context,
    make_environment,
    render_narrative,
    write_narrative,
)
from journeymap.report import Report

HTML_PACKAGE = ROOT / "journeymap" / "render" / "html"
DISASTER = ROOT / "examples" / "life_events" / "disaster-recovery.yaml"
DISASTER_LOG = ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"

SHAPES = """journeymap: 1
id: shapes
title: Shapes
persona: {name: Ana}
agencies:
  - {id: A, name: Agency A}
  - {id: B, name: Agency B}
touchpoints:
  - {id: s, name: Start, agency: A, split: all, next: [p, q]}
  - {id: p, name: Part one, agency: A, next: j}
  - {id: q, name: Part two, agency: B, next: j}
  - {id: j, name: Joined, agency: A, join: all, next: k}
  - id: k
    name: Decide
    agency: A
    next:
      - {to: r, share: 0.25, wait: 3d}
      - {to: e, share: 0.75}
  - {id: r, name: Review, agency: B, next: k}
  - {id: e, name: End, agency: A}
"""


def soup_of(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def page(report: Report, **kwargs: object) -> str:
    html, why = render_narrative(report, map_options=None, **kwargs)  # type: ignore[arg-type]
    assert why is None
    return html


@pytest.fixture
def tiny_html() -> str:
    return page(analyze(parse_journey(tiny_journey_text())))


@pytest.fixture(scope="module")
def observed_report() -> Report:
    from journeymap.events import read_event_log

    journey = load_journey(DISASTER)
    log = read_event_log([DISASTER_LOG], journey=journey)
    return analyze(journey, observed=log)


def test_sections_and_headlines(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    assert soup.html is not None
    assert soup.html["lang"] == "en"
    assert soup.find("h1").get_text() == "Tiny journey"
    ids = [s.get("id") for s in soup.find_all("section") if s.get("id")]
    assert ids == ["glance", "map", "story", "findings", "data", "handoffs", "charts", "evidence"]
    labels = [li.find(class_="label").get_text() for li in soup.select(".headlines li")]
    assert labels == ["Finish", "Critical path", "Handoffs", "Asked again"]
    values = [li.find(class_="value").get_text() for li in soup.select(".headlines li")]
    assert values == ["900 of 1,000", "6 days", "0.9", "0.9"]


def test_every_touchpoint_is_named(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    rows = soup.select("#map table tbody tr")
    assert [r.find("th").get_text() for r in rows] == ["a", "b", "c"]
    story = soup.find(id="story").get_text()
    for name in ("Apply", "Licence", "Done"):
        assert name in story


def test_story_names_handoffs_and_repeat_asks(tiny_html: str) -> None:
    paragraphs = [p.get_text() for p in soup_of(tiny_html).select("#story p")]
    assert paragraphs[0] == (
        "The person starts with the Social Security Administration: Apply. This usually takes "
        "5 days. The Social Security Administration asks for the Social Security number. About "
        "10% of the people who get here give up (100 of every 1,000 who start). Next, the Social "
        "Security Administration hands the person over to the State DMV."
    )
    assert (
        "is asked again for the Social Security number, already given earlier." in (paragraphs[1])
    )


def test_story_tells_splits_shares_waits_and_loops_from_the_arrows() -> None:
    soup = soup_of(page(analyze(parse_journey(SHAPES))))
    story = {p["data-touchpoint"]: p.get_text() for p in soup.select("#story p")}
    assert list(story) == ["s", "p", "q", "j", "k", "r", "e"]
    assert story["s"] == (
        "Ana starts with the Agency A: Start. Next, Ana goes through these steps at the same "
        "time: Part one and Part two with the Agency B; the journey goes on when all of them "
        "are done."
    )
    assert story["k"] == (
        "Ana then deals with the Agency A: Decide. Most people who go on (75%) go to End; the "
        "others (25%) go to Review with the Agency B. There is usually a wait of 3 days before "
        "Review."
    )
    assert story["r"] == (
        "Only some people come this way (25% of those who go on from Decide): Ana then deals "
        "with the Agency B: Review. Then Ana is sent back to an earlier step: Decide with the "
        "Agency A."
    )
    assert story["e"] == (
        "Most people come this way (75% of those who go on from Decide): Ana then deals with "
        "the Agency A: End. The journey ends here in success for 1,000 of every 1,000 who start."
    )
    nexts = {
        r.find("th").get_text(): r.find_all("td")[-1].get_text()
        for r in soup.select("#map table tbody tr")
    }
    assert nexts == {"s": "p, q", "p": "j", "q": "j", "j": "k", "k": "r (25%), e (75%)",
                     "r": "k", "e": ""}  # fmt: skip


def test_data_matrix_marks_repeat_asks(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    table = soup.select_one("#data table")
    head = [th.get_text() for th in table.select("thead tr")[1].find_all("th")]
    assert head == ["Information", "a", "b", "Times asked"]
    rows = {
        tr.find("th").get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in table.select("tbody tr")
    }
    assert rows["Social Security number"] == ["asked", "again", "2"]
    assert rows["Photo ID"] == ["", "asked", "1"]


def test_handoff_matrix(tiny_html: str) -> None:
    table = soup_of(tiny_html).select_one("#handoffs table")
    cells = [td.get_text() for td in table.select("tbody tr td")]
    assert table.select_one("tbody th").get_text() == "SSA"
    assert cells == ["", "900"]


def test_charts_have_text_alternatives(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    for svg in soup.select("#charts svg"):
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert soup.find(id=title_id).name == "title"
        assert soup.find(id=desc_id).name == "desc"
    funnel_rows = soup.select("#charts details table tbody tr")
    assert [r.find_all("td")[1].get_text() for r in funnel_rows] == ["1,000", "900", "900"]


def test_self_contained_with_csp(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:;")
    assert "script-src 'sha256-" in csp
    assert not soup.find_all(src=True)
    assert not soup.find_all("link")
    assert all(not a["href"].startswith(("http", "//")) for a in soup.select("nav a"))


def test_hostile_text_is_escaped() -> None:
    html = page(analyze(load_journey(DATA / "hostile.yaml")))
    soup = soup_of(html)
    assert len(soup.find_all("script")) == 1  # only our own
    assert not soup.find_all("img")
    assert not soup.find_all("iframe")
    assert not soup.find_all("b")
    assert len(soup.find_all("style")) == 1
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.startswith("on"), (tag.name, attr)
            if attr == "href":
                assert not str(value).lower().startswith("javascript"), value
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    links = [a["href"] for a in soup.select("#evidence a")]
    assert links == ["http://example.gov/ok?a=1&b=2"]  # only clean http(s) URLs are links
    assert "{{ 7*7 }}" in soup.get_text()  # no template injection


def test_deterministic() -> None:
    j = parse_journey(tiny_journey_text())
    assert page(analyze(j)) == page(analyze(j))


# -- one source of truth: the page shows the Report's numbers, never the journey file's ----

_DURATION = re.compile(r"\d[\d,]*(?:\.\d+)? (?:days?|hours?|minutes?)\b")
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")
_PEOPLE = re.compile(r"\(([\d,.]+) of every ([\d,.]+) who start\)")


def _expected_story_numbers(
    report: Report, tid: str
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Durations, percentages and (lost, population) a story paragraph must show, in order."""
    t = report.touchpoint(tid)
    durations, percents, people = [], [], []
    # a step reached by one alternative opens with that alternative's share
    incoming = [e for e in report.edges if e.target == tid and not e.loop_back]
    if len(incoming) == 1 and incoming[0].kind == "alternative" and incoming[0].share < 0.995:
        percents.append(fmt.percent(incoming[0].share))
    if t.median_days:
        durations.append(fmt.days(t.median_days))
        if t.p90_days is not None:
            durations.append(fmt.days(t.p90_days))
    if t.effort_hours:
        durations.append(fmt.hours(t.effort_hours))
    if t.drop_off_rate:
        percents.append(fmt.percent(t.drop_off_rate))
        people.append((fmt.people(t.people_lost), fmt.people(report.metrics.population)))
    out = [e for e in report.edges if e.source == tid]
    alternatives = sorted((e for e in out if e.kind == "alternative"), key=lambda e: -e.share)
    percents += [fmt.percent(e.share) for e in alternatives]
    durations += [fmt.days(e.wait_days) for e in out if e.wait_days]
    return durations, percents, people


def test_observed_numbers_are_the_reports_everywhere(observed_report: Report) -> None:
    report = observed_report
    soup = soup_of(page(report))
    story = {p["data-touchpoint"]: p.get_text() for p in soup.select("#story p")}
    steps = {
        r.find("th").get_text(): [td.get_text() for td in r.find_all("td")]
        for r in soup.select("#map table tbody tr")
    }
    funnel_table = soup.find("caption", string=re.compile("^People reaching")).find_parent("table")
    funnel = {
        r.find("th").get_text().split(" ", 1)[0]: [td.get_text() for td in r.find_all("td")]
        for r in funnel_table.select("tbody tr")
    }
    assert list(story) == list(report.order) == list(steps) == list(funnel)
    per_k = 1000 / report.metrics.population
    for t in report.touchpoints:
        text = story[t.touchpoint]
        durations, percents, people = _expected_story_numbers(report, t.touchpoint)
        assert _DURATION.findall(text) == durations, (t.touchpoint, text)
        assert _PERCENT.findall(text) == percents, (t.touchpoint, text)
        assert _PEOPLE.findall(text) == people, (t.touchpoint, text)
        _, _, _, _, median, drop, lost, _, _ = steps[t.touchpoint]
        assert median == (fmt.days(t.median_days) if t.median_days is not None else "")
        assert drop == (fmt.percent(t.drop_off_rate) if t.drop_off_rate else "")
        assert lost == (fmt.people(t.people_lost) if t.people_lost else "")
        assert funnel[t.touchpoint][1:] == [
            fmt.people(t.reach * 1000),
            fmt.people(t.people_lost * per_k),
        ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flow_journeys())
def test_story_numbers_are_the_reports_for_any_flow(doc: dict[str, object]) -> None:
    report = analyze(Journey.model_validate(doc))
    context = build_context(report)
    told = {t: p for s in context.stages for t, p in zip(s.touchpoints, s.paragraphs, strict=True)}
    assert sorted(told) == sorted(report.order)
    for t in report.touchpoints:
        durations, percents, people = _expected_story_numbers(report, t.touchpoint)
        assert _DURATION.findall(told[t.touchpoint]) == durations
        assert _PERCENT.findall(told[t.touchpoint]) == percents
        assert _PEOPLE.findall(told[t.touchpoint]) == people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_every_step_is_told_once_in_order(doc: dict[str, object]) -> None:
    report = analyze(Journey.model_validate(doc))
    context = build_context(report)
    assert [r["id"] for r in context.map_rows] == list(report.order)
    assert [b.label.split(" ", 1)[0] for b in context.funnel] == list(report.order)
    told = [t for s in context.stages for t in s.touchpoints]
    assert sorted(told) == sorted(report.order)
    stage_of = {t.touchpoint: t.stage for t in report.touchpoints}
    for s in context.stages:  # within a stage, in the order of telling
        assert list(s.touchpoints) == [t for t in report.order if t in s.touchpoints]
        assert {stage_of[t] or "other" for t in s.touchpoints} == {s.id}


def test_observed_numbers_differ_from_the_authored_ones(observed_report: Report) -> None:
    journey = load_journey(DISASTER)
    soup = soup_of(page(observed_report))
    story = {p["data-touchpoint"]: p.get_text() for p in soup.select("#story p")}
    steps = {
        r.find("th").get_text(): r.find_all("td")[4].get_text()
        for r in soup.select("#map table tbody tr")
    }
    changed = [
        tp.id
        for tp in journey.touchpoints
        if tp.duration and steps[tp.id] != fmt.days(tp.duration.median.days)
    ]
    assert changed == ["D2", "D3", "D4", "D4A", "D5", "D6", "D8", "D9", "D10"]
    # the contradiction this guards against: the story said 45 days and 32 % for D3
    assert steps["D3"] == "119 days"
    assert (
        "This usually takes 119 days, and 1 in 10 people wait more than 218 days." in (story["D3"])
    )
    assert "About 34% of the people who get here give up (6,214 of every 20,000" in story["D3"]
    assert "45 days" not in story["D3"]
    assert "32%" not in story["D3"]


# -- the package reads only the Report ---------------------------------------------------

FORBIDDEN = ("models", "loading", "graph", "analysis", "events", "observed", "eventlog")
ALLOWED = (
    "journeymap",
    "journeymap.__version__",
    "journeymap.report",
    "journeymap.fmt",
    "journeymap.exceptions",
    "journeymap.output",
    "journeymap.render.text",
    "journeymap.render.observed_text",
    "journeymap.render.evidence_text",
    "journeymap.render.labels",
    "journeymap.render.phrases",
    "journeymap.render.checks",
    "journeymap.render.theme",
    "journeymap.render.map",
    "journeymap.render.compare_numbers",
    "journeymap.comparison",
    "journeymap.feedback_types",
)


def _imports(path: Path) -> set[str]:
    """Every journeymap module a file imports, relative imports resolved."""
    package = ["journeymap", "render", "html"]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names if not node.module}
    return {m for m in found if m.split(".")[0] == "journeymap"}


def test_html_package_imports_only_the_report_side() -> None:
    files = sorted(HTML_PACKAGE.glob("*.py"))
    assert [f.name for f in files] == [
        "__init__.py",
        "context.py",
        "contract.py",
        "customer.py",
        "evidence.py",
        "future.py",
        "story.py",
        "writer.py",
    ]
    for f in files:
        for module in _imports(f):
            own = module.startswith("journeymap.render.html")
            assert own or module in ALLOWED, (f.name, module)
            assert not any(f"journeymap.{name}" in module for name in FORBIDDEN)


def test_rendering_a_pickled_report_loads_no_journey_code(tmp_path: Path) -> None:
    pickled = tmp_path / "report.pickle"
    pickled.write_bytes(pickle.dumps(analyze(parse_journey(tiny_journey_text()))))
    probe = (
        "import pickle, sys\n"
        "from journeymap.render.html import render_narrative\n"
        f"report = pickle.loads(open({str(pickled)!r}, 'rb').read())\n"
        "html, why = render_narrative(report, map_options=None)\n"
        "assert 'Tiny journey' in html and why is None\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[-1] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


# -- the map ---------------------------------------------------------------------------------


def test_no_map_when_graphviz_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import journeymap.render.map as map_package

    def missing(*args: object, **kwargs: object) -> bytes:
        raise GraphvizNotFoundError("no Graphviz found: install Graphviz")

    monkeypatch.setattr(map_package, "render_map", missing)
    report = analyze(parse_journey(tiny_journey_text()))
    html, why = render_narrative(report)
    assert why == "no Graphviz found: install Graphviz"
    note = soup_of(html).select_one("#map > p").get_text()
    assert note == (
        "This copy has no map (no Graphviz found: install Graphviz); the table below lists "
        "every step."
    )
    out = tmp_path / "page.html"
    assert write_narrative(report, out) == why
    assert out.read_text(encoding="utf-8") == html


def test_map_is_inlined_with_its_own_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    import journeymap.render.map as map_package

    seen = []

    def fake(report: Report, options: map_package.MapOptions, *, format: str) -> bytes:
        seen.append((options.id_prefix, options.lanes, format))
        return b'<?xml version="1.0"?>\n<!-- made by dot -->\n<svg role="img"><g/></svg>\n'

    monkeypatch.setattr(map_package, "render_map", fake)
    report = analyze(parse_journey(tiny_journey_text()))
    html, why = render_narrative(report, map_options=map_package.MapOptions(lanes="stage"))
    assert why is None
    assert seen == [("map-", "stage", "svg")]
    frame = soup_of(html).select_one("#map-frame")
    assert frame.decode_contents().strip() == '<svg role="img"><g></g></svg>'
    assert "made by dot" not in html


def test_no_map_asked(tiny_html: str) -> None:
    assert soup_of(tiny_html).select_one("#map > p").get_text() == (
        "This copy has no map; the table below lists every step."
    )
    assert soup_of(tiny_html).select_one("#map-frame") is None


# -- templates -------------------------------------------------------------------------------


def test_template_uses_only_documented_context() -> None:
    from jinja2 import meta

    env = make_environment()
    documented = set(NarrativeContext.documented_fields())
    for name in env.list_templates():
        if name.startswith("default:"):
            continue
        source = env.loader.get_source(env, name)[0]
        used = meta.find_undeclared_variables(env.parse(source))
        assert used <= documented | {"loop"}, (name, used - documented)


def test_context_values_are_the_documented_fields() -> None:
    context = build_context(analyze(parse_journey(tiny_journey_text())))
    assert list(context.values()) == list(NarrativeContext.documented_fields())


def test_template_dir_overrides(tmp_path: Path) -> None:
    (tmp_path / "narrative.html.j2").write_text(
        '{% extends "default:narrative.html.j2" %}'
        "{% block footer %}<p>Agency branding for {{ title }}</p>{% endblock %}"
    )
    html = page(analyze(parse_journey(tiny_journey_text())), template_dir=tmp_path)
    assert soup_of(html).find("footer").get_text().strip() == "Agency branding for Tiny journey"


BROKEN = {
    "missing include": (
        "narrative.html.j2",
        '{% extends "default:narrative.html.j2" %}\n'
        '{% block footer %}{% include "_brand.html.j2" %}{% endblock %}\n',
        "narrative.html.j2:2: template '_brand.html.j2' not found in the template folder or "
        "the defaults; add it or remove the include",
    ),
    "undefined name": (
        "narrative.html.j2",
        '{% extends "default:narrative.html.j2" %}\n{% block footer %}\n'
        "<p>{{ agency_logo }}</p>{% endblock %}\n",
        "narrative.html.j2:3: 'agency_logo' is undefined; use only the fields listed in "
        "docs/narrative.md (NarrativeContext)",
    ),
    "syntax error": (
        "narrative.html.j2",
        '{% extends "default:narrative.html.j2" %}\n{% block footer %}\n{% if %}{% endblock %}\n',
        "narrative.html.j2:3: syntax error: Expected an expression, got 'end of statement block'",
    ),
    "sandboxed": (
        "narrative.html.j2",
        '{% extends "default:narrative.html.j2" %}\n{% block footer %}\n'
        "<p>{{ ''.__class__.__mro__ }}</p>{% endblock %}\n",
        "narrative.html.j2:3: not allowed in a template: access to attribute '__class__' of "
        "'str' object is unsafe. Templates may read only the fields listed in "
        "docs/narrative.md (NarrativeContext)",
    ),
    "error in a partial": (
        "_glance.html.j2",
        '<section id="glance">\n<h2>At a glance</h2>\n{{ headlines[0].nope }}\n</section>\n',
        "_glance.html.j2:3: 'journeymap.render.html.contract.Headline object' has no attribute "
        "'nope'; use only the fields listed in docs/narrative.md (NarrativeContext)",
    ),
}


@pytest.mark.parametrize(("name", "text", "message"), BROKEN.values(), ids=list(BROKEN))
def test_broken_template_is_a_located_template_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text)
    report = analyze(parse_journey(tiny_journey_text()))
    with pytest.raises(TemplateError) as caught:
        render_narrative(report, map_options=None, template_dir=tmp_path)
    assert str(caught.value) == f"{tmp_path}/{message}"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_template_dir_runs_in_the_sandbox(tmp_path: Path) -> None:
    """A template that reaches for Python internals fails with a TemplateError (exit 1), no
    traceback, no page; the template's own markup still works (it is only sandboxed)."""
    from click.testing import CliRunner

    from journeymap.cli import cli

    (tmp_path / "narrative.html.j2").write_text(
        '{% extends "default:narrative.html.j2" %}\n'
        "{% block footer %}{{ cycler.__init__.__globals__.os.system('id') }}{% endblock %}\n"
    )
    journey = tmp_path / "j.yaml"
    journey.write_text(tiny_journey_text())
    out = tmp_path / "r.html"
    args = ["report", str(journey), "-o", str(out), "--engine", "none"]
    result = CliRunner().invoke(cli, [*args, "--template-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path}/narrative.html.j2:2: not allowed in a template: access to "
        "attribute '__init__' of 'type' object is unsafe. Templates may read only the "
        "fields listed in docs/narrative.md (NarrativeContext)\n"
    )
    assert not out.exists()
    from jinja2.sandbox import SandboxedEnvironment

    from journeymap.render.html import make_environment

    assert isinstance(make_environment(tmp_path), SandboxedEnvironment)


def test_missing_template_dir(tmp_path: Path) -> None:
    report = analyze(parse_journey(tiny_journey_text()))
    with pytest.raises(TemplateError) as caught:
        render_narrative(report, map_options=None, template_dir=tmp_path / "none")
    assert str(caught.value) == (
        f"template folder {str(tmp_path / 'none')!r} does not exist or is not a folder"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_renders(path: Path) -> None:
    j = load_journey(path)
    soup = soup_of(page(analyze(j)))
    names = soup.find(id="map").get_text()
    for tp in j.touchpoints:
        assert tp.name in names
    assert [p["data-touchpoint"] for p in soup.select("#story p")] == [
        t for s in build_context(analyze(j)).stages for t in s.touchpoints
    ]


def test_docs_list_every_context_field() -> None:
    doc = (ROOT / "docs" / "narrative.md").read_text(encoding="utf-8")
    for name in NarrativeContext.documented_fields():
        assert f"| `{name}` |" in doc, name


# -- customer feedback and current vs future ---------------------------------------------------

TRANSITION = ROOT / "examples" / "life_events" / "transition-to-civilian-life.yaml"
TRANSITION_FEEDBACK = ROOT / "examples" / "life_events" / "data" / "transition-feedback-a11v2.csv"


@pytest.fixture(scope="module")
def feedback_report() -> Report:
    from journeymap.study import FeedbackOptions, analyze_file

    options = FeedbackOptions(paths=(str(TRANSITION_FEEDBACK),), every="quarter", by="channel")
    return analyze_file(TRANSITION, feedback=options)


@pytest.fixture(scope="module")
def feedback_soup(feedback_report: Report) -> BeautifulSoup:
    return soup_of(page(feedback_report))


def _cells(row: object) -> list[str]:
    return [c.get_text() for c in row.find_all(["th", "td"])]  # type: ignore[attr-defined]


def test_trust_table_is_the_reports_feedback(
    feedback_report: Report, feedback_soup: BeautifulSoup
) -> None:
    s = feedback_report.feedback
    assert s is not None
    rows = feedback_soup.select("#trust-table tbody tr")
    assert [r.th.get_text() for r in rows] == list(feedback_report.order)
    by_id = {r.touchpoint: r for r in s.touchpoints}
    for row in rows:
        tp = row.th.get_text()
        m = by_id[tp].measure("trust")
        assert m is not None and m.share is not None and m.low is not None and m.high is not None
        flow = feedback_report.touchpoint(tp)
        assert _cells(row) == [
            tp,
            flow.name,
            fmt.percent(m.share),
            f"{fmt.percent(m.low)}–{fmt.percent(m.high)}",
            f"{m.answered:,}",
            f"satisfaction {flow.satisfaction:g}",
        ]
    # hand-checked: 288 of 640 agree at the claim step (45%, Wilson 41.2%-48.9%)
    claim = next(r for r in rows if r.th.get_text() == "T3")
    assert _cells(claim)[2:] == ["45%", "41%–49%", "640", "satisfaction 2.4"]


def test_trust_chart_plots_each_step_with_its_interval(feedback_soup: BeautifulSoup) -> None:
    svg = feedback_soup.find("svg", attrs={"aria-labelledby": "trust-t trust-d"})
    assert svg is not None
    assert svg.find("title").get_text() == "Trust per step (measured)"
    assert len(svg.find_all("circle")) == 11  # every step has enough answers
    assert len(svg.select("line.err")) == 33  # an interval bar and two caps per point
    labels = [t.get_text() for t in svg.find_all("text")]
    assert "45%" in labels and "n 640" in labels and "n 70" in labels
    heading = feedback_soup.find("h3", string=lambda t: t and t.startswith("How the journey file"))
    assert heading is not None
    assert heading.get_text() == (
        "How the journey file says people feel (authored, not measured): satisfaction (1-5)"
    )


def test_suppressed_cells_say_so(feedback_soup: BeautifulSoup) -> None:
    table = feedback_soup.find("caption", string="Trust per step and quarter, with 95 % intervals")
    assert table is not None
    rows = {r.th.get_text(): _cells(r)[1:] for r in table.parent.tbody.find_all("tr")}
    assert list(rows) == ["Whole journey", *[f"T{i}" for i in (1, 2, 3)], "T3E"] + [
        f"T{i}" for i in range(4, 11)
    ]
    # T10 had 4 answers in FY2024 Q1 and 13 in FY2024 Q3 (3 agreeing)
    assert rows["T10"][0] == "suppressed (fewer than 10 answers)"
    assert rows["T10"][2] == "23% (8.2%–50%), n 13"
    assert rows["T3"][6] == "64% (53%–73%), n 83"  # the claim step improves from FY2025 Q3
    trend = feedback_soup.find("svg", attrs={"aria-labelledby": "fbtrend-t fbtrend-d"})
    assert [t.get_text() for t in trend.select("text.axis.small")][:2] == ["n 393", "n 417"]


def test_feedback_section_drivers_findings_segments_and_burden(
    feedback_report: Report, feedback_soup: BeautifulSoup
) -> None:
    section = feedback_soup.find(id="feedback")
    assert section.h2.get_text() == "Customer feedback"
    assert section.find("p", class_="lead-figure").get_text() == (
        "Across the journey, 67% (65%–68%), n 3,390 of respondents agree they trust the service."
    )
    links = section.find("caption", string=lambda t: t and t.startswith("Trust with and without"))
    first = _cells(links.parent.tbody.tr)
    assert first == [
        "effectiveness",
        "went badly",
        "39% (32%–47%), n 158",
        "68% (66%–70%), n 3,232",
        "−29 points",
        "intervals do not overlap",
    ]
    joined = [li.strong.get_text() for li in section.select("ul.joined li")]
    expected = [f.title for f in feedback_report.findings if f.kind in ("feedback", "burden")]
    assert joined == [f"{t}." for t in expected] and len(joined) == 8
    segments = section.find("caption", string="Trust per step and channel, with 95 % intervals")
    assert [th.get_text() for th in segments.parent.thead.find_all("th")] == [
        "Step",
        "in_person",
        "mail",
        "online",
    ]
    caption = "Each form's burden estimate per response beside the step's effort"
    body = section.find("caption", string=caption).parent.tbody
    burden = {r.th.get_text(): _cells(r)[1:] for r in body.find_all("tr")}
    assert burden["T3 File a VA disability claim (Benefits Delivery at Discharge)"] == [
        "VA Form 21-526EZ",
        "2900-0747",
        "25 minutes",
        "6 hours",
        "14.4×",
        f"{feedback_report.burden.rows[0].public_burden_hours:,.0f}",  # type: ignore[union-attr]
        "yes",
    ]


def test_no_feedback_no_scenario_sections(tiny_html: str) -> None:
    soup = soup_of(tiny_html)
    assert soup.find(id="feedback") is None and soup.find(id="scenario") is None
    assert soup.find(id="trust-table") is None


SCENARIO = """scenarios:
  - id: ssn-once
    title: DMV gets the SSN from SSA
    assumptions: SSA shares it <b>electronically</b>
    changes:
      - ask_once: ssn
        effort_saved: 30min
"""


def test_scenario_section_is_the_comparisons() -> None:
    from journeymap.comparison import MEASURES
    from journeymap.scenarios import compare

    journey = parse_journey(tiny_journey_text() + SCENARIO)
    comparison = compare(journey)
    soup = soup_of(page(analyze(journey), comparison=comparison))
    section = soup.find(id="scenario")
    assert section.h2.get_text() == "Current and future"
    assert section.h3.get_text() == "Scenario ssn-once"
    assumptions = section.find("p", class_="assumptions")
    assert assumptions.get_text() == "Assumptions: SSA shares it <b>electronically</b>"
    rows = section.select("table.measures tbody tr")
    assert [r.th.get_text() for r in rows] == [label for _, label, _ in MEASURES]
    requests = next(_cells(r) for r in rows if r.th.get_text() == "Requests")
    assert requests == ["Requests", "per starter", "2.80", "1.90", "−0.90"]
    alt = comparison.alternatives[0]
    for row, (name, _, _) in zip(rows, MEASURES, strict=True):
        before, after = comparison.baseline.get(name), alt.measures.get(name)
        cells = _cells(row)
        if before is None:
            assert cells[2:] == ["–", "–", "–"]
            continue
        digits = 2 if name in ("requests", "repeat_requests", "handoffs") else 1
        digits = 0 if name in ("touchpoints", "completions_per_period") else digits
        digits = 0 if name == "time_tax_hours_per_period" else digits
        assert cells[2] == f"{before:,.{digits}f}" and cells[3] == f"{after:,.{digits}f}"
    chart = section.find("svg")
    assert chart["role"] == "img"
    assert len(chart.select("rect.bar")) == 1 + sum(  # the legend's swatch, then one per measure
        1 for n, _, _ in MEASURES if comparison.baseline.get(n) is not None
    )
    assert section.find("li").get_text() == ("Change 1: ask_once ssn, 30min saved per ask")
    assert soup.find("nav").find("a", href="#scenario") is not None


def test_compare_page_has_the_report_look() -> None:
    from journeymap.render.compare import render_compare_html
    from journeymap.scenarios import compare

    html = render_compare_html(compare(parse_journey(tiny_journey_text() + SCENARIO)))
    soup = soup_of(html)
    narrative = soup_of(page(analyze(parse_journey(tiny_journey_text()))))
    assert soup.style.get_text() == narrative.style.get_text()
    assert soup.find("a", class_="skip")["href"] == "#main"
    assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"}) is not None


def test_suppressed_steps_are_shown_as_such_in_the_trust_chart() -> None:
    from journeymap.study import FeedbackOptions, analyze_file

    options = FeedbackOptions(paths=(str(TRANSITION_FEEDBACK),), min_cell=100)
    soup = soup_of(page(analyze_file(TRANSITION, feedback=options)))
    row = next(r for r in soup.select("#trust-table tbody tr") if r.th.get_text() == "T10")
    assert _cells(row) == [
        "T10",
        "UCX claim denied; no income bridge after separation",
        "suppressed (fewer than 100 answers)",
        "satisfaction 1.2",
    ]
    svg = soup.find("svg", attrs={"aria-labelledby": "trust-t trust-d"})
    assert len(svg.find_all("circle")) == 10
    assert [t.get_text() for t in svg.select("text.small")][-1] == "hidden"
    # the line stops before the hidden step (the last one): no segment drawn to it
    assert svg.find("path", class_="curve")["d"].count("M") == 1


def test_report_command_scenario_option(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from journeymap.cli import cli

    journey = tmp_path / "j.yaml"
    journey.write_text(tiny_journey_text() + SCENARIO, encoding="utf-8")
    out = tmp_path / "r.html"
    args = ["report", str(journey), "-o", str(out), "--engine", "none"]
    result = CliRunner().invoke(cli, [*args, "--scenario", "nope"])
    assert result.exit_code == 2 and not out.exists()
    assert "Invalid value for '--scenario': no scenario 'nope' in journey 'tiny' (known: " in (
        result.output
    )
    result = CliRunner().invoke(cli, [*args, "--scenario", "ssn-once"])
    assert result.exit_code == 0, result.output
    soup = soup_of(out.read_text(encoding="utf-8"))
    assert soup.find(id="scenario").h3.get_text() == "Scenario ssn-once"


def test_outcome_card_counts_add_up_to_the_population_it_names() -> None:
    """808.668 finish, 105.708 give up, 85.624 are turned down: plain rounding shows 1,001."""
    report = analyze(load_journey(Path(__file__).parent / "data" / "faithful-claim.yaml"))
    card = soup_of(page(report)).select(".headlines li")[0]
    value = card.find(class_="value").get_text()
    words = card.get_text(" ")
    assert value == "809 of 1,000"
    assert "106 give up along the way and 85 are turned down" in words
    assert report.metrics.population == 809 + 106 + 85


def test_alternatives_read_the_same_in_story_table_and_map() -> None:
    """Three alternatives of about 1/3 each: 33 % three times would add up to 99 %; every
    output shows the same 33 / 33 / 34 (largest remainders), from the shares the analysis
    used."""
    doc = """journeymap: 1
id: thirds
title: Thirds
agencies: [{id: A, name: Agency A}]
touchpoints:
  - id: s
    name: Start
    agency: A
    next: [{to: x, share: 0.3333333}, {to: y, share: 0.3333333}, {to: z, share: 0.3333334}]
  - {id: x, name: X, agency: A}
  - {id: y, name: Y, agency: A}
  - {id: z, name: Z, agency: A}
"""
    report = analyze(parse_journey(doc))
    assert sum(e.share for e in report.edges) == pytest.approx(1.0, abs=1e-12)
    soup = soup_of(page(report))
    story = soup.select_one('#story p[data-touchpoint="s"]').get_text()
    # z's share is the largest (0.3333334), so it takes the remaining unit
    assert "34% go to Z, 33% go to X and 33% go to Y" in story
    nexts = {
        r.find("th").get_text(): r.find_all("td")[-1].get_text()
        for r in soup.select("#map table tbody tr")
    }
    assert nexts["s"] == "x (33%), y (33%), z (34%)"
    from journeymap.render.map import to_dot

    source = to_dot(report).source
    for target, shown in (("x", "33%"), ("y", "33%"), ("z", "34%")):
        line = next(s for s in source.splitlines() if f'"tp-s" -> "tp-{target}"' in s)
        assert f'label="{shown}"' in line, line
