"""Comparing a journey with its scenarios, or with a second journey file.

Both sides are analysed by :func:`journeymap.analysis.analyze`, the same model as every other
command, and the measures are read from the two Reports. The one thing a journey file cannot
say, that a request is made for some people at a touchpoint and not for others, is added
from :func:`~journeymap.analysis.scenario_effects.find_ask_once_effects` on the same graph.

Attribution (:data:`ATTRIBUTION_METHOD`): one change at a time from the baseline, plus the
interaction, so that the lines add up exactly to the total difference.

>>> from journeymap import parse_journey
>>> j = parse_journey('''
... journeymap: 1
... id: licence
... title: A licence after a benefit claim
... agencies: [{id: SSA, name: SSA}, {id: DMV, name: DMV}]
... touchpoints:
...   - {id: a, name: Apply, agency: SSA, asks: [ssn], duration: 5d, drop_off: 0.1, next: b}
...   - {id: b, name: Licence, agency: DMV, asks: [ssn, photo_id], duration: 1d, next: c}
...   - {id: c, name: Done, agency: DMV}
... scenarios:
...   - id: once
...     changes: [{ask_once: ssn}, {touchpoint: a, drop_off: 0.05}]
... ''')
>>> c = compare(j)
>>> alt = c.alternatives[0]
>>> round(c.baseline.requests, 6), round(alt.measures.requests, 6)
(2.8, 1.95)
>>> round(alt.difference.completion_per_1000, 6), round(alt.difference.repeat_requests, 6)
(50.0, -0.9)
>>> [(a.label, round(a.difference.requests, 6)) for a in alt.attribution]
[('ask_once ssn', -0.9), ('touchpoint a: drop_off: 0.05', 0.1), ('interaction', -0.05)]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, TypeVar

from ..analysis import analyze
from ..analysis.flow import find_flow
from ..analysis.scenario_effects import AskOnceEffects, AskOnceRule, find_ask_once_effects
from ..comparison import (
    Alternative,
    Attribution,
    Comparison,
    Measures,
    StructuralDiff,
    TouchpointDiff,
)
from ..exceptions import JourneyFileError, JourneymapTypeError, UsageError
from ..graph import build_graph
from ..models import Journey
from ..report import DEFAULT_POPULATION, Arrow, Report, Request
from ..specs import AnalysisOptions
from .apply import apply_scenario, ask_once_rules
from .edit import next_entries
from .model import Scenario

R = TypeVar("R", Request, Arrow)

__all__ = [
    "ATTRIBUTION_METHOD",
    "compare",
    "compare_journeys",
    "compare_paths",
    "evaluate",
    "measures",
    "structural_diff",
]

ATTRIBUTION_METHOD = (
    "one change at a time: each change (or each group of changes that only work together, "
    "such as an added touchpoint and the change that leads to it) is applied alone to the "
    "baseline, and its difference from the baseline is its part; the interaction is the "
    "total difference minus the sum of the parts, so the lines add up exactly to the total"
)
#: Simulated people per analysis (the simulation gives p50/p90, not used by the measures).
RUNS = 1000


def measures(
    report: Report, effects: AskOnceEffects | None = None, rules: Sequence[AskOnceRule] = ()
) -> Measures:
    """The comparison measures of one analysed journey (with ask-once effects, if any).

    ``requests``: expected data requests per starter (visits x items asked); ``repeat
    requests``: requests for an item the person was already asked for (the requests minus
    the distinct items asked, per starter), as in the analysis.
    """
    m = report.metrics
    pop = m.population
    requests = sum(t.expected_visits * len(t.asks) for t in report.touchpoints)
    repeat = m.expected_repeat_requests_per_person
    effort = m.expected_effort_hours
    if effects is not None:
        requests -= effects.requests_removed
        by_item = {d.item: d.repeat_requests / pop for d in report.duplicate_requests}
        for rule in rules:
            after = max(0.0, effects.asks[rule.item] - effects.asked[rule.item])
            repeat += after - by_item.get(rule.item, 0.0)
        if effort is not None:
            effort -= effects.effort_hours_saved
    return Measures(
        completion_per_1000=m.completion_rate * 1000,
        failure_per_1000=m.failure_rate * 1000,
        abandonment_per_1000=m.abandon_rate * 1000,
        completions_per_period=m.completions,
        expected_days=m.expected_days_for_completers,
        critical_path_days=m.critical_path_days,
        time_tax_hours=effort,
        time_tax_hours_per_period=effort * pop if effort is not None else None,
        requests=requests,
        repeat_requests=max(0.0, repeat),
        handoffs=m.expected_handoffs_per_person,
        touchpoints=m.touchpoint_count,
    )


def _run(
    journey: Journey, scenario: Scenario, population: int
) -> tuple[Journey, Report, Measures, tuple[str, ...]]:
    future = apply_scenario(journey, scenario)
    report = analyze(future, population=population, runs=RUNS)
    rules = ask_once_rules(scenario)
    if not rules:
        return future, report, measures(report), ()
    G = build_graph(future)
    effects = find_ask_once_effects(G, rules, flow=find_flow(G))
    notes: tuple[str, ...] = ()
    if effects.requests_removed > 0:
        notes = (
            f"ask_once: {effects.requests_removed:.3g} more requests per starter are removed "
            "where only some people already hold the item (the request stays in the journey "
            "for the others)",
        )
    return future, report, measures(report, effects, rules), notes


def _units(scenario: Scenario) -> list[list[int]]:
    """Groups of changes that only work together: an added touchpoint and the changes that
    name it (as their target or in a next)."""
    parent = list(range(len(scenario.changes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    added = {c.target: j for j, c in enumerate(scenario.changes) if c.kind == "add"}
    for j, change in enumerate(scenario.changes):
        named: set[Any] = {change.target} if change.kind != "add" else set()
        named |= {e.get("to") for e in next_entries(change.set_values.get("next"))}
        if change.add is not None:
            named |= {e.get("to") for e in next_entries(change.add.get("next"))}
        for tid in named:
            if tid in added and added[tid] != j:
                parent[find(j)] = find(added[tid])
    groups: dict[int, list[int]] = {}
    for j in range(len(parent)):
        groups.setdefault(find(j), []).append(j)
    return sorted(groups.values())


def _attribute(
    journey: Journey, scenario: Scenario, base: Measures, total: Measures, population: int
) -> tuple[Attribution, ...]:
    if len(scenario.changes) < 2:
        return tuple(Attribution(c.describe(), (j,), total) for j, c in enumerate(scenario.changes))
    parts = []
    summed = total.minus(total)
    for unit in _units(scenario):
        label = "; ".join(scenario.changes[j].describe() for j in unit)
        alone = Scenario(id=scenario.id, changes=tuple(scenario.changes[j] for j in unit))
        try:
            _, _, m, _ = _run(journey, alone, population)
        except JourneyFileError:
            note = "cannot be applied alone; its effect is in the interaction"
            parts.append(Attribution(label, tuple(unit), None, note))
            continue
        diff = m.minus(base)
        summed = summed.plus(diff)
        parts.append(Attribution(label, tuple(unit), diff))
    parts.append(Attribution("interaction", (), total.minus(summed)))
    return tuple(parts)


def _touchpoint_keys(a: Any, b: Any) -> tuple[str, ...]:
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    return tuple(k for k in da if k != "id" and da[k] != db[k])


def structural_diff(
    base: Journey, other: Journey, base_report: Report, other_report: Report
) -> StructuralDiff:
    """Touchpoints, requests and handoffs added, removed or changed (matched by id)."""
    base_ids = [t.id for t in base.touchpoints]
    other_ids = [t.id for t in other.touchpoints]
    changed = []
    for tid in base_ids:
        if tid in other_ids:
            keys = _touchpoint_keys(base.touchpoint(tid), other.touchpoint(tid))
            if keys:
                changed.append(TouchpointDiff(tid, keys))

    def requests(j: Journey) -> list[Request]:
        return [Request(t.id, item) for t in j.touchpoints for item in t.asks]

    def handoffs(r: Report) -> list[Arrow]:
        return [Arrow(h.from_touchpoint, h.to_touchpoint) for h in r.handoffs]

    def minus(a: list[R], b: list[R]) -> tuple[R, ...]:
        gone = set(b)
        return tuple(p for p in a if p not in gone)

    return StructuralDiff(
        touchpoints_added=tuple(t for t in other_ids if t not in base_ids),
        touchpoints_removed=tuple(t for t in base_ids if t not in other_ids),
        touchpoints_changed=tuple(changed),
        requests_added=minus(requests(other), requests(base)),
        requests_removed=minus(requests(base), requests(other)),
        handoffs_added=minus(handoffs(other_report), handoffs(base_report)),
        handoffs_removed=minus(handoffs(base_report), handoffs(other_report)),
    )


def evaluate(
    journey: Journey,
    scenario: Scenario,
    *,
    baseline: Report,
    population: int,
    attribute: bool = True,
) -> Alternative:
    """One scenario against the baseline (its Report given, so it is analysed once)."""
    base = measures(baseline)
    future, report, m, notes = _run(journey, scenario, population)
    diff = m.minus(base)
    return Alternative(
        id=scenario.id,
        title=scenario.label,
        kind="scenario",
        assumptions=scenario.assumptions,
        changes=tuple(c.describe() for c in scenario.changes),
        measures=m,
        difference=diff,
        attribution=_attribute(journey, scenario, base, diff, population) if attribute else (),
        structure=structural_diff(journey, future, baseline, report),
        same_as_baseline=diff.is_zero(),
        notes=notes,
        report=report,
    )


def population_for(journey: Journey, population: int | None) -> int:
    """``population`` (checked as :class:`~journeymap.specs.AnalysisOptions` checks it),
    else the journey's, else :data:`~journeymap.report.DEFAULT_POPULATION`."""
    AnalysisOptions(population=population)
    return population or journey.population or DEFAULT_POPULATION


