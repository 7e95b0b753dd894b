"""Segments (a case attribute such as channel or state) and periods (month, quarter, year).

Computed only when asked for, on either engine. Rates carry 95 % Wilson score intervals; the
median elapsed time of the cases that finished carries a distribution-free 95 % interval
(the order statistics at ranks n/2 -/+ 0.98 sqrt(n), picked by rank in SQL, so both engines
give the same numbers: :mod:`journeymap.tables.stats`). A segment value is named only when at
least ``min_cell`` cases have it (and it is printable and at most 64 characters); rarer ones
are counted together. Completion and drop-off use the cohort that had time to finish (the
``cohort`` column of ``status``), as the whole-log numbers do. Findings are records
(:class:`~journeymap.report.SegmentGap`, :class:`~journeymap.report.TrendEvent`).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence

from ..models import Journey
from ..observed import ObservedPeriod, ObservedSegment, ObservedSegments, ObservedTrend
from ..report import DropOffCell, PeriodTime, SegmentGap, TrendEvent, Wait
from ..tables.engine import Engine
from ..tables.files import MAX_VALUE_CHARS, looks_like_a_name
from ..tables.periods import period_sql, seconds
from ..tables.stats import median_ranks, share

__all__ = ["segment_table", "segments", "trend"]

#: A period's median beyond this many robust standard deviations from the usual is a finding.
SPREAD = 3.0
_MIN_PERIODS = 4
#: A period's median from fewer events than this is shown but never called unusual.
MIN_N = 10
#: A slowdown is at least this many days slower than usual (same-day steps do not count).
MIN_DAYS = 1.0
_JOINED = "status JOIN seg ON status.k = seg.k"


def segment_table(engine: Engine, source_rows: str) -> None:
    """``seg``: each case's value of the segment column, the first non-empty one in time
    order (ties by file and row), else ``(no value)``."""
    has = "g IS NOT NULL AND g <> ''"
    engine.table(
        "seg",
        f"SELECT k, coalesce(max(CASE WHEN i = 1 AND {has} THEN left(g, {MAX_VALUE_CHARS}) "
        "END), '(no value)') AS g FROM (SELECT k, g, row_number() OVER (PARTITION BY k "
        f"ORDER BY CASE WHEN {has} THEN 0 ELSE 1 END, tu, f, r) AS i "
        f"FROM ({source_rows}) x WHERE why = 0) y GROUP BY k",
    )


def _gaps(column: str, segs: Sequence[ObservedSegment], order: Sequence[str]) -> list[SegmentGap]:
    """The widest gaps whose intervals do not overlap: completion, then drop-off per step."""
    found = _rate_gaps(column, segs)
    for tp in order:
        cells = [
            (s, d) for s in segs for d in s.drop_off if d.touchpoint == tp and d.rate is not None
        ]
        if len(cells) < 2:
            continue
        (s1, d1), (s2, d2) = (
            max(cells, key=lambda c: c[1].rate or 0.0),
            min(cells, key=lambda c: c[1].rate or 0.0),
        )
        if (d2.high or 0.0) < (d1.low or 0.0):
            found.append(
                SegmentGap(
                    column, "drop_off", tp,
                    s1.value, d1.rate or 0.0, d1.low or 0.0, d1.high or 0.0,
                    s2.value, d2.rate or 0.0, d2.low or 0.0, d2.high or 0.0,
                )
            )  # fmt: skip
    found.sort(key=lambda f: -f.gap)
    return found[:5]


def _rate_gaps(column: str, segs: Sequence[ObservedSegment]) -> list[SegmentGap]:
    """The completion gap between the best and the worst segment, when their intervals do
    not overlap."""
    rated = [s for s in segs if s.completion is not None]
    if len(rated) < 2:
        return []
    hi = max(rated, key=lambda s: s.completion or 0.0)
    lo = min(rated, key=lambda s: s.completion or 0.0)
    if (lo.completion_high or 0.0) >= (hi.completion_low or 0.0):
        return []
    return [
        SegmentGap(
            column, "completion", None,
            hi.value, hi.completion or 0.0, hi.completion_low or 0.0, hi.completion_high or 0.0,
            lo.value, lo.completion or 0.0, lo.completion_low or 0.0, lo.completion_high or 0.0,
        )
    ]  # fmt: skip


def _medians(
    engine: Engine, sizes: Mapping[str, int], min_cell: int
) -> dict[str, tuple[float | None, float | None, float | None]]:
    """Per segment with at least ``min_cell`` finished cases: the median days to finish and
    its 95 % interval, from the order statistics at the ranks :func:`median_ranks` names."""
    wanted: dict[str, tuple[int, int, tuple[int, int]]] = {
        g: median_ranks(n) for g, n in sizes.items() if n >= min_cell
    }
    ranks = sorted({(g, i) for g, (lo, hi, mid) in wanted.items() for i in (lo, hi, *mid)})
    if not ranks:
        return {}
    engine.small("seg_ranks", [("g", "VARCHAR"), ("i", "BIGINT")], ranks)
    value: dict[tuple[str, int], float] = {}
    for g, i, span in engine.rows(
        "SELECT s.g, s.i, s.span FROM (SELECT seg.g AS g, span / 86400000000.0 AS span, "
        "row_number() OVER (PARTITION BY seg.g ORDER BY span) AS i FROM "
        f"{_JOINED} WHERE state = 'completed') s JOIN seg_ranks w ON s.g = w.g AND s.i = w.i"
    ):
        value[(str(g), int(i))] = float(span)
    return {
        g: ((value[(g, mid[0])] + value[(g, mid[1])]) / 2, value[(g, lo)], value[(g, hi)])
        for g, (lo, hi, mid) in wanted.items()
    }


def segments(engine: Engine, column: str, order: Sequence[str], min_cell: int) -> ObservedSegments:
    """Completion, elapsed time and drop-off per value of the ``seg`` table's ``g``."""
    sizes = {
        str(g): int(n)
        for g, n in engine.rows(f"SELECT seg.g, count(*) FROM {_JOINED} GROUP BY seg.g")
    }
    named = sorted(g for g, n in sizes.items() if n >= min_cell and looks_like_a_name(g))
    hidden = [g for g in sorted(sizes) if g not in named]
    per: dict[str, tuple[int, int, int]] = {
        str(g): (int(c), int(cl), int(done))
        for g, c, cl, done in engine.rows(
            "SELECT seg.g, count(*) FILTER (WHERE cohort AND state = 'completed'), "
            "count(*) FILTER (WHERE cohort AND state <> 'open'), "
            f"count(*) FILTER (WHERE state = 'completed') FROM {_JOINED} GROUP BY seg.g",
        )
    }
    medians = _medians(engine, {g: per.get(g, (0, 0, 0))[2] for g in named}, min_cell)
    dropped: dict[tuple[str, int], int] = {
        (str(g), int(tp)): int(n)
        for g, tp, n in engine.rows(
            f"SELECT seg.g, last_tp, count(*) FROM {_JOINED} "
            "WHERE cohort AND state = 'abandoned' GROUP BY seg.g, last_tp",
        )
    }
    visits: dict[str, list[tuple[int, int]]] = {}
    for g, tp, n in engine.rows(
        "SELECT c.g, ev.tp, count(*) FROM ev JOIN (SELECT status.k AS k, seg.g AS g FROM "
        f"{_JOINED} WHERE cohort AND state <> 'open') c ON ev.k = c.k GROUP BY c.g, ev.tp "
        "ORDER BY c.g, ev.tp",
    ):
        visits.setdefault(str(g), []).append((int(tp), int(n)))
    out: list[ObservedSegment] = []
    for g in named:
        completed, closed, _ = per.get(g, (0, 0, 0))
        rate = share(completed, closed) if closed >= min_cell else (None, None, None)
        mid = medians.get(g, (None, None, None))
        drop = tuple(
            DropOffCell(order[tp], dropped.get((g, tp), 0), n, *share(dropped.get((g, tp), 0), n))
            for tp, n in visits.get(g, [])
            if n >= min_cell
        )
        out.append(
            ObservedSegment(
                completed,
                closed,
                *rate,
                value=g,
                cases=sizes[g],
                median_days=mid[0],
                median_low=mid[1],
                median_high=mid[2],
                drop_off=drop,
            )
        )
    return ObservedSegments(
        column=column,
        segments=tuple(out),
        findings=tuple(_gaps(column, out, order)),
        hidden_segments=len(hidden),
        hidden_cases=sum(sizes[g] for g in hidden),
    )


