"""Durations as journey files write them: ``30min``, ``2h``, ``5d``, ``3w``, ``2mo`` or ISO 8601.

A :class:`Duration` is an exact amount of time kept in minutes. A month (``mo``) is 30 days
and an ISO 8601 year is 365 days. A bare number is refused: the unit is the whole point.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticCustomError, core_schema

from .exceptions import DurationError, JourneymapTypeError
from .quoting import quoted

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

__all__ = [
    "MAX_MINUTES",
    "MAX_SPREAD",
    "UNITS",
    "UNIT_WORDS",
    "Z90",
    "Duration",
    "custom_error",
    "lognormal_mean",
    "parse_duration",
]

#: Minutes in each unit a journey file may use, smallest first (a year is 365 days).
UNITS: dict[str, int] = {"min": 1, "h": 60, "d": 1440, "w": 10080, "mo": 43200, "y": 525600}

_UNIT_ALIASES: dict[str, str] = {
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "day": "d",
    "days": "d",
    "week": "w",
    "weeks": "w",
    "wk": "w",
    "month": "mo",
    "months": "mo",
    "yr": "y",
    "yrs": "y",
    "year": "y",
    "years": "y",
}
#: Every word a journey file may write as a unit (any letter case).
UNIT_WORDS: tuple[str, ...] = (*UNITS, *_UNIT_ALIASES)

_SIMPLE = re.compile(
    r"^\s*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]+)\s*$"
)
_ISO = re.compile(
    r"^P(?!$)(?:(?P<y>[0-9]+(?:[.,][0-9]+)?)Y)?(?:(?P<mo>[0-9]+(?:[.,][0-9]+)?)M)?(?:(?P<w>[0-9]+(?:[.,][0-9]+)?)W)?"
    r"(?:(?P<d>[0-9]+(?:[.,][0-9]+)?)D)?"
    r"(?:T(?=[0-9])(?:(?P<h>[0-9]+(?:[.,][0-9]+)?)H)?(?:(?P<mi>[0-9]+(?:[.,][0-9]+)?)M)?"
    r"(?:(?P<s>[0-9]+(?:[.,][0-9]+)?)S)?)?$"
)
_SCHEMA_PATTERN = (
    r"^\s*([0-9]+(\.[0-9]+)?|\.[0-9]+)\s*"
    r"([Mm][Ii][Nn][Ss]?|[Mm]inutes?|[Hh]|[Hh]rs?|[Hh]ours?|[Dd]|[Dd]ays?|[Ww]|[Ww]k|[Ww]eeks?"
    r"|[Mm][Oo]|[Mm]onths?|[Yy]|[Yy]rs?|[Yy]ears?)\s*$|^\s*[Pp][0-9T]"
)
#: The longest duration a journey file may give: 100 years (of 365 days), in minutes.
MAX_MINUTES = 100 * 365 * 1440
#: The most a p90 may be, as a multiple of its median, when no mean is given: the time is then
#: drawn from the lognormal through the two, whose mean grows as exp(ln(p90/median)^2 / 3.3)
#: (at 100 times it is 6.4 times the p90; at 1,000 times, 2,000 times).
MAX_SPREAD = 100
#: z-score of the 90th percentile of the standard normal distribution.
Z90 = 1.2815515655446004
_ISO_MINUTES = {"y": 525600, "mo": 43200, "w": 10080, "d": 1440, "h": 60, "mi": 1, "s": 1 / 60}
_HELP = (
    "write a number with a unit: 30min, 2h, 5d, 3w, 2mo (30 days), 10y (365 days), "
    "or ISO 8601 such as P5D"
)


class Duration:
    """An amount of elapsed or active time, stored exactly in minutes.

    Examples
    --------
    >>> Duration.parse("2h").minutes
    120.0
    >>> str(Duration.parse("P1DT12H"))
    '36h'
    >>> Duration.parse("1.5d") == Duration.parse("36h")
    True
    """

    __slots__ = ("_minutes",)

    def __init__(self, minutes: float) -> None:
        if not math.isfinite(minutes) or minutes < 0:
            msg = f"a duration must be a finite, non-negative number of minutes, not {minutes!r}"
            raise DurationError(msg)
        if minutes > MAX_MINUTES:
            msg = f"a duration may be at most 100 years ({MAX_MINUTES:,} minutes), not {minutes!r}"
            raise DurationError(msg)
        self._minutes = float(minutes)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``'5d'``, ``'30min'``, ``'2mo'`` or an ISO 8601 duration (``'PT45M'``)."""
        return parse_duration(text)

    @classmethod
    def of(cls, *, minutes: float = 0, hours: float = 0, days: float = 0) -> Duration:
        """Build a duration from parts: ``Duration.of(days=5)``."""
        return cls(minutes + hours * 60 + days * 1440)

    @property
    def minutes(self) -> float:
        return self._minutes

    @property
    def hours(self) -> float:
        return self._minutes / 60

    @property
    def days(self) -> float:
        return self._minutes / 1440

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Duration):
            return self._minutes == other._minutes
        return NotImplemented

    def __lt__(self, other: Duration) -> bool:
        return self._minutes < other._minutes

    def __le__(self, other: Duration) -> bool:
        return self._minutes <= other._minutes

    def __hash__(self) -> int:
        return hash(self._minutes)

    def __repr__(self) -> str:
        return f"Duration({str(self)!r})"

    def __str__(self) -> str:
        """The shortest exact text in the largest unit that divides it (``'36h'``, ``'2mo'``)."""
        m = self._minutes
        for unit in ("mo", "w", "d", "h", "min"):
            size = UNITS[unit]
            if m >= size and m % size == 0:
                return f"{int(m // size)}{unit}"
        if m == 0:
            return "0min"
        text = repr(m)
        return f"{text.removesuffix('.0')}min"

    # pydantic integration -------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_duration,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _SCHEMA_PATTERN,
            "description": (
                "A duration: 30min, 2h, 5d, 3w, 2mo (30 days), 10y or ISO 8601 (P5D, PT45M)"
            ),
            "examples": ["30min", "2h", "5d", "3w", "2mo", "P5D"],
        }


