"""The analysis report: the only thing renderers consume.

A :class:`Report` is a frozen, JSON-ready record of everything the analysis found about one
journey: headline metrics, per-touchpoint flow, ranked bottlenecks, handoffs, duplicate data
requests, drop-off, plain-language findings and the state of the evidence. Renderers (text,
Markdown, JSON, Graphviz, HTML) read it and never recompute analysis.

Numbers are per period for ``population`` people who start the journey (the journey's own
``population``, else :data:`DEFAULT_POPULATION`, and ``Metrics.population_is_default`` says
which). Durations are in days, effort in hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal

from .feedback_types import BurdenSummary, FeedbackSummary
from .frozen import FrozenMap, record, to_plain

__all__ = [
    "CONTRACT_VERSION",
    "DEFAULT_POPULATION",
    "SEVERITIES",
    "AgencyInfo",
    "Arrow",
    "Bottleneck",
    "BurdenSummary",
    "ConformanceSummary",
    "Count",
    "Deviation",
    "DropOff",
    "DropOffCell",
    "DuplicateRequest",
    "EdgeFlow",
    "EvidenceSummary",
    "Exchange",
    "FarOff",
    "FeedbackSummary",
    "Finding",
    "FormInfo",
    "Handoff",
    "ItemInfo",
    "JourneyContext",
    "Metrics",
    "Move",
    "ObservedSummary",
    "PeriodRow",
    "PeriodTime",
    "Portfolio",
    "PortfolioItem",
    "PortfolioPair",
    "Reissue",
    "Report",
    "Request",
    "ScenarioMarks",
    "SegmentGap",
    "SegmentRow",
    "SegmentsSummary",
    "StageInfo",
    "Suggestion",
    "TouchpointFlow",
    "TrendEvent",
    "TrendSummary",
    "Variant",
    "Wait",
    "contract_dict",
]

#: The version of the JSON contract (``contract_version`` in every JSON journeymap writes):
#: the major number changes when a field is renamed or removed, the minor when one is added.
CONTRACT_VERSION = "3.1"

#: People per period assumed when a journey gives no ``population``.
DEFAULT_POPULATION = 1000


def contract_dict(kind: str, value: Any) -> dict[str, Any]:
    """``value`` (a record) as JSON-ready data under its contract: ``kind`` ("report",
    "portfolio", "comparison", "suggestions", "validation") and :data:`CONTRACT_VERSION`."""
    return {"contract": kind, "contract_version": CONTRACT_VERSION, **to_plain(value)}


Severity = Literal["high", "medium", "low", "info"]
#: The severities, most severe first: the order findings are told in.
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
Boundary = Literal["agency", "department", "level"]
Scope = Literal["cross_agency", "same_agency"]
EdgeKind = Literal["sequence", "alternative", "parallel"]


@record
class Metrics:
    """Headline numbers for the whole journey."""

    completion_rate: float
    failure_rate: float
    abandon_rate: float
    critical_path: tuple[str, ...] | None
    critical_path_days: float | None
    critical_path_note: str | None
    expected_days_for_completers: float | None
    expected_days_note: str | None
    elapsed_p50_days: float | None
    elapsed_p90_days: float | None
    simulation_runs: int | None
    simulation_seed: int | None
    expected_effort_hours: float | None
    effort_hours_by_agency: Mapping[str, float]
    population: int
    population_is_default: bool
    population_effort_hours: float | None
    handoff_count: int
    expected_handoffs_per_person: float
    touchpoint_count: int
    agency_count: int
    duplicate_item_count: int
    expected_repeat_requests_per_person: float
    completions: float
    failures: float
    abandonments: float
    #: the path most people's time depends on (see ``main_path_rule``), with its days
    main_path: tuple[str, ...] | None = None
    main_path_days: float | None = None
    main_path_rule: str = ""
    #: arrows between agencies behind the scenes (backstage, support, automated steps)
    exchange_count: int = 0
    expected_exchanges_per_person: float = 0.0
    #: how the simulation drew each touchpoint's time (names the method used)
    simulation_note: str | None = None


@record
class FormInfo:
    """A form a touchpoint uses (``omb``: its OMB control number, when known)."""

    id: str
    omb: str | None
    name: str | None


@record
class TouchpointFlow:
    """One touchpoint: its words as written and the numbers the analysis used.

    With an event log, ``median_days``, ``p90_days``, ``mean_days`` and ``drop_off_rate`` are
    the observed values (``evidence == "observed"``, ``source`` names the log); every renderer
    shows these, never the authored ones. ``position`` is the touchpoint's place in
    :attr:`Report.order`.
    """

    touchpoint: str
    name: str
    agency: str
    stage: str | None
    expected_visits: float
    reach: float
    arrivals: float
    drop_off_rate: float | None
    people_lost: float
    median_days: float | None
    p90_days: float | None
    expected_days: float
    effort_hours: float | None
    expected_effort_hours: float
    on_critical_path: bool
    asks_again: tuple[str, ...]
    reasks_issued: tuple[str, ...]
    evidence: str | None
    position: int = 0
    description: str | None = None
    channel: str | None = None
    lane: str | None = None
    asks: tuple[str, ...] = ()
    gives: tuple[str, ...] = ()
    mean_days: float | None = None
    satisfaction: float | None = None
    emotion: float | None = None
    pain_points: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    forms: tuple[FormInfo, ...] = ()
    source: str | None = None
    split: bool = False
    join: bool = False
    is_start: bool = False
    outcome: str | None = None
    #: People per period whose journey ends here (an end: those who arrive and do not give
    #: up here); 0 elsewhere. The ends' ``finishes`` add up to completions plus failures.
    finishes: float = 0.0
    #: items asked for here again only by people sent back through a loop (asked once on
    #: every path without the loop)
    asks_when_sent_back: tuple[str, ...] = ()
    on_main_path: bool = False
    #: ``kind: milestone``: a point reached, not a step an agency takes the person through
    milestone: bool = False
    #: the touchpoint's column on the map: the longest chain of forward arrows before it,
    #: stage bands kept apart when the stages allow it (``StageInfo.column``)
    column: int = 0
    #: of every 1,000 people who start: how many reach here at least once, and how many give
    #: up here (the funnel's numbers)
    reach_per_1000: float = 0.0
    lost_per_1000: float = 0.0


@record
class EdgeFlow:
    """One arrow of the journey (a ``next``), with the numbers the analysis used.

    ``kind``: "sequence" (the only way on), "alternative" (one of several, taken by ``share``
    of those who go on) or "parallel" (a branch of a ``split: all``; ``share`` is 1).
    ``loop_back``: the arrow returns to an earlier touchpoint (people are sent back).
    ``share_of_starters``: expected crossings per person who starts; ``people`` the same for
    the population. ``handoff``: the two touchpoints belong to different agencies, across
    ``boundary``.
    """

    source: str
    target: str
    kind: EdgeKind
    loop_back: bool
    share: float
    wait_days: float | None
    share_of_starters: float
    people: float
    handoff: bool
    boundary: Boundary | None
    on_critical_path: bool
    #: an arrow between two agencies into or out of a backstage, support or automated step
    behind_the_scenes: bool = False
    on_main_path: bool = False
    #: on a handoff arrow, the people the handoff carries per period (``Handoff.people``: those
    #: coming from another agency, passed through milestones and backstage steps); None
    #: on an arrow that is not a handoff
    handoff_people: float | None = None
    #: the share as every renderer shows it: the alternatives of one touchpoint rounded to
    #: whole percentages that add up to 100 % when their own rounding would not (1/3 each:
    #: 0.34, 0.33, 0.33); ``share`` itself otherwise
    shown_share: float = 1.0


@record
class AgencyInfo:
    """An agency as written in the journey, with the touchpoints it owns (in telling order)."""

    id: str
    name: str
    level: str | None
    department: str | None
    touchpoints: tuple[str, ...]


@record
class StageInfo:
    """A stage of the journey, in written order."""

    id: str
    name: str
    description: str | None
    #: the map column where the stage's band starts (None: no touchpoint is in it)
    column: int | None = None


@record
class ItemInfo:
    """A data item the journey asks for or gives. ``short_name`` is its shortest real
    abbreviation ("SSN", "DD-214"), else its name."""

    id: str
    name: str
    short_name: str
    sensitive: bool
    government_issued: bool
    #: the touchpoints that ask for it, in telling order
    asked_at: tuple[str, ...] = ()


@record
class JourneyContext:
    """The journey's own words, for renderers: who, when, what, and where it comes from."""

    summary: str | None = None
    persona_name: str | None = None
    persona_description: str | None = None
    occasion: str | None = None
    offering: str | None = None
    source: str | None = None
    start: str | None = None


