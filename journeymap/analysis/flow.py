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

import math
import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from ..exceptions import JourneymapTypeError
from ..graph import Block, find_blocks, find_regions
from ..models import Journey
from .chain import Chain, pausing_collector

__all__ = [
    "Block",
    "Flow",
    "check_analyze_arguments",
    "check_graph",
    "find_blocks",
    "find_flow",
    "out_shares",
    "shares_of",
]


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
    #: Each touchpoint's successors with the probability of each (see :func:`out_shares`).
    shares: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)


def _type_name(value: object) -> str:
    if value is None:
        return "None"
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


def check_graph(G: object, *, parameter: str = "G") -> None:
    """Raise :class:`JourneymapTypeError` unless ``G`` is a journey graph from ``build_graph``."""
    if not isinstance(G, nx.DiGraph) or "start" not in G.graph:
        msg = (
            f"{parameter} must be the journey graph from build_graph(journey), not {_type_name(G)}"
        )
        raise JourneymapTypeError(msg)


def check_analyze_arguments(journey: object, *, observed: object = None) -> None:
    """The journey and evidence checks of :func:`journeymap.analysis.analyze` (its knobs
    are checked by :class:`~journeymap.specs.AnalysisOptions`).

    Raises
    ------
    JourneymapTypeError
        A journey that is neither a Journey nor its graph (a path, None...), or evidence of
        the wrong type; the message names the parameter.
    """
    if not isinstance(journey, Journey):
        if isinstance(journey, str | os.PathLike):
            msg = (
                f"journey must be a Journey or its graph, not the path {str(journey)!r}; "
                "load the file first: analyze(load_journey(path))"
            )
            raise JourneymapTypeError(msg)
        if not isinstance(journey, nx.DiGraph) or "start" not in journey.graph:
            shown = (
                "a networkx graph that build_graph did not make (it has no start)"
                if isinstance(journey, nx.DiGraph)
                else _type_name(journey)
            )
            msg = (
                "journey must be a Journey (from load_journey or parse_journey) or its graph "
                f"from build_graph, not {shown}"
            )
            raise JourneymapTypeError(msg)
        if observed is not None:
            msg = "observed evidence needs the Journey (journey), not only its graph"
            raise JourneymapTypeError(msg)
    from ..observed import ObservedLog

    if observed is not None and not isinstance(observed, ObservedLog):
        kind = _type_name(observed)
        msg = f"observed must be an ObservedLog (from read_event_log) or None, not {kind}"
        raise JourneymapTypeError(msg)


def _drop(G: nx.DiGraph, node: str) -> float:
    value = G.nodes[node]["drop_off"]
    return float(value) if value is not None else 0.0


def out_shares(G: nx.DiGraph, node: str) -> list[tuple[str, float]]:
    """The successors of ``node`` with the probability of each for a person who goes on.

    The shares of alternatives are divided by their sum, so they add up to exactly 1 even when
    the file's shares are off by the tolerance validation allows (0.7 + 0.3001); shares that
    already sum to 1 are used as written. Parallel branches (``split: all``) keep share 1 each.
    """
    out = [(nxt, float(attrs["share"])) for nxt, attrs in G.succ[node].items()]
    if len(out) < 2 or G.nodes[node]["split"]:
        return out
    total = math.fsum(share for _, share in out)
    if total == 1.0 or total <= 0.0:
        return out
    return [(nxt, share / total) for nxt, share in out]


def shares_of(G: nx.DiGraph, flow: Flow, node: str) -> tuple[tuple[str, float], ...]:
    """:func:`out_shares` of ``node``, from ``flow`` when it has them (computed once)."""
    found = flow.shares.get(node)
    return found if found is not None else tuple(out_shares(G, node))


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
    """Solves every parallel block innermost first (no recursion), then the whole journey."""

    def __init__(self, G: nx.DiGraph) -> None:
        self.G = G
        self.shares = {node: tuple(out_shares(G, node)) for node in G}
        self.regions = find_regions(G)
        self.by_split = self.regions.by_split
        self.block_completion: dict[str, float] = {}
        self.branch_results: dict[str, list[_Region]] = {}
        for block in self.regions.blocks:
            self._solve_block(block)

    def _solve_block(self, block: Block) -> None:
        probability = 1.0
        results = []
        for key, head in self.regions.branches(block):
            region = self.solve_region({head: 1.0}, self.regions.direct[key], block.join)
            results.append(region)
            probability *= region.exit_probability
        self.block_completion[block.split] = probability
        self.branch_results[block.split] = results

    def solve_region(
        self, start: dict[str, float], direct: Sequence[str], exit_node: str | None
    ) -> _Region:
        G = self.G
        transitions: dict[Hashable, list[tuple[Hashable, float]]] = {}
        for node in direct:
            go_on = 1.0 - _drop(G, node)
            if G.nodes[node]["split"]:
                block = self.by_split[node]
                state = _block_state(node)
                transitions[node] = [(state, go_on)]
                completion = self.block_completion[node]
                target: Hashable = ("exit", exit_node) if block.join == exit_node else block.join
                transitions[state] = [(target, completion)]
            elif G.out_degree(node) == 0:
                transitions[node] = [(("end", node), go_on)]
            else:
                out: list[tuple[Hashable, float]] = []
                for nxt, share in self.shares[node]:
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


@pausing_collector
def find_flow(G: nx.DiGraph) -> Flow:
    """Expected visits, reach and outcome rates per person who starts the journey.

    Examples
    --------
    >>> from journeymap import parse_journey
    >>> from journeymap.graph import build_graph
    >>> j = parse_journey('''{journeymap: 1, id: f, title: F, agencies: [{id: A, name: A}],
    ...   touchpoints: [{id: a, name: A, agency: A, drop_off: 0.1, next: b},
    ...                 {id: b, name: B, agency: A, drop_off: 0.5}]}''')
    >>> flow = find_flow(build_graph(j))
    >>> round(flow.completion_rate, 6), round(flow.visits["b"], 6)
    (0.45, 0.9)
    """
    check_graph(G)
    solver = _Solver(G)
    region = solver.solve_region({G.graph["start"]: 1.0}, solver.regions.direct.get(None, ()), None)
    visits = {n: region.visits.get(n, 0.0) for n in G.nodes}
    reach = {n: region.reach.get(n, 0.0) for n in G.nodes}
    completion = 0.0
    failure = 0.0
    for node, v in region.ends.items():
        if G.nodes[node]["outcome"] == "failure":
            failure += v
        else:
            completion += v
    edge_flow: dict[tuple[str, str], float] = {}
    for u in G.nodes:
        for w, share in solver.shares[u]:
            edge_flow[(u, w)] = visits[u] * (1.0 - _drop(G, u)) * share
    block_of = {node: block for node, (block, _) in solver.regions.innermost.items()}
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
        blocks=solver.regions.blocks,
        block_completion=dict(solver.block_completion),
        block_of=block_of,
        in_loop=frozenset(region.loop_nodes),
        shares=solver.shares,
    )
