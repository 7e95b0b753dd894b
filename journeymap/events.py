"""Evidence from event logs: observed timing, drop-off and paths, computed with DuckDB.

An event log has one row per event: a case (one person's application), an activity and a
timestamp, and optionally a lifecycle (start/complete). ``read_event_log`` maps activities to
the journey's touchpoints and computes, in SQL over the files (Parquet, CSV or JSON Lines;
several files or globs) without loading them into Python objects:

- per touchpoint: arrivals (visits and cases), elapsed time (median, p90, mean, n),
  drop-off (cases whose last event is here, that reached no end and are not still open),
  rework (visits beyond each case's first);
- per transition: count, share of the touchpoint's exits, time between the two events;
- case durations, the most frequent paths (variants), rework (a touchpoint repeated in a case);
- a reconciliation: rows read = rows used + rows rejected, by reason.

Conventions (``docs/events.md``): events of a case are ordered by timestamp, ties by file then
row order; timestamps with an offset are exact, naive ones are taken in ``timezone`` (UTC by
default). Without lifecycle start events, a touchpoint's time runs from the case's previous
event to its own ("complete to complete"); with start events it runs from start to complete
and the time between touchpoints is a wait. A case is open (not a drop-off) when its last
event is within ``cutoff_days`` of the end of the log (or of ``as_of``). No case id ever
leaves this module: outputs hold counts and touchpoint ids only.
"""

from __future__ import annotations

import glob as globmod
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .exceptions import EventLogError, UsageError
from .models import Journey
from .observed import (
    ColumnMap,
    ObservedLog,
    ObservedTouchpoint,
    ObservedTransition,
)

__all__ = [
    "DEFAULT_COLUMNS",
    "ColumnMap",
    "EventLogError",
    "ObservedLog",
    "ObservedTouchpoint",
    "ObservedTransition",
    "read_event_log",
]

#: Column names tried, in order, when a column is not named explicitly.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "case", "caseid", "case id", "application_id"),
    "activity": ("concept:name", "activity", "step", "event", "activity_name"),
    "timestamp": ("time:timestamp", "timestamp", "ts", "time", "event_time", "datetime"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "status"),
}


