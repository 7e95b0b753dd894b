"""The stages in order, on one engine (DuckDB or Spark): the same SQL for both."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..exceptions import EventLogError
from ..models import Journey
from ..observed import ObservedLog, ObservedSegments, ObservedTrend
from ..specs import EventOptions
from ..tables.engine import Engine, count
from ..tables.periods import micros
from ._assemble import Stages, assemble, rejected_rows
from ._conformance import conformance
from ._ends import Ends, resolve_ends, suggest_mappings
from ._rows import (
    ActivityMap,
    Ordered,
    Rejections,
    map_activities,
    order_events,
    rows_sql,
    scan_rows,
)
from ._segments import segment_table, segments, trend
from ._stats import (
    Cases,
    Timing,
    arrivals_and_rework,
    case_outcomes,
    interleavings,
    timing,
    touchpoint_stats,
    transitions,
    variants,
)

__all__ = ["Run", "run_stages"]


@dataclass(frozen=True)
class Run:
    """One read: the spec, the journey, the files it names, the engine's time zone, whether
    the files have a lifecycle column, the file a failed read is about, progress."""

    spec: EventOptions
    journey: Journey
    files: Sequence[str]
    zone: str
    lifecycle: bool
    failing: Callable[[], str]
    say: Callable[[str], None]

    @property
    def where(self) -> str:
        """The files, for messages."""
        return ", ".join(self.files)


def run_stages(engine: Engine, run: Run) -> ObservedLog:
    """The stages, in order, on one engine."""
    spec, journey, where = run.spec, run.journey, run.where
    order = [t.id for t in journey.touchpoints]
    code = {tid: i for i, tid in enumerate(order)}
    source_rows = rows_sql(spec.since, spec.until, spec.by is not None)
    run.say("reading")
    rejections, activity_counts = scan_rows(
        engine, run.files, source_rows, strict=spec.strict, failing=run.failing
    )
    with engine.guard(where, "mapping activities to touchpoints"):
        activities = map_activities(
            engine, source_rows, activity_counts, journey, spec.activity_map, code, spec.min_cell
        )
    run.say("ordering")
    with engine.guard(where, "ordering the events of each case"):
        ordered = order_events(engine, run.files, source_rows, run.lifecycle, strict=spec.strict)
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
        times = timing(engine, run.lifecycle)
        logged = {order[int(tp)] for (tp,) in engine.rows("SELECT DISTINCT tp FROM amap")}
    end_ids = resolve_ends(journey, logged, spec.ends or None)
    run.say("aggregating")
    with engine.guard(where, "computing case outcomes"):
        cases = case_outcomes(
            engine,
            where,
            [code[e] for e in end_ids.ids],
            micros(spec.as_of) if spec.as_of is not None else None,
            spec.cutoff_days,
            source_rows=source_rows if rejected else None,
            n_codes=len(order),
            timezone=run.zone,
            lifecycle=times.lifecycle,
        )
    read = (rejections, activities, ordered, rows_used)
    return _finish(engine, run, read, times, cases, end_ids, logged, source_rows)


def _finish(
    engine: Engine,
    run: Run,
    read: tuple[Rejections, ActivityMap, Ordered, int],
    times: Timing,
    cases: Cases,
    end_ids: Ends,
    logged: set[str],
    source_rows: str,
) -> ObservedLog:
    """The statistics after the case outcomes, and the :class:`ObservedLog`."""
    journey, where, min_cell = run.journey, run.where, run.spec.min_cell
    order = [t.id for t in journey.touchpoints]
    code = {tid: i for i, tid in enumerate(order)}
    rejections, activities, ordered, rows_used = read
    with engine.guard(where, "computing touchpoint and transition statistics"):
        arrivals = arrivals_and_rework(engine, len(order))
        tps = touchpoint_stats(order, arrivals, times, cases, min_cell)
        moves = transitions(engine, journey, order, min_cell, times.lifecycle)
    run.say("paths")
    with engine.guard(where, "computing the most frequent paths"):
        paths = variants(engine, order, min_cell)
    with engine.guard(where, "checking conformance"):
        repeats = {order[tp]: n for tp, n in arrivals[2].items()}
        fit = conformance(
            engine, journey, code, logged, interleavings(journey), moves, repeats, min_cell
        )
    segs, trend_ = _extras(engine, run, source_rows, order, code, times)
    return assemble(
        Stages(
            list(run.files),
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
            segs,
            trend_,
            suggest_mappings(journey, activities.listed),
        )
    )


def _extras(
    engine: Engine,
    run: Run,
    source_rows: str,
    order: list[str],
    code: dict[str, int],
    times: Timing,
) -> tuple[ObservedSegments | None, ObservedTrend | None]:
    """Segments and the trend, when asked for."""
    spec = run.spec
    segs = trend_ = None
    if spec.by is not None:
        with engine.guard(run.where, "computing segments"):
            segment_table(engine, source_rows)
            segs = segments(engine, spec.by, order, spec.min_cell)
    if spec.every is not None:
        with engine.guard(run.where, "computing the trend"):
            trend_ = trend(
                engine, spec.every, run.journey, order, code, times.lifecycle, spec.min_cell
            )
    return segs, trend_
