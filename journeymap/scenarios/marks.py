"""What a scenario changed, as the map marks it: touchpoints changed or added, requests
removed (:class:`~journeymap.report.ScenarioMarks`, carried by the Report)."""

from __future__ import annotations

from ..exceptions import UsageError
from ..models import Journey
from ..report import Request, ScenarioMarks
from .apply import apply_scenario

__all__ = ["apply_marked", "scenario_marks"]


def scenario_marks(before: Journey, after: Journey, scenario: str, label: str) -> ScenarioMarks:
    """Touchpoints of ``after`` that are new or differ from ``before``, and the
    ``(touchpoint, item)`` requests ``before`` makes and ``after`` no longer does."""
    old = {t.id: t for t in before.touchpoints}
    added, changed, removed = [], [], []
    for t in after.touchpoints:
        was = old.get(t.id)
        if was is None:
            added.append(t.id)
            continue
        if t.model_dump(mode="json") != was.model_dump(mode="json"):
            changed.append(t.id)
        removed += [Request(t.id, item) for item in was.asks if item not in t.asks]
    return ScenarioMarks(
        scenario=scenario,
        label=label,
        changed=tuple(changed),
        added=tuple(added),
        removed_requests=tuple(removed),
    )


#: What an event log measures at a touchpoint (see :func:`journeymap.observed.apply_observed`).
MEASURED = ("duration", "drop_off", "next")


def credit_scenario(before: Journey, journey: Journey, marks: ScenarioMarks) -> Journey:
    """The scenario's ``journey`` with each touchpoint whose measured numbers (duration,
    drop-off, the shares of its arrows) the scenario changed credited to it: where they
    were the event log's, ``source`` now names the scenario and ``evidence`` is
    "estimated" (a what-if, not a measurement). A touchpoint whose requests alone changed
    keeps the log's numbers and says so."""
    was = {t.id: t.model_dump(mode="json", include=set(MEASURED)) for t in before.touchpoints}
    doc = journey.model_dump(mode="json", exclude_defaults=True)
    credited = False
    for tp in doc["touchpoints"]:
        now = journey.touchpoint(tp["id"]).model_dump(mode="json", include=set(MEASURED))
        changed = now != was.get(tp["id"])
        if (
            changed
            and tp["id"] in {*marks.changed, *marks.added}
            and tp.get("evidence") == "observed"
        ):
            tp["evidence"] = "estimated"
            tp["source"] = f"scenario {marks.scenario}: {marks.label}"
            credited = True
    return Journey.model_validate(doc) if credited else journey


def apply_marked(journey: Journey, scenario_id: str) -> tuple[Journey, ScenarioMarks]:
    """The journey with its scenario ``scenario_id`` applied, and what that changed.

    Raises
    ------
    UsageError
        The journey has no scenario of that id (the message lists the ids it has).
    JourneyFileError
        The scenario cannot be applied (see :func:`apply_scenario`).
    """
    for scenario in journey.scenarios:
        if scenario.id == scenario_id:
            after = apply_scenario(journey, scenario)
            return after, scenario_marks(journey, after, scenario.id, scenario.label)
    have = ", ".join(s.id for s in journey.scenarios) or "none"
    msg = f"unknown scenario: {scenario_id!r} (the journey's scenarios: {have})"
    raise UsageError(msg, parameter="scenario")