def _unusual(series: Sequence[tuple[str, float]], floor: float) -> list[tuple[str, float, float]]:
    """(period, value, usual) where a value exceeds the usual (the median of the periods)
    by more than :data:`SPREAD` robust standard deviations (1.4826 x the median absolute
    deviation, at least a tenth of the usual), by half the usual and by at least ``floor``."""
    if len(series) < _MIN_PERIODS:
        return []
    values = [v for _, v in series]
    usual = statistics.median(values)
    spread = max(1.4826 * statistics.median(abs(v - usual) for v in values), 0.1 * abs(usual))
    out = []
    for label, v in series:
        if v > usual + max(SPREAD * spread, floor) and v >= 1.5 * usual:
            out.append((label, v, usual))
    return out


def _period_times(
    engine: Engine, every: str, order: Sequence[str], lifecycle: bool, min_cell: int
) -> dict[str, list[PeriodTime]]:
    """Per period, the median time at each touchpoint (cells from fewer than ``min_cell``
    events suppressed)."""
    if lifecycle:
        sql = (
            f"SELECT {period_sql(every, seconds('tu'))} AS p, tp, median(dur) / 86400000000.0, "
            "count(dur) FROM ev WHERE dur IS NOT NULL GROUP BY p, tp ORDER BY p, tp"
        )
    else:
        sql = (
            f"SELECT {period_sql(every, seconds('tu + gap'))} AS p, next_tp, "
            "median(gap) / 86400000000.0, count(*) FROM ev WHERE next_tp IS NOT NULL "
            "GROUP BY p, next_tp ORDER BY p, next_tp"
        )
    times: dict[str, list[PeriodTime]] = {}
    for p, tp, med, n in engine.rows(sql):
        times.setdefault(str(p), []).append(
            PeriodTime(order[int(tp)], float(med) if int(n) >= min_cell else None, int(n))
        )
    return times


