"""The map's options: one frozen record, checked when it is made.

>>> MapOptions(lanes="stage", top=5).lanes
'stage'
>>> MapOptions(direction="RL")
Traceback (most recent call last):
...
journeymap.exceptions.UsageError: unknown direction: 'RL' (must be one of LR, TB)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ...exceptions import UsageError
from ..theme import THEMES, Theme

__all__ = ["DIRECTIONS", "ENGINES", "FORMATS", "LANES", "OVERLAYS", "MapOptions", "MapText"]

LaneMode = Literal["agency", "stage", "blueprint"]
Direction = Literal["LR", "TB"]
Engine = Literal["auto", "system", "wasm"]

#: What the lanes of the map are: agencies (swimlanes), stages, or service-blueprint lanes.
LANES: tuple[str, ...] = ("agency", "stage", "blueprint")
#: Flow direction: left to right (lanes are rows) or top to bottom (lanes are columns).
DIRECTIONS: tuple[str, ...] = ("LR", "TB")
#: Which Graphviz runs: ``auto`` (system ``dot`` if installed, else WebAssembly for SVG).
ENGINES: tuple[str, ...] = ("auto", "system", "wasm")
#: What can be drawn over the map: the event log's deviations from the journey.
OVERLAYS: tuple[str, ...] = ("conformance",)
#: Output formats, picked from the file suffix by ``format_from_suffix``.
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot")


def _check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        msg = f"unknown {name}: {value!r} (must be one of {', '.join(allowed)})"
        raise UsageError(msg, parameter=name)


@dataclass(frozen=True, slots=True)
class MapOptions:
    """How to draw a journey map.

    Attributes
    ----------
    lanes:
        ``"agency"`` (a swimlane per agency, in the journey's order of agencies),
        ``"stage"`` or ``"blueprint"`` (customer, frontstage, backstage, support).
    direction:
        ``"LR"``: the flow runs left to right and lanes are rows; ``"TB"``: top to bottom.
    engine:
        Which Graphviz draws it: ``"auto"``, ``"system"`` (the ``dot`` binary) or
        ``"wasm"`` (the WebAssembly build, SVG only).
    top:
        How many of the ranked bottlenecks are marked (``0``: none).
    theme:
        A :class:`~journeymap.render.theme.Theme` or the name of a built-in one.
    id_prefix:
        Put in front of every SVG ``id`` (to place several maps in one HTML page).
    legend:
        Draw the legend (heat scale and edge key) under the lanes.
    colour_by:
        What the fill shows: ``"time"`` (share of the expected time), ``"trust"`` or another
        A-11 item or driver (share agreeing, from :attr:`Report.feedback`).
    overlay:
        ``None``, or ``"conformance"``: the event log's deviations from the journey
        (:attr:`ObservedSummary.conformance`) drawn on the map.
    timeout:
        Seconds the system Graphviz may take to draw the map, all its runs together
        (``None``: :data:`journeymap.render.map.graphviz.TIMEOUT_SECONDS`, 120 s).

    Raises
    ------
    UsageError
        For an unknown ``lanes``, ``direction``, ``engine`` or ``theme``, a ``top`` that is
        not a whole number of 0 or more, an ``id_prefix`` that cannot start an SVG id, or a
        ``timeout`` that is not a number of seconds above 0.
    """

    lanes: LaneMode = "agency"
    direction: Direction = "LR"
    engine: Engine = "auto"
    top: int = 3
    theme: str | Theme = "default"
    id_prefix: str = ""
    legend: bool = True
    colour_by: str = "time"
    overlay: str | None = None
    timeout: float | None = None

    def __post_init__(self) -> None:
        _check_choice("lanes", self.lanes, LANES)
        _check_choice("direction", self.direction, DIRECTIONS)
        _check_choice("engine", self.engine, ENGINES)
        if isinstance(self.top, bool) or not isinstance(self.top, int) or self.top < 0:
            msg = f"top must be a whole number, 0 or more, not {self.top!r}"
            raise UsageError(msg, parameter="top")
        from .colour import COLOUR_BY

        _check_choice("colour_by", self.colour_by, COLOUR_BY)
        if self.overlay is not None:
            _check_choice("overlay", self.overlay, OVERLAYS)
        if not isinstance(self.theme, Theme):
            _check_choice("theme", self.theme, sorted(THEMES))
        if not isinstance(self.id_prefix, str) or any(
            not (c.isascii() and (c.isalnum() or c in "-_.")) for c in self.id_prefix
        ):
            msg = f"id_prefix must be letters, digits, '-', '_' or '.', not {self.id_prefix!r}"
            raise UsageError(msg, parameter="id_prefix")
        given = self.timeout
        if given is not None and (
            isinstance(given, bool) or not isinstance(given, int | float) or not given > 0
        ):
            msg = f"timeout must be a number of seconds above 0, not {given!r}"
            raise UsageError(msg, parameter="timeout")

    @property
    def resolved_theme(self) -> Theme:
        """The :class:`Theme` itself (a name looked up among the built-in ones)."""
        return self.theme if isinstance(self.theme, Theme) else THEMES[self.theme]


@dataclass(frozen=True, slots=True)
class MapText:
    """The text alternative of a map: the SVG ``<title>`` and ``<desc>``."""

    title: str
    desc: str
