"""The flow-shape questions answered without networkx agree with networkx."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.analysis.chain import SingularChainError, _components, solve_linear
from journeymap.flowshape import branches, immediate_post_dominators, reach


@st.composite
def flows(draw: st.DrawFn) -> dict[str, list[str]]:
    n = draw(st.integers(min_value=1, max_value=10))
    ids = [f"t{i}" for i in range(n)]
    return {t: draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)) for t in ids}


def _networkx_post_dominators(succ: dict[str, list[str]]) -> dict[str, str | None]:
    exit_node = ("exit",)
    reverse = nx.DiGraph()
    reverse.add_node(exit_node)
    reverse.add_nodes_from(succ)
    for node, outs in succ.items():
        reverse.add_edges_from((out, node) for out in outs)
        if not outs:
            reverse.add_edge(exit_node, node)
    found = nx.immediate_dominators(reverse, exit_node)
    return {n: None if d == exit_node else d for n, d in found.items() if n != exit_node}


@settings(max_examples=300, deadline=None)
@given(flows())
def test_post_dominators_are_those_of_networkx(succ: dict[str, list[str]]) -> None:
    assert immediate_post_dominators(succ) == _networkx_post_dominators(succ)


@settings(max_examples=200, deadline=None)
@given(flows())
def test_reach_and_branches_are_those_of_networkx(succ: dict[str, list[str]]) -> None:
    G = nx.DiGraph()
    G.add_nodes_from(succ)
    G.add_edges_from((u, v) for u, outs in succ.items() for v in outs)
    first = next(iter(succ))
    assert reach([first], succ) == {first} | nx.descendants(G, first)
    join = list(succ)[-1]
    before = nx.restricted_view(G, [join], [])
    expected = [
        set() if head == join else {head} | nx.descendants(before, head) for head in succ[first]
    ]
    assert branches(succ, first, join) == expected


@settings(max_examples=200, deadline=None)
@given(flows())
def test_chain_components_come_in_topological_order(succ: dict[str, list[str]]) -> None:
    transitions = {s: [(t, 0.5) for t in outs] for s, outs in succ.items()}
    first = next(iter(succ))
    components = _components([first], transitions)
    place = {s: k for k, comp in enumerate(components) for s in comp}
    assert sorted(place) == sorted({first} | nx.descendants(nx.DiGraph(succ), first))
    for s, outs in succ.items():
        for t in outs:
            if s in place:
                assert place[s] <= place[t]


def test_a_singular_system_is_a_singular_chain_error() -> None:
    with pytest.raises(SingularChainError):
        solve_linear([[1.0, -1.0], [-1.0, 1.0]], [1.0, 0.0])
    assert solve_linear([[2.0, 0.0], [0.0, 4.0]], [1.0, 1.0]) == [0.5, 0.25]
