"""Event-log evidence as plain lines: headline warnings, completion against the design,
conformance, segments and the trend over time (the same lines for text, Markdown and HTML).

Reads only the :class:`~journeymap.report.ObservedSummary` of a Report. No case id is ever
in it; cells from fewer than ``min_cell`` cases arrive already suppressed (None).
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import fmt
from ..report import (
    ConformanceSummary,
    Deviation,
    PeriodRow,
    Report,
    SegmentRow,
    SegmentsSummary,
    TrendSummary,
)

__all__ = [
    "conformance_lines",
    "headline_warnings",
    "outcome_lines",
    "segment_lines",
    "trend_lines",
]


def headline_warnings(report: Report) -> tuple[str, ...]:
    """What an analyst must know before trusting the observed numbers (first lines)."""
    return report.observed.warnings if report.observed is not None else ()


def _rate(value: float | None, low: float | None, high: float | None) -> str:
    if value is None or low is None or high is None:
        return "suppressed"
    return f"{fmt.percent(value)} ({fmt.percent(low)}-{fmt.percent(high)})"


def _days(value: float | None) -> str:
    return "suppressed" if value is None else fmt.days(value)


def outcome_lines(report: Report) -> list[str]:
    """Cases reconciled, and completion of the cohort that had time to finish."""
    o = report.observed
    if o is None:
        return []
    rejected = ", ".join(f"{r}: {n:,}" for r, n in o.cases_rejected.items())
    out = [
        f"Cases reconciled: {o.cases_seen:,} seen = {o.cases:,} used + "
        f"{o.cases_seen - o.cases:,} whose every row was rejected"
        + (f" ({rejected})" if rejected else "")
    ]
    if o.completion is not None:
        horizon = (
            f"that started at least {o.cohort_horizon_days:.0f} days before the end of the log"
            if o.cohort_horizon_days is not None
            else "not still open"
        )
        designed = (
            f"; designed {fmt.percent(o.designed_completion)}"
            if o.designed_completion is not None
            else ""
        )
        out.append(
            f"Completion: {fmt.percent(o.completion)} of the {o.cohort_cases:,} cases {horizon}"
            f"{designed}"
        )
    if o.ends_used:
        out.append(f"Reaching an end: last event at {', '.join(o.ends_used)}")
    if o.waits:
        shown = ", ".join(
            f"{w.source} → {w.target} {fmt.days(w.median_days or 0.0)} ({w.cases:,})"
            for w in o.waits[:8]
        )
        out.append(f"Waits between steps (complete to next start, median): {shown}")
    return out


def deviation_where(d: Deviation) -> str:
    """Where a deviation happens: its move ("start → B") or its touchpoint."""
    return f"{d.source or 'start'} → {d.target}" if d.target else d.touchpoint


def deviation_phrase(d: Deviation) -> str:
    """A deviation in words: "skipped B on A → C", "repeated: B", "out of order: A → C"."""
    if d.kind == "skipped" and d.target:
        return f"skipped {d.touchpoint} on {deviation_where(d)}"
    return f"{d.kind}: {deviation_where(d)}"


def _block(header: str, lines: Iterable[str]) -> list[str]:
    """A header line, then its lines indented under it."""
    return [header, *(f"  {line}" for line in lines)]


def conformance_lines(c: ConformanceSummary | None) -> list[str]:
    """Cases that fit the designed journey, and the deviations with their case counts."""
    if c is None:
        return []
    share = fmt.percent(c.fitting_share) if c.fitting_share is not None else "n/a"
    shown = [f"{fmt.plural(d.cases, 'case')}: {deviation_phrase(d)}" for d in c.deviations[:12]]
    hidden = [f"{c.hidden:,} deviations seen in too few cases to show"] if c.hidden else []
    return _block(
        f"Conformance: {c.fitting:,} of {c.cases:,} cases ({share}) follow the journey",
        [*shown, *hidden],
    )


def _segment_line(row: SegmentRow) -> str:
    mid = (
        f"{_days(row.median_days)} ({_days(row.median_low)}-{_days(row.median_high)})"
        if row.median_days is not None
        else "suppressed"
    )
    return (
        f"{row.value}: {fmt.plural(row.cases, 'case')}, completion "
        f"{_rate(row.completion, row.completion_low, row.completion_high)}, "
        f"median time to finish {mid}"
    )


def segment_lines(s: SegmentsSummary | None) -> list[str]:
    """Completion and time to finish per segment, with 95 % intervals; the widest gaps."""
    if s is None:
        return []
    hidden = (
        [f"{s.hidden_segments:,} smaller segments ({s.hidden_cases:,} cases): counted, not named"]
        if s.hidden_segments
        else []
    )
    return _block(
        f"By {s.column} (completion and days to finish with 95 % intervals):",
        [*map(_segment_line, s.segments), *hidden, *(f"Gap: {f.sentence}" for f in s.findings)],
    )


def _period_line(p: PeriodRow) -> str:
    done = (
        _rate(p.completion, p.completion_low, p.completion_high)
        if p.completion is not None
        else "too recent or too few"
    )
    return f"{p.label}: {p.arrivals:,} arrived, completion {done}"


def trend_lines(t: TrendSummary | None) -> list[str]:
    """Arrivals and completion per period; surges and slowdowns."""
    if t is None:
        return []
    return _block(
        f"Per {t.every}: arrivals, completion (95 % interval):",
        [*map(_period_line, t.periods), *(f"Trend: {f.sentence}" for f in t.findings)],
    )
