"""Which columns play which role in each file, the instrument, and the rows as text.

Only the columns journeymap needs are ever selected (the touchpoint, the date, the segment
column asked for, and the instrument's items and flags): free-text answers and respondent
identifiers in other columns are never read into a table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..exceptions import FeedbackError, UsageError
from ..feedback_types import DRIVERS_V2, INSTRUMENTS, ITEMS_V1
from ._db import count, format_of, guard, ident, literal_path, looks_like_a_name, reader

__all__ = [
    "DEFAULT_COLUMNS",
    "FLAGS",
    "THUMBS_DOWN",
    "THUMBS_UP",
    "Layout",
    "choose_instrument",
    "describe_files",
    "load_source",
]

#: Column names tried, in order, when the touchpoint or date column is not named.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "touchpoint": ("touchpoint", "touchpoint_id"),
    "submitted": ("submitted", "submitted_at", "created_at", "date"),
}
#: The v2 checklist flags, in order: every positive flag, then every negative one.
FLAGS = tuple(f"positive_{d}" for d in DRIVERS_V2) + tuple(f"negative_{d}" for d in DRIVERS_V2)
THUMBS_UP = ("up", "yes", "true", "thumbs up", "thumbs_up")
THUMBS_DOWN = ("down", "no", "false", "thumbs down", "thumbs_down")
_VALUE_CHARS = 1000  # longer touchpoint values are rejected, never materialised
_ANSWER_CHARS = 100  # a valid answer is short; longer ones are kept cut (they never parse)


@dataclass(frozen=True)
class Layout:
    """Per file, the column playing each role (None where the file lacks it)."""

    kinds: tuple[str, ...]
    available: tuple[tuple[str, ...], ...]
    touchpoint: tuple[str, ...]
    submitted: tuple[str | None, ...]
    segment: tuple[str | None, ...]
    answers: tuple[dict[str, str], ...]  # item or flag name -> the file's column

    def has(self, name: str) -> bool:
        """True when some file has the item or flag ``name``."""
        return any(name in a for a in self.answers)


def _find(available: Sequence[str], names: Sequence[str]) -> str | None:
    lowered = {c.lower(): c for c in available}
    return next((lowered[n.lower()] for n in names if n.lower() in lowered), None)


def _shown(name: str) -> str:
    return repr(name) if looks_like_a_name(name) else "(a name that is not printable)"


#: Data, not a column name: a date or a number (a data row taken for the header), a
#: token-like run of 20 letters and digits, JSON or ``key=value`` punctuation.
_VALUE = re.compile(r"\s*\d|.*(?:[A-Za-z0-9]{20,}|[{}\[\]\"'=<>])")


def _header(available: Sequence[str]) -> str:
    if (
        2 <= len(available) <= 100
        and all(looks_like_a_name(c) for c in available)
        and not any(_VALUE.match(c) for c in available)
    ):
        return "columns are " + ", ".join(available)
    return f"the file has {len(available)} columns, whose names are not shown"


def describe_files(
    con: Any,
    duckdb: Any,
    files: Sequence[str],
    *,
    touchpoint: str | None,
    submitted: str | None,
    by: str | None,
) -> Layout:
    """Describe every file and pick its columns (:class:`FeedbackError` for a missing one)."""
    kinds, available_all, tps, subs, segs, answers = [], [], [], [], [], []
    for index, path in enumerate(files):
        kind = format_of(path)
        sql = "DESCRIBE SELECT * FROM " + reader(kind, index, row_numbers=False)
        with guard(duckdb, path, f"reading the columns of the {kind} file"):
            described = con.execute(sql, {f"p{index}": literal_path(path)}).fetchall()
        available = tuple(str(d[0]) for d in described)
        tp = _find(available, (touchpoint,) if touchpoint else DEFAULT_COLUMNS["touchpoint"])
        if tp is None:
            wanted = _shown(touchpoint) if touchpoint else "'touchpoint'"
            msg = (
                f"{path}: no column {wanted} saying which touchpoint a response is about "
                f"({_header(available)}); name it in the feedback columns (touchpoint: ...)"
            )
            raise FeedbackError(msg)
        sub = _find(available, (submitted,) if submitted else DEFAULT_COLUMNS["submitted"])
        if submitted and sub is None:
            msg = f"{path}: no column {_shown(submitted)} for the date ({_header(available)})"
            raise FeedbackError(msg)
        seg = _find(available, (by,)) if by else None
        if by and seg is None:
            msg = (
                f"{path}: no column {_shown(by)} to break the responses down by "
                f"({_header(available)})"
            )
            raise FeedbackError(msg)  # as for event logs: the file lacks it (exit 1)
        found = {n: c for n in (*ITEMS_V1, *FLAGS) if (c := _find(available, (n,))) is not None}
        kinds.append(kind)
        available_all.append(available)
        tps.append(tp)
        subs.append(sub)
        segs.append(seg)
        answers.append(found)
    return Layout(
        tuple(kinds), tuple(available_all), tuple(tps), tuple(subs), tuple(segs), tuple(answers)
    )


def choose_instrument(
    con: Any, layout: Layout, instrument: str | None, trust_words: int, files: Sequence[str]
) -> tuple[str, str]:
    """The instrument and a sentence saying how it was chosen."""
    if instrument is not None:
        if instrument not in INSTRUMENTS:
            msg = f"instrument must be one of {', '.join(INSTRUMENTS)}, not {instrument!r}"
            raise UsageError(msg, parameter="instrument")
        return instrument, f"{instrument} (as given)"
    if any(layout.has(f) for f in FLAGS):
        return "a11_v2", "a11_v2 (inferred: the file has positive_*/negative_* columns)"
    if trust_words:
        return "a11_v2", "a11_v2 (inferred: trust is answered with thumbs up/down)"
    if not any(layout.has(i) for i in ITEMS_V1):
        where = ", ".join(files)
        msg = (
            f"{where}: no A-11 item column (looked for {', '.join(ITEMS_V1)}, "
            "positive_*/negative_*); is this a file of survey responses?"
        )
        raise FeedbackError(msg)
    return "a11_v1", "a11_v1 (inferred: Likert items and no positive_*/negative_* columns)"


def _select(index: int, layout: Layout, names: Sequence[str]) -> str:
    kind, available = layout.kinds[index], layout.available[index]
    numbered = kind == "parquet" and "file_row_number" not in available
    row = (
        "file_row_number + 1"
        if numbered
        else "row_number() OVER () + " + ("1" if kind == "csv" else "0")
    )

    def text(column: str | None, limit: int) -> str:
        if column is None:
            return "NULL::VARCHAR"
        value = f"NULLIF(trim(CAST({ident(column)} AS VARCHAR)), '')"
        return f"CASE WHEN length({value}) <= {limit} THEN {value} END"

    tp = f"NULLIF(trim(CAST({ident(layout.touchpoint[index])} AS VARCHAR)), '')"
    cols = [
        f"{index} AS f",
        f"{row} AS r",
        f"CASE WHEN length({tp}) <= {_VALUE_CHARS} THEN {tp} END AS tp",
        f"coalesce(length({tp}) > {_VALUE_CHARS}, false) AS tp_long",
        f"{text(layout.submitted[index], _ANSWER_CHARS)} AS sub",
        f"{text(layout.segment[index], _VALUE_CHARS)} AS seg",
    ]
    answers = layout.answers[index]
    cols += [
        f"lower(left({text(answers.get(n), _VALUE_CHARS)}, {_ANSWER_CHARS})) AS x{k}"
        for k, n in enumerate(names)
    ]
    return f"SELECT {', '.join(cols)} FROM {reader(kind, index, row_numbers=numbered)}"


def load_source(
    con: Any, duckdb: Any, files: Sequence[str], layout: Layout, names: Sequence[str]
) -> int:
    """Read every row once into the table ``src`` (answers as lowered text ``x0``...);
    return the number of rows read."""
    params = {f"p{i}": literal_path(p) for i, p in enumerate(files)}
    parts = [_select(i, layout, names) for i in range(len(files))]
    where = ", ".join(files)
    with guard(duckdb, where, "reading the responses"):
        con.execute("CREATE TEMP TABLE src AS " + " UNION ALL ".join(parts), params)
    n = count(con, "SELECT count(*) FROM src")
    if n == 0:
        msg = f"{where}: the feedback file has no rows"
        raise FeedbackError(msg)
    return n
