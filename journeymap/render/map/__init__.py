"""The journey map as a Graphviz graph: lanes, stage order, heat and handoffs, read from the
Report alone.

Two layers, as in the ``graphviz`` package itself:

- :func:`to_dot` is pure. It turns a :class:`~journeymap.report.Report` (the journey's
  words and shape, and every number the analysis used) into a :class:`graphviz.Digraph`.
  It never runs Graphviz, reads or writes files, and never recomputes analysis: the order
  of telling, the loops, the shares (observed ones when there was an event log), the waits
  and the handoffs are all the Report's.
- :func:`render_map` and :func:`write_map` run Graphviz: the system ``dot`` binary, or when
  it is missing the in-process WebAssembly build (``pip install 'journeymap[wasm]'``, SVG
  only). The SVG is post-processed for accessibility: ``role="img"``, a ``<title>`` and a
  ``<desc>`` summarising the journey (:func:`describe_map`).

Options are one frozen :class:`MapOptions`, checked when it is made.

>>> from journeymap import parse_journey, analyze
>>> report = analyze(parse_journey('''
... journeymap: 1
... id: tiny
... title: Tiny
... agencies: [{id: SSA, name: Social Security Administration}, {id: DMV, name: State DMV}]
... touchpoints:
...   - {id: a, name: Apply, agency: SSA, asks: [ssn], duration: 5d, drop_off: 0.1, next: b}
...   - {id: b, name: Licence, agency: DMV, asks: [ssn], duration: 1d}
... '''))
>>> graph = to_dot(report, MapOptions(lanes="agency", top=1))
>>> 'class="touchpoint' in graph.source, 'class="flow handoff' in graph.source
(True, True)
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...exceptions import JourneymapTypeError, UsageError
from ...output import write_output
from ...report import Report
from ..checks import require_path, require_report
from .arrows import graphviz_routes
from .build import assemble, build, scale_for
from .describe import describe_map
from .graphviz import (
    Deadline,
    MapTimeoutError,
    accessible_svg,
    choose_engine,
    format_from_suffix,
    run,
)
from .grid import grid_place
from .options import MapOptions, MapText
from .placement import Placement, band_order, place
from .route import routed

if TYPE_CHECKING:
    import graphviz as gv

__all__ = [
    "MapOptions",
    "MapText",
    "MapTimeoutError",
    "accessible_svg",
    "choose_engine",
    "describe_map",
    "format_from_suffix",
    "render_map",
    "to_dot",
    "write_map",
]


def to_dot(report: Report, options: MapOptions = MapOptions()) -> gv.Digraph:  # noqa: B008
    """The journey map as a :class:`graphviz.Digraph` (pure: nothing is run or written).

    Touchpoints are nodes with ``id="tp-<touchpoint id>"`` and classes ``touchpoint``,
    ``agency-<id>``, ``heat-<0..4|none>``, ``bottleneck``, ``asks-again``, ``loses-people``,
    ``end``; lanes are ``cluster_*`` subgraphs with ``id="agency-<id>"`` (or ``stage-<id>``,
    ``lane-<blueprint lane>``); handoff arrows have ``id="handoff-<from>--<to>"`` and class
    ``handoff``, the others ``id="edge-<from>--<to>"``.
    """
    graph: gv.Digraph = build(report, options)
    return graph


def render_map(
    report: Report,
    options: MapOptions = MapOptions(),  # noqa: B008
    *,
    format: str = "svg",
) -> bytes:
    """Draw the map and return the file's bytes (``format`` ``svg``, ``png``, ``pdf``, ``dot``).

    ``dot`` is the DOT source (no Graphviz needed); the others are drawn by
    ``options.engine`` (see :func:`choose_engine`). A map of up to ~600 touchpoints is drawn
    twice (the second pass puts the lanes in order); a bigger one once, with straight lines.

    Raises
    ------
    UsageError
        Unknown format, or WebAssembly asked for PNG/PDF.
    GraphvizNotFoundError
        The Graphviz needed is not installed (the message says how to install it).
    MapTimeoutError
        The system Graphviz did not draw the map within ``options.timeout`` seconds (all
        its runs together; default :data:`.graphviz.TIMEOUT_SECONDS`).
    MapRenderError
        Graphviz failed.
    """
    _check(report, options)
    deadline = Deadline.of(options.timeout)
    chosen = choose_engine(options.engine, format)
    graph = build(report, options)
    source: str = graph.source
    if chosen == "none":
        return source.encode("utf-8")
    passes = scale_for(report, options).passes
    if passes in ("one", "two"):
        laid = json.loads(run(chosen, source, "json", deadline=deadline))
        order = band_order(laid) if passes == "two" else []
        pinned = place(laid, order, options.direction, move=passes == "two")
        data = _draw_routed(report, options, (chosen, format, deadline), pinned, laid)
    else:
        data = _draw_grid(report, options, (chosen, format, deadline))
    if format == "svg":
        svg = accessible_svg(
            data.decode("utf-8"),
            describe_map(report, options.colour_by),
            id_prefix=options.id_prefix,
        )
        data = svg.encode("utf-8")
    return data


#: How a map is drawn: the engine ("system" or "wasm"), the format, and the time it has.
_Drawing = tuple[str, str, Deadline]


def _draw_routed(
    report: Report,
    options: MapOptions,
    drawing: _Drawing,
    pinned: Placement,
    laid: dict[str, Any],
) -> bytes:
    """Route every arrow round the pinned boxes (:mod:`.arrows`), let ``neato -n2`` lay out
    the rest once more, place the labels where they cover nothing (:mod:`.route`), and
    draw exactly that."""
    engine, format, deadline = drawing
    routes = graphviz_routes(pinned.nodes, laid, options.direction)
    given = dataclasses.replace(pinned, edges={k: (v, None) for k, v in routes.items()})
    source = build(report, options, given).source
    drawn = json.loads(run(engine, source, "json", "nop2", deadline))
    final = build(report, options, routed(drawn))
    data: bytes = run(engine, final.source, format, "nop2", deadline)
    return data


def _draw_grid(report: Report, options: MapOptions, drawing: _Drawing) -> bytes:
    """A big map: ``dot`` without clusters (fast), then the lanes stacked by :mod:`.grid`."""
    graph, cells = assemble(report, options)
    # a tab cannot occur in user text (labels are normalised), so only the statements change
    flat = graph.source.replace("\tsubgraph cluster_", "\tsubgraph flat_")
    laid = json.loads(run(drawing[0], flat, "json", deadline=drawing[2]))
    stacks = list(dict.fromkeys(c.stack for c in cells.values()))
    stacks.sort(key=lambda s: (s != "cluster_header", s == "cluster_legend"))
    pinned = grid_place(laid, cells, stacks, options.direction)
    return _draw_routed(report, options, drawing, pinned, laid)


def write_map(
    report: Report,
    path: str | Path,
    options: MapOptions = MapOptions(),  # noqa: B008
    *,
    format: str | None = None,
) -> str:
    """Draw the map into ``path`` atomically (complete or untouched); return the engine used:
    ``"system"``, ``"wasm"``, or ``"none"`` for DOT source.

    ``format`` defaults to the one named by the suffix (:func:`format_from_suffix`). Errors
    are those of :func:`render_map`, and :class:`~journeymap.exceptions.UsageError` when the
    file cannot be written (the rules of :mod:`journeymap.output`: links and devices are
    written through, an existing YAML file is never replaced).

    Examples
    --------
    >>> from journeymap import load_journey, analyze   # doctest: +SKIP
    >>> report = analyze(load_journey("examples/life_events/approaching-retirement.yaml"))
    ... # doctest: +SKIP
    >>> write_map(report, "retirement.svg")   # doctest: +SKIP
    'system'
    """
    _check(report, options)
    require_path(path, "path")
    target = Path(path)
    chosen_format = format or format_from_suffix(target)
    chosen = choose_engine(options.engine, chosen_format)
    if chosen != "none":
        options = _with_engine(options, chosen)
    data = render_map(report, options, format=chosen_format)
    write_output(target, data)
    return chosen


def _check(report: object, options: object) -> None:
    require_report(report)
    if not isinstance(options, MapOptions):
        msg = f"options must be MapOptions, not {type(options).__name__}"
        raise JourneymapTypeError(msg)


def _with_engine(options: MapOptions, engine: str) -> MapOptions:
    if engine not in ("system", "wasm"):
        msg = f"unknown engine: {engine!r}"
        raise UsageError(msg, parameter="engine")
    return dataclasses.replace(options, engine=engine)  # type: ignore[arg-type]
