"""The pure DOT builder: a Report and its options turned into a :class:`graphviz.Digraph`.

Each column of the layout is one ``rank=same`` group anchored on an invisible header row
(stage titles above their first column), lanes are ``cluster_*`` subgraphs kept in order by
their title and end anchors, and the arrows are drawn last. With a :class:`Placement` (the
second pass) every node is pinned where the placement put it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...report import Report
from ..labels import escape, label_lines, label_text, slug
from ..theme import Theme
from .colour import check_colour_by
from .describe import title_lines
from .grid import Cell
from .layout import Lane, Layout, lanes, layout
from .legend import LEGEND_COLUMNS, legend
from .nodes import edge_style, node_ids, touchpoint_node
from .options import MapOptions
from .overlay import deviation_edges, edge_marks, touchpoint_marks
from .placement import Placement, pin

__all__ = ["BIG_MAP", "Scale", "assemble", "build", "scale_for"]

#: From this many touchpoints on a map is big: drawn in one pass with cheaper settings.
BIG_MAP = 600


@dataclass(frozen=True, slots=True)
class Scale:
    """How the map is drawn for its size: ``passes`` is "one" (``dot`` alone), "two" (``dot``,
    then the lanes moved into order and drawn by ``nop2``) or "grid" (``dot`` without lanes,
    then the lanes stacked by hand and drawn by ``nop2``: see :mod:`.grid`)."""

    passes: str
    graph_attr: dict[str, str]


def scale_for(report: Report, options: MapOptions) -> Scale:
    """Settings for the size of ``report``'s map.

    Up to :data:`BIG_MAP` touchpoints: two passes (one for stage lanes, which follow the
    flow). From :data:`BIG_MAP` on, Graphviz's lanes (clusters) would take minutes, so the
    map is placed on a grid (:mod:`.grid`) with straight arrows and smaller arrow text.
    """
    if len(report.touchpoints) < BIG_MAP:
        return Scale(passes="two" if options.lanes != "stage" else "one", graph_attr={})
    return Scale(passes="grid", graph_attr={"splines": "line"})


def _graph(report: Report, options: MapOptions, th: Theme, extra: dict[str, str]) -> Any:
    import graphviz

    title = label_lines(title_lines(report, options.top), kind="plain", width=None, justify="left")
    return graphviz.Digraph(
        name=report.journey,
        graph_attr={
            "id": f"{options.id_prefix}journeymap-{slug(report.journey)}",
            "class": "journeymap",
            "rankdir": options.direction,
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
            **extra,
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


def _header(
    report: Report, lay: Layout, th: Theme, p: str, *, rows: bool, total: int, offset: int
) -> tuple[Any, list[list[str]]]:
    """The header row: one anchor node per column, the stage titles above their bands."""
    import graphviz

    stage_names = {s.id: s.name for s in report.stages}
    stage_numbers = {s.id: i + 1 for i, s in enumerate(report.stages)}
    header_at = {c + offset: s for c, s in lay.stage_columns}
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
            _heading(header, name, text, th, "stage-header", id=f"{p}stage-{slug(stages_here[0])}")
        elif rows and c == 0:
            header.node(name, label="", shape="plaintext", style="", width="0", height="0")
        else:
            _anchor(header, name)
    return header, columns


def _heading(graph: Any, name: str, text: str, th: Theme, cls: str, **extra: str) -> None:
    """A stage's or a lane's title: plain text in the header colour."""
    graph.node(
        name,
        label=text,
        shape="plaintext",
        style="",
        fontsize=f"{th.header_fontsize:g}",
        fontcolor=th.header_text,
        _attributes={"class": cls},
        **extra,
    )


def _anchor(graph: Any, name: str) -> None:
    """An invisible point that holds a column or a lane's end in place."""
    graph.node(name, label="", shape="point", style="invis", width="0", height="0")


def _lane(
    report: Report,
    options: MapOptions,
    th: Theme,
    lane: Lane,
    i: int,
    *,
    rows: bool,
    ids: dict[str, str],
    marks: dict[str, tuple[tuple[str, str], ...]],
) -> tuple[Any, list[tuple[str, str]]]:
    """A lane's cluster, and its nodes as (node id, touchpoint id or anchor kind)."""
    import graphviz

    p = options.id_prefix
    sub = graphviz.Digraph(name=f"cluster_{i}")
    sub.attr(
        id=lane.element_id,
        label="" if rows else label_lines(lane.title, kind="plain", width=26),
        style="filled",
        fillcolor=th.lane_fills[i % len(th.lane_fills)],
        color=th.lane_border,
        fontsize=f"{th.header_fontsize:g}",
        labeljust="l" if options.direction == "TB" else "c",
        _attributes={"class": lane.classes},
    )
    placed: list[tuple[str, str]] = []
    if rows:
        head, tail = f"{p}lane-{i}-start", f"{p}lane-{i}-end"
        title_text = label_lines([lane.title[0]], kind="plain", width=20, max_lines=5)
        if len(lane.title) > 1:
            title_text += "\\n" + label_text(lane.title[1], width=None)
        _heading(sub, head, title_text, th, "lane-title")
        _anchor(sub, tail)
        placed += [(head, ":start"), (tail, ":end")]
    ranked = {b.touchpoint: b for b in report.bottlenecks}
    flows = {t.touchpoint: t for t in report.touchpoints}
    for tid in lane.members:
        attrs, classes = touchpoint_node(
            flows[tid],
            report,
            ranked.get(tid),
            top=options.top,
            theme=th,
            mode=options.lanes,
            direction=options.direction,
            colour_by=options.colour_by,
            marks=marks.get(tid, ()),
        )
        sub.node(ids[tid], id=ids[tid], _attributes={"class": " ".join(classes)}, **attrs)
        placed.append((ids[tid], tid))
    return sub, placed


