"""The Spark engine: the stages' SQL (DuckDB's dialect) transpiled with sqlglot, run by Spark.

Nothing here restates a statistic: :func:`journeymap.events._run.run_stages` runs the same
SQL text on both engines; this module only reads the files into a temporary view (the
``{src}`` of the SQL: file index ``f``, row ``r``, case ``c``, activity ``a``, timestamp
``t``, lifecycle ``lc``) and translates each statement:

- sqlglot transpiles DuckDB to Spark SQL (``1 << x`` to ``SHIFTLEFT``, ``IS DISTINCT FROM``
  to ``<=>``, ``NULLS LAST`` made explicit where DuckDB's default differs);
- exact quantiles: ``median(x)`` and ``quantile_cont(x, p)`` become Spark's exact
  ``percentile(x, p)`` (linear interpolation, as DuckDB), never ``percentile_approx``;
- ``hash(...)`` becomes ``xxhash64(...)`` (64 bits: Spark's ``hash`` has 32, too few for
  millions of case ids) and ``epoch_us(t)`` becomes ``unix_micros(t)``;
- ``CREATE TEMP TABLE x AS SELECT`` becomes ``CACHE TABLE x AS SELECT``.

Rows are numbered as DuckDB numbers them (CSV: the header is row 1; Parquet and JSON Lines:
the first record is row 1): ``monotonically_increasing_id()`` keeps a file's order, and the
size of each of its partitions, counted once, turns it into the record's number.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..exceptions import EventLogError, UsageError
from ..observed import ColumnMap, ObservedLog
from ._inputs import format_of, pick_columns, resolve_files
from ._run import Request, run_stages

__all__ = ["SparkEngine", "read_with_spark", "session", "to_spark"]

_SRC = "journeymap_src"
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

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self.tables: list[str] = []

    def _sql(self, sql: str) -> Any:
        return self.spark.sql(to_spark(sql.replace("{src}", _SRC)))

    def run(self, sql: str) -> None:
        self._sql(sql).collect()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._sql(sql).collect()]

    def table(self, name: str, sql: str) -> None:
        self.drop(name)
        self.spark.sql(f"CACHE TABLE {name} AS {to_spark(sql.replace('{src}', _SRC))}")
        self.tables.append(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(
            f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {to_spark(sql.replace('{src}', _SRC))}"
        )
        self.tables.append(name)

    def drop(self, name: str) -> None:
        if self.spark.catalog.tableExists(name):
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        self.spark.catalog.dropTempView(name)

    def small(self, name: str, columns: Sequence[tuple[str, str]], data: Sequence[Any]) -> None:
        types = {"VARCHAR": "STRING", "INTEGER": "INT"}
        schema = ", ".join(f"{c} {types.get(t, t)}" for c, t in columns)
        frame = self.spark.createDataFrame(list(data), schema)
        frame.createOrReplaceTempView(name)
        self.tables.append(name)

    def close(self) -> None:
        """Forget every table and view of this run (the session stays for the next).

        Best effort: after a failed job the session may be unusable, and the error that
        matters is the stage's, already raised."""
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        for name in reversed([_SRC, *self.tables]):
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
            kind = type(err).__name__
            msg = (
                f"{where}: {stage} failed: Spark could not process it ({kind}); check that "
                "the file is an event log in its format and that Spark can reach it"
            )
            raise EventLogError(msg) from None


def _paths(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Local files resolved as DuckDB resolves them; URLs (hdfs://, s3a://...) as given."""
    local = [p for p in paths if "://" not in os.fspath(p)]
    remote = [os.fspath(p) for p in paths if "://" in os.fspath(p)]
    return (resolve_files(local) if local else []) + remote


def _read(spark: Any, index: int, path: str, cols: ColumnMap) -> tuple[Any, bool]:
    """One file as the source columns, rows numbered as DuckDB numbers them."""
    from pyspark.sql import functions as F

    kind = format_of(path)
    if kind == "parquet":
        frame = spark.read.parquet(path)
    elif kind == "csv":
        sep = "\t" if path.lower().endswith(".tsv") else ","
        frame = spark.read.option("header", True).option("sep", sep).csv(path)
    else:
        frame = spark.read.json(path)
    roles = pick_columns(path, frame.columns, cols)

    def col(role: str) -> Any:
        name = roles[role]
        assert name is not None
        return F.col("`" + name.replace("`", "``") + "`")

    stamp = F.try_to_timestamp(col("timestamp").cast("string"))
    if dict(frame.dtypes)[str(roles["timestamp"])].startswith("timestamp"):
        stamp = col("timestamp").cast("timestamp")
    lifecycle = roles["lifecycle"] is not None
    base = frame.select(
        F.monotonically_increasing_id().alias("mid"),
        col("case").cast("string").alias("c"),
        col("activity").cast("string").alias("a"),
        stamp.alias("t"),
        (
            F.lower(col("lifecycle").cast("string")) if lifecycle else F.lit(None).cast("string")
        ).alias("lc"),
    )
    part = F.shiftright(F.col("mid"), _PART_BITS)
    sizes = sorted(base.groupBy(part.alias("p")).count().collect())
    first_row = 2 if kind == "csv" else 1
    offset: Any = F.lit(0).cast("bigint")
    seen = 0
    for p, n in sizes:
        offset = F.when(part == int(p), F.lit(seen)).otherwise(offset)
        seen += int(n)
    row = offset + F.col("mid").bitwiseAND((1 << _PART_BITS) - 1) + first_row
    return base.select(
        F.lit(index).alias("f"), row.cast("bigint").alias("r"), "c", "a", "t", "lc"
    ), lifecycle


def read_with_spark(
    paths: Sequence[str | os.PathLike[str]],
    req: Request,
    cols: ColumnMap,
    master: str | None,
    say: Callable[[str], None],
) -> ObservedLog:
    """Run the stages on Spark (the same SQL as on DuckDB)."""
    files = _paths(paths)
    req = Request(**{**req.__dict__, "files": files})
    spark = session(master, req.timezone)
    engine = SparkEngine(spark)
    try:
        frames = []
        lifecycle = False
        for index, path in enumerate(files):
            with engine.guard(path, f"reading the columns of the {format_of(path)} file"):
                frame, has_lc = _read(spark, index, path, cols)
            frames.append(frame)
            lifecycle = lifecycle or has_lc
        source = frames[0]
        for frame in frames[1:]:
            source = source.unionByName(frame)
        source.createOrReplaceTempView(_SRC)
        return run_stages(engine, req, lifecycle, lambda: ", ".join(files), say)
    finally:
        engine.close()
