"""Evidence from event logs: observed timing, drop-off and paths, computed with DuckDB.

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

The work runs in stages, one function each (``docs/events.md``): resolve the files and their
formats and pick their columns (:mod:`._inputs`); read every row once with a rejection reason
and reconcile, map activities to touchpoints, order each case (:mod:`._rows`); timing,
cases with censoring, arrivals and rework, touchpoint statistics, transitions and variants
(:mod:`._stats`); then :func:`_assemble` builds the :class:`ObservedLog`.

Conventions: events of a case are ordered by timestamp, ties by file then row order;
timestamps with an offset are exact, naive ones are taken in ``timezone`` (UTC by default).
Without lifecycle start events, a touchpoint's time runs from the case's previous event to
its own ("complete to complete"); with start events it runs from start to complete. A case is
open (not a drop-off) when its last event is within ``cutoff_days`` of the end of the log (or
of ``as_of``).

Privacy and hostile files: no case id ever leaves this package (outputs hold counts and
touchpoint ids); rejected rows are named by ``file:row`` and reason, never by their values;
unmapped activity names are listed only when seen in at least ``min_cell`` cases; DuckDB's
error texts (which may quote data) are never shown; no user value is formatted into SQL.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..exceptions import EventLogError, UsageError
from ..models import Journey
from ..observed import (
    ColumnMap,
    Conformance,
    ObservedLog,
    ObservedSegments,
    ObservedTouchpoint,
    ObservedTransition,
    ObservedTrend,
)
from ._conformance import conformance
from ._db import MAX_VALUE_CHARS, check_options, connect, guard, rows
from ._ends import Ends, headline_warnings, resolve_ends, suggest_mappings
from ._inputs import DEFAULT_COLUMNS, open_source, resolve_files
from ._rows import (
    DUPLICATE,
    UNMAPPED,
    ActivityMap,
    Ordered,
    Rejections,
    map_activities,
    order_events,
    reject_rows,
)
from ._segments import PERIODS, segments, trend
from ._stats import (
    Cases,
    Timing,
    _interleavings,
    arrivals_and_rework,
    case_outcomes,
    timing,
    touchpoint_stats,
    transitions,
    variants,
)

__all__ = [
    "DEFAULT_COLUMNS",
    "MAX_VALUE_CHARS",
    "ColumnMap",
    "EventLogError",
    "ObservedLog",
    "ObservedTouchpoint",
    "ObservedTransition",
    "parse_when",
    "read_event_log",
]


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
) -> ObservedLog:
    """Read event logs and compute what they show about ``journey`` (see the module docs).

    With ``strict``, the first row with a defect (a missing or over-long case id or
    activity, a bad timestamp, a duplicate event) raises instead of being counted; rows
    outside ``since``/``until`` and activities the journey does not map are still counted.

    ``ends``: touchpoint ids that count as reaching an end (default: the journey's ends,
    and for an end with no events, the logged touchpoints just before it). ``by``: a case
    attribute column (channel, state...) to segment by; ``every``: ``"month"``,
    ``"quarter"`` or ``"year"`` (federal fiscal) for the trend. Both cost time only when
    given.

    Raises
    ------
    UsageError
        A path or pattern that matches no file, an unknown format, a bad touchpoint in the
        map, a bad option (``timezone``, ``memory_limit``, ``threads``, ``cutoff_days``,
        ``min_cell``, ``ends``, ``every``); its ``parameter`` names the option.
    EventLogError
        A missing column, an empty log, a file DuckDB cannot read, no usable events; with
        ``strict``, the first bad row (``file:row`` and the reason).
    """
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is in the test environment
        msg = "reading event logs needs DuckDB: pip install 'journeymap[events]'"
        raise EventLogError(msg) from err
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
    files = resolve_files(paths)
    mapping = _checked_map(journey, activity_map)
    with tempfile.TemporaryDirectory(prefix="journeymap-events-") as workdir:
        con = connect(
            duckdb, workdir=workdir, timezone=timezone, memory_limit=memory_limit, threads=threads
        )
        try:
            return _run(
                con,
                duckdb,
                files,
                journey,
                columns or ColumnMap(),
                mapping,
                {
                    "since": since,
                    "until": until,
                    "as_of": as_of,
                    "cutoff_days": cutoff_days,
                    "ends": tuple(ends) if ends else None,
                    "by": by,
                    "every": every,
                },
                min_cell,
                strict,
                progress or (lambda _stage: None),
            )
        finally:
            con.close()


def _checked_map(journey: Journey, activity_map: Mapping[str, str] | None) -> dict[str, str]:
    """The activity map, every target a touchpoint (else a UsageError)."""
    mapping = dict(activity_map or {})
    known = {t.id for t in journey.touchpoints}
    for activity, target in mapping.items():
        if target not in known:
            msg = f"the activity map sends {activity!r} to {target!r}, which is not a touchpoint"
            raise UsageError(msg, parameter="activity_map")
    return mapping


def _run(
    con: Any,
    duckdb: Any,
    files: list[str],
    journey: Journey,
    cols: ColumnMap,
    mapping: dict[str, str],
    window: dict[str, Any],
    min_cell: int,
    strict: bool,
    say: Callable[[str], None],
) -> ObservedLog:
    """The stages, in order, on one connection."""
    where = ", ".join(files)
    order = [t.id for t in journey.touchpoints]
    code = {tid: i for i, tid in enumerate(order)}
    say("reading")
    source = open_source(con, duckdb, files, cols, window["by"])
    rejections = reject_rows(
        con, duckdb, files, source, window["since"], window["until"], strict=strict
    )
    with guard(duckdb, where, "mapping activities to touchpoints"):
        activities = map_activities(con, journey, mapping, code, min_cell)
    say("ordering")
    with guard(duckdb, where, "ordering the events of each case"):
        ordered = order_events(con, files, source.lifecycle, strict=strict)
        rows_used = int(con.execute("SELECT count(*) FROM seq").fetchone()[0])
    rejected = _rejected(rejections, activities, ordered)
    if rows_used == 0:
        summary = ", ".join(f"{k}: {v:,}" for k, v in rejected.items())
        msg = (
            f"{where}: no usable events (all {rejections.rows_read:,} rows were rejected: "
            f"{summary})"
        )
        raise EventLogError(msg)
    with guard(duckdb, where, "timing the touchpoints"):
        times = timing(con, source.lifecycle)
        logged = {order[int(tp)] for (tp,) in rows(con, "SELECT DISTINCT tp FROM amap")}
    end_ids = resolve_ends(journey, logged, window["ends"])
    say("aggregating")
    with guard(duckdb, where, "computing case outcomes"):
        cases = case_outcomes(
            con,
            where,
            [code[e] for e in end_ids.ids],
            window["as_of"],
            window["cutoff_days"],
            any_rejected=bool(rejected),
            lifecycle=times.lifecycle,
        )
    with guard(duckdb, where, "computing touchpoint and transition statistics"):
        arrivals = arrivals_and_rework(con)
        tps = touchpoint_stats(order, arrivals, times, cases, min_cell)
        moves = transitions(con, journey, order, min_cell, times.lifecycle)
    say("paths")
    with guard(duckdb, where, "computing the most frequent paths"):
        paths = variants(con, order, min_cell)
    with guard(duckdb, where, "checking conformance"):
        repeats = {order[tp]: n for tp, n in arrivals[2].items()}
        fit = conformance(
            con, journey, code, logged, _interleavings(journey), moves, repeats, min_cell
        )
    extra = _extras(con, duckdb, where, journey, order, code, window, times, min_cell)
    return _assemble(
        _Stages(
            files,
            order,
            rejections,
            activities,
            ordered,
            rows_used,
            times,
            cases,
            tps,
            moves,
            paths,
            min_cell,
            end_ids,
            fit,
            *extra,
            suggest_mappings(journey, activities.listed),
        )
    )


def _extras(
    con: Any,
    duckdb: Any,
    where: str,
    journey: Journey,
    order: list[str],
    code: dict[str, int],
    window: dict[str, Any],
    times: Timing,
    min_cell: int,
) -> tuple[ObservedSegments | None, ObservedTrend | None]:
    """Segments and the trend, when asked for."""
    segs = trend_ = None
    if window["by"] is not None:
        with guard(duckdb, where, "computing segments"):
            con.execute(
                "CREATE TEMP TABLE seg AS SELECT hash(c) AS k, coalesce(first(g ORDER BY t, f, "
                "r) FILTER (WHERE g IS NOT NULL AND g <> ''), '(no value)') AS g FROM raw "
                "WHERE why = 0 GROUP BY 1"
            )
            segs = segments(con, window["by"], order, min_cell)
    if window["every"] is not None:
        with guard(duckdb, where, "computing the trend"):
            trend_ = trend(con, window["every"], journey, order, code, times.lifecycle, min_cell)
    return segs, trend_


@dataclass(frozen=True)
class _Stages:
    """What every stage returned, for :func:`_assemble`."""

    files: list[str]
    order: list[str]
    rejections: Rejections
    activities: ActivityMap
    ordered: Ordered
    rows_used: int
    times: Timing
    cases: Cases
    touchpoints: dict[str, ObservedTouchpoint]
    transitions: tuple[ObservedTransition, ...]
    variants: tuple[tuple[tuple[str, ...], int], ...]
    min_cell: int
    ends: Ends
    conformance: Conformance
    segments: ObservedSegments | None
    trend: ObservedTrend | None
    suggestions: tuple[tuple[str, str], ...]


def _rejected(rejections: Rejections, activities: ActivityMap, ordered: Ordered) -> dict[str, int]:
    """Rows rejected, by reason, in the order the stages find them."""
    out = dict(rejections.rejected)
    if activities.unmapped_rows:
        out[UNMAPPED] = activities.unmapped_rows
    if ordered.duplicates:
        out[DUPLICATE] = ordered.duplicates
    return out


def _examples(rejections: Rejections, ordered: Ordered) -> dict[str, tuple[str, ...]]:
    """The ``file:row`` of the first rows of each reason (never their values)."""
    out = dict(rejections.examples)
    if ordered.example:
        out[DUPLICATE] = ordered.example
    return out


def _cohort_notes(cases: Cases, used_cases: int) -> list[str]:
    """Which cases completion and drop-off count (the cohort that had time to finish)."""
    if cases.horizon_days is None:
        return [
            "no case started long enough before the end of the log to have had time to "
            "finish: completion and drop-off count every case that is not open"
        ]
    if cases.cohort[0] < used_cases:
        return [
            f"completion and drop-off count the {cases.cohort[0]:,} cases that started at "
            f"least {cases.horizon_days:.0f} days before the end of the log (time to finish "
            f"for 95 % of those that did); {used_cases - cases.cohort[0]:,} more recent cases "
            "are left out"
        ]
    return []


def _assemble(done: _Stages) -> ObservedLog:
    """The :class:`ObservedLog`: the stages' numbers, and notes on reconciliations that do
    not balance, rows out of order, rejected cases and unmapped activities too rare to name."""
    cases, ordered, rejected = (
        done.cases,
        done.ordered,
        _rejected(done.rejections, done.activities, done.ordered),
    )
    used_cases = sum(cases.counts.values())
    notes: list[str] = []
    off = done.rejections.rows_read - done.rows_used - sum(rejected.values())
    if off:  # pragma: no cover - a bug if it ever happens
        notes.append(f"row reconciliation off by {off} rows")
    rejected_cases = sum(cases.rejected.values())
    if cases.seen != used_cases + rejected_cases:  # pragma: no cover - a bug
        notes.append(f"case reconciliation off by {cases.seen - used_cases - rejected_cases} cases")
    if rejected_cases:
        notes.append(
            f"cases: {cases.seen:,} seen = {used_cases:,} used + {rejected_cases:,} whose "
            "every row was rejected"
        )
    notes += done.ends.notes
    notes += _cohort_notes(cases, used_cases)
    cohort, closed_cohort = cases.cohort[0], cases.cohort[2]
    if ordered.out_of_order:
        notes.append(f"{ordered.out_of_order:,} events were out of time order in the file (sorted)")
    hidden, hidden_rows = done.activities.unlisted
    if hidden:
        notes.append(
            f"{hidden:,} unmapped activit{'y' if hidden == 1 else 'ies'} ({hidden_rows:,} rows) "
            f"seen in fewer than {done.min_cell} cases: counted, not named"
        )
    return ObservedLog(
        files=tuple(done.files),
        rows_read=done.rejections.rows_read,
        rows_used=done.rows_used,
        rejected=rejected,
        rejected_examples=_examples(done.rejections, ordered),
        unmapped_activities=done.activities.listed,
        duplicates=ordered.duplicates,
        out_of_order=ordered.out_of_order,
        cases=used_cases,
        completed=cases.counts.get("completed", 0),
        abandoned=cases.counts.get("abandoned", 0),
        open=cases.counts.get("open", 0),
        first_event=cases.first_event,
        last_event=cases.last_event,
        convention=done.times.convention,
        touchpoints=done.touchpoints,
        transitions=done.transitions,
        case_median_days=cases.durations[0],
        case_p90_days=cases.durations[1],
        case_mean_days=cases.durations[2],
        variants=done.variants,
        never_seen=tuple(tid for tid in done.order if tid not in done.touchpoints),
        min_cell=done.min_cell,
        notes=tuple(notes),
        cases_seen=cases.seen,
        cases_rejected=dict(cases.rejected),
        cohort_cases=cohort,
        cohort_completed=cases.cohort[1],
        cohort_closed=closed_cohort,
        cohort_horizon_days=cases.horizon_days,
        completion=cases.cohort[1] / closed_cohort if closed_cohort else None,
        ends_used=done.ends.ids,
        warnings=headline_warnings(
            rows_read=done.rejections.rows_read,
            unmapped_rows=done.activities.unmapped_rows,
            cases=used_cases,
            completed=cases.counts.get("completed", 0),
            ends=done.ends,
        ),
        suggestions=done.suggestions,
        conformance=done.conformance,
        segments=done.segments,
        trend=done.trend,
    )


def parse_when(text: str) -> datetime:
    """A since/until value: ISO 8601 date or date-time; naive means UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as err:
        msg = f"{text!r} is not a date; write it as 2024-01-31 or 2024-01-31T08:00:00+00:00"
        raise UsageError(msg) from err
    return value if value.tzinfo else value.replace(tzinfo=UTC)
