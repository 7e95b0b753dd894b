"""Renderers: a Report (and its Journey) turned into text, Markdown, a Graphviz map or HTML.

Importing this package is cheap: ``graphviz`` and ``jinja2`` load only when a map or a
narrative is drawn. The map API lives in :mod:`journeymap.render.map` and is re-exported
here on first use::

    >>> from journeymap.render import MapOptions, to_dot, write_map

``to_dot(report, MapOptions(...))`` builds the ``graphviz.Digraph`` (pure);
``render_map``/``write_map`` run Graphviz (the system ``dot``, or WebAssembly for SVG).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "THEMES",
    "MapOptions",
    "MapText",
    "NarrativeContext",
    "Theme",
    "build_context",
    "choose_engine",
    "describe_map",
    "format_from_suffix",
    "render_map",
    "render_narrative",
    "to_dot",
    "write_map",
    "write_narrative",
]

_LAZY = {
    "MapOptions": "journeymap.render.map",
    "MapText": "journeymap.render.map",
    "to_dot": "journeymap.render.map",
    "render_map": "journeymap.render.map",
    "write_map": "journeymap.render.map",
    "describe_map": "journeymap.render.map",
    "choose_engine": "journeymap.render.map",
    "format_from_suffix": "journeymap.render.map",
    "Theme": "journeymap.render.theme",
    "THEMES": "journeymap.render.theme",
    "NarrativeContext": "journeymap.render.html",
    "build_context": "journeymap.render.html",
    "render_narrative": "journeymap.render.html",
    "write_narrative": "journeymap.render.html",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'journeymap.render' has no attribute {name!r}"
    raise AttributeError(msg)
