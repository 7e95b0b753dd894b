"""Assemble the :class:`ObservedLog` from what every stage returned, with its notes."""

from __future__ import annotations

from dataclasses import dataclass

from ..observed import (
    Conformance,
    ObservedLog,
    ObservedSegments,
    ObservedTouchpoint,
    ObservedTransition,
    ObservedTrend,
)
from ._ends import Ends, headline_warnings
from ._rows import DUPLICATE, UNMAPPED, ActivityMap, Ordered, Rejections
from ._stats import Cases, Timing

__all__ = ["Stages", "assemble", "rejected_rows"]


@dataclass(frozen=True)
class Stages:
    """What every stage returned, for :func:`_assemble`."""

    files: list[str]
    order: list[str]
    rejections: Rejections
    activities: ActivityMap
    ordered: Ordered
    rows_used: int
    times: Timing
    cases: Cases
    touchpoints: dict[str, ObservedTouchpoint]
    transitions: tuple[ObservedTransition, ...]
    variants: tuple[tuple[tuple[str, ...], int], ...]
    min_cell: int
    ends: Ends
    conformance: Conformance
    segments: ObservedSegments | None
    trend: ObservedTrend | None
    suggestions: tuple[tuple[str, str], ...]


def rejected_rows(
    rejections: Rejections, activities: ActivityMap, ordered: Ordered
) -> dict[str, int]:
    """Rows rejected, by reason, in the order the stages find them."""
    out = dict(rejections.rejected)
    if activities.unmapped_rows:
        out[UNMAPPED] = activities.unmapped_rows
    if ordered.duplicates:
        out[DUPLICATE] = ordered.duplicates
    return out


def _examples(rejections: Rejections, ordered: Ordered) -> dict[str, tuple[str, ...]]:
    """The ``file:row`` of the first rows of each reason (never their values)."""
    out = dict(rejections.examples)
    if ordered.example:
        out[DUPLICATE] = ordered.example
    return out


def _cohort_notes(cases: Cases, used_cases: int) -> list[str]:
    """Which cases completion and drop-off count (the cohort that had time to finish)."""
    if cases.horizon_days is None:
        return [
            "no case started long enough before the end of the log to have had time to "
            "finish: completion and drop-off count every case that is not open"
        ]
    if cases.cohort[0] < used_cases:
        return [
            f"completion and drop-off count the {cases.cohort[0]:,} cases that started at "
            f"least {cases.horizon_days:.0f} days before the end of the log (time to finish "
            f"for 95 % of those that did); {used_cases - cases.cohort[0]:,} more recent cases "
            "are left out"
        ]
    return []


def assemble(done: Stages) -> ObservedLog:
    """The :class:`ObservedLog`: the stages' numbers, and notes on reconciliations that do
    not balance, rows out of order, rejected cases and unmapped activities too rare to name."""
    cases, ordered, rejected = (
        done.cases,
        done.ordered,
        rejected_rows(done.rejections, done.activities, done.ordered),
    )
    used_cases = sum(cases.counts.values())
    notes: list[str] = []
    off = done.rejections.rows_read - done.rows_used - sum(rejected.values())
    if off:  # pragma: no cover - a bug if it ever happens
        notes.append(f"row reconciliation off by {off} rows")
    rejected_cases = sum(cases.rejected.values())
    if cases.seen != used_cases + rejected_cases:  # pragma: no cover - a bug
        notes.append(f"case reconciliation off by {cases.seen - used_cases - rejected_cases} cases")
    if rejected_cases:
        notes.append(
            f"cases: {cases.seen:,} seen = {used_cases:,} used + {rejected_cases:,} whose "
            "every row was rejected"
        )
    notes += done.ends.notes
    notes += _cohort_notes(cases, used_cases)
    cohort, closed_cohort = cases.cohort[0], cases.cohort[2]
    if ordered.out_of_order:
        notes.append(f"{ordered.out_of_order:,} events were out of time order in the file (sorted)")
    hidden, hidden_rows = done.activities.unlisted
    if hidden:
        notes.append(
            f"{hidden:,} unmapped activit{'y' if hidden == 1 else 'ies'} ({hidden_rows:,} rows) "
            f"seen in fewer than {done.min_cell} cases: counted, not named"
        )
    return ObservedLog(
        files=tuple(done.files),
        rows_read=done.rejections.rows_read,
        rows_used=done.rows_used,
        rejected=rejected,
        rejected_examples=_examples(done.rejections, ordered),
        unmapped_activities=done.activities.listed,
        duplicates=ordered.duplicates,
        out_of_order=ordered.out_of_order,
        cases=used_cases,
        completed=cases.counts.get("completed", 0),
        abandoned=cases.counts.get("abandoned", 0),
        open=cases.counts.get("open", 0),
        first_event=cases.first_event,
        last_event=cases.last_event,
        convention=done.times.convention,
        touchpoints=done.touchpoints,
        transitions=done.transitions,
        case_median_days=cases.durations[0],
        case_p90_days=cases.durations[1],
        case_mean_days=cases.durations[2],
        completed_median_days=cases.completed_durations[0],
        completed_p90_days=cases.completed_durations[1],
        variants=done.variants,
        never_seen=tuple(tid for tid in done.order if tid not in done.touchpoints),
        min_cell=done.min_cell,
        notes=tuple(notes),
        cases_seen=cases.seen,
        cases_rejected=dict(cases.rejected),
        cohort_cases=cohort,
        cohort_completed=cases.cohort[1],
        cohort_closed=closed_cohort,
        cohort_horizon_days=cases.horizon_days,
        completion=cases.cohort[1] / closed_cohort if closed_cohort else None,
        ends_used=done.ends.ids,
        warnings=headline_warnings(
            rows_read=done.rejections.rows_read,
            unmapped_rows=done.activities.unmapped_rows,
            cases=used_cases,
            completed=cases.counts.get("completed", 0),
            ends=done.ends,
        ),
        suggestions=done.suggestions,
        conformance=done.conformance,
        segments=done.segments,
        trend=done.trend,
    )
