"""Customer feedback (OMB Circular A-11 §280 post-transaction surveys), counted with DuckDB.

:func:`read_feedback` reads response files (CSV, Parquet or JSON Lines; several files or
globs), one row per response, and counts in SQL, without loading the rows into Python:

- which touchpoint each response is about: a touchpoint id, or a value of the touchpoint
  column matched by the ``mapping``, a touchpoint's name, an OMB control number of its
  ``forms[].omb``, or a stage or channel that exactly one touchpoint has;
- per touchpoint and journey-wide (and per period and per segment when asked): responses,
  answers and agreement per item (A-11 v1: 4-5 on the Likert scale, with the score total for
  the mean; v2 trust: thumbs up or 4-5), and v2 driver flags (positive and negative);
- journey-wide, trust agreement among responses with and without each driver;
- a reconciliation: rows read = rows used + rows rejected, by reason, each located by
  ``file:row`` (never by its values).

The instrument is ``a11_v1`` or ``a11_v2``; without one it is inferred (``positive_*`` or
``negative_*`` columns, or trust answered with thumbs words, mean v2) and
:attr:`ObservedFeedback.instrument_note` says which was used and why. In v2, a file whose
trust answers include 2-5 is on the Likert scale (1 = strongly disagree); otherwise 1/0 are
thumbs up/down. Periods: ``month`` (calendar), ``quarter`` and ``year`` (federal fiscal: FY2025
Q1 is October-December 2024); dates with an offset are exact, naive ones are UTC.

Privacy: only the columns journeymap needs are read (free text and identifiers in other
columns never reach a table); a measure answered by fewer than ``min_cell`` responses is
suppressed; unknown touchpoint values and segments are named only when at least ``min_cell``
rows carry them; DuckDB's error texts are never shown; no user value is formatted into SQL.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..exceptions import FeedbackError, UsageError
from ..feedback_types import ITEMS_V1 as _ITEMS
from ..feedback_types import ObservedFeedback
from ..models import Journey
from ..specs import EngineSettings, FeedbackOptions
from ._db import connect, guard, resolve_files, rows
from ._inputs import FLAGS, choose_instrument, describe_files, load_source
from ._rows import match_touchpoints, parse_rows, thumbs_words
from ._stats import aggregate, splits

__all__ = ["EVERY", "ObservedFeedback", "read_feedback", "read_responses"]

#: The periods responses can be grouped by.
EVERY = ("month", "quarter", "year")


def _check(journey: Journey, mapping: Mapping[str, str], every: str | None, min_cell: int) -> None:
    known = {t.id for t in journey.touchpoints}
    for value, target in mapping.items():
        if target not in known:
            msg = f"the feedback map sends {value!r} to {target!r}, which is not a touchpoint"
            raise UsageError(msg, parameter="feedback_map")
    if every is not None and every not in EVERY:
        msg = f"every must be one of {', '.join(EVERY)}, not {every!r}"
        raise UsageError(msg, parameter="every")
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        msg = f"min_cell must be a whole number of responses >= 1, not {min_cell!r}"
        raise UsageError(msg, parameter="min_cell")


def read_responses(
    spec: FeedbackOptions,
    *,
    journey: Journey,
    engine: EngineSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> ObservedFeedback:
    """Read the A-11 responses ``spec`` names (merged and resolved, see
    :meth:`~journeymap.specs.FeedbackOptions.merged`) on ``engine``."""
    settings = engine or EngineSettings()
    if settings.engine != "duckdb":
        msg = f"feedback runs on duckdb only for now, not on {settings.engine}"
        raise UsageError(msg, parameter="engine")
    return read_feedback(
        list(spec.paths),
        journey=journey,
        instrument=spec.instrument,
        touchpoint_column=spec.touchpoint_column,
        submitted_column=spec.submitted_column,
        mapping=spec.mapping,
        every=spec.every,
        by=spec.by,
        min_cell=spec.cell,
        progress=progress,
    )


def read_feedback(
    paths: Sequence[str | os.PathLike[str]],
    *,
    journey: Journey,
    instrument: str | None = None,
    touchpoint_column: str | None = None,
    submitted_column: str | None = None,
    mapping: Mapping[str, str] | None = None,
    every: str | None = None,
    by: str | None = None,
    min_cell: int = 10,
    progress: Callable[[str], None] | None = None,
) -> ObservedFeedback:
    """Read A-11 response files and count what they say about ``journey`` (module docs).

    Raises
    ------
    UsageError
        A path that matches no file, an unknown format, instrument or period, a map to an
        unknown touchpoint, a ``by`` column no file has; ``parameter`` names the option.
    FeedbackError
        No touchpoint column, no A-11 item, an empty or unreadable file, no usable response.
    """
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is in the test environment
        msg = "reading feedback needs DuckDB: pip install 'journeymap[events]'"
        raise FeedbackError(msg) from err
    mapping = dict(mapping or {})
    _check(journey, mapping, every, min_cell)
    files = resolve_files(paths)
    say = progress or (lambda _stage: None)
    with tempfile.TemporaryDirectory(prefix="journeymap-feedback-") as workdir:
        con = connect(duckdb, workdir)
        try:
            say("reading")
            layout = describe_files(
                con, duckdb, files, touchpoint=touchpoint_column, submitted=submitted_column, by=by
            )
            names = [n for n in (*_ITEMS, *FLAGS) if layout.has(n)]
            rows_read = load_source(con, duckdb, files, layout, names)
            where = ", ".join(files)
            with guard(duckdb, where, "reading the answers"):
                chosen, note = choose_instrument(
                    con, layout, instrument, thumbs_words(con, names), files
                )
                matched = match_touchpoints(con, journey, mapping, min_cell)
                likert = _likert_files(con, names) if chosen == "a11_v2" else []
                parsed = parse_rows(con, names, chosen, every, likert)
            say("aggregating")
            with guard(duckdb, where, "counting the responses"):
                return _collect(
                    con,
                    journey,
                    files,
                    rows_read,
                    (chosen, note),
                    matched,
                    parsed,
                    layout,
                    likert,
                    every,
                    by,
                    min_cell,
                )
        finally:
            con.close()


def _likert_files(con: Any, names: Sequence[str]) -> list[int]:
    """Files whose trust answers include 2-5: their digits are Likert scores, not thumbs."""
    if "trust" not in names:
        return []
    x = f"x{list(names).index('trust')}"
    found = rows(
        con, f"SELECT DISTINCT f FROM src WHERE TRY_CAST({x} AS DOUBLE) IN (2, 3, 4, 5) ORDER BY f"
    )
    return [int(f) for (f,) in found]


def _collect(
    con: Any,
    journey: Journey,
    files: list[str],
    rows_read: int,
    instrument: tuple[str, str],
    matched: Any,
    parsed: Any,
    layout: Any,
    likert: list[int],
    every: str | None,
    by: str | None,
    min_cell: int,
) -> ObservedFeedback:
    """The counts, the reconciliation and the notes, as an :class:`ObservedFeedback`."""
    rejected: dict[str, int] = {}
    examples: dict[str, tuple[str, ...]] = {}
    for why, n in rows(
        con, "SELECT why, count(*) FROM raw WHERE why > 0 GROUP BY why ORDER BY why"
    ):
        rejected[parsed.reasons[int(why)]] = int(n)
    located: dict[str, list[str]] = {}
    for why, f, r in rows(
        con,
        "SELECT why, f, r FROM (SELECT why, f, r, row_number() OVER "
        "(PARTITION BY why ORDER BY f, r) AS i FROM raw WHERE why > 0) "
        "WHERE i <= 3 ORDER BY why, f, r",
    ):
        located.setdefault(parsed.reasons[int(why)], []).append(f"{files[int(f)]}:row {int(r)}")
    examples = {k: tuple(v) for k, v in located.items()}
    used, first, last, undated = rows(
        con,
        "SELECT count(*), strftime(min(t), '%Y-%m-%d'), strftime(max(t), '%Y-%m-%d'), "
        "count(*) FILTER (WHERE t IS NULL) FROM resp",
    )[0]
    if not used:
        shown = ", ".join(f"{k}: {v:,}" for k, v in rejected.items())
        msg = (
            f"{', '.join(files)}: no usable responses "
            f"(all {rows_read:,} rows were rejected: {shown})"
        )
        raise FeedbackError(msg)
    order = [t.id for t in journey.touchpoints]
    cells, hidden = aggregate(
        con, parsed, order, periods=every is not None, segments=by is not None, min_cell=min_cell
    )
    notes = _notes(
        instrument[0], layout, likert, parsed, matched, hidden, undated, every, by, min_cell
    )
    if rows_read != int(used) + sum(rejected.values()):  # pragma: no cover - a bug
        notes.append(f"row reconciliation off by {rows_read - int(used) - sum(rejected.values())}")
    scale = None
    if "trust" in parsed.agree and instrument[0] == "a11_v2":
        scale = "likert" if len(likert) == len(files) else "thumbs" if not likert else "mixed"
    elif "trust" in parsed.agree:
        scale = "likert"
    return ObservedFeedback(
        files=tuple(files),
        rows_read=rows_read,
        rows_used=int(used),
        rejected=rejected,
        rejected_examples=examples,
        unknown_values=matched.unknown,
        unknown_hidden=matched.hidden,
        instrument=instrument[0],
        instrument_note=instrument[1],
        trust_scale=scale,
        items=tuple(parsed.agree),
        drivers=tuple(dict.fromkeys(f.split("_", 1)[1] for f in parsed.flags)),
        every=every,
        by=by,
        first_submitted=first,
        last_submitted=last,
        undated=int(undated),
        cells=cells,
        splits=splits(con, parsed, min_cell),
        mapped=tuple((v, tp, how) for v, (tp, how) in sorted(matched.found.items()) if how != "id"),
        min_cell=min_cell,
        notes=tuple(notes),
    )


def _notes(
    instrument: str,
    layout: Any,
    likert: list[int],
    parsed: Any,
    matched: Any,
    hidden: tuple[int, int],
    undated: int,
    every: str | None,
    by: str | None,
    min_cell: int,
) -> list[str]:
    notes = []
    unused = [
        n
        for n in (*_ITEMS, *FLAGS)
        if layout.has(n) and n not in parsed.agree and n not in parsed.flags
    ]
    if unused:
        notes.append(f"columns not part of {instrument}, not used: {', '.join(unused)}")
    if matched.hidden[0]:
        n, r = matched.hidden
        notes.append(
            f"{n:,} unknown touchpoint value{'s' if n != 1 else ''} ({r:,} rows) carried by "
            f"fewer than {min_cell} rows or not looking like a name: counted, not named"
        )
    if every and undated:
        notes.append(f"{undated:,} responses without a date are in no {every}")
    if by and hidden[0]:
        notes.append(
            f"{hidden[0]:,} {by} value{'s' if hidden[0] != 1 else ''} ({hidden[1]:,} responses) "
            f"with fewer than {min_cell} responses or not looking like a name: not shown"
        )
    return notes
