"""The jinja2 environment, rendering the page, and writing it.

Templates come from ``journeymap/templates``; ``template_dir`` puts an agency's own in front
(a template there can ``{% extends "default:narrative.html.j2" %}``). Every template runs in
jinja2's sandbox, so a template from an agency's folder reads the context and nothing else
(no ``''.__class__.__mro__``, no private attributes). A broken override (a missing include, an
undefined name, a syntax error, something the sandbox refuses) raises
:class:`~journeymap.exceptions.TemplateError` naming the template file and line.
"""

from __future__ import annotations

import dataclasses
import re
import traceback
from pathlib import Path
from typing import Any

from ...comparison import Comparison
from ...exceptions import GraphvizNotFoundError, JourneymapTypeError, TemplateError
from ...output import write_output
from ...report import Report
from ..checks import require_path, require_report
from ..map import MapOptions, MapTimeoutError
from .context import build_context

__all__ = [
    "MAP_ID_PREFIX",
    "draw_map",
    "inline_svg",
    "load_page",
    "make_environment",
    "render_narrative",
    "render_page",
    "write_narrative",
]

#: The page template every render starts from.
PAGE = "narrative.html.j2"
#: Put in front of the map's SVG ids (unless the options name their own prefix), so that
#: they cannot clash with the page's ids.
MAP_ID_PREFIX = "map-"
#: Names jinja2 gives the frames of template code in a traceback.
_TEMPLATE_FRAMES = re.compile(r"^(template|top-level template code|block '.*')$")


