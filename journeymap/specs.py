"""What a study reads and how: one validated class per tabular source, the engine's settings
and the analysis knobs, each checked once, here.

- :class:`EventOptions`: an event log (the journey's ``events:`` block merged with what the
  caller gives, by :meth:`EventOptions.merged`);
- :class:`FeedbackOptions`: A-11 customer feedback (the ``feedback:`` block likewise);
- :class:`EngineSettings`: the table engine (DuckDB or Spark) and its settings: time zone,
  memory, threads, Spark master; shared by every source of a study;
- :class:`AnalysisOptions`: population, simulation runs and seed, how many findings.

Every field given by the caller overrides the journey's block; what neither gives takes the
default. Files named in a journey's block are resolved against the journey's folder and must
stay inside it (after following symbolic links): a journey someone else wrote must not make
journeymap read, and quote from, any file the user can read. Files named by the caller are
taken as given. Either way a path that exists is read as written (even ``log[1].csv``),
otherwise it is a glob, and a URL (``s3a://``, ``hdfs://``, ``https://``...) goes to the
engine as written (:func:`expand`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from .exceptions import JourneymapTypeError, UsageError
from .fields import MAX_PEOPLE
from .frozen import FrozenMap
from .locations import Source, expand, is_url
from .observed import ColumnMap

if TYPE_CHECKING:
    from .models import EventsSpec, FeedbackSpec, Journey

__all__ = [
    "ENGINES",
    "MAX_PEOPLE",
    "PERIODS",
    "AnalysisOptions",
    "EngineSettings",
    "EventOptions",
    "FeedbackOptions",
    "expand",
    "is_url",
    "require",
]

#: The table engines.
ENGINES = ("duckdb", "spark")
#: The periods of a trend (federal fiscal quarters and years).
PERIODS = ("month", "quarter", "year")

Engine = Literal["duckdb", "spark"]
Period = Literal["month", "quarter", "year"]

_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-/]{0,63}")
_MEMORY = re.compile(r"\d{1,9}(\.\d{1,3})?\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def require(value: object, kinds: type | tuple[type, ...], parameter: str, expected: str) -> None:
    """A :class:`JourneymapTypeError` naming ``parameter`` unless ``value`` is of ``kinds``."""
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _types(kinds)):
        msg = f"{parameter} must be {expected}, not {type(value).__name__} ({value!r:.60})"
        raise JourneymapTypeError(msg)


def _types(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _shown(value: object) -> str:
    """A value in a message: its type and (short) repr."""
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _whole(value: object, parameter: str, low: int, high: int | None, what: str) -> None:
    """A whole number from ``low`` to ``high``: a :class:`JourneymapTypeError` for another
    type, a :class:`UsageError` out of range; both say "``parameter`` must be ``what``"."""
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{parameter} must be {what}, not {_shown(value)}"
        raise JourneymapTypeError(msg)
    if value < low or (high is not None and value > high):
        digits = len(str(abs(value)))
        shown = f"a {digits}-digit number" if digits > 15 else f"{value:,}"
        msg = f"{parameter} must be {what}, not {shown}"
        raise UsageError(msg, parameter=parameter)


def _texts(value: object, parameter: str, what: str) -> tuple[str, ...]:
    """A sequence of text (not one string) as a tuple."""
    if isinstance(value, str):
        msg = f"{parameter} must be a sequence of {what}, not one string ({value!r:.60})"
        raise JourneymapTypeError(msg)
    require(value, Sequence, parameter, f"a sequence of {what}")
    for item in typing.cast(Sequence[object], value):
        require(item, str, f"{parameter}[]", what)
    return tuple(typing.cast(Sequence[str], value))


def _paths(value: object) -> tuple[str, ...]:
    """``paths`` (a sequence of str or os.PathLike) as strings."""
    if isinstance(value, str | os.PathLike):
        msg = f"paths must be a sequence of paths, not one string ({os.fspath(value)!r})"
        raise JourneymapTypeError(msg)
    require(value, Sequence, "paths", "a sequence of paths")
    out = []
    for path in typing.cast(Sequence[object], value):
        require(path, (str, os.PathLike), "paths[]", "a path (str or os.PathLike)")
        text = os.fspath(typing.cast(str, path))
        require(text, str, "paths[]", "a path (str or os.PathLike)")
        out.append(text)
    return tuple(out)


def _mapping(value: object, parameter: str) -> FrozenMap[str, str]:
    require(value, Mapping, parameter, "a mapping of text to touchpoint ids")
    for key, target in typing.cast(Mapping[object, object], value).items():
        require(key, str, parameter, "a mapping of text to touchpoint ids")
        require(target, str, parameter, "a mapping of text to touchpoint ids")
    return FrozenMap(typing.cast(Mapping[str, str], value))


def _optional_text(value: object, parameter: str) -> None:
    require(value, (str, type(None)), parameter, "text or None")


def _period(value: object) -> None:
    _optional_text(value, "every")
    if value is not None and value not in PERIODS:
        msg = f"every: {value!r} is not a period; use one of {', '.join(PERIODS)}"
        raise UsageError(msg, parameter="every")


@dataclass(frozen=True)
class AnalysisOptions:
    """The analysis knobs: ``population`` people who start per period (None: the journey's,
    else 1,000), ``runs`` and ``seed`` of the simulation of end-to-end time, and ``top``: how
    many bottlenecks, duplicate items and leaks become findings."""

    population: int | None = None
    runs: int = 10_000
    seed: int = 0
    top: int = 5

    def __post_init__(self) -> None:
        if self.population is not None:
            what = f"a whole number from 1 to {MAX_PEOPLE:,}"
            _whole(self.population, "population", 1, MAX_PEOPLE, what)
        _whole(self.runs, "runs", 1, None, "a whole number of simulated people, at least 1")
        _whole(self.seed, "seed", -(2**63), 2**63, "a whole number")
        _whole(self.top, "top", 0, None, "a whole number, 0 or more")


@dataclass(frozen=True)
class EngineSettings:
    """The table engine every source of a study runs on, and its settings.

    ``engine``: ``"duckdb"`` (one machine, spills to disk beyond ``memory_limit``) or
    ``"spark"`` (``master``: a Spark master URL; None: the one ``spark-submit`` set, else
    ``local[*]``). ``timezone``: how naive timestamps are read and in which zone fiscal
    periods are cut (None: the journey's ``events.timezone``, else UTC). ``threads``: DuckDB
    threads (None: all cores).
    """

    engine: Engine = "duckdb"
    timezone: str | None = None
    memory_limit: str = "1GB"
    threads: int | None = None
    master: str | None = None

    def __post_init__(self) -> None:
        require(self.engine, str, "engine", "text")
        if self.engine not in ENGINES:
            msg = f"engine: {self.engine!r} is not an engine; use one of {', '.join(ENGINES)}"
            raise UsageError(msg, parameter="log_engine")
        _optional_text(self.timezone, "timezone")
        if self.timezone is not None:
            check_timezone(self.timezone)
        require(self.memory_limit, str, "memory_limit", "text such as '1GB'")
        if not _MEMORY.fullmatch(self.memory_limit):
            msg = (
                f"memory_limit: {self.memory_limit!r:.60} is not an amount of memory; "
                "write it as '1GB' or '512MB'"
            )
            raise UsageError(msg, parameter="memory_limit")
        if self.threads is not None:
            _whole(self.threads, "threads", 1, 1024, "a whole number of threads from 1 to 1024")
        _optional_text(self.master, "master")

    @property
    def zone(self) -> str:
        """The time zone in use (UTC when none was given)."""
        return self.timezone or "UTC"

    def with_zone(self, timezone: str | None) -> EngineSettings:
        """These settings with ``timezone`` where none was given."""
        if self.timezone is not None or timezone is None:
            return self
        return dataclasses.replace(self, timezone=timezone)


def check_timezone(timezone: str) -> None:
    """A :class:`UsageError` unless ``timezone`` is an IANA time zone name."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
        known = _ZONE.fullmatch(timezone) is not None
    except (ZoneInfoNotFoundError, ValueError):
        known = False
    if not known:
        msg = (
            f"timezone: unknown time zone {timezone!r:.60}; use an IANA name such as "
            "'America/New_York'"
        )
        raise UsageError(msg, parameter="timezone")


@dataclass(frozen=True)
class EventOptions:
    """An event log to measure the journey with; every field given overrides the journey's
    ``events:`` block.

    ``paths``: log files, globs or URLs, taken as given (empty: the block's ``path``, in the
    journey's folder). ``activity_map`` is merged over the block's ``map``; each column given
    in ``columns`` replaces the block's; ``ends`` (touchpoint ids that count as reaching an
    end) replaces the block's. ``since``/``until`` keep events in that window;
    ``cutoff_days``: a case whose last event is this close to the end of the log (or
    ``as_of``) is still open. ``min_cell``: statistics from fewer cases are suppressed.
    ``strict``: the first bad row raises. ``by``: a case attribute column to segment by;
    ``every``: the trend's period. ``use_journey_block=False`` ignores the block.
    """

    paths: tuple[str, ...] = ()
    activity_map: Mapping[str, str] = field(default_factory=FrozenMap)
    columns: ColumnMap = field(default_factory=ColumnMap)
    since: datetime | None = None
    until: datetime | None = None
    cutoff_days: float = 30.0
    as_of: datetime | None = None
    min_cell: int = 1
    strict: bool = False
    ends: tuple[str, ...] = ()
    by: str | None = None
    every: Period | None = None
    use_journey_block: bool = True

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "paths", _paths(self.paths))
        set_(self, "activity_map", _mapping(self.activity_map, "activity_map"))
        set_(self, "ends", _texts(self.ends, "ends", "touchpoint ids"))
        require(self.columns, ColumnMap, "columns", "a ColumnMap")
        for name in ("since", "until", "as_of"):
            require(getattr(self, name), (datetime, type(None)), name, "a datetime or None")
        _whole(self.min_cell, "min_cell", 1, None, "a whole number of cases, at least 1")
        cutoff = self.cutoff_days
        require(cutoff, (int, float), "cutoff_days", "a number of days")
        if not 0 <= cutoff <= 36_500:
            shown = f"a {len(str(cutoff))}-digit number" if len(str(cutoff)) > 15 else cutoff
            msg = f"cutoff_days must be a number of days from 0 to 36500, not {shown}"
            raise UsageError(msg, parameter="cutoff_days")
        set_(self, "cutoff_days", float(cutoff))
        require(self.strict, bool, "strict", "True or False")
        require(self.use_journey_block, bool, "use_journey_block", "True or False")
        _optional_text(self.by, "by")
        _period(self.every)

    def merged(
        self, block: EventsSpec | None, journey_path: str | os.PathLike[str] | None = None
    ) -> EventOptions | None:
        """These options over the journey's ``events:`` block, with the files found; None
        when neither names a log.

        Raises
        ------
        UsageError
            A file given that does not exist (or a pattern that matches none).
        EventLogError
            The block names a file outside the journey's folder, or one that is missing.
        """
        from .exceptions import EventLogError

        source = Source("events.path", "event log", "paths", EventLogError)
        return source.merged(self, block if self.use_journey_block else None, journey_path)

    def over(self, spec: EventsSpec) -> dict[str, Any]:
        """The fields of these options over the journey's ``events:`` block."""
        given, base = self.columns, spec.columns
        return {
            "columns": ColumnMap(
                case=given.case or base.case,
                activity=given.activity or base.activity,
                timestamp=given.timestamp or base.timestamp,
                lifecycle=given.lifecycle or base.lifecycle,
            ),
            "activity_map": {**spec.map, **self.activity_map},
            "ends": self.ends or tuple(spec.ends),
        }

    def check_journey(self, journey: Journey) -> None:
        """A :class:`UsageError` when the activity map or ``ends`` name no touchpoint."""
        known = {t.id for t in journey.touchpoints}
        for activity, target in self.activity_map.items():
            if target not in known:
                msg = (
                    f"the activity map sends {activity!r} to {target!r}, which is not a touchpoint"
                )
                raise UsageError(msg, parameter="activity_map")
        for end in self.ends:
            if end not in known:
                msg = f"ends: {end!r} is not a touchpoint of the journey"
                raise UsageError(msg, parameter="ends")


