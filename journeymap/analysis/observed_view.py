"""What an event log adds to the designed-vs-observed summary: headline warnings, suggested
mappings, cohort completion against the designed one, waits, conformance, segments, trend.

:func:`observed_extras` returns the keyword arguments of
:class:`~journeymap.report.ObservedSummary` that come from these analyses (conformance, segments
and trend are the Report's own types, produced as such by the engine).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..graph import build_graph
from ..models import Journey
from ..report import (
    Finding,
    ObservedSummary,
)
from .flow import find_flow

if TYPE_CHECKING:
    from ..observed import ObservedLog

__all__ = ["FAR_COMPLETION", "observed_extras", "observed_findings"]

#: Observed completion this far (in share points) from the designed one is a headline warning.
FAR_COMPLETION = 0.25


def _warnings(journey: Journey, log: ObservedLog, designed: float) -> list[str]:
    out = list(log.warnings)
    observed = log.completion
    if observed is not None and log.completed and abs(observed - designed) >= FAR_COMPLETION:
        out.append(
            f"observed completion {observed:.0%} is far from the designed {designed:.0%} "
            f"(of {log.cohort_closed:,} cases that had time to finish): check the mapping of "
            "activities and which touchpoints count as an end before relying on it"
        )
    names = {t.id: t.name for t in journey.touchpoints}
    out += [
        f"unmapped activity {activity!r} may be {tp} ({names[tp]}): add it to the events map"
        for activity, tp in log.suggestions
    ]
    return out


def observed_extras(journey: Journey, log: ObservedLog) -> dict[str, Any]:
    """The ObservedSummary fields from the conformance, segments, trend and warnings."""
    designed = find_flow(build_graph(journey)).completion_rate
    return {
        "cases_seen": log.cases_seen,
        "cases_rejected": dict(log.cases_rejected),
        "completion": log.completion,
        "cohort_cases": log.cohort_cases,
        "cohort_horizon_days": log.cohort_horizon_days,
        "designed_completion": designed,
        "ends_used": log.ends_used,
        "warnings": tuple(_warnings(journey, log, designed)),
        "suggestions": log.suggestions,
        "waits": tuple(
            (t.source, t.target, t.wait_median_days, t.wait_n)
            for t in log.transitions
            if t.wait_median_days is not None
        ),
        "conformance": log.conformance,
        "segments": log.segments,
        "trend": log.trend,
    }


def observed_findings(summary: ObservedSummary | None) -> tuple[Finding, ...]:
    """The widest gaps between segments (their 95 % intervals do not overlap) and the surges
    and slowdowns beyond the usual spread, as findings of the report."""
    if summary is None:
        return ()
    out: list[Finding] = []
    if summary.segments is not None:
        column = summary.segments.column
        for gap in summary.segments.findings:
            text = gap.sentence
            out.append(
                Finding(
                    kind="segment_gap",
                    severity="medium",
                    title=f"People fare differently by {column}: {gap.subject}",
                    detail=text[:1].upper() + text[1:] + " (95 % intervals that do not overlap).",
                    recommendation=(
                        f"Find out what the {column} with the worse figure meets that the other "
                        "does not (channel, language, staffing, requirements) and close the gap; "
                        "measure it again by the same segment."
                    ),
                    evidence="observed",
                )
            )
    if summary.trend is not None:
        for event in summary.trend.findings:
            text, surge = event.sentence, event.kind == "surge"
            out.append(
                Finding(
                    kind="trend",
                    severity="medium",
                    title="A surge in arrivals" if surge else "A slowdown beyond the usual spread",
                    detail=text[:1].upper() + text[1:] + ".",
                    recommendation=(
                        "Plan capacity for surges like this one (a disaster, a deadline, a policy "
                        "change) and tell people how long it will take while it lasts."
                        if surge
                        else "Look at what changed in that period (staffing, a backlog, a new "
                        "requirement) and whether it has recovered since."
                    ),
                    evidence="observed",
                )
            )
    return tuple(out)
