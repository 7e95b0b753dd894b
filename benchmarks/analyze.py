"""Benchmark: analyse a generated 2,000-touchpoint, 20-agency journey (alternatives, loops,
parallel blocks) and all examples as one portfolio. Targets: < 2 s and < 1 s.

Run with `make bench` or `python benchmarks/analyze.py [N_TOUCHPOINTS]`.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

from journeymap import Journey, find_journey_files, load_journey
from journeymap.analysis import analyze
from journeymap.analysis.portfolio import build_portfolio

ROOT = Path(__file__).resolve().parent.parent
ITEMS = [
    "ssn",
    "full_name",
    "date_of_birth",
    "mailing_address",
    "bank_account",
    "photo_id",
    "household_income",
    "dd214",
    "email",
    "phone",
]


def generate(n: int = 2000, agencies: int = 20, seed: int = 1) -> dict[str, Any]:
    """A valid journey of about ``n`` touchpoints mixing every flow construct."""
    rng = random.Random(seed)
    ids = [f"AG{i:02d}" for i in range(agencies)]
    tps: list[dict[str, Any]] = []

    def node(tid: str, nxt: Any, **extra: Any) -> dict[str, Any]:
        tp: dict[str, Any] = {
            "id": tid,
            "name": f"Step {tid}",
            "agency": rng.choice(ids),
            "duration": {"median": f"{rng.randint(1, 30)}d", "p90": f"{rng.randint(31, 90)}d"},
            "drop_off": round(rng.uniform(0, 0.002), 5),
            "effort": f"{rng.randint(10, 120)}min",
            "asks": rng.sample(ITEMS, rng.randint(0, 3)),
        }
        if nxt is not None:
            tp["next"] = nxt
        tp.update(extra)
        tps.append(tp)
        return tp

    k = 0
    current = "t0"
    while len(tps) < n - 12:
        kind = rng.choice(["step", "fork", "loop", "parallel"])
        k += 1
        after = f"t{k}"
        if kind == "step":
            node(current, after)
        elif kind == "fork":
            a, b = f"{current}a", f"{current}b"
            share = round(rng.uniform(0.2, 0.8), 2)
            node(current, [{"to": a, "share": share}, {"to": b, "share": round(1 - share, 2)}])
            node(a, after)
            node(b, after)
        elif kind == "loop":
            review = f"{current}r"
            node(current, review)
            node(review, [{"to": current, "share": 0.2}, {"to": after, "share": 0.8}])
        else:
            heads = []
            for br in range(rng.randint(2, 3)):
                chain = [f"{current}p{br}_{i}" for i in range(rng.randint(1, 3))]
                heads.append(chain[0])
                for i, tid in enumerate(chain):
                    node(tid, chain[i + 1] if i + 1 < len(chain) else f"{current}j")
            node(current, heads, split="all")
            node(f"{current}j", after, join="all")
        current = after
    node(current, None, outcome="success")
    used = sorted({t["agency"] for t in tps})
    return {
        "journeymap": 1,
        "id": "generated",
        "title": "Generated journey",
        "agencies": [{"id": a, "name": f"Agency {a}"} for a in used],
        "touchpoints": tps,
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    doc = generate(n)
    start = time.perf_counter()
    journey = Journey.model_validate(doc)
    built = time.perf_counter()
    report = analyze(journey)
    done = time.perf_counter()
    print(
        f"generated journey: {len(journey.touchpoints)} touchpoints, "
        f"{len(journey.agencies)} agencies"
    )
    print(f"  validate model: {built - start:.3f} s")
    print(
        f"  analyze:        {done - built:.3f} s (target < 2 s: "
        f"{'met' if done - built < 2 else 'NOT met'})"
    )
    print(
        f"  completion {report.metrics.completion_rate:.3f}, simulation runs "
        f"{report.metrics.simulation_runs}, {report.metrics.handoff_count} "
        f"handoffs, {report.metrics.duplicate_item_count} duplicated items"
    )

    files = list(find_journey_files([ROOT / "examples" / "life_events"]))
    start = time.perf_counter()
    journeys = [load_journey(f) for f in files]
    reports = [analyze(j) for j in journeys]
    build_portfolio(journeys, reports)
    elapsed = time.perf_counter() - start
    print(
        f"portfolio of {len(files)} examples (load + analyze + portfolio): {elapsed:.3f} s "
        f"(target < 1 s: {'met' if elapsed < 1 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