def make_environment(template_dir: str | Path | None = None) -> Any:
    """The jinja2 environment: user templates first, then the defaults (``default:`` prefix).

        Templates run in :class:`jinja2.sandbox.SandboxedEnvironment` (a template cannot reach
    Python internals), autoescape is on for every template and undefined names are errors
    (StrictUndefined).

        Raises
        ------
        TemplateError
            ``template_dir`` is not a folder.
    """
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    default = jinja2.PackageLoader("journeymap", "templates")
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            msg = f"template folder {str(template_dir)!r} does not exist or is not a folder"
            raise TemplateError(msg)
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(default)
    loader = jinja2.ChoiceLoader(
        [*loaders, jinja2.PrefixLoader({"default": default}, delimiter=":")]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["slug"] = lambda s: re.sub(r"[^A-Za-z0-9_-]+", "-", str(s)).strip("-")
    return env


def _where(err: BaseException) -> str | None:
    """``file:line`` of the innermost template code in ``err``'s traceback, if any."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if _TEMPLATE_FRAMES.match(f.name)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else None


def _template_error(err: Exception) -> TemplateError | None:
    """The :class:`TemplateError` for an error raised by template code (None otherwise)."""
    import jinja2

    if isinstance(err, jinja2.TemplateSyntaxError):
        source = err.filename or err.name or "<template>"
        return TemplateError(f"{source}:{err.lineno}: syntax error: {err.message}")
    where = _where(err)
    if isinstance(err, jinja2.TemplateNotFound):
        names = ", ".join(repr(n) for n in getattr(err, "templates", [err.name]))
        return TemplateError(
            f"{where or PAGE}: template {names} not found in the template folder or the "
            "defaults; add it or remove the include"
        )
    if where is None:
        return None
    if isinstance(err, jinja2.exceptions.SecurityError):
        return TemplateError(
            f"{where}: not allowed in a template: {err} Templates may read only the fields "
            "listed in docs/narrative.md (NarrativeContext)"
        )
    if isinstance(err, jinja2.UndefinedError):
        return TemplateError(
            f"{where}: {err.message}; use only the fields listed in "
            "docs/narrative.md (NarrativeContext)"
        )
    return TemplateError(f"{where}: {type(err).__name__}: {err}")


def load_page(env: Any) -> Any:
    """The page template, compiled (its syntax checked) before anything is drawn."""
    try:
        return env.get_template(PAGE)
    except Exception as err:
        error = _template_error(err)
        if error is None:
            raise
        raise error from None


def render_page(
    report: Report,
    *,
    template: Any,
    map_svg: str | None,
    map_note: str | None,
    comparison: Comparison | None = None,
) -> str:
    """The page for ``report`` from ``template``; template faults become TemplateError."""
    context = build_context(report, map_svg=map_svg, map_note=map_note, comparison=comparison)
    try:
        return str(template.render(**context.values()))
    except Exception as err:
        error = _template_error(err)
        if error is None:
            raise
        raise error from None


def inline_svg(svg: str) -> str:
    """An SVG document made fit to sit inside HTML: no XML prolog, doctype or comments.

    >>> inline_svg('<?xml version="1.0"?><!-- x --><svg><!-- y --><g/></svg>')
    '<svg><g/></svg>'
    """
    start = svg.find("<svg")
    if start < 0:
        msg = "not an SVG document"
        raise ValueError(msg)
    return re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S).strip()


def draw_map(report: Report, options: MapOptions | None) -> tuple[str | None, str | None]:
    """The map as inline, accessible SVG, and why there is none (``(None, reason)``) when no
    Graphviz can draw it, or Graphviz could not lay it out within its time limit
    (``MapOptions.timeout``). ``options=None``: no map and no reason.

    Raises
    ------
    MapRenderError
        Graphviz was found but failed.
    """
    if options is None:
        return None, None
    from ..map import render_map

    if not options.id_prefix:
        options = dataclasses.replace(options, id_prefix=MAP_ID_PREFIX)
    try:
        raw = render_map(report, options, format="svg")  # titled and described (role="img")
    except (GraphvizNotFoundError, MapTimeoutError) as err:
        return None, str(err)
    return inline_svg(raw.decode("utf-8")), None


def render_narrative(
    report: Report,
    *,
    map_options: MapOptions | None = MapOptions(),  # noqa: B008 (frozen, so safe to share)
    template_dir: str | Path | None = None,
    comparison: Comparison | None = None,
) -> tuple[str, str | None]:
    """The self-contained HTML narrative of a report, and why it has no map (or None).

    ``map_options=None`` leaves the map out (the page keeps the map's table). Nothing is
    written. ``comparison`` (from :func:`journeymap.scenarios.compare`) adds the
    current-vs-future section.

    Raises
    ------
    TemplateError
        A template in ``template_dir`` is missing a part, uses an undefined name, does
        not parse or does something the sandbox refuses.
    MapRenderError
        Graphviz was found but failed to draw the map (running out of time is not a
        failure: the page then has the map's table and says why).
    """
    require_report(report)
    given: object = map_options
    if given is not None and not isinstance(given, MapOptions):
        msg = f"map_options must be MapOptions or None, not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    if template_dir is not None:
        require_path(template_dir, "template_dir")
    template = load_page(make_environment(template_dir))
    map_svg, why = draw_map(report, map_options)
    html = render_page(
        report, template=template, map_svg=map_svg, map_note=why, comparison=comparison
    )
    return html, why


def write_narrative(
    report: Report,
    output: str | Path,
    *,
    map_options: MapOptions | None = MapOptions(),  # noqa: B008 (frozen, so safe to share)
    template_dir: str | Path | None = None,
    comparison: Comparison | None = None,
) -> str | None:
    """Render the narrative and write it atomically to ``output``.

    Returns None, or why the map is missing when no Graphviz could draw it (the page then
    says so and keeps the map's table). Raises as :func:`render_narrative`, and UsageError
    when ``output`` cannot be written (it is then left as it was); links and devices are
    written through, as :mod:`journeymap.output` says.
    """
    require_path(output, "output")
    html, why = render_narrative(
        report, map_options=map_options, template_dir=template_dir, comparison=comparison
    )
    write_output(output, html.encode("utf-8"))
    return why
