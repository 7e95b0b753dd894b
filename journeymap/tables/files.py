"""Input files of every tabular source (event logs, A-11 responses): which files, which
format, which column plays which role, and how names reach SQL and messages safely.

Every source uses these, so a file named ``log[1].csv``, a glob, a URL, a quoted column name
or a secrets file given by mistake are handled the same way everywhere. What files a path
names is :func:`journeymap.specs.expand`'s answer, the one resolver.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..exceptions import JourneymapError, UsageError
from ..specs import expand

__all__ = [
    "MAX_NAME",
    "MAX_VALUE_CHARS",
    "Subject",
    "TableFile",
    "describe_columns",
    "find_column",
    "format_of",
    "ident",
    "literal_path",
    "looks_like_a_name",
    "resolve",
    "row_column",
    "shown_name",
]

#: The longest column or label name shown in a message or an output.
MAX_NAME = 64
#: Values longer than this (case ids, activities, touchpoint values) are rejected rows: a
#: hostile file can hold megabyte-long values that compress to a few bytes.
MAX_VALUE_CHARS = 1000
_MAX_SHOWN = 100


@dataclass(frozen=True)
class Subject:
    """What kind of source a table engine reads, for its messages: ``what`` names the file
    ("event log"), ``parameter`` the library parameter of its paths, ``error`` the
    exception of bad data, ``holds`` what a good file holds ("an event log in its format")
    and ``export`` what to export it as ("the log")."""

    what: str
    parameter: str
    error: type[JourneymapError]
    holds: str
    export: str


def resolve(paths: Sequence[str | os.PathLike[str]], subject: Subject) -> list[str]:
    """The files to read, in order (through :func:`journeymap.specs.expand`: a name that
    exists is that file even with ``*?[`` in it, a URL is given to the engine as written,
    otherwise a pattern expands to its matches, sorted).
    """
    files: list[str] = []
    for raw in paths:
        text = os.fspath(raw)
        found = expand(text)
        if not found:
            msg = f"{subject.what} {text!r}: no such file (or no file matches the pattern)"
            raise UsageError(msg, parameter=subject.parameter)
        files += found
    if not files:
        msg = f"no {subject.what} files given; pass at least one path"
        raise UsageError(msg, parameter=subject.parameter)
    return files


def format_of(path: str, subject: Subject) -> str:
    """``"parquet"``, ``"csv"`` or ``"jsonl"``, from the file's extension.

    >>> from journeymap.exceptions import EventLogError
    >>> format_of("claims.PARQUET", Subject("event log", "paths", EventLogError, "", ""))
    'parquet'
    """
    low = path.lower().rstrip("/")
    if low.endswith((".parquet", ".pq")):
        return "parquet"
    if low.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if low.endswith((".csv", ".tsv", ".txt", ".csv.gz")):
        return "csv"
    msg = f"{path}: unknown {subject.what} format (use .parquet, .csv or .jsonl)"
    raise UsageError(msg, parameter=subject.parameter)


def literal_path(path: str) -> str:
    """The path with DuckDB's glob characters escaped, so it names exactly this file.

    >>> literal_path("log[1].csv")
    'log[[]1].csv'
    """
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in path)


def ident(name: str) -> str:
    """A column name as a quoted SQL identifier.

    >>> print(ident("case id"))
    "case id"
    """
    return '"' + name.replace('"', '""') + '"'


def looks_like_a_name(name: str) -> bool:
    """Short and printable: safe to show as a label."""
    return 0 < len(name) <= MAX_NAME and name.isprintable()


def shown_name(name: str) -> str:
    """A column name the caller gave, for a message: quoted, or a placeholder."""
    return repr(name) if looks_like_a_name(name) else "'(a name that is not printable)'"


#: Data, not a column name: a date or a number (a data row the CSV sniffer took for the
#: header), a token-like run of 20 letters and digits, or JSON or ``key=value`` punctuation
#: (a file that is not a table, such as a secrets file).
_VALUE = re.compile(r"\s*\d|.*(?:[A-Za-z0-9]{20,}|[{}\[\]\"'=<>])")


def describe_columns(available: Sequence[str]) -> str:
    """The columns for a message: their names when they look like a header (at least three,
    each short and printable, none that looks like data), else only how many there are."""
    if (
        3 <= len(available) <= _MAX_SHOWN
        and all(looks_like_a_name(c) for c in available)
        and not any(_VALUE.match(c) for c in available)
    ):
        return "columns are " + ", ".join(available)
    return (
        f"the file has {len(available)} column{'s' if len(available) != 1 else ''}, "
        "whose names are not shown as they do not look like a header"
    )


def find_column(available: Sequence[str], names: Sequence[str]) -> str | None:
    """The first of ``names`` the file has: exactly, else ignoring case."""
    lowered = {c.lower(): c for c in available}
    for name in names:
        if name in available:
            return name
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


@dataclass(frozen=True)
class TableFile:
    """One opened file: its index (``{file<index>}`` in the SQL), kind, columns, and the
    name of the column numbering its records (1 for the first; a name the file lacks)."""

    index: int
    path: str
    kind: str
    columns: tuple[str, ...]
    row_column: str

    @property
    def row(self) -> str:
        """SQL for the row a reader sees: CSV counts the header as row 1."""
        return f"{self.row_column} + 1" if self.kind == "csv" else self.row_column


def row_column(columns: Sequence[str]) -> str:
    """A column name the file does not have, for its record numbers."""
    name = "jm_row"
    lowered = {c.lower() for c in columns}
    while name in lowered:
        name += "_"
    return name
