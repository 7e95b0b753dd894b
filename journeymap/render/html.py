"""The HTML narrative: one self-contained, accessible file that explains a journey.

``render_narrative(journey, report, map_svg=...)`` returns the HTML text; nothing is read or
written. The page is built from jinja2 templates (``journeymap/templates``) that receive one
documented :class:`NarrativeContext`; ``template_dir`` puts an agency's own templates in
front of the defaults (a template there can ``{% extends "default:narrative.html.j2" %}``).

The page has no external assets: CSS, the journey map (inline SVG), the charts (inline SVG)
and a few lines of JavaScript are inline, under a Content-Security-Policy that allows nothing
else. Every piece of journey text is escaped by the template engine (autoescape).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import __version__, fmt
from ..models import Journey, Touchpoint
from ..report import Report
from .text import observed_lines

__all__ = [
    "NarrativeContext",
    "build_context",
    "inline_svg",
    "make_environment",
    "render_narrative",
    "write_narrative",
]

CHANNEL_PHRASES = {
    "online": "online",
    "phone": "by phone",
    "in_person": "in person",
    "mail": "by mail",
    "email": "by e-mail",
    "text": "by text message",
    "chat": "by chat",
    "kiosk": "at a kiosk",
    "automated": "automatically, with nothing to do",
}

#: The inline script: open collapsed sections for printing, and let the map fit or zoom.
SCRIPT = """
document.querySelectorAll('[data-zoom]').forEach(function (b) {
  b.addEventListener('click', function () {
    var f = document.getElementById(b.getAttribute('data-zoom'));
    var on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    f.classList.toggle('fit', !on);
  });
});
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
""".strip()


def _h(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


@dataclass(frozen=True)
class Headline:
    """A headline figure: a label, the value in plain words and a one-line explanation."""

    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class Bar:
    """One bar of the drop-off funnel (coordinates in SVG units)."""

    label: str
    agency: str
    people: str
    y: float
    width: float
    lost: str


@dataclass(frozen=True)
class Point:
    """One point of the satisfaction/emotion curve."""

    label: str
    x: float
    y: float
    value: str


@dataclass(frozen=True)
class MatrixGroup:
    """A column group of the data-request matrix: an agency and its touchpoints."""

    agency: str
    touchpoints: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MatrixRow:
    """A row of the data-request matrix: an item and one cell per touchpoint column."""

    item: str
    cells: tuple[str, ...]
    total: int
    again: bool


@dataclass(frozen=True)
class StageStory:
    """The narrative of one stage: its name and paragraphs in plain language."""

    id: str
    name: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """A source: its text, and a link only when it is an http(s) URL."""

    text: str
    url: str | None


def _help(text: str) -> Any:
    return field(metadata={"help": text})


@dataclass(frozen=True)
class NarrativeContext:
    """Everything the narrative templates may use (the contract with custom templates)."""

    title: str = _help("Journey title")
    journey_id: str = _help("Journey id (slug)")
    life_experience: str | None = _help("Life experience the journey belongs to")
    summary: str | None = _help("Summary paragraph")
    persona_name: str = _help("The persona's name, or 'The person'")
    persona_description: str | None = _help("Who the persona is")
    occasion: str | None = _help("A-11 occasion")
    offering: str | None = _help("A-11 offering")
    population_line: str = _help("How many people start per period, and where that comes from")
    headlines: tuple[Headline, ...] = _help("Headline figures in plain words")
    map_svg: str | None = _help("The journey map as inline SVG markup (safe), or None")
    map_rows: tuple[dict[str, str], ...] = _help("The map's text alternative: one row per step")
    stages: tuple[StageStory, ...] = _help("Stage-by-stage narrative")
    findings: tuple[dict[str, str], ...] = _help(
        "Ranked findings: severity, title, detail, recommendation, evidence"
    )
    matrix_groups: tuple[MatrixGroup, ...] = _help("Columns of the data-request matrix")
    matrix_rows: tuple[MatrixRow, ...] = _help("Rows of the data-request matrix")
    agencies: tuple[tuple[str, str], ...] = _help("(id, name) of every agency, in order")
    handoff_rows: tuple[tuple[str, tuple[str, ...]], ...] = _help(
        "Agency x agency handoff matrix: (from agency, people per destination)"
    )
    funnel: tuple[Bar, ...] = _help("Bars of the drop-off funnel")
    funnel_height: float = _help("Height of the funnel SVG")
    curve: tuple[Point, ...] = _help("Points of the satisfaction/emotion curve")
    curve_kind: str = _help("'satisfaction (1-5)' or 'emotion (-2 to +2)' or ''")
    curve_path: str = _help("SVG path data of the curve")
    curve_width: float = _help("Width of the curve SVG")
    pain_points: tuple[tuple[str, str], ...] = _help("(touchpoint name, pain point)")
    opportunities: tuple[tuple[str, str], ...] = _help("(touchpoint name, opportunity)")
    evidence_notes: tuple[str, ...] = _help("Notes on the evidence behind the numbers")
    evidence_counts: tuple[tuple[str, int], ...] = _help("Touchpoints per evidence kind")
    illustrative: tuple[str, ...] = _help("Names of touchpoints with illustrative numbers")
    sources: tuple[Source, ...] = _help("Sources cited by the journey")
    observed: tuple[str, ...] = _help(
        "Designed vs observed, one line each, when an event log was given (else empty)"
    )
    generator: str = _help("The program that wrote the page")
    csp: str = _help("The Content-Security-Policy of the page")
    script: str = _help("The inline script (its hash is in the CSP)")

    @classmethod
    def documented_fields(cls) -> dict[str, str]:
        """Field name -> help text, for docs and the template contract test."""
        return {f.name: f.metadata["help"] for f in fields(cls)}


def _is_url(text: str) -> bool:
    return re.match(r"^https?://[^\s<>\"']+$", text) is not None


def _flow_order(journey: Journey) -> list[Touchpoint]:
    """Touchpoints in the order a person meets them (breadth-first from the start)."""
    order: list[Touchpoint] = []
    seen: set[str] = set()
    queue = [journey.start_touchpoint.id]
    while queue:
        tid = queue.pop(0)
        if tid in seen:
            continue
        seen.add(tid)
        tp = journey.touchpoint(tid)
        order.append(tp)
        queue.extend(t.to for t in tp.next)
    order += [t for t in journey.touchpoints if t.id not in seen]
    return order


def _items(journey: Journey, ids: Sequence[str]) -> str:
    names = [fmt.in_sentence(journey.data_item(i).name) for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _story(journey: Journey, report: Report, tp: Touchpoint, first: bool) -> str:
    """One paragraph, in plain words, about what happens to the persona at a touchpoint."""
    person = journey.persona.name if journey.persona else "The person"
    them = journey.persona.name if journey.persona else "the person"
    agency = fmt.the(journey.agency(tp.agency).name)
    flow = report.touchpoint(tp.id)
    how = f", {CHANNEL_PHRASES[tp.channel.value]}" if tp.channel else ""
    verb = "starts with" if first else "then deals with"
    parts = [f"{person} {verb} {agency}{how}: {tp.name}."]
    if tp.duration and tp.duration.median.minutes > 0:
        wait = f"This usually takes {fmt.days(tp.duration.median.days)}"
        if tp.duration.p90:
            wait += f", and 1 in 10 people wait more than {fmt.days(tp.duration.p90.days)}"
        parts.append(wait + ".")
    if tp.effort:
        parts.append(f"It costs {them} {fmt.hours(tp.effort.hours)} of their own time.")
    fresh = [i for i in tp.asks if i not in flow.asks_again]
    if fresh:
        parts.append(f"{agency[:1].upper()}{agency[1:]} asks for the {_items(journey, fresh)}.")
    if flow.asks_again:
        parts.append(
            f"{person} is asked again for the {_items(journey, flow.asks_again)}, "
            "already given earlier."
        )
    if flow.reasks_issued:
        parts.append(
            f"The {_items(journey, flow.reasks_issued)} asked for here was issued by the "
            "government itself earlier in the journey."
        )
    if tp.gives:
        parts.append(f"{person} receives the {_items(journey, tp.gives)}.")
    if tp.drop_off:
        parts.append(
            f"About {fmt.percent(tp.drop_off)} of the people who get here give up "
            f"({fmt.people(flow.people_lost)} of every {fmt.people(report.metrics.population)} "
            "who start)."
        )
    handed = [h for h in report.handoffs if h.from_touchpoint == tp.id]
    if handed:
        to = list(dict.fromkeys(fmt.the(journey.agency(h.to_agency).name) for h in handed))
        if tp.split == "all" and len(to) > 1:
            parts.append(f"Next, {them} must deal with {_names(to)} at the same time.")
        elif len(to) > 1:
            parts.append(f"Next, {agency} sends {them} on to {' or '.join(to)}.")
        else:
            back = ", who will send them back later" if any(h.ping_pong for h in handed) else ""
            parts.append(f"Next, {agency} hands {them} over to {to[0]}{back}.")
    return " ".join(parts)


def build_context(
    journey: Journey, report: Report, *, map_svg: str | None = None
) -> NarrativeContext:
    """Build the documented context the templates render (pure)."""
    from markupsafe import Markup

    m = report.metrics
    pop = fmt.people(m.population)
    per_k = 1000 / m.population if m.population else 1.0
    headlines = [
        Headline(
            "Finish",
            f"{fmt.people(m.completions * per_k)} of 1,000",
            f"people who start complete the journey; {fmt.people(m.abandonments * per_k)} "
            "give up along the way"
            + (f" and {fmt.people(m.failures * per_k)} are turned down" if m.failures else ""),
        )
    ]
    if m.critical_path_days is not None:
        headlines.append(
            Headline(
                "Critical path",
                fmt.days(m.critical_path_days),
                "from the first step to success on the slowest route",
            )
        )
    elif m.expected_days_for_completers is not None:
        headlines.append(
            Headline(
                "Expected time",
                fmt.days(m.expected_days_for_completers),
                "on average for those who finish (the journey has loops)",
            )
        )
    if m.expected_effort_hours is not None:
        headlines.append(
            Headline(
                "Time tax",
                fmt.hours(m.expected_effort_hours),
                "of their own time each person spends on forms, calls and visits",
            )
        )
    headlines.append(
        Headline(
            "Handoffs",
            str(m.handoff_count),
            f"times one agency sends the person to another "
            f"({m.expected_handoffs_per_person:.1f} per person on average)",
        )
    )
    headlines.append(
        Headline(
            "Asked again",
            f"{m.expected_repeat_requests_per_person:.1f}",
            f"times per person the government asks for information it already asked for "
            f"({fmt.plural(m.duplicate_item_count, 'item')})",
        )
    )
    order = _flow_order(journey)
    stage_names = {s.id: s.name for s in journey.stages}
    stories: list[StageStory] = []
    first = True
    for stage_id in [*stage_names, None]:
        members = [t for t in order if t.stage == stage_id]
        if not members:
            continue
        paragraphs = []
        for tp in members:
            paragraphs.append(_story(journey, report, tp, first))
            first = False
        stories.append(
            StageStory(
                stage_id or "other",
                stage_names.get(stage_id or "", "Other steps"),
                tuple(paragraphs),
            )
        )
    map_rows = []
    for tp in order:
        flow = report.touchpoint(tp.id)
        map_rows.append(
            {
                "id": tp.id,
                "name": tp.name,
                "agency": journey.agency(tp.agency).name,
                "stage": stage_names.get(tp.stage or "", ""),
                "channel": tp.channel.value.replace("_", " ") if tp.channel else "",
                "median": fmt.days(flow.median_days) if flow.median_days is not None else "",
                "drop_off": fmt.percent(flow.drop_off_rate) if flow.drop_off_rate else "",
                "lost": fmt.people(flow.people_lost) if flow.people_lost else "",
                "again": ", ".join(journey.data_item(i).name for i in flow.asks_again),
                "next": ", ".join(t.to for t in tp.next),
            }
        )
    findings = tuple(
        {
            "severity": f.severity,
            "title": f.title,
            "detail": f.detail,
            "recommendation": f.recommendation,
            "evidence": f.evidence,
        }
        for f in report.findings
    )
    groups = []
    columns: list[str] = []
    for agency in journey.agencies:
        tps = [t for t in order if t.agency == agency.id and t.asks]
        if tps:
            groups.append(MatrixGroup(agency.id, tuple((t.id, t.name) for t in tps)))
            columns += [t.id for t in tps]
    asked_items = sorted(
        {i for t in journey.touchpoints for i in t.asks},
        key=lambda i: (-sum(i in journey.touchpoint(c).asks for c in columns), i),
    )
    rows = []
    duplicated = {d.item for d in report.duplicate_requests}
    for item in asked_items:
        cells = []
        for c in columns:
            if item in journey.touchpoint(c).asks:
                cells.append("again" if item in report.touchpoint(c).asks_again else "asked")
            else:
                cells.append("")
        rows.append(
            MatrixRow(
                journey.data_item(item).name,
                tuple(cells),
                sum(1 for c in cells if c),
                item in duplicated,
            )
        )
    handoff_rows = []
    agency_ids = [a.id for a in journey.agencies]
    for a in agency_ids:
        row = report.handoff_matrix.get(a, {})
        if row:
            handoff_rows.append(
                (a, tuple(fmt.people(row[b]) if b in row else "" for b in agency_ids))
            )
    bars = []
    for i, tp in enumerate(order):
        flow = report.touchpoint(tp.id)
        reach = flow.reach * 1000
        bars.append(
            Bar(
                f"{tp.id} {tp.name}",
                tp.agency,
                fmt.people(reach),
                i * 28.0,
                max(1.0, 420.0 * min(reach, 1000) / 1000),
                fmt.people(flow.people_lost * per_k),
            )
        )
    curve_kind = ""
    values: list[tuple[str, float]] = []
    if any(t.satisfaction is not None for t in order):
        curve_kind = "satisfaction (1-5)"
        values = [(f"{t.id}", t.satisfaction) for t in order if t.satisfaction is not None]
        lo, hi = 1.0, 5.0
    elif any(t.emotion is not None for t in order):
        curve_kind = "emotion (-2 to +2)"
        values = [(f"{t.id}", t.emotion) for t in order if t.emotion is not None]
        lo, hi = -2.0, 2.0
    points = tuple(
        Point(label, 40 + i * 60.0, 10 + 140 * (hi - v) / (hi - lo), f"{v:g}")
        for i, (label, v) in enumerate(values)
    )
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
    sources = []
    seen_sources: set[str] = set()
    for text in [journey.source, *report.evidence.sources]:
        if text and text not in seen_sources:
            seen_sources.add(text)
            sources.append(Source(text, text if _is_url(text) else None))
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src {_h(SCRIPT)}; base-uri 'none'; form-action 'none'"
    )
    return NarrativeContext(
        title=journey.title,
        journey_id=journey.id,
        life_experience=journey.life_experience,
        summary=journey.summary.strip() if journey.summary else None,
        persona_name=journey.persona.name if journey.persona else "The person",
        persona_description=(
            journey.persona.description.strip().rstrip(".")
            if journey.persona and journey.persona.description
            else None
        ),
        occasion=journey.occasion,
        offering=journey.offering,
        population_line=(
            f"Figures are for {pop} people starting per period"
            + (" (an assumed number)." if m.population_is_default else ".")
        ),
        headlines=tuple(headlines),
        map_svg=Markup(map_svg) if map_svg else None,
        map_rows=tuple(map_rows),
        stages=tuple(stories),
        findings=findings,
        matrix_groups=tuple(groups),
        matrix_rows=tuple(rows),
        agencies=tuple((a.id, a.name) for a in journey.agencies),
        handoff_rows=tuple(handoff_rows),
        funnel=tuple(bars),
        funnel_height=max(28.0, 28.0 * len(bars)),
        curve=points,
        curve_kind=curve_kind,
        curve_path=path,
        curve_width=80 + 60.0 * max(0, len(points) - 1),
        pain_points=tuple((t.name, p) for t in order for p in t.pain_points),
        opportunities=tuple((t.name, o) for t in order for o in t.opportunities),
        evidence_notes=report.evidence.notes,
        evidence_counts=tuple(report.evidence.by_kind.items()),
        illustrative=tuple(journey.touchpoint(t).name for t in report.evidence.illustrative),
        sources=tuple(sources),
        observed=tuple(line.strip() for line in observed_lines(report)),
        generator=f"journeymap {__version__}",
        csp=csp,
        script=Markup(SCRIPT),
    )


def make_environment(template_dir: str | Path | None = None) -> Any:
    """The jinja2 environment: user templates first, then the defaults (``default:`` prefix).

    Autoescape is on for every template and undefined names are errors (StrictUndefined).
    """
    import jinja2

    default = jinja2.PackageLoader("journeymap", "templates")
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(default)
    loader = jinja2.ChoiceLoader(
        [*loaders, jinja2.PrefixLoader({"default": default}, delimiter=":")]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["slug"] = lambda s: re.sub(r"[^A-Za-z0-9_-]+", "-", str(s)).strip("-")
    return env


def render_narrative(
    journey: Journey,
    report: Report,
    *,
    map_svg: str | None = None,
    template_dir: str | Path | None = None,
) -> str:
    """The self-contained HTML narrative of a journey (a string; nothing is written)."""
    env = make_environment(template_dir)
    context = build_context(journey, report, map_svg=map_svg)
    template = env.get_template("narrative.html.j2")
    values = {f.name: getattr(context, f.name) for f in fields(context)}
    return str(template.render(**values))


def inline_svg(svg: str) -> str:
    """An SVG document made fit to sit inside HTML: no XML prolog, doctype or comments."""
    start = svg.find("<svg")
    if start < 0:
        msg = "not an SVG document"
        raise ValueError(msg)
    return re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S).strip()


def write_narrative(
    journey: Journey,
    report: Report,
    path: str | Path,
    *,
    engine: str = "auto",
    lanes: str = "agency",
    top: int = 3,
    template_dir: str | Path | None = None,
) -> str | None:
    """Draw the map, render the narrative and write it atomically to ``path``.

    ``engine`` is the Graphviz to draw the map with (``auto``, ``system``, ``wasm``) or
    ``none`` for no map. Returns None, or why the map is missing when no Graphviz could draw
    it (the page then says so and keeps the map's table).
    """
    from ..output import write_atomic
    from .dot import GraphvizNotFoundError, render_map

    map_svg = None
    why = None
    if engine != "none":
        try:
            raw = render_map(
                journey,
                report,
                format="svg",
                engine=engine,
                lanes=lanes,
                top=top,
                id_prefix="map-",
            )
            map_svg = inline_svg(raw.decode("utf-8"))
        except GraphvizNotFoundError as err:
            why = str(err)
    html = render_narrative(journey, report, map_svg=map_svg, template_dir=template_dir)
    write_atomic(Path(path), html.encode("utf-8"))
    return why
