"""Engines: where the SQL of the stages runs. The SQL is written once, in DuckDB's dialect.

Every stage speaks to an :class:`Engine`: ``run`` a statement, fetch ``rows``, materialise a
``table`` (``CREATE TEMP TABLE name AS SELECT``), load a ``small`` table from Python rows, and
``guard`` a stage (an engine error becomes an :class:`EventLogError` without the engine's
text, which may quote data). The input rows are the relation ``{src}`` in the SQL: each
engine substitutes its own reader (DuckDB: one SELECT over every file with the paths as
parameters; Spark: a temporary view).

:class:`DuckEngine` runs the text as it is. The Spark engine (:mod:`._spark`) transpiles the
same text with sqlglot; the stages therefore use only SQL that both dialects share or that
sqlglot translates (checked by ``tests/test_spark_engine.py``): no DuckDB lists, no named
windows, no ``GROUP BY ALL``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from ..exceptions import EventLogError
from ._db import failure

__all__ = ["DAY_US", "DuckEngine", "Engine", "count", "days", "first", "quantiles"]

#: Microseconds in a day: times are integer microseconds since the epoch in the SQL.
DAY_US = 86_400_000_000.0


def quantiles(x: str) -> str:
    """Median and p90 (linear interpolation, one exact quantile aggregate) and mean of ``x``
    (microseconds); :func:`days` turns the two values into (median, p90, mean) in days."""
    return f"quantile_cont({x}, [0.5, 0.9]), avg({x})"


def days(pair: Any, mean: Any) -> tuple[float | None, float | None, float | None]:
    """(median, p90, mean) in days from what :func:`quantiles` returned."""
    if pair is None or mean is None:
        return None, None, None
    return float(pair[0]) / DAY_US, float(pair[1]) / DAY_US, float(mean) / DAY_US


class Engine(Protocol):
    """What the stages need from an engine (see the module docs)."""

    name: str

    def run(self, sql: str) -> None:
        """Execute a statement (``{src}`` stands for the input rows)."""

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

    @contextmanager
    def guard(self, where: str, stage: str) -> Iterator[None]:
        """Turn an engine error in ``stage`` into an :class:`EventLogError`."""
        yield  # pragma: no cover - protocol


class DuckEngine:
    """DuckDB on one connection; ``src`` is the source SELECT, ``params`` its paths."""

    name = "duckdb"

    def __init__(self, con: Any, duckdb: Any, src: str, params: dict[str, str]) -> None:
        self.con = con
        self.duckdb = duckdb
        self.src = src
        self.params = params

    def _exec(self, sql: str) -> Any:
        if "{src}" in sql:
            return self.con.execute(sql.replace("{src}", f"({self.src})"), self.params)
        return self.con.execute(sql)

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
            raise failure(err, where, stage) from None


def first(engine: Engine, sql: str) -> tuple[Any, ...]:
    """The first row of a query (a query that always returns one)."""
    out = engine.rows(sql)
    if not out:  # pragma: no cover - aggregates without GROUP BY return one row
        msg = "a query returned no row"
        raise EventLogError(msg)
    return out[0]


def count(engine: Engine, sql: str) -> int:
    """The single integer a ``SELECT count(*)`` query returns."""
    value = first(engine, sql)[0]
    return int(value) if value is not None else 0