def _period_handoffs(
    engine: Engine,
    every: str,
    journey: Journey,
    order: Sequence[str],
    code: Mapping[str, int],
    min_cell: int,
) -> dict[str, list[Wait]]:
    """Per period, the median time of each handoff between agencies."""
    agency = {t.id: t.agency for t in journey.touchpoints}
    pairs = [(code[a], code[b]) for a in order for b in order if agency[a] != agency[b]]
    hand: dict[str, list[Wait]] = {}
    if not pairs:
        return hand
    engine.small("handoff_pairs", [("a", "INTEGER"), ("b", "INTEGER")], pairs)
    for p, a, b, med, n in engine.rows(
        f"SELECT {period_sql(every, seconds('tu'))} AS p, tp, next_tp, "
        "median(gap) / 86400000000.0, count(*) "
        "FROM ev JOIN handoff_pairs h ON ev.tp = h.a AND ev.next_tp = h.b "
        "GROUP BY p, tp, next_tp ORDER BY p, tp, next_tp",
    ):
        hand.setdefault(str(p), []).append(
            Wait(order[int(a)], order[int(b)], float(med) if int(n) >= min_cell else None, int(n))
        )
    return hand


def trend(
    engine: Engine,
    every: str,
    journey: Journey,
    order: Sequence[str],
    code: Mapping[str, int],
    lifecycle: bool,
    min_cell: int,
) -> ObservedTrend:
    """Per period: arrivals, completion, median time at each touchpoint and handoff."""
    arrivals = engine.rows(
        f"SELECT {period_sql(every, seconds('first_tu'))} AS p, count(*), "
        "count(*) FILTER (WHERE cohort AND state = 'completed'), "
        "count(*) FILTER (WHERE cohort AND state <> 'open') FROM status GROUP BY p ORDER BY p",
    )
    times = _period_times(engine, every, order, lifecycle, min_cell)
    hand = _period_handoffs(engine, every, journey, order, code, min_cell)
    periods = []
    for p, n, completed, closed in arrivals:
        rate = share(int(completed), int(closed)) if closed >= min_cell else (None, None, None)
        periods.append(
            ObservedPeriod(
                label=str(p),
                arrivals=int(n),
                completed=int(completed),
                closed=int(closed),
                completion=rate[0],
                completion_low=rate[1],
                completion_high=rate[2],
                touchpoints=tuple(times.get(str(p), [])),
                handoffs=tuple(hand.get(str(p), [])),
            )
        )
    return ObservedTrend(every, tuple(periods), tuple(_trend_findings(periods, order)))


def _trend_findings(periods: Sequence[ObservedPeriod], order: Sequence[str]) -> list[TrendEvent]:
    """Surges in arrivals and slowdowns at touchpoints and handoffs beyond the usual spread."""
    out = [
        TrendEvent("surge", label, v, u)
        for label, v, u in _unusual([(p.label, float(p.arrivals)) for p in periods], MIN_N)
    ]
    for tp in order:
        series = [
            (p.label, x.median_days)
            for p in periods
            for x in p.touchpoints
            if x.touchpoint == tp and x.median_days is not None and x.cases >= MIN_N
        ]
        out += [
            TrendEvent("slowdown", label, v, u, touchpoint=tp)
            for label, v, u in _unusual(series, MIN_DAYS)
        ]
    keys = sorted({(w.source, w.target) for p in periods for w in p.handoffs})
    for a, b in keys:
        series = [
            (p.label, w.median_days)
            for p in periods
            for w in p.handoffs
            if (w.source, w.target) == (a, b) and w.median_days is not None and w.cases >= MIN_N
        ]
        out += [
            TrendEvent("slowdown", label, v, u, source=a, target=b)
            for label, v, u in _unusual(series, MIN_DAYS)
        ]
    return out
