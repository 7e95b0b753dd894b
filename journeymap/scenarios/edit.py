"""Checking a scenario against its journey and applying its structural changes to data.

Works on YAML-shaped data (the journey's ``model_dump(mode="json")``), so the same code
checks the ``scenarios:`` block while the journey file is validated (each problem located at
the change that causes it) and builds the future journey in :mod:`journeymap.scenarios.apply`.
``ask_once`` changes are only checked here: their effect depends on the paths people take,
which the analysis computes (:mod:`journeymap.analysis.scenario_effects`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..catalog import CATALOG, suggest
from ..durations import MAX_MINUTES, Duration
from ..quoting import quoted
from ..rules import Issues, check_journey_data

if TYPE_CHECKING:
    from .model import Change, Scenario

__all__ = ["apply_structure", "check_scenarios", "journey_data", "next_entries"]

Loc = tuple[str | int, ...]
Found = list[tuple[Loc, str]]


def journey_data(fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """YAML-shaped data of a journey from its validated fields (None if some failed)."""
    if not all(k in fields for k in ("agencies", "touchpoints")):
        return None

    def dump(key: str) -> list[dict[str, Any]]:
        return [v.model_dump(mode="json", exclude_defaults=True) for v in fields.get(key) or ()]

    events = fields.get("events")
    return {
        "start": fields.get("start"),
        "agencies": dump("agencies"),
        "data": dump("data"),
        "stages": dump("stages"),
        "touchpoints": dump("touchpoints"),
        "events": {"map": dict(events.map)} if events is not None else None,
    }


def check_scenarios(scenarios: Sequence[Scenario], fields: Mapping[str, Any]) -> None:
    """Raise :class:`~journeymap.rules.Issues` (located inside ``scenarios``) for every change
    that names an unknown id, removes what cannot be removed, or leaves an invalid journey."""
    data = journey_data(fields)
    touchpoints = fields.get("touchpoints") or ()
    if data is None or not touchpoints:
        return
    if any(i.severity == "error" for i in check_journey_data(data)):
        return  # the journey itself is invalid: those errors are reported, not these
    tp_class = type(touchpoints[0])
    found: Found = []
    seen: dict[str, int] = {}
    for k, scenario in enumerate(scenarios):
        if scenario.id in seen:
            found.append(
                (
                    (k, "id"),
                    f"duplicate scenario id {scenario.id!r} (already used by "
                    f"scenarios[{seen[scenario.id]}]); scenario ids must be unique",
                )
            )
        seen.setdefault(scenario.id, k)
        _, issues = apply_structure(data, scenario.changes, tp_class)
        found.extend(((k, *loc), message) for loc, message in issues)
    if found:
        raise Issues(found)


def next_entries(value: Any) -> list[dict[str, Any]]:
    """A touchpoint's ``next`` in any written shape, as a list of ``{to, share?, wait?}``."""
    if value is None:
        return []
    if isinstance(value, str | Mapping):
        value = [value]
    out = []
    for entry in value:
        out.append({"to": entry} if isinstance(entry, str) else dict(entry))
    return out


def _ids(tps: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(t.get("id")) for t in tps]


def _unknown(tid: str, tps: Sequence[Mapping[str, Any]], removed: Mapping[str, int]) -> str:
    if tid in removed:
        return f"{tid!r} was removed by changes[{removed[tid]}] of this scenario"
    ids = _ids(tps)
    guess = suggest(tid, ids)
    shown = ", ".join(ids[:12]) + (f", ... ({len(ids)} in all)" if len(ids) > 12 else "")
    hint = f"; did you mean {guess!r}?" if guess else f" (known: {shown})"
    return f"{tid!r} is not a touchpoint of this journey{hint}"


def _validated(
    tp_class: type[BaseModel], data: Mapping[str, Any], place: Any
) -> tuple[dict[str, Any] | None, Found]:
    """Validate one touchpoint; problems come back with ``place(loc)`` locations."""
    try:
        model = tp_class.model_validate(dict(data))
    except ValidationError as err:
        found: Found = []
        for e in err.errors(include_url=False):
            loc: Loc = tuple(e["loc"])
            error = (e.get("ctx") or {}).get("error")
            if isinstance(error, Issues):
                found.extend((place((*loc, *sub)), msg) for sub, msg in error.issues)
                continue
            field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
            msg = str(e["msg"]).removeprefix("Value error, ")
            message = f"{field}: {msg[:1].lower()}{msg[1:]}"
            if e["type"] != "missing":
                message += f" (got {quoted(e.get('input'))})"
            found.append((place(loc), message))
        return None, found
    return model.model_dump(mode="json", exclude_defaults=True), []


