"""Statistics over the ordered events (table ``seq``): timing, cases, touchpoints, paths.

Every function reads the temporary tables of one connection and returns plain numbers keyed
by touchpoint code; :func:`assemble` turns them into the :class:`ObservedLog`. Statistics
from fewer than ``min_cell`` cases are suppressed (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..exceptions import EventLogError
from ..models import Journey
from ..observed import ObservedTouchpoint, ObservedTransition
from ._db import count, rows

__all__ = [
    "Cases",
    "Timing",
    "arrivals_and_rework",
    "case_outcomes",
    "timing",
    "touchpoint_stats",
    "transitions",
    "variants",
]

_DAY = 86400.0
_QUANTILES = "median({x}) / {d}, quantile_cont({x}, 0.9) / {d}, avg({x}) / {d}"


def _quantiles(x: str) -> str:
    return _QUANTILES.format(x=x, d=_DAY)


@dataclass(frozen=True)
class Timing:
    """The timing convention, and per touchpoint code (median, p90, mean, n) in days."""

    convention: str
    durations: dict[int, tuple[Any, ...]]

    @property
    def lifecycle(self) -> bool:
        """True when start events were used (``ev`` has ``lc``, ``dur`` and ``wait``)."""
        return self.convention.startswith("lifecycle")


def timing(con: Any, lifecycle: bool) -> Timing:
    """Build ``ev`` (one row per timed event) and each touchpoint's durations.

    With lifecycle start events a touchpoint's time runs from its start to its complete and
    ``ev`` holds the complete events; otherwise it is the gap from the case's previous event.
    """
    if lifecycle and count(con, "SELECT count(*) FROM seq WHERE lc = 'start'") > 0:
        # a start with no complete after it at its touchpoint (before the next start there)
        # is a visit that began and never finished: it stays in ``ev`` with no duration
        con.execute(
            "CREATE TEMP TABLE steps AS SELECT k, tp, t, lc, pos, "
            "CASE WHEN lc IS DISTINCT FROM 'start' THEN "
            "epoch(t) - epoch(last_value(CASE WHEN lc = 'start' THEN t END IGNORE NULLS) "
            "OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) END AS dur, "
            "lead(lc) OVER w AS tp_next_lc FROM seq "
            "WINDOW w AS (PARTITION BY k, tp ORDER BY t, pos)"
        )
        # the wait before the next visit: from this complete to the next visit's start
        con.execute(
            "CREATE TEMP TABLE ev AS SELECT k, tp, t, pos, dur, lc, next_tp, gap, "
            "CASE WHEN next_tp IS NULL OR lc = 'start' THEN NULL "
            "WHEN next_lc = 'start' THEN gap WHEN next_dur IS NOT NULL THEN gap - next_dur "
            "END AS wait FROM (SELECT *, lead(tp) OVER w AS next_tp, "
            "epoch(lead(t) OVER w) - epoch(t) AS gap, lead(lc) OVER w AS next_lc, "
            "lead(dur) OVER w AS next_dur "
            "FROM steps WHERE lc IS DISTINCT FROM 'start' OR tp_next_lc IS DISTINCT FROM "
            "'complete' WINDOW w AS (PARTITION BY k ORDER BY t, pos))"
        )
        sql = f"SELECT tp, {_quantiles('dur')}, count(dur) FROM ev GROUP BY tp"
        convention = (
            "lifecycle: a touchpoint's time runs from its start event to its complete event; "
            "a case whose last event is a start gave up at that touchpoint"
        )
    else:
        con.execute("CREATE TEMP VIEW ev AS SELECT k, tp, t, pos, next_tp, gap FROM seq")
        # a touchpoint's time is the gap on the way into it
        sql = (
            f"SELECT next_tp, {_quantiles('gap')}, count(*) FROM ev "
            "WHERE next_tp IS NOT NULL GROUP BY next_tp"
        )
        convention = (
            "complete to complete: a touchpoint's time runs from the case's previous event "
            "to its own (the first event of a case has no duration)"
        )
    return Timing(convention, {int(r[0]): tuple(r[1:]) for r in rows(con, sql)})


@dataclass(frozen=True)
class Cases:
    """Per-case facts: outcomes with censoring, the cohort that had time to finish, case
    durations, the log's dates, and the case reconciliation (seen = used + rejected)."""

    counts: dict[str, int]
    dropped: dict[int, int]
    excluded_visits: dict[int, int]
    durations: tuple[float | None, float | None, float | None]
    first_event: str | None
    last_event: str | None
    seen: int
    rejected: dict[str, int]
    cohort: tuple[int, int, int]  # cases, completed, closed (completed + abandoned)
    horizon_days: float | None  # None: no case is old enough, every case is in the cohort


