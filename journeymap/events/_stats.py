"""Statistics over the ordered events (table ``seq``): timing, cases, touchpoints, paths.

Every function reads the temporary tables of one engine and returns plain numbers keyed by
touchpoint code. Statistics from fewer than ``min_cell`` cases are suppressed (None).
Per-case facts come from plain aggregates (first and last event, the touchpoints reached as
bit masks, an order-sensitive fingerprint of the path), not from ordered lists: the events
are sorted once, by the ordering window, and only the paths of the most frequent variants
are rebuilt. Times are integer microseconds in the SQL and days in the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..exceptions import EventLogError
from ..models import Journey
from ..observed import ObservedTouchpoint, ObservedTransition
from ..tables.engine import Engine, count, first
from ..tables.periods import date_of
from ._sql import DAY_US, days, quantiles

__all__ = [
    "Cases",
    "Timing",
    "arrivals_and_rework",
    "case_outcomes",
    "interleavings",
    "timing",
    "touchpoint_stats",
    "transitions",
    "variants",
]

#: Touchpoint codes per bit mask of reached touchpoints (signed 64-bit integers).
MASK_BITS = 62
_W = "OVER (PARTITION BY k ORDER BY tu, pos)"
_WTP = "OVER (PARTITION BY k, tp ORDER BY tu, pos"


@dataclass(frozen=True)
class Timing:
    """The timing convention, and per touchpoint code (median, p90, mean, n) in days."""

    convention: str
    durations: dict[int, tuple[Any, ...]]

    @property
    def lifecycle(self) -> bool:
        """True when start events were used (``ev`` has ``lc``, ``dur`` and ``wait``)."""
        return self.convention.startswith("lifecycle")


def timing(engine: Engine, lifecycle: bool) -> Timing:
    """Build ``ev`` (one row per timed event) and each touchpoint's durations.

    With lifecycle start events a touchpoint's time runs from its start to its complete and
    ``ev`` holds the complete events; otherwise it is the gap from the case's previous event.
    """
    if lifecycle and count(engine, "SELECT count(*) FROM seq WHERE lc = 'start'") > 0:
        # a start with no complete after it at its touchpoint (before the next start there)
        # is a visit that began and never finished: it stays in ``ev`` with no duration
        engine.table(
            "steps",
            "SELECT k, tp, tu, lc, pos, CASE WHEN lc IS DISTINCT FROM 'start' THEN tu - "
            "last_value(CASE WHEN lc = 'start' THEN tu END IGNORE NULLS) "
            f"{_WTP} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS dur, "
            f"lead(lc) {_WTP}) AS tp_next_lc FROM seq",
        )
        # the wait before the next visit: from this complete to the next visit's start
        engine.table(
            "ev",
            "SELECT k, tp, tu, pos, dur, lc, next_tp, gap, i, "
            "CASE WHEN next_tp IS NULL OR lc = 'start' THEN NULL "
            "WHEN next_lc = 'start' THEN gap WHEN next_dur IS NOT NULL THEN gap - next_dur "
            f"END AS wait FROM (SELECT k, tp, tu, pos, dur, lc, lead(tp) {_W} AS next_tp, "
            f"lead(tu) {_W} - tu AS gap, lead(lc) {_W} AS next_lc, "
            f"lead(dur) {_W} AS next_dur, row_number() {_W} AS i "
            "FROM steps WHERE lc IS DISTINCT FROM 'start' OR tp_next_lc IS DISTINCT FROM "
            "'complete') x",
        )
        if engine.name == "duckdb":  # Spark's cached ``ev`` is defined over ``steps``
            engine.drop("steps")
        sql = f"SELECT tp, {quantiles('dur')}, count(dur) FROM ev GROUP BY tp"
        convention = (
            "lifecycle: a touchpoint's time runs from its start event to its complete event; "
            "a case whose last event is a start gave up at that touchpoint"
        )
    else:
        engine.view("ev", "SELECT k, tp, tu, pos, next_tp, gap, i FROM seq")
        # a touchpoint's time is the gap on the way into it
        sql = (
            f"SELECT next_tp, {quantiles('gap')}, count(*) FROM ev "
            "WHERE next_tp IS NOT NULL GROUP BY next_tp"
        )
        convention = (
            "complete to complete: a touchpoint's time runs from the case's previous event "
            "to its own (the first event of a case has no duration)"
        )
    return Timing(convention, {int(r[0]): (*days(r[1], r[2]), r[3]) for r in engine.rows(sql)})


@dataclass(frozen=True)
class Cases:
    """Per-case facts: outcomes with censoring, the cohort that had time to finish, case
    durations, the log's dates, and the case reconciliation (seen = used + rejected)."""

    counts: dict[str, int]
    dropped: dict[int, int]
    excluded_visits: dict[int, int]
    durations: tuple[float | None, float | None, float | None]
    completed_durations: tuple[float | None, float | None, float | None]
    first_event: str | None
    last_event: str | None
    seen: int
    rejected: dict[str, int]
    cohort: tuple[int, int, int]  # cases, completed, closed (completed + abandoned)
    horizon_days: float | None  # None: no case is old enough, every case is in the cohort


