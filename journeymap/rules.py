"""Whole-journey rules: unique ids, references, and the shape of the flow.

These rules look across the file (an agency named by a touchpoint must be declared; every
``split: all`` must be closed by one ``join: all``...). They work on plain, YAML-shaped data
so that the loader can report them together with shape errors, and the model runs the same
rules when a :class:`~journeymap.models.Journey` is built from Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .catalog import CATALOG, FUZZY_LIMIT, char_name, skeleton, suggest

__all__ = ["Issue", "Issues", "check_journey_data", "check_text"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    """A rule broken at ``loc`` (a path into the YAML-shaped data)."""

    loc: Loc
    message: str
    severity: Literal["error", "warning"] = "error"


class Issues(ValueError):
    """Several located issues raised together from a validator.

    pydantic reports a ``ValueError`` raised in a validator as one error at the validator's
    location; the loader expands the issues of an ``Issues`` into one located error each.
    """

    def __init__(self, issues: Iterable[tuple[Loc, str]]) -> None:
        self.issues: tuple[tuple[Loc, str], ...] = tuple(issues)
        super().__init__(
            "; ".join(f"{_dotted(loc)}: {msg}" if loc else msg for loc, msg in self.issues)
        )


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _known(ids: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > limit else "")


def _did_you_mean(word: str, candidates: Iterable[str], **kw: Any) -> str:
    candidates = list(candidates)
    look = skeleton(word)
    twin = None
    if len(candidates) <= FUZZY_LIMIT:
        twin = next((c for c in candidates if c != word and skeleton(c) == look), None)
    if twin is not None:
        return (
            f"; did you mean {twin!r}? It looks the same but is spelt differently "
            f"(they differ in {char_name(_odd(word, twin))})"
        )
    guess = suggest(word, candidates, **kw)
    return f"; did you mean {guess!r}?" if guess else ""


# text: control characters, invisible characters and look-alike ids -----------------------

_ID_KEYS = frozenset({"id", "agency", "stage", "to", "start"})
_ID_LISTS = frozenset({"asks", "gives", "next"})
_BIDI = frozenset([0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_ZERO_WIDTH = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])


def _odd(a: str, b: str) -> str:
    """A character of one text missing from the other, preferring a non-ASCII one."""
    odd = [ch for ch in a if ch not in b] + [ch for ch in b if ch not in a]
    return next((ch for ch in odd if ord(ch) > 127), odd[0] if odd else "?")


def _is_id(loc: Loc) -> bool:
    if not loc:
        return False
    last = loc[-1]
    if isinstance(last, str):
        return last in _ID_KEYS or last in _ID_LISTS
    return (len(loc) >= 2 and loc[-2] in _ID_LISTS) or loc[:2] == ("events", "map")


def _shown(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _text_issue(loc: Loc, text: str) -> Issue | None:
    """The first unusable character of a text value, if any."""
    if text.isprintable():  # no control, format (bidi, zero-width) or line-break character
        return None
    ident = _is_id(loc) or (len(loc) >= 3 and loc[:2] == ("events", "map"))
    for ch in text:
        code = ord(ch)
        if code in (0x09, 0x0A) and not ident:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return Issue(
                loc,
                f"{_shown(text)} contains the control character {char_name(ch)}: remove it; "
                "control characters are invisible in editors and break reports and maps",
            )
        if ident and (code in _BIDI or code in _ZERO_WIDTH):
            return Issue(
                loc,
                f"the id {_shown(text)} contains the invisible character {char_name(ch)}: "
                "remove it; an id must look exactly like what it is",
            )
        if code in _BIDI:
            return Issue(
                loc,
                f"{_shown(text)} contains the bidirectional control {char_name(ch)}, which can "
                "make text display in another order than it is written; remove it",
                severity="warning",
            )
    return None


def check_text(data: Mapping[str, Any]) -> list[Issue]:
    """Control characters anywhere, invisible characters in ids, and ids that look alike.

    Tab and newline are allowed in free text only; zero-width and bidirectional formatting
    characters in an id are errors (bidirectional ones in other text, warnings); two ids of
    one kind that differ only by look-alike letters (Cyrillic 'а' for Latin 'a') are warned.
    """
    issues: list[Issue] = []
    stack: list[tuple[Any, Loc]] = [(data, ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, str):
            issue = _text_issue(loc, value)
            if issue:
                issues.append(issue)
        elif isinstance(value, Mapping):
            stack.extend((v, (*loc, str(k))) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((v, (*loc, i)) for i, v in enumerate(value))
    for key, kind in (
        ("agencies", "agency"),
        ("data", "data item"),
        ("stages", "stage"),
        ("touchpoints", "touchpoint"),
    ):
        first: dict[str, tuple[int, str]] = {}
        for i, item in _items(data, key):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            look = skeleton(ident)
            if look in first and first[look][1] != ident:
                j, other = first[look]
                issues.append(
                    Issue(
                        (key, i, "id"),
                        f"{kind} id {ident!r} looks the same as {other!r} ({key}[{j}]) but is "
                        "spelt differently (they differ in "
                        f"{char_name(_odd(ident, other))}); use one spelling, in plain letters",
                        severity="warning",
                    )
                )
            first.setdefault(look, (i, ident))
    return sorted(issues, key=lambda issue: [str(p) for p in issue.loc])


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, Mapping)]


def _ids(data: Mapping[str, Any], key: str, kind: str, issues: list[Issue]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, item in _items(data, key):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            issues.append(
                Issue(
                    (key, i, "id"),
                    f"duplicate {kind} id {ident!r} (already used by {key}[{seen[ident]}]); "
                    "ids must be unique",
                )
            )
        else:
            seen[ident] = i
    return seen


def _targets(tp: Mapping[str, Any]) -> list[tuple[Loc, str]]:
    raw = tp.get("next")
    if isinstance(raw, str):
        return [(("next",), raw)]
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        return []
    out: list[tuple[Loc, str]] = []
    for j, entry in enumerate(raw):
        if isinstance(entry, str):
            out.append((("next", j), entry))
        elif isinstance(entry, Mapping) and isinstance(entry.get("to"), str):
            out.append((("next", j, "to"), entry["to"]))
    return out


def _strings(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list | tuple):
        return [(j, v) for j, v in enumerate(value) if isinstance(v, str)]
    return []


def check_journey_data(data: Mapping[str, Any]) -> list[Issue]:
    """Check the whole-journey rules on YAML-shaped ``data``; tolerant of malformed parts.

    Returns every issue found (errors and warnings), each with the path of the culprit.
    """
    issues: list[Issue] = check_text(data)
    agencies = _ids(data, "agencies", "agency", issues)
    stages = _ids(data, "stages", "stage", issues)
    declared_data = _ids(data, "data", "data item", issues)
    touchpoints = _ids(data, "touchpoints", "touchpoint", issues)
    agency_list = list(agencies)
    tp_list = list(touchpoints)
    data_aliases: dict[str, Iterable[str]] = {k: v.aliases for k, v in CATALOG.items()}
    for _, item in _items(data, "data"):
        if isinstance(item.get("id"), str):
            names = [n for n in [item.get("name")] if isinstance(n, str)]
            data_aliases[item["id"]] = names + [
                a for a in (item.get("aliases") or []) if isinstance(a, str)
            ]
    known_data = set(declared_data) | set(CATALOG)

    used_agencies: set[str] = set()
    used_data: set[str] = set()
    edges: dict[str, list[str]] = {t: [] for t in touchpoints}
    refs_ok = True
    for i, tp in _items(data, "touchpoints"):
        tid = tp.get("id")
        agency = tp.get("agency")
        if isinstance(agency, str):
            used_agencies.add(agency)
            if agency not in agencies:
                refs_ok = False
                issues.append(
                    Issue(
                        ("touchpoints", i, "agency"),
                        f"{agency!r} is not an agency of this journey "
                        f"(known: {_known(agency_list)})" + _did_you_mean(agency, agency_list),
                    )
                )
        stage = tp.get("stage")
        if isinstance(stage, str) and stage not in stages:
            if stages:
                hint = f"(known: {_known(list(stages))})" + _did_you_mean(stage, list(stages))
            else:
                hint = "(no stages are declared: add it under stages:)"
            issues.append(
                Issue(
                    ("touchpoints", i, "stage"), f"{stage!r} is not a stage of this journey {hint}"
                )
            )
        for key in ("asks", "gives"):
            seen_here: set[str] = set()
            for j, asked in _strings(tp.get(key)):
                loc: Loc = ("touchpoints", i, key) if j is None else ("touchpoints", i, key, j)
                used_data.add(asked)
                if asked not in known_data:
                    guess = suggest(asked, sorted(known_data), aliases=data_aliases)
                    fix = f"did you mean {guess!r}? " if guess else ""
                    issues.append(
                        Issue(
                            loc,
                            f"{asked!r} is not a declared data item nor a catalog id; {fix}"
                            "declare it under data: with an id and name, or use a catalog id "
                            "(see `journeymap catalog`)",
                        )
                    )
                elif asked in seen_here:
                    issues.append(
                        Issue(loc, f"{asked!r} is listed twice in {key}", severity="warning")
                    )
                seen_here.add(asked)
        for loc_tail, target in _targets(tp):
            if target not in touchpoints:
                refs_ok = False
                issues.append(
                    Issue(
                        ("touchpoints", i, *loc_tail),
                        f"{target!r} is not a touchpoint of this journey"
                        + (_did_you_mean(target, tp_list) or f" (known: {_known(tp_list)})"),
                    )
                )
            elif isinstance(tid, str) and touchpoints.get(tid) == i:
                edges[tid].append(target)

    start = data.get("start")
    if isinstance(start, str) and start not in touchpoints:
        refs_ok = False
        issues.append(
            Issue(
                ("start",),
                f"{start!r} is not a touchpoint of this journey" + _did_you_mean(start, tp_list),
            )
        )
    events = data.get("events")
    if isinstance(events, Mapping) and isinstance(events.get("map"), Mapping):
        for activity, target in events["map"].items():
            if isinstance(target, str) and target not in touchpoints:
                issues.append(
                    Issue(
                        ("events", "map", str(activity)),
                        f"{target!r} is not a touchpoint of this journey"
                        + _did_you_mean(target, tp_list),
                    )
                )

    for ident, i in agencies.items():
        if ident not in used_agencies:
            issues.append(
                Issue(
                    ("agencies", i, "id"),
                    f"agency {ident!r} owns no touchpoint",
                    severity="warning",
                )
            )
    for ident, i in declared_data.items():
        if ident not in used_data:
            issues.append(
                Issue(
                    ("data", i, "id"),
                    f"data item {ident!r} is never asked for nor given",
                    severity="warning",
                )
            )

    if refs_ok and touchpoints:
        first = start if isinstance(start, str) else tp_list[0]
        flags = {
            tp.get("id"): tp
            for _, tp in _items(data, "touchpoints")
            if isinstance(tp.get("id"), str)
        }
        issues.extend(_check_flow(first, edges, touchpoints, flags))
    return issues


def _check_flow(
    first: str,
    edges: Mapping[str, list[str]],
    index: Mapping[str, int],
    raw: Mapping[Any, Mapping[str, Any]],
) -> list[Issue]:
    """Reachability, escape from loops, and well-nested parallel blocks."""
    issues: list[Issue] = []
    preds: dict[str, list[str]] = {n: [] for n in edges}
    for node, outs in edges.items():
        for out in outs:
            preds[out].append(node)
    reachable = _reach(first, edges)
    for node in edges:
        if node not in reachable:
            issues.append(
                Issue(
                    ("touchpoints", index[node], "id"),
                    f"touchpoint {node!r} cannot be reached from the start ({first!r}): "
                    "no next leads to it",
                    severity="warning",
                )
            )
    ends = [n for n, outs in edges.items() if not outs]
    exit_node = "\0exit"
    reverse: dict[str, list[str]] = {n: list(preds[n]) for n in edges}
    reverse[exit_node] = ends
    can_finish = _reach(exit_node, reverse)
    stuck = [n for n in edges if n in reachable and n not in can_finish]
    for node in stuck:
        issues.append(
            Issue(
                ("touchpoints", index[node], "next"),
                f"from {node!r} no end of the journey can be reached: people would loop "
                "forever; give the loop a way out (a next that leads to an end)",
            )
        )
    if stuck:
        return issues

    succ_for_pdom: dict[str, list[str]] = {n: list(edges[n]) or [exit_node] for n in edges}
    ipdom = _immediate_dominators(exit_node, reverse, succ_for_pdom)
    closes: dict[str, list[str]] = {}
    for node in edges:
        if raw.get(node, {}).get("split") != "all" or len(edges[node]) < 2:
            continue
        join = ipdom.get(node)
        if join is None or join == exit_node or raw.get(join, {}).get("join") != "all":
            where = (
                "a branch can end the journey before the branches meet"
                if join in (None, exit_node)
                else f"the branches first meet at {join!r}, which has no join: all"
            )
            issues.append(
                Issue(
                    ("touchpoints", index[node], "split"),
                    f"the parallel split at {node!r} is not closed by a join: all ({where}); "
                    "lead every branch to one touchpoint marked join: all",
                )
            )
            continue
        closes.setdefault(join, []).append(node)
        block = _reach_until(edges[node], edges, stop=join)
        if node in block:
            issues.append(
                Issue(
                    ("touchpoints", index[node], "split"),
                    f"a branch of the parallel split at {node!r} loops back to the split; "
                    "loops must stay inside one branch",
                )
            )
            continue
        for member in sorted(block | {join}, key=index.__getitem__):
            for pred in preds[member]:
                if pred not in block and pred != node:
                    issues.append(
                        Issue(
                            ("touchpoints", index[pred], "next"),
                            f"{pred!r} leads into the middle of the parallel block "
                            f"{node!r}..{join!r} (at {member!r}); a parallel block can only be "
                            "entered through its split",
                        )
                    )
    for node in edges:
        if raw.get(node, {}).get("join") == "all":
            split_nodes = closes.get(node, [])
            if not split_nodes:
                issues.append(
                    Issue(
                        ("touchpoints", index[node], "join"),
                        f"join: all at {node!r} closes no parallel split (split: all); "
                        "remove join or add the split",
                    )
                )
            elif len(split_nodes) > 1:
                issues.append(
                    Issue(
                        ("touchpoints", index[node], "join"),
                        f"join: all at {node!r} closes several parallel splits "
                        f"({', '.join(map(repr, split_nodes))}); give each split its own join",
                    )
                )
    return issues


def _reach(root: str, succ: Mapping[str, Sequence[str]]) -> set[str]:
    seen = {root}
    stack = [root]
    while stack:
        for nxt in succ.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _reach_until(roots: Sequence[str], succ: Mapping[str, Sequence[str]], *, stop: str) -> set[str]:
    seen: set[str] = set()
    stack = [r for r in roots if r != stop]
    seen.update(stack)
    while stack:
        for nxt in succ.get(stack.pop(), ()):
            if nxt != stop and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _immediate_dominators(
    root: str, succ: Mapping[str, Sequence[str]], pred: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Cooper-Harvey-Kennedy iterative dominators of the graph ``succ`` from ``root``."""
    order: list[str] = []
    seen = {root}
    stack: list[tuple[str, int]] = [(root, 0)]
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
    rpo = order[::-1]
    number = {n: i for i, n in enumerate(rpo)}
    idom: dict[str, str] = {root: root}

    def intersect(a: str, b: str) -> str:
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