@record
class Bottleneck:
    """A touchpoint ranked by its contribution to elapsed time (expected visits x median days)."""

    rank: int
    touchpoint: str
    name: str
    agency: str
    expected_days: float
    share: float
    median_days: float
    expected_visits: float
    people_lost: float
    on_critical_path: bool
    critical_path_share: float | None
    evidence: str | None
    #: days the touchpoint can grow before the journey takes longer (a parallel branch that
    #: is not the slowest); 0 where every day counts
    slack_days: float = 0.0
    on_main_path: bool = False
    #: "rework" (visited more than once), "parallel_slack" (a branch with slack), "slowest_branch",
    #: "step": the advice that fits
    case: str = "step"


@record
class Handoff:
    """An edge between touchpoints of two different agencies."""

    from_touchpoint: str
    to_touchpoint: str
    from_agency: str
    to_agency: str
    boundary: Boundary
    from_level: str | None
    to_level: str | None
    from_department: str | None
    to_department: str | None
    people: float
    share_of_starters: float
    wait_days: float | None
    people_lost_after: float
    ping_pong: bool
    kind: Literal["sequence", "alternative", "parallel"]
    #: the milestone, backstage, support or automated touchpoint the person passed through
    #: (the arrow starts there; ``from_agency`` is the agency the person last dealt with)
    via: tuple[str, ...] = ()


