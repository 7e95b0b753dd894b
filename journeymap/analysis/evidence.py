"""What the numbers rest on: how each touchpoint's numbers were obtained, and what an event
log showed against the journey as designed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from ..frozen import carried
from ..models import Journey
from ..report import Count, EvidenceSummary, FarOff, Move, ObservedSummary, Variant

if TYPE_CHECKING:
    from ..observed import ObservedLog

__all__ = ["evidence_summary", "observed_summary"]


#: Each field of the evidence summary that lists touchpoints, the node attribute and value
#: that puts a touchpoint in it, and the note it gives (None: none; {n}: how many).
_LISTS = (
    (
        "illustrative",
        "evidence",
        "illustrative",
        "{n} of {all} touchpoints carry illustrative numbers; findings that rest on them show "
        "where to measure, not what is measured",
    ),
    ("unlabelled", "evidence", None, "{n} {touchpoints} not say how {their} numbers were obtained"),
    (
        "missing_duration",
        "median_days",
        None,
        "no duration at {n} touchpoints: counted as 0 days in time metrics, so elapsed time "
        "is understated",
    ),
    (
        "missing_drop_off",
        "drop_off",
        None,
        "no drop_off at {n} touchpoints: counted as 0, so completion is overstated",
    ),
    (
        "missing_effort",
        "effort_hours",
        None,
        "no effort at {n} touchpoints: the time tax counts only the others",
    ),
)


def evidence_summary(G: nx.DiGraph) -> EvidenceSummary:
    """How many touchpoints are observed, estimated, illustrative or unlabelled, and which
    lack a duration, a drop-off or an effort, with notes on what that does to the numbers."""
    by_kind: dict[str, int] = {"observed": 0, "estimated": 0, "illustrative": 0, "unlabelled": 0}
    order = sorted(G.nodes, key=lambda n: G.nodes[n]["order"])
    for node in order:
        by_kind[G.nodes[node]["evidence"] or "unlabelled"] += 1
    lists: dict[str, tuple[str, ...]] = {}
    notes = []
    for field, key, value, note in _LISTS:
        found = tuple(n for n in order if G.nodes[n][key] == value)
        lists[field] = found
        # an effort missing everywhere is a journey that does not count effort at all
        if found and not (field == "missing_effort" and len(found) == len(order)):
            one = len(found) == 1
            notes.append(
                note.format(
                    n=len(found),
                    all=len(order),
                    touchpoints="touchpoint does" if one else "touchpoints do",
                    their="its" if one else "their",
                )
            )
    sources = tuple(dict.fromkeys(G.nodes[n]["source"] for n in order if G.nodes[n]["source"]))
    return EvidenceSummary(by_kind=by_kind, sources=sources, notes=tuple(notes), **lists)


#: What the summary takes over from the log as the engine counted it.
_AS_COUNTED = (
    "first_event",
    "last_event",
    "cases",
    "completed",
    "abandoned",
    "open",
    "convention",
    "min_cell",
    "never_seen",
    "case_median_days",
    "case_p90_days",
    "completed_median_days",
    "completed_p90_days",
)


def _observed_handoffs(journey: Journey, log: ObservedLog) -> tuple[Move, ...]:
    """Observed moves between person-facing touchpoints of different agencies, summed per
    agency pair (milestones, backstage, support and automated steps are not handoffs)."""

    def behind(tid: str) -> bool:
        tp = journey.touchpoint(tid)
        return (
            tp.kind == "milestone"
            or (tp.lane is not None and tp.lane.value in ("backstage", "support"))
            or (tp.channel is not None and tp.channel.value == "automated")
        )

    pairs: dict[tuple[str, str], int] = {}
    for t in log.transitions:
        a, b = journey.touchpoint(t.source).agency, journey.touchpoint(t.target).agency
        if a != b and not t.suppressed and not behind(t.source) and not behind(t.target):
            pairs[(a, b)] = pairs.get((a, b), 0) + t.count
    return tuple(
        Move(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def observed_summary(journey: Journey, log: ObservedLog, notes: tuple[str, ...]) -> ObservedSummary:
    """Compare the journey as designed with what the log shows."""
    from .observed_view import observed_extras

    far: list[FarOff] = []
    for tp in journey.touchpoints:
        seen = log.touchpoints.get(tp.id)
        if seen is None or seen.suppressed:
            continue
        if tp.duration and seen.median_days is not None:
            authored = tp.duration.median.days
            ratio = (seen.median_days + 1e-9) / (authored + 1e-9)
            if (ratio > 2 or ratio < 0.5) and abs(seen.median_days - authored) >= 1:
                far.append(FarOff(tp.id, "median_days", authored, seen.median_days))
        if (
            tp.drop_off is not None
            and seen.drop_off is not None
            and abs(tp.drop_off - seen.drop_off) >= 0.1
        ):
            far.append(FarOff(tp.id, "drop_off", tp.drop_off, seen.drop_off))
        if len(tp.next) > 1 and tp.split is None:
            for n in tp.next:
                ob = next(
                    (t for t in log.transitions if t.source == tp.id and t.target == n.to), None
                )
                share = ob.share if ob else 0.0
                if n.share is not None and abs(n.share - share) >= 0.15:
                    far.append(FarOff(f"{tp.id}->{n.to}", "share", n.share, share))
    return ObservedSummary(
        **log.reconciliation(),
        **carried(log, _AS_COUNTED),
        unmapped_activities=tuple(Count(a, n) for a, n in log.unmapped_activities),
        replaced=tuple(t for t in log.touchpoints if not log.touchpoints[t].suppressed),
        unexpected_transitions=tuple(
            Move(t.source, t.target, t.count)
            for t in log.transitions
            if not t.in_journey and not t.suppressed
        ),
        handoffs=_observed_handoffs(journey, log),
        rework=tuple(
            Count(t, o.repeat_visits)
            for t, o in log.touchpoints.items()
            if o.repeat_visits >= max(1, log.min_cell)
        ),
        variants=tuple(Variant(path, n) for path, n in log.variants),
        far_off=tuple(far),
        notes=(*log.notes, *notes),
        **observed_extras(journey, log),
    )
