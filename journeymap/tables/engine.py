"""The table engine: one protocol, DuckDB (one machine) or Spark (:mod:`.spark`) behind it,
configured from :class:`~journeymap.specs.EngineSettings` in one place (:func:`open_engine`).

Every source's stages speak to an :class:`Engine` in SQL written once, in DuckDB's dialect
(Spark transpiles it with sqlglot): ``run`` a statement, fetch ``rows``, materialise a
``table``, name a ``view``, load a ``small`` table from Python rows, ``guard`` a stage (an
engine error becomes the source's error without the engine's text). Files are opened with
:meth:`Engine.open_file` (their columns and a row-number column) and appear in the SQL as
``{file0}``, ``{file1}``...; :meth:`Engine.source` names a relation over them ``{src}``
(DuckDB: inlined where used, so the files are read where needed and never copied; Spark: a
temporary view). Paths are query parameters (DuckDB) or reader arguments (Spark), never SQL.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from ..exceptions import UsageError
from ..specs import EngineSettings, is_url
from .errors import failure
from .files import Subject, TableFile, format_of, literal_path, row_column

__all__ = [
    "SETTINGS",
    "DuckEngine",
    "Engine",
    "TableFile",
    "count",
    "first",
    "open_engine",
    "split_settings",
]

_READERS = {
    "parquet": "read_parquet(${p}{extra})",
    "csv": "read_csv(${p}, header = true, all_varchar = true)",
    "jsonl": "read_json_auto(${p}, format = 'newline_delimited')",
}
#: The fields of :class:`~journeymap.specs.EngineSettings`, as keyword arguments.
SETTINGS = ("engine", "timezone", "memory_limit", "threads", "master")
_PLACE = re.compile(r"\{(src|file\d+)\}")
_PARAM = re.compile(r"\$(p\d+)")


class Engine(Protocol):
    """What the stages need from an engine (see the module docs)."""

    name: str
    subject: Subject

    def open_file(self, index: int, path: str) -> TableFile:
        """Open one file as ``{file<index>}``: its columns and row numbers."""

    def source(self, sql: str) -> None:
        """Name the query (over the files) ``{src}``."""

    def run(self, sql: str) -> None:
        """Execute a statement."""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Every row a query returns."""

    def table(self, name: str, sql: str) -> None:
        """Materialise the query as the temporary table ``name``."""

    def view(self, name: str, sql: str) -> None:
        """Name the query as the temporary view ``name`` (computed where used)."""

    def drop(self, name: str) -> None:
        """Forget the temporary table ``name``."""

    def small(self, name: str, columns: Sequence[tuple[str, str]], data: Sequence[Any]) -> None:
        """A temporary table from Python rows; ``columns`` are (name, SQL type) pairs."""

    def guard(self, where: str, stage: str) -> Any:
        """A context manager turning an engine error in ``stage`` into the source's error."""


