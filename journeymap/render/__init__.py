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

#: Where each lazily loaded name lives.
_LAZY_FROM = {
    "journeymap.render.map": (
        "MapOptions",
        "MapText",
        "to_dot",
        "render_map",
        "write_map",
        "describe_map",
        "choose_engine",
        "format_from_suffix",
    ),
    "journeymap.render.theme": ("Theme", "THEMES"),
    "journeymap.render.html": (
        "NarrativeContext",
        "build_context",
        "render_narrative",
        "write_narrative",
    ),
}
_LAZY = {name: module for module, names in _LAZY_FROM.items() for name in names}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'journeymap.render' has no attribute {name!r}"
    raise AttributeError(msg)
