"""Segments (a case attribute such as channel or state) and periods (month, quarter, year).

Computed only when asked for. Rates carry 95 % Wilson score intervals; the median elapsed
time of the cases that finished carries a distribution-free 95 % interval (the order
statistics at ranks n/2 -/+ 0.98 sqrt(n)). A segment value is named only when at least
``min_cell`` cases have it (and it is printable and at most 64 characters); rarer ones are
counted together. Completion and drop-off use the cohort that had time to finish (the
``cohort`` column of ``status``), as the whole-log numbers do.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

from ..models import Journey
from ..observed import ObservedPeriod, ObservedSegment, ObservedSegments, ObservedTrend
from ..report import DropOffCell, PeriodTime, Wait
from ._engine import Engine

__all__ = ["PERIODS", "segments", "trend", "wilson"]

Z95 = 1.959963984540054
#: SQL for the period of a timestamp ``t``: federal fiscal quarters and years (FY2025 Q1 =
#: October to December 2024), calendar months. Fixed text: no user value reaches SQL.
PERIODS: dict[str, str] = {
    "month": "strftime({t}, '%Y-%m')",
    "quarter": "'FY' || year({t} + INTERVAL 3 MONTH) || ' Q' || quarter({t} + INTERVAL 3 MONTH)",
    "year": "'FY' || year({t} + INTERVAL 3 MONTH)",
}
#: A period's median beyond this many robust standard deviations from the usual is a finding.
SPREAD = 3.0
_MIN_PERIODS = 4
#: A period's median from fewer events than this is shown but never called unusual.
MIN_N = 10
#: A slowdown is at least this many days slower than usual (same-day steps do not count).
MIN_DAYS = 1.0
_MAX_NAME = 64
#: The time of an event (microseconds in the SQL) as a timestamp in the session time zone.
_T = "to_timestamp(tu / 1000000.0)"


def wilson(k: int, n: int) -> tuple[float | None, float | None, float | None]:
    """The share k/n and its 95 % Wilson score interval (None when n is 0)."""
    if n <= 0:
        return None, None, None
    p = k / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def median_interval(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """The median of sorted ``values`` and its distribution-free 95 % interval."""
    n = len(values)
    if n == 0:
        return None, None, None
    half = Z95 * math.sqrt(n) / 2
    lo = max(0, math.floor(n / 2 - half) - 1)
    hi = min(n - 1, math.ceil(n / 2 + half))
    return statistics.median(values), values[lo], values[hi]


def _nameable(value: str) -> bool:
    return 0 < len(value) <= _MAX_NAME and value.isprintable()


def _gaps(column: str, segs: Sequence[ObservedSegment], order: Sequence[str]) -> list[str]:
    """The widest gaps whose intervals do not overlap: completion, then drop-off per step."""
    found: list[tuple[float, str]] = []
    rated = [s for s in segs if s.completion is not None]
    if len(rated) >= 2:
        hi = max(rated, key=lambda s: s.completion or 0.0)
        lo = min(rated, key=lambda s: s.completion or 0.0)
        if (lo.completion_high or 0.0) < (hi.completion_low or 0.0):
            found.append(
                (
                    (hi.completion or 0.0) - (lo.completion or 0.0),
                    f"completion by {column}: {hi.completion:.0%} for {hi.value} "
                    f"({hi.completion_low:.0%}-{hi.completion_high:.0%}) against "
                    f"{lo.completion:.0%} for {lo.value} "
                    f"({lo.completion_low:.0%}-{lo.completion_high:.0%})",
                )
            )
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
                (
                    (d1.rate or 0.0) - (d2.rate or 0.0),
                    f"drop-off at {tp} by {column}: {d1.rate:.0%} for {s1.value} "
                    f"({d1.low:.0%}-{d1.high:.0%}) against {d2.rate:.0%} for {s2.value} "
                    f"({d2.low:.0%}-{d2.high:.0%})",
                )
            )
    found.sort(key=lambda f: -f[0])
    return [text for _, text in found[:5]]


def segments(engine: Engine, column: str, order: Sequence[str], min_cell: int) -> ObservedSegments:
    """Completion, elapsed time and drop-off per value of the ``seg`` table's ``g``."""
    sizes = {
        str(g): int(n)
        for g, n in engine.rows("SELECT g, count(*) FROM status JOIN seg USING (k) GROUP BY g")
    }
    named = sorted(g for g, n in sizes.items() if n >= min_cell and _nameable(g))
    hidden = [g for g in sizes if g not in named]
    per = {
        str(g): (int(c), int(cl))
        for g, c, cl in engine.rows(
            "SELECT g, count(*) FILTER (WHERE state = 'completed'), count(*) FILTER "
            "(WHERE state <> 'open') FROM status JOIN seg USING (k) WHERE cohort GROUP BY g",
        )
    }
    spans: dict[str, list[float]] = {}
    for g, span in engine.rows(
        "SELECT g, list(span / 86400000000.0 ORDER BY span) FROM status JOIN seg USING (k) "
        "WHERE state = 'completed' GROUP BY g",
    ):
        spans[str(g)] = list(span)
    dropped: dict[tuple[str, int], int] = {
        (str(g), int(tp)): int(n)
        for g, tp, n in engine.rows(
            "SELECT g, last_tp, count(*) FROM status JOIN seg USING (k) "
            "WHERE cohort AND state = 'abandoned' GROUP BY ALL",
        )
    }
    visits: dict[str, list[tuple[int, int]]] = {}
    for g, tp, n in engine.rows(
        "SELECT g, tp, count(*) FROM ev JOIN (SELECT k, g FROM status JOIN seg USING (k) "
        "WHERE cohort AND state <> 'open') USING (k) GROUP BY ALL ORDER BY ALL",
    ):
        visits.setdefault(str(g), []).append((int(tp), int(n)))
    out: list[ObservedSegment] = []
    for g in named:
        completed, closed = per.get(g, (0, 0))
        rate = wilson(completed, closed) if closed >= min_cell else (None, None, None)
        mid = median_interval(spans.get(g, []))
        if len(spans.get(g, [])) < min_cell:
            mid = (None, None, None)
        drop = tuple(
            DropOffCell(order[tp], dropped.get((g, tp), 0), n, *wilson(dropped.get((g, tp), 0), n))
            for tp, n in visits.get(g, [])
            if n >= min_cell
        )
        out.append(ObservedSegment(g, sizes[g], completed, closed, *rate, *mid, drop))
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
    period = PERIODS[every]
    arrivals = engine.rows(
        f"SELECT {period.format(t='to_timestamp(first_tu / 1000000.0)')} AS p, count(*), "
        "count(*) FILTER (WHERE cohort AND state = 'completed'), "
        "count(*) FILTER (WHERE cohort AND state <> 'open') FROM status GROUP BY p ORDER BY p",
    )
    if lifecycle:
        times_sql = (
            f"SELECT {period.format(t=_T)} AS p, tp, median(dur) / 86400000000.0, count(dur) "
            "FROM ev WHERE dur IS NOT NULL GROUP BY ALL"
        )
    else:
        times_sql = (
            f"SELECT {period.format(t='to_timestamp((tu + gap) / 1000000.0)')} AS p, "
            "next_tp, median(gap) / 86400000000.0, count(*) FROM ev "
            "WHERE next_tp IS NOT NULL GROUP BY ALL"
        )
    times: dict[str, list[PeriodTime]] = {}
    for p, tp, med, n in engine.rows(times_sql + " ORDER BY ALL"):
        times.setdefault(str(p), []).append(
            PeriodTime(order[int(tp)], float(med) if int(n) >= min_cell else None, int(n))
        )
    agency = {t.id: t.agency for t in journey.touchpoints}
    pairs = [(code[a], code[b]) for a in order for b in order if agency[a] != agency[b]]
    hand: dict[str, list[Wait]] = {}
    if pairs:
        engine.small("handoff_pairs", [("a", "INTEGER"), ("b", "INTEGER")], pairs)
        for p, a, b, med, n in engine.rows(
            f"SELECT {period.format(t=_T)} AS p, tp, next_tp, median(gap) / 86400000000.0, "
            "count(*) "
            "FROM ev JOIN handoff_pairs h ON ev.tp = h.a AND ev.next_tp = h.b "
            "GROUP BY ALL ORDER BY ALL",
        ):
            hand.setdefault(str(p), []).append(
                Wait(
                    order[int(a)], order[int(b)], float(med) if int(n) >= min_cell else None, int(n)
                )
            )
    periods = []
    for p, n, completed, closed in arrivals:
        rate = wilson(int(completed), int(closed)) if closed >= min_cell else (None, None, None)
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


