"""Time: the critical path, expected elapsed time for completers, and simulated percentiles.

Elapsed time at a touchpoint is its ``duration`` (median; the mean where an expectation is
wanted and a mean is given); a ``wait`` on an edge adds the time between two touchpoints.
A parallel block takes as long as its slowest branch, never the sum.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx

from .chain import Chain
from .flow import Block, Flow

__all__ = ["CriticalPath", "Simulation", "find_critical_path", "find_expected_days", "simulate"]

_STOP = "\0stop"

#: z-score of the 90th percentile of the standard normal distribution.
Z90 = 1.2815515655446004


def _days(G: nx.DiGraph, node: str, *, mean: bool = False) -> float:
    attrs = G.nodes[node]
    if mean and attrs["mean_days"] is not None:
        return float(attrs["mean_days"])
    return float(attrs["median_days"] or 0.0)


def _wait(G: nx.DiGraph, u: str, v: str) -> float:
    return float(G.edges[u, v]["wait_days"] or 0.0)


@dataclass(frozen=True)
class CriticalPath:
    """The path of longest elapsed time from the start to a success end (no loops)."""

    path: tuple[str, ...] | None
    days: float | None
    note: str | None


def find_critical_path(G: nx.DiGraph, *, flow: Flow) -> CriticalPath:
    """The critical path, counting a parallel block as its slowest branch.

    Defined for journeys without loops; for a journey with loops ``path`` and ``days`` are
    None and ``note`` says why.
    """
    if not nx.is_directed_acyclic_graph(G):
        return CriticalPath(
            None,
            None,
            "the journey has loops, so no longest path exists; see the expected elapsed time "
            "and the simulated percentiles instead",
        )
    by_split = {b.split: b for b in flow.blocks}

    def longest(start: str, stop: str | None) -> dict[str, tuple[float, tuple[str, ...]]]:
        """Longest time to finish each node's visit, from ``start``, not passing ``stop``."""
        best: dict[str, tuple[float, tuple[str, ...]]] = {start: (_days(G, start), (start,))}
        for node in nx.topological_sort(G):
            if node not in best or node == stop:
                continue
            elapsed, path = best[node]
            if G.nodes[node]["split"]:
                block = by_split[node]
                join_time, join_path = _through_block(block, elapsed, path)
                candidate = (join_time + _days(G, block.join), (*join_path, block.join))
                if block.join not in best or candidate[0] > best[block.join][0]:
                    best[block.join] = candidate
                continue
            for nxt in G.successors(node):
                if nxt == stop:
                    arrive = elapsed + _wait(G, node, nxt)
                    if _STOP not in best or arrive > best[_STOP][0]:
                        best[_STOP] = (arrive, path)
                    continue
                candidate = (elapsed + _wait(G, node, nxt) + _days(G, nxt), (*path, nxt))
                if nxt not in best or candidate[0] > best[nxt][0]:
                    best[nxt] = candidate
        return best

    def _through_block(
        block: Block, elapsed: float, path: tuple[str, ...]
    ) -> tuple[float, tuple[str, ...]]:
        slowest = (elapsed, path)
        for head in G.successors(block.split):
            if head == block.join:
                arrive = elapsed + _wait(G, block.split, head)
                if arrive > slowest[0]:
                    slowest = (arrive, path)
                continue
            inner = longest(head, block.join)
            if _STOP in inner:
                t, p = inner[_STOP]
                total = elapsed + _wait(G, block.split, head) + t
                if total >= slowest[0]:
                    slowest = (total, (*path, *p))
        return slowest

    best = longest(G.graph["start"], None)
    ends = [
        (t, p)
        for node, (t, p) in best.items()
        if node in G and G.out_degree(node) == 0 and G.nodes[node]["outcome"] == "success"
    ]
    if not ends:
        return CriticalPath(None, None, "no success end can be reached")
    days, path = max(ends, key=lambda tp: (tp[0], [-G.nodes[n]["order"] for n in tp[1]]))
    return CriticalPath(tuple(path), days, None)


