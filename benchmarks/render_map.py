"""Benchmark: draw a generated 300-touchpoint, 15-agency journey to SVG with the system dot.

python benchmarks/render_map.py            # prints the times; exits 1 over the budget
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_journey import generate_journey

from journeymap import analyze
from journeymap.render.dot import to_dot, write_map

BUDGET_SECONDS = 5.0


def main() -> int:
    if shutil.which("dot") is None:
        print("render_map: skipped, the system Graphviz 'dot' is not installed")
        return 0
    journey = generate_journey(300, 15, seed=0)
    t0 = time.perf_counter()
    report = analyze(journey)
    t1 = time.perf_counter()
    source = to_dot(journey, report).source
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "big.svg"
        write_map(journey, report, out, engine="system")
        t3 = time.perf_counter()
        size = out.stat().st_size
    print(
        f"render_map: {len(journey.touchpoints)} touchpoints, {len(journey.agencies)} agencies, "
        f"{report.metrics.handoff_count} handoffs; DOT {len(source):,} bytes, SVG {size:,} bytes"
    )
    print(f"  analyze {t1 - t0:.2f} s, to_dot {t2 - t1:.3f} s, system dot to SVG {t3 - t2:.2f} s")
    ok = t3 - t2 < BUDGET_SECONDS
    print(f"  render {'within' if ok else 'OVER'} the {BUDGET_SECONDS:g} s budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
