"""Input files: which files, in which format, which columns play which role, the source rows.

Paths reach DuckDB as query parameters, never as SQL text; glob characters in the name of a
file that exists are escaped so that DuckDB reads that file and no other. Column names are
quoted as identifiers. A column-name list is shown in a message only when it looks like a
header (see :func:`describe_columns`): a file that is not an event log never has its content
echoed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import tabular
from ..exceptions import EventLogError
from ..observed import ColumnMap
from ._db import guard

__all__ = [
    "DEFAULT_COLUMNS",
    "Source",
    "describe_columns",
    "failing_file",
    "format_of",
    "open_source",
    "pick_columns",
    "resolve_files",
    "segment_column",
]

#: Column names tried, in order, when a column is not named explicitly.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "case", "caseid", "case id", "application_id"),
    "activity": ("concept:name", "activity", "step", "event", "activity_name"),
    "timestamp": ("time:timestamp", "timestamp", "ts", "time", "event_time", "datetime"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "status"),
}

_READERS = {
    "parquet": "read_parquet(${p}{extra})",
    "csv": "read_csv(${p}, header = true, all_varchar = true)",
    "jsonl": "read_json_auto(${p}, format = 'newline_delimited')",
}
_MAX_NAME = 64
_MAX_SHOWN = 100


@dataclass(frozen=True)
class Source:
    """The rows of every file as ``(f, r, c, a, t, lc)``: a SELECT and its parameters.

    ``f`` is the file's index, ``r`` its row (CSV: the line, header = 1; Parquet and JSON
    Lines: 1 for the first record), ``c`` the case id and ``a`` the activity as text, ``t``
    the timestamp (NULL where it does not parse) and ``lc`` the lowered lifecycle or NULL.
    """

    parts: tuple[str, ...]
    params: dict[str, str]
    lifecycle: bool
    segment: str | None = None

    @property
    def sql(self) -> str:
        """All files as one SELECT."""
        return " UNION ALL ".join(self.parts)


def resolve_files(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The event-log files to read (see :func:`journeymap.tabular.resolve_files`)."""
    return tabular.resolve_files(paths, what="event log", parameter="paths")


def format_of(path: str) -> str:
    """``"parquet"``, ``"csv"`` or ``"jsonl"``, from the file's extension."""
    return tabular.format_of(path, what="event log", parameter="paths")


def _looks_like_a_value(name: str) -> bool:
    """Data, not a column name: a date or a number (a data row the CSV sniffer took for the
    header, case ids among its cells), a token-like run of 20 letters and digits, or JSON or
    ``key=value`` punctuation (a file that is not a log, such as a secrets file)."""
    text = name.strip()
    return text[:1].isdigit() or re.search(r"[A-Za-z0-9]{20,}|[{}\[\]\"'=<>]", text) is not None


def describe_columns(available: Sequence[str]) -> str:
    """The columns for a message: their names when they look like a header (at least three,
    each short and printable, none that looks like data), else only how many there are."""
    if (
        3 <= len(available) <= _MAX_SHOWN
        and all(tabular.looks_like_a_name(c) for c in available)
        and not any(_looks_like_a_value(c) for c in available)
    ):
        return "columns are " + ", ".join(available)
    return (
        f"the file has {len(available)} column{'s' if len(available) != 1 else ''}, "
        "whose names are not shown as they do not look like a header"
    )


def pick_columns(path: str, available: Sequence[str], cols: ColumnMap) -> dict[str, str | None]:
    """The column playing each role: the one given, else the first default name present."""
    out: dict[str, str | None] = {}
    lowered = {c.lower(): c for c in available}
    for role in ("case", "activity", "timestamp", "lifecycle"):
        given = getattr(cols, role)
        if given is not None:
            if given not in available:
                shown = (
                    given if tabular.looks_like_a_name(given) else "(a name that is not printable)"
                )
                msg = (
                    f"{path}: no column {shown!r} for the {role} "
                    f"({describe_columns(available)}); fix the column map"
                )
                raise EventLogError(msg)
            out[role] = given
            continue
        found = next(
            (lowered[c.lower()] for c in DEFAULT_COLUMNS[role] if c.lower() in lowered), None
        )
        if found is None and role != "lifecycle":
            msg = (
                f"{path}: no column for the {role} (looked for {', '.join(DEFAULT_COLUMNS[role])}; "
                f"{describe_columns(available)}); name it in the column map (ColumnMap({role}=...))"
            )
            raise EventLogError(msg)
        out[role] = found
    return out


