"""Customer feedback and paperwork burden for the page: from :attr:`Report.feedback` and
:attr:`Report.burden` only.

Every share is shown with its 95 % Wilson interval and the number of answers behind it; a
cell under the small-cell threshold says "suppressed" instead of a number. The charts and
their tables are built from the same :class:`IntervalPoint` records, so they cannot differ.
"""

from __future__ import annotations

from collections.abc import Sequence

from ... import fmt
from ...feedback_types import FeedbackMeasure, FeedbackRow, FeedbackSummary, MeasureKind
from ...report import Report, TouchpointFlow
from .contract import BurdenView, FeedbackTable, FeedbackView, IntervalChart, IntervalPoint

__all__ = [
    "burden_view",
    "feedback_view",
    "interval_chart",
    "interval_text",
    "measure_cell",
    "trust_curve",
]

#: Chart geometry (SVG units): the left margin for the axis, the width of a column, and
#: the top and bottom of the 0-100 % scale.
LEFT = 64.0
COLUMN = 76.0
TOP = 24.0
BOTTOM = 184.0
#: Labels longer than this are cut in the chart (the table beside it has them whole).
LABEL_CHARS = 11

_SIDE = {"agree": "agree", "positive": "went well", "negative": "went badly"}


def interval_text(low: float, high: float) -> str:
    """``(0.412, 0.489)`` -> ``'41%–49%'``."""
    return f"{fmt.percent(low)}–{fmt.percent(high)}"


def _why_none(m: FeedbackMeasure | None, min_cell: int) -> str:
    if m is None:
        return "no responses"
    if m.suppressed:
        return f"suppressed (fewer than {min_cell} answers)"
    return "no answers"


def measure_cell(m: FeedbackMeasure | None, min_cell: int) -> str:
    """``'45% (41%–49%), n 640'`` (Likert items add the mean), or why there is no number."""
    if m is None or m.share is None or m.low is None or m.high is None or m.answered is None:
        return _why_none(m, min_cell)
    text = f"{fmt.percent(m.share)} ({interval_text(m.low, m.high)}), n {m.answered:,}"
    return text + (f", mean {m.mean:.2f}" if m.mean is not None else "")


def _y(share: float) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * share, 1)


def _point(
    i: int,
    label: str,
    name: str,
    m: FeedbackMeasure | None,
    min_cell: int,
    authored: str = "",
) -> IntervalPoint:
    x = LEFT + COLUMN * (i + 0.5)
    if m is None or m.share is None or m.low is None or m.high is None or m.answered is None:
        return IntervalPoint(
            label, name, x, None, None, None, "", "", "", _why_none(m, min_cell), authored
        )
    return IntervalPoint(
        label=label,
        name=name,
        x=x,
        y=_y(m.share),
        y_low=_y(m.low),
        y_high=_y(m.high),
        share=fmt.percent(m.share),
        interval=interval_text(m.low, m.high),
        n=f"{m.answered:,}",
        status="measured",
        authored=authored,
    )


def interval_chart(points: Sequence[IntervalPoint]) -> IntervalChart:
    """The chart of ``points``: width, height, gridlines every 25 % and the line through
    the measured points (broken where a point has no number)."""
    grid = tuple((_y(v / 4), f"{v * 25}%") for v in range(5))
    path, pen = [], "M"
    for p in points:
        if p.y is None:
            pen = "M"
            continue
        path.append(f"{pen}{p.x:.1f},{p.y:.1f}")
        pen = "L"
    return IntervalChart(
        points=tuple(points),
        width=LEFT + COLUMN * max(1, len(points)) + 32,
        height=BOTTOM + 52,
        grid=grid,
        path=" ".join(path),
    )


def _authored(flow: TouchpointFlow) -> str:
    if flow.satisfaction is not None:
        return f"satisfaction {flow.satisfaction:g}"
    if flow.emotion is not None:
        return f"emotion {flow.emotion:+g}"
    return ""


