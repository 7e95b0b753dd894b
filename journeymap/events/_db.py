"""The DuckDB connection: validated settings, and DuckDB errors turned into safe messages.

DuckDB's own error texts may quote the data (a malformed CSV error prints the offending line,
case id included), so they never reach a message: :func:`guard` names the file, the stage
that failed and a fix, and keeps only the kind of error (its class, which holds no data).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..exceptions import EventLogError, UsageError

__all__ = [
    "MAX_VALUE_CHARS",
    "check_options",
    "connect",
    "count",
    "failure",
    "guard",
    "rows",
]

#: Case ids and activity names longer than this are rejected rows (a hostile file can hold
#: megabyte-long values that compress to a few bytes; they are never materialised).
MAX_VALUE_CHARS = 1000

_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-/]{0,63}")
_MEMORY = re.compile(r"\d{1,9}(\.\d{1,3})?\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)

# What each kind of DuckDB error means for the user, and what to do about it.
_KINDS: dict[str, tuple[str, str]] = {
    "OutOfMemoryException": (
        "DuckDB ran out of memory",
        "raise memory_limit, or free disk space in the temporary directory for spilling",
    ),
    "IOException": ("the file could not be read", "check that it exists and is readable"),
    "InvalidInputException": (
        "the file is malformed (a line with the wrong number of fields, bad quoting, "
        "bad encoding or broken JSON)",
        "fix or remove the bad lines, or export the log as Parquet",
    ),
    "ConversionException": (
        "a value could not be converted",
        "export the columns as text or as a timestamp type",
    ),
}
_OTHER = ("DuckDB could not process it", "check that the file is an event log in its format")


def check_options(
    *, timezone: str, memory_limit: str, threads: int | None, cutoff_days: float, min_cell: int
) -> None:
    """Raise :class:`UsageError` naming the parameter for a bad option."""
    try:
        ZoneInfo(timezone)
        known = _ZONE.fullmatch(timezone) is not None
    except (ZoneInfoNotFoundError, ValueError):
        known = False
    if not known:
        msg = (
            f"timezone: unknown time zone {timezone!r}; use an IANA name such as 'America/New_York'"
        )
        raise UsageError(msg, parameter="timezone")
    if not _MEMORY.fullmatch(memory_limit):
        msg = (
            f"memory_limit: {memory_limit!r} is not an amount of memory; "
            "write it as '1GB' or '512MB'"
        )
        raise UsageError(msg, parameter="memory_limit")
    if threads is not None and not 1 <= threads <= 1024:
        msg = (
            f"threads: {threads!r} is not a number of threads; use 1 to 1024, or None for all cores"
        )
        raise UsageError(msg, parameter="threads")
    if not math.isfinite(cutoff_days) or cutoff_days < 0:
        msg = f"cutoff_days: {cutoff_days!r} must be a finite number of days, 0 or more"
        raise UsageError(msg, parameter="cutoff_days")
    if min_cell < 1:
        msg = f"min_cell: {min_cell!r} must be at least 1"
        raise UsageError(msg, parameter="min_cell")


def connect(
    duckdb: Any, *, workdir: str, timezone: str, memory_limit: str, threads: int | None
) -> Any:
    """An in-memory connection that spills to ``workdir`` beyond ``memory_limit``.

    Settings go in as configuration values, not SQL; the time zone (which DuckDB only accepts
    through ``SET``) has been validated by :func:`check_options` and is written as a literal.
    """
    config: dict[str, Any] = {
        "memory_limit": memory_limit,
        "temp_directory": workdir,
        "preserve_insertion_order": True,
    }
    if threads:
        config["threads"] = int(threads)
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error:
        msg = f"memory_limit: DuckDB does not accept {memory_limit!r}; write it as '1GB' or '512MB'"
        raise UsageError(msg, parameter="memory_limit") from None
    # DuckDB draws a progress bar on stdout for long queries: it would corrupt JSON output
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute("SET TimeZone = '" + timezone.replace("'", "''") + "'")
    except duckdb.Error:
        con.close()
        msg = (
            f"timezone: DuckDB does not know the time zone {timezone!r}; "
            "use an IANA name such as 'America/New_York'"
        )
        raise UsageError(msg, parameter="timezone") from None
    return con


def _kind(err: BaseException) -> tuple[str, str]:
    for cls in type(err).__mro__:
        if cls.__name__ in _KINDS:
            return _KINDS[cls.__name__]
    return _OTHER


def failure(err: BaseException, where: str, stage: str) -> EventLogError:
    """The :class:`EventLogError` for a DuckDB error in ``stage``, without DuckDB's text."""
    what, fix = _kind(err)
    return EventLogError(f"{where}: {stage} failed: {what}; {fix}")


@contextmanager
def guard(duckdb: Any, where: str, stage: str) -> Iterator[None]:
    """Turn a DuckDB error in ``stage`` into an :class:`EventLogError` without its text.

    The error is raised ``from None``: DuckDB's message (which may quote data) is not kept
    as the cause either, so no traceback shows it.
    """
    try:
        yield
    except duckdb.Error as err:
        raise failure(err, where, stage) from None


def count(con: Any, sql: str, params: Mapping[str, Any] | None = None) -> int:
    """The single integer a ``SELECT count(*)`` query returns."""
    row = con.execute(sql, params or {}).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def rows(con: Any, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> list[Any]:
    """Every row a query returns."""
    return list(con.execute(sql, params or {}).fetchall())
