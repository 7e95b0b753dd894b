"""Customer feedback joined to the journey: shares with Wilson intervals, where trust or a
driver stands out, how drivers go with trust, and paperwork burden beside effort.

Method (``docs/feedback.md``):

- every share has a 95 % Wilson score interval (``z = 1.959964``);
- a touchpoint *stands out* on a measure when it is the lowest (for a negative driver flag:
  the highest) of all touchpoints with an unsuppressed measure and its interval does not
  overlap the interval of the pooled responses at every other touchpoint;
- trust *drops* across an arrow when the interval after lies wholly below the interval
  before; the largest such drop is a finding;
- a driver *goes with lower trust* when trust agreement among responses flagging it (v2) or
  disagreeing with it (v1, 1-3) has an interval wholly below that among the other responses.
  This is an association in the responses, not a cause.

Non-overlapping 95 % intervals is a conservative test (stricter than a two-proportion test
at 5 %): a difference reported here is unlikely to be noise, and some real ones are missed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import fmt
from ..feedback_types import (
    BurdenRow,
    BurdenSummary,
    FeedbackCell,
    FeedbackMeasure,
    FeedbackRow,
    FeedbackSummary,
    ObservedFeedback,
    Tally,
    TrustLink,
    UnknownValue,
)
from ..frozen import carried
from ..models import Journey
from ..report import Finding, Report
from ..tables.stats import Z95, wilson

__all__ = ["GAP_RATIO", "Z95", "find_burden", "join_feedback", "wilson"]

#: Effort more than this many times the PRA burden estimate is a finding.
GAP_RATIO = 2.0

METHOD = (
    "95 % Wilson score intervals; a difference is reported only where the two intervals do "
    "not overlap (a conservative test). Drivers and trust: trust agreement among responses "
    "with and without the driver, journey-wide; an association, not a cause."
)


def _measure(item: str, kind: str, tally: Tally | None, likert: bool) -> FeedbackMeasure:
    if tally is None:
        return FeedbackMeasure(item, kind, None, None, None, None, None, True)  # type: ignore[arg-type]
    low, high = wilson(tally.count, tally.answered)
    mean = tally.score_total / tally.answered if likert and tally.score_total is not None else None
    return FeedbackMeasure(
        item,
        kind,  # type: ignore[arg-type]
        tally.answered,
        tally.count / tally.answered,
        low,
        high,
        mean,
    )


def _row(
    cell: FeedbackCell,
    obs: ObservedFeedback,
    names: dict[str, str],
    served: dict[str | None, tuple[float, str]],
) -> FeedbackRow:
    likert = obs.instrument == "a11_v1"
    measures = [_measure(i, "agree", cell.agree.get(i), likert) for i in obs.items]
    for d in obs.drivers:
        if d in cell.positive:
            measures.append(_measure(d, "positive", cell.positive[d], False))
        if d in cell.negative:
            measures.append(_measure(d, "negative", cell.negative[d], False))
    people, source = served.get(cell.touchpoint, (None, None)) if not cell.period else (None, None)
    if cell.segment is not None:
        people, source = None, None
    return FeedbackRow(
        touchpoint=cell.touchpoint,
        name=names.get(cell.touchpoint or ""),
        period=cell.period,
        segment=cell.segment,
        responses=cell.responses,
        measures=tuple(measures),
        people_served=people,
        response_rate=cell.responses / people if people else None,
        served_from=source,
    )


def _served(report: Report, journey: Journey | None) -> dict[str | None, tuple[float, str]]:
    """People served per touchpoint: ``starts`` (observed from an event log, or authored),
    else the analysis (people who arrive per period)."""
    out: dict[str | None, tuple[float, str]] = {}
    for t in report.touchpoints:
        starts = journey.touchpoint(t.touchpoint).starts if journey else None
        if starts:
            observed = (t.source or "").startswith("event log")
            out[t.touchpoint] = (float(starts), "event log" if observed else "starts")
        elif t.arrivals > 0:
            out[t.touchpoint] = (t.arrivals, "the analysis (people arriving per period)")
    total = sum(p for p, _ in out.values())
    if total:
        out[None] = (total, "all touchpoints' people served (responses per visit)")
    return out


def _rest(whole: Tally | None, part: Tally | None, min_cell: int) -> Tally | None:
    if whole is None or part is None or whole.answered - part.answered < min_cell:
        return None
    return Tally(whole.answered - part.answered, whole.count - part.count)


def _pick(cell: FeedbackCell, item: str, kind: str) -> Tally | None:
    table = (
        cell.agree if kind == "agree" else cell.positive if kind == "positive" else cell.negative
    )
    return table.get(item)


def _standouts(
    obs: ObservedFeedback, order: Sequence[str]
) -> dict[str, list[tuple[str, str, Tally, Tally]]]:
    """Per touchpoint, the measures where it is the worst and differs from the rest."""
    whole = next(
        c for c in obs.cells if c.touchpoint is None and c.period is None and not c.segment
    )
    tps = [c for c in obs.cells if c.touchpoint and c.period is None and c.segment is None]
    tps.sort(key=lambda c: order.index(c.touchpoint or ""))
    checks = [(i, "agree") for i in obs.items] + [(d, "negative") for d in obs.drivers]
    out: dict[str, list[tuple[str, str, Tally, Tally]]] = {}
    for item, kind in checks:
        seen = [(c, t) for c in tps if (t := _pick(c, item, kind)) is not None]
        if len(seen) < 2:
            continue
        sign = -1 if kind == "negative" else 1
        cell, tally = min(seen, key=lambda ct: sign * ct[1].count / ct[1].answered)
        rest = _rest(_pick(whole, item, kind), tally, obs.min_cell)
        if rest is None:
            continue
        lo, hi = wilson(tally.count, tally.answered)
        rlo, rhi = wilson(rest.count, rest.answered)
        if (hi < rlo) if kind != "negative" else (lo > rhi):
            out.setdefault(cell.touchpoint or "", []).append((item, kind, tally, rest))
    return out


def _pct(t: Tally) -> str:
    lo, hi = wilson(t.count, t.answered)
    return f"{fmt.percent(t.count / t.answered)} (95 % CI {fmt.percent(lo)}-{fmt.percent(hi)})"


def _context(report: Report, tp: str) -> str:
    """The step's time, drop-off, handoff and repeated requests, from the same Report."""
    flow = report.touchpoint(tp)
    parts = []
    if flow.median_days:
        rank = next((b.rank for b in report.bottlenecks if b.touchpoint == tp), None)
        parts.append(
            f"median time {fmt.days(flow.median_days)}"
            + (f" (bottleneck #{rank})" if rank is not None else "")
        )
    if flow.drop_off_rate:
        parts.append(f"{fmt.percent(flow.drop_off_rate)} drop off here")
    into = [h for h in report.handoffs if h.to_touchpoint == tp]
    if into:
        parts.append(f"reached by a handoff from {', '.join(h.from_agency for h in into)}")
    again = sorted({*flow.asks_again, *flow.reasks_issued})
    if again:
        parts.append(f"asks again for {', '.join(again)}")
    return "; ".join(parts) if parts else "no time, drop-off, handoff or repeated request recorded"


