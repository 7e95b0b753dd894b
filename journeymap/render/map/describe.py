"""The map's words: the title block above the lanes and the SVG ``<title>``/``<desc>``."""

from __future__ import annotations

from ... import fmt
from ...report import Report
from ..labels import normalize
from .colour import colour_words
from .nodes import short_name
from .options import MapText

__all__ = ["describe_map", "title_lines"]


def title_lines(report: Report, top: int) -> list[str]:
    """The lines of the title block: title, context, size, outcome, time, top findings."""
    m = report.metrics
    lines = [report.title]
    context = [
        f"Life experience: {report.life_experience}" if report.life_experience else "",
        f"Persona: {report.context.persona_name}" if report.context.persona_name else "",
    ]
    if any(context):
        lines.append(" · ".join(c for c in context if c))
    lines.append(
        f"{m.touchpoint_count} touchpoints · {m.agency_count} agencies · "
        f"{fmt.plural(m.handoff_count, 'handoff')} between agencies · "
        f"{fmt.people(m.population)} people start"
        + (" (assumed)" if m.population_is_default else "")
    )
    outcome = [
        f"{fmt.percent(m.completion_rate)} complete",
        f"{fmt.people(m.abandonments)} abandon" if m.abandonments else "",
        f"{fmt.people(m.failures)} end in failure" if m.failures else "",
    ]
    time = []
    if m.critical_path_days is not None:
        time.append(f"critical path {fmt.days(m.critical_path_days)}")
    if m.expected_days_for_completers is not None:
        time.append(f"expected {fmt.days(m.expected_days_for_completers)} for completers")
    if m.expected_effort_hours is not None:
        time.append(f"{fmt.hours(m.expected_effort_hours)} of effort per person")
    lines.append(" · ".join([*(o for o in outcome if o), *time]))
    if report.bottlenecks and top > 0:
        b = report.bottlenecks[0]
        lines.append(
            f"Top bottleneck: {b.name} ({b.agency}), {fmt.percent(b.share)} of expected time"
        )
    if report.duplicate_requests:
        names = [short_name(report, d.item) for d in report.duplicate_requests]
        lines.append(f"Asked more than once: {', '.join(names)}")
    return lines


def describe_map(report: Report, colour_by: str = "time") -> MapText:
    """The map's title and a one-paragraph description (the SVG ``<title>``/``<desc>``).

    Everything comes from the Report: its title, agencies, handoffs, top bottleneck,
    completion and the data items asked for more than once; what the fill shows when it is
    not time (``colour_by``), and the scenario drawn (:attr:`Report.changes`).
    """
    m = report.metrics
    agencies = [a.name for a in report.agencies if a.touchpoints]
    title = normalize(report.title)
    parts = [
        f"Journey map of {title}: {m.touchpoint_count} touchpoints across "
        f"{fmt.plural(m.agency_count, 'agency', 'agencies')} ({', '.join(agencies)}).",
    ]
    if report.handoffs:
        pairs = list(dict.fromkeys(f"{h.from_agency} to {h.to_agency}" for h in report.handoffs))
        ping = report.metrics.ping_pong_count
        parts.append(
            f"{fmt.plural(m.handoff_count, 'handoff')} between agencies "
            f"({', '.join(pairs)})"
            + (f", {ping} of them handing the person back and forth." if ping else ".")
        )
    else:
        parts.append("No handoffs between agencies.")
    if report.bottlenecks:
        b = report.bottlenecks[0]
        parts.append(
            f"Top bottleneck: {b.name} at {b.agency}, {fmt.percent(b.share)} of the expected "
            f"time (median {fmt.days(b.median_days)})."
        )
    parts.append(
        f"{fmt.percent(m.completion_rate)} of the {fmt.people(m.population)} people who start "
        "complete the journey."
    )
    if report.duplicate_requests:
        names = [short_name(report, d.item) for d in report.duplicate_requests]
        parts.append(f"Asked more than once: {', '.join(names)}.")
    if colour_by != "time":
        parts.append(
            f"Fill colour: {colour_words(colour_by)}, grey where there is no data or too "
            "few answers to show."
        )
    changes = report.changes
    if changes is not None:
        title += f", with scenario {normalize(changes.label)}"
        parts.append(
            f"Scenario {normalize(changes.label)} applied: "
            f"{fmt.plural(len(changes.changed), 'touchpoint')} changed, "
            f"{len(changes.added)} added, "
            f"{fmt.plural(len(changes.removed_requests), 'request')} removed."
        )
    if colour_by != "time":
        title += f" (coloured by {colour_by.replace('_', ' ')})"
    return MapText(
        title=f"Journey map: {title}",
        desc=normalize(" ".join(normalize(p) for p in parts)),
    )
