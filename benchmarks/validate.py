"""Benchmark: `journeymap validate` on an example, wall time of the whole process.

Target: under 0.3 s, and the validate path imports none of jinja2, graphviz, duckdb
(nor networkx). Prints the numbers; run with `make bench`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "life_events" / "approaching-retirement.yaml"
HEAVY = ("jinja2", "graphviz", "duckdb", "networkx")


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE
    cmd = [sys.executable, "-m", "journeymap", "validate", str(target)]
    subprocess.run(cmd, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(15):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    probe = (
        "import sys, runpy; sys.argv = ['journeymap', 'validate', sys.argv[1]]\n"
        "try:\n    runpy.run_module('journeymap', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = (
        subprocess.run(
            [sys.executable, "-c", probe, str(target)], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
        .removeprefix("loaded:")
    )
    median = statistics.median(times)
    print(f"journeymap validate {target.name}")
    print(f"  wall time: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s")
    print(f"  target < 0.300 s: {'met' if median < 0.3 else 'NOT met'}")
    print(f"  heavy modules imported: {loaded or 'none'}")


if __name__ == "__main__":
    main()