def _label(item: str, kind: str) -> str:
    if kind == "negative":
        return f"{item} flagged as what did not go well"
    if kind == "positive":
        return f"{item} flagged as what went well"
    return f"{item} agreement"


def _findings(report: Report, obs: ObservedFeedback) -> list[Finding]:
    order = list(report.order or [t.touchpoint for t in report.touchpoints])
    out: list[Finding] = []
    for tp, hits in _standouts(obs, order).items():
        flow = report.touchpoint(tp)
        said = "; ".join(
            f"{_label(i, k)} {_pct(t)} against {_pct(r)} at the other touchpoints"
            for i, k, t, r in hits
        )
        trust = any(i == "trust" for i, _k, _t, _r in hits)
        title = f"{'Trust' if trust else 'A driver'} stands out at {flow.name} ({tp})"
        gap = max(abs(t.count / t.answered - r.count / r.answered) for _i, _k, t, r in hits)
        out.append(
            Finding(
                kind="feedback",
                severity="high" if trust and gap >= 0.2 else "medium",
                title=title,
                detail=f"{said}. At this step: {_context(report, tp)}.",
                recommendation="Read this step's comments with its time and drop-off in view, "
                "change one thing, and compare the next quarters' responses.",
                touchpoints=(tp,),
                agencies=(flow.agency,),
                evidence="observed (customer feedback)",
                numbers={f"{i}_{k}": t.count / t.answered for i, k, t, _r in hits},
            )
        )
    drop = _trust_drop(report, obs)
    if drop is not None:
        out.append(drop)
    links = [link for link in _links(obs) if link.supported and link.kind != "positive"]
    if links:
        said = "; ".join(
            f"{link.driver}: {fmt.percent(link.with_share or 0)} trust with it against "
            f"{fmt.percent(link.without_share or 0)} without"
            for link in links
        )
        flagged = "flagged as going badly" if obs.instrument == "a11_v2" else "rated 1-3"
        out.append(
            Finding(
                kind="feedback",
                severity="medium",
                title=f"Lower trust goes with {', '.join(link.driver for link in links)}",
                detail=f"Across the journey, responses with the driver {flagged} agree on trust "
                f"less often ({said}). This is an association in these responses, not "
                "evidence that the driver causes the trust.",
                recommendation="Look first at the touchpoints where these drivers are flagged "
                "most, and test whether fixing them moves trust.",
                evidence="observed (customer feedback)",
                numbers={link.driver: link.difference or 0.0 for link in links},
            )
        )
    return out