@record
class Exchange:
    """An arrow between two agencies into or out of a backstage, support or automated step:
    work the agencies do between them, not the person being sent elsewhere."""

    from_touchpoint: str
    to_touchpoint: str
    from_agency: str
    to_agency: str
    people: float
    share_of_starters: float


@record
class DuplicateRequest:
    """A data item one person can be asked for more than once."""

    item: str
    name: str
    scope: Scope
    touchpoints: tuple[str, ...]
    agencies: tuple[str, ...]
    asked_again_at: tuple[str, ...]
    expected_asks_per_person: float
    asked_rate: float
    asked_again_rate: float
    people_asked_again: float
    repeat_requests: float
    via_loop: bool
    issued_by: tuple[str, ...]
    sensitive: bool
    government_issued: bool
    #: asked again only when people are sent back through a loop (no path asks twice
    #: otherwise)
    only_when_sent_back: bool = False
    #: the touchpoints of ``asked_again_at`` where the repeat comes only from the loop
    sent_back_at: tuple[str, ...] = ()


@record
class Reissue:
    """A document the government issued earlier in the journey and later asks the person for."""

    item: str
    name: str
    given_at: tuple[str, ...]
    asked_at: tuple[str, ...]
    issuing_agencies: tuple[str, ...]
    asking_agencies: tuple[str, ...]
    people: float
    #: True when every issuing agency is a government (federal, state, local, tribal or
    #: territorial level); a private employer or a nonprofit is not the government
    government: bool = False


@record
class DropOff:
    """Abandonment at one touchpoint."""

    touchpoint: str
    name: str
    agency: str
    rate: float
    arrivals: float
    people_lost: float
    share_of_losses: float
    after_handoff: bool
    in_parallel_block: bool


@record
class Finding:
    """One plain-language finding with the numbers behind it and a recommendation."""

    kind: Literal[
        "bottleneck",
        "handoff",
        "ping_pong",
        "duplicate_request",
        "reissued_request",
        "drop_off",
        "time_tax",
        "evidence",
        "feedback",
        "burden",
        "segment_gap",
        "trend",
    ]
    severity: Severity
    title: str
    detail: str
    recommendation: str
    touchpoints: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    evidence: str = "mixed"
    numbers: Mapping[str, float] = field(default_factory=FrozenMap)


@record
class EvidenceSummary:
    """Where the numbers come from, and which are missing."""

    by_kind: Mapping[str, int]
    illustrative: tuple[str, ...]
    unlabelled: tuple[str, ...]
    missing_duration: tuple[str, ...]
    missing_drop_off: tuple[str, ...]
    missing_effort: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]


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
class Arrow:
    """An arrow of the journey, from ``source`` to ``target``."""

    source: str
    target: str


@record
class Request:
    """A request of ``item`` at ``touchpoint``."""

    touchpoint: str
    item: str


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
class SegmentRow:
    """One segment: completion with its 95 % Wilson interval, median days to finish with a
    95 % interval, drop-off per touchpoint."""

    value: str
    cases: int
    completed: int
    closed: int
    completion: float | None
    completion_low: float | None
    completion_high: float | None
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
class PeriodRow:
    """One period: arrivals, completion (cohort), median days per touchpoint and per
    handoff."""

    label: str
    arrivals: int
    completed: int
    closed: int
    completion: float | None
    completion_low: float | None
    completion_high: float | None
    touchpoints: tuple[PeriodTime, ...]
    handoffs: tuple[Wait, ...]


