"""Aggregation: counts per touchpoint, journey, period and segment, and the trust splits.

One GROUPING SETS query over ``resp`` gives every cell; Python only suppresses the small ones:
a tally answered by fewer than ``min_cell`` responses becomes None, and a segment is named only
when at least ``min_cell`` responses carry it and its value looks like a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..feedback_types import FeedbackCell, Tally, TrustSplit
from ..tables.engine import Engine, first
from ..tables.files import looks_like_a_name
from ._rows import Parsed

__all__ = ["BLANK", "aggregate", "splits"]

#: The label of the responses whose segment cell is blank.
BLANK = "(blank)"


def _tally(n: Any, k: Any, total: Any, min_cell: int) -> Tally | None:
    if n is None or int(n) < min_cell:
        return None
    return Tally(int(n), int(k or 0), float(total) if total is not None else None)


def aggregate(
    engine: Engine,
    parsed: Parsed,
    order: Sequence[str],
    *,
    periods: bool,
    segments: bool,
    min_cell: int,
) -> tuple[tuple[FeedbackCell, ...], tuple[int, int]]:
    """Every cell, journey first, then touchpoints, then periods, then segments; and the
    (segments, responses) left unnamed because they are small or do not look like a name."""
    sets = ["(tp)", "()"]
    if periods:
        sets += ["(tp, period)", "(period)"]
    if segments:
        sets += ["(tp, seg)", "(seg)"]
    cols: list[str] = []
    for item, a in parsed.agree.items():
        s = parsed.score.get(item)
        cols += [f"count({a})", f"sum({a})", f"sum({s})" if s else "NULL"]
    for flag in parsed.flags.values():
        cols += [f"count({flag})", f"sum({flag})"]
    p = ("grouping(period)", "period") if periods else ("1", "NULL")
    g = ("grouping(seg)", "seg") if segments else ("1", "NULL")
    sql = (
        f"SELECT grouping(tp), {p[0]}, {g[0]}, tp, {p[1]}, {g[1]}, count(*), "
        f"{', '.join(cols)} FROM resp GROUP BY GROUPING SETS ({', '.join(sets)}) "
        "ORDER BY 1 DESC, 2 DESC, 3 DESC, 4, 5, 6"
    )
    found = engine.rows(sql)
    named: set[str] = set()
    hidden = (0, 0)
    if segments:
        whole = [r for r in found if r[0] and not r[2]]
        named = {
            r[5] for r in whole if r[6] >= min_cell and (r[5] is None or looks_like_a_name(r[5]))
        }
        small = [r[6] for r in whole if r[5] not in named]
        hidden = (len(small), sum(small))
    cells = []
    for g_tp, g_period, g_seg, tp, period, seg, n, *values in found:
        if not g_period and period is None:
            continue  # responses without a date: counted in the notes, not a period
        if not g_seg and seg not in named:
            continue
        agree: dict[str, Tally | None] = {}
        i = 0
        for item in parsed.agree:
            agree[item] = _tally(values[i], values[i + 1], values[i + 2], min_cell)
            i += 3
        positive: dict[str, Tally | None] = {}
        negative: dict[str, Tally | None] = {}
        for flag in parsed.flags:
            side, driver = flag.split("_", 1)
            (positive if side == "positive" else negative)[driver] = _tally(
                values[i], values[i + 1], None, min_cell
            )
            i += 2
        cells.append(
            FeedbackCell(
                touchpoint=None if g_tp else order[int(tp)],
                period=None if g_period else str(period),
                segment=None if g_seg else (BLANK if seg is None else str(seg)),
                responses=int(n),
                agree=agree,
                positive=positive,
                negative=negative,
            )
        )
    return tuple(cells), hidden


def splits(engine: Engine, parsed: Parsed, min_cell: int) -> tuple[TrustSplit, ...]:
    """Journey-wide trust agreement among responses with and without each driver."""
    trust = parsed.agree.get("trust")
    if trust is None:
        return ()
    groups: list[tuple[str, str, str]] = []
    for flag, g in parsed.flags.items():
        side, driver = flag.split("_", 1)
        groups.append((driver, side, g))
    for item, a in parsed.agree.items():
        if item != "trust" and not parsed.flags:
            groups.append((item, "agree", a))
    if not groups:
        return ()
    cols = []
    for _driver, _kind, x in groups:
        for v in (1, 0):
            where = f"{x} = {v} AND {trust} IS NOT NULL"
            cols += [f"count(*) FILTER (WHERE {where})", f"sum({trust}) FILTER (WHERE {where})"]
    values = first(engine, f"SELECT {', '.join(cols)} FROM resp")
    out = []
    for j, (driver, kind, _x) in enumerate(groups):
        wn, wk, on, ok = values[4 * j : 4 * j + 4]
        small_with, small_without = int(wn) < min_cell, int(on) < min_cell
        out.append(
            TrustSplit(
                driver=driver,
                kind="negative"
                if kind == "negative"
                else "positive"
                if kind == "positive"
                else "agree",
                with_n=None if small_with else int(wn),
                with_agree=None if small_with else int(wk or 0),
                without_n=None if small_without else int(on),
                without_agree=None if small_without else int(ok or 0),
            )
        )
    return tuple(out)
