"""Designed vs observed as plain lines, the same for text, Markdown and the HTML narrative:
what the event log held, what it replaced, and where the journey file differs from it."""

from __future__ import annotations

from .. import fmt
from ..report import Move, Report
from .evidence_text import conformance_lines, outcome_lines, segment_lines, trend_lines
from .phrases import ARROW

__all__ = ["observed_lines"]


def observed_lines(report: Report) -> list[str]:
    """Designed vs observed, as plain lines (the same for text and Markdown)."""
    o = report.observed
    if o is None:
        return []
    rejected = ", ".join(f"{reason}: {n:,}" for reason, n in o.rejected.items()) or "none"
    out = [
        f"Event log {', '.join(o.files)}: {o.cases:,} cases, {o.first_event} to {o.last_event}",
        f"Rows: {o.rows_read:,} read = {o.rows_used:,} used + "
        f"{o.rows_read - o.rows_used:,} rejected ({rejected})",
        f"Cases: {o.completed:,} reached an end, {o.abandoned:,} abandoned, {o.open:,} still open",
        *outcome_lines(report),
        f"Timing convention: {o.convention}",
        f"Observed numbers replace authored ones at: {', '.join(o.replaced) or 'none'}"
        + (
            f" (statistics from fewer than {o.min_cell} cases suppressed)" if o.min_cell > 1 else ""
        ),
    ]
    for reason, rows in o.rejected_examples.items():
        out.append(f"  first rows with {reason}: {'; '.join(rows)}")
    if o.unmapped_activities:
        shown = ", ".join(f"{c.value!r} ({c.cases:,})" for c in o.unmapped_activities[:8])
        out.append(f"Activities not mapped to a touchpoint (use --map): {shown}")
    if o.never_seen:
        out.append(f"Touchpoints never seen in the log: {', '.join(o.never_seen)}")
    if o.unexpected_transitions:
        shown = ", ".join(_move(m) for m in o.unexpected_transitions[:8])
        out.append(f"Transitions in the log that the journey lacks: {shown}")
    if o.handoffs:
        shown = ", ".join(_move(m) for m in o.handoffs[:8])
        out.append(f"Handoffs observed between agencies: {shown}")
    if o.rework:
        out.append(
            "Rework (visits beyond a case's first at a touchpoint): "
            + ", ".join(f"{c.value} ({c.cases:,})" for c in o.rework)
        )
    for f in o.far_off:
        out.append(
            f"Far off: {f.touchpoint} {f.metric} authored {_far_value(f.metric, f.authored)}, "
            f"observed {_far_value(f.metric, f.observed)}"
        )
    if o.variants:
        out.append("Most frequent paths:")
        for v in o.variants[:5]:
            out.append(f"  {fmt.plural(v.cases, 'case')}: {ARROW.join(v.path)}")
    out += conformance_lines(o.conformance) + segment_lines(o.segments) + trend_lines(o.trend)
    out += [f"Note: {n}" for n in o.notes]
    return out


def _move(m: Move) -> str:
    return f"{m.source} → {m.target} ({m.cases:,})"


def _far_value(metric: str, value: float) -> str:
    if metric.endswith("days"):
        return fmt.days(value)
    if metric in ("drop_off", "share"):
        return fmt.percent(value)
    return fmt.number(value)
