"""Input files of the table engines (event logs, A-11 responses): which files, which format,
and how their names reach SQL and messages safely.

Both engines use these, so a file named ``log[1].csv``, a glob, a quoted column name or a
secrets file given by mistake are handled the same way everywhere.
"""

from __future__ import annotations

import glob as globmod
import os
from collections.abc import Sequence
from pathlib import Path

from .exceptions import UsageError

__all__ = [
    "MAX_NAME",
    "format_of",
    "ident",
    "literal_path",
    "looks_like_a_name",
    "resolve_files",
]

#: The longest column or label name shown in a message or an output.
MAX_NAME = 64


def resolve_files(
    paths: Sequence[str | os.PathLike[str]], *, what: str, parameter: str
) -> list[str]:
    """The files to read, in order. A name that exists is that file, even with ``*?[`` in it;
    otherwise a name with those characters is a pattern and expands to its matches, sorted.

    ``what`` names the kind of file in messages ("event log"); ``parameter`` is the library
    parameter the paths came from (for :class:`UsageError`).

    >>> resolve_files(["no-such-*.csv"], what="event log", parameter="paths")
    Traceback (most recent call last):
    ...
    journeymap.exceptions.UsageError: no-such-*.csv: no event log file matches this pattern
    """
    files: list[str] = []
    for raw in paths:
        text = os.fspath(raw)
        if Path(text).is_file():
            files.append(text)
        elif any(ch in text for ch in "*?["):
            found = sorted(p for p in globmod.glob(text) if Path(p).is_file())
            if not found:
                msg = f"{text}: no {what} file matches this pattern"
                raise UsageError(msg, parameter=parameter)
            files += found
        else:
            msg = f"{text}: no such {what} file"
            raise UsageError(msg, parameter=parameter)
    if not files:
        msg = f"no {what} files given; pass at least one path"
        raise UsageError(msg, parameter=parameter)
    return files


def format_of(path: str, *, what: str, parameter: str) -> str:
    """``"parquet"``, ``"csv"`` or ``"jsonl"``, from the file's extension.

    >>> format_of("claims.PARQUET", what="event log", parameter="paths")
    'parquet'
    """
    low = path.lower()
    if low.endswith((".parquet", ".pq")):
        return "parquet"
    if low.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if low.endswith((".csv", ".tsv", ".txt", ".csv.gz")):
        return "csv"
    msg = f"{path}: unknown {what} format (use .parquet, .csv or .jsonl)"
    raise UsageError(msg, parameter=parameter)


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
