"""The exceptions journeymap raises, and the located problem they carry.

Every error about a journey file is a :class:`Problem`: where (``file:line:col``), which
field (a dotted path such as ``touchpoints[2].agency``), what is wrong and how to fix it.
A :class:`JourneyFileError` carries every problem found in one file, so a designer sees them
all at once, like a compiler's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AnalysisError",
    "DurationError",
    "EventLogError",
    "FeedbackError",
    "GraphvizNotFoundError",
    "JourneyFileError",
    "JourneymapError",
    "JourneymapTypeError",
    "MapRenderError",
    "MapTimeoutError",
    "Problem",
    "TemplateError",
    "UsageError",
]


class JourneymapError(Exception):
    """Base class of every error raised by journeymap."""


class UsageError(JourneymapError, ValueError):
    """A bad option or argument from the caller (exit code 2 in the CLI).

    Library messages name the Python parameter (``population``, ``cutoff``); the command line
    names its own option in their place.
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        #: The library parameter the message is about, when there is one.
        self.parameter = parameter


class JourneymapTypeError(JourneymapError, TypeError):
    """An argument of the wrong type passed to a library function (a Journey expected, a
    str given...). The message names the parameter and the type expected."""


class AnalysisError(JourneymapError, ArithmeticError):
    """A valid journey whose numbers cannot be computed: a loop that people leave with a
    probability too small for floating point (exit code 1 in the CLI)."""


class DurationError(JourneymapError, ValueError):
    """Text that is not a duration (``parse_duration("3 wks")``); the message shows the forms
    that are accepted."""


class EventLogError(JourneymapError, ValueError):
    """An event log that cannot be used: missing columns, an empty or unreadable file
    (exit code 1 in the CLI)."""


class FeedbackError(JourneymapError, ValueError):
    """A customer-feedback file that cannot be used: no touchpoint column, no item of the
    instrument, an empty or unreadable file, no usable response (exit code 1 in the CLI)."""


class MapRenderError(JourneymapError, RuntimeError):
    """Graphviz could not draw the map (exit code 1 in the CLI)."""


class MapTimeoutError(MapRenderError):
    """Graphviz did not lay the map out within its time limit and was stopped."""


class GraphvizNotFoundError(MapRenderError):
    """No Graphviz is available for the requested format."""


class TemplateError(JourneymapError, ValueError):
    """A report template (an override folder) that is missing a part or does not parse."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a journey file.

    Attributes
    ----------
    source:
        The file name (or ``<string>``) the problem is in.
    line, column:
        1-based position of the offending key or value, or ``None`` when unknown.
    path:
        The field, as a dotted path (``touchpoints[2].agency``); empty for the whole file.
    message:
        What is wrong, with the bad value and how to fix it.
    severity:
        ``"error"`` makes the file invalid; ``"warning"`` does not.
    """

    source: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def location(self) -> str:
        """``file:line:col`` (or as much of it as is known)."""
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.column or 1}"

    def __str__(self) -> str:
        where = self.location()
        kind = "warning: " if self.severity == "warning" else ""
        field = f"{self.path}: " if self.path else ""
        return f"{where}: {kind}{field}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (used by ``journeymap validate --format json``)."""
        return {
            "file": self.source,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
        }


class JourneyFileError(JourneymapError, ValueError):
    """A journey file (or text) that cannot be loaded; ``problems`` lists every error in it."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")