def trust_curve(report: Report) -> IntervalChart | None:
    """Measured trust per step in telling order, each with the step's authored score;
    None without feedback or without a trust measure."""
    s = report.feedback
    if s is None or s.journey.measure("trust") is None:
        return None
    rows = {r.touchpoint: r for r in s.touchpoints}
    points = []
    for i, t in enumerate(report.in_order()):
        row = rows.get(t.touchpoint)
        m = row.measure("trust") if row else None
        points.append(_point(i, t.touchpoint, t.name, m, s.min_cell, _authored(t)))
    return interval_chart(points)


def _columns(s: FeedbackSummary, kind: MeasureKind) -> list[str]:
    names = s.items if kind == "agree" else s.drivers
    return [n for n in names if s.journey.measure(n, kind) is not None]


def _row_label(r: FeedbackRow, *, named: bool = False) -> str:
    if r.touchpoint is None:
        return "Whole journey"
    return f"{r.touchpoint} {r.name}" if named else r.touchpoint


def _rate(r: FeedbackRow) -> str:
    return fmt.percent(r.response_rate) if r.response_rate else ""


def _tables(s: FeedbackSummary) -> tuple[FeedbackTable, ...]:
    """Per step (the whole journey first): the items agreed with, then the drivers flagged
    as going badly, then as going well."""
    captions = {
        "agree": "Share who agree, per step, with 95 % intervals and answers (n)",
        "negative": "Share flagging each driver as what went badly, per step",
        "positive": "Share flagging each driver as what went well, per step",
    }
    out = []
    kinds: tuple[MeasureKind, ...] = ("agree", "negative", "positive")
    for kind in kinds:
        cols = _columns(s, kind)
        if not cols:
            continue
        body = tuple(
            (
                _row_label(r, named=kind == "agree"),
                (
                    f"{r.responses:,}",
                    _rate(r),
                    *(measure_cell(r.measure(c, kind), s.min_cell) for c in cols),
                ),
            )
            for r in (s.journey, *s.touchpoints)
        )
        label = "agree" if kind == "agree" else _SIDE[kind]
        out.append(
            FeedbackTable(
                captions[kind],
                ("Responses", "Response rate", *(f"{c} ({label})" for c in cols)),
                body,
            )
        )
    return tuple(out)


def _links(s: FeedbackSummary) -> tuple[dict[str, str], ...]:
    out = []
    for link in sorted(s.trust_links, key=lambda k: k.kind != "negative"):
        if (
            link.with_share is None
            or link.without_share is None
            or link.with_low is None
            or link.with_high is None
            or link.without_low is None
            or link.without_high is None
        ):
            continue
        out.append(
            {
                "driver": link.driver,
                "side": {"negative": "went badly", "positive": "went well"}.get(
                    link.kind, "rated 1-3"
                ),
                "with": f"{fmt.percent(link.with_share)} "
                f"({interval_text(link.with_low, link.with_high)}), n {link.with_n:,}",
                "without": f"{fmt.percent(link.without_share)} "
                f"({interval_text(link.without_low, link.without_high)}), "
                f"n {link.without_n:,}",
                "difference": f"{(link.difference or 0) * 100:+.0f} points".replace("-", "−"),
                "verdict": "intervals do not overlap" if link.supported else "no clear difference",
            }
        )
    return tuple(out)


def _over(
    s: FeedbackSummary, rows: Sequence[FeedbackRow], key: str, caption: str
) -> tuple[IntervalChart | None, FeedbackTable | None]:
    """Journey-wide trust per period or segment (a chart), and trust per step and period or
    segment (a table)."""
    values = list(dict.fromkeys(getattr(r, key) for r in rows if getattr(r, key) is not None))
    if not values or s.journey.measure("trust") is None:
        return None, None
    whole = {getattr(r, key): r for r in rows if r.touchpoint is None}
    points = [
        _point(
            i,
            v,
            v,
            whole[v].measure("trust") if v in whole else None,
            s.min_cell,
        )
        for i, v in enumerate(values)
    ]
    cells = {(r.touchpoint, getattr(r, key)): r.measure("trust") for r in rows}
    body = tuple(
        (
            _row_label(r),
            tuple(
                measure_cell(cells.get((r.touchpoint, v)), s.min_cell)
                if (r.touchpoint, v) in cells
                else "no responses"
                for v in values
            ),
        )
        for r in (s.journey, *s.touchpoints)
    )
    return interval_chart(points), FeedbackTable(caption, tuple(values), body)


