"""Plain-language findings: each with the numbers behind it and a recommendation.

Severity rules (documented in docs/methods.md):

- bottleneck: high when it holds >= 30 % of expected elapsed time, medium >= 15 %, else low;
- duplicate request: high when asked again of >= 50 % of starters across agencies, medium when
  >= 20 % or across agencies, else low;
- re-issued request: medium (the government asks for what it issued);
- drop-off: high when a touchpoint loses >= 10 % of starters, medium >= 3 %, else low;
- ping-pong handoff: medium; handoffs overall: medium when a person is handed off >= 3 times
  on average, else low;
- time tax: medium when >= 8 hours per person, else low;
- evidence: info.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx

from .. import fmt
from ..feedback_types import BurdenSummary, FeedbackSummary
from ..report import SEVERITIES, Bottleneck, Finding, ObservedSummary, Report, Severity
from .feedback_join import find_burden, join_feedback
from .observed_view import observed_findings

if TYPE_CHECKING:
    from ..feedback_types import ObservedFeedback
    from ..models import Journey

__all__ = ["FINDERS", "Finder", "FindingContext", "Found", "build_findings", "run_finders"]
_GOVERNMENT = frozenset({"federal", "state", "local", "tribal", "territorial"})


def _evidence_of(G: nx.DiGraph, nodes: tuple[str, ...]) -> str:
    kinds = {G.nodes[n]["evidence"] or "unlabelled" for n in nodes}
    if len(kinds) == 1:
        return kinds.pop()
    if "illustrative" in kinds:
        return "mixed (some illustrative)"
    return "mixed"


def _name(G: nx.DiGraph, node: str) -> str:
    return f"'{G.nodes[node]['name']}' ({G.nodes[node]['agency']})"


def _agency_list(agencies: tuple[str, ...]) -> str:
    if len(agencies) <= 1:
        return "".join(agencies)
    return ", ".join(agencies[:-1]) + " and " + agencies[-1]


def _behind(report: Report) -> str:
    n = report.metrics.exchange_count
    if not n:
        return ""
    return (
        f"; besides, {fmt.plural(n, 'exchange')} between agencies happen behind the scenes "
        "and are not counted as handoffs"
    )


def _bottleneck_advice(b: Bottleneck) -> str:
    """Advice that fits the case: rework, the slowest of parallel work, or a plain step."""
    if b.case == "rework":
        return (
            "Reduce rework here first: request all evidence up front and tell people exactly "
            "what is missing."
        )
    standard = (
        "pre-fill from data the government already holds, set a service standard and publish "
        "status so people are not left waiting blind."
    )
    if b.case == "slowest_branch":
        return (
            f"Shorten {b.agency}'s step: it is the slowest of the work done at the same time, "
            "so every day saved here shortens the journey until another branch becomes the "
            f"slowest; {standard}"
        )
    if b.case == "parallel_slack":
        return (
            f"It runs alongside slower work with {fmt.days(b.slack_days)} of slack: making it "
            "faster does not shorten the journey; look at its drop-off and effort instead."
        )
    return f"Shorten {b.agency}'s step: {standard}"


def _bottleneck_findings(G: nx.DiGraph, report: Report, *, top: int) -> list[Finding]:
    """The top bottlenecks (those holding at least 5 % of the time, and the first)."""
    out: list[Finding] = []
    severity: Severity
    for b in report.bottlenecks[:top]:
        if b.share < 0.05 and b.rank > 1:
            continue
        severity = "high" if b.share >= 0.3 else "medium" if b.share >= 0.15 else "low"
        path = " Most people's time depends on it (main path)." if b.on_main_path else ""
        loop = ""
        if b.case == "rework":
            loop = f" People pass it {b.expected_visits:.2f} times on average (rework)."
        out.append(
            Finding(
                kind="bottleneck",
                severity=severity,
                title=f"{b.name} holds {fmt.percent(b.share)} of the expected waiting",
                detail=(
                    f"{_name(G, b.touchpoint)} takes {fmt.days(b.median_days)} (median) and "
                    f"contributes {fmt.days(b.expected_days)} of elapsed time per person who "
                    f"starts, {fmt.percent(b.share)} of the total.{path}{loop}"
                ),
                recommendation=_bottleneck_advice(b),
                touchpoints=(b.touchpoint,),
                agencies=(b.agency,),
                evidence=_evidence_of(G, (b.touchpoint,)),
                numbers={
                    "share": b.share,
                    "expected_days": b.expected_days,
                    "median_days": b.median_days,
                },
            )
        )
    return out


def _duplicate_findings(G: nx.DiGraph, report: Report, *, top: int) -> list[Finding]:
    """The top data items a person can be asked for more than once."""
    out: list[Finding] = []
    pop = report.metrics.population
    severity: Severity
    for d in report.duplicate_requests[:top]:
        rate = d.asked_again_rate
        if d.scope == "cross_agency" and rate >= 0.5:
            severity = "high"
        elif rate >= 0.2 or d.scope == "cross_agency":
            severity = "medium"
        else:
            severity = "low"
        who = _agency_list(d.agencies)
        name = fmt.in_sentence(d.name)
        it = "them" if fmt.is_plural(d.name) else "it"
        loop = ""
        if d.only_when_sent_back:
            loop = f" Only people sent back through a loop are asked for {it} again."
        elif d.via_loop:
            loop = f" A loop asks for {it} again."
        issued = ""
        if d.issued_by:
            giver = G.nodes[d.issued_by[0]]["agency"]
            level = G.graph["agencies"][giver]["level"]
            issued = (
                f" The government issued {it} itself at {_name(G, d.issued_by[0])}."
                if level in _GOVERNMENT
                else f" {_name(G, d.issued_by[0])} issued {it} earlier in the journey."
            )
        out.append(
            Finding(
                kind="duplicate_request",
                severity=severity,
                title=f"Ask once: the {name} {fmt.verb(d.name, 'is', 'are')} requested by {who}"
                if len(d.agencies) > 1
                else f"Ask once: {d.agencies[0]} asks for the {name} more than once",
                detail=(
                    f"{fmt.plural(len(d.touchpoints), 'touchpoint')} "
                    f"{'asks' if len(d.touchpoints) == 1 else 'ask'} for the {name} "
                    f"({', '.join(d.touchpoints)}). A person who starts is asked for {it} "
                    f"{d.expected_asks_per_person:.2f} times on average; "
                    f"{fmt.percent(rate)} of people ({fmt.people(d.people_asked_again)} of "
                    f"{fmt.people(pop)}) are asked for {it} more than once.{loop}{issued}"
                ),
                recommendation=(
                    f"Collect the {name} once and share {it} between {who} with the "
                    "person's consent (A-11: 'only requires giving the government information "
                    "once')."
                    if len(d.agencies) > 1
                    else f"Keep the {name} from the first request and reuse {it} within "
                    f"{d.agencies[0]}."
                ),
                touchpoints=d.touchpoints,
                agencies=d.agencies,
                items=(d.item,),
                evidence=_evidence_of(G, d.touchpoints),
                numbers={
                    "asked_again_rate": rate,
                    "people_asked_again": d.people_asked_again,
                    "expected_asks_per_person": d.expected_asks_per_person,
                },
            )
        )
    return out


def _reissue_findings(G: nx.DiGraph, report: Report) -> list[Finding]:
    """Documents the journey issued and later asks the person for again."""
    out: list[Finding] = []
    pop = report.metrics.population
    for r in report.reissued_requests:
        it = "them" if fmt.is_plural(r.name) else "it"
        askers = [_name(G, n) for n in r.asked_at]
        holder = "the government already holds" if r.government else "was already issued"
        out.append(
            Finding(
                kind="reissued_request",
                severity="medium",
                title=f"The {fmt.in_sentence(r.name)} issued by "
                f"{_agency_list(r.issuing_agencies)} {fmt.verb(r.name, 'is', 'are')} asked "
                f"for again by {_agency_list(r.asking_agencies)}",
                detail=(
                    f"{_name(G, r.given_at[0])} issues the {fmt.in_sentence(r.name)}; later "
                    f"{_agency_list(tuple(askers))} {'asks' if len(askers) == 1 else 'ask'} "
                    f"the person to provide {it} ({fmt.people(r.people)} requests per "
                    f"{fmt.people(pop)} people)."
                ),
                recommendation=(
                    f"Have {_agency_list(r.asking_agencies)} retrieve the "
                    f"{fmt.in_sentence(r.name)} from {_agency_list(r.issuing_agencies)} "
                    "directly (system to system, with the person's consent) instead of asking "
                    f"the person for a document that {holder}."
                ),
                touchpoints=(*r.given_at, *r.asked_at),
                agencies=tuple(dict.fromkeys((*r.issuing_agencies, *r.asking_agencies))),
                items=(r.item,),
                evidence=_evidence_of(G, r.asked_at),
                numbers={"requests": r.people},
            )
        )
    return out


def _drop_off_findings(G: nx.DiGraph, report: Report, *, top: int) -> list[Finding]:
    """The touchpoints that lose the most people."""
    out: list[Finding] = []
    pop = report.metrics.population
    for leak in report.drop_off[:top]:
        if leak.people_lost <= 0:
            continue
        share_of_starters = leak.people_lost / pop
        leak_severity: Severity = (
            "high" if share_of_starters >= 0.1 else "medium" if share_of_starters >= 0.03 else "low"
        )
        after = ""
        if leak.after_handoff:
            sources = sorted(
                {h.from_agency for h in report.handoffs if h.to_touchpoint == leak.touchpoint}
            )
            after = f" It comes right after a handoff from {_agency_list(tuple(sources))}."
        out.append(
            Finding(
                kind="drop_off",
                severity=leak_severity,
                title=f"{fmt.people(leak.people_lost)} of {fmt.people(pop)} people give up at "
                f"{leak.name}",
                detail=(
                    f"{_name(G, leak.touchpoint)} loses {fmt.percent(leak.rate)} of the "
                    f"{fmt.people(leak.arrivals)} people who reach it, "
                    f"{fmt.percent(leak.share_of_losses)} of all losses.{after}"
                ),
                recommendation=(
                    "Make the handoff warm: pass the case and its data to the next agency and "
                    "tell the person what happens next, instead of sending them to start over."
                    if leak.after_handoff
                    else "Find out why people stop here (exit survey, call-centre reasons) and "
                    "remove the step or the requirement behind it."
                ),
                touchpoints=(leak.touchpoint,),
                agencies=(leak.agency,),
                evidence=_evidence_of(G, (leak.touchpoint,)),
                numbers={"rate": leak.rate, "people_lost": leak.people_lost},
            )
        )
    return out


def _ping_pong_findings(G: nx.DiGraph, report: Report) -> list[Finding]:
    """Agency pairs that hand the person over and get them back."""
    out: list[Finding] = []
    pongs = list(
        {
            (h.from_agency, h.to_agency): h
            for h in sorted(report.handoffs, key=lambda h: h.people)
            if h.ping_pong
        }.values()
    )
    for h in pongs:
        out.append(
            Finding(
                kind="ping_pong",
                severity="medium",
                title=f"Ping-pong: {h.from_agency} sends people to {h.to_agency}, who send "
                f"them back",
                detail=(
                    f"After {_name(G, h.from_touchpoint)} people go to "
                    f"{_name(G, h.to_touchpoint)} and later return to {h.from_agency} "
                    f"({fmt.people(h.people)} people cross per period)."
                ),
                recommendation=(
                    f"Let {h.from_agency} and {h.to_agency} settle the case between them so the "
                    "person deals with one of them."
                ),
                touchpoints=(h.from_touchpoint, h.to_touchpoint),
                agencies=(h.from_agency, h.to_agency),
                evidence=_evidence_of(G, (h.from_touchpoint, h.to_touchpoint)),
                numbers={"people": h.people},
            )
        )
    return out


def _handoff_findings(G: nx.DiGraph, report: Report) -> list[Finding]:
    """Handoffs overall, with the costliest one."""
    m = report.metrics
    if not report.handoffs:
        return []
    levels = sum(1 for h in report.handoffs if h.boundary == "level")
    busiest = max(report.handoffs, key=lambda h: (h.people_lost_after, h.people))
    return [
        Finding(
            kind="handoff",
            severity="medium" if m.expected_handoffs_per_person >= 3 else "low",
            title=f"People are handed between agencies {m.expected_handoffs_per_person:.1f} "
            "times on average",
            detail=(
                f"The journey has {fmt.plural(m.handoff_count, 'handoff')} between "
                f"{fmt.plural(m.agency_count, 'agency', 'agencies')} ({levels} across levels "
                f"of government){_behind(report)}. "
                f"The costliest is {busiest.from_agency} to {busiest.to_agency} "
                f"({busiest.from_touchpoint} to {busiest.to_touchpoint}): "
                f"{fmt.people(busiest.people)} people cross and "
                f"{fmt.people(busiest.people_lost_after)} give up right after."
            ),
            recommendation=(
                "Name one owner for the whole journey and hand over the case, not the "
                "person: shared status, a warm transfer and data passed forward."
            ),
            touchpoints=(busiest.from_touchpoint, busiest.to_touchpoint),
            agencies=(busiest.from_agency, busiest.to_agency),
            evidence=_evidence_of(G, (busiest.from_touchpoint, busiest.to_touchpoint)),
            numbers={
                "handoff_count": float(m.handoff_count),
                "expected_handoffs_per_person": m.expected_handoffs_per_person,
            },
        )
    ]


def _time_tax_findings(G: nx.DiGraph, report: Report) -> list[Finding]:
    """The person's own time, and where it is largest."""
    pop = report.metrics.population
    m = report.metrics
    if m.expected_effort_hours is None or m.expected_effort_hours <= 0:
        return []
    heaviest = max(m.effort_hours_by_agency.items(), key=lambda kv: kv[1])
    total_people_hours = m.population_effort_hours or 0.0
    return [
        Finding(
            kind="time_tax",
            severity="medium" if m.expected_effort_hours >= 8 else "low",
            title=f"The journey costs each person {fmt.hours(m.expected_effort_hours)} of "
            "their own time",
            detail=(
                f"Expected active effort per person who starts is "
                f"{fmt.hours(m.expected_effort_hours)} ({total_people_hours:,.0f} hours for "
                f"{fmt.people(pop)} people); {heaviest[0]} accounts for "
                f"{fmt.hours(heaviest[1])}."
            ),
            recommendation=(
                f"Cut the time tax where it is largest ({heaviest[0]}): fewer forms, "
                "pre-filled answers, and no repeat requests for information already given."
            ),
            agencies=(heaviest[0],),
            evidence=_evidence_of(
                G, tuple(n for n in G.nodes if G.nodes[n]["effort_hours"] is not None)
            ),
            numbers={"expected_effort_hours": m.expected_effort_hours},
        )
    ]


