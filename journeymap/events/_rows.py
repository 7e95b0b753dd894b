"""Rows: the rejection of bad rows, the reconciliation, the activity map and case order.

Rejected rows are reported by ``file:row`` and reason only, never with their values (a bad
timestamp may hold a case id when columns are shifted). Unmapped activity names are listed
only when they occur in at least ``min_cell`` cases; rarer ones are only counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..exceptions import EventLogError
from ..models import Journey
from ._db import MAX_VALUE_CHARS, count, failure, rows
from ._inputs import Source

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
    "reject_rows",
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
_ROW_BITS = 32  # an event's position is file index << 32 | row: files in order, then rows
_STRICT_FIX = "fix the row, or read without strict to count it"


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


def _where(files: Sequence[str], f: int, r: int) -> str:
    return f"{files[int(f)]}:row {int(r)}"


def _why_sql(since: datetime | None, until: datetime | None) -> str:
    window = []
    if since is not None:
        window.append("t < CAST($since AS TIMESTAMPTZ)")
    if until is not None:
        window.append("t > CAST($until AS TIMESTAMPTZ)")
    return (
        "CASE WHEN c IS NULL OR c = '' THEN 1 "
        f"WHEN length(c) > {MAX_VALUE_CHARS} THEN 2 "
        "WHEN a IS NULL OR a = '' THEN 3 "
        f"WHEN length(a) > {MAX_VALUE_CHARS} THEN 4 "
        "WHEN t IS NULL THEN 5 "
        "WHEN NOT isfinite(t) OR t < TIMESTAMPTZ '0001-01-01 00:00:00+00' "
        "OR t > TIMESTAMPTZ '9999-12-31 23:59:59.999999+00' THEN 6 "
        f"WHEN {' OR '.join(window) or 'false'} THEN 7 ELSE 0 END"
    )


def reject_rows(
    con: Any,
    duckdb: Any,
    files: Sequence[str],
    source: Source,
    since: datetime | None,
    until: datetime | None,
    *,
    strict: bool,
) -> Rejections:
    """Read every row once into ``raw`` with a rejection code; count and locate the rejected.

    Over-long values are dropped in the same pass (they are never materialised).
    """
    params: dict[str, str] = dict(source.params)
    if since is not None:
        params["since"] = since.isoformat()
    if until is not None:
        params["until"] = until.isoformat()
    where = ", ".join(files)
    try:
        con.execute(
            f"CREATE TEMP TABLE raw AS SELECT f, r, "
            f"CASE WHEN length(c) <= {MAX_VALUE_CHARS} THEN c END AS c, "
            f"CASE WHEN length(a) <= {MAX_VALUE_CHARS} THEN a END AS a, "
            f"t, left(lc, {MAX_VALUE_CHARS}) AS lc, {_why_sql(since, until)}::UTINYINT AS why"
            + (f", left(g, {MAX_VALUE_CHARS}) AS g " if source.segment else " ")
            + f"FROM ({source.sql})",
            params,
        )
    except duckdb.Error as err:
        raise failure(err, _failing_file(con, duckdb, files, source), "reading the rows") from None
    rows_read = count(con, "SELECT count(*) FROM raw")
    if rows_read == 0:
        msg = f"{where}: the event log has no rows"
        raise EventLogError(msg)
    rejected: dict[str, int] = {}
    for why, n in rows(
        con, "SELECT why, count(*) FROM raw WHERE why > 0 GROUP BY why ORDER BY why"
    ):
        rejected[REASONS[int(why)]] = int(n)
    examples: dict[str, list[str]] = {}
    for why, f, r in rows(
        con,
        "SELECT why, f, r FROM (SELECT why, f, r, row_number() OVER "
        "(PARTITION BY why ORDER BY f, r) AS i FROM raw WHERE why > 0) "
        "WHERE i <= 3 ORDER BY why, f, r",
    ):
        examples.setdefault(REASONS[int(why)], []).append(_where(files, f, r))
    if strict and any(REASONS[w] in rejected for w in _DEFECTS):
        f, r, why = rows(
            con,
            f"SELECT f, r, why FROM raw WHERE why IN {_DEFECTS} ORDER BY f, r LIMIT 1",
        )[0]
        msg = f"{_where(files, f, r)}: {REASONS[int(why)]}; {_STRICT_FIX}"
        raise EventLogError(msg)
    return Rejections(rows_read, rejected, {k: tuple(v) for k, v in examples.items()})


def _failing_file(con: Any, duckdb: Any, files: Sequence[str], source: Source) -> str:
    """The file a failed read is about: the first that fails when read alone, else all."""
    if len(files) > 1:
        for index, part in enumerate(source.parts):
            try:
                con.execute(
                    f"SELECT count(*) FROM ({part})", {f"p{index}": source.params[f"p{index}"]}
                )
            except duckdb.Error:
                return files[index]
    return ", ".join(files)


def match_activities(
    journey: Journey, activities: Sequence[str], mapping: Mapping[str, str]
) -> dict[str, str]:
    """Activity -> touchpoint id: the map, else the id, else the id or name ignoring case."""
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


def map_activities(
    con: Any, journey: Journey, mapping: Mapping[str, str], code: Mapping[str, int], min_cell: int
) -> ActivityMap:
    """Match the activities of the usable rows to touchpoints into the table ``amap``.

    An unmapped activity is listed by name only when it occurs in at least ``min_cell``
    cases (a name seen in one case may identify it); otherwise it is only counted.
    """
    activities = rows(con, "SELECT a, count(*) FROM raw WHERE why = 0 GROUP BY a ORDER BY a")
    matched = match_activities(journey, [a for a, _ in activities], mapping)
    con.execute("CREATE TEMP TABLE amap (a VARCHAR, tp INTEGER)")
    if matched:
        con.executemany(
            "INSERT INTO amap VALUES (?, ?)", [(a, code[tid]) for a, tid in matched.items()]
        )
    unmapped = [(str(a), int(n)) for a, n in activities if a not in matched]
    cases = dict.fromkeys((a for a, _ in unmapped), min_cell)
    if unmapped and min_cell > 1:
        cases = dict(
            rows(
                con,
                "SELECT a, count(DISTINCT hash(c)) FROM raw ANTI JOIN amap USING (a) "
                "WHERE why = 0 GROUP BY a",
            )
        )
    listed = tuple((a, n) for a, n in unmapped if cases[a] >= min_cell)
    hidden = [n for a, n in unmapped if cases[a] < min_cell]
    return ActivityMap(matched, listed, sum(n for _, n in unmapped), (len(hidden), sum(hidden)))


@dataclass(frozen=True)
class Ordered:
    """The events of each case in order (table ``seq``), duplicates dropped."""

    duplicates: int
    out_of_order: int
    example: tuple[str, ...]


def order_events(con: Any, files: Sequence[str], lifecycle: bool, *, strict: bool) -> Ordered:
    """Order every case's events by time, ties by file then row, into ``seq``.

    Case ids become 64-bit hashes here: no text leaves ``raw``. A duplicate is an event with
    the same touchpoint, time and lifecycle as the next event of its case; it is dropped and
    the case ordered again so that its neighbours skip it.
    """
    lead_lc = ", lead(lc) OVER w AS next_lc" if lifecycle else ", NULL AS next_lc"
    windowed = (
        "SELECT k, tp, t, lc, pos, lead(tp) OVER w AS next_tp, "
        "epoch(lead(t) OVER w) - epoch(t) AS gap, lead(pos) OVER w AS next_pos"
        + lead_lc
        + " FROM ({source}) WINDOW w AS (PARTITION BY k ORDER BY t, pos)"
    )
    con.execute(
        "CREATE TEMP TABLE seq AS "
        + windowed.format(
            source=f"SELECT hash(c) AS k, amap.tp, t, lc, f * {2**_ROW_BITS} + r AS pos "
            "FROM raw JOIN amap USING (a) WHERE why = 0"
        )
    )
    dup_cond = "next_tp = tp AND gap = 0 AND next_lc IS NOT DISTINCT FROM lc"
    duplicates = count(con, f"SELECT count(*) FROM seq WHERE {dup_cond}")
    example: list[str] = []
    if duplicates:
        for (pos,) in rows(con, f"SELECT pos FROM seq WHERE {dup_cond} ORDER BY pos LIMIT 3"):
            example.append(_where(files, int(pos) >> _ROW_BITS, int(pos) & (2**_ROW_BITS - 1)))
        if strict:
            msg = (
                f"{example[0]}: {DUPLICATE} (the same case, touchpoint, time and lifecycle "
                f"as another row); {_STRICT_FIX}"
            )
            raise EventLogError(msg)
        con.execute(
            "CREATE TEMP TABLE seq2 AS "
            + windowed.format(
                source=f"SELECT k, tp, t, lc, pos FROM seq WHERE ({dup_cond}) IS NOT TRUE"
            )
        )
        con.execute("DROP TABLE seq")
        con.execute("ALTER TABLE seq2 RENAME TO seq")
    out_of_order = count(con, "SELECT count(*) FROM seq WHERE next_pos < pos")
    return Ordered(duplicates, out_of_order, tuple(example))
