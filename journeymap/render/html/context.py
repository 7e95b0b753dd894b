"""Building the :class:`NarrativeContext` from a Report: one builder per section of the page.

Each builder reads only the :class:`~journeymap.report.Report` and returns plain values for
the templates; numbers are formatted with :mod:`journeymap.fmt`, so the story, the tables
and the charts show the same figures.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from ... import __version__, fmt
from ...comparison import Comparison
from ...report import Report, TouchpointFlow
from ..observed_text import observed_lines
from ..phrases import outcome_counts, per_person
from .contract import Bar, Headline, MatrixGroup, MatrixRow, NarrativeContext, Point, Source
from .customer import burden_view, feedback_view, trust_curve
from .evidence import log_sections
from .future import comparison_intro, scenario_views
from .story import stage_stories

__all__ = [
    "SCRIPT",
    "Curve",
    "build_context",
    "content_security_policy",
    "data_matrix",
    "evidence_parts",
    "feelings",
    "findings",
    "funnel",
    "handoff_matrix",
    "headlines",
    "map_rows",
    "observed",
    "pains_and_opportunities",
    "population_line",
    "sources",
]

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

#: Funnel geometry (SVG units): the height of one bar's row and the width of a full bar.
BAR_STEP = 28.0
BAR_WIDTH = 420.0


def content_security_policy() -> str:
    """Nothing but inline styles, ``data:`` images and :data:`SCRIPT` (by its hash)."""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _known(
    label: str, value: float | None, show: Callable[[float], str], detail: str
) -> list[Headline]:
    """The card of a figure the analysis knows (none when it is None)."""
    return [] if value is None else [Headline(label, show(value), detail)]


def headlines(report: Report) -> tuple[Headline, ...]:
    """The headline figures: finishing, time, time tax, handoffs, repeat requests.

    Each card names one basis: the outcome card counts the population the page is for (its
    parts rounded so that they add up to it), the others are per person who starts.
    """
    m = report.metrics
    done, failed, lost = outcome_counts(m)
    turned_down = f" and {failed} are turned down" if m.failures else ""
    out = [
        Headline(
            "Finish",
            f"{done} of {fmt.people(m.population)}",
            f"people who start per period complete the journey; {lost} give up "
            f"along the way{turned_down}",
        )
    ]
    # the critical path when the journey has one, else the expected time
    out += _known(
        "Critical path",
        m.critical_path_days,
        fmt.days,
        "from the first step to success on the slowest route",
    ) or _known(
        "Expected time",
        m.expected_days_for_completers,
        fmt.days,
        "on average for those who finish (the journey has loops)",
    )
    seen = report.observed
    if seen is not None and seen.completed_median_days is not None:
        tail = (
            f"; 1 in 10 took more than {fmt.days(seen.completed_p90_days)}"
            if seen.completed_p90_days is not None
            else ""
        )
        model = (
            f" (the model: median {fmt.days(m.elapsed_p50_days)}, 1 in 10 more than "
            f"{fmt.days(m.elapsed_p90_days)})"
            if m.elapsed_p50_days is not None and m.elapsed_p90_days is not None
            else ""
        )
        out.append(
            Headline(
                "Observed time",
                fmt.days(seen.completed_median_days),
                "median, from first to last event, for the people in the event log who "
                f"finished{tail}{model}",
            )
        )
    out += _known(
        "Time tax",
        m.expected_effort_hours,
        fmt.hours,
        "of their own time each person spends on forms, calls and visits",
    )
    out.append(
        Headline(
            "Handoffs",
            per_person(m.expected_handoffs_per_person),
            "times, on average, one agency sends a person who starts to another "
            f"(at {fmt.plural(m.handoff_count, 'place')} in the journey)",
        )
    )
    out.append(
        Headline(
            "Asked again",
            per_person(m.expected_repeat_requests_per_person),
            "times, on average, the government asks a person who starts for information it "
            f"already asked for ({fmt.plural(m.duplicate_item_count, 'item')})",
        )
    )
    return tuple(out)


def population_line(report: Report) -> str:
    """How many people the figures are for, and whether that number is assumed."""
    m = report.metrics
    assumed = " (an assumed number)." if m.population_is_default else "."
    return f"Figures are for {fmt.people(m.population)} people starting per period{assumed}"


def _next_steps(report: Report, flow: TouchpointFlow) -> str:
    """Where the arrows from a step lead; alternatives with the share that takes each."""
    out = []
    for e in report.edges:
        if e.source == flow.touchpoint:
            share = f" ({fmt.percent(e.shown_share)})" if e.kind == "alternative" else ""
            out.append(f"{e.target}{share}")
    return ", ".join(out)


def map_rows(report: Report) -> tuple[dict[str, str], ...]:
    """The map's text alternative: one row per step, in telling order."""
    stages = {s.id: s.name for s in report.stages}
    return tuple(
        {
            "id": t.touchpoint,
            "name": t.name,
            "agency": report.agency(t.agency).name,
            "stage": stages.get(t.stage, t.stage) if t.stage else "",
            "channel": t.channel.replace("_", " ") if t.channel else "",
            "median": fmt.days(t.median_days) if t.median_days is not None else "",
            "drop_off": fmt.percent(t.drop_off_rate) if t.drop_off_rate else "",
            "lost": fmt.people(t.people_lost) if t.people_lost else "",
            "again": ", ".join(report.item(i).name for i in t.asks_again),
            "next": _next_steps(report, t),
        }
        for t in report.in_order()
    )