def find_expected_days(G: nx.DiGraph, *, flow: Flow) -> tuple[float | None, str | None]:
    """Expected elapsed days for the people who complete the journey (exact), with a note.

    Uses each touchpoint's mean duration where given, else its median. Computed with the
    success probability ``h`` of every state (an h-transform of the chain). A parallel block
    counts as its slowest branch; that is exact when each branch is a single fixed path,
    otherwise the result is None and the note points to the simulation.
    """
    if flow.completion_rate <= 0:
        return None, "nobody completes the journey"
    by_split = {b.split: b for b in flow.blocks}
    block_days: dict[str, float] = {}
    for block in flow.blocks:  # innermost first
        times = []
        for head in G.successors(block.split):
            t = _wait(G, block.split, head)
            node = head
            seen: set[str] = set()
            while node != block.join:
                succ = list(G.successors(node))
                if node in seen or len(succ) != 1 or G.nodes[node]["split"]:
                    if G.nodes[node]["split"] and node in block_days:
                        t += _days(G, node, mean=True) + block_days[node]
                        node = by_split[node].join
                        continue
                    return None, (
                        "a parallel branch has alternatives or loops, so its time is not "
                        "fixed; see the simulated percentiles"
                    )
                seen.add(node)
                t += _days(G, node, mean=True) + _wait(G, node, succ[0])
                node = succ[0]
            times.append(t)
        block_days[block.split] = max(times) if times else 0.0
    inner = set().union(*(b.members for b in flow.blocks)) if flow.blocks else set()
    transitions: dict[Hashable, list[tuple[Hashable, float]]] = {}
    cost: dict[Hashable, float] = {}
    terminal: dict[Hashable, float] = {}
    for node in G.nodes:
        if node in inner:
            continue
        drop = float(G.nodes[node]["drop_off"] or 0.0)
        cost[node] = _days(G, node, mean=True)
        if G.nodes[node]["split"]:
            block = by_split[node]
            state = ("block", node)
            transitions[node] = [(state, 1 - drop)]
            transitions[state] = [(block.join, flow.block_completion[node])]
            cost[state] = block_days[node]
        elif G.out_degree(node) == 0:
            end = ("end", node)
            transitions[node] = [(end, 1 - drop)]
            terminal[end] = 1.0 if G.nodes[node]["outcome"] == "success" else 0.0
        else:
            transitions[node] = []
            for nxt in G.successors(node):
                p = (1 - drop) * G.edges[node, nxt]["share"]
                wait = _wait(G, node, nxt)
                if wait:
                    edge = ("wait", node, nxt)
                    transitions[node].append((edge, p))
                    transitions[edge] = [(nxt, 1.0)]
                    cost[edge] = wait
                else:
                    transitions[node].append((nxt, p))
    chain = Chain({G.graph["start"]: 1.0}, transitions)
    visits = chain.visits()
    h = chain.values(terminal)
    success = sum(v * terminal.get(s, 0.0) for s, v in visits.items())
    if success <= 0:
        return None, "nobody completes the journey"
    total = sum(visits[s] * h.get(s, 0.0) * c for s, c in cost.items() if s in visits)
    return total / success, None


@dataclass(frozen=True)
class Simulation:
    """Percentiles of end-to-end elapsed days for completers, from a seeded simulation."""

    p50_days: float | None
    p90_days: float | None
    runs: int
    seed: int
    completers: int


#: The most touchpoint visits one simulation may make (runs are reduced to fit).
MAX_SIMULATED_STEPS = 600_000


def simulate(G: nx.DiGraph, *, flow: Flow, runs: int = 10_000, seed: int = 0) -> Simulation:
    """Simulate ``runs`` people; durations with a ``p90`` are lognormal through median and p90.

    Reproducible: the same graph, runs and seed give the same numbers. Percentiles are
    nearest-rank over the people who complete the journey. On very large journeys the runs
    are reduced so that about :data:`MAX_SIMULATED_STEPS` visits are simulated; the result
    says how many runs were made.
    """
    rng = random.Random(seed)
    nodes = sorted(G.nodes, key=lambda n: G.nodes[n]["order"])
    index = {n: i for i, n in enumerate(nodes)}
    drop = [float(G.nodes[n]["drop_off"] or 0.0) for n in nodes]
    mu: list[float] = []
    sigma: list[float] = []
    median: list[float] = []
    for n in nodes:
        m = float(G.nodes[n]["median_days"] or 0.0)
        p90 = G.nodes[n]["p90_days"]
        median.append(m)
        if m > 0 and p90 is not None and p90 > m:
            mu.append(math.log(m))
            sigma.append((math.log(p90) - math.log(m)) / Z90)
        else:
            mu.append(0.0)
            sigma.append(0.0)
    succ: list[list[int]] = []
    cumulative: list[list[float]] = []
    waits: list[list[float]] = []
    for n in nodes:
        out = sorted(G.successors(n), key=index.__getitem__)
        succ.append([index[s] for s in out])
        total = 0.0
        cum = []
        for s in out:
            total += G.edges[n, s]["share"]
            cum.append(total)
        cumulative.append(cum)
        waits.append([_wait(G, n, s) for s in out])
    split = [bool(G.nodes[n]["split"]) for n in nodes]
    success = [G.nodes[n]["outcome"] == "success" for n in nodes]
    join_of = {index[b.split]: index[b.join] for b in flow.blocks}
    expected_steps = max(1.0, sum(flow.visits.values()))
    runs = max(100, min(runs, int(MAX_SIMULATED_STEPS / expected_steps)))
    max_steps = 100 * max(len(nodes), 10)
    random_ = rng.random
    gauss = rng.gauss
    exp = math.exp

    def walk(node: int, stop: int) -> tuple[float, int]:
        """Time from ``node`` to ``stop`` or an end; status 0 abandoned, 1 success, 2 failure."""
        t = 0.0
        for _ in range(max_steps):
            if node == stop:
                return t, 1
            if drop[node] and random_() < drop[node]:
                return t, 0
            s = sigma[node]
            t += exp(gauss(mu[node], s)) if s else median[node]
            out = succ[node]
            if not out:
                return t, 1 if success[node] else 2
            if split[node]:
                join = join_of[node]
                slowest = 0.0
                for k, head in enumerate(out):
                    bt, status = walk(head, join)
                    if status != 1:
                        return t, 0
                    slowest = max(slowest, bt + waits[node][k])
                t += slowest
                node = join
                continue
            cum = out_cum = cumulative[node]
            k = bisect.bisect_left(out_cum, random_() * cum[-1]) if len(out) > 1 else 0
            k = min(k, len(out) - 1)
            t += waits[node][k]
            node = out[k]
        return t, 0

    start = index[G.graph["start"]]
    times = []
    for _ in range(runs):
        t, status = walk(start, -1)
        if status == 1:
            times.append(t)
    times.sort()
    if not times:
        return Simulation(None, None, runs, seed, 0)

    def rank(q: float) -> float:
        return times[max(0, math.ceil(q * len(times)) - 1)]

    return Simulation(rank(0.5), rank(0.9), runs, seed, len(times))