@record
class TrendSummary:
    """The log per period (month, federal fiscal quarter or year); surges and slowdowns."""

    every: str
    periods: tuple[PeriodRow, ...]
    findings: tuple[TrendEvent, ...]


@record
class ObservedSummary:
    """Designed vs observed: what an event log showed, and where the journey file differs."""

    files: tuple[str, ...]
    first_event: str | None
    last_event: str | None
    rows_read: int
    rows_used: int
    rejected: Mapping[str, int]
    rejected_examples: Mapping[str, tuple[str, ...]]
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
class ScenarioMarks:
    """What a scenario changed in the journey the Report was analysed with: touchpoints it
    changed or added, and the requests it removed."""

    scenario: str
    label: str
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed_requests: tuple[Request, ...] = ()


@record
class Report:
    """Everything the analysis found about one journey (see the module docstring)."""

    journey: str
    title: str
    life_experience: str | None
    metrics: Metrics
    touchpoints: tuple[TouchpointFlow, ...]
    bottlenecks: tuple[Bottleneck, ...]
    bottleneck_metric: str
    handoffs: tuple[Handoff, ...]
    handoff_matrix: Mapping[str, Mapping[str, float]]
    duplicate_requests: tuple[DuplicateRequest, ...]
    reissued_requests: tuple[Reissue, ...]
    drop_off: tuple[DropOff, ...]
    findings: tuple[Finding, ...]
    evidence: EvidenceSummary
    observed: ObservedSummary | None = None
    context: JourneyContext = field(default_factory=JourneyContext)
    order: tuple[str, ...] = ()
    edges: tuple[EdgeFlow, ...] = ()
    agencies: tuple[AgencyInfo, ...] = ()
    stages: tuple[StageInfo, ...] = ()
    data_items: tuple[ItemInfo, ...] = ()
    feedback: FeedbackSummary | None = None
    burden: BurdenSummary | None = None
    behind_the_scenes: tuple[Exchange, ...] = ()
    changes: ScenarioMarks | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--format json`` contract, with its version first)."""
        return contract_dict("report", self)

    def touchpoint(self, touchpoint_id: str) -> TouchpointFlow:
        """The flow numbers of one touchpoint (``KeyError`` if unknown)."""
        for flow in self.touchpoints:
            if flow.touchpoint == touchpoint_id:
                return flow
        raise KeyError(touchpoint_id)

    def in_order(self) -> tuple[TouchpointFlow, ...]:
        """The touchpoints in telling order (:attr:`order`)."""
        by_id = {t.touchpoint: t for t in self.touchpoints}
        return tuple(by_id[t] for t in self.order) if self.order else self.touchpoints

    def edge(self, source: str, target: str) -> EdgeFlow:
        """The arrow from ``source`` to ``target`` (``KeyError`` if there is none)."""
        for e in self.edges:
            if e.source == source and e.target == target:
                return e
        raise KeyError((source, target))

    def agency(self, agency_id: str) -> AgencyInfo:
        """An agency by id (``KeyError`` if unknown)."""
        for a in self.agencies:
            if a.id == agency_id:
                return a
        raise KeyError(agency_id)

    def item(self, item_id: str) -> ItemInfo:
        """A data item by id (``KeyError`` if the journey does not use it)."""
        for i in self.data_items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)


@record
class PortfolioItem:
    """A data item across several journeys: who asks for it and how often."""

    item: str
    name: str
    journeys: tuple[str, ...]
    touchpoints: int
    agencies: tuple[str, ...]
    requests: float
    duplicated_in: tuple[str, ...]


@record
class PortfolioPair:
    """An agency pair handing people off, across several journeys."""

    from_agency: str
    to_agency: str
    journeys: tuple[str, ...]
    handoffs: int
    people: float


@record
class Portfolio:
    """Several journeys analysed together (``journeymap analyze DIR``)."""

    reports: tuple[Report, ...]
    items: tuple[PortfolioItem, ...]
    agency_pairs: tuple[PortfolioPair, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the portfolio tables plus one report per journey."""
        return contract_dict("portfolio", self)


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
