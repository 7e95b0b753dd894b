"""What the fill of a touchpoint means: its share of the expected time (the default), or the
share of customers agreeing on trust or another A-11 driver (``MapOptions.colour_by``).

Agreement comes from :attr:`Report.feedback` alone: the touchpoint's row (not a period's or
a segment's), the "agree" measure (A-11 v1 items answered 4-5), else the "positive" one
(A-11 v2 drivers flagged as going well), with its 95 % Wilson interval. A touchpoint with
no row, no such measure, or a measure suppressed under ``min_cell`` is "no data".
"""

from __future__ import annotations

from ... import fmt
from ...exceptions import UsageError
from ...feedback_types import DRIVERS_V2, ITEMS_V1, FeedbackMeasure
from ...report import Report
from ..phrases import interval as interval_text

__all__ = ["COLOUR_BY", "agreement", "check_colour_by", "colour_words", "measure_line"]

#: What the fill can show: time, trust, or any other A-11 item or driver.
COLOUR_BY: tuple[str, ...] = tuple(dict.fromkeys(("time", "trust", *ITEMS_V1, *DRIVERS_V2)))


def check_colour_by(report: Report, colour_by: str) -> None:
    """Raise :class:`UsageError` when the Report has no feedback for ``colour_by``."""
    if colour_by == "time":
        return
    fb = report.feedback
    if fb is None:
        msg = (
            f"colour_by {colour_by!r} needs customer feedback (A-11 responses), and the "
            "report has none: give feedback files, or colour by 'time'"
        )
        raise UsageError(msg, parameter="colour_by")
    if colour_by not in (*fb.items, *fb.drivers):
        have = ", ".join(dict.fromkeys((*fb.items, *fb.drivers))) or "none"
        msg = (
            f"colour_by {colour_by!r}: the feedback has no such item or driver "
            f"(it has: {have}); colour by one of those, or by 'time'"
        )
        raise UsageError(msg, parameter="colour_by")


def agreement(report: Report, touchpoint: str, colour_by: str) -> FeedbackMeasure | None:
    """The touchpoint's measure of ``colour_by`` (None: no row or no such measure)."""
    if report.feedback is None:
        return None
    for row in report.feedback.touchpoints:
        if row.touchpoint == touchpoint and row.period is None and row.segment is None:
            return row.measure(colour_by, "agree") or row.measure(colour_by, "positive")
    return None


def measure_line(measure: FeedbackMeasure | None, colour_by: str) -> str:
    """The box's line about the measure: ``trust: 82% agree (76%–87%, n=120)`` or no data."""
    name = colour_by.replace("_", " ")
    if measure is None or measure.suppressed or measure.share is None:
        why = "too few answers" if measure is not None and measure.suppressed else "no data"
        return f"{name}: {why}"
    verb = "agree" if measure.kind == "agree" else "say it went well"
    interval = ""
    if measure.low is not None and measure.high is not None:
        interval = f" ({interval_text(measure.low, measure.high)}"
        interval += f", n={measure.answered})" if measure.answered is not None else ")"
    return f"{name}: {fmt.percent(measure.share)} {verb}{interval}"


def colour_words(colour_by: str) -> str:
    """What the fill means, in words (legend, SVG ``<desc>``)."""
    if colour_by == "time":
        return "share of the expected time"
    return f"share agreeing on {colour_by.replace('_', ' ')} (A-11 feedback)"
