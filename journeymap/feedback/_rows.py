"""Rows: which touchpoint each response is about, why a row is rejected, the parsed answers.

A row is rejected, with its ``file:row`` and a reason and never its values, when its
touchpoint is missing, too long, unknown or ambiguous, when an answer is unparsable or a score
out of range, when its date does not parse, or when it answers no question. Blank cells are
"not answered" (NULL), never zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import Journey
from ..tables.engine import Engine, count
from ..tables.files import MAX_VALUE_CHARS, looks_like_a_name
from ..tables.matching import match_values
from ..tables.periods import MAX_US, MIN_US, period_sql
from ._inputs import THUMBS_DOWN, THUMBS_UP

__all__ = ["Matched", "Parsed", "match_touchpoints", "parse_rows", "thumbs_words"]

_FIXED = {
    1: "missing touchpoint",
    2: f"touchpoint value longer than {MAX_VALUE_CHARS:,} characters",
    3: "unknown touchpoint",
    4: "ambiguous touchpoint (matches several touchpoints; map it)",
}


def _words(words: Sequence[str]) -> str:
    return "(" + ", ".join("'" + w + "'" for w in words) + ")"


def thumbs_words(engine: Engine, names: Sequence[str]) -> int:
    """Rows answering trust with thumbs words (up/down, yes/no, true/false)."""
    if "trust" not in names:
        return 0
    x = f"x{list(names).index('trust')}"
    return count(engine, f"SELECT count(*) FROM src WHERE {x} IN {_words(THUMBS_UP + THUMBS_DOWN)}")


@dataclass(frozen=True)
class Matched:
    """Touchpoint values matched to touchpoints (``how``: map, id, name, OMB, stage, channel)."""

    found: dict[str, tuple[str, str]]
    ambiguous: frozenset[str]
    unknown: tuple[tuple[str, int], ...]
    hidden: tuple[int, int]


def match_touchpoints(
    engine: Engine, journey: Journey, mapping: Mapping[str, str], min_cell: int
) -> Matched:
    """Match every touchpoint value into the table ``tmap`` (value, code; -1 ambiguous), by
    :func:`journeymap.tables.matching.match_values` (the map, an id, a name, an OMB control
    number, a stage or a channel of exactly one touchpoint). An unknown value is named only
    when at least ``min_cell`` rows carry it and it looks like a name; rarer ones are only
    counted.
    """
    code = {t.id: i for i, t in enumerate(journey.touchpoints)}
    values = [
        (str(v), int(n))
        for v, n in engine.rows(
            "SELECT tp, count(*) FROM src WHERE tp IS NOT NULL GROUP BY tp ORDER BY tp"
        )
    ]
    matches = match_values(journey, (v for v, _ in values), mapping, extended=True)
    found, ambiguous = matches.found, matches.ambiguous
    pairs = [(v, code[t]) for v, (t, _how) in found.items()] + [(v, -1) for v in sorted(ambiguous)]
    engine.small("tmap", [("tp", "VARCHAR"), ("code", "INTEGER")], pairs)
    unknown = [(v, n) for v, n in values if v not in found and v not in ambiguous]
    listed = tuple((v, n) for v, n in unknown if n >= min_cell and looks_like_a_name(v))
    hidden = [n for v, n in unknown if (v, n) not in listed]
    return Matched(found, ambiguous, listed, (len(hidden), sum(hidden)))


@dataclass(frozen=True)
class Parsed:
    """The rejection reasons by code, and the SQL of each answer column of ``resp``."""

    reasons: dict[int, str]
    agree: dict[str, str]  # item -> alias of its 0/1 agreement in resp
    score: dict[str, str]  # v1 item -> alias of its score in resp
    flags: dict[str, str]  # positive_x / negative_x -> alias in resp


def _likert(x: str) -> str:
    return f"TRY_CAST({x} AS DOUBLE)"


def _valid_score(x: str) -> str:
    d = _likert(x)
    return f"({d} IN (1, 2, 3, 4, 5))"


def parse_rows(
    engine: Engine,
    names: Sequence[str],
    instrument: str,
    every: str | None,
    likert_files: Sequence[int],
) -> Parsed:
    """Create ``raw`` (every row with its rejection code ``why``, 0 = used) and ``resp`` (the
    used rows: touchpoint code, period, segment and parsed answers)."""
    from ..feedback_types import ITEMS_V1

    reasons = dict(_FIXED)
    checks = [
        "WHEN src.tp IS NULL AND NOT tp_long THEN 1",
        "WHEN tp_long THEN 2",
        "WHEN tmap.code IS NULL THEN 3",
        "WHEN tmap.code < 0 THEN 4",
    ]
    items = [n for n in names if n in ITEMS_V1 and (instrument == "a11_v1" or n == "trust")]
    flags = [n for n in names if n.startswith(("positive_", "negative_"))]
    if instrument == "a11_v1":
        flags = []
    agree: dict[str, str] = {}
    score: dict[str, str] = {}
    flag_sql: dict[str, str] = {}
    select: list[str] = []
    up, down = _words(THUMBS_UP), _words(THUMBS_DOWN)
    files = "(" + ", ".join(str(int(f)) for f in likert_files) + ")" if likert_files else "(-1)"
    for item in items:
        k = list(names).index(item)
        x, d = f"x{k}", _likert(f"x{k}")
        code = 10 + 2 * len(agree)
        reasons[code] = f"{item}: unparsable value"
        reasons[code + 1] = f"{item}: score out of range (1 to 5)"
        finite = f"coalesce({d} BETWEEN -1e308 AND 1e308, false)"
        if instrument == "a11_v2":
            expr = (
                f"CASE WHEN {x} IN {up} THEN 1 WHEN {x} IN {down} THEN 0 "
                f"WHEN f IN {files} THEN CASE WHEN {_valid_score(x)} THEN ({d} >= 4)::INTEGER END "
                f"WHEN {d} = 1 THEN 1 WHEN {d} = 0 THEN 0 END"
            )
        else:
            expr = f"CASE WHEN {_valid_score(x)} THEN ({d} >= 4)::INTEGER END"
            score[item] = f"s{k}"
            select.append(f"CASE WHEN {_valid_score(x)} THEN {d} END AS s{k}")
        checks.append(f"WHEN {x} IS NOT NULL AND NOT {finite} AND {expr} IS NULL THEN {code}")
        checks.append(f"WHEN {x} IS NOT NULL AND {expr} IS NULL THEN {code + 1}")
        agree[item] = f"a{k}"
        select.append(f"{expr} AS a{k}")
    for flag in flags:
        k = list(names).index(flag)
        x = f"x{k}"
        code = 100 + len(flag_sql)
        reasons[code] = f"{flag}: unparsable value (use 0 or 1)"
        expr = (
            f"CASE WHEN {x} IN ('1', '1.0', 'true', 'yes') THEN 1 "
            f"WHEN {x} IN ('0', '0.0', 'false', 'no') THEN 0 END"
        )
        checks.append(f"WHEN {x} IS NOT NULL AND {expr} IS NULL THEN {code}")
        flag_sql[flag] = f"g{k}"
        select.append(f"{expr} AS g{k}")
    t = "TRY_CAST(sub AS TIMESTAMPTZ)"
    reasons[200] = "submitted: unparsable date"
    dated = f"epoch_us({t}) BETWEEN {MIN_US} AND {MAX_US}"
    checks.append(f"WHEN sub IS NOT NULL AND ({t} IS NULL OR NOT ({dated})) THEN 200")
    answered = [f"x{list(names).index(n)}" for n in (*items, *flags)]
    reasons[201] = "no question answered"
    checks.append(f"WHEN {' AND '.join(f'{a} IS NULL' for a in answered) or 'true'} THEN 201")
    engine.table(
        "raw",
        "SELECT f, r, tmap.code AS tp, "
        f"CASE WHEN sub IS NOT NULL AND {dated} THEN {t} END AS t, seg, "
        f"{', '.join([*select, 'NULL AS nothing'])}, "
        f"CAST(CASE {' '.join(checks)} ELSE 0 END AS INTEGER) AS why "
        "FROM src LEFT JOIN tmap ON src.tp = tmap.tp",
    )
    period = period_sql(every, "t") if every else "NULL::VARCHAR"
    engine.table("resp", f"SELECT *, {period} AS period FROM raw WHERE why = 0")
    return Parsed(reasons, agree, score, flag_sql)