def _days(value: Any) -> float | None:
    return None if value is None else float(value)


def case_outcomes(
    con: Any,
    where: str,
    ends: Sequence[int],
    as_of: datetime | None,
    cutoff_days: float,
    *,
    any_rejected: bool,
    lifecycle: bool = False,
) -> Cases:
    """Build ``pc`` (a case's first and last time and path) and ``status``.

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
    row rejected, counted by the first reason (in the order of the reasons) of their rows.
    """
    last_lc = ", list(lc ORDER BY t, pos)[-1] = 'start' AS gave_up" if lifecycle else ""
    con.execute(
        "CREATE TEMP TABLE pc AS SELECT k, epoch(min(t)) AS first_t, epoch(max(t)) AS last_t,"
        f" list(tp ORDER BY t, pos) AS path{last_lc} FROM ev GROUP BY k"
    )
    bounds = rows(con, "SELECT min(first_t), max(last_t) FROM pc")[0]
    if bounds[0] is None:
        msg = f"{where}: no usable events (every row was rejected)"
        raise EventLogError(msg)
    end_list = ", ".join(str(int(e)) for e in ends) or "-1"  # touchpoint codes, not input
    finished = f"path[-1] IN ({end_list})" + (" AND NOT gave_up" if lifecycle else "")
    last_epoch = as_of.timestamp() if as_of is not None else float(bounds[1])
    horizon, cut = _cohort_cut(con, finished, last_epoch, cutoff_days)
    con.execute(
        "CREATE TEMP TABLE status AS SELECT k, path[-1] AS last_tp, first_t, "
        f"CASE WHEN {finished} THEN 'completed' "
        "WHEN last_t >= $horizon THEN 'open' ELSE 'abandoned' END AS state, "
        "last_t - first_t AS span, first_t <= $cut AS cohort FROM pc",
        {"horizon": last_epoch - cutoff_days * _DAY, "cut": cut},
    )
    stats = rows(con, f"SELECT {_quantiles('span')} FROM status")[0]
    first_last = rows(
        con,
        "SELECT strftime(to_timestamp(min(first_t)), '%Y-%m-%d'), "
        "strftime(to_timestamp(max(last_t)), '%Y-%m-%d') FROM pc",
    )[0]
    counts = {
        str(s): int(n) for s, n in rows(con, "SELECT state, count(*) FROM status GROUP BY state")
    }
    seen, rejected = sum(counts.values()), dict[str, int]()  # no row rejected: all used
    if any_rejected:
        seen, rejected = _rejected_cases(con)
    cohort = rows(
        con,
        "SELECT count(*), count(*) FILTER (WHERE state = 'completed'), "
        "count(*) FILTER (WHERE state <> 'open') FROM status WHERE cohort",
    )[0]
    return Cases(
        counts=counts,
        dropped=_by_tp(
            con,
            "SELECT last_tp, count(*) FROM status WHERE cohort AND state = 'abandoned' "
            "GROUP BY last_tp",
        ),
        excluded_visits=_by_tp(
            con,
            "SELECT tp, count(*) FROM ev SEMI JOIN (SELECT k FROM status "
            "WHERE NOT cohort OR state = 'open') USING (k) GROUP BY tp",
        ),
        durations=(_days(stats[0]), _days(stats[1]), _days(stats[2])),
        first_event=first_last[0],
        last_event=first_last[1],
        seen=seen,
        rejected=rejected,
        cohort=(int(cohort[0]), int(cohort[1]), int(cohort[2])),
        horizon_days=horizon,
    )


