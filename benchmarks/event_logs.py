"""Benchmark: whole processes, in one run: `journeymap analyze --events` against PM4Py and
against the floor (a plain DuckDB window query), and DuckDB against Spark.

For each size (default 10^5, 10^6, 10^7 events) a synthetic log of the disaster-recovery
journey is generated once (benchmarks/generate_event_log.py, cached in build/bench/), then each
side runs in its own child process so that its peak memory is its own:

- journeymap: the whole ``journeymap analyze JOURNEY --events LOG --format json`` process,
  imports included (arrivals, durations, drop-off with censoring, transitions with median/p90
  times, case durations, variants, rework, conformance, the reconciliation);
- floor: a Python process that imports DuckDB and runs the plain window query (lag over the
  case ordered by time, grouped by activity pair, count and median): the machine's limit for
  any per-case analysis;
- spark (``--spark``): the same journeymap command with ``--log-engine spark`` (local mode);
- PM4Py: ``format_dataframe``, ``discover_performance_dfg``, ``discover_handover_of_work_network``
  and ``get_all_case_durations`` on the Parquet file read with pandas.

On the smallest log it checks that transition counts, median transition times and case
durations agree. PM4Py is AGPL: it is only a benchmark peer here, never a dependency.

    python benchmarks/event_logs.py [--sizes 100000,1000000,10000000] [--skip-pm4py]
                                    [--repeat 5] [--evidence] [--spark]

``--evidence`` adds a journeymap row with segments (``by="org:resource"``) and a quarterly
trend (``every="quarter"``), which cost time only when asked for.

With ``--repeat N`` each side runs N times (each in a fresh process) and the median time and
the largest peak memory are shown: run-to-run noise on a shared machine is ±10-30 %.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOURNEY = ROOT / "examples" / "life_events" / "disaster-recovery.yaml"
BUILD = ROOT / "build" / "bench"

JOURNEYMAP = """
import json, resource, sys, time
from journeymap import load_journey
from journeymap.events import read_event_log
journey = load_journey(sys.argv[2])
start = time.perf_counter()
extra = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
log = read_event_log([sys.argv[1]], journey=journey, memory_limit="1GB", **extra)
elapsed = time.perf_counter() - start
names = {t.id: t.name for t in journey.touchpoints}
print(json.dumps({
    "seconds": elapsed,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "counts": {f"{names[t.source]}|{names[t.target]}": t.count for t in log.transitions},
    "medians": {f"{names[t.source]}|{names[t.target]}": t.median_days * 86400
                for t in log.transitions},
    "case_median": log.case_median_days * 86400,
    "case_p90": log.case_p90_days * 86400,
    "cases": log.cases,
}))
"""

CLI = """
import json, resource, sys
from journeymap.cli import main
sys.argv = ["journeymap", "analyze", *sys.argv[1:]]
try:
    main()
except SystemExit as stop:
    if stop.code:
        raise
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FLOOR = """
import json, resource, sys
import duckdb
con = duckdb.connect(config={"memory_limit": "1GB"})
con.execute("SET enable_progress_bar = false")
con.execute(
    'SELECT a, b, count(*), median(gap) FROM (SELECT "concept:name" AS b, '
    'lag("concept:name") OVER w AS a, epoch("time:timestamp") - '
    'epoch(lag("time:timestamp") OVER w) AS gap FROM read_parquet($p) '
    'WINDOW w AS (PARTITION BY "case:concept:name" ORDER BY "time:timestamp")) GROUP BY a, b',
    {"p": sys.argv[1]},
).fetchall()
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PM4PY = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
import pandas as pd
import pm4py
start = time.perf_counter()
df = pd.read_parquet(sys.argv[1])
df = pm4py.format_dataframe(df, case_id="case:concept:name", activity_key="concept:name",
                            timestamp_key="time:timestamp")
perf, _, _ = pm4py.discover_performance_dfg(df)
how = pm4py.discover_handover_of_work_network(df)
durations = pm4py.get_all_case_durations(df)
elapsed = time.perf_counter() - start
out = {"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if len(sys.argv) > 2:
    dfg, _, _ = pm4py.discover_dfg(df)
    out["counts"] = {f"{a}|{b}": int(n) for (a, b), n in dfg.items()}
    out["medians"] = {f"{a}|{b}": float(v["median"]) for (a, b), v in perf.items()}
    out["case_median"] = float(np.percentile(durations, 50))
    out["case_p90"] = float(np.percentile(durations, 90))
    out["cases"] = len(durations)
print(json.dumps(out))
"""


#: Spark in local mode runs in the driver's JVM: give it room for exact percentiles at 10^7.
SPARK_ENV = {"PYSPARK_SUBMIT_ARGS": "--driver-memory 4g pyspark-shell"}