def _require_report(value: object) -> None:
    if not isinstance(value, Report):
        msg = f"baseline must be a Report or None, not {type(value).__name__}"
        raise JourneymapTypeError(msg)


def baseline_report(journey: Journey, population: int, given: Report | None) -> Report:
    """The baseline Report: the one given (for ``population`` people), else analysed."""
    if given is None:
        return analyze(journey, population=population, runs=RUNS)
    _require_report(given)
    if given.metrics.population != population:
        msg = (
            f"the baseline Report is for {given.metrics.population:,} people, the comparison "
            f"for {population:,}"
        )
        raise UsageError(msg, parameter="baseline")
    return given


def require_journey(journey: object, name: str) -> Journey:
    if not isinstance(journey, Journey):
        msg = f"{name} must be a Journey (from load_journey), not {type(journey).__name__}"
        raise JourneymapTypeError(msg)
    return journey


def compare(
    journey: Journey,
    *,
    scenarios: Sequence[str] = (),
    population: int | None = None,
    baseline: Report | None = None,
    baseline_label: str = "as written",
) -> Comparison:
    """The journey as written (the baseline) against each of its scenarios.

    ``scenarios``: the ids to compare (default: every scenario, in file order).
    ``baseline``: the journey's Report when the caller has it (so the comparison's baseline
    is the very Report the rest of the page shows); analysed here otherwise.

    Raises
    ------
    UsageError
        If the journey has no scenarios, or an id is not one of them.
    """
    require_journey(journey, "journey")
    if isinstance(scenarios, str):
        scenarios = (scenarios,)
    known = [s.id for s in journey.scenarios]
    if not known:
        msg = (
            f"journey {journey.id!r} has no scenarios: add a scenarios: list "
            "(see docs/scenarios.md), or compare it with a second journey file"
        )
        raise UsageError(msg, parameter="scenarios")
    unknown = [s for s in scenarios if s not in known]
    if unknown:
        msg = f"no scenario {unknown[0]!r} in journey {journey.id!r} (known: {', '.join(known)})"
        raise UsageError(msg, parameter="scenarios")
    chosen = [s for s in journey.scenarios if not scenarios or s.id in scenarios]
    pop = population_for(journey, population)
    baseline = baseline_report(journey, pop, baseline)
    return Comparison(
        journey=journey.id,
        title=journey.title,
        baseline_label=baseline_label,
        population=pop,
        population_is_default=population is None and journey.population is None,
        baseline=measures(baseline),
        alternatives=tuple(evaluate(journey, s, baseline=baseline, population=pop) for s in chosen),
        attribution_method=ATTRIBUTION_METHOD,
        baseline_report=baseline,
    )


