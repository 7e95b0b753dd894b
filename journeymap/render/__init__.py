"""Renderers: a Report (and its Journey) turned into text, Markdown, a Graphviz map or HTML.

Importing this package is cheap: ``graphviz`` and ``jinja2`` load only when a map or a
narrative is drawn. The map API lives in :mod:`journeymap.render.dot` and is re-exported
here on first use::

    >>> from journeymap.render import to_dot, write_map

``to_dot(journey, report, ...)`` builds the ``graphviz.Digraph`` (pure);
``render_map``/``write_map`` run Graphviz (the system ``dot``, or WebAssembly for SVG).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["THEMES", "Theme", "describe_map", "render_map", "to_dot", "write_map"]

_LAZY = {
    "to_dot": "journeymap.render.dot",
    "render_map": "journeymap.render.dot",
    "write_map": "journeymap.render.dot",
    "describe_map": "journeymap.render.dot",
    "Theme": "journeymap.render.theme",
    "THEMES": "journeymap.render.theme",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'journeymap.render' has no attribute {name!r}"
    raise AttributeError(msg)
