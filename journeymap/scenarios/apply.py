"""Applying a scenario to a journey: a new, validated :class:`~journeymap.models.Journey`.

``touchpoint``, ``remove`` and ``add`` changes are applied in the order written (see
:func:`journeymap.scenarios.edit.apply_structure`). ``ask_once`` changes apply to the journey
the other changes leave, whatever their place in the list: a request is taken out of a
touchpoint's ``asks`` (and ``effort_saved`` out of its ``effort``, never below zero) where,
on every path that reaches it, the person already holds the item. Where only some paths
hold it, the request stays in the file, and :func:`ask_once_rules` gives the rules with
which :func:`journeymap.analysis.scenario_effects.find_ask_once_effects` computes the
requests still removed for the people who hold it.

>>> from journeymap import parse_journey
>>> from journeymap.scenarios import Scenario
>>> j = parse_journey('''
... journeymap: 1
... id: ssn-twice
... title: The SSN asked for twice
... agencies: [{id: SSA, name: SSA}, {id: DMV, name: DMV}]
... touchpoints:
...   - {id: a, name: Apply, agency: SSA, asks: [ssn], duration: 5d, next: b}
...   - {id: b, name: Licence, agency: DMV, asks: [ssn, photo_id], effort: 1h, next: c}
...   - {id: c, name: Done, agency: DMV}
... ''')
>>> future = apply_scenario(j, Scenario.model_validate(
...     {"id": "once", "changes": [{"ask_once": "ssn", "effort_saved": "15min"}]}))
>>> future.touchpoint("b").asks, str(future.touchpoint("b").effort)
(('photo_id',), '45min')
"""

from __future__ import annotations

from typing import Any

from ..analysis.flow import find_flow
from ..analysis.scenario_effects import AskOnceRule, find_ask_once_effects
from ..durations import Duration
from ..exceptions import JourneyFileError, JourneymapTypeError, Problem
from ..graph import build_graph
from ..models import Journey, Touchpoint
from .edit import apply_structure
from .model import Scenario

__all__ = ["apply_scenario", "ask_once_rules"]


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def ask_once_rules(scenario: Scenario) -> list[AskOnceRule]:
    """The scenario's ``ask_once`` changes as rules for the analysis."""
    return [
        AskOnceRule(
            item=str(c.ask_once),
            agencies=frozenset(c.agencies) if c.agencies else None,
            effort_saved_hours=c.effort_saved.hours if c.effort_saved else 0.0,
        )
        for c in scenario.changes
        if c.kind == "ask_once"
    ]


def _check_types(journey: object, scenario: object) -> None:
    if not isinstance(journey, Journey):
        msg = f"journey must be a Journey (from load_journey), not {type(journey).__name__}"
        raise JourneymapTypeError(msg)
    if not isinstance(scenario, Scenario):
        msg = f"scenario must be a Scenario, not {type(scenario).__name__}"
        raise JourneymapTypeError(msg)


def apply_scenario(journey: Journey, scenario: Scenario) -> Journey:
    """The journey after ``scenario`` (its own ``scenarios:`` left out).

    Raises
    ------
    JourneyFileError
        When a change names an unknown id, removes a start, end, split or join, or leaves an
        invalid journey; each problem's path is the change (``changes[2].remove``) and its
        source names the scenario.
    """
    _check_types(journey, scenario)
    data: dict[str, Any] = journey.model_dump(mode="json", exclude_defaults=True)
    data.pop("scenarios", None)
    changed, issues = apply_structure(data, scenario.changes, Touchpoint)
    if issues:
        source = f"scenario {scenario.id!r}"
        raise JourneyFileError(
            [Problem(source, None, None, _dotted(loc), message) for loc, message in issues]
        )
    future = Journey.model_validate(changed)
    rules = ask_once_rules(scenario)
    if not rules:
        return future
    G = build_graph(future)
    effects = find_ask_once_effects(G, rules, flow=find_flow(G))
    if not effects.certain:
        return future
    saved = {
        str(c.ask_once): c.effort_saved.minutes if c.effort_saved else 0.0
        for c in scenario.changes
        if c.kind == "ask_once"
    }
    touchpoints = []
    for tp in changed["touchpoints"]:
        items = effects.certain.get(tp["id"], ())
        if items:
            tp = {**tp, "asks": [a for a in tp.get("asks", []) if a not in items]}
            cut = sum(saved[i] for i in items)
            if cut and "effort" in tp:
                minutes = Duration.parse(tp["effort"]).minutes
                tp["effort"] = str(Duration(max(0.0, minutes - cut)))
        touchpoints.append(tp)
    return Journey.model_validate({**changed, "touchpoints": touchpoints})
