"""Time: the critical path, expected elapsed time for completers, and simulated percentiles.

Elapsed time at a touchpoint is its ``duration`` (median; the mean where an expectation is
wanted and a mean is given); a ``wait`` on an edge adds the time between two touchpoints.
A parallel block takes as long as its slowest branch, never the sum.
"""

from __future__ import annotations

import bisect
import math
import random
import sys
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .chain import Chain, pausing_collector
from .flow import Block, Flow, check_graph, shares_of

__all__ = [
    "MAX_SIMULATED_STEPS",
    "MAX_TOTAL_STEPS",
    "CriticalPath",
    "Simulation",
    "find_critical_path",
    "find_expected_days",
    "simulate",
]

_STOP = "\0stop"

#: z-score of the 90th percentile of the standard normal distribution.
Z90 = 1.2815515655446004


def _days(G: nx.DiGraph, node: str, *, mean: bool = False) -> float:
    """The median; with ``mean``, the mean of the distribution the simulation draws from: the
    given mean, else the lognormal through median and p90 (``median x exp(sigma^2 / 2)``;
    infinite when too large for a float), else the median."""
    attrs = G.nodes[node]
    if mean and attrs["mean_days"] is not None:
        return float(attrs["mean_days"])
    median = float(attrs["median_days"] or 0.0)
    p90 = attrs["p90_days"]
    if mean and median > 0 and p90 is not None and p90 > median:
        sigma = (math.log(p90) - math.log(median)) / Z90
        spread = sigma * sigma / 2
        return median * math.exp(spread) if spread < math.log(sys.float_info.max) else math.inf
    return median


def quantile_top(median: float, p90: float, mean: float) -> float:
    """The top of the piecewise-linear quantile function through (0, 0), (0.5, median) and
    (0.9, p90) whose mean is ``mean``: ``(mean - 0.45 median - 0.25 p90) / 0.05``, at least
    p90 (a mean too small for that shape is not kept).

    >>> quantile_top(2.0, 10.0, 3.0)
    10.0
    >>> round(quantile_top(2.0, 10.0, 5.0), 9)
    32.0
    """
    return max(p90, (mean - 0.45 * median - 0.25 * p90) / 0.05)


def _wait(G: nx.DiGraph, u: str, v: str) -> float:
    return float(G.edges[u, v]["wait_days"] or 0.0)


@dataclass(frozen=True)
class CriticalPath:
    """The path of longest elapsed time from the start to a success end (no loops)."""

    path: tuple[str, ...] | None
    days: float | None
    note: str | None


Cons = tuple[str, "Cons"] | None
Branch = tuple[str, float, tuple[float, tuple[str, ...]] | None]


def _cons_tuple(path: Cons) -> tuple[str, ...]:
    out: list[str] = []
    while path is not None:
        out.append(path[0])
        path = path[1]
    return tuple(reversed(out))


