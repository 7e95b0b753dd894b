"""The stages in order, on one engine (DuckDB or Spark): the same SQL for both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..exceptions import EventLogError, UsageError
from ..models import Journey
from ..observed import ObservedLog, ObservedSegments, ObservedTrend
from ._assemble import Stages, assemble, rejected_rows
from ._conformance import conformance
from ._db import MAX_VALUE_CHARS
from ._ends import resolve_ends, suggest_mappings
from ._engine import Engine, count
from ._rows import _micros, map_activities, order_events, rows_sql, scan_rows
from ._segments import segments, trend
from ._stats import (
    Timing,
    _interleavings,
    arrivals_and_rework,
    case_outcomes,
    timing,
    touchpoint_stats,
    transitions,
    variants,
)

__all__ = ["Request", "run_stages"]


@dataclass(frozen=True)
class Request:
    """What to compute: the options of :func:`journeymap.events.read_event_log`."""

    files: list[str]
    journey: Journey
    mapping: dict[str, str]
    since: datetime | None
    until: datetime | None
    as_of: datetime | None
    cutoff_days: float
    ends: tuple[str, ...] | None
    by: str | None
    every: str | None
    min_cell: int
    strict: bool
    timezone: str


def run_stages(
    engine: Engine,
    req: Request,
    lifecycle: bool,
    failing: Callable[[], str],
    say: Callable[[str], None],
) -> ObservedLog:
    """The stages, in order, on one engine."""
    files, journey, min_cell = req.files, req.journey, req.min_cell
    where = ", ".join(files)
    order = [t.id for t in journey.touchpoints]
    code = {tid: i for i, tid in enumerate(order)}
    source_rows = rows_sql(req.since, req.until, req.by is not None)
    say("reading")
    rejections, activity_counts = scan_rows(
        engine, files, source_rows, strict=req.strict, failing=failing
    )
    with engine.guard(where, "mapping activities to touchpoints"):
        activities = map_activities(
            engine, source_rows, activity_counts, journey, req.mapping, code, min_cell
        )
    say("ordering")
    with engine.guard(where, "ordering the events of each case"):
        ordered = order_events(engine, files, source_rows, lifecycle, strict=req.strict)
        rows_used = count(engine, "SELECT count(*) FROM seq")
    rejected = rejected_rows(rejections, activities, ordered)
    if rows_used == 0:
        summary = ", ".join(f"{k}: {v:,}" for k, v in rejected.items())
        msg = (
            f"{where}: no usable events (all {rejections.rows_read:,} rows were rejected: "
            f"{summary})"
        )
        raise EventLogError(msg)
    with engine.guard(where, "timing the touchpoints"):
        times = timing(engine, lifecycle)
        logged = {order[int(tp)] for (tp,) in engine.rows("SELECT DISTINCT tp FROM amap")}
    end_ids = resolve_ends(journey, logged, req.ends)
    say("aggregating")
    with engine.guard(where, "computing case outcomes"):
        cases = case_outcomes(
            engine,
            where,
            [code[e] for e in end_ids.ids],
            _micros(req.as_of) if req.as_of is not None else None,
            req.cutoff_days,
            source_rows=source_rows if rejected else None,
            n_codes=len(order),
            timezone=req.timezone,
            lifecycle=times.lifecycle,
        )
    with engine.guard(where, "computing touchpoint and transition statistics"):
        arrivals = arrivals_and_rework(engine, len(order))
        tps = touchpoint_stats(order, arrivals, times, cases, min_cell)
        moves = transitions(engine, journey, order, min_cell, times.lifecycle)
    say("paths")
    with engine.guard(where, "computing the most frequent paths"):
        paths = variants(engine, order, min_cell)
    with engine.guard(where, "checking conformance"):
        repeats = {order[tp]: n for tp, n in arrivals[2].items()}
        fit = conformance(
            engine, journey, code, logged, _interleavings(journey), moves, repeats, min_cell
        )
    extra = _extras(engine, req, source_rows, order, code, times)
    return assemble(
        Stages(
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


def unsupported(engine: str, by: str | None, every: str | None) -> None:
    """Refuse the analyses an engine cannot run yet (segments and trends need DuckDB)."""
    if engine == "duckdb":
        return
    asked = [name for name, value in (("by", by), ("every", every)) if value is not None]
    if asked:
        msg = (
            f"engine: {engine!r} does not support {' and '.join(asked)} yet (segments and "
            "trends run on DuckDB only); use engine 'duckdb' for them, or leave them out"
        )
        raise UsageError(msg, parameter="log_engine")


def _extras(
    engine: Engine,
    req: Request,
    source_rows: str,
    order: list[str],
    code: dict[str, int],
    times: Timing,
) -> tuple[ObservedSegments | None, ObservedTrend | None]:
    """Segments and the trend, when asked for (DuckDB only: see :func:`unsupported`)."""
    segs = trend_ = None
    where = ", ".join(req.files)
    if req.by is not None:
        with engine.guard(where, "computing segments"):
            engine.table(
                "seg",
                f"SELECT k, coalesce(first(left(g, {MAX_VALUE_CHARS}) ORDER BY tu, f, r) FILTER "
                "(WHERE g IS NOT NULL AND g <> ''), '(no value)') AS g "
                f"FROM ({source_rows}) x WHERE why = 0 GROUP BY k",
            )
            segs = segments(engine, req.by, order, req.min_cell)
    if req.every is not None:
        with engine.guard(where, "computing the trend"):
            trend_ = trend(
                engine, req.every, req.journey, order, code, times.lifecycle, req.min_cell
            )
    return segs, trend_