def _trust_drop(report: Report, obs: ObservedFeedback) -> Finding | None:
    cells = {
        c.touchpoint: c.agree.get("trust")
        for c in obs.cells
        if c.touchpoint and c.period is None and c.segment is None
    }
    best: tuple[float, str, str, Tally, Tally] | None = None
    for e in report.edges:
        a, b = cells.get(e.source), cells.get(e.target)
        if a is None or b is None:
            continue
        drop = a.count / a.answered - b.count / b.answered
        if wilson(b.count, b.answered)[1] < wilson(a.count, a.answered)[0] and (
            best is None or drop > best[0]
        ):
            best = (drop, e.source, e.target, a, b)
    if best is None:
        return None
    drop, u, v, a, b = best
    to = report.touchpoint(v)
    return Finding(
        kind="feedback",
        severity="high" if drop >= 0.2 else "medium",
        title=f"Trust drops from {report.touchpoint(u).name} to {to.name}",
        detail=f"Trust agreement falls from {_pct(a)} at {u} to {_pct(b)} at {v}. "
        f"At {v}: {_context(report, v)}.",
        recommendation=f"Find what changes for the person between {u} and {v}: the wait, "
        "the agency, what they are asked for again.",
        touchpoints=(u, v),
        agencies=tuple(dict.fromkeys((report.touchpoint(u).agency, to.agency))),
        evidence="observed (customer feedback)",
        numbers={"trust_before": a.count / a.answered, "trust_after": b.count / b.answered},
    )


def _links(obs: ObservedFeedback) -> tuple[TrustLink, ...]:
    out = []
    for s in obs.splits:
        w = (s.with_agree, s.with_n) if s.with_n else None
        o = (s.without_agree, s.without_n) if s.without_n else None
        wi = wilson(*w) if w and w[0] is not None else None  # type: ignore[arg-type]
        oi = wilson(*o) if o and o[0] is not None else None  # type: ignore[arg-type]
        ws = s.with_agree / s.with_n if s.with_n and s.with_agree is not None else None
        os_ = s.without_agree / s.without_n if s.without_n and s.without_agree is not None else None
        if s.kind == "agree":  # v1: "with" = agrees with the driver; low trust goes with 1-3
            ws, os_, wi, oi = os_, ws, oi, wi
            s_with_n, s_without_n = s.without_n, s.with_n
        else:
            s_with_n, s_without_n = s.with_n, s.without_n
        supported = bool(wi and oi and (wi[1] < oi[0] if s.kind != "positive" else wi[0] > oi[1]))
        out.append(
            TrustLink(
                driver=s.driver,
                kind=s.kind,
                with_n=s_with_n,
                with_share=ws,
                with_low=wi[0] if wi else None,
                with_high=wi[1] if wi else None,
                without_n=s_without_n,
                without_share=os_,
                without_low=oi[0] if oi else None,
                without_high=oi[1] if oi else None,
                difference=ws - os_ if ws is not None and os_ is not None else None,
                supported=supported,
            )
        )
    return tuple(out)


#: What the feedback section takes over from the responses as the engine counted them.
_AS_COUNTED = (
    "instrument",
    "instrument_note",
    "trust_scale",
    "first_submitted",
    "last_submitted",
    "min_cell",
    "items",
    "drivers",
    "every",
    "by",
)


