"""Rows: the rejection of bad rows, the reconciliation, the activity map and case order.

The input is read twice at most: one aggregate scan (rows by rejection reason and the
activities of the usable rows) and one ordering window over the usable rows (case ids hashed
to 64-bit integers, activities joined to small integer touchpoint codes, timestamps as
integer microseconds), into ``seq``. No copy of the raw rows is kept. Rows with a defect are
scanned again only when there are some, to locate the first few.

Rejected rows are reported by ``file:row`` and reason only, never with their values (a bad
timestamp may hold a case id when columns are shifted). Unmapped activity names are listed
only when they occur in at least ``min_cell`` cases; rarer ones are only counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..exceptions import EventLogError
from ..models import Journey
from ..tables.engine import Engine, count
from ..tables.files import MAX_VALUE_CHARS
from ..tables.matching import match_values
from ..tables.periods import MAX_US, MIN_US, micros
from ..tables.rows import at, located

__all__ = [
    "DUPLICATE",
    "REASONS",
    "UNMAPPED",
    "ActivityMap",
    "Ordered",
    "Rejections",
    "map_activities",
    "match_activities",
    "order_events",
    "rows_sql",
    "scan_rows",
]

#: Rejection reasons, by the code the SQL gives them (0 = the row is used).
REASONS: dict[int, str] = {
    1: "missing case id",
    2: f"case id longer than {MAX_VALUE_CHARS:,} characters",
    3: "missing activity",
    4: f"activity longer than {MAX_VALUE_CHARS:,} characters",
    5: "unparsable or missing timestamp",
    6: "timestamp infinite or outside the years 1 to 9999",
    7: "outside since/until",
}
#: Codes of defects in the data (``strict`` stops at the first); 7 is the caller's window.
_DEFECTS = (1, 2, 3, 4, 5, 6)
DUPLICATE = "duplicate event"
UNMAPPED = "activity not mapped to a touchpoint"
#: An event's position: file index * 2^32 + row, so files in order, then rows.
ROW_SPAN = 2**32
_STRICT_FIX = "fix the row, or read without strict to count it"
#: The ordering window of a case: time, then file and row.
W = "OVER (PARTITION BY k ORDER BY tu, pos)"


@dataclass(frozen=True)
class Rejections:
    """Rows read and rejected by reason, with the ``file:row`` of the first few of each."""

    rows_read: int
    rejected: dict[str, int]
    examples: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ActivityMap:
    """Activities matched to touchpoint codes, and the unmapped ones that may be listed."""

    matched: dict[str, str]
    listed: tuple[tuple[str, int], ...]
    unmapped_rows: int
    unlisted: tuple[int, int]  # (activities, rows) seen in fewer than min_cell cases


def rows_sql(since: datetime | None, until: datetime | None, segment: bool = False) -> str:
    """Every input row with its case hash ``k``, time ``tu`` (microseconds) and rejection
    code ``why``. since/until are written as integers computed here, never as user text."""
    window = []
    if since is not None:
        window.append(f"tu < {micros(since)}")
    if until is not None:
        window.append(f"tu > {micros(until)}")
    why = (
        "CASE WHEN c IS NULL OR c = '' THEN 1 "
        f"WHEN length(c) > {MAX_VALUE_CHARS} THEN 2 "
        "WHEN a IS NULL OR a = '' THEN 3 "
        f"WHEN length(a) > {MAX_VALUE_CHARS} THEN 4 "
        "WHEN t IS NULL THEN 5 "
        f"WHEN tu IS NULL OR tu < {MIN_US} OR tu > {MAX_US} THEN 6 "
        f"WHEN {' OR '.join(window) or 'false'} THEN 7 ELSE 0 END"
    )
    return (
        f"SELECT f, r, c, a, lc, tu, hash(c) AS k, {why} AS why"
        + (", g" if segment else "")
        + " FROM (SELECT *, epoch_us(t) AS tu FROM {src}) s"
    )


def scan_rows(
    engine: Engine,
    files: Sequence[str],
    source_rows: str,
    *,
    strict: bool,
    failing: Callable[[], str],
) -> tuple[Rejections, list[tuple[str, int]]]:
    """One aggregate scan: rows by rejection reason, and the activities of usable rows with
    their row counts. The rows with a defect are located only when there are some."""
    where = ", ".join(files)
    try:
        with engine.guard(where, "reading the rows"):
            counted = engine.rows(
                f"SELECT why, CASE WHEN why = 0 THEN a END, count(*) FROM ({source_rows}) x "
                "GROUP BY why, CASE WHEN why = 0 THEN a END"
            )
    except EventLogError as err:
        culprit = failing()
        if culprit == where:
            raise
        raise EventLogError(str(err).replace(where, culprit, 1)) from None
    rows_read = sum(int(n) for _, _, n in counted)
    if rows_read == 0:
        msg = f"{where}: the event log has no rows"
        raise EventLogError(msg)
    by_why: dict[int, int] = {}
    for why, _, n in counted:
        by_why[int(why)] = by_why.get(int(why), 0) + int(n)
    rejected = {REASONS[w]: by_why[w] for w in sorted(by_why) if w > 0}
    activities = sorted((str(a), int(n)) for why, a, n in counted if int(why) == 0)
    examples: dict[str, tuple[str, ...]] = {}
    if rejected:
        with engine.guard(where, "locating the rejected rows"):
            if strict and any(REASONS[w] in rejected for w in _DEFECTS):
                f, r, why = engine.rows(
                    f"SELECT f, r, why FROM ({source_rows}) x WHERE why IN {_DEFECTS} "
                    "ORDER BY f, r LIMIT 1"
                )[0]
                msg = f"{at(files, f, r)}: {REASONS[int(why)]}; {_STRICT_FIX}"
                raise EventLogError(msg)
            examples = located(engine, source_rows, files, REASONS)
    return (
        Rejections(rows_read, rejected, examples),
        activities,
    )


def match_activities(
    journey: Journey, activities: Sequence[str], mapping: Mapping[str, str]
) -> dict[str, str]:
    """Activity -> touchpoint id: the map, else the id, else the id or name ignoring case
    (:func:`journeymap.tables.matching.match_values`)."""
    return match_values(journey, activities, mapping, extended=False).ids()


def map_activities(
    engine: Engine,
    source_rows: str,
    activities: Sequence[tuple[str, int]],
    journey: Journey,
    mapping: Mapping[str, str],
    code: Mapping[str, int],
    min_cell: int,
) -> ActivityMap:
    """Match the activities of the usable rows to touchpoints into the table ``amap``.

    An unmapped activity is listed by name only when it occurs in at least ``min_cell``
    cases (a name seen in one case may identify it); otherwise it is only counted.
    """
    matched = match_activities(journey, [a for a, _ in activities], mapping)
    engine.small(
        # small integer codes: the ordering window's rows stay narrow
        "amap",
        [("a", "VARCHAR"), ("tp", "SMALLINT")],
        [(a, code[t]) for a, t in matched.items()],
    )
    unmapped = [(a, n) for a, n in activities if a not in matched]
    cases = dict.fromkeys((a for a, _ in unmapped), min_cell)
    if unmapped and min_cell > 1:
        cases = {
            str(a): int(n)
            for a, n in engine.rows(
                f"SELECT a, count(DISTINCT k) FROM ({source_rows}) x "
                "WHERE why = 0 AND a NOT IN (SELECT a FROM amap) GROUP BY a"
            )
        }
    listed = tuple((a, n) for a, n in unmapped if cases[a] >= min_cell)
    hidden = [n for a, n in unmapped if cases[a] < min_cell]
    return ActivityMap(matched, listed, sum(n for _, n in unmapped), (len(hidden), sum(hidden)))


@dataclass(frozen=True)
class Ordered:
    """The events of each case in order (table ``seq``), duplicates dropped."""

    duplicates: int
    out_of_order: int
    example: tuple[str, ...]


def _windowed(source: str, lifecycle: bool) -> str:
    """Each event with its successor in the case: touchpoint, gap (microseconds), lifecycle,
    its rank ``i`` in the case, and whether the file had it after its successor (``back``)."""
    lc = f", lc, lead(lc) {W} AS next_lc" if lifecycle else ""
    return (
        f"SELECT k, tp, tu, pos, lead(tp) {W} AS next_tp, lead(tu) {W} - tu AS gap, "
        f"CAST(row_number() {W} AS INTEGER) AS i, lead(pos) {W} < pos AS back{lc} "
        f"FROM ({source}) x"
    )


def order_events(
    engine: Engine, files: Sequence[str], source_rows: str, lifecycle: bool, *, strict: bool
) -> Ordered:
    """Order every case's events by time, ties by file then row, into ``seq``.

    A duplicate is an event with the same touchpoint, time and lifecycle as the next event
    of its case; it is dropped and the case ordered again so that its neighbours skip it.
    """
    lc = ", s.lc" if lifecycle else ""
    engine.table(
        "seq0",
        _windowed(
            f"SELECT s.k, m.tp, s.tu, s.f * {ROW_SPAN} + s.r AS pos{lc} FROM ({source_rows}) s "
            "JOIN amap m ON s.a = m.a WHERE s.why = 0",
            lifecycle,
        ),
    )
    dup_cond = "next_tp = tp AND gap = 0" + (
        " AND next_lc IS NOT DISTINCT FROM lc" if lifecycle else ""
    )
    duplicates = count(engine, f"SELECT count(*) FROM seq0 WHERE {dup_cond}")
    example: list[str] = []
    if duplicates:
        for (pos,) in engine.rows(f"SELECT pos FROM seq0 WHERE {dup_cond} ORDER BY pos LIMIT 3"):
            example.append(at(files, int(pos) // ROW_SPAN, int(pos) % ROW_SPAN))
        if strict:
            msg = (
                f"{example[0]}: {DUPLICATE} (the same case, touchpoint, time and lifecycle "
                f"as another row); {_STRICT_FIX}"
            )
            raise EventLogError(msg)
        cols = "k, tp, tu, pos" + (", lc" if lifecycle else "")
        engine.table(
            "seq",
            _windowed(f"SELECT {cols} FROM seq0 WHERE ({dup_cond}) IS NOT TRUE", lifecycle),
        )
        if engine.name == "duckdb":  # Spark's cached ``seq`` is defined over ``seq0``
            engine.drop("seq0")
    else:
        engine.view("seq", "SELECT * FROM seq0")
    out_of_order = count(engine, "SELECT count(*) FROM seq WHERE back")
    return Ordered(duplicates, out_of_order, tuple(example))
