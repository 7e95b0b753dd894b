"""Evidence from event logs: observed timing, drop-off and paths, with DuckDB or Spark.

An event log has one row per event: a case (one person's application), an activity and a
timestamp, and optionally a lifecycle (start/complete). :func:`read_event_log` maps
activities to the journey's touchpoints and computes, in SQL over the files (Parquet, CSV or
JSON Lines; several files or globs) without loading them into Python objects:

- per touchpoint: arrivals (visits and cases), elapsed time (median, p90, mean, n),
  drop-off (cases whose last event is here, that reached no end and are not still open),
  rework (visits beyond each case's first);
- per transition: count, share of the touchpoint's exits, time between the two events;
- case durations, the most frequent paths (variants);
- a reconciliation: rows read = rows used + rows rejected, by reason; cases seen = cases
  used + cases whose every row was rejected.

The work runs in stages, one function each (``docs/events.md``), in order in
:func:`._run.run_stages` on one engine (:mod:`._engine`): resolve the files and their formats
and pick their columns (:mod:`._inputs`); one aggregate scan (rows by rejection reason, the
activities), the activity map, one ordering window into ``seq`` (:mod:`._rows`); timing,
per-case facts from plain aggregates with censoring, arrivals and rework, touchpoint
statistics, transitions and variants (:mod:`._stats`); conformance; then
:func:`._assemble.assemble` builds the :class:`ObservedLog`. The input is read twice and
never copied.

Conventions: events of a case are ordered by timestamp, ties by file then row order;
timestamps with an offset are exact, naive ones are taken in ``timezone`` (UTC by default).
Without lifecycle start events, a touchpoint's time runs from the case's previous event to
its own ("complete to complete"); with start events it runs from start to complete. A case is
open (not a drop-off) when its last event is within ``cutoff_days`` of the end of the log (or
of ``as_of``).

Engines: ``engine="duckdb"`` (the default: one machine, spills to disk beyond
``memory_limit``) or ``engine="spark"`` (PySpark; ``master`` is a Spark master URL, default
``local[*]``, or the one ``spark-submit`` set; paths any Spark can read: local, HDFS, object
storage). Both run the same SQL,
written once in DuckDB's dialect and transpiled for Spark with sqlglot (:mod:`._spark`);
segments (``by``) and trends (``every``) run on DuckDB only for now.

Privacy and hostile files: no case id ever leaves this package (outputs hold counts and
touchpoint ids); rejected rows are named by ``file:row`` and reason, never by their values;
unmapped activity names are listed only when seen in at least ``min_cell`` cases; the
engines' error texts (which may quote data) are never shown; no user text is formatted into
SQL (numbers computed from parsed values are).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import NoReturn

from ..exceptions import EventLogError, UsageError
from ..models import Journey
from ..observed import ColumnMap, ObservedLog, ObservedTouchpoint, ObservedTransition
from ..specs import EngineSettings, EventOptions
from ._db import MAX_VALUE_CHARS, check_options, connect
from ._engine import DuckEngine
from ._inputs import DEFAULT_COLUMNS, failing_file, open_source, resolve_files
from ._run import Request, run_stages, unsupported
from ._segments import PERIODS

__all__ = [
    "DEFAULT_COLUMNS",
    "ENGINES",
    "MAX_VALUE_CHARS",
    "ColumnMap",
    "EventLogError",
    "ObservedLog",
    "ObservedTouchpoint",
    "ObservedTransition",
    "parse_when",
    "read_event_log",
    "read_events",
]

#: The engines that run the analysis.
ENGINES = ("duckdb", "spark")


def read_events(
    spec: EventOptions,
    *,
    journey: Journey,
    engine: EngineSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> ObservedLog:
    """Read the event log ``spec`` names (merged and resolved, see
    :meth:`~journeymap.specs.EventOptions.merged`) on ``engine``: what it shows about
    ``journey``."""
    settings = engine or EngineSettings()
    return read_event_log(
        list(spec.paths),
        journey=journey,
        columns=spec.columns,
        activity_map=spec.activity_map,
        since=spec.since,
        until=spec.until,
        cutoff_days=spec.cutoff_days,
        as_of=spec.as_of,
        min_cell=spec.min_cell,
        timezone=settings.zone,
        memory_limit=settings.memory_limit,
        threads=settings.threads,
        progress=progress,
        strict=spec.strict,
        ends=spec.ends or None,
        by=spec.by,
        every=spec.every,
        engine=settings.engine,
        master=settings.master,
    )


def read_event_log(
    paths: Sequence[str | os.PathLike[str]],
    *,
    journey: Journey,
    columns: ColumnMap | None = None,
    activity_map: Mapping[str, str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cutoff_days: float = 30.0,
    as_of: datetime | None = None,
    min_cell: int = 1,
    timezone: str = "UTC",
    memory_limit: str = "1GB",
    threads: int | None = None,
    progress: Callable[[str], None] | None = None,
    strict: bool = False,
    ends: Sequence[str] | None = None,
    by: str | None = None,
    every: str | None = None,
    engine: str = "duckdb",
    master: str | None = None,
) -> ObservedLog:
    """Read event logs and compute what they show about ``journey`` (see the module docs).

    With ``strict``, the first row with a defect (a missing or over-long case id or
    activity, a bad timestamp, a duplicate event) raises instead of being counted; rows
    outside ``since``/``until`` and activities the journey does not map are still counted.

    ``ends``: touchpoint ids that count as reaching an end (default: the journey's ends,
    and for an end with no events, the logged touchpoints just before it). ``by``: a case
    attribute column (channel, state...) to segment by; ``every``: ``"month"``,
    ``"quarter"`` or ``"year"`` (federal fiscal) for the trend. Both cost time only when
    given. ``engine``: ``"duckdb"`` or ``"spark"`` (``master``: the Spark master URL; None:
    the one ``spark-submit`` set, else ``local[*]``; ``memory_limit`` applies to DuckDB).

    Raises
    ------
    UsageError
        A path or pattern that matches no file, an unknown format, a bad touchpoint in the
        map, a bad option (``timezone``, ``memory_limit``, ``threads``, ``cutoff_days``,
        ``min_cell``, ``ends``, ``every``, ``engine``); its ``parameter`` names the option.
    EventLogError
        A missing column, an empty log, a file the engine cannot read, no usable events;
        with ``strict``, the first bad row (``file:row`` and the reason).
    """
    _check_types(
        paths=paths,
        journey=journey,
        columns=columns,
        activity_map=activity_map,
        window=(since, until),
        numbers=(cutoff_days, min_cell),
        texts=(timezone, by, every),
        ends=ends,
    )
    if engine not in ENGINES:
        msg = f"engine: {engine!r} is not an engine; use one of {', '.join(ENGINES)}"
        raise UsageError(msg, parameter="log_engine")
    check_options(
        timezone=timezone,
        memory_limit=memory_limit,
        threads=threads,
        cutoff_days=cutoff_days,
        min_cell=min_cell,
    )
    if every is not None and every not in PERIODS:
        msg = f"every: {every!r} is not a period; use one of {', '.join(PERIODS)}"
        raise UsageError(msg, parameter="every")
    unsupported(engine, by, every)
    mapping = _checked_map(journey, activity_map)
    req = Request(
        files=[],
        journey=journey,
        mapping=mapping,
        since=since,
        until=until,
        as_of=as_of,
        cutoff_days=cutoff_days,
        ends=tuple(ends) if ends else None,
        by=by,
        every=every,
        min_cell=min_cell,
        strict=strict,
        timezone=timezone,
    )
    say = progress or (lambda _stage: None)
    if engine == "spark":
        from ._spark import read_with_spark

        return read_with_spark(paths, req, columns or ColumnMap(), master, say)
    return _read_with_duckdb(
        paths, req, columns or ColumnMap(), memory_limit=memory_limit, threads=threads, say=say
    )


def _read_with_duckdb(
    paths: Sequence[str | os.PathLike[str]],
    req: Request,
    columns: ColumnMap,
    *,
    memory_limit: str,
    threads: int | None,
    say: Callable[[str], None],
) -> ObservedLog:
    """Run the stages on DuckDB, on one connection spilling to a private directory."""
    files = resolve_files(paths)
    req = Request(**{**req.__dict__, "files": files})
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is in the test environment
        msg = "reading event logs needs DuckDB: pip install 'journeymap[events]'"
        raise EventLogError(msg) from err
    with tempfile.TemporaryDirectory(prefix="journeymap-events-") as workdir:
        con = connect(
            duckdb,
            workdir=workdir,
            timezone=req.timezone,
            memory_limit=memory_limit,
            threads=threads,
        )
        try:
            source = open_source(con, duckdb, files, columns, req.by)
            duck = DuckEngine(con, duckdb, source.sql, source.params)
            return run_stages(
                duck,
                req,
                source.lifecycle,
                lambda: failing_file(con, duckdb, files, source),
                say,
            )
        finally:
            con.close()


def _check_types(
    *,
    paths: object,
    journey: object,
    columns: object,
    activity_map: object,
    window: tuple[object, object],
    numbers: tuple[object, object],
    texts: tuple[object, object, object],
    ends: object,
) -> None:
    """A :class:`JourneymapTypeError` naming the parameter for an argument of the wrong type."""
    from ..exceptions import JourneymapTypeError

    def bad(parameter: str, expected: str, value: object) -> NoReturn:
        msg = f"{parameter} must be {expected}, not {type(value).__name__} ({value!r:.60})"
        raise JourneymapTypeError(msg)

    if isinstance(paths, str | bytes | os.PathLike) or not isinstance(paths, Sequence):
        bad("paths", "a sequence of paths", paths)
    for path in paths:
        if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
            bad("paths[]", "a path (str or os.PathLike)", path)
    if not isinstance(journey, Journey):
        bad("journey", "a Journey (from load_journey)", journey)
    if columns is not None and not isinstance(columns, ColumnMap):
        bad("columns", "a ColumnMap or None", columns)
    if activity_map is not None and not (
        isinstance(activity_map, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in activity_map.items())
    ):
        bad("activity_map", "a mapping of activity names to touchpoint ids", activity_map)
    for name, when in zip(("since", "until"), window, strict=True):
        if when is not None and not isinstance(when, datetime):
            bad(name, "a datetime or None", when)
    for name, number in zip(("cutoff_days", "min_cell"), numbers, strict=True):
        wanted = int if name == "min_cell" else int | float
        if isinstance(number, bool) or not isinstance(number, wanted):
            bad(name, "a whole number" if name == "min_cell" else "a number", number)
    for name, text in zip(("timezone", "by", "every"), texts, strict=True):
        if not isinstance(text, str) and not (text is None and name != "timezone"):
            bad(name, "text" if name == "timezone" else "text or None", text)
    if ends is not None and (
        isinstance(ends, str)
        or not isinstance(ends, Sequence)
        or not all(isinstance(e, str) for e in ends)
    ):
        bad("ends", "a sequence of touchpoint ids or None", ends)
    if isinstance(numbers[0], int) and numbers[0] > 10**9:  # beyond a float's range
        msg = f"cutoff_days: a {len(str(numbers[0]))}-digit number is not a number of days"
        raise UsageError(msg, parameter="cutoff_days")


def _checked_map(journey: Journey, activity_map: Mapping[str, str] | None) -> dict[str, str]:
    """The activity map, every target a touchpoint (else a UsageError)."""
    mapping = dict(activity_map or {})
    known = {t.id for t in journey.touchpoints}
    for activity, target in mapping.items():
        if target not in known:
            msg = f"the activity map sends {activity!r} to {target!r}, which is not a touchpoint"
            raise UsageError(msg, parameter="activity_map")
    return mapping


def parse_when(text: str) -> datetime:
    """A since/until value: ISO 8601 date or date-time; naive means UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as err:
        msg = f"{text!r} is not a date; write it as 2024-01-31 or 2024-01-31T08:00:00+00:00"
        raise UsageError(msg) from err
    return value if value.tzinfo else value.replace(tzinfo=UTC)