def parse_duration(text: str) -> Duration:
    """Parse a duration written in a journey file.

    Raises
    ------
    DurationError
        (a ``ValueError``) If the text has no unit, an unknown unit, or is not ISO 8601. The
        message lists the units that exist.
    JourneymapTypeError
        If ``text`` is not a string.
    """
    given: object = text
    if not isinstance(given, str):
        msg = f"text must be a duration as text ('5d', 'P5D'), not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    stripped = text.strip()
    if stripped.startswith(("P", "p")):
        match = _ISO.match(stripped.upper())
        if not match:
            msg = f"{quoted(text)} is not a valid ISO 8601 duration; {_HELP}"
            raise DurationError(msg)
        total = 0.0
        for key, value in match.groupdict().items():
            if value is not None:
                total += float(value.replace(",", ".")) * _ISO_MINUTES[key]
        return _bounded(text, total)
    match = _SIMPLE.match(stripped)
    if not match:
        try:
            float(stripped)
        except ValueError:
            msg = f"{quoted(text)} is not a duration; {_HELP}"
        else:
            msg = f"{quoted(text)} has no unit; {_HELP}"
        raise DurationError(msg)
    number, unit = match.groups()
    lowered = unit.lower()
    unit_key = lowered if lowered in UNITS else _UNIT_ALIASES.get(lowered)
    if unit_key is None:
        msg = f"{quoted(text)} has an unknown unit {quoted(unit)}; {_HELP}"
        raise DurationError(msg)
    return _bounded(text, float(number) * UNITS[unit_key])


def _bounded(text: str, minutes: float) -> Duration:
    if not minutes <= MAX_MINUTES:  # also catches inf (1e400d)
        msg = (
            f"{quoted(text)} is longer than 100 years, the longest duration a journey file may "
            "give; check the number and the unit"
        )
        raise DurationError(msg)
    return Duration(minutes)


def lognormal_mean(median: Duration, p90: Duration) -> float:
    """The mean, in minutes, of the lognormal through ``median`` and ``p90``:
    ``median x exp(sigma^2 / 2)`` with ``sigma = ln(p90 / median) / Z90``.

    Computed in logarithms, so it is ``inf`` (never an ``OverflowError``) when too large.

    >>> round(lognormal_mean(Duration.parse("1d"), Duration.parse("3d")) / 1440, 3)
    1.444
    """
    if median.minutes <= 0 or p90 <= median:
        return median.minutes
    log_median = math.log(median.minutes)
    sigma = (math.log(p90.minutes) - log_median) / Z90
    log_mean = log_median + sigma * sigma / 2
    return math.exp(log_mean) if log_mean < 700 else math.inf


def _validate_duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or value is None:
        message = f"{value!r} is not a duration; {_HELP}"
        raise custom_error(message, kind="duration_type")
    if isinstance(value, int | float):
        message = f"a bare number ({quoted(value)}) is not a duration: add a unit; {_HELP}"
        raise custom_error(message, kind="duration_unit")
    if not isinstance(value, str):
        message = f"expected a duration such as '5d', got {type(value).__name__}"
        raise custom_error(message, kind="duration_type")
    try:
        return parse_duration(value)
    except ValueError as err:
        raise custom_error(str(err), kind="duration_parse") from err


def custom_error(message: str, *, kind: str) -> PydanticCustomError:
    """A pydantic error of type ``kind`` whose message is taken literally (braces escaped)."""
    return PydanticCustomError(kind, message.replace("{", "{{").replace("}", "}}"))
