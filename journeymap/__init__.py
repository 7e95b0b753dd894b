"""journeymap: cross-agency life-experience journey mapping.

Journeys are YAML files (see ``docs/format.md``) loaded into typed, frozen models::

    >>> import journeymap
    >>> journey = journeymap.parse_journey('''
    ... journeymap: 1
    ... id: tiny
    ... title: Tiny journey
    ... agencies: [{id: SSA, name: Social Security Administration}]
    ... touchpoints:
    ...   - {id: apply, name: Apply for benefits, agency: SSA, duration: 5d}
    ... ''')
    >>> journey.touchpoints[0].duration.median.days
    5.0

Importing journeymap is cheap: every part (pydantic models, networkx analysis, Graphviz,
jinja2, DuckDB) loads on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import analyze
    from .catalog import CATALOG, CatalogItem
    from .comparison import Comparison, Suggestions
    from .contract import read as read_document
    from .contract import schema as document_schema
    from .durations import Duration, parse_duration
    from .exceptions import JourneyFileError, JourneymapError, Problem, UsageError
    from .graph import build_graph
    from .loading import (
        ValidationResult,
        check_journey,
        check_journey_file,
        dump_journey,
        find_journey_files,
        load_journey,
        parse_journey,
    )
    from .models import (
        Agency,
        Channel,
        DataItem,
        DurationStats,
        EventsSpec,
        Evidence,
        Form,
        Journey,
        Lane,
        Level,
        Outcome,
        Persona,
        Stage,
        Touchpoint,
        Transition,
    )
    from .report import Report
    from .scenarios.apply import apply_scenario
    from .scenarios.comparing import compare, compare_journeys
    from .scenarios.model import Scenario
    from .scenarios.suggesting import CandidateAssumptions, suggest
    from .specs import AnalysisOptions, EngineSettings, EventOptions, FeedbackOptions
    from .study import Study, analyze_file, analyze_paths

#: Where each public name lives; modules are imported on first use, so that
#: ``import journeymap`` costs nothing and each command loads only what it needs.
_WHERE = {
    "analyze": "analysis",
    "Study": "study",
    "analyze_file": "study",
    "analyze_paths": "study",
    "AnalysisOptions": "specs",
    "EngineSettings": "specs",
    "EventOptions": "specs",
    "FeedbackOptions": "specs",
    "build_graph": "graph",
    "Report": "report",
    "Comparison": "comparison",
    "Suggestions": "comparison",
    "Scenario": "scenarios.model",
    "apply_scenario": "scenarios.apply",
    "compare": "scenarios.comparing",
    "compare_journeys": "scenarios.comparing",
    "CandidateAssumptions": "scenarios.suggesting",
    "suggest": "scenarios.suggesting",
    "CATALOG": "catalog",
    "CatalogItem": "catalog",
    "Duration": "durations",
    "parse_duration": "durations",
    "JourneyFileError": "exceptions",
    "JourneymapError": "exceptions",
    "Problem": "exceptions",
    "UsageError": "exceptions",
    **dict.fromkeys(
        [
            "ValidationResult",
            "check_journey",
            "check_journey_file",
            "dump_journey",
            "find_journey_files",
            "load_journey",
            "parse_journey",
        ],
        "loading",
    ),
    **dict.fromkeys(
        [
            "Agency",
            "Channel",
            "DataItem",
            "DurationStats",
            "EventsSpec",
            "Evidence",
            "Form",
            "Journey",
            "Lane",
            "Level",
            "Outcome",
            "Persona",
            "Stage",
            "Touchpoint",
            "Transition",
        ],
        "models",
    ),
}


_WHERE |= {"read_document": "contract:read", "document_schema": "contract:schema"}


def _lazy_names(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for public names that load on first use.

    ``where`` gives each name's module, relative to ``package``, as ``module`` or, where the
    module calls it otherwise, ``module:attribute``; a loaded name is kept in the package.
    """
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> Any:
        if name not in where:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        module, _, attribute = where[name].partition(":")
        value = getattr(importlib.import_module(f"{package}.{module}"), attribute or name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__


__getattr__, __dir__ = _lazy_names(__name__, _WHERE)

__all__ = [
    "CATALOG",
    "Agency",
    "AnalysisOptions",
    "CandidateAssumptions",
    "CatalogItem",
    "Channel",
    "Comparison",
    "DataItem",
    "Duration",
    "DurationStats",
    "EngineSettings",
    "EventOptions",
    "EventsSpec",
    "Evidence",
    "FeedbackOptions",
    "Form",
    "Journey",
    "JourneyFileError",
    "JourneymapError",
    "Lane",
    "Level",
    "Outcome",
    "Persona",
    "Problem",
    "Report",
    "Scenario",
    "Stage",
    "Study",
    "Suggestions",
    "Touchpoint",
    "Transition",
    "UsageError",
    "ValidationResult",
    "__version__",
    "analyze",
    "analyze_file",
    "analyze_paths",
    "apply_scenario",
    "build_graph",
    "check_journey",
    "check_journey_file",
    "compare",
    "compare_journeys",
    "document_schema",
    "dump_journey",
    "find_journey_files",
    "load_journey",
    "parse_duration",
    "parse_journey",
    "read_document",
    "suggest",
]