def compare_journeys(
    current: Journey,
    future: Journey,
    *,
    population: int | None = None,
    baseline: Report | None = None,
) -> Comparison:
    """A current journey against a future one (a second file); touchpoints matched by id.

    Both are analysed for the same number of starters: ``population``, else the current
    journey's, else 1,000. ``baseline``: the current journey's Report, as for
    :func:`compare`.
    """
    require_journey(current, "current")
    require_journey(future, "future")
    pop = population_for(current, population)
    base = baseline_report(current, pop, baseline)
    report = analyze(future, population=pop, runs=RUNS)
    before, after = measures(base), measures(report)
    diff = after.minus(before)
    alternative = Alternative(
        id=future.id,
        title=future.title,
        kind="file",
        assumptions=None,
        changes=(),
        measures=after,
        difference=diff,
        attribution=(),
        structure=structural_diff(current, future, base, report),
        same_as_baseline=diff.is_zero(),
        report=report,
    )
    return Comparison(
        journey=current.id,
        title=current.title,
        baseline_label=f"current ({current.id})",
        population=pop,
        population_is_default=population is None and current.population is None,
        baseline=before,
        alternatives=(alternative,),
        attribution_method=ATTRIBUTION_METHOD,
        baseline_report=base,
    )


def compare_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    scenarios: Sequence[str] = (),
    population: int | None = None,
) -> Comparison:
    """Load and compare: one journey file against its scenarios, or two journey files
    (current, future).

    Raises
    ------
    UsageError
        With no path or more than two, or scenario ids given with two files.
    JourneyFileError
        If a file is not a valid journey.
    """
    from ..loading import load_journey

    if isinstance(paths, str | os.PathLike) or not 1 <= len(paths) <= 2:
        msg = "compare takes one journey file (with scenarios) or two (current and future)"
        raise UsageError(msg)
    if len(paths) == 2:
        if scenarios:
            msg = "scenario ids apply to one journey file, not to a comparison of two files"
            raise UsageError(msg, parameter="scenarios")
        return compare_journeys(
            load_journey(paths[0]), load_journey(paths[1]), population=population
        )
    return compare(load_journey(paths[0]), scenarios=scenarios, population=population)
