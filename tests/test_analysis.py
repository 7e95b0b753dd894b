"""Analysis on small journeys whose numbers are computed by hand (see docs/methods.md)."""

from __future__ import annotations

import math

import pytest

from journeymap import parse_journey
from journeymap.analysis import (
    analyze,
    find_critical_path,
    find_expected_days,
    find_flow,
    simulate,
)
from journeymap.graph import build_graph

HEAD = """journeymap: 1
id: t
title: T
agencies:
  - {id: A, name: Agency A, level: federal, department: X}
  - {id: B, name: Agency B, level: federal, department: X}
  - {id: C, name: Agency C, level: state}
touchpoints:
"""


def journey(body: str):  # type: ignore[no-untyped-def]
    return parse_journey(HEAD + body)


LINEAR = """
  - {id: a, name: Apply, agency: A, duration: 5d, drop_off: 0.1, effort: 1h, asks: [ssn], next: b}
  - {id: b, name: Review, agency: B, duration: 2d, drop_off: 0.2, effort: 30min, asks: [ssn],
     next: c}
  - {id: c, name: Decide, agency: C, duration: 1d, drop_off: 0}
"""


class TestLinear:
    def test_flow(self) -> None:
        flow = find_flow(build_graph(journey(LINEAR)))
        assert flow.visits == pytest.approx({"a": 1.0, "b": 0.9, "c": 0.72})
        assert flow.completion_rate == pytest.approx(0.72)  # 0.9 x 0.8 x 1
        assert flow.failure_rate == 0
        assert flow.abandon_rate == pytest.approx(0.28)

    def test_report_numbers(self) -> None:
        r = analyze(journey(LINEAR))
        m = r.metrics
        assert m.critical_path == ("a", "b", "c")
        assert m.critical_path_days == 8
        assert m.expected_days_for_completers == pytest.approx(8)
        assert m.expected_effort_hours == pytest.approx(1 + 0.9 * 0.5)
        assert m.effort_hours_by_agency == pytest.approx({"A": 1.0, "B": 0.45})
        assert m.population == 1000
        assert m.population_is_default is True
        assert m.handoff_count == 2
        assert m.expected_handoffs_per_person == pytest.approx(0.9 + 0.72)
        # bottleneck: expected visits x median days = 5, 1.8, 0.72 of 7.52
        assert [b.touchpoint for b in r.bottlenecks] == ["a", "b", "c"]
        assert r.bottlenecks[0].share == pytest.approx(5 / 7.52)
        assert r.bottlenecks[1].expected_days == pytest.approx(1.8)
        assert r.bottlenecks[0].critical_path_share == pytest.approx(5 / 8)
        assert r.bottlenecks[1].people_lost == pytest.approx(180)
        # drop-off: a loses 100, b loses 180
        assert [(d.touchpoint, round(d.people_lost, 6)) for d in r.drop_off] == [
            ("b", 180.0),
            ("a", 100.0),
            ("c", 0.0),
        ]
        assert r.drop_off[0].share_of_losses == pytest.approx(180 / 280)
        assert r.drop_off[0].after_handoff is True

    def test_duplicate_ssn(self) -> None:
        r = analyze(journey(LINEAR))
        (d,) = r.duplicate_requests
        assert d.item == "ssn"
        assert d.scope == "cross_agency"
        assert d.touchpoints == ("a", "b")
        assert d.agencies == ("A", "B")
        assert d.asked_again_at == ("b",)
        assert d.expected_asks_per_person == pytest.approx(1.9)
        assert d.asked_rate == pytest.approx(1.0)
        assert d.asked_again_rate == pytest.approx(0.9)
        assert d.people_asked_again == pytest.approx(900)
        assert d.repeat_requests == pytest.approx(900)
        assert r.touchpoint("b").asks_again == ("ssn",)
        assert r.touchpoint("a").asks_again == ()

    def test_handoff_boundaries(self) -> None:
        handoffs = analyze(journey(LINEAR)).handoffs
        assert [(h.from_touchpoint, h.to_touchpoint, h.boundary) for h in handoffs] == [
            ("a", "b", "agency"),  # same department X
            ("b", "c", "level"),  # federal -> state
        ]
        assert handoffs[0].people == pytest.approx(900)
        assert handoffs[1].people == pytest.approx(720)
        assert handoffs[0].people_lost_after == pytest.approx(180)
        assert not any(h.ping_pong for h in handoffs)