def _evidence_findings(G: nx.DiGraph, report: Report) -> list[Finding]:
    """How far to trust the numbers."""
    ev = report.evidence
    if not ev.notes:
        return []
    return [
        Finding(
            kind="evidence",
            severity="info",
            title="How far to trust these numbers",
            detail="; ".join(ev.notes).capitalize() + ".",
            recommendation=(
                "Replace illustrative and missing numbers with observed ones (event logs, "
                "case-management data) before acting on the findings."
            ),
            touchpoints=ev.illustrative or ev.unlabelled,
            evidence="illustrative" if ev.illustrative else "mixed",
            numbers={k: float(v) for k, v in ev.by_kind.items()},
        )
    ]


@dataclass(frozen=True)
class Finder:
    """A registered producer of findings: its ``kind``, what it reads (``source``: "journey",
    "observed", "feedback" or "burden") and the function."""

    kind: str
    source: str
    find: Callable[[FindingContext], Iterable[Finding]]


class FindingContext:
    """What finders read: the graph, the Report's numbers, ``top``, the designed-vs-observed
    summary, the feedback and the journey (for its forms); the feedback join and the burden
    are computed once here, for their findings and for the Report."""

    def __init__(
        self,
        *,
        G: nx.DiGraph,
        report: Report,
        top: int,
        observed: ObservedSummary | None = None,
        feedback: ObservedFeedback | None = None,
        journey: Journey | None = None,
    ) -> None:
        self.G, self.report, self.top = G, report, top
        self.observed, self.feedback, self.journey = observed, feedback, journey

    @cached_property
    def voice(self) -> tuple[FeedbackSummary | None, tuple[Finding, ...]]:
        if self.feedback is None:
            return None, ()
        return join_feedback(self.report, self.feedback, self.journey)

    @cached_property
    def burden(self) -> tuple[BurdenSummary | None, tuple[Finding, ...]]:
        return find_burden(self.report, self.journey)