class _Longest:
    """Longest elapsed times on an acyclic journey graph, a parallel block as its slowest
    branch. Paths are shared linked lists (``(node, rest)``), never copied per step."""

    def __init__(self, G: nx.DiGraph, flow: Flow) -> None:
        self.G = G
        self.topo = list(nx.topological_sort(G))
        self.rank = {n: i for i, n in enumerate(self.topo)}
        self.by_split = {b.split: b for b in flow.blocks}
        #: per block: (head, wait from the split, (time, path) of the branch to the join)
        self.through: dict[str, list[Branch]] = {}
        for block in flow.blocks:  # innermost first: each block is solved once
            self.through[block.split] = self._branches(block)

    def _branches(self, block: Block) -> list[Branch]:
        G = self.G
        entries: list[Branch] = []
        branch_sets = [set(branch) for branch in block.branches]
        for head in G.successors(block.split):
            wait = _wait(G, block.split, head)
            if head == block.join:
                entries.append((head, wait, None))
                continue
            members = next(s for s in branch_sets if head in s)
            best = self.longest(head, sorted(members, key=self.rank.__getitem__), block.join)
            inner = None
            if _STOP in best:
                t, p = best[_STOP]
                inner = (t, _cons_tuple(p))
            entries.append((head, wait, inner))
        return entries

    def longest(
        self, start: str, nodes: list[str], stop: str | None
    ) -> dict[str, tuple[float, Cons]]:
        """Longest time to finish each node's visit, from ``start``, not passing ``stop``."""
        G = self.G
        best: dict[str, tuple[float, Cons]] = {start: (_days(G, start), (start, None))}
        for node in nodes:
            if node not in best or node == stop:
                continue
            elapsed, path = best[node]
            if G.nodes[node]["split"]:
                block = self.by_split[node]
                join_time, join_path = self._through_block(block, elapsed, path)
                candidate = (join_time + _days(G, block.join), (block.join, join_path))
                if block.join not in best or candidate[0] > best[block.join][0]:
                    best[block.join] = candidate
                continue
            for nxt in G.successors(node):
                if nxt == stop:
                    arrive = elapsed + _wait(G, node, nxt)
                    if _STOP not in best or arrive > best[_STOP][0]:
                        best[_STOP] = (arrive, path)
                    continue
                candidate = (elapsed + _wait(G, node, nxt) + _days(G, nxt), (nxt, path))
                if nxt not in best or candidate[0] > best[nxt][0]:
                    best[nxt] = candidate
        return best

    def _through_block(self, block: Block, elapsed: float, path: Cons) -> tuple[float, Cons]:
        slowest = (elapsed, path)
        for head, wait, inner in self.through[block.split]:
            if head == block.join:
                arrive = elapsed + wait
                if arrive > slowest[0]:
                    slowest = (arrive, path)
                continue
            if inner is not None:
                t, p = inner
                total = elapsed + wait + t
                if total >= slowest[0]:
                    joined = path
                    for n in p:
                        joined = (n, joined)
                    slowest = (total, joined)
        return slowest


@pausing_collector
def find_critical_path(G: nx.DiGraph, *, flow: Flow) -> CriticalPath:
    """The critical path, counting a parallel block as its slowest branch.

    Defined for journeys without loops; for a journey with loops ``path`` and ``days`` are
    None and ``note`` says why. Each parallel block's branches are solved once, innermost
    first (no recursion, however deep the blocks nest); paths are shared linked lists, so a
    long journey costs time linear in its size.
    """
    check_graph(G)
    if not nx.is_directed_acyclic_graph(G):
        return CriticalPath(
            None,
            None,
            "the journey has loops, so no longest path exists; see the expected elapsed time "
            "and the simulated percentiles instead",
        )
    solver = _Longest(G, flow)
    best = solver.longest(G.graph["start"], solver.topo, None)
    ends = [
        (t, p)
        for node, (t, p) in best.items()
        if node in G and G.out_degree(node) == 0 and G.nodes[node]["outcome"] == "success"
    ]
    if not ends:
        return CriticalPath(None, None, "no success end can be reached")
    top = max(t for t, _ in ends)
    tied = [(t, _cons_tuple(p)) for t, p in ends if t == top]
    days, path = max(tied, key=lambda tp: (tp[0], [-G.nodes[n]["order"] for n in tp[1]]))
    return CriticalPath(tuple(path), days, None)


def _fixed_block_days(G: nx.DiGraph, blocks: tuple[Block, ...]) -> dict[str, float] | None:
    """Each parallel block's days (its slowest branch), or None when a branch is not a single
    fixed path (nested blocks aside)."""
    by_split = {b.split: b for b in blocks}
    block_days: dict[str, float] = {}
    for block in blocks:  # innermost first
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
                    return None
                seen.add(node)
                t += _days(G, node, mean=True) + _wait(G, node, succ[0])
                node = succ[0]
            times.append(t)
        block_days[block.split] = max(times) if times else 0.0
    return block_days


@pausing_collector
def find_expected_days(G: nx.DiGraph, *, flow: Flow) -> tuple[float | None, str | None]:
    """Expected elapsed days for the people who complete the journey (exact), with a note.

    Uses each touchpoint's mean duration where given, else its median. Computed with the
    success probability ``h`` of every state (an h-transform of the chain). A parallel block
    counts as its slowest branch; that is exact when each branch is a single fixed path,
    otherwise the result is None and the note points to the simulation.
    """
    check_graph(G)
    if flow.completion_rate <= 0:
        return None, "nobody completes the journey"
    by_split = {b.split: b for b in flow.blocks}
    block_days = _fixed_block_days(G, flow.blocks)
    if block_days is None:
        return None, (
            "a parallel branch has alternatives or loops, so its time is not "
            "fixed; see the simulated percentiles"
        )
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
            for nxt, share in shares_of(G, flow, node):
                p = (1 - drop) * share
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
    if not math.isfinite(total / success):
        return None, "a duration's p90 is too far above its median to compute the expected time"
    return total / success, None


