"""Directly-follows conformance: does each case follow the journey as designed, and where not?

The journey allows a move from one logged touchpoint to another when an arrow leads there
directly or through touchpoints that have no events in the log (they cannot be seen), or when
the two are on different branches of a parallel block (events interleave). Each observed move
the journey does not allow is, in this order:

- **repeated**: the same touchpoint again with no arrow back to itself;
- **skipped**: the target comes later in the journey; the logged touchpoints on the shortest
  designed route between them were skipped (a case that starts past the journey's start
  skipped those before its first touchpoint);
- **out of order**: the target comes earlier in the journey (the journey leads from the target
  to the source, not back);
- **not in the journey**: neither leads to the other.

A touchpoint visited more than once by a case, where no loop of the journey passes through
it, is also **repeated**. A case fits when none of this happens. Moves are classified once
per distinct pair in Python (the journey is small); cases are counted in SQL by joining the
deviating pairs (a small table of touchpoint codes) to the events.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from ..models import Journey
from ..observed import Conformance, ObservedTransition
from ..report import Deviation
from ..tables.engine import Engine, count

__all__ = ["conformance"]

SKIPPED, OUT_OF_ORDER, EXTRA, REPEATED = "skipped", "out of order", "not in the journey", "repeated"
_KINDS = (SKIPPED, OUT_OF_ORDER, EXTRA, REPEATED)


class _Design:
    """The journey's arrows as seen through a log: which touchpoints are logged."""

    def __init__(self, journey: Journey, logged: set[str], interleave: set[tuple[str, str]]):
        self.order = [t.id for t in journey.touchpoints]
        self.next = {t.id: [n.to for n in t.next] for t in journey.touchpoints}
        self.logged = logged
        self.interleave = interleave
        self.start = journey.start_touchpoint.id

    def allowed_from(self, source: str) -> set[str]:
        """Logged touchpoints reached from ``source`` through unlogged touchpoints only."""
        out: set[str] = set()
        stack, seen = list(self.next[source]), set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in self.logged:
                out.add(node)
            else:
                stack += self.next[node]
        return out

    def route(self, source: str, target: str) -> list[str] | None:
        """The nodes strictly between on the shortest route (ties: journey order)."""
        back: dict[str, str] = {}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for nxt in sorted(self.next[node], key=self.order.index):
                if nxt == target:
                    path, at = [], node
                    while at != source:
                        path.append(at)
                        at = back[at]
                    return path[::-1]
                if nxt in back or nxt == source:
                    continue
                back[nxt] = node
                queue.append(nxt)
        return None

    def on_loop(self, node: str) -> bool:
        return self.route(node, node) is not None


def _classify(design: _Design, a: str, b: str) -> list[tuple[str, str]]:
    """(kind, touchpoint) of a move the journey does not allow (empty when it allows it)."""
    if b in design.allowed_from(a) or (a, b) in design.interleave:
        return []
    if a == b:
        return [(REPEATED, b)]
    between = design.route(a, b)
    if between is not None:
        skipped = [n for n in between if n in design.logged]
        return [(SKIPPED, n) for n in skipped] or [(EXTRA, b)]
    if design.route(b, a) is not None:
        return [(OUT_OF_ORDER, b)]
    return [(EXTRA, b)]


def _start_rows(design: _Design, firsts: Sequence[str]) -> list[tuple[int, str, str]]:
    """Deviation rows (source -1) for cases whose first touchpoint skips the start."""
    allowed = {design.start} if design.start in design.logged else set()
    allowed |= design.allowed_from(design.start) if design.start not in design.logged else set()
    out: list[tuple[int, str, str]] = []
    for first in firsts:
        if first in allowed:
            continue
        between = design.route(design.start, first)
        skipped = [n for n in [design.start, *(between or [])] if n in design.logged]
        out += [(-1, first, n) for n in skipped]
    return out


def conformance(
    engine: Engine,
    journey: Journey,
    code: Mapping[str, int],
    logged: set[str],
    interleave: set[tuple[str, str]],
    moves: Sequence[ObservedTransition],
    repeats: Mapping[str, int],
    min_cell: int,
) -> Conformance:
    """Count fitting cases and the cases behind each deviation (see the module docs)."""
    design = _Design(journey, logged, interleave)
    order = design.order
    dev: list[tuple[int, int, int, int]] = []  # source code (-1: start), target, kind, touchpoint
    for move in moves:
        for kind, tp in _classify(design, move.source, move.target):
            dev.append((code[move.source], code[move.target], _KINDS.index(kind), code[tp]))
    firsts = [order[int(f)] for (f,) in engine.rows("SELECT DISTINCT first_tp FROM pc")]
    dev += [(-1, code[f], 0, code[n]) for _, f, n in _start_rows(design, firsts)]
    looping = [code[t] for t, n in repeats.items() if n > 0 and not design.on_loop(t)]
    total = count(engine, "SELECT count(*) FROM pc")
    if not dev and not looping:
        return Conformance(total, total, 1.0 if total else None, ())
    engine.small("dev", [(c, "INTEGER") for c in ("a", "b", "kind", "x")], dev)
    repeated = ", ".join(str(c) for c in looping) or "-2"  # touchpoint codes, not input
    engine.table(
        "devcase",
        "SELECT DISTINCT ev.k, d.a, d.b, d.kind, d.x FROM ev JOIN dev d "
        "ON ev.tp = d.a AND ev.next_tp = d.b "
        "UNION SELECT pc.k, -1, d.b, d.kind, d.x FROM pc JOIN dev d "
        "ON d.a = -1 AND pc.first_tp = d.b "
        f"UNION SELECT k, -2, tp, {_KINDS.index(REPEATED)}, tp FROM ev WHERE tp IN ({repeated}) "
        "GROUP BY k, tp HAVING count(*) > 1",
    )
    deviating = count(engine, "SELECT count(DISTINCT k) FROM devcase")
    out: list[Deviation] = []
    hidden = 0
    for kind, x, n in engine.rows(
        "SELECT kind, x, count(DISTINCT k) FROM devcase GROUP BY kind, x ORDER BY kind, x"
    ):
        if int(n) < min_cell:
            hidden += 1
            continue
        out.append(Deviation(_KINDS[int(kind)], order[int(x)], None, None, int(n)))
    for kind, a, b, n in engine.rows(
        "SELECT kind, a, b, count(DISTINCT k) FROM devcase WHERE a <> -2 "
        "GROUP BY kind, a, b ORDER BY kind, a, b",
    ):
        if int(n) < min_cell:
            hidden += 1
            continue
        source = order[int(a)] if int(a) >= 0 else None
        out.append(Deviation(_KINDS[int(kind)], order[int(b)], source, order[int(b)], int(n)))
    out.sort(
        key=lambda r: (-r.cases, _KINDS.index(r.kind), order.index(r.touchpoint), r.source or "")
    )
    fitting = total - deviating
    return Conformance(total, fitting, fitting / total if total else None, tuple(out), hidden)
