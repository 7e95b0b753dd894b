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
from .flowshape import flow_problems
from .quoting import quoted

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
            f"; did you mean {quoted(twin)}? It looks the same but is spelt differently "
            f"(they differ in {char_name(_odd(word, twin))})"
        )
    guess = suggest(word, candidates, **kw)
    return f"; did you mean {quoted(guess)}?" if guess else ""


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
                        f"{kind} id {quoted(ident)} looks the same as {quoted(other)} "
                        f"({key}[{j}]) but is spelt differently (they differ in "
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
                    f"duplicate {kind} id {quoted(ident)} (already used by {key}[{seen[ident]}]); "
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


@dataclass(frozen=True)
class _Declared:
    """What the journey declares: the index of every id in its list, and the data known."""

    agencies: dict[str, int]
    stages: dict[str, int]
    data: dict[str, int]
    touchpoints: dict[str, int]
    known_data: frozenset[str]
    aliases: dict[str, Iterable[str]]


def _declared(data: Mapping[str, Any], issues: list[Issue]) -> _Declared:
    """The declared ids (duplicates reported) and the data items known with their names."""
    agencies = _ids(data, "agencies", "agency", issues)
    stages = _ids(data, "stages", "stage", issues)
    declared_data = _ids(data, "data", "data item", issues)
    touchpoints = _ids(data, "touchpoints", "touchpoint", issues)
    aliases: dict[str, Iterable[str]] = {k: v.aliases for k, v in CATALOG.items()}
    for _, item in _items(data, "data"):
        if isinstance(item.get("id"), str):
            names = [n for n in [item.get("name")] if isinstance(n, str)]
            aliases[item["id"]] = names + [
                a for a in (item.get("aliases") or []) if isinstance(a, str)
            ]
    known = frozenset(declared_data) | frozenset(CATALOG)
    return _Declared(agencies, stages, declared_data, touchpoints, known, aliases)


def check_journey_data(data: Mapping[str, Any]) -> list[Issue]:
    """Check the whole-journey rules on YAML-shaped ``data``; tolerant of malformed parts.

    Returns every issue found (errors and warnings), each with the path of the culprit.
    """
    issues: list[Issue] = check_text(data)
    declared = _declared(data, issues)
    touchpoints = declared.touchpoints
    used_agencies: set[str] = set()
    used_data: set[str] = set()
    edges: dict[str, list[str]] = {t: [] for t in touchpoints}
    refs_ok = True
    for i, tp in _items(data, "touchpoints"):
        refs_ok &= _check_agency(i, tp, declared, used_agencies, issues)
        _check_stage(i, tp, declared, issues)
        _check_asks(i, tp, declared, used_data, issues)
        refs_ok &= _check_next(i, tp, declared, edges, issues)
    start = data.get("start")
    refs_ok &= _check_start(start, declared, issues)
    _check_event_map(data.get("events"), declared, issues)
    issues += _unused(declared.agencies, used_agencies, "agencies", "agency {} owns no touchpoint")
    issues += _unused(declared.data, used_data, "data", "data item {} is never asked for nor given")
    if refs_ok and touchpoints:
        first = start if isinstance(start, str) else next(iter(touchpoints))
        issues.extend(_check_flow(data, first, edges, touchpoints))
    return issues


def _check_agency(
    i: int, tp: Mapping[str, Any], declared: _Declared, used: set[str], issues: list[Issue]
) -> bool:
    """The touchpoint's agency is declared (False when it is not)."""
    agency = tp.get("agency")
    if not isinstance(agency, str):
        return True
    used.add(agency)
    if agency in declared.agencies:
        return True
    known = list(declared.agencies)
    issues.append(
        Issue(
            ("touchpoints", i, "agency"),
            f"{quoted(agency)} is not an agency of this journey "
            f"(known: {_known(known)})" + _did_you_mean(agency, known),
        )
    )
    return False


def _check_stage(i: int, tp: Mapping[str, Any], declared: _Declared, issues: list[Issue]) -> None:
    """The touchpoint's stage, if any, is declared."""
    stage = tp.get("stage")
    stages = list(declared.stages)
    if not isinstance(stage, str) or stage in declared.stages:
        return
    if stages:
        hint = f"(known: {_known(stages)})" + _did_you_mean(stage, stages)
    else:
        hint = "(no stages are declared: add it under stages:)"
    issues.append(
        Issue(("touchpoints", i, "stage"), f"{quoted(stage)} is not a stage of this journey {hint}")
    )