def _wait_minutes(*waits: Any) -> float | None:
    """The waits added up, in minutes (None if there are none)."""
    given = [Duration.parse(w) if isinstance(w, str) else w for w in waits if w is not None]
    return sum(w.minutes for w in given) if given else None


def _redirect(tps: list[dict[str, Any]], tid: str) -> tuple[list[str], str | None]:
    """Lead every arrow into ``tid`` to where ``tid`` led; the predecessors, or why not."""
    gone = next(t for t in tps if t.get("id") == tid)
    outs = next_entries(gone.get("next"))
    if any(o["to"] == tid for o in outs):
        return [], "it loops back to itself"
    if len(outs) > 1:
        total = sum(float(o.get("share") or 0.0) for o in outs) or 1.0
        shares = [float(o.get("share") or 0.0) / total for o in outs]
    else:
        shares = [1.0]
    preds = []
    for p in tps:
        entries = next_entries(p.get("next"))
        if p.get("id") == tid or not any(e["to"] == tid for e in entries):
            continue
        parallel = p.get("split") == "all"
        if parallel and len(outs) > 1:
            return [], (
                f"its alternatives would hang directly under the parallel split at "
                f"{p.get('id')!r}; change that split's next instead"
            )
        new: list[dict[str, Any]] = []
        for e in entries:
            if e["to"] != tid:
                new.append(e)
                continue
            for o, share in zip(outs, shares, strict=True):
                entry: dict[str, Any] = {"to": o["to"]}
                if not parallel and (e.get("share") is not None or len(outs) > 1):
                    entry["share"] = float(e.get("share") or 1.0) * share
                wait = _wait_minutes(e.get("wait"), o.get("wait"))
                if wait is not None and wait > MAX_MINUTES:
                    return [], (
                        f"has waits before and after it that add up to more than 100 years "
                        f"(from {p.get('id')!r} to {o['to']!r}), the longest a wait may be"
                    )
                if wait is not None:
                    entry["wait"] = str(Duration(wait))
                new.append(entry)
        new = _merged(new)
        if len(new) == 1:
            new[0].pop("share", None)
        p["next"] = new
        preds.append(str(p.get("id")))
    return preds, None