@dataclass(frozen=True)
class FeedbackOptions:
    """A-11 customer feedback to join to the journey; every field given overrides the
    journey's ``feedback:`` block.

    ``paths``: response files, globs or URLs, taken as given (empty: the block's ``path``).
    ``instrument``: ``"a11_v1"`` or ``"a11_v2"`` (None: the block's, else told from the
    header). ``mapping`` is merged over the block's ``map`` (a value of the touchpoint
    column to a touchpoint id). ``min_cell``: tallies from fewer responses are suppressed
    (None: the block's, else 10). ``every``, ``by``: the period and the segment column.
    """

    paths: tuple[str, ...] = ()
    instrument: Literal["a11_v1", "a11_v2"] | None = None
    mapping: Mapping[str, str] = field(default_factory=FrozenMap)
    touchpoint_column: str | None = None
    submitted_column: str | None = None
    every: Period | None = None
    by: str | None = None
    min_cell: int | None = None
    use_journey_block: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "paths", _paths(self.paths))
        object.__setattr__(self, "mapping", _mapping(self.mapping, "mapping"))
        _optional_text(self.instrument, "instrument")
        if self.instrument is not None and self.instrument not in ("a11_v1", "a11_v2"):
            msg = f"instrument: {self.instrument!r} is not an instrument; use a11_v1 or a11_v2"
            raise UsageError(msg, parameter="instrument")
        for name in ("touchpoint_column", "submitted_column", "by"):
            _optional_text(getattr(self, name), name)
        _period(self.every)
        if self.min_cell is not None:
            _whole(self.min_cell, "min_cell", 1, None, "a whole number of responses, at least 1")
        require(self.use_journey_block, bool, "use_journey_block", "True or False")

    @property
    def cell(self) -> int:
        """The smallest number of responses a tally is shown for."""
        return self.min_cell or 10

    def merged(
        self, block: FeedbackSpec | None, journey_path: str | os.PathLike[str] | None = None
    ) -> FeedbackOptions | None:
        """These options over the journey's ``feedback:`` block, with the files found; None
        when neither names a file (errors as :meth:`EventOptions.merged`, with
        :class:`~journeymap.exceptions.FeedbackError`)."""
        from .exceptions import FeedbackError

        source = Source("feedback.path", "feedback file", "feedback", FeedbackError)
        return source.merged(self, block if self.use_journey_block else None, journey_path)

    def over(self, spec: FeedbackSpec) -> dict[str, Any]:
        """The fields of these options over the journey's ``feedback:`` block."""
        return {
            "instrument": self.instrument or spec.instrument,
            "mapping": {**spec.map, **self.mapping},
            "touchpoint_column": self.touchpoint_column or spec.columns.touchpoint,
            "submitted_column": self.submitted_column or spec.columns.submitted,
            "every": self.every or spec.every,
            "by": self.by or spec.by,
            "min_cell": self.min_cell or spec.min_cell,
        }