def _summary(s: FeedbackSummary) -> tuple[str, ...]:
    rejected = ", ".join(f"{k}: {v:,}" for k, v in s.rejected.items()) or "none"
    when = f", submitted {s.first_submitted} to {s.last_submitted}" if s.first_submitted else ""
    scale = f", trust on a {s.trust_scale} scale" if s.trust_scale else ""
    out = [
        f"Responses from {', '.join(s.files)}: {s.instrument_note}{scale}{when}.",
        f"Rows: {s.rows_read:,} read, {s.rows_used:,} used, "
        f"{s.rows_read - s.rows_used:,} rejected ({rejected}).",
        f"Shares are of the answers given, with 95 % Wilson intervals and the number of "
        f"answers (n); a cell with fewer than {s.min_cell} answers is suppressed.",
    ]
    if s.unknown_touchpoints:
        shown = ", ".join(f"{u.value} ({u.responses:,})" for u in s.unknown_touchpoints[:8])
        out.append(f"Touchpoint values not matched to a step: {shown}.")
    return tuple(out)


def feedback_view(report: Report) -> FeedbackView | None:
    """The customer-feedback section (None without feedback)."""
    s = report.feedback
    if s is None:
        return None
    trend, trend_table = _over(
        s, s.periods, "period", f"Trust per step and {s.every}, with 95 % intervals"
    )
    segments, segment_table = _over(
        s, s.segments, "segment", f"Trust per step and {s.by}, with 95 % intervals"
    )
    trust = s.journey.measure("trust")
    return FeedbackView(
        summary=_summary(s),
        trust_label=(
            f"{measure_cell(trust, s.min_cell)} of respondents agree they trust the service"
            if trust is not None
            else ""
        ),
        tables=_tables(s),
        links=_links(s),
        findings=tuple(
            {
                "severity": f.severity,
                "title": f.title,
                "detail": f.detail,
                "recommendation": f.recommendation,
            }
            for f in report.findings
            if f.kind in ("feedback", "burden")
        ),
        every=s.every or "",
        trend=trend,
        trend_table=trend_table,
        by=s.by or "",
        segments=segments,
        segment_table=segment_table,
        notes=(s.method, *s.notes) if s.method else s.notes,
    )


def burden_view(report: Report) -> BurdenView | None:
    """Paperwork burden beside effort (None when no form carries a burden estimate)."""
    b = report.burden
    if b is None or not b.rows:
        return None
    effort = (
        f", against {b.public_effort_hours:,.0f} hours of effort the journey file gives "
        "for those steps"
        if b.public_effort_hours is not None
        else ""
    )
    summary = (
        f"The forms' Paperwork Reduction Act estimates come to {b.public_burden_hours:,.0f} "
        f"public burden hours per period{effort}. A gap is effort more than "
        f"{b.gap_ratio:g} times the estimate."
    )
    rows = tuple(
        {
            "step": f"{r.touchpoint} {r.name}",
            "forms": ", ".join(r.forms),
            "omb": ", ".join(r.omb),
            "burden": fmt.hours(r.burden_hours),
            "effort": fmt.hours(r.effort_hours) if r.effort_hours is not None else "",
            "ratio": f"{r.ratio:.1f}×" if r.ratio is not None else "",
            "hours": f"{r.public_burden_hours:,.0f}",
            "gap": "yes" if r.gap else "no",
        }
        for r in b.rows
    )
    return BurdenView(summary, rows)
