"""Files, the DuckDB connection, and DuckDB errors turned into safe messages.

Paths reach DuckDB as query parameters, never as SQL text; glob characters in the name of a
file that exists are escaped so that DuckDB reads that file and no other. Column names are
quoted as identifiers. DuckDB's own error texts may quote the data, so they never reach a
message: :func:`guard` names the file, the stage that failed and a fix.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from .. import tabular
from ..exceptions import FeedbackError
from ..tabular import MAX_NAME, ident, literal_path, looks_like_a_name

__all__ = [
    "MAX_NAME",
    "connect",
    "count",
    "format_of",
    "guard",
    "ident",
    "literal_path",
    "looks_like_a_name",
    "reader",
    "resolve_files",
    "rows",
]

#: Longest value shown as a name (an unknown touchpoint value, a segment).

_READERS = {
    "parquet": "read_parquet(${p}{extra})",
    "csv": "read_csv(${p}, header = true, all_varchar = true)",
    "jsonl": "read_json_auto(${p}, format = 'newline_delimited')",
}

_KINDS: dict[str, tuple[str, str]] = {
    "OutOfMemoryException": ("DuckDB ran out of memory", "split the file or free memory"),
    "IOException": ("the file could not be read", "check that it exists and is readable"),
    "InvalidInputException": (
        "the file is malformed (a line with the wrong number of fields, bad quoting, "
        "bad encoding or broken JSON)",
        "fix or remove the bad lines, or export the responses as Parquet",
    ),
    "ConversionException": ("a value could not be converted", "export the columns as text"),
}
_OTHER = ("DuckDB could not process it", "check that the file holds one response per row")


def resolve_files(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The response files to read (see :func:`journeymap.tabular.resolve_files`)."""
    return tabular.resolve_files(paths, what="feedback", parameter="feedback")


def format_of(path: str) -> str:
    """``"parquet"``, ``"csv"`` or ``"jsonl"``, from the file's extension."""
    return tabular.format_of(path, what="feedback file", parameter="feedback")


def reader(kind: str, index: int, *, row_numbers: bool) -> str:
    """The table function reading file parameter ``$p{index}``."""
    extra = ", file_row_number = true" if row_numbers else ""
    return _READERS[kind].format(p=f"p{index}", extra=extra)


def connect(duckdb: Any, workdir: str) -> Any:
    """An in-memory connection in UTC that spills to ``workdir``."""
    con = duckdb.connect(
        config={"temp_directory": workdir, "preserve_insertion_order": True, "memory_limit": "1GB"}
    )
    con.execute("SET TimeZone = 'UTC'")
    return con


def _kind(err: BaseException) -> tuple[str, str]:
    for cls in type(err).__mro__:
        if cls.__name__ in _KINDS:
            return _KINDS[cls.__name__]
    return _OTHER


@contextmanager
def guard(duckdb: Any, where: str, stage: str) -> Iterator[None]:
    """Turn a DuckDB error in ``stage`` into a :class:`FeedbackError` without its text (and
    without keeping it as the cause, so no traceback shows it)."""
    try:
        yield
    except duckdb.Error as err:
        what, fix = _kind(err)
        msg = f"{where}: {stage} failed: {what}; {fix}"
        raise FeedbackError(msg) from None


def count(con: Any, sql: str, params: Mapping[str, Any] | None = None) -> int:
    """The single integer a ``SELECT count(*)`` query returns."""
    row = con.execute(sql, params or {}).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def rows(con: Any, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Every row a query returns."""
    return list(con.execute(sql, params or {}).fetchall())
