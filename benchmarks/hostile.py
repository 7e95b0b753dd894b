"""Benchmark: hostile journeys (big loops, deep nesting, huge files) must finish, and fast.

Prints wall time and the process's peak resident memory so far for each case:

- one loop of 1,000 touchpoints (target: analysed < 2 s);
- parallel blocks nested 1,100 deep (target: no error, bounded time);
- a portfolio of 40 journeys of 500 touchpoints;
- a journey file just under the 5 MB size limit (target: validated < 5 s; analysed).

Run with `python benchmarks/hostile.py [case ...]` (cases: cycle, nested, portfolio, big).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_journey import journey_dict

from journeymap import Journey, check_journey_file
from journeymap.analysis import analyze
from journeymap.analysis.portfolio import build_portfolio
from journeymap.loading import MAX_FILE_BYTES, dump_journey

HEAD: dict[str, Any] = {"journeymap": 1, "title": "Hostile", "agencies": []}


def cycle_journey(n: int, *, exit_share: float = 0.5) -> dict[str, Any]:
    """One loop of ``n`` touchpoints: t0 -> ... -> t(n-1) -> back to t0 or on to the end."""
    tps: list[dict[str, Any]] = []
    for i in range(n - 1):
        tps.append(
            {
                "id": f"t{i}",
                "name": f"Step {i}",
                "agency": f"A{i % 3}",
                "duration": {"median": "1d", "p90": "3d"},
                "drop_off": 0.001,
                "asks": ["ssn"] if i % 50 == 0 else [],
                "next": f"t{i + 1}",
            }
        )
    tps.append(
        {
            "id": f"t{n - 1}",
            "name": "Review",
            "agency": "A0",
            "asks": ["ssn"],
            "next": [
                {"to": "t0", "share": round(1 - exit_share, 6)},
                {"to": "end", "share": exit_share},
            ],
        }
    )
    tps.append({"id": "end", "name": "Done", "agency": "A0"})
    return {
        **HEAD,
        "id": f"cycle-{n}",
        "agencies": [{"id": f"A{k}", "name": f"Agency {k}"} for k in range(3)],
        "touchpoints": tps,
    }


def nested_journey(depth: int) -> dict[str, Any]:
    """Parallel blocks nested ``depth`` deep: s(k) splits into s(k+1) and x(k), joined at j(k)."""
    tps: list[dict[str, Any]] = []
    for k in range(depth):
        inner = f"s{k + 1}" if k + 1 < depth else "core"
        tps.append(
            {
                "id": f"s{k}",
                "name": f"Split {k}",
                "agency": "A",
                "split": "all",
                "next": [inner, f"x{k}"],
            }
        )
        tps.append(
            {
                "id": f"x{k}",
                "name": f"Side {k}",
                "agency": "B",
                "duration": {"median": "1d", "p90": "2d"},
                "drop_off": 0.0001,
                "asks": ["ssn"],
                "next": f"j{k}",
            }
        )
    tps.append(
        {"id": "core", "name": "Core", "agency": "A", "asks": ["ssn"], "next": f"j{depth - 1}"}
    )
    for k in range(depth - 1, -1, -1):
        tps.append(
            {
                "id": f"j{k}",
                "name": f"Join {k}",
                "agency": "A",
                "join": "all",
                "next": f"j{k - 1}" if k else "end",
            }
        )
    tps.append({"id": "end", "name": "Done", "agency": "A"})
    return {
        **HEAD,
        "id": f"nested-{depth}",
        "agencies": [{"id": "A", "name": "Agency A"}, {"id": "B", "name": "Agency B"}],
        "touchpoints": tps,
    }


def _measure(label: str, work: Callable[[], str]) -> None:
    start = time.perf_counter()
    try:
        note = work()
    except Exception as err:  # a benchmark reports failures instead of stopping
        note = f"FAILED: {type(err).__name__}: {str(err)[:200]}"
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {elapsed:.2f} s (process peak RSS so far {peak:.0f} MiB); {note}", flush=True)


def _command(label: str, *args: str) -> None:
    """Wall time of the whole command a user runs (a new process: imports included)."""
    exe = Path(sys.executable).with_name("journeymap")
    start = time.perf_counter()
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s, exit {proc.returncode} (the whole command)", flush=True)


def case_cycle() -> None:
    for n in (300, 1000, 3000):
        journey = Journey.model_validate(cycle_journey(n))

        def run(journey: Journey = journey) -> str:
            m = analyze(journey).metrics
            return (
                f"completion {m.completion_rate:.6f}, expected days "
                f"{m.expected_days_for_completers:.2f}, simulation runs {m.simulation_runs}"
            )

        target = " (target < 2 s)" if n == 1000 else ""
        _measure(f"cycle of {n:,} touchpoints, analyze{target}", run)
        if n == 1000:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "cycle.yaml"
                path.write_text(dump_journey(journey), encoding="utf-8")
                _command("  journeymap analyze cycle-1000.yaml", "analyze", str(path))


def case_nested() -> None:
    for depth in (400, 1100):
        journey = Journey.model_validate(nested_journey(depth))

        def run(journey: Journey = journey) -> str:
            m = analyze(journey).metrics
            return f"completion {m.completion_rate:.6f}, critical path {m.critical_path_days} d"

        _measure(f"parallel blocks nested {depth:,} deep, analyze", run)


def case_portfolio() -> None:
    journeys = [Journey.model_validate(journey_dict(500, 15, seed=s)) for s in range(40)]

    def run() -> str:
        reports = [analyze(j) for j in journeys]
        portfolio = build_portfolio(journeys, reports)
        return f"{len(portfolio.items)} items, {len(portfolio.agency_pairs)} agency pairs"

    _measure("portfolio of 40 x 500 touchpoints, analyze + portfolio", run)


def _big_file(folder: Path) -> Path:
    """A generated journey file just under the size limit."""
    n = 20_000
    while True:
        text = dump_journey(Journey.model_validate(journey_dict(n, 40, seed=3)))
        size = len(text.encode())
        if size > MAX_FILE_BYTES * 0.97:
            n = int(n * 0.96 * MAX_FILE_BYTES / size)
            continue
        if size < MAX_FILE_BYTES * 0.9:
            n = int(n * 0.95 * MAX_FILE_BYTES / size)
            continue
        path = folder / "big.yaml"
        path.write_text(text, encoding="utf-8")
        return path


def case_big() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _big_file(Path(tmp))
        result: list[Any] = []

        def validate() -> str:
            result.append(check_journey_file(path))
            journey = result[0].journey
            return (
                f"{path.stat().st_size:,} bytes, {len(journey.touchpoints):,} touchpoints, "
                f"{len(result[0].problems)} problems (target < 5 s)"
            )

        _measure("file at the size limit, validate", validate)
        _command("  journeymap validate big.yaml", "validate", str(path))

        def run() -> str:
            m = analyze(result[0].journey).metrics
            return f"completion {m.completion_rate:.6f}, {m.handoff_count:,} handoffs"

        _measure("file at the size limit, analyze", run)
        _command("  journeymap analyze big.yaml", "analyze", str(path))


CASES = {"cycle": case_cycle, "nested": case_nested, "portfolio": case_portfolio, "big": case_big}


def main() -> None:
    names = sys.argv[1:] or list(CASES)
    for name in names:
        CASES[name]()


if __name__ == "__main__":
    main()
