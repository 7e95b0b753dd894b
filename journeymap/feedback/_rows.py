"""Rows: which touchpoint each response is about, why a row is rejected, the parsed answers.

A row is rejected, with its ``file:row`` and a reason and never its values, when its
touchpoint is missing, too long, unknown or ambiguous, when an answer is unparsable or a score
out of range, when its date does not parse, or when it answers no question. Blank cells are
"not answered" (NULL), never zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..models import Journey
from ._db import count, looks_like_a_name, rows
from ._inputs import THUMBS_DOWN, THUMBS_UP

__all__ = ["Matched", "Parsed", "match_touchpoints", "parse_rows", "thumbs_words"]

_FIXED = {
    1: "missing touchpoint",
    2: "touchpoint value longer than 1,000 characters",
    3: "unknown touchpoint",
    4: "ambiguous touchpoint (matches several touchpoints; map it)",
}


def _words(words: Sequence[str]) -> str:
    return "(" + ", ".join("'" + w + "'" for w in words) + ")"


def thumbs_words(con: Any, names: Sequence[str]) -> int:
    """Rows answering trust with thumbs words (up/down, yes/no, true/false)."""
    if "trust" not in names:
        return 0
    x = f"x{list(names).index('trust')}"
    return count(con, f"SELECT count(*) FROM src WHERE {x} IN {_words(THUMBS_UP + THUMBS_DOWN)}")


@dataclass(frozen=True)
class Matched:
    """Touchpoint values matched to touchpoints (``how``: map, id, name, OMB, stage, channel)."""

    found: dict[str, tuple[str, str]]
    ambiguous: frozenset[str]
    unknown: tuple[tuple[str, int], ...]
    hidden: tuple[int, int]


def _candidates(journey: Journey) -> list[tuple[str, dict[str, list[str]]]]:
    """Automatic matches, in the order tried: id, name, OMB number, stage, channel."""
    by: dict[str, dict[str, list[str]]] = {k: {} for k in ("id", "name", "OMB", "stage", "ch")}
    stages = {s.id: s.name for s in journey.stages}
    for t in journey.touchpoints:
        by["id"].setdefault(t.id.casefold(), []).append(t.id)
        by["name"].setdefault(t.name.strip().casefold(), []).append(t.id)
        for form in t.forms:
            if form.omb and t.id not in by["OMB"].get(form.omb, []):
                by["OMB"].setdefault(form.omb, []).append(t.id)
        if t.stage:
            by["stage"].setdefault(t.stage.casefold(), []).append(t.id)
            by["stage"].setdefault(stages.get(t.stage, t.stage).casefold(), [])
            if stages.get(t.stage, t.stage).casefold() != t.stage.casefold():
                by["stage"][stages[t.stage].casefold()].append(t.id)
        if t.channel:
            by["ch"].setdefault(t.channel.value, []).append(t.id)
    names = {"id": "id", "name": "name", "OMB": "OMB number", "stage": "stage", "ch": "channel"}
    return [(names[k], v) for k, v in by.items()]


def match_touchpoints(
    con: Any, journey: Journey, mapping: Mapping[str, str], min_cell: int
) -> Matched:
    """Match every touchpoint value into the table ``tmap`` (value, code; -1 ambiguous).

    The map first, then a touchpoint id (exact, then ignoring case), a name, an OMB control
    number of one touchpoint's forms, a stage or a channel of exactly one touchpoint. An
    unknown value is named only when at least ``min_cell`` rows carry it and it looks like a
    name; rarer ones are only counted.
    """
    code = {t.id: i for i, t in enumerate(journey.touchpoints)}
    values = rows(con, "SELECT tp, count(*) FROM src WHERE tp IS NOT NULL GROUP BY tp ORDER BY tp")
    tables = _candidates(journey)
    found: dict[str, tuple[str, str]] = {}
    ambiguous: set[str] = set()
    for value, _n in values:
        if value in mapping:
            found[value] = (mapping[value], "map")
            continue
        if value in code:
            found[value] = (value, "id")
            continue
        key = value.casefold()
        for how, table in tables:
            hits = sorted(set(table.get(value if how == "OMB number" else key, [])))
            if len(hits) == 1:
                found[value] = (hits[0], how)
                break
            if len(hits) > 1:
                ambiguous.add(value)
                break
    con.execute("CREATE TEMP TABLE tmap (tp VARCHAR, code INTEGER)")
    pairs = [(v, code[t]) for v, (t, _how) in found.items()] + [(v, -1) for v in ambiguous]
    if pairs:
        con.executemany("INSERT INTO tmap VALUES (?, ?)", pairs)
    unknown = [(str(v), int(n)) for v, n in values if v not in found and v not in ambiguous]
    listed = tuple((v, n) for v, n in unknown if n >= min_cell and looks_like_a_name(v))
    hidden = [n for v, n in unknown if (v, n) not in listed]
    return Matched(found, frozenset(ambiguous), listed, (len(hidden), sum(hidden)))


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
    con: Any, names: Sequence[str], instrument: str, every: str | None, likert_files: Sequence[int]
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
        finite = f"({d} IS NOT NULL AND isfinite({d}))"
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
    checks.append(f"WHEN sub IS NOT NULL AND ({t} IS NULL OR NOT isfinite({t})) THEN 200")
    answered = [f"x{list(names).index(n)}" for n in (*items, *flags)]
    reasons[201] = "no question answered"
    checks.append(f"WHEN {' AND '.join(f'{a} IS NULL' for a in answered) or 'true'} THEN 201")
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT f, r, tmap.code AS tp, "
        f"CASE WHEN sub IS NOT NULL AND isfinite({t}) THEN {t} END AS t, seg, "
        f"{', '.join([*select, 'NULL AS nothing'])}, "
        f"(CASE {' '.join(checks)} ELSE 0 END)::INTEGER AS why "
        "FROM src LEFT JOIN tmap ON src.tp = tmap.tp"
    )
    con.execute(
        f"CREATE TEMP TABLE resp AS SELECT *, {_period(every)} AS period FROM raw WHERE why = 0"
    )
    return Parsed(reasons, agree, score, flag_sql)


def _period(every: str | None) -> str:
    """The period label of a response, from its date (fiscal years start on 1 October)."""
    fy = "'FY' || CAST(year(t) + CASE WHEN month(t) >= 10 THEN 1 ELSE 0 END AS VARCHAR)"
    if every == "quarter":
        return f"{fy} || ' Q' || CAST((month(t) + 2) % 12 // 3 + 1 AS VARCHAR)"
    if every == "year":
        return fy
    if every == "month":
        return "strftime(t, '%Y-%m')"
    return "NULL::VARCHAR"