ALTERNATIVES = """
  - id: a
    name: Start
    agency: A
    duration: 1d
    next:
      - {to: b, share: 0.7}
      - {to: c, share: 0.3, wait: 4d}
  - {id: b, name: Online, agency: A, duration: 10d, drop_off: 0.1, asks: [ssn], next: d}
  - {id: c, name: Paper, agency: A, duration: 20d, drop_off: 0.5, asks: [ssn], next: e}
  - {id: d, name: Granted, agency: A, duration: 1d, outcome: success}
  - {id: e, name: Denied, agency: A, duration: 1d, outcome: failure}
"""


class TestAlternatives:
    def test_rates(self) -> None:
        r = analyze(journey(ALTERNATIVES))
        m = r.metrics
        assert m.completion_rate == pytest.approx(0.63)  # 0.7 x 0.9
        assert m.failure_rate == pytest.approx(0.15)  # 0.3 x 0.5
        assert m.abandon_rate == pytest.approx(0.22)
        assert m.completion_rate + m.failure_rate + m.abandon_rate == pytest.approx(1)

    def test_critical_path_only_to_success(self) -> None:
        r = analyze(journey(ALTERNATIVES))
        # a -> c -> e is longer (1 + 4 + 20 + 1) but ends in failure
        assert r.metrics.critical_path == ("a", "b", "d")
        assert r.metrics.critical_path_days == 12

    def test_exclusive_alternatives_are_not_duplicates(self) -> None:
        r = analyze(journey(ALTERNATIVES))
        assert r.duplicate_requests == ()


LOOP = """
  - {id: a, name: Apply, agency: A, duration: 1d, asks: [ssn], next: b}
  - id: b
    name: Review
    agency: A
    duration: 2d
    drop_off: {drop}
    next:
      - {to: a, share: 0.25}
      - {to: c, share: 0.75}
  - {id: c, name: Decide, agency: A, duration: 1d}
"""


class TestLoop:
    def test_visits_and_expected_time(self) -> None:
        G = build_graph(journey(LOOP.replace("{drop}", "0")))
        flow = find_flow(G)
        # visits(a) = 1 / (1 - 0.25)
        assert flow.visits == pytest.approx({"a": 4 / 3, "b": 4 / 3, "c": 1.0})
        assert flow.reach == pytest.approx({"a": 1.0, "b": 1.0, "c": 1.0})
        assert flow.completion_rate == pytest.approx(1.0)
        assert flow.in_loop == frozenset({"a", "b"})
        days, note = find_expected_days(G, flow=flow)
        assert note is None
        assert days == pytest.approx(4 / 3 * 1 + 4 / 3 * 2 + 1)  # = 5
        cp = find_critical_path(G, flow=flow)
        assert cp.path is None
        assert cp.note is not None
        assert cp.note.startswith("the journey has loops")

    def test_loop_with_drop_off(self) -> None:
        flow = find_flow(build_graph(journey(LOOP.replace("{drop}", "0.1"))))
        assert flow.visits["a"] == pytest.approx(1 / (1 - 0.9 * 0.25))
        assert flow.completion_rate == pytest.approx(0.9 * 0.75 / (1 - 0.9 * 0.25))

    def test_loop_asks_again(self) -> None:
        r = analyze(journey(LOOP.replace("{drop}", "0")))
        (d,) = r.duplicate_requests
        assert d.item == "ssn"
        assert d.via_loop is True
        assert d.scope == "same_agency"
        assert d.expected_asks_per_person == pytest.approx(4 / 3)
        assert d.asked_again_rate == pytest.approx(0.25)  # P(returning to a at least once)
        assert d.repeat_requests == pytest.approx(1000 / 3)


PARALLEL = """
  - {id: s, name: Split, agency: A, duration: 1d, split: all, next: [x, y]}
  - {id: x, name: Branch X, agency: B, duration: 10d, drop_off: 0.1, asks: [ssn], next: j}
  - {id: y, name: Branch Y, agency: C, duration: 3d, drop_off: 0.2, asks: [ssn], next: j}
  - {id: j, name: Join, agency: A, duration: 1d, join: all}
"""


