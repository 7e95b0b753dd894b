"""The customer-feedback and paperwork-burden sections of the text and Markdown reports.

Read from :attr:`Report.feedback` and :attr:`Report.burden` only. Every share is shown with
its 95 % Wilson interval; a suppressed cell says so instead of a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import fmt
from ..feedback_types import FeedbackMeasure, FeedbackRow, FeedbackSummary
from ..report import Report
from .tables import aligned_lines, markdown_rows

__all__ = ["feedback_lines", "measure_text"]

_KIND = {"agree": "agree", "positive": "went well", "negative": "went badly"}


def measure_text(m: FeedbackMeasure | None, min_cell: int) -> str:
    """``62% (55-69)``, with `` mean 3.9`` for Likert items, or why there is no number."""
    if m is None:
        return ""
    if m.suppressed or m.share is None or m.low is None or m.high is None:
        return f"suppressed (<{min_cell})" if min_cell > 1 else "no answers"
    text = f"{fmt.percent(m.share)} ({fmt.percent(m.low)}-{fmt.percent(m.high)})"
    return text + (f" mean {m.mean:.2f}" if m.mean is not None else "")


def _columns(s: FeedbackSummary, side: str = "negative") -> list[tuple[str, str, str]]:
    """The measures of one table: the items, then the drivers flagged on one ``side``."""
    cols = [(i, "agree", f"{i} agree") for i in s.items] if side == "negative" else []
    mark = "-" if side == "negative" else "+"
    cols += [(d, side, f"{d} {mark}") for d in s.drivers]
    return [c for c in cols if s.journey.measure(c[0], c[1]) is not None]  # type: ignore[arg-type]


def _cells(s: FeedbackSummary, r: FeedbackRow, side: str = "negative") -> list[str]:
    return [
        measure_text(r.measure(i, k), s.min_cell)  # type: ignore[arg-type]
        for i, k, _ in _columns(s, side)
    ]


def _where(r: FeedbackRow) -> str:
    return r.touchpoint or "journey"


def _table(
    header: Sequence[str], body: Sequence[Sequence[str]], markdown: bool, indent: str = "  "
) -> list[str]:
    if markdown:
        return ["", *markdown_rows(header, body), ""]
    return aligned_lines(header, body, indent=indent)


def _say(lines: Sequence[str], markdown: bool) -> list[str]:
    """Plain lines; in Markdown each becomes a bullet (escaped)."""
    if not markdown:
        return list(lines)
    return [f"- {fmt.markdown_text(line.strip())}" if line.strip() else "" for line in lines]


def _head(s: FeedbackSummary) -> list[str]:
    rejected = ", ".join(f"{k}: {v:,}" for k, v in s.rejected.items()) or "none"
    when = f", submitted {s.first_submitted} to {s.last_submitted}" if s.first_submitted else ""
    out = [
        f"Responses from {', '.join(s.files)}: instrument {s.instrument_note}"
        + (f", trust on a {s.trust_scale} scale" if s.trust_scale else "")
        + when,
        f"Rows: {s.rows_read:,} read = {s.rows_used:,} used + "
        f"{s.rows_read - s.rows_used:,} rejected ({rejected})",
    ]
    out += [f"  first rows with {k}: {'; '.join(v)}" for k, v in s.rejected_examples.items()]
    if s.unknown_touchpoints:
        shown = ", ".join(f"{u.value!r} ({u.responses:,})" for u in s.unknown_touchpoints[:8])
        out.append(f"Touchpoint values not matched (map them to touchpoint ids): {shown}")
    j = s.journey
    rate = f", {fmt.percent(j.response_rate)} of visits" if j.response_rate else ""
    out.append(f"Whole journey: {fmt.plural(j.responses, 'response')}{rate}")
    out.append(
        f"Shares are of the answers given, with 95 % Wilson intervals; cells from fewer than "
        f"{s.min_cell} answers are suppressed; + / - are the drivers flagged as what went "
        "well / badly"
        if s.drivers
        else f"Shares are of the answers given, with 95 % Wilson intervals; cells from fewer "
        f"than {s.min_cell} answers are suppressed"
    )
    return out


def _links(s: FeedbackSummary) -> list[str]:
    out = []
    for link in s.trust_links:
        if link.kind == "positive" or link.with_share is None or link.without_share is None:
            continue
        side = {"negative": "flagged as going badly", "positive": "flagged as going well"}.get(
            link.kind, "rated 1-3"
        )
        verdict = "intervals do not overlap" if link.supported else "no clear difference"
        out.append(
            f"  {link.driver} {side}: trust {fmt.percent(link.with_share)} "
            f"(n {link.with_n:,}) vs {fmt.percent(link.without_share)} otherwise "
            f"(n {link.without_n:,}); {verdict}"
        )
    if out:
        out.insert(0, "Drivers and trust across the journey (an association, not a cause):")
    return out


def _burden(report: Report, markdown: bool) -> list[str]:
    b = report.burden
    if b is None:
        return []
    body = [
        [
            r.touchpoint,
            ", ".join(r.forms),
            ", ".join(r.omb),
            fmt.hours(r.burden_hours),
            fmt.hours(r.effort_hours) if r.effort_hours is not None else "",
            f"{r.ratio:.1f}x" if r.ratio is not None else "",
            f"{r.public_burden_hours:,.0f}",
            "gap" if r.gap else "",
        ]
        for r in b.rows
    ]
    effort = (
        f" against {b.public_effort_hours:,.0f} hours of effort people report there"
        if b.public_effort_hours is not None
        else ""
    )
    return [
        *_say(
            [
                f"Paperwork burden: {b.public_burden_hours:,.0f} public burden hours per period "
                f"by the forms' PRA estimates{effort}; a gap is effort more than "
                f"{b.gap_ratio:g}x the estimate"
            ],
            markdown,
        ),
        *_table(
            ("id", "forms", "OMB", "burden", "effort", "ratio", "hours/period", ""),
            body,
            markdown,
        ),
    ]


def feedback_lines(report: Report, *, markdown: bool = False) -> list[str]:
    """The feedback section (and the burden table), as lines of text or Markdown."""
    s = report.feedback
    out: list[str] = []
    if s is not None:
        header = ["", "responses", "rate", *(c[2] for c in _columns(s))]
        rows = [s.journey, *s.touchpoints]
        body = [
            [
                _where(r),
                f"{r.responses:,}",
                fmt.percent(r.response_rate) if r.response_rate else "",
                *_cells(s, r),
            ]
            for r in rows
        ]
        out += [*_say(_head(s), markdown), *_table(header, body, markdown)]
        if _columns(s, "positive"):
            out += [
                "",
                *_say(["What went well (share of responses flagging each driver):"], markdown),
            ]
            body = [[_where(r), *_cells(s, r, "positive")] for r in rows]
            out += _table(["", *(c[2] for c in _columns(s, "positive"))], body, markdown)
        for label, key, group in (
            (s.every, "period", s.periods),
            (s.by, "segment", s.segments),
        ):
            if not group:
                continue
            out += ["", *_say([f"By {label}:"], markdown)]
            body = [
                [getattr(r, key) or "", _where(r), f"{r.responses:,}", *_cells(s, r)] for r in group
            ]
            head = [label or key, "", "responses", *(c[2] for c in _columns(s))]
            out += _table(head, body, markdown)
        links = _links(s)
        if links:
            out += ["", *_say(links, markdown)]
        out += _say([f"Note: {n}" for n in s.notes], markdown)
    burden = _burden(report, markdown)
    if burden:
        out += ["", *burden] if out else burden
    return out
