"""The Spark engine gives the DuckDB engine's report: the same SQL, transpiled with sqlglot.

Runs Spark in local mode (one session for the module, small logs): needs PySpark and a Java
runtime (``make venv`` installs the ``spark`` extra; ``.ci/sysdeps`` installs Java).
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import PERMIT_JOURNEY, REAL_LOGS, ROOT

from journeymap import analyze, load_journey, parse_journey
from journeymap.events import read_event_log
from journeymap.exceptions import UsageError
from journeymap.feedback import read_feedback

pytestmark = pytest.mark.spark

EXAMPLE = ROOT / "examples" / "life_events"
REAL = REAL_LOGS
PERMIT = load_journey(PERMIT_JOURNEY)
FINES = parse_journey(
    """
journeymap: 1
id: fines
title: Road-traffic fines
agencies: [{id: P, name: Police}, {id: J, name: Prefecture}]
touchpoints:
  - {id: F1, name: Create Fine, agency: P, next: [{to: F2, share: 0.6}, {to: F5, share: 0.4}]}
  - {id: F2, name: Send Fine, agency: P, next: F3}
  - id: F3
    name: Insert Fine Notification
    agency: P
    next: [{to: F4, share: 0.5}, {to: F5, share: 0.5}]
  - {id: F4, name: Add penalty, agency: P, next: F5}
  - {id: F5, name: Payment, agency: P, next: F6}
  - {id: F6, name: Send Appeal to Prefecture, agency: J}
