"""Invariants of the analysis on generated journeys (hypothesis)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import flow_journeys, journeys

from journeymap import Journey
from journeymap.analysis import analyze

SETTINGS = settings(max_examples=60, deadline=None)
any_journey = st.one_of(journeys(), flow_journeys())


def report(doc: dict[str, Any]):  # type: ignore[no-untyped-def]
    return analyze(Journey.model_validate(doc), runs=200)


@SETTINGS
@given(any_journey)
def test_rates_are_probabilities_that_sum_to_one(doc: dict[str, Any]) -> None:
    m = report(doc).metrics
    for rate in (m.completion_rate, m.failure_rate, m.abandon_rate):
        assert 0 <= rate <= 1
    assert abs(m.completion_rate + m.failure_rate + m.abandon_rate - 1) < 1e-9


@SETTINGS
@given(any_journey, st.data())
def test_raising_drop_off_never_raises_completion(doc: dict[str, Any], data: st.DataObject) -> None:
    before = report(doc).metrics.completion_rate
    worse = copy.deepcopy(doc)
    tp = data.draw(st.sampled_from(worse["touchpoints"]))
    tp["drop_off"] = min(
        1.0, float(tp.get("drop_off") or 0.0) + data.draw(st.floats(min_value=0.01, max_value=1.0))
    )
    after = report(worse).metrics.completion_rate
    assert after <= before + 1e-12


def _edges(doc: dict[str, Any]) -> list[tuple[int, int]]:
    out = []
    for i, tp in enumerate(doc["touchpoints"]):
        nxt = tp.get("next")
        items = [nxt] if isinstance(nxt, str) else list(nxt or [])
        for j, item in enumerate(items):
            out.append((i, j))
            del item
    return out


@SETTINGS
@given(any_journey, st.data())
def test_inserting_a_new_agency_adds_handoffs(doc: dict[str, Any], data: st.DataObject) -> None:
    edges = _edges(doc)
    if not edges:
        return
    before = report(doc).metrics.handoff_count
    changed = copy.deepcopy(doc)
    i, j = data.draw(st.sampled_from(edges))
    tp = changed["touchpoints"][i]
    nxt = tp["next"]
    if isinstance(nxt, str):
        target, tp["next"] = nxt, "NEW"
    else:
        entry = nxt[j]
        target = entry if isinstance(entry, str) else entry["to"]
        if isinstance(entry, str):
            nxt[j] = "NEW"
        else:
            entry["to"] = "NEW"
    changed["agencies"].append({"id": "NEWAGENCY", "name": "New agency"})
    changed["touchpoints"].append(
        {"id": "NEW", "name": "Inserted", "agency": "NEWAGENCY", "next": target}
    )
    changed.setdefault("start", changed["touchpoints"][0]["id"])
    assert report(changed).metrics.handoff_count >= before + 1


@SETTINGS
@given(any_journey, st.randoms(use_true_random=False))
def test_reordering_touchpoints_changes_nothing(doc: dict[str, Any], rnd: Any) -> None:
    shuffled = copy.deepcopy(doc)
    shuffled["start"] = doc["touchpoints"][0]["id"]
    rnd.shuffle(shuffled["touchpoints"])
    a, b = report(doc), report(shuffled)
    for key in (
        "completion_rate",
        "failure_rate",
        "abandon_rate",
        "expected_effort_hours",
        "critical_path_days",
        "expected_days_for_completers",
    ):
        x, y = getattr(a.metrics, key), getattr(b.metrics, key)
        assert (x is None and y is None) or abs(x - y) < 1e-9, key
    assert a.metrics.handoff_count == b.metrics.handoff_count
    flows_a = {t.touchpoint: (t.expected_visits, t.reach) for t in a.touchpoints}
    flows_b = {t.touchpoint: (t.expected_visits, t.reach) for t in b.touchpoints}
    for key, (v, r) in flows_a.items():
        assert abs(v - flows_b[key][0]) < 1e-9
        assert abs(r - flows_b[key][1]) < 1e-9
    dup_a = {d.item: d.asked_again_rate for d in a.duplicate_requests}
    dup_b = {d.item: d.asked_again_rate for d in b.duplicate_requests}
    assert dup_a.keys() == dup_b.keys()
    for key, rate in dup_a.items():
        assert abs(rate - dup_b[key]) < 1e-9


@SETTINGS
@given(any_journey)
def test_critical_path_is_at_least_any_success_path(doc: dict[str, Any]) -> None:
    journey = Journey.model_validate(doc)
    r = analyze(journey, runs=200)
    from journeymap.graph import build_graph

    G = build_graph(journey)
    if not nx.is_directed_acyclic_graph(G):
        assert r.metrics.critical_path is None
        return
    ends = [n for n in G if G.out_degree(n) == 0 and G.nodes[n]["outcome"] == "success"]
    longest = 0.0
    for end in ends:
        for path in (
            nx.all_simple_paths(G, G.graph["start"], end) if end != G.graph["start"] else [[end]]
        ):
            t = sum(G.nodes[n]["median_days"] or 0 for n in path)
            t += sum(G.edges[u, v]["wait_days"] or 0 for u, v in itertools.pairwise(path))
            longest = max(longest, t)
    if ends and r.metrics.critical_path_days is not None:
        assert r.metrics.critical_path_days >= longest - 1e-9