@dataclass(frozen=True)
class Simulation:
    """Percentiles of end-to-end elapsed days for completers, from a seeded simulation."""

    p50_days: float | None
    p90_days: float | None
    runs: int
    seed: int
    completers: int
    #: how each touchpoint's time was drawn (the methods used, in words)
    note: str | None = None


#: The most touchpoint visits one simulation may make (runs are reduced to fit).
MAX_SIMULATED_STEPS = 600_000
#: A hard stop: no simulation makes more visits than this, whatever the journey.
MAX_TOTAL_STEPS = 3 * MAX_SIMULATED_STEPS


class _Walker:
    """One person's walk through the journey graph, as arrays indexed by file order."""

    def __init__(self, G: nx.DiGraph, flow: Flow, rng: random.Random) -> None:
        nodes = sorted(G.nodes, key=lambda n: G.nodes[n]["order"])
        index = {n: i for i, n in enumerate(nodes)}
        self.nodes = nodes
        self.start = index[G.graph["start"]]
        self.drop = [float(G.nodes[n]["drop_off"] or 0.0) for n in nodes]
        self.mu: list[float] = []
        self.sigma: list[float] = []
        self.median: list[float] = []
        #: (median, p90, top) where median, p90 and mean are known: piecewise-linear quantiles
        self.quant: list[tuple[float, float, float] | None] = []
        for n in nodes:
            m = float(G.nodes[n]["median_days"] or 0.0)
            p90 = G.nodes[n]["p90_days"]
            mean = G.nodes[n]["mean_days"]
            self.median.append(m)
            fitted = m >= 0 and p90 is not None and mean is not None and p90 >= m and p90 > 0
            self.quant.append((m, float(p90), quantile_top(m, p90, mean)) if fitted else None)
            if fitted:
                self.mu.append(0.0)
                self.sigma.append(0.0)
            elif m > 0 and p90 is not None and p90 > m:
                self.mu.append(math.log(m))
                self.sigma.append((math.log(p90) - math.log(m)) / Z90)
            else:
                self.mu.append(0.0)
                self.sigma.append(0.0)
        self.succ: list[list[int]] = []
        self.cumulative: list[list[float]] = []
        self.waits: list[list[float]] = []
        for n in nodes:
            out = sorted(G.successors(n), key=index.__getitem__)
            self.succ.append([index[s] for s in out])
            total = 0.0
            cum = []
            for s in out:
                total += G.edges[n, s]["share"]
                cum.append(total)
            self.cumulative.append(cum)
            self.waits.append([_wait(G, n, s) for s in out])
        self.split = [bool(G.nodes[n]["split"]) for n in nodes]
        self.success = [G.nodes[n]["outcome"] == "success" for n in nodes]
        self.join_of = {index[b.split]: index[b.join] for b in flow.blocks}
        self.max_steps = min(100 * max(len(nodes), 10), MAX_TOTAL_STEPS)
        self.rng = rng
        self.taken = 0  # visits made so far, over all walks

    def walk(self) -> tuple[float, int]:
        """Time from the start to an end; status 0 abandoned, 1 success, 2 failure.

        Each frame walks from a node to its ``stop`` (a join, or -1 for an end) with its own
        step limit; a split pushes one frame per branch, in turn, and keeps the slowest.
        """
        drop, sigma, mu, median, quant = self.drop, self.sigma, self.mu, self.median, self.quant
        succ, cumulative, waits, join_of = self.succ, self.cumulative, self.waits, self.join_of
        split, success, max_steps = self.split, self.success, self.max_steps
        random_, gauss, exp = self.rng.random, self.rng.gauss, math.exp
        # a frame: [node, stop, elapsed, steps, waiting split, branch number, slowest]
        stack: list[list[Any]] = [[self.start, -1, 0.0, 0, -1, 0, 0.0]]
        while True:
            frame = stack[-1]
            node, stop, t, steps = frame[0], frame[1], frame[2], frame[3]
            status = -1
            while True:
                if node == stop:
                    status = 1
                    break
                if steps >= max_steps:
                    status = 0
                    break
                steps += 1
                if drop[node] and random_() < drop[node]:
                    status = 0
                    break
                q = quant[node]
                if q is not None:
                    u = random_()
                    if u < 0.5:
                        t += q[0] * u / 0.5
                    elif u < 0.9:
                        t += q[0] + (q[1] - q[0]) * (u - 0.5) / 0.4
                    else:
                        t += q[1] + (q[2] - q[1]) * (u - 0.9) / 0.1
                else:
                    s = sigma[node]
                    t += exp(gauss(mu[node], s)) if s else median[node]
                out = succ[node]
                if not out:
                    status = 1 if success[node] else 2
                    break
                if split[node]:
                    break
                cum = cumulative[node]
                k = bisect.bisect_left(cum, random_() * cum[-1]) if len(out) > 1 else 0
                k = min(k, len(out) - 1)
                t += waits[node][k]
                node = out[k]
            self.taken += steps - frame[3]
            frame[0], frame[2], frame[3] = node, t, steps
            if status < 0:  # a split: walk its first branch
                frame[4], frame[5], frame[6] = node, 0, 0.0
                stack.append([succ[node][0], join_of[node], 0.0, 0, -1, 0, 0.0])
                continue
            # the frame is finished: hand its result to the split waiting for it
            while True:
                stack.pop()
                if not stack:
                    return t, status
                parent = stack[-1]
                at, k = parent[4], parent[5]
                if status != 1:
                    t, status = parent[2], 0
                    continue
                parent[6] = max(parent[6], t + waits[at][k])
                if k + 1 < len(succ[at]):
                    parent[5] = k + 1
                    stack.append([succ[at][k + 1], join_of[at], 0.0, 0, -1, 0, 0.0])
                    break
                parent[2] += parent[6]
                parent[0] = join_of[at]
                parent[4] = -1
                break


