"""Generate large, random but valid journeys (for benchmarks and stress tests).

``generate_journey(touchpoints=300, agencies=15, seed=0)`` returns a validated
:class:`journeymap.Journey`: stages in order, alternatives with shares, parallel blocks
closed by a join, returns to earlier touchpoints ("send more evidence"), re-asked data and
handoffs between agencies. The same arguments always give the same journey.

    python benchmarks/generate_journey.py 300 15 > big.yaml
"""

from __future__ import annotations

import random
import sys
from typing import Any

import yaml

from journeymap import Journey

__all__ = ["generate_journey", "journey_dict"]

_CHANNELS = ["online", "phone", "in_person", "mail", "automated"]
_ITEMS = ["ssn", "date_of_birth", "mailing_address", "photo_id", "bank_account", "dd214"]
_LEVELS = ["federal", "state", "local"]


def journey_dict(touchpoints: int = 300, agencies: int = 15, *, seed: int = 0) -> dict[str, Any]:
    """The journey as plain data (what a YAML file would hold)."""
    rng = random.Random(seed)
    agency_ids = [f"AG{i:02d}" for i in range(agencies)]
    n_stages = max(1, touchpoints // 25)
    tps: list[dict[str, Any]] = []
    i = 0
    current = 0  # the agency the person is with

    def new(**extra: Any) -> dict[str, Any]:
        nonlocal i, current
        if rng.random() < 0.3:
            current = rng.randrange(agencies)
        tp: dict[str, Any] = {
            "id": f"t{i}",
            "name": f"Step {i}: {rng.choice(['Apply', 'Verify', 'Review', 'Wait for'])} "
            f"{rng.choice(['benefits', 'identity', 'records', 'eligibility', 'payment'])}",
            "agency": agency_ids[current],
            "stage": f"s{min(n_stages - 1, i * n_stages // touchpoints)}",
            "channel": rng.choice(_CHANNELS),
            "duration": f"{rng.randint(1, 40)}d",
            "drop_off": round(rng.random() * 0.05, 3),
        }
        if rng.random() < 0.3:
            tp["asks"] = rng.sample(_ITEMS, k=rng.randint(1, 2))
        tp.update(extra)
        tps.append(tp)
        i += 1
        return tp

    prev = new()
    safe = [prev["id"]]  # touchpoints outside parallel blocks: where a return may go
    while i < touchpoints - 5:
        roll = rng.random()
        if roll < 0.08:  # a parallel block of two branches
            a, b = f"t{i}", f"t{i + 1}"
            prev["split"] = "all"
            prev["next"] = [a, b]
            new(next=f"t{i + 2}")
            new(next=f"t{i + 1}")
            prev = new(join="all")
        elif roll < 0.16:  # two alternatives that meet again
            a, b = f"t{i}", f"t{i + 1}"
            prev["next"] = [{"to": a, "share": 0.7}, {"to": b, "share": 0.3}]
            new(next=f"t{i + 2}")
            new(next=f"t{i + 1}")
            prev = new()
        elif roll < 0.22 and len(safe) > 1:  # a request for more evidence that returns
            back = rng.choice(safe[-4:-1])
            prev["next"] = [{"to": f"t{i}", "share": 0.8}, {"to": f"t{i + 1}", "share": 0.2}]
            new(next=f"t{i + 2}")
            new(next=back)
            prev = new()
        else:
            prev["next"] = f"t{i}"
            prev = new()
            safe.append(prev["id"])
    while i < touchpoints - 1:
        prev["next"] = f"t{i}"
        prev = new()
    prev["next"] = f"t{i}"
    new(outcome="success")
    return {
        "journeymap": 1,
        "id": f"generated-{touchpoints}-{agencies}",
        "title": f"Generated journey: {touchpoints} touchpoints, {agencies} agencies",
        "population": 10_000,
        "agencies": [
            {"id": a, "name": f"Agency number {k}", "level": _LEVELS[k % len(_LEVELS)]}
            for k, a in enumerate(agency_ids)
        ],
        "stages": [{"id": f"s{k}", "name": f"Stage {k}"} for k in range(n_stages)],
        "touchpoints": tps,
    }


def generate_journey(touchpoints: int = 300, agencies: int = 15, *, seed: int = 0) -> Journey:
    """A validated random journey (see the module docstring)."""
    return Journey.model_validate(journey_dict(touchpoints, agencies, seed=seed))


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    data = journey_dict(n, k)
    Journey.model_validate(data)
    sys.stdout.write(yaml.safe_dump(data, sort_keys=False))
