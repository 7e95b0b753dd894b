"""Input columns of an event log: which column plays which role in each file, and the source
rows ``{src}`` over every file (on either engine: see :mod:`journeymap.tables.engine`).

Column names are quoted as identifiers. A column-name list is shown in a message only when
it looks like a header (:func:`journeymap.tables.files.describe_columns`): a file that is
not an event log never has its content echoed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..exceptions import EventLogError
from ..observed import ColumnMap
from ..tables.engine import Engine
from ..tables.files import TableFile, describe_columns, find_column, ident, shown_name
from ..tables.rows import open_files

__all__ = ["DEFAULT_COLUMNS", "Source", "open_source", "pick_columns", "segment_column"]

#: Column names tried, in order, when a column is not named explicitly.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "case", "caseid", "case id", "application_id"),
    "activity": ("concept:name", "activity", "step", "event", "activity_name"),
    "timestamp": ("time:timestamp", "timestamp", "ts", "time", "event_time", "datetime"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "status"),
}


@dataclass(frozen=True)
class Source:
    """The rows of every file as ``(f, r, c, a, t, lc[, g])``, named ``{src}``: one SELECT
    per file (``parts``), whether a lifecycle column was found, the segment column asked for.

    ``f`` is the file's index, ``r`` its row (CSV: the line, header = 1; Parquet and JSON
    Lines: 1 for the first record), ``c`` the case id and ``a`` the activity as text, ``t``
    the timestamp (NULL where it does not parse) and ``lc`` the lowered lifecycle or NULL.
    """

    parts: tuple[str, ...]
    lifecycle: bool
    segment: str | None = None


def pick_columns(path: str, available: Sequence[str], cols: ColumnMap) -> dict[str, str | None]:
    """The column playing each role: the one given, else the first default name present."""
    out: dict[str, str | None] = {}
    for role in ("case", "activity", "timestamp", "lifecycle"):
        given = getattr(cols, role)
        if given is not None:
            if given not in available:
                msg = (
                    f"{path}: no column {shown_name(given)} for the {role} "
                    f"({describe_columns(available)}); fix the column map"
                )
                raise EventLogError(msg)
            out[role] = given
            continue
        found = find_column(available, DEFAULT_COLUMNS[role])
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
    found = find_column(available, (by, f"case:{by}"))
    if found is None:
        msg = (
            f"{path}: no column {shown_name(by)} to segment by ({describe_columns(available)}); "
            "name a column of the log"
        )
        raise EventLogError(msg)
    return found


def _select(file: TableFile, roles: dict[str, str | None]) -> str:
    """The SELECT reading one file into the source columns."""

    def column(role: str) -> str:
        name = roles[role]
        assert name is not None  # pick_columns raises for a missing required column
        return ident(name)

    lifecycle = roles["lifecycle"]
    lc = f"lower(CAST({ident(lifecycle)} AS VARCHAR))" if lifecycle else "NULL::VARCHAR"
    stamp = column("timestamp")
    if file.kind == "csv":
        # DuckDB pushes a bare TRY_CAST into the CSV reader, which then fails on a bad value
        stamp = f"nullif({stamp}, '')"
    return (
        f"SELECT {file.index} AS f, {file.row} AS r, CAST({column('case')} AS VARCHAR) AS c, "
        f"CAST({column('activity')} AS VARCHAR) AS a, "
        f"TRY_CAST({stamp} AS TIMESTAMPTZ) AS t, {lc} AS lc"
        + (f", CAST({column('segment')} AS VARCHAR) AS g" if roles.get("segment") else "")
        + f" FROM {{file{file.index}}}"
    )


def open_source(
    engine: Engine, files: Sequence[str], cols: ColumnMap, by: str | None = None
) -> Source:
    """Open every file, pick its columns (and the segment column ``by``) and name the
    SELECT over all of them ``{src}``."""
    parts: list[str] = []
    lifecycle = False
    for file in open_files(engine, files):
        roles = pick_columns(file.path, file.columns, cols)
        if by is not None:
            roles["segment"] = segment_column(file.path, file.columns, by)
        lifecycle = lifecycle or roles["lifecycle"] is not None
        parts.append(_select(file, roles))
    engine.source(" UNION ALL ".join(parts))
    return Source(tuple(parts), lifecycle, by)