@pausing_collector
def simulate(G: nx.DiGraph, *, flow: Flow, runs: int = 10_000, seed: int = 0) -> Simulation:
    """Simulate ``runs`` people. A duration with median, p90 and mean (an event log gives all
    three) is drawn from the piecewise-linear quantile function through 0, the median, the
    p90 and the top that keeps the mean (:func:`quantile_top`); one with median and p90 only
    is lognormal through them; one with a median only is that median.

    Reproducible: the same graph, runs and seed give the same numbers. Percentiles are
    nearest-rank over the people who complete the journey. On very large journeys the runs
    are reduced so that about :data:`MAX_SIMULATED_STEPS` visits are simulated (at least 100
    runs), and no simulation makes more than :data:`MAX_TOTAL_STEPS` visits in all; the
    result says how many runs were made. Parallel blocks are walked with an explicit stack,
    so any depth of nesting works.
    """
    check_graph(G)
    walker = _Walker(G, flow, random.Random(seed))
    expected_steps = max(1.0, sum(flow.visits.values()))
    runs = max(100, min(runs, int(MAX_SIMULATED_STEPS / expected_steps)))
    times = []
    made = 0
    for _ in range(runs):
        if walker.taken >= MAX_TOTAL_STEPS:
            break
        made += 1
        t, status = walker.walk()
        if status == 1:
            times.append(t)
    times.sort()
    note = _method_note(walker)
    if not times:
        return Simulation(None, None, made, seed, 0, note)

    def rank(q: float) -> float:
        return times[max(0, math.ceil(q * len(times)) - 1)]

    return Simulation(rank(0.5), rank(0.9), made, seed, len(times), note)


def _method_note(walker: _Walker) -> str:
    """How the simulation drew times, in words."""
    fitted = sum(1 for q in walker.quant if q is not None)
    lognormal = sum(1 for s in walker.sigma if s)
    parts = []
    if fitted:
        parts.append(
            f"{fitted} touchpoint{'s' if fitted != 1 else ''} drawn through their median, "
            "p90 and mean (piecewise-linear quantiles from 0 to the median to the p90 to a "
            "top that keeps the mean; no draw beyond that top)"
        )
    if lognormal:
        parts.append(
            f"{lognormal} lognormal through median and p90 (no mean known)"
            if lognormal != 1
            else "1 lognormal through median and p90 (no mean known)"
        )
    fixed = len(walker.quant) - fitted - lognormal
    if fixed:
        parts.append(f"{fixed} at their median")
    return "; ".join(parts)