def _check_asks(
    i: int, tp: Mapping[str, Any], declared: _Declared, used: set[str], issues: list[Issue]
) -> None:
    """Every item asked for or given is known, and listed once."""
    for key in ("asks", "gives"):
        seen_here: set[str] = set()
        for j, asked in _strings(tp.get(key)):
            loc: Loc = ("touchpoints", i, key) if j is None else ("touchpoints", i, key, j)
            used.add(asked)
            if asked not in declared.known_data:
                guess = suggest(asked, sorted(declared.known_data), aliases=declared.aliases)
                fix = f"did you mean {quoted(guess)}? " if guess else ""
                issues.append(
                    Issue(
                        loc,
                        f"{quoted(asked)} is not a declared data item nor a catalog id; {fix}"
                        "declare it under data: with an id and name, or use a catalog id "
                        "(see `journeymap catalog`)",
                    )
                )
            elif asked in seen_here:
                twice = f"{quoted(asked)} is listed twice in {key}"
                issues.append(Issue(loc, twice, severity="warning"))
            seen_here.add(asked)


def _check_next(
    i: int,
    tp: Mapping[str, Any],
    declared: _Declared,
    edges: dict[str, list[str]],
    issues: list[Issue],
) -> bool:
    """Every ``next`` names a touchpoint (False when one does not); records the edges."""
    touchpoints = declared.touchpoints
    tid = tp.get("id")
    ok = True
    for loc_tail, target in _targets(tp):
        if target not in touchpoints:
            ok = False
            tp_list = list(touchpoints)
            issues.append(
                Issue(
                    ("touchpoints", i, *loc_tail),
                    f"{quoted(target)} is not a touchpoint of this journey"
                    + (_did_you_mean(target, tp_list) or f" (known: {_known(tp_list)})"),
                )
            )
        elif isinstance(tid, str) and touchpoints.get(tid) == i:
            edges[tid].append(target)
    return ok


def _check_start(start: object, declared: _Declared, issues: list[Issue]) -> bool:
    """``start``, if given, names a touchpoint (False when it does not)."""
    if not isinstance(start, str) or start in declared.touchpoints:
        return True
    issues.append(
        Issue(
            ("start",),
            f"{quoted(start)} is not a touchpoint of this journey"
            + _did_you_mean(start, list(declared.touchpoints)),
        )
    )
    return False


def _check_event_map(events: object, declared: _Declared, issues: list[Issue]) -> None:
    """Every touchpoint named by ``events.map`` exists."""
    if not isinstance(events, Mapping) or not isinstance(events.get("map"), Mapping):
        return
    for activity, target in events["map"].items():
        if isinstance(target, str) and target not in declared.touchpoints:
            issues.append(
                Issue(
                    ("events", "map", str(activity)),
                    f"{quoted(target)} is not a touchpoint of this journey"
                    + _did_you_mean(target, list(declared.touchpoints)),
                )
            )


def _unused(ids: Mapping[str, int], used: set[str], key: str, message: str) -> list[Issue]:
    """A warning at each id declared under ``key`` and never used (``message`` formatted
    with the id)."""
    return [
        Issue((key, i, "id"), message.format(quoted(ident)), severity="warning")
        for ident, i in ids.items()
        if ident not in used
    ]


def _check_flow(
    data: Mapping[str, Any], first: str, edges: Mapping[str, list[str]], index: Mapping[str, int]
) -> list[Issue]:
    """Reachability, escape from loops, and well-nested parallel blocks (:mod:`.flowshape`)."""
    flags = {tp["id"]: tp for _, tp in _items(data, "touchpoints") if isinstance(tp.get("id"), str)}
    splits = {n for n in edges if flags[n].get("split") == "all"}
    joins = {n for n in edges if flags[n].get("join") == "all"}
    return [
        Issue(("touchpoints", index[p.node], p.key), p.message, p.severity)
        for p in flow_problems(first, edges, splits, joins)
    ]
