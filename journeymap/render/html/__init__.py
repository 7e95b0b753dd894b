"""The HTML narrative: one self-contained, accessible file that explains a journey.

It reads only the :class:`~journeymap.report.Report` (with an event log, the observed
numbers), so the story, the tables and the charts always show the same figures::

    html, no_map_reason = render_narrative(report)          # nothing is written
    write_narrative(report, "journey.html")                  # atomically; map included

The page is built from jinja2 templates (``journeymap/templates``) that receive one
documented :class:`NarrativeContext` (:func:`build_context`, pure); ``template_dir`` puts an
agency's own templates in front of the defaults.

The page has no external assets: CSS, the journey map (inline SVG from
:mod:`journeymap.render.map`), the charts (inline SVG) and a few lines of JavaScript are
inline, under a Content-Security-Policy that allows nothing else. Every piece of journey text
is escaped by the template engine (autoescape).

Modules: :mod:`.contract` (the context records), :mod:`.context` (one builder per section),
:mod:`.story` (the sentences), :mod:`.writer` (jinja2, the map, writing).
"""

from __future__ import annotations

from .context import build_context
from .contract import (
    Bar,
    Headline,
    MatrixGroup,
    MatrixRow,
    NarrativeContext,
    Point,
    Source,
    StageStory,
)
from .writer import inline_svg, make_environment, render_narrative, write_narrative

__all__ = [
    "Bar",
    "Headline",
    "MatrixGroup",
    "MatrixRow",
    "NarrativeContext",
    "Point",
    "Source",
    "StageStory",
    "build_context",
    "inline_svg",
    "make_environment",
    "render_narrative",
    "write_narrative",
]