class DuckEngine:
    """DuckDB on one connection (see the module docs)."""

    name = "duckdb"

    def __init__(self, con: Any, duckdb: Any, subject: Subject) -> None:
        self.con = con
        self.duckdb = duckdb
        self.subject = subject
        self.params: dict[str, str] = {}
        self.relations: dict[str, str] = {}

    def open_file(self, index: int, path: str) -> TableFile:
        kind = format_of(path, self.subject)
        if is_url(path):
            msg = (
                f"{path}: no such {self.subject.what} file on this machine (DuckDB reads local "
                "files; a URL needs engine 'spark')"
            )
            raise UsageError(msg, parameter=self.subject.parameter)
        key = f"p{index}"
        self.params[key] = literal_path(path)
        reader = _READERS[kind].format(p=key, extra="")
        with self.guard(path, f"reading the columns of the {kind} file"):
            described = self.con.execute(
                "DESCRIBE SELECT * FROM " + reader, {key: self.params[key]}
            ).fetchall()
        columns = tuple(str(d[0]) for d in described)
        row = row_column(columns)
        if kind == "parquet" and "file_row_number" not in columns:
            numbered = _READERS[kind].format(p=key, extra=", file_row_number = true")
            rel = f"SELECT *, file_row_number + 1 AS {row} FROM {numbered}"
        else:
            # a file's own column may carry the reader's name: number the rows instead
            rel = f"SELECT *, row_number() OVER () AS {row} FROM {reader}"
        self.relations[f"file{index}"] = f"({rel})"
        return TableFile(index, path, kind, columns, row)

    def source(self, sql: str) -> None:
        self.relations["src"] = f"({sql})"

    def _text(self, sql: str) -> str:
        while _PLACE.search(sql):
            sql = _PLACE.sub(lambda m: self.relations[m.group(1)], sql)
        return sql

    def _exec(self, sql: str) -> Any:
        text = self._text(sql)
        used = dict.fromkeys(_PARAM.findall(text))
        return self.con.execute(text, {k: self.params[k] for k in used} if used else None)

    def run(self, sql: str) -> None:
        self._exec(sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self._exec(sql).fetchall())

    def table(self, name: str, sql: str) -> None:
        self._exec(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self._exec(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def small(self, name: str, columns: Sequence[tuple[str, str]], data: Sequence[Any]) -> None:
        spec = ", ".join(f"{c} {t}" for c, t in columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({spec})")
        if data:
            marks = ", ".join("?" for _ in columns)
            self.con.executemany(f"INSERT INTO {name} VALUES ({marks})", list(data))

    @contextmanager
    def guard(self, where: str, stage: str) -> Iterator[None]:
        try:
            yield
        except self.duckdb.Error as err:
            raise failure(err, where, stage, self.subject) from None


def _connect(duckdb: Any, workdir: str, settings: EngineSettings) -> Any:
    """An in-memory connection that spills to ``workdir`` beyond the memory limit.

    Settings go in as configuration values, not SQL; the time zone (which DuckDB only
    accepts through ``SET``) is a known IANA name of plain characters (checked by
    :class:`~journeymap.specs.EngineSettings`) written as a literal.
    """
    config: dict[str, Any] = {
        "memory_limit": settings.memory_limit,
        "temp_directory": workdir,
        "preserve_insertion_order": True,
    }
    if settings.threads:
        config["threads"] = int(settings.threads)
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error:
        msg = (
            f"memory_limit: DuckDB does not accept {settings.memory_limit!r}; "
            "write it as '1GB' or '512MB'"
        )
        raise UsageError(msg, parameter="memory_limit") from None
    # DuckDB draws a progress bar on stdout for long queries: it would corrupt JSON output
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute("SET TimeZone = '" + settings.zone.replace("'", "''") + "'")
    except duckdb.Error:
        con.close()
        msg = (
            f"timezone: DuckDB does not know the time zone {settings.zone!r}; "
            "use an IANA name such as 'America/New_York'"
        )
        raise UsageError(msg, parameter="timezone") from None
    return con


@contextmanager
def open_engine(settings: EngineSettings, subject: Subject) -> Iterator[Engine]:
    """The engine ``settings`` name, for one read of one source; closed afterwards (DuckDB:
    a connection spilling to a private temporary directory; Spark: the active session, or a
    new one on ``settings.master``, its tables forgotten afterwards)."""
    if settings.engine == "spark":
        from .spark import SparkEngine, session

        spark = SparkEngine(session(settings.master, settings.zone), subject)
        try:
            yield spark
        finally:
            spark.close()
        return
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is in the test environment
        msg = f"reading a {subject.what} needs DuckDB: pip install 'journeymap[events]'"
        raise subject.error(msg) from err
    with tempfile.TemporaryDirectory(prefix="journeymap-tables-") as workdir:
        con = _connect(duckdb, workdir, settings)
        try:
            yield DuckEngine(con, duckdb, subject)
        finally:
            con.close()


def split_settings(options: Mapping[str, Any]) -> tuple[EngineSettings, dict[str, Any]]:
    """Keyword arguments of a convenience reader: the engine settings among them, and the
    rest (the source's spec)."""
    settings = EngineSettings(**{k: v for k, v in options.items() if k in SETTINGS})
    return settings, {k: v for k, v in options.items() if k not in SETTINGS}


def first(engine: Engine, sql: str) -> tuple[Any, ...]:
    """The first row of a query (a query that always returns one)."""
    out = engine.rows(sql)
    if not out:  # pragma: no cover - aggregates without GROUP BY return one row
        msg = "a query returned no row"
        raise engine.subject.error(msg)
    return out[0]


def count(engine: Engine, sql: str) -> int:
    """The single integer a ``SELECT count(*)`` query returns."""
    value = first(engine, sql)[0]
    return int(value) if value is not None else 0
