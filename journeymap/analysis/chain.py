"""Absorbing Markov chains, solved exactly strongly-connected-part by part.

States are any hashable values. ``transitions[s]`` lists ``(t, p)``: from ``s`` a person goes
to ``t`` with probability ``p``; the probabilities of a state sum to at most 1 and the rest
leaves the chain (abandonment). A state with no entry in ``transitions`` is terminal.

The state graph is split into strongly connected components (networkx), processed in
topological order. A component without a cycle needs no algebra (visits flow straight
through); a component with a cycle (a loop in the journey) is the linear system
``(I - P^T) v = a``. A small loop (at most :data:`DENSE_LIMIT` states, as in hand-written
journeys) is solved by a dense LU factorisation with partial pivoting (SciPy's LAPACK); a
larger one by a sparse LU factorisation (SciPy's SuperLU), factorised once per component and
reused for visits, reach and values, so a loop of thousands of touchpoints costs about as
much as its number of transitions (reach: one triangular solve per state, never a dense
inverse held in memory).
"""

from __future__ import annotations

import functools
import gc
import math
from collections.abc import Callable, Hashable, Mapping, Sequence, Sized
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from ..exceptions import AnalysisError

__all__ = ["DENSE_LIMIT", "Chain", "SingularChainError", "pausing_collector", "solve_linear"]

State = Hashable
Transitions = Mapping[State, Sequence[tuple[State, float]]]

#: Loops of at most this many states are solved densely (exactly as before); larger ones sparsely.
DENSE_LIMIT = 24
#: The most right-hand sides (times the component size) solved at once for reach.
_BLOCK_CELLS = 4_000_000
#: How far (relative) the people leaving a loop may be from those entering it.
_BALANCE = 1e-6
#: Below this share of starters entering a loop, its balance is not checked (denormal floats).
_NEGLIGIBLE = 1e-100


#: Journeys with at least this many touchpoints are analysed with the cyclic GC paused.
PAUSE_GC_NODES = 5_000

P = ParamSpec("P")
R = TypeVar("R")


