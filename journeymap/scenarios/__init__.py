"""Scenarios and future states: what a change to a journey buys, by the analysis' own model.

``apply_scenario(journey, scenario)`` returns the changed :class:`~journeymap.models.Journey`;
``compare(journey)`` analyses the baseline and every scenario and returns a
:class:`~journeymap.comparison.Comparison`; ``compare_journeys(current, future)`` does it for
two journey files; ``suggest(journey)`` proposes and ranks candidate changes. See
``docs/scenarios.md``.

The names load on first use: :mod:`journeymap.models` imports
:mod:`journeymap.scenarios.model`, so this package imports none of its modules when it is
loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_names

if TYPE_CHECKING:
    from .apply import apply_scenario
    from .comparing import compare, compare_journeys
    from .model import Change, Scenario
    from .suggesting import CandidateAssumptions, suggest

__all__ = [
    "CandidateAssumptions",
    "Change",
    "Scenario",
    "apply_scenario",
    "compare",
    "compare_journeys",
    "suggest",
]

_WHERE = {
    "apply_scenario": "apply",
    "compare": "comparing",
    "compare_journeys": "comparing",
    "Change": "model",
    "Scenario": "model",
    "CandidateAssumptions": "suggesting",
    "suggest": "suggesting",
}


__getattr__, __dir__ = _lazy_names(__name__, _WHERE)