def _cohort_cut(
    con: Any, finished: str, last_epoch: float, cutoff_days: float
) -> tuple[float | None, float]:
    """The horizon in days (the larger of the cutoff and the completed cases' 95th
    percentile duration) and the latest first event of the cohort; (None, inf) when no case
    is that old."""
    p95 = rows(
        con, f"SELECT quantile_cont(last_t - first_t, 0.95) FILTER (WHERE {finished}) FROM pc"
    )[0][0]
    horizon = max(cutoff_days, float(p95 or 0.0) / _DAY)
    cut = last_epoch - horizon * _DAY
    if count(con, "SELECT count(*) FROM pc WHERE first_t <= $cut", {"cut": cut}) == 0:
        return None, float("inf")
    return horizon, cut


def _by_tp(con: Any, sql: str) -> dict[int, int]:
    return {int(tp): int(n) for tp, n in rows(con, sql)}


def _rejected_cases(con: Any) -> tuple[int, dict[str, int]]:
    """Cases seen, and those whose every row was rejected by the first reason of their rows
    (the rejection codes in order, then an unmapped activity)."""
    from ._rows import REASONS, UNMAPPED

    unmapped = max(REASONS) + 1
    seen = 0
    rejected: dict[int, int] = {}
    for code, total, unused in rows(
        con,
        f"SELECT code, count(*), count(*) FILTER (WHERE p.k IS NULL) FROM (SELECT hash(c) "
        f"AS k, min(CASE WHEN why = 0 THEN {unmapped} ELSE why END) AS code FROM raw "
        "WHERE why NOT IN (1, 2) GROUP BY 1) s LEFT JOIN pc p USING (k) GROUP BY code "
        "ORDER BY code",
    ):
        seen += int(total)
        if unused:
            rejected[int(code)] = int(unused)
    names = {**REASONS, unmapped: UNMAPPED}
    return seen, {names[c]: n for c, n in rejected.items()}


def arrivals_and_rework(con: Any) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Per touchpoint code: visits, distinct cases, and rework (visits beyond each case's
    first: a case that passes twice adds one)."""
    visits = {int(tp): int(n) for tp, n in rows(con, "SELECT tp, count(*) FROM ev GROUP BY tp")}
    cases = {
        int(tp): int(n)
        for tp, n in rows(
            con,
            "SELECT x, count(*) FROM (SELECT unnest(list_distinct(path)) AS x FROM pc) GROUP BY x",
        )
    }
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


def _interleavings(journey: Journey) -> set[tuple[str, str]]:
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
    con: Any, journey: Journey, order: Sequence[str], min_cell: int, lifecycle: bool = False
) -> tuple[ObservedTransition, ...]:
    """Each observed move: count, share of the source's exits, time between the events, and
    whether the journey has it (an edge, or an interleaving of parallel branches). With
    lifecycle data, also the wait: from the complete here to the next visit's start."""
    edges = {(t.id, n.to) for t in journey.touchpoints for n in t.next} | _interleavings(journey)
    waits = ", median(wait) / 86400.0, count(wait)" if lifecycle else ", NULL, 0"
    tr_rows = rows(
        con,
        f"SELECT tp, next_tp, count(*), {_quantiles('gap')}{waits} FROM ev "
        "WHERE next_tp IS NOT NULL GROUP BY tp, next_tp ORDER BY tp, next_tp",
    )
    out_totals: dict[int, int] = {}
    for tp, _, n, *_ in tr_rows:
        out_totals[tp] = out_totals.get(tp, 0) + int(n)
    return tuple(
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
            wait_median_days=None if wait is None or int(wn) < min_cell else float(wait),
            wait_n=int(wn),
        )
        for a, b, n, med, p90, mean, wait, wn in tr_rows
    )


def variants(
    con: Any, order: Sequence[str], min_cell: int
) -> tuple[tuple[tuple[str, ...], int], ...]:
    """The ten most frequent paths with their case counts (those of at least ``min_cell``)."""
    top = rows(
        con, "SELECT path, count(*) AS n FROM pc GROUP BY path ORDER BY n DESC, path LIMIT 10"
    )
    return tuple((tuple(order[i] for i in path), int(n)) for path, n in top if int(n) >= min_cell)