def run(code: str, *args: str) -> dict[str, object]:
    """Run ``code`` in a fresh process; its whole wall time (imports included) is measured."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **SPARK_ENV} if "spark" in args else None,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    out: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["inner_seconds"] = out.get("seconds")
    out["seconds"] = elapsed
    return out


def run_many(times: int, code: str, *args: str) -> dict[str, object]:
    """The last run's output, with the median seconds and the largest peak of ``times`` runs."""
    runs = [run(code, *args) for _ in range(times)]
    out = dict(runs[-1])
    out["seconds"] = statistics.median(float(r["seconds"]) for r in runs)  # type: ignore[arg-type]
    out["peak_mb"] = max(float(r["peak_mb"]) for r in runs)  # type: ignore[arg-type]
    return out


def ensure_log(size: int) -> Path:
    path = BUILD / f"log-{size}.parquet"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate_event_log.py"),
                str(size),
                "-o",
                str(path),
            ],
            check=True,
        )
    return path


def check(ours: dict[str, object], theirs: dict[str, object]) -> list[str]:
    problems = []
    if ours["counts"] != theirs["counts"]:
        problems.append("transition counts differ")
    for key, value in theirs["medians"].items():  # type: ignore[attr-defined]
        mine = ours["medians"].get(key)  # type: ignore[attr-defined]
        if mine is None or abs(mine - value) > 1e-3 * max(1.0, abs(value)):
            problems.append(f"median time of {key} differs: {mine} vs {value}")
            break
    for key in ("case_median", "case_p90", "cases"):
        a, b = float(ours[key]), float(theirs[key])  # type: ignore[arg-type]
        if abs(a - b) > 1e-3 * max(1.0, abs(b)):
            problems.append(f"{key} differs: {a} vs {b}")
    return problems


def cli_args(path: Path, *extra: str) -> list[str]:
    out = Path(tempfile.gettempdir()) / "journeymap-bench.json"
    return [str(JOURNEY), "--events", str(path), "--format", "json", "-o", str(out), *extra]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--skip-pm4py", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side (median shown)")
    parser.add_argument(
        "--evidence",
        action="store_true",
        help="also time journeymap with segments (by org:resource) and a quarterly trend",
    )
    parser.add_argument("--spark", action="store_true", help="also time --log-engine spark")
    parser.add_argument("--spark-master", default="local[2]")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[tuple[int, str, dict[str, object]]] = []
    for i, size in enumerate(sizes):
        path = ensure_log(size)
        if i == 0 and not args.skip_pm4py:
            problems = check(
                run(JOURNEYMAP, str(path), str(JOURNEY)), run(PM4PY, str(path), "check")
            )
            print(
                f"agreement on {size:,} events: "
                + ("exact" if not problems else "; ".join(problems))
            )
        rows.append((size, "journeymap", run_many(args.repeat, CLI, *cli_args(path))))
        rows.append((size, "floor", run_many(args.repeat, FLOOR, str(path))))
        if not args.skip_pm4py:
            rows.append((size, "pm4py", run_many(args.repeat, PM4PY, str(path))))
        if args.evidence:
            extra = ("--by", "org:resource", "--every", "quarter")
            rows.append((size, "jm+evidence", run_many(args.repeat, CLI, *cli_args(path, *extra))))
        if args.spark:
            extra = ("--log-engine", "spark", "--spark-master", args.spark_master)
            rows.append((size, "jm spark", run_many(args.repeat, CLI, *cli_args(path, *extra))))
        print(f"  {size:,} done ({time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.1f})")
    print(
        f"{'events':>12} {'side':<12} {'seconds':>8} {'events/s':>12} {'peak MB':>8} "
        f"{'vs journeymap':>14}"
    )
    ours = {size: float(side["seconds"]) for size, name, side in rows if name == "journeymap"}  # type: ignore[arg-type]
    for size, name, side in rows:
        secs = float(side["seconds"])  # type: ignore[arg-type]
        ratio = "" if name == "journeymap" else f"{secs / ours[size]:.2f}x"
        print(
            f"{size:>12,} {name:<12} {secs:>8.2f} {size / secs:>12,.0f} "
            f"{float(side['peak_mb']):>8.0f} {ratio:>14}"  # type: ignore[arg-type]
        )
    print("ratios: pm4py / journeymap (target >= 20 at 10^7); journeymap / floor (target <= 1.5)")
    for size in sizes:
        by = {name: float(side["seconds"]) for s, name, side in rows if s == size}  # type: ignore[arg-type]
        parts = [f"journeymap/floor {by['journeymap'] / by['floor']:.2f}"]
        if "pm4py" in by:
            parts.insert(0, f"pm4py/journeymap {by['pm4py'] / by['journeymap']:.1f}")
        if "jm spark" in by:
            parts.append(f"spark/duckdb {by['jm spark'] / by['journeymap']:.1f}")
        print(f"  {size:>12,}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
