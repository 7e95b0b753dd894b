"""The shape of a flow given as successor lists: reachability, post-dominators, branches.

Validation must stay light (no networkx on the ``journeymap validate`` path), and the graph
analysis asks the same questions of the same flow, so both answer them here, on plain
mappings from a node to its successors (an end has none).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

__all__ = [
    "Problem",
    "Successors",
    "branches",
    "flow_problems",
    "immediate_post_dominators",
    "reach",
]

Successors = Mapping[str, Sequence[str]]
Node = TypeVar("Node", bound=Hashable)


def reach(roots: Iterable[str], succ: Successors, *, stop: str | None = None) -> set[str]:
    """The nodes reachable from ``roots`` (the roots included), never entering ``stop``."""
    seen = {r for r in roots if r != stop}
    stack = list(seen)
    while stack:
        for nxt in succ.get(stack.pop(), ()):
            if nxt != stop and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def branches(succ: Successors, split: str, join: str) -> list[set[str]]:
    """Per successor of ``split`` (in order): the nodes reachable from it before ``join``
    (empty for a successor that is the join itself)."""
    return [reach([head], succ, stop=join) for head in succ.get(split, ())]


def immediate_post_dominators(succ: Successors) -> dict[str, str | None]:
    """The immediate post-dominator of every node from which an end can be reached: the
    first node that every path from it to an end passes. None when the paths to the ends
    share no node (they meet only after the journey, at its virtual exit).

    Cooper, Harvey and Kennedy's iterative dominators of the reversed flow, rooted at a
    virtual exit that follows every end.
    """
    exit_node: str | tuple[str] = ("exit",)
    preds: dict[str | tuple[str], list[str | tuple[str]]] = {n: [] for n in succ}
    preds[exit_node] = [n for n, outs in succ.items() if not outs]
    for node, outs in succ.items():
        for out in outs:
            preds[out].append(node)
    after: dict[str | tuple[str], list[str | tuple[str]]] = {
        n: list(outs) or [exit_node] for n, outs in succ.items()
    }
    idom = _dominators(exit_node, preds, after)
    return {n: d if isinstance(d, str) else None for n, d in idom.items() if isinstance(n, str)}


def _dominators(
    root: Node, succ: Mapping[Node, Sequence[Node]], pred: Mapping[Node, Sequence[Node]]
) -> dict[Node, Node]:
    """Immediate dominators of the nodes of ``succ`` reachable from ``root``."""
    rpo = _reverse_postorder(root, succ)
    number = {n: i for i, n in enumerate(rpo)}
    idom: dict[Node, Node] = {root: root}

    def intersect(a: Node, b: Node) -> Node:
        while a != b:
            while number[a] > number[b]:
                a = idom[a]
            while number[b] > number[a]:
                b = idom[b]
        return a

    changed = True
    while changed:
        changed = False
        for node in rpo[1:]:
            done = [p for p in pred.get(node, ()) if p in idom]
            if not done:
                continue
            new = done[0]
            for p in done[1:]:
                new = intersect(p, new)
            if idom.get(node) != new:
                idom[node] = new
                changed = True
    return idom


def _reverse_postorder(root: Node, succ: Mapping[Node, Sequence[Node]]) -> list[Node]:
    """The nodes reachable from ``root`` in reverse postorder of a depth-first walk."""
    order: list[Node] = []
    seen = {root}
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, k = stack.pop()
        children = succ.get(node, ())
        if k < len(children):
            stack.append((node, k + 1))
            child = children[k]
            if child not in seen:
                seen.add(child)
                stack.append((child, 0))
        else:
            order.append(node)
    return order[::-1]


@dataclass(frozen=True)
class Problem:
    """What is wrong with the flow at ``node``, in its field ``key``."""

    node: str
    key: str
    message: str
    severity: Literal["error", "warning"] = "error"


def flow_problems(
    first: str, succ: Successors, splits: Collection[str], joins: Collection[str]
) -> list[Problem]:
    """Touchpoints the start cannot reach, loops without a way out, and parallel blocks
    (``splits`` and ``joins``: the nodes marked ``split: all`` and ``join: all``) that are
    not closed by one join or can be entered other than through their split."""
    reachable = reach([first], succ)
    problems = [
        Problem(
            node,
            "id",
            f"touchpoint {node!r} cannot be reached from the start ({first!r}): "
            "no next leads to it",
            "warning",
        )
        for node in succ
        if node not in reachable
    ]
    ipdom = immediate_post_dominators(succ)
    stuck = [
        Problem(
            node,
            "next",
            f"from {node!r} no end of the journey can be reached: people would loop "
            "forever; give the loop a way out (a next that leads to an end)",
        )
        for node in succ
        if node in reachable and node not in ipdom
    ]
    if stuck:
        return problems + stuck
    preds: dict[str, list[str]] = {n: [] for n in succ}
    for node, outs in succ.items():
        for out in outs:
            preds[out].append(node)
    shape = _Shape(succ, preds, {n: i for i, n in enumerate(succ)})
    closes: dict[str, list[str]] = {}
    for node in succ:
        if node in splits and len(succ[node]) >= 2:
            problems += _split_problems(node, ipdom.get(node), shape, joins, closes)
    return problems + _join_problems(succ, joins, closes)


@dataclass(frozen=True)
class _Shape:
    """The flow both ways, and each node's place in it (file order)."""

    succ: Successors
    preds: Successors
    rank: Mapping[str, int]


def _split_problems(
    node: str,
    join: str | None,
    shape: _Shape,
    joins: Collection[str],
    closes: dict[str, list[str]],
) -> list[Problem]:
    """The split at ``node`` is closed by its immediate post-dominator ``join`` (recorded in
    ``closes``), no branch loops back to it, and nothing enters the block but the split."""
    if join is None or join not in joins:
        where = (
            "a branch can end the journey before the branches meet"
            if join is None
            else f"the branches first meet at {join!r}, which has no join: all"
        )
        return [
            Problem(
                node,
                "split",
                f"the parallel split at {node!r} is not closed by a join: all ({where}); "
                "lead every branch to one touchpoint marked join: all",
            )
        ]
    closes.setdefault(join, []).append(node)
    block = set().union(*branches(shape.succ, node, join))
    if node in block:
        return [
            Problem(
                node,
                "split",
                f"a branch of the parallel split at {node!r} loops back to the split; "
                "loops must stay inside one branch",
            )
        ]
    return [
        Problem(
            pred,
            "next",
            f"{pred!r} leads into the middle of the parallel block {node!r}..{join!r} "
            f"(at {member!r}); a parallel block can only be entered through its split",
        )
        for member in sorted(block | {join}, key=shape.rank.__getitem__)
        for pred in shape.preds[member]
        if pred not in block and pred != node
    ]


def _join_problems(
    succ: Successors, joins: Collection[str], closes: Mapping[str, list[str]]
) -> list[Problem]:
    """Every ``join: all`` closes exactly one parallel split."""
    problems = []
    for node in (n for n in succ if n in joins):
        split_nodes = closes.get(node, [])
        if not split_nodes:
            problems.append(
                Problem(
                    node,
                    "join",
                    f"join: all at {node!r} closes no parallel split (split: all); "
                    "remove join or add the split",
                )
            )
        elif len(split_nodes) > 1:
            problems.append(
                Problem(
                    node,
                    "join",
                    f"join: all at {node!r} closes several parallel splits "
                    f"({', '.join(map(repr, split_nodes))}); give each split its own join",
                )
            )
    return problems
