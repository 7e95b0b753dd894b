"""The same command gives the same bytes whatever Python's string-hash seed.

A float sum over a set (or a dict built in hash order), or an engine aggregate whose order
is not fixed, changes the last digits of a number from run to run. Each command runs in
subprocesses with ``PYTHONHASHSEED`` 0 to 3; the event-log command also runs at full float
precision (17 significant digits instead of the contract's 12), so that a sum in hash order
is caught even where the contract's rounding would hide it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

EXAMPLE = "examples/life_events"
EVENTS = (
    f"{EXAMPLE}/disaster-recovery.yaml",
    "--events",
    f"{EXAMPLE}/data/disaster-recovery-events.csv",
)
FEEDBACK = (
    f"{EXAMPLE}/transition-to-civilian-life.yaml",
    "--feedback",
    f"{EXAMPLE}/data/transition-feedback-a11v2.csv",
    "--every",
    "quarter",
    "--by",
    "channel",
)
#: The CLI with every record float kept to 17 significant digits (all of a double).
FULL_PRECISION = (
    "import journeymap.frozen as f; f.DIGITS = 17; from journeymap.cli import main; main()"
)


def _outputs(args: tuple[str, ...], *, full: bool = False) -> set[bytes]:
    out = set()
    for seed in ("0", "1", "2", "3"):
        command = ["-c", FULL_PRECISION] if full else ["-m", "journeymap"]
        proc = subprocess.run(
            [sys.executable, *command, *args],
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode()
        out.add(proc.stdout)
    return out


@pytest.mark.parametrize(
    ("args", "full"),
    [
        pytest.param(("analyze", *EVENTS, "--format", "json"), True, id="events-full-precision"),
        pytest.param(
            ("analyze", *EVENTS, "--by", "channel", "--every", "quarter", "--format", "json"),
            False,
            id="events-segments-trend",
        ),
        pytest.param(("analyze", *FEEDBACK, "--format", "json"), False, id="feedback"),
        pytest.param(
            ("compare", FEEDBACK[0], "--scenario", "dd214-shared-by-dod", "--format", "json"),
            True,
            id="scenario",
        ),
    ],
)
def test_same_bytes_whatever_the_hash_seed(args: tuple[str, ...], full: bool) -> None:
    assert len(_outputs(args, full=full)) == 1
