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
:func:`._run.run_stages` on one engine (:mod:`journeymap.tables.engine`): resolve the files
and their formats and pick their columns (:mod:`._inputs`); one aggregate scan (rows by
rejection reason, the activities), the activity map, one ordering window into ``seq``
(:mod:`._rows`); timing,
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

Engines (:mod:`journeymap.tables`, configured by :class:`~journeymap.specs.EngineSettings`):
``engine="duckdb"`` (the default: one machine, spills to disk beyond ``memory_limit``) or
``engine="spark"`` (PySpark; ``master`` is a Spark master URL, default ``local[*]``, or the
one ``spark-submit`` set; paths any Spark can read: local, HDFS, object storage). Both run
the same SQL, written once in DuckDB's dialect and transpiled for Spark with sqlglot
(:mod:`journeymap.tables.spark`), segments and trends included.

Privacy and hostile files: no case id ever leaves this package (outputs hold counts and
touchpoint ids); rejected rows are named by ``file:row`` and reason, never by their values;
unmapped activity names are listed only when seen in at least ``min_cell`` cases; the
engines' error texts (which may quote data) are never shown; no user text is formatted into
SQL (numbers computed from parsed values are).
"""

from __future__ import annotations

import os
import typing
from collections.abc import Callable, Sequence
from typing import Any

from ..exceptions import EventLogError, JourneymapTypeError
from ..models import Journey
from ..observed import ColumnMap, ObservedLog, ObservedTouchpoint, ObservedTransition
from ..specs import ENGINES, EngineSettings, EventOptions
from ..tables.engine import open_engine, split_settings
from ..tables.files import MAX_VALUE_CHARS, Subject, resolve
from ..tables.rows import failing_file
from ._inputs import DEFAULT_COLUMNS, open_source
from ._run import Run, run_stages

__all__ = [
    "DEFAULT_COLUMNS",
    "ENGINES",
    "MAX_VALUE_CHARS",
    "SUBJECT",
    "ColumnMap",
    "EventLogError",
    "ObservedLog",
    "ObservedTouchpoint",
    "ObservedTransition",
    "read_event_log",
    "read_events",
]

#: What the table engine reads here, for its messages.
SUBJECT = Subject("event log", "paths", EventLogError, "an event log in its format", "the log")
_OPTIONAL = ("columns", "activity_map", "ends")


def read_events(
    spec: EventOptions,
    *,
    journey: Journey,
    engine: EngineSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> ObservedLog:
    """Read the event log ``spec`` names on ``engine`` and compute what it shows about
    ``journey`` (see the module docs).

    ``spec`` is validated when made (:class:`~journeymap.specs.EventOptions`); its paths are
    resolved here as everywhere (:func:`journeymap.specs.expand`). With ``strict``, the first
    row with a defect raises instead of being counted.

    Raises
    ------
    UsageError
        A path or pattern that matches no file, an unknown format, a touchpoint of the map
        or of ``ends`` that the journey lacks; its ``parameter`` names the option.
    EventLogError
        A missing column, an empty log, a file the engine cannot read, no usable events;
        with ``strict``, the first bad row (``file:row`` and the reason).
    """
    given: object = spec
    if not isinstance(given, EventOptions):
        msg = f"spec must be EventOptions, not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    given = typing.cast(object, journey)
    if not isinstance(given, Journey):
        msg = (
            "journey must be a Journey (from load_journey), "
            f"not {type(given).__name__} ({given!r:.60})"
        )
        raise JourneymapTypeError(msg)
    spec.check_journey(journey)
    settings = engine or EngineSettings()
    files = resolve(spec.paths, SUBJECT)
    with open_engine(settings, SUBJECT) as eng:
        source = open_source(eng, files, spec.columns, spec.by)
        run = Run(
            spec=spec,
            journey=journey,
            files=files,
            zone=settings.zone,
            lifecycle=source.lifecycle,
            failing=lambda: failing_file(eng, files, source.parts),
            say=progress or (lambda _stage: None),
        )
        return run_stages(eng, run)


def read_event_log(
    paths: Sequence[str | os.PathLike[str]],
    *,
    journey: Journey,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> ObservedLog:
    """:func:`read_events` with the options as keywords: every field of
    :class:`~journeymap.specs.EventOptions` (``columns``, ``activity_map``, ``since``,
    ``until``, ``cutoff_days``, ``as_of``, ``min_cell``, ``strict``, ``ends``, ``by``,
    ``every``) and of :class:`~journeymap.specs.EngineSettings` (``engine``, ``timezone``,
    ``memory_limit``, ``threads``, ``master``); ``columns``, ``activity_map`` and ``ends``
    None mean none. Bad options raise as those classes do."""
    # None was the old keywords' "not given" for these three; any other value goes to the spec
    given = {k: v for k, v in options.items() if v is not None or k not in _OPTIONAL}
    settings, fields = split_settings(given)
    spec = EventOptions(paths=typing.cast(tuple[str, ...], paths), **fields)
    return read_events(spec, journey=journey, engine=settings, progress=progress)
