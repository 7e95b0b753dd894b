"""Hostile journeys in analysis: big loops, deep nesting, bad arguments; exact numbers."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap import Journey, parse_journey
from journeymap.analysis import (
    analyze,
    find_critical_path,
    find_expected_days,
    find_flow,
    simulate,
)
from journeymap.analysis.ask_counts import asked_counts
from journeymap.analysis.chain import Chain
from journeymap.exceptions import AnalysisError, JourneyFileError, JourneymapTypeError, UsageError
from journeymap.graph import build_graph

TINY = """journeymap: 1
id: t
title: T
agencies: [{id: A, name: A}]
touchpoints:
  - {id: a, name: A, agency: A, duration: 1d, drop_off: 0.1, next: b}
  - {id: b, name: B, agency: A, duration: 2d}
"""


def loop_journey(n: int, *, drop: float, back: float = 0.5) -> Journey:
    """t0 -> ... -> t(n-1) -> back to t0 (share ``back``) or on to ``end``; 1 day each."""
    tps: list[dict[str, Any]] = [
        {
            "id": f"t{i}",
            "name": f"Step {i}",
            "agency": "A",
            "duration": "1d",
            "drop_off": drop,
            "asks": ["ssn"] if i == 0 else [],
            "next": f"t{i + 1}",
        }
        for i in range(n - 1)
    ]
    tps.append(
        {
            "id": f"t{n - 1}",
            "name": "Review",
            "agency": "A",
            "duration": "1d",
            "drop_off": drop,
            "next": [{"to": "t0", "share": back}, {"to": "end", "share": 1 - back}],
        }
    )
    tps.append({"id": "end", "name": "Done", "agency": "A"})
    return Journey.model_validate(
        {
            "journeymap": 1,
            "id": "loop",
            "title": "Loop",
            "agencies": [{"id": "A", "name": "A"}],
            "touchpoints": tps,
        }
    )


def nested_journey(depth: int) -> Journey:
    """Parallel blocks nested ``depth`` deep: s(k) splits into s(k+1) and x(k), joined at j(k)."""
    tps: list[dict[str, Any]] = []
    for k in range(depth):
        inner = f"s{k + 1}" if k + 1 < depth else "core"
        tps.append(
            {"id": f"s{k}", "name": "S", "agency": "A", "split": "all", "next": [inner, f"x{k}"]}
        )
        tps.append(
            {
                "id": f"x{k}",
                "name": "X",
                "agency": "A",
                "duration": {"median": "1d", "p90": "2d"},
                "drop_off": 0.0001,
                "asks": ["ssn"],
                "next": f"j{k}",
            }
        )
    tps.append({"id": "core", "name": "C", "agency": "A", "next": f"j{depth - 1}"})
    for k in range(depth - 1, -1, -1):
        tps.append(
            {
                "id": f"j{k}",
                "name": "J",
                "agency": "A",
                "join": "all",
                "next": f"j{k - 1}" if k else "end",
            }
        )
    tps.append({"id": "end", "name": "E", "agency": "A"})
    return Journey.model_validate(
        {
            "journeymap": 1,
            "id": "nested",
            "title": "Nested",
            "agencies": [{"id": "A", "name": "A"}],
            "touchpoints": tps,
        }
    )


# --- a loop of 300 touchpoints (solved sparsely), exact closed forms -----------------------


def test_big_loop_visits_and_reach_are_exact() -> None:
    n, drop = 300, 0.001
    flow = find_flow(build_graph(loop_journey(n, drop=drop)))
    around = 0.5 * (1 - drop) ** n  # a lap ends back at t0
    for k in (0, 1, 150, 299):
        # reaching t_k needs the first lap to get that far; every later lap adds visits
        assert flow.reach[f"t{k}"] == pytest.approx((1 - drop) ** k, rel=1e-12)
        assert flow.visits[f"t{k}"] == pytest.approx((1 - drop) ** k / (1 - around), rel=1e-12)
    assert flow.completion_rate == pytest.approx(0.5 * (1 - drop) ** n / (1 - around), rel=1e-12)
    assert flow.in_loop == frozenset(f"t{i}" for i in range(n))


def test_big_loop_expected_days_and_asked_again() -> None:
    n = 300
    journey = loop_journey(n, drop=0.0)
    G = build_graph(journey)
    flow = find_flow(G)
    days, note = find_expected_days(G, flow=flow)
    assert note is None
    assert days == pytest.approx(2 * n, rel=1e-12)  # two laps on average, one day a step
    counts = asked_counts(G, {"t0"}, flow=flow)
    assert counts.at_least_once == pytest.approx(1.0)
    assert counts.at_least_twice == pytest.approx(0.5, rel=1e-12)  # at least one lap more


def test_a_loop_left_too_rarely_is_an_analysis_error_not_wrong_numbers() -> None:
    k = 60  # leaving needs 60 steps forward, each taken by 1 in a million
    tps: list[dict[str, Any]] = [
        {
            "id": f"t{i}",
            "name": "S",
            "agency": "A",
            "next": [
                {"to": f"t{i + 1}" if i + 1 < k else "end", "share": 1e-6},
                {"to": "t0", "share": 0.999999},
            ],
        }
        for i in range(k)
    ]
    tps.append({"id": "end", "name": "E", "agency": "A"})
    journey = Journey.model_validate(
        {
            "journeymap": 1,
            "id": "g",
            "title": "G",
            "agencies": [{"id": "A", "name": "A"}],
            "touchpoints": tps,
        }
    )
    with pytest.raises(AnalysisError) as err:
        analyze(journey)
    assert str(err.value) == (
        "a loop that people leave with a probability too small to compute (60 states: 't59', "
        "'t58', 't57', 't56', 't55', ...); give the loop a larger share on its way out"
    )


def test_ids_named_like_internal_states_change_nothing() -> None:
    journey = parse_journey(
        """journeymap: 1
