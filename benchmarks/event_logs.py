"""Benchmark: journeymap's event-log engine (DuckDB) against PM4Py, in one run.

For each size (default 10^5, 10^6, 10^7 events) a synthetic log of the disaster-recovery
journey is generated once (benchmarks/generate_event_log.py, cached in build/bench/), then each
side runs in its own child process so that its peak memory is its own:

- journeymap: ``read_event_log`` (per-touchpoint arrivals, durations, drop-off with censoring,
  transitions with median/p90 times, case durations, variants, rework, reconciliation);
- PM4Py: ``format_dataframe``, ``discover_performance_dfg``, ``discover_handover_of_work_network``
  and ``get_all_case_durations`` on the Parquet file read with pandas.

On the smallest log it checks that transition counts, median transition times and case
durations agree. PM4Py is AGPL: it is only a benchmark peer here, never a dependency.

    python benchmarks/event_logs.py [--sizes 100000,1000000,10000000] [--skip-pm4py]
                                    [--repeat 5] [--evidence]

``--evidence`` adds a journeymap row with segments (``by="org:resource"``) and a quarterly
trend (``every="quarter"``), which cost time only when asked for.

With ``--repeat N`` each side runs N times (each in a fresh process) and the median time and
the largest peak memory are shown: run-to-run noise on a shared machine is ±10-30 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
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


def run(code: str, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for i, size in enumerate(sizes):
        path = ensure_log(size)
        ours = run_many(args.repeat, JOURNEYMAP, str(path), str(JOURNEY))
        theirs = (
            None
            if args.skip_pm4py
            else run_many(args.repeat, PM4PY, str(path), *(["check"] if i == 0 else []))
        )
        if i == 0 and theirs is not None:
            problems = check(ours, theirs)
            print(
                f"agreement on {size:,} events: "
                + ("exact" if not problems else "; ".join(problems))
            )
        rows.append((size, ours, theirs))
        if args.evidence:
            asked = json.dumps({"by": "org:resource", "every": "quarter"})
            rows.append(
                (size, run_many(args.repeat, JOURNEYMAP, str(path), str(JOURNEY), asked), None)
            )
    print(
        f"{'events':>12} {'side':<10} {'seconds':>8} {'events/s':>12} {'peak MB':>8} {'ratio':>7}"
    )
    for size, ours, theirs in rows:
        for name, side in (("journeymap", ours), ("pm4py", theirs)):
            if side is None:
                continue
            secs = float(side["seconds"])  # type: ignore[arg-type]
            ratio = ""
            if name == "pm4py":
                ratio = f"{secs / float(ours['seconds']):.1f}x"  # type: ignore[arg-type]
            print(
                f"{size:>12,} {name:<10} {secs:>8.2f} {size / secs:>12,.0f} "
                f"{float(side['peak_mb']):>8.0f} {ratio:>7}"  # type: ignore[arg-type]
            )


if __name__ == "__main__":
    main()