class TestParallel:
    def test_rates_multiply(self) -> None:
        flow = find_flow(build_graph(journey(PARALLEL)))
        assert flow.visits == pytest.approx({"s": 1, "x": 1, "y": 1, "j": 0.72})
        assert flow.completion_rate == pytest.approx(0.72)
        assert flow.block_completion == pytest.approx({"s": 0.72})

    def test_time_is_slowest_branch_not_sum(self) -> None:
        r = analyze(journey(PARALLEL))
        assert r.metrics.critical_path == ("s", "x", "j")
        assert r.metrics.critical_path_days == 12  # 1 + max(10, 3) + 1, not 1 + 13 + 1
        assert r.metrics.expected_days_for_completers == pytest.approx(12)

    def test_the_faster_branch_adds_nothing_and_has_slack(self) -> None:
        # x: 10 x 1 = 10 (the slowest branch); s: 1; j: 1 x 0.72; y adds 0 with 10 - 3 = 7 slack
        r = analyze(journey(PARALLEL))
        rows = [(b.touchpoint, b.expected_days, b.slack_days) for b in r.bottlenecks]
        assert rows == [
            ("x", pytest.approx(10), 0.0),
            ("s", pytest.approx(1), 0.0),
            ("j", pytest.approx(0.72), 0.0),
            ("y", 0.0, pytest.approx(7)),
        ]
        assert r.bottlenecks[0].share == pytest.approx(10 / 11.72)
        assert r.metrics.main_path == ("s", "x", "j")

    def test_siblings_both_ask(self) -> None:
        r = analyze(journey(PARALLEL))
        (d,) = r.duplicate_requests
        assert d.touchpoints == ("x", "y")
        assert d.scope == "cross_agency"
        assert d.asked_again_rate == pytest.approx(1.0)
        assert d.expected_asks_per_person == pytest.approx(2.0)


def test_ping_pong_and_reissue() -> None:
    r = analyze(
        journey(
            """
  - {id: a, name: Discharge, agency: A, gives: [dd214], next: b}
  - {id: b, name: Check, agency: C, asks: [dd214], next: c}
  - {id: c, name: Back, agency: A, asks: [dd214]}
"""
        )
    )
    assert [h.ping_pong for h in r.handoffs] == [True, False]
    assert [f.kind for f in r.findings if f.kind == "ping_pong"] == ["ping_pong"]
    (reissue,) = r.reissued_requests
    assert reissue.item == "dd214"
    assert reissue.given_at == ("a",)
    assert reissue.asked_at == ("b", "c")
    assert reissue.issuing_agencies == ("A",)
    assert reissue.asking_agencies == ("C", "A")
    assert r.touchpoint("b").reasks_issued == ("dd214",)
    (dup,) = r.duplicate_requests
    assert dup.issued_by == ("a",)


def test_handoff_matrix_and_population_override() -> None:
    r = analyze(journey(LINEAR), population=2000)
    assert r.metrics.population == 2000
    assert r.metrics.population_is_default is False
    assert r.handoff_matrix["A"] == pytest.approx({"B": 1800.0})
    assert r.handoff_matrix["B"] == pytest.approx({"C": 1440.0})
    assert list(r.handoff_matrix) == ["A", "B"]


def test_simulation_is_reproducible_and_plausible() -> None:
    text = LINEAR.replace("duration: 5d", "duration: {median: 5d, p90: 10d}")
    G = build_graph(journey(text))
    flow = find_flow(G)
    one = simulate(G, flow=flow, runs=4000, seed=7)
    two = simulate(G, flow=flow, runs=4000, seed=7)
    assert one == two
    assert one.completers == pytest.approx(4000 * 0.72, rel=0.05)
    assert one.p50_days == pytest.approx(8, rel=0.05)  # median 5 + 2 + 1
    assert one.p90_days is not None
    assert one.p90_days == pytest.approx(10 + 3, rel=0.08)  # lognormal p90 of a, plus 3


def test_findings_text_and_order() -> None:
    r = analyze(journey(LINEAR))
    kinds = [f.kind for f in r.findings]
    assert kinds[0] == "bottleneck"
    assert kinds[-1] == "evidence"
    dup = next(f for f in r.findings if f.kind == "duplicate_request")
    assert dup.title == "Ask once: the Social Security number is requested by A and B"
    assert dup.severity == "high"
    assert dup.detail == (
        "2 touchpoints ask for the Social Security number (a, b). A person who starts is asked "
        "for it 1.90 times on average; 90% of people (900 of 1,000) are asked for it more than "
        "once."
    )
    ev = r.findings[-1]
    assert "no duration" not in ev.detail
    assert ev.detail.startswith("3 touchpoints do not say how their numbers were obtained")


def test_report_is_deterministic_json() -> None:
    from journeymap.render.text import render_json

    a = render_json(analyze(journey(LINEAR)))
    b = render_json(analyze(journey(LINEAR)))
    assert a == b
    assert math.isfinite(len(a))
