"""Analysis: pure functions over the journey graph, and ``analyze`` that assembles the Report.

Every ``find_*`` takes the graph first and options as keywords, returns values and never
prints or writes. ``analyze(journey)`` runs them all through one :class:`~.context.Analysis`
(each intermediate result computed once) and the registered finders (:mod:`.findings`), and
returns a :class:`~journeymap.report.Report`, the only input renderers accept.

>>> from journeymap import parse_journey
>>> report = analyze(parse_journey('''
... journeymap: 1
... id: tiny
... title: Tiny
... agencies: [{id: SSA, name: SSA}, {id: DMV, name: DMV}]
... touchpoints:
...   - {id: a, name: Apply, agency: SSA, asks: [ssn], duration: 5d, drop_off: 0.1, next: b}
...   - {id: b, name: Licence, agency: DMV, asks: [ssn], duration: 1d}
... '''))
>>> report.metrics.completion_rate, report.metrics.handoff_count
(0.9, 1)
>>> report.duplicate_requests[0].item, report.duplicate_requests[0].scope
('ssn', 'cross_agency')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from ..graph import build_graph
from ..models import Journey
from ..report import ObservedSummary, Report
from ..specs import AnalysisOptions
from .context import Analysis
from .drop_off import find_drop_off
from .evidence import observed_summary
from .flow import Block, Flow, find_blocks, find_flow
from .handoffs import find_exchanges
from .requests import find_duplicate_requests, find_reissued_requests
from .structure import find_back_edges, find_order
from .timing import CriticalPath, Simulation, find_critical_path, find_expected_days, simulate

if TYPE_CHECKING:
    from ..feedback_types import ObservedFeedback
    from ..observed import ObservedLog

__all__ = [
    "Analysis",
    "Block",
    "CriticalPath",
    "Flow",
    "Simulation",
    "analyze",
    "analyze_measured",
    "apply_evidence",
    "find_back_edges",
    "find_blocks",
    "find_critical_path",
    "find_drop_off",
    "find_duplicate_requests",
    "find_exchanges",
    "find_expected_days",
    "find_flow",
    "find_order",
    "find_reissued_requests",
    "simulate",
]


def analyze(
    journey: Journey | nx.DiGraph,
    *,
    population: int | None = None,
    runs: int = 10_000,
    seed: int = 0,
    top: int = 5,
    observed: ObservedLog | None = None,
    feedback: ObservedFeedback | None = None,
) -> Report:
    """Analyse a journey (or its graph) and return the full :class:`Report`.

    Parameters
    ----------
    journey:
        A :class:`~journeymap.models.Journey` or the graph from ``build_graph``.
    population:
        People who start per period; default the journey's ``population``, else 1,000.
    runs, seed:
        The simulation of end-to-end time (only run when some duration has a ``p90``).
    top:
        How many bottlenecks, duplicate items and leaks become findings.
    observed:
        An event log read with :func:`journeymap.events.read_event_log`: its numbers
        replace the authored ones (marked ``evidence: observed``) and the report gains a
        designed-vs-observed comparison (``Report.observed``).
    feedback:
        Customer feedback read with :func:`journeymap.feedback.read_feedback`: joined to
        the touchpoints (``Report.feedback``), with the findings it supports. Forms with a
        ``burden`` estimate give ``Report.burden`` with or without it.

    Raises
    ------
    JourneymapTypeError
        ``journey`` is not a Journey nor its graph (a path, None...), or an option has the
        wrong type; the message names the parameter.
    UsageError
        An option out of range (``population`` from 1 to 10,000,000,000, ``runs`` at least
        1, ``top`` at least 0).
    """
    from .flow import check_analyze_arguments

    check_analyze_arguments(journey, observed=observed)
    options = AnalysisOptions(population=population, runs=runs, seed=seed, top=top)
    if observed is not None and isinstance(journey, Journey):
        journey, summary = apply_evidence(journey, observed)
        return analyze_measured(journey, summary=summary, feedback=feedback, options=options)
    return analyze_measured(journey, summary=None, feedback=feedback, options=options)


def apply_evidence(
    journey: Journey, observed: ObservedLog | None
) -> tuple[Journey, ObservedSummary | None]:
    """The journey with the event log's numbers in place of the authored ones, and the
    designed-vs-observed summary (the journey itself and None without a log)."""
    if observed is None:
        return journey, None
    from ..observed import apply_observed

    merged, notes = apply_observed(journey, observed)
    return merged, observed_summary(journey, observed, notes)


def analyze_measured(
    journey: Journey | nx.DiGraph,
    *,
    summary: ObservedSummary | None,
    feedback: ObservedFeedback | None,
    options: AnalysisOptions,
) -> Report:
    """The Report of a journey that already carries its evidence (see :func:`apply_evidence`),
    with the designed-vs-observed ``summary`` and the ``feedback`` joined to it."""
    authored = journey if isinstance(journey, Journey) else None
    G = build_graph(journey) if isinstance(journey, Journey) else journey
    return Analysis(G, options).report(summary=summary, feedback=feedback, journey=authored)