def pausing_collector(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func(G, ...)`` with Python's cyclic garbage collector paused when ``G`` is large.

    The analysis of a journey of tens of thousands of touchpoints makes millions of small,
    short-lived objects that are never cyclic garbage; the collector would rescan the growing
    heap again and again (about 40 % of the time at 30,000 touchpoints). It is switched back
    on (if it was on) however ``func`` ends.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        first = args[0] if args else None
        if not isinstance(first, Sized) or len(first) < PAUSE_GC_NODES or not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


class SingularChainError(AnalysisError, ZeroDivisionError):
    """A loop that nobody can leave, or leaves with a probability too small to compute."""


def _singular(comp: Sequence[State]) -> SingularChainError:
    shown = ", ".join(repr(s) for s in list(comp)[:5]) + (", ..." if len(comp) > 5 else "")
    msg = (
        f"a loop that people leave with a probability too small to compute ({len(comp)} "
        f"states: {shown}); give the loop a larger share on its way out"
    )
    return SingularChainError(msg)


def solve_linear(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve ``a x = b`` (dense, small) by LU factorisation with partial pivoting (LAPACK).

    Raises
    ------
    SingularChainError
        If the matrix is singular (a loop nobody can leave): a pivot below ``1e-15``, or a
        solution that is not finite; an :class:`AnalysisError` and a ``ZeroDivisionError``.
    """
    import warnings

    import numpy as np
    from scipy.linalg import LinAlgWarning, lu_factor, lu_solve  # type: ignore[import-untyped]

    matrix = np.array(a, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        lu, pivots = lu_factor(matrix, check_finite=False)
    singular = np.min(np.abs(np.diag(lu)), initial=np.inf) < 1e-15
    x = None if singular else lu_solve((lu, pivots), np.array(b, dtype=float), check_finite=False)
    if x is None or not np.all(np.isfinite(x)):
        msg = "singular system: a loop that nobody can leave"
        raise SingularChainError(msg)
    return [float(v) for v in x]


class _SparseLoop:
    """``A = I - P`` restricted to one component, LU-factorised once (SciPy SuperLU)."""

    def __init__(self, comp: Sequence[State], transitions: Transitions) -> None:
        import numpy as np
        from scipy.sparse import csc_matrix  # type: ignore[import-untyped]
        from scipy.sparse.linalg import splu  # type: ignore[import-untyped]

        self._np = np
        self.comp = comp
        self.index = {s: i for i, s in enumerate(comp)}
        n = len(comp)
        rows = list(range(n))
        cols = list(range(n))
        vals = [1.0] * n
        for s in comp:
            i = self.index[s]
            for t, p in transitions.get(s, ()):
                j = self.index.get(t)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append(-p)
        matrix = csc_matrix((vals, (rows, cols)), shape=(n, n))
        try:
            self.lu = splu(matrix)
        except RuntimeError as err:  # "Factor is exactly singular"
            raise _singular(comp) from err

    def _checked(self, x: Any) -> Any:
        if not self._np.all(self._np.isfinite(x)):
            raise _singular(self.comp)
        return x

    def visits(self, entering: Mapping[State, float]) -> list[float]:
        """Solve ``(I - P^T) v = a``."""
        a = self._np.array([entering.get(s, 0.0) for s in self.comp], dtype=float)
        return [float(x) for x in self._checked(self.lu.solve(a, trans="T"))]

    def values(self, b: list[float]) -> list[float]:
        """Solve ``(I - P) h = b``."""
        x = self.lu.solve(self._np.array(b, dtype=float))
        return [float(v) for v in self._checked(x)]

    def return_visits(self) -> list[float]:
        """``N[s, s]``: expected visits to ``s`` of a person starting at ``s`` (the diagonal
        of ``(I - P)^-1``), one block of unit columns at a time."""
        np = self._np
        n = len(self.comp)
        block = max(1, min(n, _BLOCK_CELLS // n))
        out = np.empty(n)
        for start in range(0, n, block):
            stop = min(n, start + block)
            width = stop - start
            unit = np.zeros((n, width))
            unit[np.arange(start, stop), np.arange(width)] = 1.0
            columns = self._checked(self.lu.solve(unit))
            out[start:stop] = columns[np.arange(start, stop), np.arange(width)]
        return [float(x) for x in out]


def _components(start: Sequence[State], transitions: Transitions) -> list[list[State]]:
    """The strongly connected components of the states reachable from ``start`` (positive
    probabilities only), in topological order (sources first).

    networkx finds them by Tarjan's algorithm, which completes a component only after every
    component it leads to (sinks first); a component is reached whole or not at all, so the
    reached ones keep that order. A state's rank is its place in the breadth-first
    order from ``start``; the members of a component are listed by falling rank, so the
    answer depends on the chain only, never on hashing.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(start)
    graph.add_edges_from((s, t) for s, out in transitions.items() for t, p in out if p > 0)
    reached = [s for layer in nx.bfs_layers(graph, list(start)) for s in layer]
    rank = {s: i for i, s in enumerate(reached)}
    found = [c for c in nx.strongly_connected_components(graph) if next(iter(c)) in rank]
    return [sorted(c, key=rank.__getitem__, reverse=True) for c in reversed(found)]


@dataclass
class Chain:
    """An absorbing chain from ``start`` (state -> probability) over ``transitions``.

    ``dense_limit`` is the largest loop solved densely (tests force the sparse solver with 0).
    """

    start: Mapping[Any, float]
    transitions: Mapping[Any, Sequence[tuple[Any, float]]]
    dense_limit: int = DENSE_LIMIT

    def __post_init__(self) -> None:
        self._components = _components(list(self.start), self.transitions)
        self._cyclic = [len(c) > 1 or self._loops_back(c[0]) for c in self._components]
        self._component_of: dict[Any, int] = {}
        for k, comp in enumerate(self._components):
            for s in comp:
                self._component_of[s] = k
        self._visits: dict[Any, float] | None = None
        self._inflow: dict[Any, float] = {}
        self._sparse: dict[int, _SparseLoop] = {}

    def _loops_back(self, state: State) -> bool:
        return any(t == state and p > 0 for t, p in self.transitions.get(state, ()))

    def in_cycle(self, state: State) -> bool:
        """True when ``state`` can be visited more than once (it lies on a loop)."""
        k = self._component_of.get(state)
        return k is not None and self._cyclic[k]

    def _loop(self, k: int) -> _SparseLoop:
        if k not in self._sparse:
            self._sparse[k] = _SparseLoop(self._components[k], self.transitions)
        return self._sparse[k]

    def _is_dense(self, comp: Sequence[State]) -> bool:
        return len(comp) <= self.dense_limit

    def visits(self) -> dict[State, float]:
        """Expected number of visits to every reachable state per unit of start mass."""
        if self._visits is not None:
            return self._visits
        inflow: dict[State, float] = dict(self.start)
        visits: dict[State, float] = {}
        for k, (comp, cyclic) in enumerate(zip(self._components, self._cyclic, strict=True)):
            entering = {s: inflow.get(s, 0.0) for s in comp}
            self._inflow.update(entering)
            if not cyclic:
                visits[comp[0]] = entering[comp[0]]
            elif self._is_dense(comp):
                visits.update(self._solve_component(comp, entering, absorbing=None))
            else:
                solution = self._loop(k).visits(entering)
                visits.update({s: max(x, 0.0) for s, x in zip(comp, solution, strict=True)})
            if cyclic:
                self._check_balance(k, entering, visits)
            for s in comp:
                v = visits[s]
                if v == 0.0:
                    continue
                if not math.isfinite(v):
                    raise _singular(comp)
                for t, p in self.transitions.get(s, ()):
                    if not cyclic or self._component_of.get(t) != k:
                        inflow[t] = inflow.get(t, 0.0) + v * p
        self._visits = visits
        return visits

    def _check_balance(
        self, k: int, entering: Mapping[State, float], visits: Mapping[State, float]
    ) -> None:
        """People are conserved: those who enter a loop all leave it (on, or abandoning).

        A loop left with a probability too small for floating point breaks this balance
        (its solution is rounding noise): that is an error, never silently wrong numbers.
        """
        comp = self._components[k]
        came = math.fsum(entering.values())
        if came < _NEGLIGIBLE:  # rounding of so few people shows in no number reported
            return
        left = []
        for s in comp:
            out = self.transitions.get(s, ())
            leaving = [p for t, p in out if self._component_of.get(t) != k]
            leaving.append(max(0.0, 1.0 - math.fsum(p for _, p in out)))
            left.append(visits[s] * math.fsum(leaving))
        gone = math.fsum(left)
        if not math.isfinite(gone) or abs(gone - came) > _BALANCE * came:
            raise _singular(comp)

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
        """Probability that a state is visited at least once (per unit of start mass).

        In a small loop, ``s`` is made absorbing and the loop solved again; in a large one,
        ``reach(s) = v(s) / N[s, s]`` (the visits divided by the expected visits of a person
        who starts at ``s``), which is the same number.
        """
        visits = self.visits()
        reach = dict(visits)
        for k, (comp, cyclic) in enumerate(zip(self._components, self._cyclic, strict=True)):
            if not cyclic:
                continue
            if self._is_dense(comp):
                entering = {s: self._inflow.get(s, 0.0) for s in comp}
                for s in comp:
                    reach[s] = min(1.0, self._solve_component(comp, entering, absorbing=s)[s])
                continue
            returns = self._loop(k).return_visits()
            for s, n_ss in zip(comp, returns, strict=True):
                reach[s] = min(1.0, max(0.0, visits[s] / n_ss)) if n_ss > 0 else 0.0
        return reach

    def values(self, terminal: Mapping[State, float]) -> dict[State, float]:
        """The expected terminal value from each state: ``h(s) = sum p * h(t)``.

        With values 1 on success terminals and 0 elsewhere this is the probability of
        finishing successfully from each state (the ``h`` of an h-transform).
        """
        h: dict[State, float] = {}
        last = len(self._components) - 1
        for back, (comp, cyclic) in enumerate(
            zip(reversed(self._components), reversed(self._cyclic), strict=True)
        ):
            if not cyclic:
                s = comp[0]
                if s not in self.transitions:
                    h[s] = terminal.get(s, 0.0)
                else:
                    h[s] = sum(p * h.get(t, 0.0) for t, p in self.transitions[s])
                continue
            index = {s: i for i, s in enumerate(comp)}
            n = len(comp)
            b = [0.0] * n
            dense = self._is_dense(comp)
            a = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)] if dense else []
            for s in comp:
                i = index[s]
                for t, p in self.transitions.get(s, ()):
                    j = index.get(t)
                    if j is None:
                        b[i] += p * h.get(t, 0.0)
                    elif dense:
                        a[i][j] -= p
            solution = solve_linear(a, b) if dense else self._loop(last - back).values(b)
            for s in comp:
                h[s] = solution[index[s]]
        return h
