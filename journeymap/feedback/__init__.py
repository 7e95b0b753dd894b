"""Customer feedback (OMB Circular A-11 §280 post-transaction surveys), counted with DuckDB
or Spark (:mod:`journeymap.tables`).

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
Q1 is October-December 2024), cut in the engine's time zone; dates with an offset are exact,
naive ones are in that time zone (UTC by default).

Privacy: only the columns journeymap needs are read (free text and identifiers in other
columns never reach a table); a measure answered by fewer than ``min_cell`` responses is
suppressed; unknown touchpoint values and segments are named only when at least ``min_cell``
rows carry them; the engines' error texts are never shown; no user value is formatted into SQL.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..exceptions import FeedbackError, JourneymapTypeError, UsageError
from ..feedback_types import ITEMS_V1, ObservedFeedback
from ..models import Journey
from ..specs import EngineSettings, FeedbackOptions
from ..tables.engine import Engine, first, open_engine, split_settings
from ..tables.files import Subject, resolve
from ..tables.periods import date_of
from ..tables.rows import located, reconciliation
from ._inputs import FLAGS, Layout, choose_instrument, describe_files, load_source
from ._rows import Matched, Parsed, match_touchpoints, parse_rows, thumbs_words
from ._stats import aggregate, splits

__all__ = ["SUBJECT", "ObservedFeedback", "read_feedback", "read_responses"]

#: What the table engine reads here, for its messages.
SUBJECT = Subject(
    "feedback file", "feedback", FeedbackError, "one response per row", "the responses"
)


def _check_map(journey: Journey, mapping: Mapping[str, str]) -> None:
    """A :class:`UsageError` when the map sends a value to no touchpoint of ``journey``."""
    known = {t.id for t in journey.touchpoints}
    for value, target in mapping.items():
        if target not in known:
            msg = f"the feedback map sends {value!r} to {target!r}, which is not a touchpoint"
            raise UsageError(msg, parameter="feedback_map")


def read_responses(
    spec: FeedbackOptions,
    *,
    journey: Journey,
    engine: EngineSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> ObservedFeedback:
    """Read the A-11 responses ``spec`` names on ``engine`` and count what they say about
    ``journey`` (see the module docs).

    Raises
    ------
    UsageError
        A path that matches no file, an unknown format, a map to an unknown touchpoint;
        ``parameter`` names the option.
    FeedbackError
        No touchpoint column, no A-11 item, a ``by`` column no file has, an empty or
        unreadable file, no usable response.
    """
    given: object = spec
    if not isinstance(given, FeedbackOptions):
        msg = f"spec must be FeedbackOptions, not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    _check_map(journey, spec.mapping)
    settings = engine or EngineSettings()
    files = resolve(spec.paths, SUBJECT)
    say = progress or (lambda _stage: None)
    with open_engine(settings, SUBJECT) as eng:
        say("reading")
        layout = describe_files(
            eng,
            files,
            touchpoint=spec.touchpoint_column,
            submitted=spec.submitted_column,
            by=spec.by,
        )
        names = [n for n in (*ITEMS_V1, *FLAGS) if layout.has(n)]
        rows_read = load_source(eng, files, layout, names)
        where = ", ".join(files)
        with eng.guard(where, "reading the answers"):
            chosen = choose_instrument(layout, spec.instrument, thumbs_words(eng, names), files)
            matched = match_touchpoints(eng, journey, spec.mapping, spec.cell)
            likert = _likert_files(eng, names) if chosen[0] == "a11_v2" else []
            parsed = parse_rows(eng, names, chosen[0], spec.every, likert)
        say("aggregating")
        with eng.guard(where, "counting the responses"):
            read = _Read(files, rows_read, chosen, matched, parsed, layout, likert)
            return _collect(eng, journey, spec, settings.zone, read)


def read_feedback(
    paths: Sequence[str | os.PathLike[str]],
    *,
    journey: Journey,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> ObservedFeedback:
    """:func:`read_responses` with the options as keywords: every field of
    :class:`~journeymap.specs.FeedbackOptions` (``instrument``, ``touchpoint_column``,
    ``submitted_column``, ``mapping``, ``every``, ``by``, ``min_cell``) and of
    :class:`~journeymap.specs.EngineSettings` (``engine``, ``timezone``...); None means the
    default. Bad options raise as those classes do."""
    given = {k: v for k, v in options.items() if v is not None or k != "mapping"}
    settings, fields = split_settings(given)
    spec = FeedbackOptions(paths=typing.cast(tuple[str, ...], paths), **fields)
    return read_responses(spec, journey=journey, engine=settings, progress=progress)


def _likert_files(engine: Engine, names: Sequence[str]) -> list[int]:
    """Files whose trust answers include 2-5: their digits are Likert scores, not thumbs."""
    if "trust" not in names:
        return []
    x = f"x{list(names).index('trust')}"
    found = engine.rows(
        f"SELECT DISTINCT f FROM src WHERE TRY_CAST({x} AS DOUBLE) IN (2, 3, 4, 5) ORDER BY f"
    )
    return [int(f) for (f,) in found]


class _Read:
    """What the reading stages found, for :func:`_collect`."""

    def __init__(
        self,
        files: list[str],
        rows_read: int,
        instrument: tuple[str, str],
        matched: Matched,
        parsed: Parsed,
        layout: Layout,
        likert: list[int],
    ) -> None:
        self.files, self.rows_read, self.instrument = files, rows_read, instrument
        self.matched, self.parsed, self.layout, self.likert = matched, parsed, layout, likert

    @property
    def scale(self) -> str | None:
        """How trust was answered: thumbs, likert, or mixed across files."""
        if "trust" not in self.parsed.agree:
            return None
        if self.instrument[0] != "a11_v2":
            return "likert"
        if len(self.likert) == len(self.files):
            return "likert"
        return "thumbs" if not self.likert else "mixed"


def _collect(
    engine: Engine, journey: Journey, spec: FeedbackOptions, zone: str, read: _Read
) -> ObservedFeedback:
    """The counts, the reconciliation and the notes, as an :class:`ObservedFeedback`."""
    files, parsed, matched, min_cell = read.files, read.parsed, read.matched, spec.cell
    rejected = {
        parsed.reasons[int(why)]: int(n)
        for why, n in engine.rows(
            "SELECT why, count(*) FROM raw WHERE why > 0 GROUP BY why ORDER BY why"
        )
    }
    examples = located(engine, "SELECT why, f, r FROM raw", files, parsed.reasons)
    used, low, high, undated = first(
        engine,
        "SELECT count(*), min(epoch_us(t)), max(epoch_us(t)), "
        "count(*) FILTER (WHERE t IS NULL) FROM resp",
    )
    if not used:
        shown = ", ".join(f"{k}: {v:,}" for k, v in rejected.items())
        msg = (
            f"{', '.join(files)}: no usable responses "
            f"(all {read.rows_read:,} rows were rejected: {shown})"
        )
        raise FeedbackError(msg)
    order = [t.id for t in journey.touchpoints]
    cells, hidden = aggregate(
        engine,
        parsed,
        order,
        periods=spec.every is not None,
        segments=spec.by is not None,
        min_cell=min_cell,
    )
    notes = _notes(read, hidden, int(undated), spec)
    notes += reconciliation(read.rows_read, int(used), rejected)
    return ObservedFeedback(
        files=tuple(files),
        rows_read=read.rows_read,
        rows_used=int(used),
        rejected=rejected,
        rejected_examples=examples,
        unknown_values=matched.unknown,
        unknown_hidden=matched.hidden,
        instrument=read.instrument[0],
        instrument_note=read.instrument[1],
        trust_scale=read.scale,
        items=tuple(parsed.agree),
        drivers=tuple(dict.fromkeys(f.split("_", 1)[1] for f in parsed.flags)),
        every=spec.every,
        by=spec.by,
        first_submitted=date_of(low, zone) if low is not None else None,
        last_submitted=date_of(high, zone) if high is not None else None,
        undated=int(undated),
        cells=cells,
        splits=splits(engine, parsed, min_cell),
        mapped=tuple((v, tp, how) for v, (tp, how) in sorted(matched.found.items()) if how != "id"),
        min_cell=min_cell,
        notes=tuple(notes),
    )


def _notes(read: _Read, hidden: tuple[int, int], undated: int, spec: FeedbackOptions) -> list[str]:
    notes = []
    parsed, matched, min_cell, every, by = read.parsed, read.matched, spec.cell, spec.every, spec.by
    unused = [
        n
        for n in (*ITEMS_V1, *FLAGS)
        if read.layout.has(n) and n not in parsed.agree and n not in parsed.flags
    ]
    if unused:
        notes.append(f"columns not part of {read.instrument[0]}, not used: {', '.join(unused)}")
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