def segment_column(path: str, available: Sequence[str], by: str) -> str:
    """The column of a case attribute: ``by`` exactly, else ignoring case, else with the
    XES prefix ``case:`` (``channel`` finds ``case:channel``)."""
    if by in available:
        return by
    lowered = {c.lower(): c for c in available}
    for name in (by.lower(), f"case:{by}".lower()):
        if name in lowered:
            return lowered[name]
    shown = by if tabular.looks_like_a_name(by) else "(a name that is not printable)"
    msg = (
        f"{path}: no column {shown!r} to segment by ({describe_columns(available)}); "
        "name a column of the log"
    )
    raise EventLogError(msg)


def _select(index: int, kind: str, available: Sequence[str], roles: dict[str, str | None]) -> str:
    """The SELECT reading one file (parameter ``$p{index}``) into the source columns."""
    extra = ""
    if kind == "parquet" and "file_row_number" not in available:
        extra, row = ", file_row_number = true", "file_row_number + 1"
    else:
        # a file's own column may carry the reader's name: number the rows instead
        row = "row_number() OVER () + " + ("1" if kind == "csv" else "0")
    reader = _READERS[kind].format(p=f"p{index}", extra=extra)
    lifecycle = roles["lifecycle"]
    lc = f"lower(CAST({tabular.ident(lifecycle)} AS VARCHAR))" if lifecycle else "NULL::VARCHAR"

    def column(role: str) -> str:
        name = roles[role]
        assert name is not None  # pick_columns raises for a missing required column
        return tabular.ident(name)

    stamp = column("timestamp")
    if kind == "csv":
        # DuckDB pushes a bare TRY_CAST into the CSV reader, which then fails on a bad value
        stamp = f"nullif({stamp}, '')"
    return (
        f"SELECT {index} AS f, {row} AS r, CAST({column('case')} AS VARCHAR) AS c, "
        f"CAST({column('activity')} AS VARCHAR) AS a, "
        f"TRY_CAST({stamp} AS TIMESTAMPTZ) AS t, {lc} AS lc"
        + (f", CAST({column('segment')} AS VARCHAR) AS g" if roles.get("segment") else "")
        + f" FROM {reader}"
    )


def open_source(
    con: Any, duckdb: Any, files: Sequence[str], cols: ColumnMap, by: str | None = None
) -> Source:
    """Describe every file, pick its columns (and the segment column ``by``) and build the
    SELECT over all of them."""
    parts: list[str] = []
    params: dict[str, str] = {}
    lifecycle = False
    for index, path in enumerate(files):
        kind = format_of(path)
        params[f"p{index}"] = tabular.literal_path(path)
        describe = "DESCRIBE SELECT * FROM " + _READERS[kind].format(p=f"p{index}", extra="")
        with guard(duckdb, path, f"reading the columns of the {kind} file"):
            described = con.execute(describe, {f"p{index}": params[f"p{index}"]}).fetchall()
        available = [str(d[0]) for d in described]
        roles = pick_columns(path, available, cols)
        if by is not None:
            roles["segment"] = segment_column(path, available, by)
        lifecycle = lifecycle or roles["lifecycle"] is not None
        parts.append(_select(index, kind, available, roles))
    return Source(tuple(parts), params, lifecycle, by)


def failing_file(con: Any, duckdb: Any, files: Sequence[str], source: Source) -> str:
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