def _flow(
    g: Any,
    report: Report,
    options: MapOptions,
    ids: dict[str, str],
    placement: Placement | None,
) -> None:
    """The arrows, in the Report's order, then the overlay's arrows."""
    th, p = options.resolved_theme, options.id_prefix
    ping = {
        (h.from_touchpoint, h.to_touchpoint): h.from_agency for h in report.handoffs if h.ping_pong
    }
    agency = {t.touchpoint: t.agency for t in report.touchpoints}
    extra = edge_marks(report, options)
    arrows: list[tuple[str, str, str, dict[str, str], list[str], list[str]]] = []
    for e in report.edges:
        attrs, classes, lines = edge_style(
            e,
            ping_pong=ping.get((e.source, e.target)) if e.handoff else None,
            same_agency=agency[e.source] == agency[e.target],
            theme=th,
        )
        kind = "handoff" if e.handoff else "edge"
        lines += extra.get((e.source, e.target), ())
        arrows.append((e.source, e.target, kind, attrs, classes, lines))
    for source, target, lines in deviation_edges(report, options):
        attrs = {
            "color": th.deviation,
            "fontcolor": th.deviation,
            "style": "dashed",
            "constraint": "false",
        }
        arrows.append((source, target, "deviation", attrs, ["flow", "deviation"], lines))
    for source, target, kind, attrs, classes, lines in arrows:
        edge_id = f"{p}{kind}-{slug(source)}--{slug(target)}"
        if lines:
            attrs["label"] = label_lines(lines, kind="plain", width=None)
        if placement is not None and edge_id in placement.edges:
            edge_pos, label_pos = placement.edges[edge_id]
            if edge_pos:
                attrs["pos"] = edge_pos
            if label_pos:
                attrs["lp"] = label_pos
        g.edge(
            ids[source],
            ids[target],
            id=edge_id,
            _attributes={"class": " ".join(classes)},
            **attrs,
        )


def assemble(
    report: Report, options: MapOptions, placement: Placement | None = None
) -> tuple[Any, dict[str, Cell]]:
    """The map as a ``graphviz.Digraph`` (with ``placement``, every node pinned for
    ``nop2``), and the band and column of every node."""
    th = options.resolved_theme
    p = options.id_prefix
    check_colour_by(report, options.colour_by)
    marks = touchpoint_marks(report, options)
    lay = layout(report)
    ids = node_ids(report, p)
    rows = options.lanes != "stage"  # agency and blueprint lanes are rows with a title column
    g = _graph(report, options, th, scale_for(report, options).graph_attr)
    offset = 1 if rows else 0
    total = max(lay.columns + offset + (1 if rows else 0), LEGEND_COLUMNS if options.legend else 0)
    header, columns = _header(report, lay, th, p, rows=rows, total=total, offset=offset)
    cells = {c[0]: Cell("cluster_header", i, "cluster_header") for i, c in enumerate(columns)}
    for c in range(total - 1):
        g.edge(columns[c][0], columns[c + 1][0], style="invis", weight="10")
    blocks: list[Any] = []
    for i, lane in enumerate(lanes(report, options.lanes, p)):
        sub, placed = _lane(report, options, th, lane, i, rows=rows, ids=ids, marks=marks)
        for name, what in placed:
            column = {":start": 0, ":end": total - 1}.get(what)
            if column is None:
                column = lay.column[what] + offset
            columns[column].append(name)
            cells[name] = Cell(sub.name, column, sub.name if rows else "lanes")
        blocks.append(sub)
    if options.legend:
        before = [len(c) for c in columns]
        blocks.append(
            legend(
                th,
                columns,
                p,
                options.direction,
                colour_by=options.colour_by,
                overlay=options.overlay,
            )
        )
        for column, (names, n) in enumerate(zip(columns, before, strict=True)):
            for name in names[n:]:
                cells[name] = Cell("cluster_legend", column, "cluster_legend")
    for block in [header, *blocks]:
        if placement is not None:
            pin(block, placement)
        g.subgraph(block)
    if placement is not None:
        # every arrow's route is given (see .arrows): neato -n2 routes none of them
        g.attr(bb=placement.bb, lp=placement.lp, splines="true")
        g.body[:] = [line for line in g.body if "style=invis" not in line or "->" not in line]
    for members in columns:
        g.body.append("\t{rank=same; " + " ".join(f'"{escape(m)}"' for m in members) + "}\n")
    _flow(g, report, options, ids, placement)
    return g, cells


def build(report: Report, options: MapOptions, placement: Placement | None = None) -> Any:
    """The map as a ``graphviz.Digraph``; with ``placement``, every node pinned (``nop2``)."""
    return assemble(report, options, placement)[0]
