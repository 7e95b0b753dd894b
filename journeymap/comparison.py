"""A comparison of a journey with its future states: what renderers read for ``compare``.

:class:`Comparison` holds, for the baseline and each alternative (a scenario of the journey
file, or a second journey file), the same :class:`Measures`, their difference from the
baseline, the attribution of that difference to each change, the structural difference and
the analysis :class:`~journeymap.report.Report` of each side. :class:`Suggestions` is the
ranked list of candidate changes. Both are frozen, JSON-ready records; they are built in
:mod:`journeymap.scenarios` and rendered by :mod:`journeymap.render.compare`. The JSON
contract is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal

from .frozen import find, record
from .report import Arrow, Report, Request, contract_dict

__all__ = [
    "MEASURES",
    "Alternative",
    "Attribution",
    "Candidate",
    "Comparison",
    "Measures",
    "StructuralDiff",
    "Suggestions",
    "TouchpointDiff",
]

#: Each measure's name, label and unit, in the order renderers show them.
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("completion_per_1000", "Completion", "per 1,000 starters"),
    ("failure_per_1000", "Failure", "per 1,000 starters"),
    ("abandonment_per_1000", "Abandonment", "per 1,000 starters"),
    ("completions_per_period", "Completions", "people per period"),
    ("expected_days", "Expected days for finishers", "days"),
    ("critical_path_days", "Critical path", "days"),
    ("time_tax_hours", "Time tax", "hours per starter"),
    ("time_tax_hours_per_period", "Time tax", "people-hours per period"),
    ("requests", "Requests", "per starter"),
    ("repeat_requests", "Repeat requests", "per starter"),
    ("handoffs", "Handoffs", "per starter"),
    ("touchpoints", "Touchpoints", "count"),
)

#: How close two numbers must be to count as the same result.
SAME = 1e-9


@record
class Measures:
    """The measures of one journey (or the differences between two; then ``None`` where a
    side has no value). Per 1,000 starters, per starter, or per period for the population."""

    completion_per_1000: float
    failure_per_1000: float
    abandonment_per_1000: float
    completions_per_period: float
    expected_days: float | None
    critical_path_days: float | None
    time_tax_hours: float | None
    time_tax_hours_per_period: float | None
    requests: float
    repeat_requests: float
    handoffs: float
    touchpoints: int

    def minus(self, other: Measures) -> Measures:
        """``self - other``, measure by measure."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = None if a is None or b is None else a - b
        return Measures(**values)

    def plus(self, other: Measures) -> Measures:
        """``self + other``, measure by measure."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = None if a is None or b is None else a + b
        return Measures(**values)

    def is_zero(self) -> bool:
        """True when every measure is (within :data:`SAME`) zero or unknown on both sides."""
        return all(v is None or abs(v) <= SAME for v in (getattr(self, f.name) for f in _FIELDS))

    def get(self, name: str) -> float | None:
        """A measure by name."""
        value: float | None = getattr(self, name)
        return value


_FIELDS = dataclasses.fields(Measures)


@record
class Attribution:
    """The part of a scenario's difference owed to ``changes`` (indexes into the scenario's
    changes; several when they only work together). ``difference`` is None when those
    changes cannot be applied alone; their effect is then in the interaction."""

    label: str
    changes: tuple[int, ...]
    difference: Measures | None
    note: str | None = None


@record
class TouchpointDiff:
    """A touchpoint present on both sides whose ``keys`` differ."""

    touchpoint: str
    keys: tuple[str, ...]


@record
class StructuralDiff:
    """How the alternative's journey differs from the baseline's (touchpoints matched by id).

    ``handoffs_*``: arrows between touchpoints whose agencies differ.
    """

    touchpoints_added: tuple[str, ...] = ()
    touchpoints_removed: tuple[str, ...] = ()
    touchpoints_changed: tuple[TouchpointDiff, ...] = ()
    requests_added: tuple[Request, ...] = ()
    requests_removed: tuple[Request, ...] = ()
    handoffs_added: tuple[Arrow, ...] = ()
    handoffs_removed: tuple[Arrow, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing differs."""
        return not any(getattr(self, f.name) for f in dataclasses.fields(self))


@record
class Alternative:
    """One future state compared with the baseline.

    ``kind``: "scenario" (from the journey's ``scenarios:``) or "file" (a second journey).
    ``same_as_baseline``: every measure equals the baseline's. ``notes``: what the numbers
    rest on beyond the journey file (path-dependent ask-once requests, for instance).
    """

    id: str
    title: str
    kind: Literal["scenario", "file"]
    assumptions: str | None
    changes: tuple[str, ...]
    measures: Measures
    difference: Measures
    attribution: tuple[Attribution, ...]
    structure: StructuralDiff
    same_as_baseline: bool
    notes: tuple[str, ...] = ()
    report: Report | None = field(default=None, compare=False, metadata={"skip_json": True})


@record
class Comparison:
    """A baseline and its alternatives, measured by the same model (the analysis)."""

    journey: str
    title: str
    baseline_label: str
    population: int
    population_is_default: bool
    baseline: Measures
    alternatives: tuple[Alternative, ...]
    attribution_method: str
    baseline_report: Report | None = field(
        default=None, compare=False, metadata={"skip_json": True}
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``compare --format json`` contract, without the Reports)."""
        data = contract_dict("comparison", self)
        data["measures"] = [
            {"name": n, "label": label, "unit": unit} for n, label, unit in MEASURES
        ]
        return data

    def alternative(self, alternative_id: str) -> Alternative:
        """An alternative by id (``KeyError`` if unknown)."""
        return find(self.alternatives, alternative_id, id=alternative_id)


@record
class Candidate:
    """A proposed change, evaluated like a scenario. ``yaml``: the scenario block to paste."""

    rank: int
    id: str
    kind: Literal["ask_once", "remove", "warm_handoff", "faster"]
    title: str
    why: str
    hours_saved_per_period: float
    completions_gained_per_period: float
    days_saved: float | None
    requests_saved: float
    difference: Measures
    yaml: str


@record
class Suggestions:
    """Candidate changes ranked by people-hours saved per period, then completions gained,
    then days saved for finishers. ``assumptions``: the adjustable assumptions used."""

    journey: str
    title: str
    population: int
    population_is_default: bool
    rank_by: str
    assumptions: Mapping[str, str]
    candidates: tuple[Candidate, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``compare --suggest --format json`` contract)."""
        return contract_dict("suggestions", self)
