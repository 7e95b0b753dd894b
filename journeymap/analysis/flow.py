"""The flow model: where people go, how many reach each touchpoint, how many finish.

A person at a touchpoint abandons with probability ``drop_off`` (missing: 0), otherwise goes
on: to the only ``next``, to one alternative by ``share``, or (``split: all``) down every
branch of a parallel block, whose ``join: all`` waits for all of them. Branches run
independently; the person finishes the block only if every branch finishes. An end
touchpoint finishes the journey with its outcome for those who do not abandon there.

Alternatives and loops form an absorbing Markov chain, solved exactly (:mod:`.chain`).
Each parallel block is solved branch by branch and enters the enclosing chain as one state
that reaches the join with the product of the branches' completion probabilities.
See ``docs/methods.md`` for the formulas and worked examples.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import networkx as nx

from ..graph import Block, find_blocks
from .chain import Chain

__all__ = ["Block", "Flow", "find_blocks", "find_flow"]


@dataclass(frozen=True)
class Flow:
    """Flow numbers per person who starts the journey."""

    visits: dict[str, float]
    reach: dict[str, float]
    edge_flow: dict[tuple[str, str], float]
    completion_rate: float
    failure_rate: float
    abandon_rate: float
    ends: dict[str, float]
    blocks: tuple[Block, ...]
    block_completion: dict[str, float]
    block_of: dict[str, Block] = field(default_factory=dict)
    in_loop: frozenset[str] = frozenset()


def _drop(G: nx.DiGraph, node: str) -> float:
    value = G.nodes[node]["drop_off"]
    return float(value) if value is not None else 0.0


def _block_state(split: str) -> tuple[str, str]:
    return ("block", split)


@dataclass
class _Region:
    visits: dict[str, float]
    reach: dict[str, float]
    exit_probability: float
    ends: dict[str, float]
    loop_nodes: set[str]


class _Solver:
    def __init__(self, G: nx.DiGraph) -> None:
        self.G = G
        self.blocks = find_blocks(G)
        self.by_split = {b.split: b for b in self.blocks}
        self.block_completion: dict[str, float] = {}
        self.branch_results: dict[str, list[_Region]] = {}
        self.inner: set[str] = set()
        for b in self.blocks:
            self.inner |= b.members

    def direct_members(self, nodes: set[str]) -> set[str]:
        """Nodes of a region that are not hidden inside a nested block of that region."""
        hidden: set[str] = set()
        for b in self.blocks:
            if b.split in nodes:
                hidden |= b.members
        return nodes - hidden

    def solve_block(self, block: Block) -> float:
        if block.split in self.block_completion:
            return self.block_completion[block.split]
        probability = 1.0
        results = []
        for branch in block.branches:
            if not branch:
                results.append(_Region({}, {}, 1.0, {}, set()))
                continue
            head = next(n for n in self.G.successors(block.split) if n in branch)
            region = self.solve_region({head: 1.0}, set(branch), block.join)
            results.append(region)
            probability *= region.exit_probability
        self.block_completion[block.split] = probability
        self.branch_results[block.split] = results
        return probability

    def solve_region(
        self, start: dict[str, float], nodes: set[str], exit_node: str | None
    ) -> _Region:
        G = self.G
        direct = self.direct_members(nodes)
        transitions: dict[Hashable, list[tuple[Hashable, float]]] = {}
        for node in direct:
            go_on = 1.0 - _drop(G, node)
            if G.nodes[node]["split"]:
                block = self.by_split[node]
                state = _block_state(node)
                transitions[node] = [(state, go_on)]
                completion = self.solve_block(block)
                target: Hashable = ("exit", exit_node) if block.join == exit_node else block.join
                transitions[state] = [(target, completion)]
            elif G.out_degree(node) == 0:
                transitions[node] = [(("end", node), go_on)]
            else:
                out = []
                for nxt in G.successors(node):
                    share = G.edges[node, nxt]["share"]
                    target = ("exit", exit_node) if nxt == exit_node else nxt
                    out.append((target, go_on * share))
                transitions[node] = out
        chain = Chain(start, transitions)
        visits_all = chain.visits()
        reach_all = chain.reach()
        visits: dict[str, float] = {}
        reach: dict[str, float] = {}
        loop_nodes = {s for s in direct if chain.in_cycle(s)}
        for node in direct:
            visits[node] = visits_all.get(node, 0.0)
            reach[node] = reach_all.get(node, 0.0)
        for node in direct:
            if not G.nodes[node]["split"]:
                continue
            state = _block_state(node)
            v_block = visits_all.get(state, 0.0)
            r_block = reach_all.get(state, 0.0)
            if chain.in_cycle(state):
                loop_nodes |= self.by_split[node].members
            for result in self.branch_results[node]:
                for inner, v in result.visits.items():
                    visits[inner] = v_block * v
                    reach[inner] = r_block * result.reach[inner]
                for inner, v in result.ends.items():
                    visits[inner] = v_block * v
                loop_nodes |= result.loop_nodes
        ends = {
            s[1]: v
            for s, v in visits_all.items()
            if isinstance(s, tuple) and len(s) == 2 and s[0] == "end"
        }
        exit_probability = visits_all.get(("exit", exit_node), 0.0) if exit_node else 0.0
        return _Region(visits, reach, exit_probability, ends, loop_nodes)


def find_flow(G: nx.DiGraph) -> Flow:
    """Expected visits, reach and outcome rates per person who starts the journey.

    Examples
    --------
    >>> from journeymap import parse_journey
    >>> from journeymap.graph import build_graph
    >>> j = parse_journey('''
    ... journeymap: 1
    ... id: f
    ... title: F
    ... agencies: [{id: A, name: A}]
    ... touchpoints:
    ...   - {id: a, name: A, agency: A, drop_off: 0.1, next: b}
    ...   - {id: b, name: B, agency: A, drop_off: 0.5}
    ... ''')
    >>> flow = find_flow(build_graph(j))
    >>> round(flow.completion_rate, 6), round(flow.visits["b"], 6)
    (0.45, 0.9)
    """
    solver = _Solver(G)
    region = solver.solve_region({G.graph["start"]: 1.0}, set(G.nodes), None)
    visits = {n: region.visits.get(n, 0.0) for n in G.nodes}
    reach = {n: region.reach.get(n, 0.0) for n in G.nodes}
    completion = 0.0
    failure = 0.0
    for node, v in region.ends.items():
        if G.nodes[node]["outcome"] == "failure":
            failure += v
        else:
            completion += v
    edge_flow = {}
    for u, v in G.edges:
        edge_flow[(u, v)] = visits[u] * (1.0 - _drop(G, u)) * G.edges[u, v]["share"]
    block_of: dict[str, Block] = {}
    for block in reversed(solver.blocks):  # outermost first, so the innermost wins
        for member in block.members:
            block_of[member] = block
    completion = min(max(completion, 0.0), 1.0)
    failure = min(max(failure, 0.0), 1.0 - completion)
    return Flow(
        visits=visits,
        reach=reach,
        edge_flow=edge_flow,
        completion_rate=completion,
        failure_rate=failure,
        abandon_rate=max(0.0, 1.0 - completion - failure),
        ends=dict(region.ends),
        blocks=solver.blocks,
        block_completion=dict(solver.block_completion),
        block_of=block_of,
        in_loop=frozenset(region.loop_nodes),
    )
