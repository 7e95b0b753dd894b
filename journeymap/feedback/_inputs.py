"""Which columns play which role in each file, the instrument, and the rows as text.

Only the columns journeymap needs are ever selected (the touchpoint, the date, the segment
column asked for, and the instrument's items and flags): free-text answers and respondent
identifiers in other columns are never read into a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..exceptions import FeedbackError
from ..feedback_types import DRIVERS_V2, ITEMS_V1
from ..tables.engine import Engine, count
from ..tables.files import (
    MAX_VALUE_CHARS,
    TableFile,
    describe_columns,
    find_column,
    ident,
    shown_name,
)
from ..tables.rows import open_files

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
_ANSWER_CHARS = 100  # a valid answer is short; longer ones are kept cut (they never parse)


@dataclass(frozen=True)
class Layout:
    """Per file, the column playing each role (None where the file lacks it)."""

    files: tuple[TableFile, ...]
    touchpoint: tuple[str, ...]
    submitted: tuple[str | None, ...]
    segment: tuple[str | None, ...]
    answers: tuple[dict[str, str], ...]  # item or flag name -> the file's column

    def has(self, name: str) -> bool:
        """True when some file has the item or flag ``name``."""
        return any(name in a for a in self.answers)


def describe_files(
    engine: Engine,
    files: Sequence[str],
    *,
    touchpoint: str | None,
    submitted: str | None,
    by: str | None,
) -> Layout:
    """Open every file and pick its columns (:class:`FeedbackError` for a missing one)."""
    opened = open_files(engine, files)
    tps, subs, segs, answers = [], [], [], []
    for file in opened:
        path, available = file.path, file.columns
        tp = find_column(available, (touchpoint,) if touchpoint else DEFAULT_COLUMNS["touchpoint"])
        if tp is None:
            wanted = shown_name(touchpoint) if touchpoint else "'touchpoint'"
            msg = (
                f"{path}: no column {wanted} saying which touchpoint a response is about "
                f"({describe_columns(available)}); name it in the feedback columns "
                "(touchpoint: ...)"
            )
            raise FeedbackError(msg)
        sub = find_column(available, (submitted,) if submitted else DEFAULT_COLUMNS["submitted"])
        if submitted and sub is None:
            msg = (
                f"{path}: no column {shown_name(submitted)} for the date "
                f"({describe_columns(available)})"
            )
            raise FeedbackError(msg)
        seg = find_column(available, (by,)) if by else None
        if by and seg is None:
            msg = (
                f"{path}: no column {shown_name(by)} to break the responses down by "
                f"({describe_columns(available)})"
            )
            raise FeedbackError(msg)  # as for event logs: the file lacks it (exit 1)
        found = {
            n: c for n in (*ITEMS_V1, *FLAGS) if (c := find_column(available, (n,))) is not None
        }
        tps.append(tp)
        subs.append(sub)
        segs.append(seg)
        answers.append(found)
    return Layout(tuple(opened), tuple(tps), tuple(subs), tuple(segs), tuple(answers))


def choose_instrument(
    layout: Layout, instrument: str | None, trust_words: int, files: Sequence[str]
) -> tuple[str, str]:
    """The instrument and a sentence saying how it was chosen."""
    if instrument is not None:  # a11_v1 or a11_v2: FeedbackOptions checked it
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
    file = layout.files[index]

    def text(column: str | None, limit: int) -> str:
        if column is None:
            return "NULL::VARCHAR"
        value = f"NULLIF(trim(CAST({ident(column)} AS VARCHAR)), '')"
        return f"CASE WHEN length({value}) <= {limit} THEN {value} END"

    tp = f"NULLIF(trim(CAST({ident(layout.touchpoint[index])} AS VARCHAR)), '')"
    cols = [
        f"{index} AS f",
        f"{file.row} AS r",
        f"CASE WHEN length({tp}) <= {MAX_VALUE_CHARS} THEN {tp} END AS tp",
        f"coalesce(length({tp}) > {MAX_VALUE_CHARS}, false) AS tp_long",
        f"{text(layout.submitted[index], _ANSWER_CHARS)} AS sub",
        f"{text(layout.segment[index], MAX_VALUE_CHARS)} AS seg",
    ]
    answers = layout.answers[index]
    cols += [
        f"lower(left({text(answers.get(n), MAX_VALUE_CHARS)}, {_ANSWER_CHARS})) AS x{k}"
        for k, n in enumerate(names)
    ]
    return f"SELECT {', '.join(cols)} FROM {{file{index}}}"


def load_source(engine: Engine, files: Sequence[str], layout: Layout, names: Sequence[str]) -> int:
    """Read every row once into the table ``src`` (answers as lowered text ``x0``...);
    return the number of rows read."""
    parts = [_select(i, layout, names) for i in range(len(files))]
    where = ", ".join(files)
    with engine.guard(where, "reading the responses"):
        engine.table("src", " UNION ALL ".join(parts))
        n = count(engine, "SELECT count(*) FROM src")
    if n == 0:
        msg = f"{where}: the feedback file has no rows"
        raise FeedbackError(msg)
    return n