"""
)


@pytest.fixture(scope="module")
def spark() -> Any:
    """One local Spark session for the module (starting the JVM costs seconds)."""
    pytest.importorskip("pyspark")
    pytest.importorskip("sqlglot")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (apt-get install default-jre-headless)")
    from journeymap.tables.spark import session

    return session("local[2]", "UTC")


def same(a: Any, b: Any, where: str = "") -> list[str]:
    """Differences between two reports: counts exactly, times (days) to the second."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d for k in sorted(set(a) | set(b)) for d in same(a.get(k), b.get(k), f"{where}.{k}")
        ]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in same(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float):
        return (
            [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1 / 86400) else [f"{where}: {a} != {b}"]
        )
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def both(paths: list[Path], journey: Any, **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    duck = read_event_log(paths, journey=journey, **options).to_dict()
    spark = read_event_log(paths, journey=journey, engine="spark", **options).to_dict()
    return duck, spark


def test_example_log(spark: Any) -> None:
    journey = load_journey(EXAMPLE / "disaster-recovery.yaml")
    duck, other = both([EXAMPLE / "data" / "disaster-recovery-events.csv"], journey)
    assert same(duck, other) == []
    assert duck["rows_read"] == other["rows_read"] > 0
    assert duck["variants"][0] == {"path": ["D1", "D5", "D2", "D3"], "cases": 148}


def test_real_permit_log_with_lifecycle_column(spark: Any) -> None:
    path = REAL / "receipt.csv"
    if not path.exists():
        pytest.skip("the shared real-log folder is not beside this checkout")
    duck, other = both([path], PERMIT, min_cell=5)
    assert same(duck, other) == []
    assert (other["cases"], other["completed"], other["abandoned"], other["open"]) == (
        1434,
        1300,
        131,
        3,
    )


def test_real_road_traffic_log(spark: Any) -> None:
    path = REAL / "roadtraffic100traces.csv"
    if not path.exists():
        pytest.skip("the shared real-log folder is not beside this checkout")
    duck, other = both([path], FINES, timezone="Europe/Rome")
    assert same(duck, other) == []
    assert other["cases"] == 100


def test_generated_lifecycle_loops_parallel_and_censoring(spark: Any, tmp_path: Path) -> None:
    """Start/complete events, gave-up starts, the appeal loop, the parallel block, and cases
    still open at the end of the log (a cutoff that leaves some open)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate_event_log import simulate, write

    journey = load_journey(EXAMPLE / "disaster-recovery.yaml")
    rows = simulate(journey, 3000, seed=7, lifecycle=True)
    path = tmp_path / "lifecycle.parquet"
    write(rows, path, lifecycle=True)
    duck, other = both([path], journey, cutoff_days=1200)
    assert same(duck, other) == []
    assert duck["convention"].startswith("lifecycle")
    # open cases, and recent cases left out of the cohort that had time to finish
    assert (duck["open"], duck["cohort_cases"], duck["cases"]) == (66, 271, 282)
    assert duck["duplicates"] == other["duplicates"]


def test_bad_rows_and_duplicates_are_located_alike(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text(
        "case,activity,timestamp\n"
        "c1,a,2024-01-01\n"
        "c1,b,2024-01-03\n"
        "c1,b,2024-01-03\n"  # the same event as row 3 (its duplicate)
        ",a,2024-01-02\n"  # no case: row 5
        "c2,a,not a date\n"  # row 6
        "c2,b,2024-01-05T10:00:00+02:00\n"
        "c3,zz,2024-01-06\n",
        encoding="utf-8",
    )
    journey = parse_journey(
        "journeymap: 1\nid: t\ntitle: T\nagencies: [{id: A, name: A}]\n"
        "touchpoints:\n  - {id: a, name: A, agency: A, next: b}\n  - {id: b, name: B, agency: A}\n"
    )
    duck, other = both([path], journey)
    assert same(duck, other) == []
    assert other["rejected_examples"] == {
        "missing case id": (f"{path}:row 5",),
        "unparsable or missing timestamp": (f"{path}:row 6",),
        "duplicate event": (f"{path}:row 3",),
    }
    assert other["cases_rejected"] == {"activity not mapped to a touchpoint": 1}


def test_segments_and_trends_match(spark: Any) -> None:
    """Segments (``by``) and the trend (``every``): the same numbers on both engines, and
    the same findings of the report."""
    journey = load_journey(EXAMPLE / "disaster-recovery.yaml")
    log = [EXAMPLE / "data" / "disaster-recovery-events.csv"]
    options: dict[str, Any] = {"by": "channel", "every": "quarter", "min_cell": 5}
    duck_log = read_event_log(log, journey=journey, **options)
    spark_log = read_event_log(log, journey=journey, engine="spark", **options)
    duck, other = duck_log.to_dict(), spark_log.to_dict()
    assert same(duck, other) == []
    assert duck["segments"]["segments"] and duck["trend"]["periods"]
    duck_report = analyze(journey, observed=duck_log).to_dict()
    assert same(duck_report, analyze(journey, observed=spark_log).to_dict()) == []


def test_feedback_matches(spark: Any) -> None:
    """A-11 responses per touchpoint, quarter and channel: the same on both engines."""
    journey = load_journey(EXAMPLE / "transition-to-civilian-life.yaml")
    path = [EXAMPLE / "data" / "transition-feedback-a11v2.csv"]
    options: dict[str, Any] = {"every": "quarter", "by": "channel"}
    duck = read_feedback(path, journey=journey, **options)
    other = read_feedback(path, journey=journey, engine="spark", **options)
    assert same(dataclasses.asdict(duck), dataclasses.asdict(other)) == []
    assert duck.rows_read == other.rows_read > 0
    duck_report = analyze(journey, feedback=duck).to_dict()
    assert same(duck_report, analyze(journey, feedback=other).to_dict()) == []


def test_an_unknown_engine_is_a_usage_error() -> None:
    journey = load_journey(EXAMPLE / "disaster-recovery.yaml")
    log = EXAMPLE / "data" / "disaster-recovery-events.csv"
    with pytest.raises(UsageError) as err:
        read_event_log([log], journey=journey, engine="polars")
    assert str(err.value) == "engine: 'polars' is not an engine; use one of duckdb, spark"
    assert err.value.parameter == "log_engine"


def test_the_sql_is_transpiled_with_exact_quantiles() -> None:
    pytest.importorskip("sqlglot")
    from journeymap.tables.spark import to_spark

    assert to_spark("SELECT median(x), quantile_cont(x, 0.9), hash(c), epoch_us(t) FROM s") == (
        "SELECT PERCENTILE(x, 0.5), PERCENTILE(x, 0.9), XXHASH64(c), UNIX_MICROS(t) FROM s"
    )