def _merged(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per target: the shares of repeated targets added (first wait kept)."""
    out: list[dict[str, Any]] = []
    for entry in entries:
        same = next((n for n in out if n["to"] == entry["to"]), None)
        if same is None:
            out.append(dict(entry))
        elif "share" in same and "share" in entry:
            same["share"] += entry["share"]
    return out


def _why_not_removable(tp: Mapping[str, Any], start: str) -> str | None:
    if tp.get("id") == start:
        return "is where the journey starts"
    if not next_entries(tp.get("next")):
        return "is an end of the journey"
    if tp.get("split") == "all":
        return "opens a parallel block (split: all)"
    if tp.get("join") == "all":
        return "closes a parallel block (join: all)"
    return None


def _check_ask_once(change: Change, j: int, data: Mapping[str, Any], done: dict[str, int]) -> Found:
    loc: Loc = ("changes", j)
    found: Found = []
    item = str(change.ask_once)
    declared = [str(d.get("id")) for d in data.get("data") or ()]
    if item not in declared and item not in CATALOG:
        guess = suggest(item, [*declared, *CATALOG])
        hint = f"did you mean {guess!r}? " if guess else ""
        found.append(
            (
                (*loc, "ask_once"),
                f"{item!r} is not a declared data item nor a catalog id; {hint}"
                "use an id from data: or from `journeymap catalog`",
            )
        )
    elif item in done:
        found.append(
            (
                (*loc, "ask_once"),
                f"ask_once {item!r} is already changes[{done[item]}] of this scenario; "
                "merge the two (list every agency under one agencies:)",
            )
        )
    done.setdefault(item, j)
    agencies = [str(a.get("id")) for a in data.get("agencies") or ()]
    for n, agency in enumerate(change.agencies or ()):
        if agency not in agencies:
            guess = suggest(agency, agencies)
            hint = f"; did you mean {guess!r}?" if guess else f" (known: {', '.join(agencies)})"
            found.append(
                ((*loc, "agencies", n), f"{agency!r} is not an agency of this journey{hint}")
            )
    return found


@dataclass
class _State:
    """The journey data being changed, and what each change did."""

    tps: list[dict[str, Any]]
    tp_class: type[BaseModel]
    start: str
    touched: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)


def _add(state: _State, change: Change, j: int) -> Found:
    loc: Loc = ("changes", j)
    new = dict(change.add or {})
    tid = new.get("id")
    if isinstance(tid, str) and tid in _ids(state.tps):
        return [((*loc, "add", "id"), f"touchpoint {tid!r} already exists; pick a new id")]
    dumped, issues = _validated(state.tp_class, new, lambda e: (*loc, "add", *e))
    if dumped is not None:
        state.tps.append(dumped)
        state.touched[str(tid)] = j
    return issues


def _set_keys(state: _State, change: Change, j: int, i: int) -> Found:
    loc: Loc = ("changes", j)
    fields = type_fields(state.tp_class)
    found: Found = []
    for key in change.set_values:
        if key == "id":
            message = "the id of a touchpoint cannot be changed; remove it and add a new one"
        elif key not in fields:
            guess = suggest(key, fields)
            message = f"unknown touchpoint key {key!r}" + (
                f"; did you mean {guess!r}?" if guess else ""
            )
        else:
            continue
        found.append(((*loc, key), message))
    if found:
        return found
    keys = set(change.set_values)

    def place(e: Loc) -> Loc:
        return (*loc, *e) if e and e[0] in keys else (*loc, "touchpoint")

    merged = {**state.tps[i], **change.set_values}
    dumped, issues = _validated(state.tp_class, merged, place)
    if dumped is not None:
        state.tps[i] = dumped
        state.touched[change.target] = j
    return issues


def _remove(state: _State, tid: str, j: int, i: int) -> Found:
    loc: Loc = ("changes", j, "remove")
    why = _why_not_removable(state.tps[i], state.start)
    preds, reason = ([], why) if why else _redirect(state.tps, tid)
    if reason:
        message = f"cannot remove {tid!r}: it {reason}; change it with a touchpoint: change instead"
        return [(loc, message)]
    del state.tps[i]
    state.removed[tid] = j
    state.gone.append(tid)
    state.touched.update(dict.fromkeys(preds, j))
    found: Found = []
    for pred in preds:
        k = _ids(state.tps).index(pred)
        dumped, issues = _validated(state.tp_class, state.tps[k], lambda e: loc)
        found.extend((w, f"touchpoint {pred!r} after the redirect: {m}") for w, m in issues)
        if dumped is not None:
            state.tps[k] = dumped
    return found


def apply_structure(
    data: Mapping[str, Any], changes: Iterable[Change], tp_class: type[BaseModel]
) -> tuple[dict[str, Any], Found]:
    """Apply the ``touchpoint``, ``remove`` and ``add`` changes, in order, to journey data.

    Returns the changed data and the problems, located as ``("changes", j, key...)``. When
    every change applies but the journey they leave is invalid, each rule it breaks is
    reported at the last change that touched the touchpoint concerned.
    """
    tps: list[dict[str, Any]] = [dict(t) for t in data.get("touchpoints") or ()]
    state = _State(tps, tp_class, str(data.get("start") or (tps[0].get("id") if tps else "")))
    found: Found = []
    asked_once: dict[str, int] = {}
    changes = list(changes)
    for j, change in enumerate(changes):
        if change.kind == "ask_once":
            found.extend(_check_ask_once(change, j, data, asked_once))
            continue
        if change.kind == "add":
            found.extend(_add(state, change, j))
            continue
        tid = change.target
        ids = _ids(state.tps)
        if tid not in ids:
            found.append((("changes", j, change.kind), _unknown(tid, state.tps, state.removed)))
        elif change.kind == "touchpoint":
            found.extend(_set_keys(state, change, j, ids.index(tid)))
        else:
            found.extend(_remove(state, tid, j, ids.index(tid)))
    out = {**data, "touchpoints": state.tps}
    events = data.get("events")
    if events and events.get("map"):
        kept = {k: v for k, v in events["map"].items() if v not in state.gone}
        out["events"] = {**events, "map": kept}
    if not found and changes:
        found.extend(_whole_journey(out, state.touched, len(changes) - 1, changes))
    return out, found


def type_fields(tp_class: type[BaseModel]) -> list[str]:
    """The keys a touchpoint has."""
    return list(tp_class.model_fields)


def _whole_journey(
    data: Mapping[str, Any], touched: Mapping[str, int], last: int, changes: Sequence[Change]
) -> Found:
    found: Found = []
    tps = data["touchpoints"]
    for issue in check_journey_data(data):
        if issue.severity != "error":
            continue
        tid = None
        if len(issue.loc) > 1 and issue.loc[0] == "touchpoints" and isinstance(issue.loc[1], int):
            tid = str(tps[issue.loc[1]].get("id"))
        j = touched.get(tid, last) if tid else last
        where = f"touchpoint {tid!r}: " if tid else ""
        found.append(
            (
                ("changes", j, changes[j].kind),
                f"after this change the journey is invalid: {where}{issue.message}",
            )
        )
    return found
