"""The Spark engine: the stages' SQL (DuckDB's dialect) transpiled with sqlglot, run by Spark.

Nothing here restates a statistic: every source runs the same SQL text on both engines;
this module only reads the files into temporary views (``{file0}``...: the file's columns
and its record numbers) and translates each statement:

- sqlglot transpiles DuckDB to Spark SQL (``1 << x`` to ``SHIFTLEFT``, ``IS DISTINCT FROM``
  to ``<=>``, ``NULLS LAST`` made explicit where DuckDB's default differs);
- exact quantiles: ``median(x)`` and ``quantile_cont(x, p)`` become Spark's exact
  ``percentile(x, p)`` (linear interpolation, as DuckDB), never ``percentile_approx``;
- ``hash(...)`` becomes ``xxhash64(...)`` (64 bits: Spark's ``hash`` has 32, too few for
  millions of case ids), ``epoch_us(t)`` becomes ``unix_micros(t)`` and
  ``to_timestamp(seconds)`` becomes ``timestamp_seconds(seconds)`` (microseconds kept);
- ``CREATE TEMP TABLE x AS SELECT`` becomes ``CACHE TABLE x AS SELECT``.

Records are numbered as DuckDB numbers them (the first record is 1):
``monotonically_increasing_id()`` keeps a file's order, and the size of each of its
partitions, counted once, turns it into the record's number.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..exceptions import UsageError
from .errors import spark_failure
from .files import Subject, TableFile, format_of, row_column

__all__ = ["SparkEngine", "session", "to_spark"]

_PREFIX = "journeymap_"
_PLACE = re.compile(r"\{(src|file\d+)\}")
#: monotonically_increasing_id(): the partition in the upper 31 bits, the record below.
_PART_BITS = 33


def to_spark(sql: str) -> str:
    """The DuckDB SQL of a stage in Spark's dialect (see the module docs)."""
    import sqlglot
    from sqlglot import exp

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Median):
            half = exp.Literal.number(0.5)
            return exp.Anonymous(this="PERCENTILE", expressions=[node.this, half])
        if isinstance(node, exp.PercentileCont | exp.Quantile):
            # a list of fractions, [0.5, 0.9], is an ARRAY: percentile then returns an array
            return exp.Anonymous(
                this="PERCENTILE", expressions=[node.this, node.args.get("expression")]
            )
        if isinstance(node, exp.UnixToTime):
            return exp.Anonymous(this="TIMESTAMP_SECONDS", expressions=[node.this])
        if isinstance(node, exp.Anonymous):
            name = str(node.this).upper()
            if name == "HASH":
                return exp.Anonymous(this="XXHASH64", expressions=node.expressions)
            if name == "EPOCH_US":
                return exp.Anonymous(this="UNIX_MICROS", expressions=node.expressions)
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(fix)
    return tree.sql(dialect="spark")


def session(master: str | None, timezone: str) -> Any:
    """The active Spark session, or a new one on ``master``; its time zone set.

    ``master`` None: the master ``spark-submit`` set, else ``local[*]``.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        msg = "engine: 'spark' needs PySpark: pip install 'journeymap[spark]'"
        raise UsageError(msg, parameter="log_engine") from err
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"  # not under spark-submit, which sets its own
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    builder = (
        builder.appName("journeymap")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", timezone)
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.conf.set("spark.sql.session.timeZone", timezone)
    if str(spark.sparkContext.master or "").startswith("local"):
        # one machine: a few shuffle partitions, not the cluster default of 200
        spark.conf.set("spark.sql.shuffle.partitions", "4")
    return spark


class SparkEngine:
    """A Spark session running the stages' SQL (see the module docs)."""

    name = "spark"

    def __init__(self, spark: Any, subject: Subject) -> None:
        self.spark = spark
        self.subject = subject
        self.tables: list[str] = []

    def _sql(self, sql: str) -> str:
        return to_spark(_PLACE.sub(lambda m: _PREFIX + m.group(1), sql))

    def open_file(self, index: int, path: str) -> TableFile:
        kind = format_of(path, self.subject)
        with self.guard(path, f"reading the columns of the {kind} file"):
            frame = _numbered(self.spark, path, kind)
        columns = tuple(frame.columns[:-1])
        row = row_column(columns)
        frame.withColumnRenamed(frame.columns[-1], row).createOrReplaceTempView(
            f"{_PREFIX}file{index}"
        )
        self.tables.append(f"{_PREFIX}file{index}")
        return TableFile(index, path, kind, columns, row)

    def source(self, sql: str) -> None:
        self.view(f"{_PREFIX}src", sql)

    def run(self, sql: str) -> None:
        self.spark.sql(self._sql(sql)).collect()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(self._sql(sql)).collect()]

    def table(self, name: str, sql: str) -> None:
        self.drop(name)
        self.spark.sql(f"CACHE TABLE {name} AS {self._sql(sql)}")
        self.tables.append(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {self._sql(sql)}")
        self.tables.append(name)

    def drop(self, name: str) -> None:
        if self.spark.catalog.tableExists(name):
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        self.spark.catalog.dropTempView(name)

    def small(self, name: str, columns: Sequence[tuple[str, str]], data: Sequence[Any]) -> None:
        types = {"VARCHAR": "STRING", "INTEGER": "INT"}
        schema = ", ".join(f"{c} {types.get(t, t)}" for c, t in columns)
        self.spark.createDataFrame(list(data), schema).createOrReplaceTempView(name)
        self.tables.append(name)

    def close(self) -> None:
        """Forget every table and view of this run (the session stays for the next).

        Best effort: after a failed job the session may be unusable, and the error that
        matters is the stage's, already raised."""
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        for name in reversed(self.tables):
            try:
                self.drop(name)
            except (PySparkException, Py4JError):
                continue

    @contextmanager
    def guard(self, where: str, stage: str) -> Iterator[None]:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        try:
            yield
        except (PySparkException, Py4JError) as err:
            raise spark_failure(err, where, stage, self.subject) from None


def _numbered(spark: Any, path: str, kind: str) -> Any:
    """One file's frame with its record number (1 for the first) as the last column."""
    from pyspark.sql import functions as F

    if kind == "parquet":
        frame = spark.read.parquet(path)
    elif kind == "csv":
        sep = "\t" if path.lower().endswith(".tsv") else ","
        frame = spark.read.option("header", True).option("sep", sep).csv(path)
    else:
        frame = spark.read.json(path)
    mid = "__journeymap_mid"
    base = frame.withColumn(mid, F.monotonically_increasing_id())
    part = F.shiftright(F.col(mid), _PART_BITS)
    sizes = sorted(base.groupBy(part.alias("p")).count().collect())
    offset: Any = F.lit(0).cast("bigint")
    seen = 0
    for p, n in sizes:
        offset = F.when(part == int(p), F.lit(seen)).otherwise(offset)
        seen += int(n)
    row = offset + F.col(mid).bitwiseAND((1 << _PART_BITS) - 1) + 1
    return base.withColumn(mid, row.cast("bigint"))