id: t
title: T
agencies: [{id: A, name: A}]
touchpoints:
  - {id: lost, name: L, agency: A, asks: [ssn], drop_off: 0.5, next: exit}
  - {id: exit, name: X, agency: A, asks: [ssn], drop_off: 0.2, next: end}
  - {id: end, name: E, agency: A, asks: [ssn]}
"""
    )
    (dup,) = analyze(journey).duplicate_requests
    assert dup.asked_rate == pytest.approx(1.0)
    assert dup.asked_again_rate == pytest.approx(0.5)
    assert dup.expected_asks_per_person == pytest.approx(1 + 0.5 + 0.4)


# --- nesting 1,100 deep: no recursion ------------------------------------------------------


def test_deeply_nested_blocks_are_analysed_without_recursion() -> None:
    depth = 1100
    G = build_graph(nested_journey(depth))
    flow = find_flow(G)
    assert flow.completion_rate == pytest.approx(0.9999**depth, rel=1e-9)
    assert flow.visits["core"] == pytest.approx(1.0)
    assert flow.visits["j0"] == pytest.approx(0.9999**depth, rel=1e-9)
    critical = find_critical_path(G, flow=flow)
    assert critical.days == 1.0  # each block is as slow as its slowest branch: one day
    assert critical.path == ("s0", "x0", "j0", "end")
    counts = asked_counts(G, {f"x{k}" for k in range(depth)}, flow=flow)
    assert counts.at_least_twice == pytest.approx(1.0)
    sim = simulate(G, flow=flow, runs=100, seed=1)
    assert sim.runs >= 100
    assert sim.completers == pytest.approx(sim.runs * 0.9999**depth, abs=sim.runs * 0.15)


# --- the sparse solver equals the dense one -----------------------------------------------


@st.composite
def chains(draw: st.DrawFn) -> tuple[dict[int, float], dict[int, list[tuple[int, float]]]]:
    n = draw(st.integers(min_value=1, max_value=9))
    transitions: dict[int, list[tuple[int, float]]] = {}
    for s in range(n):
        targets = draw(st.lists(st.integers(min_value=0, max_value=n + 2), max_size=4, unique=True))
        weights = [draw(st.floats(min_value=0.01, max_value=1.0)) for _ in targets]
        keep = draw(st.floats(min_value=0.05, max_value=0.95))  # the rest leaves the chain
        total = sum(weights) or 1.0
        transitions[s] = [(t, keep * w / total) for t, w in zip(targets, weights, strict=True)]
    start = {0: 1.0}
    if n > 1 and draw(st.booleans()):
        start = {0: 0.5, n - 1: 0.5}
    return start, transitions


@settings(max_examples=150, deadline=None)
@given(chains())
def test_sparse_solve_equals_dense_solve(
    chain: tuple[dict[int, float], dict[int, list[tuple[int, float]]]],
) -> None:
    start, transitions = chain
    dense = Chain(start, transitions)
    sparse = Chain(start, transitions, dense_limit=0)
    terminal = {t: 1.0 for t in range(20) if t not in transitions}
    for name in ("visits", "reach"):
        a, b = getattr(dense, name)(), getattr(sparse, name)()
        assert a.keys() == b.keys()
        for state in a:
            assert b[state] == pytest.approx(a[state], rel=1e-9, abs=1e-12), (name, state)
    ha, hb = dense.values(terminal), sparse.values(terminal)
    for state in ha:
        assert hb[state] == pytest.approx(ha[state], rel=1e-9, abs=1e-12)


# --- argument contracts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("journey", "message"),
    [
        (
            None,
            "journey must be a Journey (from load_journey or parse_journey) or its graph from "
            "build_graph, not None",
        ),
        (
            "path.yaml",
            "journey must be a Journey or its graph, not the path 'path.yaml'; load the file "
            "first: analyze(load_journey(path))",
        ),
        (
            42,
            "journey must be a Journey (from load_journey or parse_journey) or its graph from "
            "build_graph, not int 42",
        ),
        (
            nx.DiGraph(),
            "journey must be a Journey (from load_journey or parse_journey) or its graph from "
            "build_graph, not a networkx graph that build_graph did not make (it has no start)",
        ),
    ],
)
def test_analyze_refuses_what_is_not_a_journey(journey: object, message: str) -> None:
    with pytest.raises(JourneymapTypeError) as err:
        analyze(journey)  # type: ignore[arg-type]
    assert isinstance(err.value, TypeError)
    assert str(err.value) == message


def test_build_graph_refuses_none() -> None:
    with pytest.raises(JourneymapTypeError) as err:
        build_graph(None)  # type: ignore[arg-type]
    assert str(err.value) == (
        "journey must be a Journey (from load_journey or parse_journey), not None"
    )


def test_find_flow_refuses_a_journey() -> None:
    with pytest.raises(JourneymapTypeError) as err:
        find_flow(parse_journey(TINY))  # type: ignore[arg-type]
    assert str(err.value).startswith(
        "G must be the journey graph from build_graph(journey), not Journey "
    )


@pytest.mark.parametrize(
    ("options", "kind", "message"),
    [
        (
            {"population": 0},
            UsageError,
            "population must be a whole number from 1 to 10,000,000,000, not 0",
        ),
        (
            {"population": -5},
            UsageError,
            "population must be a whole number from 1 to 10,000,000,000, not -5",
        ),
        (
            {"population": 10**11},
            UsageError,
            "population must be a whole number from 1 to 10,000,000,000, not 100,000,000,000",
        ),
        (
            {"population": True},
            JourneymapTypeError,
            "population must be a whole number from 1 to 10,000,000,000, not bool True",
        ),
        (
            {"population": "5"},
            JourneymapTypeError,
            "population must be a whole number from 1 to 10,000,000,000, not str '5'",
        ),
        (
            {"runs": 0},
            UsageError,
            "runs must be a whole number of simulated people, at least 1, not 0",
        ),
        ({"top": -1}, UsageError, "top must be a whole number, 0 or more, not -1"),
        ({"seed": 1.5}, JourneymapTypeError, "seed must be a whole number, not float 1.5"),
    ],
)
def test_analyze_option_contracts(options: dict[str, Any], kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        analyze(parse_journey(TINY), **options)
    assert str(err.value) == message
    if kind is UsageError:
        assert isinstance(err.value, ValueError)
        assert err.value.parameter == next(iter(options))  # type: ignore[attr-defined]


def test_population_at_the_bounds_is_used() -> None:
    assert analyze(parse_journey(TINY), population=1).metrics.completions == pytest.approx(0.9)
    big = analyze(parse_journey(TINY), population=10**10).metrics
    assert big.completions == pytest.approx(9 * 10**9)


def test_the_collector_is_paused_only_for_large_graphs_and_always_restored() -> None:
    import gc

    from journeymap.analysis.chain import PAUSE_GC_NODES, pausing_collector

    @pausing_collector
    def enabled_inside(items: list[int], *, fail: bool = False) -> bool:
        if fail:
            raise ValueError("boom")
        return gc.isenabled()

    assert gc.isenabled()
    assert enabled_inside([0] * (PAUSE_GC_NODES - 1)) is True
    assert enabled_inside([0] * PAUSE_GC_NODES) is False
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        enabled_inside([0] * PAUSE_GC_NODES, fail=True)
    assert gc.isenabled()


def test_a_p90_far_above_the_median_is_refused_or_drawn_through_its_mean() -> None:
    """A spread too wide to draw from is a located error (no overflow, no absurd days);
    with the mean given, times are drawn through it and the numbers stay finite."""
    text = """journeymap: 1
id: t
title: T
agencies: [{id: A, name: A}]
touchpoints:
  - {id: a, name: A, agency: A, duration: {median: 2.7e-34min, p90: P1Y}, next: b}
  - {id: b, name: B, agency: A}
"""
    with pytest.raises(JourneyFileError) as err:
        parse_journey(text)
    assert str(err.value.problems[0]).startswith(
        "<string>:6:69: touchpoints[0].duration.p90: p90 '365d' is more than 100 times the "
        "median '2.7e-34min'"
    )
    metrics = analyze(parse_journey(text.replace("p90: P1Y}", "p90: P1Y, mean: 30d}")), runs=100)
    assert metrics.metrics.expected_days_for_completers == pytest.approx(30.0)
    assert metrics.metrics.elapsed_p90_days == pytest.approx(365.0)
