"""What "ask once" changes, exactly: requests, repeat requests and effort along every path.

A request for an item is removed at a touchpoint when the person already holds the item
(asked for it earlier, or the government issued it to them earlier) and the touchpoint's
agency is in the rule's scope. Whether a person holds an item depends on the path taken, so
the journey's absorbing chain is extended with a status per ruled item (0: neither asked nor
issued, 1: issued, not asked, 2: asked) and solved exactly, like the duplicate requests
(:mod:`.duplicates`). The expected visits of every (touchpoint, status) pair give the
requests made and removed, the first requests (the probability of being asked at all) and
the effort saved, visit by visit (never below zero at a visit).

Parallel branches run independently; for holding an item they are taken in the order the
split lists them (what an earlier branch asked for is held in a later one), so that within
the agencies in scope nobody is asked twice. The expected visits of every touchpoint are
those of :func:`.flow.find_flow`.

>>> from journeymap import parse_journey, build_graph
>>> G = build_graph(parse_journey('''{journeymap: 1, id: tiny, title: Tiny,
...   agencies: [{id: SSA, name: SSA}, {id: DMV, name: DMV}], touchpoints: [
...     {id: a, name: Apply, agency: SSA, asks: [ssn], drop_off: 0.1, next: b},
...     {id: b, name: Licence, agency: DMV, asks: [ssn], effort: 1h}]}'''))
>>> e = find_ask_once_effects(G, [AskOnceRule("ssn", None, 0.25)])
>>> round(e.requests_removed, 9), round(e.effort_hours_saved, 9), e.certain
(0.9, 0.225, {'b': ('ssn',)})
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..graph import find_regions
from .chain import Chain
from .flow import Flow, find_flow, out_shares

__all__ = ["MAX_RULES", "AskOnceEffects", "AskOnceRule", "find_ask_once_effects"]

#: The most items one scenario may ask once for (the chain grows as 3 to this power).
MAX_RULES = 8

Status = tuple[int, ...]
State = Any  # (touchpoint, status), or a terminal: ("exit" | "lost" | "end", status)


@dataclass(frozen=True)
class AskOnceRule:
    """Ask once for ``item``: ``agencies`` stop asking (None: all); ``effort_saved_hours`` per
    removed request."""

    item: str
    agencies: frozenset[str] | None
    effort_saved_hours: float = 0.0


@dataclass(frozen=True)
class AskOnceEffects:
    """Per person who starts, with the rules in force.

    ``requests_removed``: expected requests no longer made; ``effort_hours_saved``: expected
    effort saved; ``asks[item]``: expected requests for the item still made (by any agency);
    ``asked[item]``: probability of being asked for it at least once; ``certain[touchpoint]``:
    the items whose request is removed for everyone who gets there (on every path);
    ``visits[(touchpoint, status)]``: the extended chain's expected visits.
    """

    requests_removed: float
    effort_hours_saved: float
    asks: dict[str, float]
    asked: dict[str, float]
    certain: dict[str, tuple[str, ...]]
    visits: dict[tuple[str, Status], float]


@dataclass(frozen=True)
class _Visit:
    asked: tuple[int, ...]
    first: tuple[int, ...]
    removed: tuple[int, ...]
    after: Status


def _visit(G: nx.DiGraph, node: str, status: Status, rules: Sequence[AskOnceRule]) -> _Visit:
    attrs = G.nodes[node]
    after = list(status)
    asked, first, removed = [], [], []
    for i, rule in enumerate(rules):
        if rule.item in attrs["asks"]:
            in_scope = rule.agencies is None or attrs["agency"] in rule.agencies
            if in_scope and status[i] != 0:
                removed.append(i)
            else:
                asked.append(i)
                if status[i] != 2:
                    first.append(i)
                after[i] = 2
        if rule.item in attrs["gives"] and after[i] == 0:
            after[i] = 1
    return _Visit(tuple(asked), tuple(first), tuple(removed), tuple(after))


class _Extended:
    """The chain over (touchpoint, status), parallel blocks solved innermost first."""

    def __init__(self, G: nx.DiGraph, flow: Flow, rules: Sequence[AskOnceRule]) -> None:
        self.G, self.flow, self.rules = G, flow, rules
        self.regions = find_regions(G, flow.blocks)
        self.by_split = self.regions.by_split
        self.kernels: dict[tuple[str, Status], dict[tuple[Status, bool], float]] = {}
        self.inside: dict[tuple[str, Status], dict[State, float]] = {}
        statuses = [tuple(s) for s in itertools.product((0, 1, 2), repeat=len(rules))]
        for block in flow.blocks:  # innermost first
            for status in statuses:
                self._solve_block(block.split, status)

    def _region(
        self, head: str, exit_node: str | None, status: Status
    ) -> tuple[dict[State, float], dict[State, float]]:
        """Terminal distribution and expected visits from (head, status)."""
        G = self.G

        def arrive(node: str, s: Status) -> State:
            return ("exit", s) if node == exit_node else (node, s)

        transitions: dict[State, list[tuple[State, float]]] = {}
        stack = [arrive(head, status)]
        while stack:
            state = stack.pop()
            if state in transitions or state[0] in ("exit", "lost", "end"):
                continue
            node, s = state
            after = _visit(G, node, s, self.rules).after
            drop = float(G.nodes[node]["drop_off"] or 0.0)
            out: list[tuple[State, float]] = [(("lost", after), drop)]
            if G.nodes[node]["split"]:
                join = self.by_split[node].join
                out.append((("block", node, after), 1.0 - drop))
                leave: list[tuple[State, float]] = [
                    (arrive(join, s_out) if done else ("lost", s_out), q)
                    for (s_out, done), q in self.kernels[(node, after)].items()
                ]
                transitions[("block", node, after)] = leave
                stack.extend(t for t, _ in leave if t not in transitions)
            elif G.out_degree(node) == 0:
                out.append((("end", after), 1.0 - drop))
            else:
                out.extend((arrive(n, after), (1.0 - drop) * p) for n, p in out_shares(G, node))
            transitions[state] = out
            stack.extend(t for t, _ in out if t not in transitions)
        visits = Chain({arrive(head, status): 1.0}, transitions).visits()
        terminal = {s: v for s, v in visits.items() if s not in transitions}
        inner = {s: v for s, v in visits.items() if s in transitions}
        return terminal, inner

    def _solve_block(self, split: str, status: Status) -> None:
        block = self.by_split[split]
        dist: dict[tuple[Status, bool], float] = {(status, True): 1.0}
        inside: dict[State, float] = {}
        for _, head in self.regions.branches(block):
            new: dict[tuple[Status, bool], float] = {}
            for (s, done), p in dist.items():
                terminal, visits = self._region(head, block.join, s)
                for state, v in visits.items():
                    inside[state] = inside.get(state, 0.0) + p * v
                for (kind, s_out), q in terminal.items():
                    key = (s_out, done and kind == "exit")
                    new[key] = new.get(key, 0.0) + p * q
            dist = new
        self.kernels[(split, status)] = dist
        self.inside[(split, status)] = inside

    def visits(self) -> dict[tuple[str, Status], float]:
        """Expected visits of every (touchpoint, status) per person who starts."""
        start = (0,) * len(self.rules)
        _, top = self._region(self.G.graph["start"], None, start)
        out: dict[tuple[str, Status], float] = {}
        work = list(top.items())
        while work:
            state, v = work.pop()
            if state[0] == "block":
                _, split, s = state
                work.extend((t, v * w) for t, w in self.inside[(split, s)].items())
            else:
                out[state] = out.get(state, 0.0) + v
        return out


def find_ask_once_effects(
    G: nx.DiGraph, rules: Sequence[AskOnceRule], *, flow: Flow | None = None
) -> AskOnceEffects:
    """The exact effect of asking once for each rule's item (see the module docstring).

    Raises
    ------
    ValueError
        With more than :data:`MAX_RULES` rules, or two rules for the same item.
    """
    items = [r.item for r in rules]
    if len(set(items)) != len(items) or len(items) > MAX_RULES:
        msg = f"ask-once rules need distinct items, at most {MAX_RULES}; got {items}"
        raise ValueError(msg)
    flow = flow or find_flow(G)
    visits = _Extended(G, flow, rules).visits() if rules else {}
    removed = saved = 0.0
    asks = dict.fromkeys(items, 0.0)
    asked = dict.fromkeys(items, 0.0)
    held: set[tuple[str, int]] = set()
    not_held: set[tuple[str, int]] = set()
    for (node, status), v in visits.items():
        visit = _visit(G, node, status, rules)
        removed += v * len(visit.removed)
        for i in visit.asked:
            asks[items[i]] += v
        for i in visit.first:
            asked[items[i]] += v
        effort = float(G.nodes[node]["effort_hours"] or 0.0)
        cut = sum(rules[i].effort_saved_hours for i in visit.removed)
        saved += v * (effort - max(0.0, effort - cut))
        if v > 0:
            held.update((node, i) for i in visit.removed)
            not_held.update((node, i) for i in visit.asked if _in_scope(G, node, rules[i]))
    certain: dict[str, list[str]] = {}
    for node, i in sorted(held - not_held, key=lambda p: (G.nodes[p[0]]["order"], p[1])):
        certain.setdefault(node, []).append(items[i])
    return AskOnceEffects(
        requests_removed=removed,
        effort_hours_saved=saved,
        asks=asks,
        asked={k: min(1.0, v) for k, v in asked.items()},
        certain={k: tuple(v) for k, v in certain.items()},
        visits=visits,
    )


def _in_scope(G: nx.DiGraph, node: str, rule: AskOnceRule) -> bool:
    return rule.agencies is None or G.nodes[node]["agency"] in rule.agencies
