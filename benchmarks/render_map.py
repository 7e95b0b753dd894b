"""Benchmark: draw generated journeys to SVG with the system dot, from the Report alone.

A 300-touchpoint, 15-agency journey is laid out by dot, lanes moved into order and arrows routed; a
2,000-touchpoint one is big (from ``BIG_MAP`` touchpoints on) and placed on a grid, which
must stay within its budget too.

python benchmarks/render_map.py            # prints the times; exits 1 over a budget
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_journey import generate_journey

from journeymap import analyze, dump_journey
from journeymap.render.map import MapOptions, to_dot, write_map
from journeymap.render.map.build import BIG_MAP

#: (touchpoints, agencies, budget in seconds for drawing the SVG)
CASES = ((300, 15, 5.0), (2000, 15, 30.0))


def _one(touchpoints: int, agencies: int, budget: float) -> bool:
    journey = generate_journey(touchpoints, agencies, seed=0)
    t0 = time.perf_counter()
    report = analyze(journey)
    t1 = time.perf_counter()
    source = to_dot(report).source
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "big.svg"
        engine = write_map(report, out, MapOptions(engine="system"))
        t3 = time.perf_counter()
        size = out.stat().st_size
    how = "grid placement" if touchpoints >= BIG_MAP else "lanes moved, arrows routed"
    print(
        f"render_map: {touchpoints} touchpoints, {agencies} agencies, "
        f"{report.metrics.handoff_count} handoffs ({how}); DOT {len(source):,} bytes, "
        f"SVG {size:,} bytes"
    )
    print(f"  analyze {t1 - t0:.2f} s, to_dot {t2 - t1:.3f} s, {engine} dot to SVG {t3 - t2:.2f} s")
    whole = _whole_command(dump_journey(journey))
    ok = whole < budget
    print(
        f"  `journeymap render x.yaml -o x.svg`, the whole process: {whole:.2f} s "
        f"({'within' if ok else 'OVER'} the {budget:g} s budget)"
    )
    return ok


def _whole_command(text: str) -> float:
    """Wall time of the command a user runs: load, analyse, draw, write (imports included)."""
    exe = Path(sys.executable).with_name("journeymap")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "big.yaml"
        source.write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run(
            [str(exe), "render", str(source), "-o", str(Path(tmp) / "big.svg")],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - t0


def main() -> int:
    if shutil.which("dot") is None:
        print("render_map: skipped, the system Graphviz 'dot' is not installed")
        return 0
    results = [_one(*case) for case in CASES]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