def join_feedback(
    report: Report, obs: ObservedFeedback, journey: Journey | None
) -> tuple[FeedbackSummary, tuple[Finding, ...]]:
    """The feedback section of the Report, and the findings it supports."""
    given: object = obs
    if not isinstance(given, ObservedFeedback):
        from ..exceptions import JourneymapTypeError

        kind = type(given).__name__
        msg = f"feedback must be an ObservedFeedback (from read_feedback), not {kind}"
        raise JourneymapTypeError(msg)
    names = {t.touchpoint: t.name for t in report.touchpoints}
    served = _served(report, journey)
    order = list(report.order or names)
    rows = [_row(c, obs, names, served) for c in obs.cells]
    plain = [r for r in rows if r.period is None and r.segment is None]
    notes = list(obs.notes)
    if any(r.response_rate and r.response_rate > 1 for r in plain):
        notes.append(
            "more responses than people served at some touchpoints: the responses cover "
            "more than one period of people served"
        )
    summary = FeedbackSummary(
        **obs.reconciliation(),
        **carried(obs, _AS_COUNTED),
        unknown_touchpoints=tuple(UnknownValue(v, n) for v, n in obs.unknown_values),
        journey=next(r for r in plain if r.touchpoint is None),
        touchpoints=tuple(
            sorted(
                (r for r in plain if r.touchpoint), key=lambda r: order.index(r.touchpoint or "")
            )
        ),
        periods=tuple(r for r in rows if r.period is not None),
        segments=tuple(r for r in rows if r.segment is not None),
        trust_links=_links(obs),
        method=METHOD,
        notes=(*notes, *(f"{v!r} matched {t} by its {how}" for v, t, how in obs.mapped[:20])),
    )
    return summary, tuple(_findings(report, obs))


def find_burden(
    report: Report, journey: Journey | None
) -> tuple[BurdenSummary | None, tuple[Finding, ...]]:
    """Forms' PRA burden estimates beside each touchpoint's effort, per period."""
    if journey is None:
        return None, ()
    rows = []
    for t in journey.touchpoints:
        forms = [f for f in t.forms if f.burden is not None]
        if not forms:
            continue
        flow = report.touchpoint(t.id)
        burden = sum(f.burden.hours for f in forms if f.burden is not None)
        effort = flow.effort_hours
        ratio = effort / burden if effort is not None and burden > 0 else None
        rows.append(
            BurdenRow(
                touchpoint=t.id,
                name=t.name,
                forms=tuple(f.id for f in forms),
                omb=tuple(f.omb for f in forms if f.omb),
                burden_hours=burden,
                effort_hours=effort,
                ratio=ratio,
                people=flow.arrivals,
                public_burden_hours=burden * flow.arrivals,
                gap=ratio is not None and ratio > GAP_RATIO,
            )
        )
    if not rows:
        return None, ()
    efforts = [r.effort_hours * r.people for r in rows if r.effort_hours is not None]
    summary = BurdenSummary(
        rows=tuple(rows),
        public_burden_hours=sum(r.public_burden_hours for r in rows),
        public_effort_hours=sum(efforts) if len(efforts) == len(rows) else None,
        gap_ratio=GAP_RATIO,
    )
    findings = tuple(
        Finding(
            kind="burden",
            severity="medium",
            title=f"Effort at {r.name} is {r.ratio:.1f}x the paperwork burden estimate",
            detail=f"People spend {fmt.hours(r.effort_hours or 0)} at {r.touchpoint}; the burden "
            f"estimate of {', '.join(r.forms)}"
            + (f" (OMB {', '.join(r.omb)})" if r.omb else "")
            + f" is {fmt.hours(r.burden_hours)} per response. Across "
            f"{fmt.people(r.people)} people per period that is "
            f"{(r.effort_hours or 0) * r.people - r.public_burden_hours:,.0f} hours not in the "
            "estimate.",
            recommendation="Revisit the burden estimate in the next PRA renewal, or find what "
            "beyond the form takes the time (gathering documents, travel, waiting).",
            touchpoints=(r.touchpoint,),
            evidence="mixed",
            numbers={"effort_hours": r.effort_hours or 0.0, "burden_hours": r.burden_hours},
        )
        for r in rows
        if r.gap and r.ratio is not None
    )
    return summary, findings
