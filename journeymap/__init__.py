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

Importing journeymap is cheap: heavy parts (networkx analysis, Graphviz, jinja2, DuckDB) load
only when used.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .catalog import CATALOG, CatalogItem
from .durations import Duration, parse_duration
from .exceptions import JourneyFileError, JourneymapError, Problem, UsageError
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

__all__ = [
    "CATALOG",
    "Agency",
    "CatalogItem",
    "Channel",
    "DataItem",
    "Duration",
    "DurationStats",
    "EventsSpec",
    "Evidence",
    "Form",
    "Journey",
    "JourneyFileError",
    "JourneymapError",
    "Lane",
    "Level",
    "Outcome",
    "Persona",
    "Problem",
    "Stage",
    "Touchpoint",
    "Transition",
    "UsageError",
    "ValidationResult",
    "__version__",
    "check_journey",
    "check_journey_file",
    "dump_journey",
    "find_journey_files",
    "load_journey",
    "parse_duration",
    "parse_journey",
]
