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

from .described import (
    AgencyInfo,
    FormInfo,
    ItemInfo,
    JourneyContext,
    StageInfo,
)
from .feedback_types import BurdenSummary, FeedbackSummary
from .flows import Boundary, EdgeFlow, TouchpointFlow
from .frozen import FrozenMap, find, record, to_plain
from .observations import (
    ConformanceSummary,
    Count,
    Deviation,
    DropOffCell,
    FarOff,
    Move,
    ObservedSummary,
    PeriodRow,
    PeriodTime,
    SegmentGap,
    SegmentRow,
    SegmentsSummary,
    Suggestion,
    TrendEvent,
    TrendSummary,
    Variant,
    Wait,
)

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
CONTRACT_VERSION = "3.0"

#: People per period assumed when a journey gives no ``population``.
DEFAULT_POPULATION = 1000


def contract_dict(kind: str, value: Any) -> dict[str, Any]:
    """``value`` (a record) as JSON-ready data under its contract: ``kind`` ("report",
    "portfolio", "comparison", "suggestions", "validation") and :data:`CONTRACT_VERSION`."""
    return {"contract": kind, "contract_version": CONTRACT_VERSION, **to_plain(value)}


Severity = Literal["high", "medium", "low", "info"]
#: The severities, most severe first: the order findings are told in.
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
Scope = Literal["cross_agency", "same_agency"]


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
    #: handoffs after which the person can be sent back to the first agency
    ping_pong_count: int = 0


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
    #: 1 for the handoff most people cross, then down (ties in file order): the order the
    #: tables tell them in
    rank: int = 0


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
    #: 1 for the exchange most people's cases go through, then down (ties in file order)
    rank: int = 0


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
        return find(self.touchpoints, touchpoint_id, touchpoint=touchpoint_id)

    def in_order(self) -> tuple[TouchpointFlow, ...]:
        """The touchpoints in telling order (:attr:`order`)."""
        by_id = {t.touchpoint: t for t in self.touchpoints}
        return tuple(by_id[t] for t in self.order) if self.order else self.touchpoints

    def edge(self, source: str, target: str) -> EdgeFlow:
        """The arrow from ``source`` to ``target`` (``KeyError`` if there is none)."""
        return find(self.edges, (source, target), source=source, target=target)

    def agency(self, agency_id: str) -> AgencyInfo:
        """An agency by id (``KeyError`` if unknown)."""
        return find(self.agencies, agency_id, id=agency_id)

    def item(self, item_id: str) -> ItemInfo:
        """A data item by id (``KeyError`` if the journey does not use it)."""
        return find(self.data_items, item_id, id=item_id)


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