def _expand(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    files: list[str] = []
    for raw in paths:
        text = os.fspath(raw)
        if any(ch in text for ch in "*?["):
            found = sorted(globmod.glob(text))
            if not found:
                msg = f"{text}: no file matches this pattern"
                raise UsageError(msg)
            files += found
        elif Path(text).is_file():
            files.append(text)
        else:
            msg = f"{text}: no such event log file"
            raise UsageError(msg)
    return files


def _reader(path: str) -> str:
    low = path.lower()
    quoted = "'" + path.replace("'", "''") + "'"
    if low.endswith((".parquet", ".pq")):
        return f"read_parquet({quoted}, file_row_number=true)"
    if low.endswith((".jsonl", ".ndjson", ".json")):
        return f"read_json_auto({quoted}, format='newline_delimited')"
    if low.endswith((".csv", ".tsv", ".txt", ".csv.gz")):
        return f"read_csv({quoted}, header=true, all_varchar=true)"
    msg = f"{path}: unknown event log format (use .parquet, .csv or .jsonl)"
    raise UsageError(msg)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pick(path: str, available: Sequence[str], role: str, given: str | None) -> str | None:
    """The column playing ``role``: the one given, else the first default name present."""
    if given is not None:
        if given not in available:
            msg = (
                f"{path}: no column {given!r} for the {role} "
                f"(columns: {', '.join(available)}); fix the column mapping"
            )
            raise EventLogError(msg)
        return given
    lowered = {c.lower(): c for c in available}
    for candidate in DEFAULT_COLUMNS[role]:
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    if role == "lifecycle":
        return None
    msg = (
        f"{path}: no column for the {role} (looked for {', '.join(DEFAULT_COLUMNS[role])}; "
        f"columns are {', '.join(available)}); name it with --{role}-column"
    )
    raise EventLogError(msg)


def _count(con: Any, sql: str) -> int:
    """The single integer a ``SELECT count(*)`` query returns."""
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _required(column: str | None) -> str:
    assert column is not None  # _pick raises for a missing required column
    return column


def _match_activities(
    journey: Journey, activities: Sequence[str], mapping: Mapping[str, str]
) -> dict[str, str]:
    ids = {t.id for t in journey.touchpoints}
    by_name = {t.name.casefold(): t.id for t in journey.touchpoints}
    by_id_fold = {t.id.casefold(): t.id for t in journey.touchpoints}
    out: dict[str, str] = {}
    for activity in activities:
        if activity in mapping:
            out[activity] = mapping[activity]
        elif activity in ids:
            out[activity] = activity
        elif activity.casefold() in by_id_fold:
            out[activity] = by_id_fold[activity.casefold()]
        elif activity.strip().casefold() in by_name:
            out[activity] = by_name[activity.strip().casefold()]
    return out


def _interleavings(journey: Journey) -> set[tuple[str, str]]:
    """Moves a log shows because parallel branches interleave in time: between touchpoints
    of different branches of one block, and from any branch touchpoint to the join."""
    if not any(t.split == "all" for t in journey.touchpoints):
        return set()
    from .graph import build_graph, find_blocks

    pairs: set[tuple[str, str]] = set()
    for block in find_blocks(build_graph(journey)):
        for i, branch in enumerate(block.branches):
            for node in branch:
                pairs.add((node, block.join))
                pairs.add((block.split, node))
                for j, other in enumerate(block.branches):
                    if i != j:
                        pairs.update((node, o) for o in other)
    return pairs


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
) -> ObservedLog:
    """Read event logs and compute what they show about ``journey`` (see the module docs).

    Raises
    ------
    UsageError
        A path or pattern that matches no file, an unknown format, a bad touchpoint in the map.
    EventLogError
        A missing column, an empty log, or a file DuckDB cannot read.
    """
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is in the test environment
        msg = "reading event logs needs DuckDB: pip install 'journeymap[events]'"
        raise EventLogError(msg) from err
    say = progress or (lambda _stage: None)
    files = _expand(paths)
    mapping = dict(activity_map or {})
    known = {t.id for t in journey.touchpoints}
    for activity, target in mapping.items():
        if target not in known:
            msg = f"the activity map sends {activity!r} to {target!r}, which is not a touchpoint"
            raise UsageError(msg)
    cols = columns or ColumnMap()
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{timezone.replace(chr(39), '')}'")
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET preserve_insertion_order = true")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        parts = []
        lifecycle_any = False
        say("reading")
        for index, path in enumerate(files):
            reader = _reader(path)
            try:
                available = [
                    d[0] for d in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
                ]
            except duckdb.Error as err:
                msg = f"{path}: cannot read the file ({str(err).splitlines()[0]})"
                raise EventLogError(msg) from err
            case = _required(_pick(path, available, "case", cols.case))
            activity = _required(_pick(path, available, "activity", cols.activity))
            timestamp = _required(_pick(path, available, "timestamp", cols.timestamp))
            lifecycle = _pick(path, available, "lifecycle", cols.lifecycle)
            lifecycle_any = lifecycle_any or lifecycle is not None
            lc = f"lower(CAST({_ident(lifecycle)} AS VARCHAR))" if lifecycle else "NULL"
            is_csv = path.lower().endswith((".csv", ".tsv", ".txt", ".csv.gz"))
            if "file_row_number" in available:
                available.remove("file_row_number")
                row = "file_row_number + 1"
            else:
                row = "row_number() OVER () + " + ("1" if is_csv else "0")
            ts = _ident(timestamp)
            text = (
                f"CAST({ts} AS VARCHAR)"
                if not path.lower().endswith((".parquet", ".pq"))
                else "NULL"
            )
            parts.append(
                f"SELECT {index} AS f, {row} AS r, "
                f"CAST({_ident(case)} AS VARCHAR) AS c, CAST({_ident(activity)} AS VARCHAR) AS a,"
                f" TRY_CAST({ts} AS TIMESTAMPTZ) AS t, {lc} AS lc, {text} AS ts_text FROM {reader}"
            )
        window = []
        if since is not None:
            window.append(f"t < TIMESTAMPTZ '{since.isoformat()}'")
        if until is not None:
            window.append(f"t > TIMESTAMPTZ '{until.isoformat()}'")
        outside = " OR ".join(window) or "false"
        con.execute(
            "CREATE TEMP TABLE raw AS SELECT f, r, c, a, t, lc, CASE "
            "WHEN c IS NULL OR c = '' THEN 1 WHEN a IS NULL OR a = '' THEN 2 "
            f"WHEN t IS NULL THEN 3 WHEN {outside} THEN 4 ELSE 0 END AS why, ts_text FROM ("
            + " UNION ALL ".join(parts)
            + ")"
        )
        rows_read = _count(con, "SELECT count(*) FROM raw")
        if rows_read == 0:
            msg = f"{', '.join(files)}: the event log has no rows"
            raise EventLogError(msg)
        rejected: dict[str, int] = {}
        examples: dict[str, tuple[str, ...]] = {}
        reasons = {
            1: "missing case id",
            2: "missing activity",
            3: "unparsable or missing timestamp",
            4: "outside --since/--until",
        }
        for why, n in con.execute(
            "SELECT why, count(*) FROM raw WHERE why > 0 GROUP BY why ORDER BY why"
        ).fetchall():
            reason = reasons[int(why)]
            rejected[reason] = int(n)
            sample = con.execute(
                f"SELECT f, r, ts_text FROM raw WHERE why = {int(why)} ORDER BY f, r LIMIT 3"
            ).fetchall()
            examples[reason] = tuple(
                f"{files[f]}:row {r}" + (f" ({text!r})" if why == 3 and text else "")
                for f, r, text in sample
            )

        bad_any = "why > 0"
        activities = con.execute(
            f"SELECT a, count(*) FROM raw WHERE NOT ({bad_any}) GROUP BY a ORDER BY a"
        ).fetchall()
        matched = _match_activities(journey, [a for a, _ in activities], mapping)
        unmapped = tuple((a, int(n)) for a, n in activities if a not in matched)
        if unmapped:
            rejected["activity not mapped to a touchpoint"] = sum(n for _, n in unmapped)
        order = [t.id for t in journey.touchpoints]
        code = {tid: i for i, tid in enumerate(order)}
        con.execute("CREATE TEMP TABLE amap (a VARCHAR, tp INTEGER)")
        if matched:
            con.executemany(
                "INSERT INTO amap VALUES (?, ?)", [(a, code[tid]) for a, tid in matched.items()]
            )
        say("ordering")
        lead_lc = ", lead(lc) OVER w AS next_lc" if lifecycle_any else ", NULL AS next_lc"
        windowed = (
            "SELECT k, tp, t, lc, pos, lead(tp) OVER w AS next_tp, "
            "epoch(lead(t) OVER w) - epoch(t) AS gap, lead(pos) OVER w AS next_pos"
            + lead_lc
            + " FROM ({source}) WINDOW w AS (PARTITION BY k ORDER BY t, pos)"
        )
        con.execute(
            "CREATE TEMP TABLE seq AS "
            + windowed.format(
                source="SELECT hash(c) AS k, amap.tp, t, lc, f * 4294967296 + r AS pos "
                f"FROM raw JOIN amap USING (a) WHERE NOT ({bad_any})"
            )
        )
        # a duplicate is the same touchpoint, time and lifecycle as the next event of its case
        dup_cond = "next_tp = tp AND gap = 0 AND next_lc IS NOT DISTINCT FROM lc"
        duplicates = _count(con, f"SELECT count(*) FROM seq WHERE {dup_cond}")
        if duplicates:
            # drop them, then order again so that neighbours skip the dropped events
            rejected["duplicate event"] = duplicates
            con.execute(
                "CREATE TEMP TABLE seq2 AS "
                + windowed.format(
                    source=f"SELECT k, tp, t, lc, pos FROM seq WHERE ({dup_cond}) IS NOT TRUE"
                )
            )
            con.execute("DROP TABLE seq")
            con.execute("ALTER TABLE seq2 RENAME TO seq")
        out_of_order = _count(con, "SELECT count(*) FROM seq WHERE next_pos < pos")
        has_starts = (
            lifecycle_any and _count(con, "SELECT count(*) FROM seq WHERE lc = 'start'") > 0
        )
        day = 86400.0
        if has_starts:
            # durations from start to complete; the sequence is made of complete events
            con.execute(
                "CREATE TEMP TABLE steps AS SELECT k, tp, t, lc, pos, "
                "epoch(t) - epoch(last_value(CASE WHEN lc = 'start' THEN t END IGNORE NULLS) "
                "OVER (PARTITION BY k, tp ORDER BY t, pos ROWS BETWEEN UNBOUNDED PRECEDING "
                "AND 1 PRECEDING)) AS dur FROM seq"
            )
            con.execute(
                "CREATE TEMP TABLE ev AS SELECT k, tp, t, pos, dur, "
                "lead(tp) OVER w AS next_tp, epoch(lead(t) OVER w) - epoch(t) AS gap "
                "FROM (SELECT * FROM steps WHERE lc IS DISTINCT FROM 'start') "
                "WINDOW w AS (PARTITION BY k ORDER BY t, pos)"
            )
            duration_sql = (
                f"SELECT tp, median(dur) / {day}, quantile_cont(dur, 0.9) / {day}, "
                f"avg(dur) / {day}, count(dur) FROM ev GROUP BY tp"
            )
            convention = (
                "lifecycle: a touchpoint's time runs from its start event to its complete event"
            )
        else:
            con.execute("CREATE TEMP VIEW ev AS SELECT k, tp, t, pos, next_tp, gap FROM seq")
            # a touchpoint's time is the gap on the way into it
            duration_sql = (
                f"SELECT next_tp, median(gap) / {day}, quantile_cont(gap, 0.9) / {day}, "
                f"avg(gap) / {day}, count(*) FROM ev WHERE next_tp IS NOT NULL GROUP BY next_tp"
            )
            convention = (
                "complete to complete: a touchpoint's time runs from the case's previous event "
                "to its own (the first event of a case has no duration)"
            )
        say("aggregating")
        ends = [code[t.id] for t in journey.touchpoints if t.is_end]
        end_list = ",".join(str(e) for e in ends) or "-1"
        con.execute(
            "CREATE TEMP TABLE pc AS SELECT k, epoch(min(t)) AS first_t, epoch(max(t)) AS last_t,"
            " list(tp ORDER BY t, pos) AS path FROM ev GROUP BY k"
        )
        bounds = con.execute("SELECT min(first_t), max(last_t) FROM pc").fetchone()
        if bounds is None or bounds[0] is None:
            msg = (
                f"{', '.join(files)}: no usable events (all {rows_read:,} rows were rejected: "
                f"{', '.join(f'{k}: {v:,}' for k, v in rejected.items())})"
            )
            raise EventLogError(msg)
        last_epoch = as_of.timestamp() if as_of is not None else float(bounds[1])
        horizon = last_epoch - cutoff_days * 86400
        con.execute(
            f"CREATE TEMP TABLE status AS SELECT k, path[-1] AS last_tp, "
            f"CASE WHEN path[-1] IN ({end_list}) THEN 'completed' "
            f"WHEN last_t >= {horizon} THEN 'open' ELSE 'abandoned' END AS state, "
            f"last_t - first_t AS span FROM pc"
        )
        counts = dict(con.execute("SELECT state, count(*) FROM status GROUP BY state").fetchall())
        visits_by_tp = dict(con.execute("SELECT tp, count(*) FROM ev GROUP BY tp").fetchall())
        cases_by_tp = dict(
            con.execute(
                "SELECT x, count(*) FROM (SELECT unnest(list_distinct(path)) AS x FROM pc) "
                "GROUP BY x"
            ).fetchall()
        )
        durations = {row[0]: row[1:] for row in con.execute(duration_sql).fetchall()}
        dropped = dict(
            con.execute(
                "SELECT last_tp, count(*) FROM status WHERE state = 'abandoned' GROUP BY last_tp"
            ).fetchall()
        )
        open_visits = dict(
            con.execute(
                "SELECT tp, count(*) FROM ev WHERE k IN (SELECT k FROM status WHERE state = 'open')"
                " GROUP BY tp"
            ).fetchall()
        )
        touchpoints: dict[str, ObservedTouchpoint] = {}
        for tp, visits in visits_by_tp.items():
            tid = order[tp]
            ncases = int(cases_by_tp.get(tp, 0))
            med, p90, mean, n = durations.get(tp, (None, None, None, 0))
            suppressed = ncases < min_cell
            closed = int(visits) - int(open_visits.get(tp, 0))
            drop_n = int(dropped.get(tp, 0))
            touchpoints[tid] = ObservedTouchpoint(
                touchpoint=tid,
                cases=ncases,
                visits=int(visits),
                median_days=None if suppressed or med is None else float(med),
                p90_days=None if suppressed or p90 is None else float(p90),
                mean_days=None if suppressed or mean is None else float(mean),
                duration_n=int(n),
                dropped=drop_n,
                closed_visits=closed,
                drop_off=None if suppressed or closed <= 0 else drop_n / closed,
                repeat_visits=int(visits) - ncases,
                suppressed=suppressed,
            )
        touchpoints = dict(sorted(touchpoints.items(), key=lambda kv: code[kv[0]]))
        edges = {(t.id, n.to) for t in journey.touchpoints for n in t.next}
        edges |= _interleavings(journey)
        out_totals: dict[int, int] = {}
        tr_rows = con.execute(
            "SELECT tp, next_tp, count(*), "
            f"median(gap) / {day}, quantile_cont(gap, 0.9) / {day}, avg(gap) / {day} "
            "FROM ev WHERE next_tp IS NOT NULL GROUP BY tp, next_tp ORDER BY tp, next_tp"
        ).fetchall()
        for tp, _, n, *_ in tr_rows:
            out_totals[tp] = out_totals.get(tp, 0) + int(n)
        transitions = tuple(
            ObservedTransition(
                source=order[a],
                target=order[b],
                count=int(n),
                share=int(n) / out_totals[a],
                median_days=None if int(n) < min_cell else float(med),
                p90_days=None if int(n) < min_cell else float(p90),
                mean_days=None if int(n) < min_cell else float(mean),
                in_journey=(order[a], order[b]) in edges,
                suppressed=int(n) < min_cell,
            )
            for a, b, n, med, p90, mean in tr_rows
        )
        case_stats = con.execute(
            f"SELECT median(span) / {day}, quantile_cont(span, 0.9) / {day}, avg(span) / {day} "
            "FROM status"
        ).fetchone()
        say("paths")
        variant_rows = con.execute(
            "SELECT path, count(*) AS n FROM pc GROUP BY path ORDER BY n DESC, path LIMIT 10"
        ).fetchall()
        variants = tuple(
            (tuple(order[i] for i in path), int(n))
            for path, n in variant_rows
            if int(n) >= min_cell
        )
        rows_used = _count(con, "SELECT count(*) FROM seq")
        first_last = con.execute(
            "SELECT strftime(to_timestamp(min(first_t)), '%Y-%m-%d'), "
            "strftime(to_timestamp(max(last_t)), '%Y-%m-%d') FROM pc"
        ).fetchone()
    finally:
        con.close()
    seen = set(touchpoints)
    never = tuple(t.id for t in journey.touchpoints if t.id not in seen)
    accounted = rows_used + sum(rejected.values())
    notes = []
    if accounted != rows_read:  # pragma: no cover - a bug if it ever happens
        notes.append(f"reconciliation off by {rows_read - accounted} rows")
    if out_of_order:
        notes.append(f"{out_of_order:,} events were out of time order in the file (sorted)")
    return ObservedLog(
        files=tuple(files),
        rows_read=rows_read,
        rows_used=rows_used,
        rejected=rejected,
        rejected_examples=examples,
        unmapped_activities=unmapped,
        duplicates=duplicates,
        out_of_order=out_of_order,
        cases=sum(int(v) for v in counts.values()),
        completed=int(counts.get("completed", 0)),
        abandoned=int(counts.get("abandoned", 0)),
        open=int(counts.get("open", 0)),
        first_event=first_last[0] if first_last else None,
        last_event=first_last[1] if first_last else None,
        convention=convention,
        touchpoints=touchpoints,
        transitions=transitions,
        case_median_days=float(case_stats[0]) if case_stats and case_stats[0] is not None else None,
        case_p90_days=float(case_stats[1]) if case_stats and case_stats[1] is not None else None,
        case_mean_days=float(case_stats[2]) if case_stats and case_stats[2] is not None else None,
        variants=variants,
        never_seen=never,
        min_cell=min_cell,
        notes=tuple(notes),
    )


def parse_when(text: str) -> datetime:
    """A --since/--until value: ISO 8601 date or date-time; naive means UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as err:
        msg = f"{text!r} is not a date; write it as 2024-01-31 or 2024-01-31T08:00:00+00:00"
        raise UsageError(msg) from err
    return value if value.tzinfo else value.replace(tzinfo=UTC)