def findings(report: Report) -> tuple[dict[str, str], ...]:
    """The ranked findings, as the analysis wrote them."""
    return tuple(
        {
            "severity": f.severity,
            "title": f.title,
            "detail": f.detail,
            "recommendation": f.recommendation,
            "evidence": f.evidence,
        }
        for f in report.findings
    )


def data_matrix(report: Report) -> tuple[tuple[MatrixGroup, ...], tuple[MatrixRow, ...]]:
    """Information x steps: columns grouped by agency, rows most asked first.

    A cell is "asked", "again" (the item was asked for before, or is asked again on a loop)
    or empty.
    """
    groups = []
    columns: list[TouchpointFlow] = []
    for agency in report.agencies:
        asking = [report.touchpoint(t) for t in agency.touchpoints]
        asking = [t for t in asking if t.asks]
        if asking:
            groups.append(MatrixGroup(agency.id, tuple((t.touchpoint, t.name) for t in asking)))
            columns += asking
    asked = [i for i in report.data_items if i.asked_at]
    ranked = sorted(asked, key=lambda i: (-len(i.asked_at), i.id))
    duplicated = {d.item for d in report.duplicate_requests}
    rows = []
    for item in ranked:
        cells = tuple(
            ("again" if item.id in c.asks_again else "asked") if item.id in c.asks else ""
            for c in columns
        )
        rows.append(MatrixRow(item.name, cells, len(item.asked_at), item.id in duplicated))
    return tuple(groups), tuple(rows)


