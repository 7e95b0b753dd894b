"""Context for the event-log sections of the page: headline warnings, conformance, segments and
the trend over time (an SVG of arrivals per period with a table alternative).

Reads only the Report's :class:`~journeymap.report.ObservedSummary`; every value is a string
formatted with :mod:`journeymap.fmt`, as the text report shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ... import fmt
from ...report import Report
from ..evidence_text import deviation_where
from .contract import Point

__all__ = ["LogSections", "log_sections"]

#: Trend chart geometry (SVG units): left margin, step between periods, plot height.
_LEFT, _STEP, _HEIGHT = 50.0, 70.0, 150.0


@dataclass(frozen=True)
class LogSections:
    """Everything the event-log partials show (empty without an event log)."""

    warnings: tuple[str, ...] = ()
    conformance_summary: str = ""
    conformance_rows: tuple[tuple[str, str, str], ...] = ()
    segment_column: str = ""
    segment_rows: tuple[dict[str, str], ...] = ()
    segment_findings: tuple[str, ...] = ()
    trend_every: str = ""
    trend_rows: tuple[dict[str, str], ...] = ()
    trend_findings: tuple[str, ...] = ()
    trend_points: tuple[Point, ...] = ()
    trend_path: str = ""
    trend_width: float = 0.0


def _interval(value: float | None, low: float | None, high: float | None) -> tuple[str, str]:
    if value is None or low is None or high is None:
        return "suppressed", ""
    return fmt.percent(value), f"{fmt.percent(low)} to {fmt.percent(high)}"


def _segments(report: Report) -> tuple[tuple[dict[str, str], ...], tuple[str, ...], str]:
    o = report.observed
    if o is None or o.segments is None:
        return (), (), ""
    rows = []
    for s in o.segments.segments:
        rate, interval = _interval(s.completion, s.completion_low, s.completion_high)
        worst = max(
            (d for d in s.drop_off if d.rate is not None), key=lambda d: d.rate or 0.0, default=None
        )
        rows.append(
            {
                "value": s.value,
                "cases": f"{s.cases:,}",
                "completion": rate,
                "interval": interval,
                "median": fmt.days(s.median_days) if s.median_days is not None else "suppressed",
                "median_interval": (
                    f"{fmt.days(s.median_low)} to {fmt.days(s.median_high)}"
                    if s.median_low is not None and s.median_high is not None
                    else ""
                ),
                "worst_drop_off": (
                    f"{worst.touchpoint}: {fmt.percent(worst.rate or 0.0)}"
                    if worst is not None
                    else ""
                ),
            }
        )
    if o.segments.hidden_segments:
        rows.append(
            {
                "value": f"{o.segments.hidden_segments:,} smaller segments (not named)",
                "cases": f"{o.segments.hidden_cases:,}",
                "completion": "",
                "interval": "",
                "median": "",
                "median_interval": "",
                "worst_drop_off": "",
            }
        )
    return tuple(rows), tuple(f.sentence for f in o.segments.findings), o.segments.column


def _trend(report: Report) -> LogSections:
    """The trend's fields of the sections (the others left empty)."""
    o = report.observed
    if o is None or o.trend is None or not o.trend.periods:
        return LogSections()
    periods = o.trend.periods
    top = max(p.arrivals for p in periods) or 1
    points = tuple(
        Point(p.label, _LEFT + i * _STEP, 10 + _HEIGHT * (1 - p.arrivals / top), f"{p.arrivals:,}")
        for i, p in enumerate(periods)
    )
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
    rows = []
    for p in periods:
        rate, interval = _interval(p.completion, p.completion_low, p.completion_high)
        slowest = max(
            (t for t in p.touchpoints if t.median_days is not None),
            key=lambda t: t.median_days or 0.0,
            default=None,
        )
        rows.append(
            {
                "label": p.label,
                "arrivals": f"{p.arrivals:,}",
                "completion": rate if p.completion is not None else "too recent or too few",
                "interval": interval,
                "slowest": (
                    f"{slowest.touchpoint}: {fmt.days(slowest.median_days or 0.0)}"
                    if slowest
                    else ""
                ),
            }
        )
    return LogSections(
        trend_every=o.trend.every,
        trend_rows=tuple(rows),
        trend_findings=tuple(f.sentence for f in o.trend.findings),
        trend_points=points,
        trend_path=path,
        trend_width=2 * _LEFT + _STEP * max(0, len(points) - 1),
    )


def log_sections(report: Report) -> LogSections:
    """The event-log sections' context (empty without an event log)."""
    o = report.observed
    if o is None:
        return LogSections()
    c = o.conformance
    share = fmt.percent(c.fitting_share) if c and c.fitting_share is not None else "n/a"
    summary = f"{c.fitting:,} of {c.cases:,} cases ({share}) follow the journey" if c else ""
    rows = tuple(
        (d.kind, deviation_where(d), f"{d.cases:,}")
        for d in (o.conformance.deviations if o.conformance else ())
    )
    seg_rows, seg_findings, column = _segments(report)
    return replace(
        _trend(report),
        warnings=o.warnings,
        conformance_summary=summary,
        conformance_rows=rows,
        segment_column=column,
        segment_rows=seg_rows,
        segment_findings=seg_findings,
    )
