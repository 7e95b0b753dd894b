"""Customer feedback (OMB Circular A-11 §280) as plain data: what the engine counted and what
the Report shows.

These types sit below the feedback engine (:mod:`journeymap.feedback`, which produces an
:class:`ObservedFeedback`), the analysis (which joins it to the journey into a
:class:`FeedbackSummary`) and the renderers (which read the summary from the Report), so none
of them imports another. They hold counts, shares, touchpoint ids and the journey's own
words: never a respondent identifier, a free-text answer or a row's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

from .frozen import record
from .reconciled import RowsSummary

__all__ = [
    "DRIVERS_V2",
    "INSTRUMENTS",
    "ITEMS_V1",
    "BurdenRow",
    "BurdenSummary",
    "FeedbackCell",
    "FeedbackMeasure",
    "FeedbackRow",
    "FeedbackSummary",
    "ObservedFeedback",
    "RowsRead",
    "Tally",
    "TrustLink",
    "TrustSplit",
    "UnknownValue",
]

#: The instruments journeymap reads.
INSTRUMENTS = ("a11_v1", "a11_v2")
#: A-11 v1 Likert items (1 = strongly disagree ... 5 = strongly agree), in survey order.
ITEMS_V1 = (
    "satisfaction",
    "trust",
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "employee",
)
#: A-11 v2 checklist drivers, kept as ``positive_<driver>`` and ``negative_<driver>`` flags.
DRIVERS_V2 = (
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "humanity",
    "employee",
    "other",
)

MeasureKind = Literal["agree", "positive", "negative"]


# -- what the engine counted ---------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Answers to one item in one cell: how many answered, how many agreed (or flagged the
    driver), and for Likert items the sum of the scores."""

    answered: int
    count: int
    score_total: float | None = None


@dataclass(frozen=True)
class FeedbackCell:
    """The counts of one cell: a touchpoint (None: the whole journey), optionally within one
    period or one segment. A tally is None where fewer than ``min_cell`` answered it."""

    touchpoint: str | None
    period: str | None
    segment: str | None
    responses: int
    agree: dict[str, Tally | None]
    positive: dict[str, Tally | None]
    negative: dict[str, Tally | None]


@dataclass(frozen=True)
class TrustSplit:
    """Trust agreement among responses with and without one driver (journey-wide).

    ``kind``: "negative"/"positive" (v2: the driver flagged as going badly / well) or "agree"
    (v1: the driver's item answered 4-5). The four counts are None where a group has fewer
    than ``min_cell`` responses."""

    driver: str
    kind: MeasureKind
    with_n: int | None
    with_agree: int | None
    without_n: int | None
    without_agree: int | None


@dataclass(frozen=True)
class RowsRead:
    """What an engine read from its files and what became of each row: used, or rejected by
    reason (with a few located examples). The event log's :class:`~journeymap.observed.ObservedLog`
    and the responses' :class:`ObservedFeedback` both start with it."""

    files: tuple[str, ...]
    rows_read: int
    rows_used: int
    rejected: dict[str, int]
    rejected_examples: dict[str, tuple[str, ...]]

    def reconciliation(self) -> dict[str, Any]:
        """These fields as a summary in the Report holds them (file names without folders)."""
        return {
            "files": tuple(PurePath(f).name for f in self.files),
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rejected": dict(self.rejected),
            "rejected_examples": dict(self.rejected_examples),
        }


@dataclass(frozen=True)
class ObservedFeedback(RowsRead):
    """Everything counted in the response files, ready to join to the journey."""

    unknown_values: tuple[tuple[str, int], ...]
    unknown_hidden: tuple[int, int]
    instrument: str
    instrument_note: str
    trust_scale: str | None
    items: tuple[str, ...]
    drivers: tuple[str, ...]
    every: str | None
    by: str | None
    first_submitted: str | None
    last_submitted: str | None
    undated: int
    cells: tuple[FeedbackCell, ...]
    splits: tuple[TrustSplit, ...]
    mapped: tuple[tuple[str, str, str], ...]
    min_cell: int
    notes: tuple[str, ...] = ()


# -- what the Report shows -----------------------------------------------------------------


@record
class UnknownValue:
    """A value of the touchpoint column that matches no touchpoint, and how many responses
    carry it."""

    value: str
    responses: int


@record
class FeedbackMeasure:
    """One measure of one row: the share agreeing (or flagging a driver) with its 95 % Wilson
    interval, and for A-11 v1 Likert items the mean score (1-5). Everything but ``item``,
    ``kind`` and ``suppressed`` is None where fewer than ``min_cell`` answered."""

    item: str
    kind: MeasureKind
    answered: int | None
    share: float | None
    low: float | None
    high: float | None
    mean: float | None = None
    suppressed: bool = False


@record
class FeedbackRow:
    """Feedback at one touchpoint (``touchpoint`` None: the whole journey), in one period or
    segment when those are set. ``response_rate`` = responses / ``people_served`` where the
    number of people served is known (``served_from`` says where it comes from)."""

    touchpoint: str | None
    name: str | None
    period: str | None
    segment: str | None
    responses: int
    measures: tuple[FeedbackMeasure, ...]
    people_served: float | None = None
    response_rate: float | None = None
    served_from: str | None = None

    def measure(self, item: str, kind: MeasureKind = "agree") -> FeedbackMeasure | None:
        """The measure of ``item`` of this kind, or None if the file did not have it."""
        for m in self.measures:
            if m.item == item and m.kind == kind:
                return m
        return None


@record
class TrustLink:
    """How trust agreement differs between responses with and without a driver.

    ``supported``: the two 95 % Wilson intervals do not overlap. An association in these
    responses, not a cause."""

    driver: str
    kind: MeasureKind
    with_n: int | None
    with_share: float | None
    with_low: float | None
    with_high: float | None
    without_n: int | None
    without_share: float | None
    without_low: float | None
    without_high: float | None
    difference: float | None
    supported: bool


@record
class FeedbackSummary(RowsSummary):
    """Customer feedback joined to the journey: per touchpoint, journey-wide, over time and by
    segment, with the reconciliation of the rows and the links between drivers and trust."""

    instrument: str
    instrument_note: str
    trust_scale: str | None
    unknown_touchpoints: tuple[UnknownValue, ...]
    first_submitted: str | None
    last_submitted: str | None
    min_cell: int
    items: tuple[str, ...]
    drivers: tuple[str, ...]
    journey: FeedbackRow
    touchpoints: tuple[FeedbackRow, ...]
    every: str | None
    periods: tuple[FeedbackRow, ...]
    by: str | None
    segments: tuple[FeedbackRow, ...]
    trust_links: tuple[TrustLink, ...]
    method: str
    notes: tuple[str, ...] = ()


@record
class BurdenRow:
    """A touchpoint's forms: their PRA burden estimate per response beside its effort.

    ``burden_hours``: the sum over its forms that carry a burden; ``public_burden_hours``:
    that times the people who reach the touchpoint per period; ``ratio``: effort / burden;
    ``gap``: effort is more than twice the burden estimate."""

    touchpoint: str
    name: str
    forms: tuple[str, ...]
    omb: tuple[str, ...]
    burden_hours: float
    effort_hours: float | None
    ratio: float | None
    people: float
    public_burden_hours: float
    gap: bool


@record
class BurdenSummary:
    """Paperwork burden estimates beside the effort people report, per period."""

    rows: tuple[BurdenRow, ...]
    public_burden_hours: float
    public_effort_hours: float | None
    gap_ratio: float
