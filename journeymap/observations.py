"""What an event log showed against the journey as designed: the records of
:attr:`Report.observed <journeymap.report.Report.observed>` (conformance, segments, trend,
the observed handoffs, waits and variants). Re-exported by :mod:`journeymap.report`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Literal

from .frozen import FrozenMap, record
from .reconciled import RowsSummary

__all__ = [
    "Cohort",
    "ConformanceSummary",
    "Count",
    "Deviation",
    "DropOffCell",
    "FarOff",
    "Move",
    "ObservedSummary",
    "PeriodRow",
    "PeriodTime",
    "SegmentGap",
    "SegmentRow",
    "SegmentsSummary",
    "Suggestion",
    "TrendEvent",
    "TrendSummary",
    "Variant",
    "Wait",
]


@record
class FarOff:
    """An authored number that the event log contradicts."""

    touchpoint: str
    metric: str
    authored: float
    observed: float


@record
class Count:
    """How many cases (or responses) one value of the log had: an activity no touchpoint
    maps to, a touchpoint visited again, a value no touchpoint matches."""

    value: str
    cases: int


@record
class Move:
    """Cases that moved from ``source`` to ``target`` (touchpoints, or agencies for the
    observed handoffs)."""

    source: str
    target: str
    cases: int


@record
class Wait:
    """The observed median wait on an arrow, over ``cases`` cases (None: too few)."""

    source: str
    target: str
    median_days: float | None
    cases: int


@record
class Variant:
    """One path through the journey as the log shows it, and how many cases took it."""

    path: tuple[str, ...]
    cases: int


@record
class Suggestion:
    """An activity of the log that looks like a touchpoint (a mapping to consider)."""

    activity: str
    touchpoint: str


@record
class Deviation:
    """Cases that depart from the journey as designed: kind "skipped", "out of order", "not
    in the journey" or "repeated", at a touchpoint (``source``/``target`` None) or on a move
    from ``source`` to ``target``."""

    kind: str
    touchpoint: str
    source: str | None
    target: str | None
    cases: int


@record
class DropOffCell:
    """Drop-off at one touchpoint in one segment: dropped of visits, the rate and its 95 %
    Wilson interval (None where the cell is below ``min_cell``)."""

    touchpoint: str
    dropped: int
    visits: int
    rate: float | None
    low: float | None
    high: float | None


@record
class PeriodTime:
    """The median days of one touchpoint in one period, over ``cases`` visits."""

    touchpoint: str
    median_days: float | None
    cases: int


@record
class ConformanceSummary:
    """Directly-follows conformance (``docs/events.md``): cases that fit the journey as
    designed, and deviations as ``(kind, touchpoint, source, target, cases)`` rows: a
    touchpoint row when source and target are None, else a move's row. Kinds: "skipped",
    "out of order", "not in the journey", "repeated"; ``hidden`` rows were under min_cell."""

    cases: int
    fitting: int
    fitting_share: float | None
    deviations: tuple[Deviation, ...]
    hidden: int = 0


@record
class Cohort:
    """Completion in a cohort of cases (a segment, a period): ``completed`` of the ``closed``
    cases that had time to finish, the share and its 95 % Wilson interval (None where too
    few cases)."""

    completed: int
    closed: int
    completion: float | None
    completion_low: float | None
    completion_high: float | None


@record
class SegmentRow(Cohort):
    """One segment: completion with its 95 % Wilson interval, median days to finish with a
    95 % interval, drop-off per touchpoint."""

    value: str
    cases: int
    median_days: float | None
    median_low: float | None
    median_high: float | None
    drop_off: tuple[DropOffCell, ...]


@record
class SegmentsSummary:
    """Segments of one case attribute; the widest gaps between them; small ones hidden."""

    column: str
    segments: tuple[SegmentRow, ...]
    findings: tuple[SegmentGap, ...]
    hidden_segments: int
    hidden_cases: int


@record
class PeriodRow(Cohort):
    """One period: arrivals, completion (cohort), median days per touchpoint and per
    handoff."""

    label: str
    arrivals: int
    touchpoints: tuple[PeriodTime, ...]
    handoffs: tuple[Wait, ...]


@record
class TrendSummary:
    """The log per period (month, federal fiscal quarter or year); surges and slowdowns."""

    every: str
    periods: tuple[PeriodRow, ...]
    findings: tuple[TrendEvent, ...]


@record
class ObservedSummary(RowsSummary):
    """Designed vs observed: what an event log showed, and where the journey file differs."""

    first_event: str | None
    last_event: str | None
    unmapped_activities: tuple[Count, ...]
    cases: int
    completed: int
    abandoned: int
    open: int
    convention: str
    min_cell: int
    replaced: tuple[str, ...]
    never_seen: tuple[str, ...]
    unexpected_transitions: tuple[Move, ...]
    handoffs: tuple[Move, ...]
    rework: tuple[Count, ...]
    variants: tuple[Variant, ...]
    far_off: tuple[FarOff, ...]
    case_median_days: float | None
    case_p90_days: float | None
    notes: tuple[str, ...]
    cases_seen: int = 0
    cases_rejected: Mapping[str, int] = field(default_factory=FrozenMap)
    completion: float | None = None
    cohort_cases: int = 0
    cohort_horizon_days: float | None = None
    designed_completion: float | None = None
    ends_used: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    waits: tuple[Wait, ...] = ()
    conformance: ConformanceSummary | None = None
    segments: SegmentsSummary | None = None
    trend: TrendSummary | None = None
    completed_median_days: float | None = None
    completed_p90_days: float | None = None


@record
class SegmentGap:
    """A gap between two segments whose 95 % Wilson intervals do not overlap: completion
    (``touchpoint`` None) or the drop-off at ``touchpoint``, the segment with the higher
    rate first. :attr:`sentence` phrases it, once for every face."""

    column: str
    kind: Literal["completion", "drop_off"]
    touchpoint: str | None
    high_value: str
    high_rate: float
    high_low: float
    high_high: float
    low_value: str
    low_rate: float
    low_low: float
    low_high: float

    @property
    def gap(self) -> float:
        """The difference of the two rates."""
        return self.high_rate - self.low_rate

    @property
    def subject(self) -> str:
        """What differs: ``completion by channel``, ``drop-off at D3 by channel``."""
        if self.kind == "completion":
            return f"completion by {self.column}"
        return f"drop-off at {self.touchpoint} by {self.column}"

    @property
    def sentence(self) -> str:
        """The gap in words, with both rates and intervals."""
        return (
            f"{self.subject}: {self.high_rate:.0%} for {self.high_value} "
            f"({self.high_low:.0%}-{self.high_high:.0%}) against {self.low_rate:.0%} for "
            f"{self.low_value} ({self.low_low:.0%}-{self.low_high:.0%})"
        )


@record
class TrendEvent:
    """A period beyond the usual spread: a ``surge`` in arrivals, or a ``slowdown`` at
    ``touchpoint`` or of the handoff ``source`` -> ``target`` (median days).
    :attr:`sentence` phrases it, once for every face."""

    kind: Literal["surge", "slowdown"]
    period: str
    value: float
    usual: float
    touchpoint: str | None = None
    source: str | None = None
    target: str | None = None

    @property
    def sentence(self) -> str:
        """The event in words, with the period's value and the usual one."""
        if self.kind == "surge":
            return (
                f"surge: {self.value:,.0f} cases arrived in {self.period}, against a usual "
                f"{self.usual:,.0f} per period"
            )
        what = self.touchpoint if self.touchpoint else f"the handoff {self.source} -> {self.target}"
        return (
            f"slowdown: {what} took a median {self.value:.1f} days in {self.period}, against "
            f"a usual {self.usual:.1f}"
        )