#: Every finder, in the order their findings are told within a severity.
FINDERS: tuple[Finder, ...] = (
    Finder("bottleneck", "journey", lambda c: _bottleneck_findings(c.G, c.report, top=c.top)),
    Finder("duplicate_request", "journey", lambda c: _duplicate_findings(c.G, c.report, top=c.top)),
    Finder("reissued_request", "journey", lambda c: _reissue_findings(c.G, c.report)),
    Finder("drop_off", "journey", lambda c: _drop_off_findings(c.G, c.report, top=c.top)),
    Finder("ping_pong", "journey", lambda c: _ping_pong_findings(c.G, c.report)),
    Finder("handoff", "journey", lambda c: _handoff_findings(c.G, c.report)),
    Finder("time_tax", "journey", lambda c: _time_tax_findings(c.G, c.report)),
    Finder("evidence", "journey", lambda c: _evidence_findings(c.G, c.report)),
    Finder("feedback", "feedback", lambda c: c.voice[1]),
    Finder("segment_gap, trend", "observed", lambda c: observed_findings(c.observed)),
    Finder("burden", "burden", lambda c: c.burden[1]),
)


@dataclass(frozen=True)
class Found:
    """The findings, most severe first, and the feedback and burden sections they came with."""

    findings: tuple[Finding, ...]
    feedback: FeedbackSummary | None
    burden: BurdenSummary | None


def run_finders(context: FindingContext, finders: Sequence[Finder] = FINDERS) -> Found:
    """Every finder's findings, sorted by :data:`~journeymap.report.SEVERITIES` (stable:
    within a severity, in the finders' order)."""
    found = [f for finder in finders for f in finder.find(context)]
    found.sort(key=lambda f: SEVERITIES.index(f.severity))
    return Found(tuple(found), context.voice[0], context.burden[0])


def build_findings(G: nx.DiGraph, report: Report, *, top: int = 5) -> tuple[Finding, ...]:
    """The findings of the journey itself (no log, feedback or forms), most severe first."""
    journey = [f for f in FINDERS if f.source == "journey"]
    return run_finders(FindingContext(G=G, report=report, top=top), journey).findings
