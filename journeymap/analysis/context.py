"""One analysis of one journey graph: every intermediate result computed once, on first use.

:class:`Analysis` holds the graph and the options, and computes each result the Report is
made of exactly once (a ``cached_property`` each): the flow model, the block decomposition
and back edges, the critical path and expected days, the simulation, the effects on elapsed
time and the main path, the person's side (handoffs) and the exchanges behind the scenes,
duplicate and re-issued requests, drop-off, the evidence, the words and shape of the journey
for renderers. :meth:`Analysis.report` assembles them; findings come from the registered
finders (:mod:`.findings`).
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx

from ..report import (
    Bottleneck,
    DropOff,
    DuplicateRequest,
    EvidenceSummary,
    Exchange,
    Metrics,
    ObservedSummary,
    Reissue,
    Report,
    TouchpointFlow,
)
from ..specs import AnalysisOptions
from .assemble import handoff_matrix, touchpoint_flows
from .drop_off import find_drop_off
from .elapsed import MAIN_PATH_RULE, Effects, find_bottlenecks_by_effect, find_effects, main_path
from .evidence import evidence_summary
from .findings import FindingContext, run_finders
from .flow import Flow, find_flow
from .handoffs import PersonSide, find_exchanges, find_person_side
from .requests import find_duplicate_requests, find_reissued_requests, population_of
from .structure import find_back_edges
from .timing import CriticalPath, Simulation, find_critical_path, find_expected_days, simulate
from .view import JourneyView, build_view

if TYPE_CHECKING:
    from ..feedback_types import ObservedFeedback
    from ..models import Journey

__all__ = ["BOTTLENECK_METRIC", "Analysis"]

BOTTLENECK_METRIC = (
    "expected_days: expected visits x median days per person who starts; a parallel "
    "branch that is not the slowest adds nothing (see slack_days)"
)


class Analysis:
    """The analysis of the journey graph ``G`` with ``options`` (see the module docstring)."""

    def __init__(self, G: nx.DiGraph, options: AnalysisOptions) -> None:
        self.G = G
        self.options = options

    @cached_property
    def population(self) -> int:
        """People who start per period: the option, else the journey's, else the default."""
        return population_of(self.G, self.options.population)

    @cached_property
    def flow(self) -> Flow:
        return find_flow(self.G)

    @cached_property
    def back_edges(self) -> frozenset[tuple[str, str]]:
        return find_back_edges(self.G)

    @cached_property
    def critical(self) -> CriticalPath:
        return find_critical_path(self.G, flow=self.flow)

    @cached_property
    def expected_days(self) -> tuple[float | None, str | None]:
        return find_expected_days(self.G, flow=self.flow)

    @cached_property
    def simulation(self) -> Simulation | None:
        """The simulation of end-to-end time, run only when some duration has a p90."""
        if all(self.G.nodes[n]["p90_days"] is None for n in self.G.nodes):
            return None
        o = self.options
        return simulate(self.G, flow=self.flow, runs=o.runs, seed=o.seed)

    @cached_property
    def effects(self) -> Effects:
        return find_effects(self.G, flow=self.flow)

    @cached_property
    def main(self) -> tuple[tuple[str, ...], float]:
        path, days = main_path(self.G, flow=self.flow, back=self.back_edges, effects=self.effects)
        return tuple(path), days

    @cached_property
    def bottlenecks(self) -> tuple[Bottleneck, ...]:
        return tuple(
            find_bottlenecks_by_effect(
                self.G,
                flow=self.flow,
                critical=self.critical,
                population=self.population,
                main=self.main[0],
                effects=self.effects,
            )
        )

    @cached_property
    def person(self) -> PersonSide:
        return find_person_side(
            self.G, flow=self.flow, population=self.population, back_edges=self.back_edges
        )

    @cached_property
    def exchanges(self) -> tuple[Exchange, ...]:
        return find_exchanges(self.G, flow=self.flow, population=self.population)

    @cached_property
    def duplicates(self) -> tuple[DuplicateRequest, ...]:
        return tuple(
            find_duplicate_requests(
                self.G, flow=self.flow, population=self.population, back_edges=self.back_edges
            )
        )

    @cached_property
    def reissued(self) -> tuple[Reissue, ...]:
        return tuple(find_reissued_requests(self.G, flow=self.flow, population=self.population))

    @cached_property
    def drop_off(self) -> tuple[DropOff, ...]:
        return tuple(
            find_drop_off(
                self.G, flow=self.flow, population=self.population, handoff_edges=self.person.edges
            )
        )

    @cached_property
    def evidence(self) -> EvidenceSummary:
        return evidence_summary(self.G)

    @cached_property
    def view(self) -> JourneyView:
        exchanges = frozenset((x.from_touchpoint, x.to_touchpoint) for x in self.exchanges)
        return build_view(
            self.G,
            flow=self.flow,
            critical_path=self.critical.path,
            population=self.population,
            handoff_edges=self.person.edges,
            exchange_edges=exchanges,
            main_path=self.main[0],
            back_edges=self.back_edges,
            handoffs=self.person.handoffs,
        )

    @cached_property
    def touchpoints(self) -> tuple[tuple[TouchpointFlow, ...], dict[str, float]]:
        flows, by_agency = touchpoint_flows(
            self.G,
            flow=self.flow,
            population=self.population,
            position={n: i for i, n in enumerate(self.view.order)},
            critical_path=self.critical.path,
            main_path=self.main[0],
            duplicates=self.duplicates,
            reissued=self.reissued,
            back_edges=self.back_edges,
        )
        return tuple(flows), by_agency

    @cached_property
    def metrics(self) -> Metrics:
        G, flow, pop, sim = self.G, self.flow, self.population, self.simulation
        flows, by_agency = self.touchpoints
        has_effort = any(G.nodes[n]["effort_hours"] is not None for n in G.nodes)
        effort = sum(f.expected_effort_hours for f in flows) if has_effort else None
        days, days_note = self.expected_days
        handoffs, exchanges, main = self.person.handoffs, self.exchanges, self.main
        return Metrics(
            completion_rate=flow.completion_rate,
            failure_rate=flow.failure_rate,
            abandon_rate=flow.abandon_rate,
            critical_path=self.critical.path,
            critical_path_days=self.critical.days,
            critical_path_note=self.critical.note,
            expected_days_for_completers=days,
            expected_days_note=days_note,
            elapsed_p50_days=sim.p50_days if sim else None,
            elapsed_p90_days=sim.p90_days if sim else None,
            simulation_runs=sim.runs if sim else None,
            simulation_seed=sim.seed if sim else None,
            expected_effort_hours=effort,
            effort_hours_by_agency={a: by_agency[a] for a in G.graph["agencies"] if a in by_agency},
            population=pop,
            population_is_default=not (self.options.population or G.graph.get("population")),
            population_effort_hours=effort * pop if effort is not None else None,
            handoff_count=len(handoffs),
            expected_handoffs_per_person=sum(h.share_of_starters for h in handoffs),
            touchpoint_count=G.number_of_nodes(),
            agency_count=len({G.nodes[n]["agency"] for n in G.nodes}),
            duplicate_item_count=len(self.duplicates),
            expected_repeat_requests_per_person=sum(d.repeat_requests for d in self.duplicates)
            / pop,
            completions=pop * flow.completion_rate,
            failures=pop * flow.failure_rate,
            abandonments=pop * flow.abandon_rate,
            main_path=main[0] or None,
            main_path_days=main[1] if main[0] else None,
            main_path_rule=MAIN_PATH_RULE,
            exchange_count=len(exchanges),
            expected_exchanges_per_person=sum(x.share_of_starters for x in exchanges),
            simulation_note=sim.note if sim else None,
            ping_pong_count=sum(1 for h in handoffs if h.ping_pong),
        )

    def numbers(self) -> Report:
        """The Report without findings, feedback or the observed summary: what finders read."""
        G, view = self.G, self.view
        return Report(
            journey=G.graph["journey"],
            title=G.graph["title"],
            life_experience=G.graph.get("context", {}).get("life_experience"),
            metrics=self.metrics,
            touchpoints=self.touchpoints[0],
            bottlenecks=self.bottlenecks,
            bottleneck_metric=BOTTLENECK_METRIC,
            handoffs=self.person.handoffs,
            handoff_matrix=handoff_matrix(self.person.handoffs, list(G.graph["agencies"])),
            duplicate_requests=self.duplicates,
            reissued_requests=self.reissued,
            drop_off=self.drop_off,
            findings=(),
            evidence=self.evidence,
            context=view.context,
            order=view.order,
            edges=view.edges,
            agencies=view.agencies,
            stages=view.stages,
            data_items=view.data_items,
            behind_the_scenes=self.exchanges,
        )

    def report(
        self,
        *,
        summary: ObservedSummary | None = None,
        feedback: ObservedFeedback | None = None,
        journey: Journey | None = None,
    ) -> Report:
        """The whole Report: the numbers, the findings of every registered finder (most
        severe first), the designed-vs-observed ``summary``, the ``feedback`` joined to the
        touchpoints and the forms' burden (``journey``: the model, for the forms)."""
        numbers = self.numbers()
        found = run_finders(
            FindingContext(
                G=self.G,
                report=numbers,
                top=self.options.top,
                observed=summary,
                feedback=feedback,
                journey=journey,
            )
        )
        return dataclasses.replace(
            numbers,
            findings=found.findings,
            observed=summary,
            feedback=found.feedback,
            burden=found.burden,
        )
