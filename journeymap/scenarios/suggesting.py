"""What would help most: candidate changes drawn from the findings, ranked by what they buy.

From a journey's analysis, :func:`suggest` proposes:

* **ask once** for each item one person is asked for more than once, or asked for after the
  government issued it (each removed request saves ``effort_saved_per_request``);
* **remove** a step that gives nothing and only asks again for what the journey already has;
* **a warm handoff** into each touchpoint where people are lost after a handoff (the
  drop-off there is multiplied by ``warm_handoff_drop_off_factor``: halved by default);
* **a faster bottleneck** for the top bottlenecks (their duration multiplied by
  ``faster_duration_factor``: halved by default).

Each candidate is a scenario, evaluated exactly like one written in the file
(:func:`journeymap.scenarios.comparing.evaluate`), and printed as the YAML block to paste
under ``scenarios:``. The assumptions are a :class:`CandidateAssumptions`; change them to
test how much the ranking depends on them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..analysis.flow import find_flow
from ..analysis.scenario_effects import MAX_RULES, AskOnceRule, find_ask_once_effects
from ..comparison import Candidate, Suggestions
from ..durations import Duration, parse_duration
from ..exceptions import JourneyFileError, UsageError
from ..graph import build_graph
from ..models import Journey
from ..report import Report
from ..yamlsafe import dump_yaml
from .comparing import baseline_report, evaluate, population_for, require_journey
from .model import Scenario

__all__ = ["CandidateAssumptions", "RankBy", "suggest"]

RankBy = Literal["hours", "completions"]
Kind = Literal["ask_once", "remove", "warm_handoff", "faster"]


@dataclass(frozen=True)
class CandidateAssumptions:
    """The assumptions behind the candidates; each is written into the candidate's
    ``assumptions:`` so the pasted scenario says what it rests on.

    ``warm_handoff_drop_off_factor``: a warm handoff (the sending agency passes the case and
    the person's data on and says what happens next) multiplies the drop-off at the
    touchpoint after it by this (0.5: halved). ``faster_duration_factor``: a faster
    bottleneck's duration (median, p90, mean) is multiplied by this (0.5: halved).
    ``effort_saved_per_request``: the person's effort saved per request removed by asking
    once. ``top``: how many duplicated items, handoffs and bottlenecks become candidates.
    ``remove_steps``: also propose removing steps that only ask again.
    """

    warm_handoff_drop_off_factor: float = 0.5
    faster_duration_factor: float = 0.5
    effort_saved_per_request: str = "15min"
    top: int = 3
    remove_steps: bool = True

    def __post_init__(self) -> None:
        for name in ("warm_handoff_drop_off_factor", "faster_duration_factor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                msg = f"{name} must be a number from 0 to 1, not {value!r}"
                raise UsageError(msg, parameter=name)
        try:
            parse_duration(str(self.effort_saved_per_request))
        except ValueError as err:
            raise UsageError(str(err), parameter="effort_saved_per_request") from err
        if isinstance(self.top, bool) or not isinstance(self.top, int) or self.top < 1:
            msg = f"top must be a whole number, 1 or more, not {self.top!r}"
            raise UsageError(msg, parameter="top")

    def as_text(self) -> dict[str, str]:
        """The assumptions as ``name: value`` text, for reports."""
        return {k: str(v) for k, v in asdict(self).items()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "x"


def _ask_once(report: Report, a: CandidateAssumptions) -> list[tuple[Kind, Scenario, str]]:
    out: list[tuple[Kind, Scenario, str]] = []
    seen: set[str] = set()
    reasons = [
        (d.item, f"asked again of {d.people_asked_again:,.0f} people per period")
        for d in report.duplicate_requests
    ][: a.top]
    reasons += [
        (r.item, f"asked for after {', '.join(r.issuing_agencies)} issued it")
        for r in report.reissued_requests
    ][: a.top]
    for item, why in reasons:
        if item in seen:
            continue
        seen.add(item)
        name = report.item(item).name
        change: dict[str, Any] = {"ask_once": item}
        if parse_duration(a.effort_saved_per_request).minutes > 0:
            change["effort_saved"] = a.effort_saved_per_request
        scenario = Scenario.model_validate(
            {
                "id": f"ask-once-{_slug(item)}",
                "title": f"Ask once: {name}",
                "assumptions": f"Agencies share {name} ('{item}') instead of asking again; each "
                f"request removed saves the person {a.effort_saved_per_request} (assumed).",
                "changes": [change],
            }
        )
        out.append(("ask_once", scenario, why))
    return out


def _warm(
    report: Report, journey: Journey, a: CandidateAssumptions
) -> list[tuple[Kind, Scenario, str]]:
    out: list[tuple[Kind, Scenario, str]] = []
    handoffs = sorted(
        (h for h in report.handoffs if h.people_lost_after > 0),
        key=lambda h: -h.people_lost_after,
    )
    seen: set[str] = set()
    for h in handoffs:
        target = h.to_touchpoint
        if target in seen or len(seen) >= a.top:
            continue
        seen.add(target)
        rate = journey.touchpoint(target).drop_off or 0.0
        new = round(rate * a.warm_handoff_drop_off_factor, 9)
        scenario = Scenario.model_validate(
            {
                "id": f"warm-handoff-{_slug(target)}",
                "title": f"Warm handoff from {h.from_agency} into {target}",
                "assumptions": f"A warm handoff ({h.from_agency} passes the case and the "
                f"person's data to {h.to_agency} and says what happens next) multiplies the "
                f"drop-off at {target} by {a.warm_handoff_drop_off_factor:g} (assumed).",
                "changes": [{"touchpoint": target, "drop_off": float(new)}],
            }
        )
        why = f"{h.people_lost_after:,.0f} people per period lost after the handoff"
        out.append(("warm_handoff", scenario, why))
    return out


def _scaled(value: Duration | None, factor: float) -> str | None:
    return None if value is None else str(Duration(value.minutes * factor))


def _faster(
    report: Report, journey: Journey, a: CandidateAssumptions
) -> list[tuple[Kind, Scenario, str]]:
    out: list[tuple[Kind, Scenario, str]] = []
    for b in [b for b in report.bottlenecks if b.median_days > 0][: a.top]:
        stats = journey.touchpoint(b.touchpoint).duration
        if stats is None:
            continue
        f = a.faster_duration_factor
        duration: Any = {
            k: v
            for k, v in (
                ("median", _scaled(stats.median, f)),
                ("p90", _scaled(stats.p90, f)),
                ("mean", _scaled(stats.mean, f)),
            )
            if v is not None
        }
        if set(duration) == {"median"}:
            duration = duration["median"]
        scenario = Scenario.model_validate(
            {
                "id": f"faster-{_slug(b.touchpoint)}",
                "title": f"Faster {b.touchpoint}: {b.name}",
                "assumptions": f"{b.agency} cuts the time at {b.touchpoint} to {f:g} of today's "
                "(assumed: staffing, automation or a service standard).",
                "changes": [{"touchpoint": b.touchpoint, "duration": duration}],
            }
        )
        why = f"bottleneck #{b.rank}: {b.share:.0%} of expected elapsed time"
        out.append(("faster", scenario, why))
    return out


def _removable(report: Report, journey: Journey) -> list[tuple[Kind, Scenario, str]]:
    """Steps that give nothing and ask only for items everyone who gets there already
    holds (asked earlier or issued on every path: the exact ask-once test)."""
    out: list[tuple[Kind, Scenario, str]] = []
    G = build_graph(journey)
    flow = find_flow(G)
    for step in report.in_order():
        tp = journey.touchpoint(step.touchpoint)
        if step.is_start or tp.is_end or tp.split or tp.join or tp.gives or not tp.asks:
            continue
        items = list(dict.fromkeys(tp.asks))
        if len(items) > MAX_RULES:
            continue
        rules = [AskOnceRule(i, None) for i in items]
        held = find_ask_once_effects(G, rules, flow=flow).certain.get(tp.id, ())
        if set(held) != set(items):
            continue
        scenario = Scenario.model_validate(
            {
                "id": f"remove-{_slug(tp.id)}",
                "title": f"Remove {tp.id}: {tp.name}",
                "assumptions": f"{tp.id} gives nothing and asks only for what everyone who "
                "gets there has already given or been issued; the agency gets it from the "
                "agency that has it, so people skip the step.",
                "changes": [{"remove": tp.id}],
            }
        )
        out.append(
            ("remove", scenario, f"asks only for what people already gave: {', '.join(items)}")
        )
    return out


def suggest(
    journey: Journey,
    *,
    assumptions: CandidateAssumptions | None = None,
    population: int | None = None,
    rank_by: RankBy = "hours",
    baseline: Report | None = None,
) -> Suggestions:
    """Candidate changes for ``journey``, each evaluated and ranked (see the module docstring).
    ``baseline``: the journey's Report when the caller has it (analysed here otherwise).

    ``rank_by``: "hours" ranks by people-hours saved per period, then completions gained
    per period, then days saved for finishers; "completions" puts completions first.
    """
    require_journey(journey, "journey")
    if rank_by not in ("hours", "completions"):
        msg = f"rank_by must be 'hours' or 'completions', not {rank_by!r}"
        raise UsageError(msg, parameter="rank_by")
    a = assumptions or CandidateAssumptions()
    pop = population_for(journey, population)
    report = baseline_report(journey, pop, baseline)
    proposals = [*_ask_once(report, a), *_warm(report, journey, a), *_faster(report, journey, a)]
    if a.remove_steps:
        proposals += _removable(report, journey)
    rows = []
    for kind, scenario, why in proposals:
        try:
            alt = evaluate(journey, scenario, baseline=report, population=pop, attribute=False)
        except JourneyFileError:
            continue  # a candidate the journey's shape does not allow
        d = alt.difference
        hours = -(d.time_tax_hours_per_period or 0.0)
        days = -d.expected_days if d.expected_days is not None else None
        rows.append((kind, scenario, why, alt, hours, d.completions_per_period, days))

    def key(row: Any) -> tuple[float, ...]:
        hours, gained, days = round(row[4], 6), round(row[5], 6), round(row[6] or 0.0, 6)
        first = (-hours, -gained) if rank_by == "hours" else (-gained, -hours)
        return (*first, -days)

    rows.sort(key=key)
    candidates = tuple(
        Candidate(
            rank=i,
            id=scenario.id,
            kind=kind,
            title=scenario.label,
            why=why,
            hours_saved_per_period=hours,
            completions_gained_per_period=gained,
            days_saved=days,
            requests_saved=-alt.difference.requests,
            difference=alt.difference,
            yaml=dump_yaml([scenario.to_yaml_data()]),
        )
        for i, (kind, scenario, why, alt, hours, gained, days) in enumerate(rows, start=1)
    )
    return Suggestions(
        journey=journey.id,
        title=journey.title,
        population=pop,
        population_is_default=population is None and journey.population is None,
        rank_by=rank_by,
        assumptions=a.as_text(),
        candidates=candidates,
    )