def _trend_findings(periods: Sequence[ObservedPeriod], order: Sequence[str]) -> list[str]:
    """Surges in arrivals and slowdowns at touchpoints and handoffs beyond the usual spread."""
    out = [
        f"surge: {v:,.0f} cases arrived in {label}, against a usual {u:,.0f} per period"
        for label, v, u in _unusual([(p.label, float(p.arrivals)) for p in periods], MIN_N)
    ]
    for tp in order:
        series = [
            (p.label, med)
            for p in periods
            for t, med, n in ((x.touchpoint, x.median_days, x.cases) for x in p.touchpoints)
            if t == tp and med is not None and n >= MIN_N
        ]
        out += [
            f"slowdown: {tp} took a median {v:.1f} days in {label}, against a usual {u:.1f}"
            for label, v, u in _unusual(series, MIN_DAYS)
        ]
    keys = sorted({(w.source, w.target) for p in periods for w in p.handoffs})
    for a, b in keys:
        series = [
            (p.label, med)
            for p in periods
            for x, y, med, n in ((w.source, w.target, w.median_days, w.cases) for w in p.handoffs)
            if (x, y) == (a, b) and med is not None and n >= MIN_N
        ]
        out += [
            f"slowdown: the handoff {a} -> {b} took a median {v:.1f} days in {label}, "
            f"against a usual {u:.1f}"
            for label, v, u in _unusual(series, MIN_DAYS)
        ]
    return out
