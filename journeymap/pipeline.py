"""From files to a Report: the library functions every command is a thin call into.

A command line user and a Python user get the same result from the same call::

    journeymap analyze j.yaml --events log.csv --min-cell 5
    analyze_file("j.yaml", events=EventOptions(paths=("log.csv",), min_cell=5))

:func:`resolve_events` merges a journey's ``events:`` block with explicit overrides into one
:class:`EventRequest`; :func:`observe` reads that log; :func:`analyze_file` loads, observes and
analyses; :func:`analyze_paths` does it for several files and directories (with the portfolio).

Event-log paths written in a journey file are resolved against the journey's folder and must
stay inside it (after following symbolic links): a journey shared by someone else must not be
able to make journeymap read, and quote from, any file the user can read. A log elsewhere is
used only when the caller names it explicitly (``EventOptions.paths``).
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .exceptions import (
    EventLogError,
    FeedbackError,
    JourneymapError,
    JourneymapTypeError,
    UsageError,
)
from .models import Journey
from .observed import ColumnMap

if TYPE_CHECKING:
    from .feedback_types import ObservedFeedback
    from .observed import ObservedLog
    from .report import Portfolio, Report

__all__ = [
    "EventOptions",
    "EventRequest",
    "FeedbackOptions",
    "FeedbackRequest",
    "analyze_file",
    "analyze_paths",
    "observe",
    "observe_feedback",
    "resolve_events",
    "resolve_feedback",
]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class EventOptions:
    """How to measure a journey with an event log; every field overrides the ``events:`` block.

    ``paths``: log files or globs, taken as given (empty: the block's ``path``, relative to the
    journey's folder). ``activity_map`` is merged over the block's ``map``; each column given in
    ``columns`` replaces the block's. ``use_journey_block=False`` ignores the block entirely
    (then no log is read unless ``paths`` is given). ``strict``: the first bad row raises.
    ``ends``: touchpoint ids that count as reaching an end (replaces the block's ``ends``).
    ``by``: a case attribute column to segment by; ``every``: ``"month"``, ``"quarter"`` or
    ``"year"`` for the trend over time. ``engine``: ``"duckdb"`` (default) or ``"spark"``;
    ``master``: the Spark master URL (default ``local[*]``).
    """

    paths: tuple[str, ...] = ()
    activity_map: Mapping[str, str] = field(default_factory=dict)
    columns: ColumnMap = field(default_factory=ColumnMap)
    since: datetime | None = None
    until: datetime | None = None
    cutoff_days: float = 30.0
    min_cell: int = 1
    timezone: str | None = None
    use_journey_block: bool = True
    strict: bool = False
    ends: tuple[str, ...] = ()
    by: str | None = None
    every: str | None = None
    engine: str = "duckdb"
    master: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "paths", _path_tuple(self.paths))
        ends: object = self.ends
        if isinstance(ends, str):
            msg = f"ends must be a sequence of touchpoint ids, not one string ({ends!r})"
            raise JourneymapTypeError(msg)
        _require(ends, Sequence, "ends", "a sequence of touchpoint ids")
        object.__setattr__(self, "ends", tuple(self.ends))
        _check_option_types(self)
        cell = self.min_cell
        if isinstance(cell, bool) or not isinstance(cell, int) or cell < 1:
            msg = f"min_cell must be a whole number of cases >= 1, not {self.min_cell!r}"
            raise UsageError(msg, parameter="min_cell")
        cutoff = self.cutoff_days
        number = isinstance(cutoff, int | float) and not isinstance(cutoff, bool)
        if not number or not 0 <= cutoff <= 36_500:
            msg = f"cutoff_days must be a number of days from 0 to 36500, not {cutoff!r}"
            raise UsageError(msg, parameter="cutoff_days")


def _require(value: object, kinds: type | tuple[type, ...], parameter: str, expected: str) -> None:
    """A :class:`JourneymapTypeError` naming ``parameter`` unless ``value`` is of ``kinds``."""
    if not isinstance(value, kinds):
        msg = f"{parameter} must be {expected}, not {type(value).__name__} ({value!r:.60})"
        raise JourneymapTypeError(msg)


def _path_tuple(paths: object) -> tuple[str, ...]:
    """``paths`` (a sequence of paths) as strings, or a :class:`JourneymapTypeError`."""
    if isinstance(paths, str | os.PathLike):
        msg = f"paths must be a sequence of paths, not one string ({os.fspath(paths)!r})"
        raise JourneymapTypeError(msg)
    _require(paths, Sequence, "paths", "a sequence of paths")
    out = []
    for path in typing.cast(Sequence[object], paths):
        _require(path, (str, os.PathLike), "paths[]", "a path (str or os.PathLike)")
        text = os.fspath(typing.cast(str, path))
        _require(text, str, "paths[]", "a path (str or os.PathLike)")
        out.append(text)
    return tuple(out)


def _check_option_types(opts: EventOptions) -> None:
    """The types of the event-log options (their values are checked where they are used)."""
    _require(opts.columns, ColumnMap, "columns", "a ColumnMap")
    _require(opts.activity_map, Mapping, "activity_map", "a mapping of activity to touchpoint")
    for key, value in opts.activity_map.items():
        _require(key, str, "activity_map", "a mapping of text to touchpoint ids")
        _require(value, str, "activity_map", "a mapping of text to touchpoint ids")
    for name in ("since", "until"):
        _require(getattr(opts, name), (datetime, type(None)), name, "a datetime or None")
    for name in ("timezone", "by", "every"):
        _require(getattr(opts, name), (str, type(None)), name, "text or None")
    for end in opts.ends:
        _require(end, str, "ends[]", "a touchpoint id")


@dataclass(frozen=True)
class EventRequest:
    """A fully resolved event-log request: exactly what :func:`observe` reads."""

    paths: tuple[str, ...]
    columns: ColumnMap
    activity_map: dict[str, str]
    since: datetime | None
    until: datetime | None
    cutoff_days: float
    min_cell: int
    timezone: str
    strict: bool = False
    ends: tuple[str, ...] = ()
    by: str | None = None
    every: str | None = None
    engine: str = "duckdb"
    master: str | None = None


def _require_journey(journey: object) -> None:
    if not isinstance(journey, Journey):
        msg = f"journey must be a Journey (from load_journey), not {type(journey).__name__}"
        raise JourneymapTypeError(msg)


def _inside(path: str, folder: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real == folder or folder in real.parents


_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _expand(path: str) -> list[str]:
    """A path that exists is taken literally (even ``log[1].csv``); else it is a glob. A URL
    (``hdfs://``, ``s3a://``...) is passed on as written: the engine that reads it checks it."""
    if _REMOTE.match(path):
        return [path]
    if os.path.exists(path):
        return [path]
    return sorted(glob.glob(path)) if glob.has_magic(path) else []


def _missing(written: str, what: str = "event log", parameter: str = "paths") -> UsageError:
    msg = f"{what} {written!r}: no such file (or no file matches the pattern)"
    return UsageError(msg, parameter=parameter)


def _given_files(written: Sequence[str], *, what: str, parameter: str) -> list[str]:
    """Files named by the caller, taken as given (a URL, a file, or a glob that matches)."""
    paths: list[str] = []
    for path in written:
        found = _expand(path)
        if not found:
            raise _missing(path, what, parameter)
        paths += found
    return paths


def _block_files(
    written: Sequence[str],
    journey_path: str | os.PathLike[str] | None,
    *,
    key: str,
    what: str,
    parameter: str,
    error: type[JourneymapError],
) -> list[str]:
    """Files named in a journey's block (``events.path``, ``feedback.path``), resolved against
    the journey's folder and kept inside it (after following links): a journey file someone
    else wrote must not make journeymap read, and quote from, any file the user can read."""
    base = Path(journey_path).parent if journey_path is not None else Path.cwd()
    folder = Path(os.path.realpath(base))
    out: list[str] = []
    for path_written in written:
        joined = str(base / path_written)
        found = _expand(joined)
        for path in found or [joined]:
            if not _inside(path, folder):
                msg = (
                    f"{key} {path_written!r} points outside the journey's folder ({folder}); "
                    "a file elsewhere is read only when given explicitly, not from the "
                    "journey file"
                )
                raise error(msg)
            if not found:
                raise _missing(path_written, what, parameter)
            out.append(path)
    return out


def resolve_events(
    journey: Journey,
    *,
    journey_path: str | os.PathLike[str] | None = None,
    options: EventOptions | None = None,
) -> EventRequest | None:
    """Merge the journey's ``events:`` block with ``options``; None when there is no log.

    Raises
    ------
    EventLogError
        If the block names a log outside the journey's folder.
    """
    _require_journey(journey)
    _require(options, (EventOptions, type(None)), "events", "EventOptions or None")
    opts = options or EventOptions()
    spec = journey.events if opts.use_journey_block else None
    paths = _given_files(opts.paths, what="event log", parameter="paths")
    if not paths and spec is not None and spec.path:
        paths = _block_files(
            spec.path,
            journey_path,
            key="events.path",
            what="event log",
            parameter="paths",
            error=EventLogError,
        )
    if not paths:
        return None
    base = spec.columns if spec else None
    given = opts.columns
    columns = ColumnMap(
        case=given.case or (base.case if base else None),
        activity=given.activity or (base.activity if base else None),
        timestamp=given.timestamp or (base.timestamp if base else None),
        lifecycle=given.lifecycle or (base.lifecycle if base else None),
    )
    mapping = {**(dict(spec.map) if spec else {}), **dict(opts.activity_map)}
    block_zone = spec.timezone if spec and spec.timezone else None
    # an explicit empty time zone is an error to report, not the default
    timezone = opts.timezone if opts.timezone is not None else block_zone or "UTC"
    return EventRequest(
        paths=tuple(paths),
        columns=columns,
        activity_map=mapping,
        since=opts.since,
        until=opts.until,
        cutoff_days=float(opts.cutoff_days),
        min_cell=opts.min_cell,
        timezone=timezone,
        strict=opts.strict,
        ends=opts.ends or (tuple(spec.ends) if spec and spec.ends else ()),
        by=opts.by,
        every=opts.every,
        engine=opts.engine,
        master=opts.master,
    )


def observe(
    journey: Journey,
    *,
    journey_path: str | os.PathLike[str] | None = None,
    options: EventOptions | None = None,
    progress: Progress | None = None,
) -> ObservedLog | None:
    """Read the journey's event log (its ``events:`` block plus ``options``), or None."""
    request = resolve_events(journey, journey_path=journey_path, options=options)
    if request is None:
        return None
    from .events import read_event_log

    return read_event_log(
        list(request.paths),
        journey=journey,
        columns=request.columns,
        activity_map=request.activity_map,
        since=request.since,
        until=request.until,
        cutoff_days=request.cutoff_days,
        min_cell=request.min_cell,
        timezone=request.timezone,
        progress=progress,
        strict=request.strict,
        ends=request.ends or None,
        by=request.by,
        every=request.every,
        engine=request.engine,
        master=request.master,
    )


@dataclass(frozen=True)
class FeedbackOptions:
    """How to join A-11 customer feedback; every field overrides the ``feedback:`` block.

    ``paths``: response files or globs, taken as given (empty: the block's ``path``, relative
    to the journey's folder). ``mapping`` is merged over the block's ``map``. ``min_cell``
    None: the block's, else 10. ``use_journey_block=False`` ignores the block entirely.
    """

    paths: tuple[str, ...] = ()
    instrument: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    touchpoint_column: str | None = None
    submitted_column: str | None = None
    every: str | None = None
    by: str | None = None
    min_cell: int | None = None
    use_journey_block: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "paths", _path_tuple(self.paths))
        _require(self.mapping, Mapping, "mapping", "a mapping of values to touchpoint ids")
        cell = self.min_cell
        if cell is not None and (isinstance(cell, bool) or not isinstance(cell, int) or cell < 1):
            msg = f"min_cell must be a whole number of responses >= 1, not {cell!r}"
            raise UsageError(msg, parameter="min_cell")


@dataclass(frozen=True)
class FeedbackRequest:
    """A fully resolved feedback request: exactly what :func:`observe_feedback` reads."""

    paths: tuple[str, ...]
    instrument: str | None
    mapping: dict[str, str]
    touchpoint_column: str | None
    submitted_column: str | None
    every: str | None
    by: str | None
    min_cell: int


def resolve_feedback(
    journey: Journey,
    *,
    journey_path: str | os.PathLike[str] | None = None,
    options: FeedbackOptions | None = None,
) -> FeedbackRequest | None:
    """Merge the journey's ``feedback:`` block with ``options``; None when there is no file."""
    _require_journey(journey)
    _require(options, (FeedbackOptions, type(None)), "feedback", "FeedbackOptions or None")
    opts = options or FeedbackOptions()
    spec = journey.feedback if opts.use_journey_block else None
    paths = _given_files(opts.paths, what="feedback file", parameter="feedback")
    if not paths and spec is not None and spec.path:
        paths = _block_files(
            spec.path,
            journey_path,
            key="feedback.path",
            what="feedback file",
            parameter="feedback",
            error=FeedbackError,
        )
    if not paths:
        return None
    return FeedbackRequest(
        paths=tuple(paths),
        instrument=opts.instrument or (spec.instrument if spec else None),
        mapping={**(dict(spec.map) if spec else {}), **dict(opts.mapping)},
        touchpoint_column=opts.touchpoint_column or (spec.columns.touchpoint if spec else None),
        submitted_column=opts.submitted_column or (spec.columns.submitted if spec else None),
        every=opts.every or (spec.every if spec else None),
        by=opts.by or (spec.by if spec else None),
        min_cell=opts.min_cell or (spec.min_cell if spec and spec.min_cell else None) or 10,
    )


def observe_feedback(
    journey: Journey,
    *,
    journey_path: str | os.PathLike[str] | None = None,
    options: FeedbackOptions | None = None,
    progress: Progress | None = None,
) -> ObservedFeedback | None:
    """Read the journey's customer feedback (its ``feedback:`` block plus ``options``)."""
    request = resolve_feedback(journey, journey_path=journey_path, options=options)
    if request is None:
        return None
    from .feedback import read_feedback

    return read_feedback(
        list(request.paths),
        journey=journey,
        instrument=request.instrument,
        touchpoint_column=request.touchpoint_column,
        submitted_column=request.submitted_column,
        mapping=request.mapping,
        every=request.every,
        by=request.by,
        min_cell=request.min_cell,
        progress=progress,
    )


def _check_population(population: int | None) -> None:
    if population is None:
        return
    if isinstance(population, bool) or not isinstance(population, int):
        msg = f"population must be a whole number of people, not {population!r}"
        raise JourneymapTypeError(msg)
    if not 1 <= population <= 10**10:
        msg = f"population must be from 1 to 10,000,000,000 people, not {population}"
        raise UsageError(msg, parameter="population")


def analyze_file(
    path: str | os.PathLike[str],
    *,
    population: int | None = None,
    seed: int = 0,
    runs: int = 10_000,
    top: int = 5,
    events: EventOptions | None = None,
    progress: Progress | None = None,
    feedback: FeedbackOptions | None = None,
    scenario: str | None = None,
) -> Report:
    """Load a journey file, measure it with its event log (if any) and analyse it.

    ``events=None`` uses the journey's ``events:`` block as written; pass
    ``EventOptions(use_journey_block=False)`` to analyse the authored numbers only.
    ``scenario``: the id of one of the journey's scenarios, applied before everything else;
    the Report then says what it changed (:attr:`Report.changes`).
    """
    from .analysis import analyze
    from .loading import load_journey

    _check_population(population)
    _require(events, (EventOptions, type(None)), "events", "EventOptions or None")
    _require(feedback, (FeedbackOptions, type(None)), "feedback", "FeedbackOptions or None")
    journey = load_journey(path)
    marks = None
    if scenario is not None:
        from .scenarios.marks import apply_marked

        journey, marks = apply_marked(journey, scenario)
    observed = observe(journey, journey_path=path, options=events, progress=progress)
    voice = observe_feedback(journey, journey_path=path, options=feedback, progress=progress)
    report = analyze(
        journey,
        population=population,
        seed=seed,
        runs=runs,
        top=top,
        observed=observed,
        feedback=voice,
    )
    return report if marks is None else dataclasses.replace(report, changes=marks)


def analyze_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    population: int | None = None,
    seed: int = 0,
    runs: int = 10_000,
    top: int = 5,
    events: EventOptions | None = None,
    progress: Progress | None = None,
    feedback: FeedbackOptions | None = None,
) -> Report | Portfolio:
    """Analyse journey files and directories: one file gives its Report, several files or a
    directory give the :class:`~journeymap.report.Portfolio` (with every Report in it).

    Raises
    ------
    UsageError
        If a path does not exist or no journey file is found.
    """
    from .analysis import analyze
    from .analysis.portfolio import build_portfolio
    from .loading import find_journey_files, load_journey

    if isinstance(paths, str | os.PathLike):
        msg = f"paths must be a sequence of paths, not one string ({os.fspath(paths)!r})"
        raise JourneymapTypeError(msg)
    _check_population(population)
    _require(events, (EventOptions, type(None)), "events", "EventOptions or None")
    _require(feedback, (FeedbackOptions, type(None)), "feedback", "FeedbackOptions or None")
    files = list(find_journey_files(paths))
    if not files:
        shown = ", ".join(os.fspath(p) for p in paths)
        msg = f"no journey files (*.yaml, *.yml) found in {shown}"
        raise UsageError(msg)
    journeys = [load_journey(f) for f in files]
    reports = [
        analyze(
            j,
            population=population,
            seed=seed,
            runs=runs,
            top=top,
            observed=observe(j, journey_path=f, options=events, progress=progress),
            feedback=observe_feedback(j, journey_path=f, options=feedback, progress=progress),
        )
        for f, j in zip(files, journeys, strict=True)
    ]
    if len(reports) == 1 and not any(Path(p).is_dir() for p in paths):
        return reports[0]
    return build_portfolio(journeys, reports)
