from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "life_events").glob("*.yaml"))
DATA = Path(__file__).resolve().parent / "data"
#: The shared real public logs, when the checkout sits beside the shared folder.
REAL_LOGS = ROOT.parent / "shared" / "data" / "real-logs"
#: The journey the real municipal permit log (receipt.csv) is read against.
PERMIT_JOURNEY = DATA / "permit-receipt.yaml"


@pytest.fixture
def contract_text() -> str:
    """The complete example of the format contract, exactly as written there."""
    return (DATA / "contract-example.yaml").read_text(encoding="utf-8")


def tiny_journey_text(**extra: str) -> str:
    """A three-touchpoint journey in YAML; keyword arguments replace whole lines by key."""
    return """journeymap: 1
id: tiny
title: Tiny journey
agencies:
  - {id: SSA, name: Social Security Administration, level: federal}
  - {id: DMV, name: State DMV, level: state}
touchpoints:
  - id: a
    name: Apply
    agency: SSA
    asks: [ssn]
    duration: 5d
    drop_off: 0.1
    next: b
  - id: b
    name: Licence
    agency: DMV
    asks: [ssn, photo_id]
    duration: 1d
    next: c
  - id: c
    name: Done
    agency: DMV
"""


# Every property test: the same examples on every run (a failure in CI is a failure here),
# no example database, no deadline (timing belongs in benchmarks/).
settings.register_profile("journeymap", derandomize=True, database=None, deadline=None)
settings.load_profile("journeymap")

# The fuzz suites (tests/test_fuzz_*.py): the same examples on every run, no deadline.
settings.register_profile(
    "fuzz",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