def handoff_matrix(
    report: Report,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The agencies (id, name) and, per agency that hands people on, people per destination."""
    ids = [a.id for a in report.agencies]
    rows = []
    for a in ids:
        row = report.handoff_matrix.get(a, {})
        if row:
            rows.append((a, tuple(fmt.people(row[b]) if b in row else "" for b in ids)))
    return tuple((a.id, a.name) for a in report.agencies), tuple(rows)


def funnel(report: Report) -> tuple[tuple[Bar, ...], float]:
    """Bars of the drop-off funnel (``TouchpointFlow.reach_per_1000`` and ``lost_per_1000``,
    in telling order) and its height."""
    bars = []
    for i, t in enumerate(report.in_order()):
        bars.append(
            Bar(
                label=f"{t.touchpoint} {t.name}",
                agency=t.agency,
                people=fmt.people(t.reach_per_1000),
                y=i * BAR_STEP,
                width=max(1.0, BAR_WIDTH * min(t.reach, 1.0)),
                lost=fmt.people(t.lost_per_1000),
            )
        )
    return tuple(bars), max(BAR_STEP, BAR_STEP * len(bars))


@dataclass(frozen=True)
class Curve:
    """The satisfaction or emotion curve: its points, kind, SVG path and width."""

    points: tuple[Point, ...]
    kind: str
    path: str
    width: float


def feelings(report: Report) -> Curve:
    """Satisfaction (1-5) per step when any step has it, else emotion (-2 to +2)."""
    told = report.in_order()
    values: list[tuple[str, float]] = []
    kind, lo, hi = "", 0.0, 1.0
    if any(t.satisfaction is not None for t in told):
        kind, lo, hi = "satisfaction (1-5)", 1.0, 5.0
        values = [(t.touchpoint, t.satisfaction) for t in told if t.satisfaction is not None]
    elif any(t.emotion is not None for t in told):
        kind, lo, hi = "emotion (-2 to +2)", -2.0, 2.0
        values = [(t.touchpoint, t.emotion) for t in told if t.emotion is not None]
    points = tuple(
        Point(label, 40 + i * 60.0, 10 + 140 * (hi - v) / (hi - lo), f"{v:g}")
        for i, (label, v) in enumerate(values)
    )
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
    return Curve(points, kind, path, 80 + 60.0 * max(0, len(points) - 1))


def pains_and_opportunities(
    report: Report,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(step name, text) of every pain point and every opportunity, in telling order."""
    told = report.in_order()
    return (
        tuple((t.name, p) for t in told for p in t.pain_points),
        tuple((t.name, o) for t in told for o in t.opportunities),
    )


def _is_url(text: str) -> bool:
    return re.match(r"^https?://[^\s<>\"']+$", text) is not None


def sources(report: Report) -> tuple[Source, ...]:
    """The journey's source, then the touchpoints' sources; links only for clean URLs."""
    out = []
    for text in dict.fromkeys([report.context.source, *report.evidence.sources]):
        if text:
            out.append(Source(text, text if _is_url(text) else None))
    return tuple(out)


def evidence_parts(
    report: Report,
) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...], tuple[str, ...]]:
    """Notes on the evidence, touchpoints per evidence kind, names of illustrative steps."""
    e = report.evidence
    illustrative = tuple(report.touchpoint(t).name for t in e.illustrative)
    return e.notes, tuple(e.by_kind.items()), illustrative


def observed(report: Report) -> tuple[str, ...]:
    """Designed vs observed, one line each (empty without an event log)."""
    return tuple(line.strip() for line in observed_lines(report))


def build_context(
    report: Report,
    *,
    map_svg: str | None = None,
    map_note: str | None = None,
    comparison: Comparison | None = None,
) -> NarrativeContext:
    """The documented context the templates render (pure; reads only the Report, and the
    ``comparison`` of the journey with a future state when one is given).

    ``map_svg`` is trusted SVG markup put on the page as is; ``map_note`` says why there is
    no map.
    """
    from markupsafe import Markup

    c = report.context
    groups, rows = data_matrix(report)
    agencies, handoff_rows = handoff_matrix(report)
    bars, height = funnel(report)
    curve = feelings(report)
    pains, opportunities = pains_and_opportunities(report)
    notes, counts, illustrative = evidence_parts(report)
    log = log_sections(report)
    log_parts: dict[str, Any] = {f.name: getattr(log, f.name) for f in fields(log)}
    log_parts["log_warnings"] = log_parts.pop("warnings")
    description = c.persona_description.strip().rstrip(".") if c.persona_description else None
    return NarrativeContext(
        title=report.title,
        journey_id=report.journey,
        life_experience=report.life_experience,
        summary=c.summary.strip() if c.summary else None,
        persona_name=c.persona_name or "The person",
        persona_description=description or None,
        occasion=c.occasion,
        offering=c.offering,
        population_line=population_line(report),
        headlines=headlines(report),
        map_svg=Markup(map_svg) if map_svg else None,
        map_note=None if map_svg else map_note,
        map_rows=map_rows(report),
        stages=stage_stories(report),
        findings=findings(report),
        matrix_groups=groups,
        matrix_rows=rows,
        agencies=agencies,
        handoff_rows=handoff_rows,
        funnel=bars,
        funnel_height=height,
        curve=curve.points,
        curve_kind=curve.kind,
        curve_path=curve.path,
        curve_width=curve.width,
        pain_points=pains,
        opportunities=opportunities,
        evidence_notes=notes,
        evidence_counts=counts,
        illustrative=illustrative,
        sources=sources(report),
        observed=observed(report),
        generator=f"journeymap {__version__}",
        csp=content_security_policy(),
        script=Markup(SCRIPT),
        **log_parts,
        trust_curve=trust_curve(report),
        feedback=feedback_view(report),
        burden=burden_view(report),
        comparison_intro=comparison_intro(comparison, observed=report.observed is not None),
        scenarios=scenario_views(comparison),
    )
