"""Absorbing Markov chains on small graphs, solved exactly strongly-connected-part by part.

States are any hashable values. ``transitions[s]`` lists ``(t, p)``: from ``s`` a person goes
to ``t`` with probability ``p``; the probabilities of a state sum to at most 1 and the rest
leaves the chain (abandonment). A state with no entry in ``transitions`` is terminal.

The state graph is split into strongly connected components, processed in topological order.
A component without a cycle needs no algebra (visits flow straight through); a component with
a cycle (a loop in the journey) is solved exactly with a small dense linear system
``(I - P^T) v = a`` by Gaussian elimination with partial pivoting. Journeys have few, short
loops, so this is linear in the size of the journey in practice.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Chain", "solve_linear"]

State = Hashable
Transitions = Mapping[State, Sequence[tuple[State, float]]]


def solve_linear(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve ``a x = b`` (dense, small) by Gaussian elimination with partial pivoting.

    Raises
    ------
    ZeroDivisionError
        If the matrix is singular (a loop nobody can leave).
    """
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-15:
            msg = "singular system: a loop that nobody can leave"
            raise ZeroDivisionError(msg)
        m[col], m[pivot] = m[pivot], m[col]
        inv = 1.0 / m[col][col]
        for r in range(n):
            if r != col and m[r][col] != 0.0:
                f = m[r][col] * inv
                row_r, row_c = m[r], m[col]
                for k in range(col, n + 1):
                    row_r[k] -= f * row_c[k]
    return [m[i][n] / m[i][i] for i in range(n)]


def _strongly_connected(succ: Mapping[Any, Sequence[Any]]) -> list[list[Any]]:
    """Tarjan's strongly connected components, in topological order (sources first)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    on_stack: set[Any] = set()
    stack: list[Any] = []
    out: list[list[Any]] = []
    counter = 0
    for root in succ:
        if root in index:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, i = work[-1]
            children = succ.get(node, ())
            if i < len(children):
                work[-1] = (node, i + 1)
                child = children[i]
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                out.append(comp)
    out.reverse()
    return out


@dataclass
class Chain:
    """An absorbing chain from ``start`` (state -> probability) over ``transitions``."""

    start: Mapping[Any, float]
    transitions: Mapping[Any, Sequence[tuple[Any, float]]]

    def __post_init__(self) -> None:
        succ: dict[Any, list[Any]] = {}
        stack = list(self.start)
        seen = set(stack)
        while stack:
            s = stack.pop()
            out = [t for t, p in self.transitions.get(s, ()) if p > 0]
            succ[s] = out
            for t in out:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        self._succ = succ
        self._components = _strongly_connected(succ)
        self._cyclic = [len(c) > 1 or c[0] in succ.get(c[0], ()) for c in self._components]
        self._cyclic_state = {
            s: cyclic
            for comp, cyclic in zip(self._components, self._cyclic, strict=True)
            for s in comp
        }
        self._visits: dict[Any, float] | None = None
        self._inflow: dict[Any, float] = {}

    @property
    def states(self) -> list[State]:
        return list(self._succ)

    def in_cycle(self, state: State) -> bool:
        """True when ``state`` can be visited more than once (it lies on a loop)."""
        return self._cyclic_state.get(state, False)

    def visits(self) -> dict[State, float]:
        """Expected number of visits to every reachable state per unit of start mass."""
        if self._visits is not None:
            return self._visits
        inflow: dict[State, float] = dict(self.start)
        visits: dict[State, float] = {}
        for comp, cyclic in zip(self._components, self._cyclic, strict=True):
            entering = {s: inflow.get(s, 0.0) for s in comp}
            self._inflow.update(entering)
            if not cyclic:
                visits[comp[0]] = entering[comp[0]]
            else:
                visits.update(self._solve_component(comp, entering, absorbing=None))
            for s in comp:
                v = visits[s]
                if v == 0.0:
                    continue
                for t, p in self.transitions.get(s, ()):
                    if t not in comp or not cyclic:
                        inflow[t] = inflow.get(t, 0.0) + v * p
        self._visits = visits
        return visits

    def _solve_component(
        self, comp: list[State], entering: Mapping[State, float], absorbing: State | None
    ) -> dict[State, float]:
        index = {s: i for i, s in enumerate(comp)}
        n = len(comp)
        a = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for s in comp:
            if s == absorbing:
                continue
            i = index[s]
            for t, p in self.transitions.get(s, ()):
                j = index.get(t)
                if j is not None:
                    a[j][i] -= p
        solution = solve_linear(a, [entering.get(s, 0.0) for s in comp])
        return {s: max(solution[index[s]], 0.0) for s in comp}

    def reach(self) -> dict[State, float]:
        """Probability that a state is visited at least once (per unit of start mass)."""
        visits = self.visits()
        reach = dict(visits)
        for comp, cyclic in zip(self._components, self._cyclic, strict=True):
            if not cyclic:
                continue
            entering = {s: self._inflow.get(s, 0.0) for s in comp}
            for s in comp:
                reach[s] = min(1.0, self._solve_component(comp, entering, absorbing=s)[s])
        return reach

    def values(self, terminal: Mapping[State, float]) -> dict[State, float]:
        """The expected terminal value from each state: ``h(s) = sum p * h(t)``.

        With values 1 on success terminals and 0 elsewhere this is the probability of
        finishing successfully from each state (the ``h`` of an h-transform).
        """
        h: dict[State, float] = {}
        for comp, cyclic in zip(reversed(self._components), reversed(self._cyclic), strict=True):
            if not cyclic:
                s = comp[0]
                if s not in self.transitions:
                    h[s] = terminal.get(s, 0.0)
                else:
                    h[s] = sum(p * h.get(t, 0.0) for t, p in self.transitions[s])
                continue
            index = {s: i for i, s in enumerate(comp)}
            n = len(comp)
            a = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
            b = [0.0] * n
            for s in comp:
                i = index[s]
                for t, p in self.transitions.get(s, ()):
                    j = index.get(t)
                    if j is not None:
                        a[i][j] -= p
                    else:
                        b[i] += p * h.get(t, 0.0)
            solution = solve_linear(a, b)
            for s in comp:
                h[s] = solution[index[s]]
        return h