def _masks(n_codes: int) -> str:
    """Bit masks of the touchpoints a case reached, :data:`MASK_BITS` codes per mask."""
    out = []
    for j in range(max(1, -(-n_codes // MASK_BITS))):
        lo = j * MASK_BITS
        out.append(
            f"bit_or(CASE WHEN tp >= {lo} AND tp < {lo + MASK_BITS} THEN "
            f"CAST(1 AS BIGINT) << (tp - {lo}) ELSE CAST(0 AS BIGINT) END) AS m{j}"
        )
    return ", ".join(out)


def _per_case(engine: Engine, n_codes: int, lifecycle: bool) -> None:
    """``pc``: one row per case from plain aggregates over ``ev``: first and last time,
    first and last touchpoint, whether the last event is a start (lifecycle), the touchpoints
    reached (bit masks), the number of events and an order-sensitive fingerprint of the path
    (each touchpoint hashed with its rank)."""
    gave_up = (
        ", max(CASE WHEN next_tp IS NULL AND lc = 'start' THEN 1 ELSE 0 END) AS gave_up"
        if lifecycle
        else ", 0 AS gave_up"
    )
    engine.table(
        "pc",
        "SELECT k, min(tu) AS first_tu, max(tu) AS last_tu, count(*) AS n, "
        "max(CASE WHEN next_tp IS NULL THEN tp END) AS last_tp, "
        f"max(CASE WHEN i = 1 THEN tp END) AS first_tp{gave_up}, {_masks(n_codes)}, "
        "bit_xor(hash(CAST(i AS BIGINT) * 1048576 + tp)) AS fp FROM ev GROUP BY k",
    )


def case_outcomes(
    engine: Engine,
    where: str,
    ends: Sequence[int],
    as_of_us: int | None,
    cutoff_days: float,
    *,
    source_rows: str | None,
    n_codes: int,
    timezone: str,
    lifecycle: bool = False,
) -> Cases:
    """Build ``pc`` (per-case facts) and ``status``.

    A case is completed when its last event is at an end touchpoint (and, with lifecycle
    data, is not a start: a case whose last event is a start gave up there); otherwise open
    when its last event is within ``cutoff_days`` of the end of the log (or of ``as_of``),
    else abandoned: a drop-off at its last touchpoint.

    Completion and drop-off count only the **cohort** of cases that had time to finish: those
    whose first event is at least the horizon before the end of the log, the horizon being
    the larger of ``cutoff_days`` and the 95th percentile of the completed cases' durations.
    Leaving out every recent case (finished or not) does not favour the fast ones, as
    leaving out only the unfinished ones would.

    Cases seen are the distinct case ids of rows with a usable one; those not used had every
    row rejected (``source_rows`` given when some row was), counted by the first reason (in
    the order of the reasons) of their rows.
    """
    _per_case(engine, n_codes, lifecycle)
    bounds = first(engine, "SELECT min(first_tu), max(last_tu) FROM pc")
    if bounds[0] is None:
        msg = f"{where}: no usable events (every row was rejected)"
        raise EventLogError(msg)
    end_list = ", ".join(str(int(e)) for e in ends) or "-1"  # touchpoint codes, not input
    finished = f"last_tp IN ({end_list}) AND gave_up = 0"
    last_us = float(as_of_us) if as_of_us is not None else float(bounds[1])
    horizon, cut = _cohort_cut(engine, finished, last_us, cutoff_days)
    cohort_sql = "true" if cut is None else f"first_tu <= {cut!r}"
    engine.table(
        "status",
        "SELECT k, last_tp, first_tu, "
        f"CASE WHEN {finished} THEN 'completed' "
        f"WHEN last_tu >= {last_us - cutoff_days * DAY_US!r} THEN 'open' ELSE 'abandoned' END "
        f"AS state, last_tu - first_tu AS span, {cohort_sql} AS cohort FROM pc",
    )
    stats = days(*first(engine, f"SELECT {quantiles('span')} FROM status"))
    finished_stats = days(
        *first(engine, f"SELECT {quantiles('span')} FROM status WHERE state = 'completed'")
    )
    counts = {
        str(s): int(n) for s, n in engine.rows("SELECT state, count(*) FROM status GROUP BY state")
    }
    seen, rejected = sum(counts.values()), dict[str, int]()  # no row rejected: all used
    if source_rows is not None:
        seen, rejected = _rejected_cases(engine, source_rows)
    cohort = first(
        engine,
        "SELECT count(*), count(*) FILTER (WHERE state = 'completed'), "
        "count(*) FILTER (WHERE state <> 'open') FROM status WHERE cohort",
    )
    outside = sum(counts.values()) - int(cohort[0]) + counts.get("open", 0)
    return Cases(
        counts=counts,
        dropped=_by_tp(
            engine,
            "SELECT last_tp, count(*) FROM status WHERE cohort AND state = 'abandoned' "
            "GROUP BY last_tp",
        ),
        excluded_visits=_excluded_visits(engine) if outside else {},
        durations=stats,
        completed_durations=finished_stats,
        first_event=date_of(bounds[0], timezone),
        last_event=date_of(bounds[1], timezone),
        seen=seen,
        rejected=rejected,
        cohort=(int(cohort[0]), int(cohort[1] or 0), int(cohort[2] or 0)),
        horizon_days=horizon,
    )


def _cohort_cut(
    engine: Engine, finished: str, last_us: float, cutoff_days: float
) -> tuple[float | None, float | None]:
    """The horizon in days (the larger of the cutoff and the completed cases' 95th
    percentile duration) and the latest first event of the cohort; (None, None) when no
    case is that old."""
    p95 = first(
        engine,
        f"SELECT quantile_cont(last_tu - first_tu, 0.95) FILTER (WHERE {finished}) FROM pc",
    )[0]
    horizon = max(cutoff_days, float(p95 or 0.0) / DAY_US)
    cut = last_us - horizon * DAY_US
    if count(engine, f"SELECT count(*) FROM pc WHERE first_tu <= {cut!r}") == 0:
        return None, None
    return horizon, cut


def _excluded_visits(engine: Engine) -> dict[int, int]:
    """Visits per touchpoint code of the cases outside the cohort or still open."""
    return _by_tp(
        engine,
        "SELECT tp, count(*) FROM ev WHERE k IN (SELECT k FROM status "
        "WHERE NOT cohort OR state = 'open') GROUP BY tp",
    )


def _by_tp(engine: Engine, sql: str) -> dict[int, int]:
    return {int(tp): int(n) for tp, n in engine.rows(sql)}


def _rejected_cases(engine: Engine, source_rows: str) -> tuple[int, dict[str, int]]:
    """Cases seen, and those whose every row was rejected by the first reason of their rows
    (the rejection codes in order, then an unmapped activity)."""
    from ._rows import REASONS, UNMAPPED

    unmapped = max(REASONS) + 1
    seen = 0
    rejected: dict[int, int] = {}
    for code, total, unused in engine.rows(
        "SELECT code, count(*), count(*) FILTER (WHERE p.k IS NULL) FROM (SELECT k, "
        f"min(CASE WHEN why = 0 THEN {unmapped} ELSE why END) AS code FROM ({source_rows}) x "
        "WHERE why NOT IN (1, 2) GROUP BY k) s LEFT JOIN pc p ON s.k = p.k GROUP BY code "
        "ORDER BY code",
    ):
        seen += int(total)
        if unused:
            rejected[int(code)] = int(unused)
    names = {**REASONS, unmapped: UNMAPPED}
    return seen, {names[c]: n for c, n in rejected.items()}


def arrivals_and_rework(
    engine: Engine, n_codes: int
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Per touchpoint code: visits, distinct cases (from the masks of ``pc``), and rework
    (visits beyond each case's first: a case that passes twice adds one)."""
    visits = {int(tp): int(n) for tp, n in engine.rows("SELECT tp, count(*) FROM ev GROUP BY tp")}
    sums = ", ".join(f"sum((m{tp // MASK_BITS} >> {tp % MASK_BITS}) & 1)" for tp in range(n_codes))
    totals = first(engine, f"SELECT {sums} FROM pc")
    cases = {tp: int(n) for tp, n in enumerate(totals) if n}
    rework = {tp: n - cases.get(tp, 0) for tp, n in visits.items()}
    return visits, cases, rework


def touchpoint_stats(
    order: Sequence[str],
    arrivals: tuple[dict[int, int], dict[int, int], dict[int, int]],
    times: Timing,
    cases: Cases,
    min_cell: int,
) -> dict[str, ObservedTouchpoint]:
    """Each touchpoint seen, in journey order: arrivals, time, drop-off, rework."""
    visits_by_tp, cases_by_tp, rework = arrivals
    out: dict[str, ObservedTouchpoint] = {}
    for tp in sorted(visits_by_tp):
        visits = visits_by_tp[tp]
        ncases = cases_by_tp.get(tp, 0)
        med, p90, mean, n = times.durations.get(tp, (None, None, None, 0))
        suppressed = ncases < min_cell
        closed = visits - cases.excluded_visits.get(tp, 0)
        dropped = cases.dropped.get(tp, 0)
        out[order[tp]] = ObservedTouchpoint(
            touchpoint=order[tp],
            cases=ncases,
            visits=visits,
            median_days=None if suppressed or med is None else float(med),
            p90_days=None if suppressed or p90 is None else float(p90),
            mean_days=None if suppressed or mean is None else float(mean),
            duration_n=int(n),
            dropped=dropped,
            closed_visits=closed,
            drop_off=None if suppressed or closed <= 0 else dropped / closed,
            repeat_visits=rework[tp],
            suppressed=suppressed,
        )
    return out


def interleavings(journey: Journey) -> set[tuple[str, str]]:
    """Moves a log shows because parallel branches interleave in time: between touchpoints
    of different branches of one block, and from any branch touchpoint to the join."""
    if not any(t.split == "all" for t in journey.touchpoints):
        return set()
    from ..graph import build_graph, find_blocks

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


def transitions(
    engine: Engine, journey: Journey, order: Sequence[str], min_cell: int, lifecycle: bool = False
) -> tuple[ObservedTransition, ...]:
    """Each observed move: count, share of the source's exits, time between the events, and
    whether the journey has it (an edge, or an interleaving of parallel branches). With
    lifecycle data, also the wait: from the complete here to the next visit's start."""
    edges = {(t.id, n.to) for t in journey.touchpoints for n in t.next} | interleavings(journey)
    waits = f", median(wait) / {DAY_US}, count(wait)" if lifecycle else ", NULL, 0"
    tr_rows = engine.rows(
        f"SELECT tp, next_tp, count(*), {quantiles('gap')}{waits} FROM ev "
        "WHERE next_tp IS NOT NULL GROUP BY tp, next_tp ORDER BY tp, next_tp",
    )
    out_totals: dict[int, int] = {}
    for tp, _, n, *_ in tr_rows:
        out_totals[tp] = out_totals.get(tp, 0) + int(n)
    out = []
    for a, b, n, pair, avg, wait, wn in tr_rows:
        med, p90, mean = days(pair, avg) if int(n) >= min_cell else (None, None, None)
        out.append(
            ObservedTransition(
                source=order[a],
                target=order[b],
                count=int(n),
                share=int(n) / out_totals[a],
                median_days=med,
                p90_days=p90,
                mean_days=mean,
                in_journey=(order[a], order[b]) in edges,
                suppressed=int(n) < min_cell,
                wait_median_days=None if wait is None or int(wn) < min_cell else float(wait),
                wait_n=int(wn),
            )
        )
    return tuple(out)


_TOP = 10


def variants(
    engine: Engine, order: Sequence[str], min_cell: int
) -> tuple[tuple[tuple[str, ...], int], ...]:
    """The ten most frequent paths with their case counts (those of at least ``min_cell``),
    ties in path order.

    Cases are grouped by the fingerprint of their path (and its length); only the paths of
    the variants that can make the top ten (as frequent as the tenth) are rebuilt, from one
    case each.
    """
    engine.table(
        "variant",
        "SELECT fp, n, count(*) AS cases, min(k) AS k FROM pc GROUP BY fp, n",
    )
    top = engine.rows(f"SELECT cases FROM variant ORDER BY cases DESC LIMIT {_TOP}")
    if not top:
        return ()
    floor = max(int(top[-1][0]), min_cell)
    paths: dict[Any, list[tuple[int, int]]] = {}
    sizes: dict[Any, int] = {}
    for k, i, tp, cases in engine.rows(
        "SELECT e.k, e.i, e.tp, v.cases FROM ev e JOIN variant v ON e.k = v.k "
        f"WHERE v.cases >= {floor}"
    ):
        paths.setdefault(k, []).append((int(i), int(tp)))
        sizes[k] = int(cases)
    ranked = sorted((-sizes[k], tuple(tp for _, tp in sorted(steps))) for k, steps in paths.items())
    engine.drop("variant")
    return tuple((tuple(order[i] for i in path), -neg) for neg, path in ranked[:_TOP])
