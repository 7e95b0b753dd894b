"""Analysis: pure functions over the journey graph, and ``analyze`` that assembles the Report.

Every ``find_*`` takes the graph first and options as keywords, returns values and never
prints or writes. ``analyze(journey)`` runs them all and returns a
:class:`~journeymap.report.Report`, the only input renderers accept.

>>> from journeymap import parse_journey
>>> report = analyze(parse_journey('''
... journeymap: 1
... id: tiny
... title: Tiny
... agencies: [{id: SSA, name: SSA}, {id: DMV, name: DMV}]
... touchpoints:
...   - {id: a, name: Apply, agency: SSA, asks: [ssn], duration: 5d, drop_off: 0.1, next: b}
...   - {id: b, name: Licence, agency: DMV, asks: [ssn], duration: 1d}
... '''))
>>> report.metrics.completion_rate, report.metrics.handoff_count
(0.9, 1)
>>> report.duplicate_requests[0].item, report.duplicate_requests[0].scope
('ssn', 'cross_agency')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ..graph import build_graph
from ..models import Journey
from ..report import (
    Bottleneck,
    Count,
    DropOff,
    EvidenceSummary,
    FarOff,
    Handoff,
    Metrics,
    Move,
    ObservedSummary,
    Report,
    Variant,
)
from ..specs import AnalysisOptions
from .asks import (
    find_duplicate_requests,
    find_reissued_requests,
)
from .asks import population_of as _population
from .assemble import handoff_matrix, touchpoint_flows
from .effect import MAIN_PATH_RULE, find_bottlenecks_by_effect, find_effects, main_path
from .findings import build_findings
from .flow import Block, Flow, find_blocks, find_flow
from .observed_view import observed_findings
from .person import find_exchanges, find_person_side
from .structure import find_back_edges, find_order
from .timing import (
    CriticalPath,
    Simulation,
    find_critical_path,
    find_expected_days,
    simulate,
)
from .view import build_view

if TYPE_CHECKING:
    from ..feedback_types import ObservedFeedback
    from ..observed import ObservedLog

__all__ = [
    "Block",
    "CriticalPath",
    "Flow",
    "Simulation",
    "analyze",
    "analyze_measured",
    "apply_evidence",
    "find_back_edges",
    "find_blocks",
    "find_bottlenecks",
    "find_critical_path",
    "find_drop_off",
    "find_duplicate_requests",
    "find_exchanges",
    "find_expected_days",
    "find_flow",
    "find_handoffs",
    "find_order",
    "find_reissued_requests",
    "simulate",
]


def find_bottlenecks(
    G: nx.DiGraph,
    *,
    flow: Flow | None = None,
    critical: CriticalPath | None = None,
    population: int | None = None,
) -> Iterator[Bottleneck]:
    """Touchpoints ranked by their effect on expected elapsed time: expected visits x median
    days, where a parallel branch that is not the slowest adds nothing (it has slack).

    ``share`` is the touchpoint's part of the sum over all touchpoints; ``slack_days`` how
    long it can grow before the journey takes longer; ``on_main_path`` whether most people's
    time depends on it. Touchpoints without a duration are left out (the evidence summary
    lists them).
    """
    flow = flow or find_flow(G)
    critical = critical or find_critical_path(G, flow=flow)
    effects = find_effects(G, flow=flow)
    main, _ = main_path(G, flow=flow, back=find_back_edges(G), effects=effects)
    yield from find_bottlenecks_by_effect(
        G,
        flow=flow,
        critical=critical,
        population=_population(G, population),
        main=main,
        effects=effects,
    )


def find_handoffs(
    G: nx.DiGraph, *, flow: Flow | None = None, population: int | None = None
) -> Iterator[Handoff]:
    """Handoffs as the person feels them, in file order of the arrow's source.

    A milestone (``kind: milestone``), a backstage or support step and an automated step are
    passed through: an arrow into a person-facing touchpoint is a handoff when the
    person-facing touchpoint the person came from belongs to another agency. Ping-pong: the
    person can later come back to the first agency after dealing only with the second.
    Exchanges between agencies behind the scenes are :func:`find_exchanges`.
    """
    flow = flow or find_flow(G)
    yield from find_person_side(G, flow=flow, population=_population(G, population)).handoffs


def find_drop_off(
    G: nx.DiGraph,
    *,
    flow: Flow | None = None,
    population: int | None = None,
    handoff_edges: frozenset[tuple[str, str]] | None = None,
) -> Iterator[DropOff]:
    """Abandonment per touchpoint with a known drop_off, most people lost first.

    ``after_handoff``: the person arrives here handed off from another agency (a handoff as
    :func:`find_handoffs` defines it); ``handoff_edges`` passes the arrows that carry one
    when they are known already."""
    flow = flow or find_flow(G)
    pop = _population(G, population)
    felt = (
        handoff_edges
        if handoff_edges is not None
        else find_person_side(G, flow=flow, population=pop).edges
    )
    rows = []
    for node, attrs in G.nodes(data=True):
        if attrs["drop_off"] is None:
            continue
        arrivals = pop * flow.visits[node]
        rows.append((arrivals * attrs["drop_off"], arrivals, node))
    total = sum(r[0] for r in rows)
    rows.sort(key=lambda r: (-r[0], G.nodes[r[2]]["order"]))
    for lost, arrivals, node in rows:
        attrs = G.nodes[node]
        yield DropOff(
            touchpoint=node,
            name=attrs["name"],
            agency=attrs["agency"],
            rate=float(attrs["drop_off"]),
            arrivals=arrivals,
            people_lost=lost,
            share_of_losses=lost / total if total else 0.0,
            after_handoff=any((p, node) in felt for p in G.predecessors(node)),
            in_parallel_block=node in flow.block_of,
        )


def _evidence(G: nx.DiGraph) -> EvidenceSummary:
    by_kind: dict[str, int] = {"observed": 0, "estimated": 0, "illustrative": 0, "unlabelled": 0}
    order = sorted(G.nodes, key=lambda n: G.nodes[n]["order"])
    for node in order:
        by_kind[G.nodes[node]["evidence"] or "unlabelled"] += 1

    def pick(key: str, value: object) -> tuple[str, ...]:
        return tuple(n for n in order if G.nodes[n][key] == value)

    illustrative = pick("evidence", "illustrative")
    unlabelled = pick("evidence", None)
    missing_duration = pick("median_days", None)
    missing_drop = pick("drop_off", None)
    missing_effort = pick("effort_hours", None)
    sources = tuple(dict.fromkeys(G.nodes[n]["source"] for n in order if G.nodes[n]["source"]))
    notes = []
    if illustrative:
        notes.append(
            f"{len(illustrative)} of {len(order)} touchpoints carry illustrative numbers; "
            "findings that rest on them show where to measure, not what is measured"
        )
    if unlabelled:
        notes.append(
            "1 touchpoint does not say how its numbers were obtained"
            if len(unlabelled) == 1
            else f"{len(unlabelled)} touchpoints do not say how their numbers were obtained"
        )
    if missing_duration:
        notes.append(
            f"no duration at {len(missing_duration)} touchpoints: counted as 0 days in time "
            "metrics, so elapsed time is understated"
        )
    if missing_drop:
        notes.append(
            f"no drop_off at {len(missing_drop)} touchpoints: counted as 0, so completion is "
            "overstated"
        )
    if missing_effort and len(missing_effort) < len(order):
        notes.append(
            f"no effort at {len(missing_effort)} touchpoints: the time tax counts only the others"
        )
    return EvidenceSummary(
        by_kind=by_kind,
        illustrative=illustrative,
        unlabelled=unlabelled,
        missing_duration=missing_duration,
        missing_drop_off=missing_drop,
        missing_effort=missing_effort,
        sources=sources,
        notes=tuple(notes),
    )


def analyze(
    journey: Journey | nx.DiGraph,
    *,
    population: int | None = None,
    runs: int = 10_000,
    seed: int = 0,
    top: int = 5,
    observed: ObservedLog | None = None,
    feedback: ObservedFeedback | None = None,
) -> Report:
    """Analyse a journey (or its graph) and return the full :class:`Report`.

    Parameters
    ----------
    journey:
        A :class:`~journeymap.models.Journey` or the graph from ``build_graph``.
    population:
        People who start per period; default the journey's ``population``, else 1,000.
    runs, seed:
        The simulation of end-to-end time (only run when some duration has a ``p90``).
    top:
        How many bottlenecks, duplicate items and leaks become findings.
    observed:
        An event log read with :func:`journeymap.events.read_event_log`: its numbers
        replace the authored ones (marked ``evidence: observed``) and the report gains a
        designed-vs-observed comparison (``Report.observed``).
    feedback:
        Customer feedback read with :func:`journeymap.feedback.read_feedback`: joined to
        the touchpoints (``Report.feedback``), with the findings it supports. Forms with a
        ``burden`` estimate give ``Report.burden`` with or without it.

    Raises
    ------
    JourneymapTypeError
        ``journey`` is not a Journey nor its graph (a path, None...), or an option has the
        wrong type; the message names the parameter.
    UsageError
        An option out of range (``population`` from 1 to 10,000,000,000, ``runs`` at least
        1, ``top`` at least 0).
    """
    from .flow import check_analyze_arguments

    check_analyze_arguments(journey, observed=observed)
    options = AnalysisOptions(population=population, runs=runs, seed=seed, top=top)
    if observed is not None and isinstance(journey, Journey):
        journey, summary = apply_evidence(journey, observed)
        return analyze_measured(journey, summary=summary, feedback=feedback, options=options)
    return analyze_measured(journey, summary=None, feedback=feedback, options=options)


def apply_evidence(
    journey: Journey, observed: ObservedLog | None
) -> tuple[Journey, ObservedSummary | None]:
    """The journey with the event log's numbers in place of the authored ones, and the
    designed-vs-observed summary (the journey itself and None without a log)."""
    if observed is None:
        return journey, None
    from ..observed import apply_observed

    merged, notes = apply_observed(journey, observed)
    return merged, _observed_summary(journey, observed, notes)


def analyze_measured(
    journey: Journey | nx.DiGraph,
    *,
    summary: ObservedSummary | None,
    feedback: ObservedFeedback | None,
    options: AnalysisOptions,
) -> Report:
    """The Report of a journey that already carries its evidence (see :func:`apply_evidence`),
    with the designed-vs-observed ``summary`` and the ``feedback`` joined to it."""
    population, runs, seed, top = options.population, options.runs, options.seed, options.top
    authored = journey if isinstance(journey, Journey) else None
    G = build_graph(journey) if isinstance(journey, Journey) else journey
    pop = _population(G, population)
    flow = find_flow(G)
    critical = find_critical_path(G, flow=flow)
    expected_days, expected_note = find_expected_days(G, flow=flow)
    sim = None
    if any(G.nodes[n]["p90_days"] is not None for n in G.nodes):
        sim = simulate(G, flow=flow, runs=runs, seed=seed)
    effects = find_effects(G, flow=flow)
    back = find_back_edges(G)
    main, main_days = main_path(G, flow=flow, back=back, effects=effects)
    bottlenecks = tuple(
        find_bottlenecks_by_effect(
            G, flow=flow, critical=critical, population=pop, main=main, effects=effects
        )
    )
    person = find_person_side(G, flow=flow, population=pop)
    handoffs = person.handoffs
    exchanges = find_exchanges(G, flow=flow, population=pop)
    duplicates = tuple(find_duplicate_requests(G, flow=flow, population=pop))
    reissued = tuple(find_reissued_requests(G, flow=flow, population=pop))
    drop_off = tuple(find_drop_off(G, flow=flow, population=pop, handoff_edges=person.edges))
    evidence = _evidence(G)
    view = build_view(
        G,
        flow=flow,
        critical_path=critical.path,
        population=pop,
        handoff_edges=person.edges,
        exchange_edges=frozenset((x.from_touchpoint, x.to_touchpoint) for x in exchanges),
        main_path=main,
        back_edges=back,
    )

    flows, by_agency = touchpoint_flows(
        G,
        flow=flow,
        population=pop,
        position={n: i for i, n in enumerate(view.order)},
        critical_path=critical.path,
        main_path=main,
        duplicates=duplicates,
        reissued=reissued,
    )
    has_effort = any(G.nodes[n]["effort_hours"] is not None for n in G.nodes)
    effort_total = sum(f.expected_effort_hours for f in flows) if has_effort else None
    agency_order = list(G.graph["agencies"])
    metrics = Metrics(
        completion_rate=flow.completion_rate,
        failure_rate=flow.failure_rate,
        abandon_rate=flow.abandon_rate,
        critical_path=critical.path,
        critical_path_days=critical.days,
        critical_path_note=critical.note,
        expected_days_for_completers=expected_days,
        expected_days_note=expected_note,
        elapsed_p50_days=sim.p50_days if sim else None,
        elapsed_p90_days=sim.p90_days if sim else None,
        simulation_runs=sim.runs if sim else None,
        simulation_seed=sim.seed if sim else None,
        expected_effort_hours=effort_total,
        effort_hours_by_agency={a: by_agency[a] for a in agency_order if a in by_agency},
        population=pop,
        population_is_default=not (population or G.graph.get("population")),
        population_effort_hours=effort_total * pop if effort_total is not None else None,
        handoff_count=len(handoffs),
        expected_handoffs_per_person=sum(h.share_of_starters for h in handoffs),
        touchpoint_count=G.number_of_nodes(),
        agency_count=len({G.nodes[n]["agency"] for n in G.nodes}),
        duplicate_item_count=len(duplicates),
        expected_repeat_requests_per_person=sum(d.repeat_requests for d in duplicates) / pop,
        completions=pop * flow.completion_rate,
        failures=pop * flow.failure_rate,
        abandonments=pop * flow.abandon_rate,
        main_path=main or None,
        main_path_days=main_days if main else None,
        main_path_rule=MAIN_PATH_RULE,
        exchange_count=len(exchanges),
        expected_exchanges_per_person=sum(x.share_of_starters for x in exchanges),
        simulation_note=sim.note if sim else None,
    )
    matrix = handoff_matrix(handoffs, agency_order)
    partial = Report(
        journey=G.graph["journey"],
        title=G.graph["title"],
        life_experience=None,
        metrics=metrics,
        touchpoints=tuple(flows),
        bottlenecks=bottlenecks,
        bottleneck_metric=(
            "expected_days: expected visits x median days per person who starts; a parallel "
            "branch that is not the slowest adds nothing (see slack_days)"
        ),
        handoffs=handoffs,
        handoff_matrix=matrix,
        duplicate_requests=duplicates,
        reissued_requests=reissued,
        drop_off=drop_off,
        findings=(),
        evidence=evidence,
        context=view.context,
        order=view.order,
        edges=view.edges,
        agencies=view.agencies,
        stages=view.stages,
        data_items=view.data_items,
        behind_the_scenes=exchanges,
    )
    life = G.graph.get("context", {}).get("life_experience")
    findings = build_findings(G, partial, top=top)
    from .feedback_join import find_burden, join_feedback

    burden, more = find_burden(partial, authored)
    more = (*observed_findings(summary), *more)
    voice = None
    if feedback is not None:
        voice, heard = join_feedback(partial, feedback, journey if authored else None)
        more = (*heard, *more)
    if more:
        rank = {"high": 0, "medium": 1, "low": 2, "info": 3}
        findings = tuple(sorted((*findings, *more), key=lambda f: rank[f.severity]))
    return Report(
        **{
            **{f: getattr(partial, f) for f in partial.__dataclass_fields__},
            "findings": findings,
            "life_experience": life,
            "observed": summary,
            "feedback": voice,
            "burden": burden,
        }
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


def _observed_summary(
    journey: Journey, log: ObservedLog, notes: tuple[str, ...]
) -> ObservedSummary:
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
        files=tuple(Path(f).name for f in log.files),
        first_event=log.first_event,
        last_event=log.last_event,
        rows_read=log.rows_read,
        rows_used=log.rows_used,
        rejected=dict(log.rejected),
        rejected_examples=dict(log.rejected_examples),
        unmapped_activities=tuple(Count(a, n) for a, n in log.unmapped_activities),
        cases=log.cases,
        completed=log.completed,
        abandoned=log.abandoned,
        open=log.open,
        convention=log.convention,
        min_cell=log.min_cell,
        replaced=tuple(t for t in log.touchpoints if not log.touchpoints[t].suppressed),
        never_seen=log.never_seen,
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
        case_median_days=log.case_median_days,
        case_p90_days=log.case_p90_days,
        completed_median_days=log.completed_median_days,
        completed_p90_days=log.completed_p90_days,
        notes=(*log.notes, *notes),
        **observed_extras(journey, log),
    )
