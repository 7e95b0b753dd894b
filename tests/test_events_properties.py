"""The event-log engine against a pure-Python reference on small random logs.

The reference orders each case's mapped events by (time, row), drops an event whose next
event has the same touchpoint and time (an exact duplicate), then counts by brute force:
visits, cases and rework per touchpoint, timed arrivals, transitions and their mean gap,
completion (last event at the end touchpoint C; when C has no event in the log, at B, the
logged touchpoint before it), censoring (open when the last event is within the cutoff of
the log's last event) and the row reconciliation.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap import parse_journey
from journeymap.events import EventLogError, read_event_log

JOURNEY = parse_journey(
    """
journeymap: 1
id: r
title: R
agencies: [{id: X, name: X}]
touchpoints:
  - {id: A, name: Apply, agency: X, next: B}
  - {id: B, name: Review, agency: X, next: [{to: A, share: 0.2}, {to: C, share: 0.8}]}
  - {id: C, name: Close, agency: X}
"""
)
T0 = datetime(2024, 1, 1, tzinfo=UTC)
CUTOFF_DAYS = 2.0
Row = tuple[str, str, int]


def _ordered_cases(rows: list[Row]) -> tuple[dict[str, list[tuple[int, int, str]]], int]:
    """Each case's mapped events sorted by (day, row), duplicates dropped; and their count."""
    cases: dict[str, list[tuple[int, int, str]]] = {}
    for index, (case, activity, day) in enumerate(rows):
        if activity != "Z":
            cases.setdefault(case, []).append((day, index, activity))
    duplicates = 0
    for case, events in cases.items():
        events.sort()
        kept = [
            e
            for i, e in enumerate(events)
            if not (i + 1 < len(events) and events[i + 1][::2] == e[::2])
        ]
        duplicates += len(events) - len(kept)
        cases[case] = kept
    return cases, duplicates


def reference(rows: list[Row]) -> dict[str, Any]:
    """What the engine must report, by brute force."""
    cases, duplicates = _ordered_cases(rows)
    visits: dict[str, int] = {}
    reached: dict[str, set[str]] = {}
    timed: dict[str, int] = {}
    moves: dict[tuple[str, str], list[int]] = {}
    for case, events in cases.items():
        for i, (day, _, tp) in enumerate(events):
            visits[tp] = visits.get(tp, 0) + 1
            reached.setdefault(tp, set()).add(case)
            if i:
                timed[tp] = timed.get(tp, 0) + 1
            if i + 1 < len(events):
                moves.setdefault((tp, events[i + 1][2]), []).append(events[i + 1][0] - day)
    end_of_log = max(e[-1][0] for e in cases.values()) if cases else 0
    outcome = {"completed": 0, "open": 0, "abandoned": 0}
    # an end with no events: reaching the logged touchpoint before it counts (B, else A)
    ends = {"C"} if "C" in visits else ({"B"} if "B" in visits else {"A"})
    for events in cases.values():
        last_day, _, last_tp = events[-1]
        if last_tp in ends:
            outcome["completed"] += 1
        elif last_day >= end_of_log - CUTOFF_DAYS:
            outcome["open"] += 1
        else:
            outcome["abandoned"] += 1
    return {
        "touchpoints": {
            tp: (len(reached[tp]), visits[tp], visits[tp] - len(reached[tp]), timed.get(tp, 0))
            for tp in visits
        },
        "moves": {pair: (len(gaps), sum(gaps) / len(gaps)) for pair, gaps in moves.items()},
        "outcome": outcome,
        "used": sum(len(e) for e in cases.values()),
        "unmapped": sum(1 for _, a, _ in rows if a == "Z"),
        "duplicates": duplicates,
    }


def _write(path: Path, rows: list[Row]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "activity", "timestamp"])
        writer.writerows([c, a, (T0 + timedelta(days=d)).isoformat()] for c, a, d in rows)
    return path


_event = st.tuples(
    st.sampled_from(["c1", "c2", "c3", "c4"]),
    st.sampled_from(["A", "B", "C", "Z"]),
    st.integers(min_value=0, max_value=5),
)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(_event, min_size=1, max_size=25))
def test_agrees_with_a_brute_force_reference(rows: list[Row]) -> None:
    expected = reference(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / "r.csv", rows)
        if expected["used"] == 0:
            with pytest.raises(EventLogError, match="no usable events"):
                read_event_log([path], journey=JOURNEY, cutoff_days=CUTOFF_DAYS)
            return
        log = read_event_log([path], journey=JOURNEY, cutoff_days=CUTOFF_DAYS)
    assert log.rows_read == len(rows)
    assert log.rows_used == expected["used"]
    assert log.rows_used + sum(log.rejected.values()) == log.rows_read
    assert log.rejected.get("activity not mapped to a touchpoint", 0) == expected["unmapped"]
    assert log.duplicates == expected["duplicates"]
    got_tp = {
        t.touchpoint: (t.cases, t.visits, t.repeat_visits, t.duration_n)
        for t in log.touchpoints.values()
    }
    assert got_tp == expected["touchpoints"]
    got_moves = {
        (t.source, t.target): (t.count, pytest.approx(t.mean_days)) for t in log.transitions
    }
    assert got_moves == expected["moves"]
    assert {
        "completed": log.completed,
        "open": log.open,
        "abandoned": log.abandoned,
    } == expected["outcome"]
    # every used event is either followed by a move or is its case's last
    assert sum(t.count for t in log.transitions) + log.cases == expected["used"]
