"""What an event log showed, as plain data, and how it replaces a journey's authored numbers.

These types sit below both the event-log engine (:mod:`journeymap.events`, which produces an
:class:`ObservedLog`) and the analysis (which consumes one), so neither imports the other.
No case id is ever held here: counts and touchpoint ids only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .durations import Duration
from .feedback_types import RowsRead
from .models import Journey

# What the engine counts for conformance, segments and trends is exactly what the Report shows:
# one set of types (defined in the Report, which renderers read), named here for the engine.
from .report import ConformanceSummary as Conformance
from .report import PeriodRow as ObservedPeriod
from .report import SegmentRow as ObservedSegment
from .report import SegmentsSummary as ObservedSegments
from .report import TrendSummary as ObservedTrend

__all__ = [
    "ColumnMap",
    "Conformance",
    "ObservedLog",
    "ObservedPeriod",
    "ObservedSegment",
    "ObservedSegments",
    "ObservedTouchpoint",
    "ObservedTransition",
    "ObservedTrend",
    "apply_observed",
]


@dataclass(frozen=True)
class ColumnMap:
    """Which columns hold the case id, activity, timestamp and (optional) lifecycle."""

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    lifecycle: str | None = None


@dataclass(frozen=True)
class ObservedTouchpoint:
    """What the log shows at one touchpoint (None where suppressed or unknown)."""

    touchpoint: str
    cases: int
    visits: int
    median_days: float | None
    p90_days: float | None
    mean_days: float | None
    duration_n: int
    dropped: int
    closed_visits: int
    drop_off: float | None
    repeat_visits: int
    suppressed: bool


@dataclass(frozen=True)
class ObservedTransition:
    """Observed moves from one touchpoint to the next."""

    source: str
    target: str
    count: int
    share: float
    median_days: float | None
    p90_days: float | None
    mean_days: float | None
    in_journey: bool
    suppressed: bool
    wait_median_days: float | None = None
    wait_n: int = 0


@dataclass(frozen=True)
class ObservedLog(RowsRead):
    """Everything observed in an event log, ready to merge into the analysis."""

    unmapped_activities: tuple[tuple[str, int], ...]
    duplicates: int
    out_of_order: int
    cases: int
    completed: int
    abandoned: int
    open: int
    first_event: str | None
    last_event: str | None
    convention: str
    touchpoints: dict[str, ObservedTouchpoint]
    transitions: tuple[ObservedTransition, ...]
    case_median_days: float | None
    case_p90_days: float | None
    case_mean_days: float | None
    variants: tuple[tuple[tuple[str, ...], int], ...]
    never_seen: tuple[str, ...]
    min_cell: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    cases_seen: int = 0
    cases_rejected: dict[str, int] = field(default_factory=dict)
    cohort_cases: int = 0
    cohort_completed: int = 0
    cohort_closed: int = 0
    cohort_horizon_days: float | None = None
    completion: float | None = None
    ends_used: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    suggestions: tuple[tuple[str, str], ...] = ()
    conformance: Conformance | None = None
    segments: ObservedSegments | None = None
    trend: ObservedTrend | None = None
    #: First to last event of the cases that reached an end (comparable with the model's
    #: elapsed time, which is for people who finish).
    completed_median_days: float | None = None
    completed_p90_days: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (no case ids: there are none in this object)."""
        from dataclasses import asdict

        data = asdict(self)
        data["variants"] = [{"path": list(p), "cases": n} for p, n in self.variants]
        data["unmapped_activities"] = [
            {"activity": a, "rows": n} for a, n in self.unmapped_activities
        ]
        return data


def apply_observed(journey: Journey, log: ObservedLog) -> tuple[Journey, tuple[str, ...]]:
    """The journey with observed numbers in place of authored ones, and notes on what changed.

    Replaced, per touchpoint seen in at least ``min_cell`` cases: the duration (median, p90,
    mean), ``drop_off``, the shares of its alternatives (when every alternative was seen),
    ``evidence: observed`` and a ``source`` naming the log. Waits on edges into a touchpoint
    whose time was replaced are dropped: the observed time already includes them.
    """
    doc = journey.model_dump(mode="json", exclude_defaults=True)
    notes: list[str] = []
    period = f"{log.first_event}..{log.last_event}"
    counts = {(t.source, t.target): t.count for t in log.transitions}
    replaced_time: set[str] = set()
    for tp in doc["touchpoints"]:
        seen = log.touchpoints.get(tp["id"])
        if seen is None or seen.suppressed:
            continue
        if seen.median_days is not None and seen.duration_n >= log.min_cell:
            duration: dict[str, str] = {"median": str(Duration(seen.median_days * 1440))}
            if seen.p90_days is not None:
                duration["p90"] = str(Duration(max(seen.p90_days, seen.median_days) * 1440))
            if seen.mean_days is not None:
                duration["mean"] = str(Duration(seen.mean_days * 1440))
            tp["duration"] = duration
            replaced_time.add(tp["id"])
        if seen.drop_off is not None:
            tp["drop_off"] = seen.drop_off
        nexts = tp.get("next") or []
        if len(nexts) > 1 and tp.get("split") != "all":
            observed = [counts.get((tp["id"], n["to"]), 0) for n in nexts]
            total = sum(observed)
            if total >= log.min_cell and all(observed):
                for n, c in zip(nexts, observed, strict=True):
                    n["share"] = c / total
            elif total:
                missing = [n["to"] for n, c in zip(nexts, observed, strict=True) if not c]
                notes.append(
                    f"{tp['id']}: alternatives to {', '.join(missing)} never observed; "
                    "authored shares kept"
                )
        tp["evidence"] = "observed"
        tp["source"] = f"event log: {seen.cases:,} cases, {seen.visits:,} visits, {period}"
        tp["starts"] = seen.visits
    for tp in doc["touchpoints"]:
        for n in tp.get("next") or []:
            if n.get("wait") and n["to"] in replaced_time:
                del n["wait"]
    return Journey.model_validate(doc), tuple(notes)
