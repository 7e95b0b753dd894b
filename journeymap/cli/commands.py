"""The commands that analyse a journey: each is a Study, one method and one renderer.

Heavy modules (networkx, jinja2, graphviz, duckdb) are imported inside the command bodies;
the commands about the format itself (validate, schema, catalog) are in :mod:`.reference`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..fmt import terminal_text
from .app import cli, echo_err
from .glue import (
    check_output,
    journey_files,
    map_settings,
    one_journey,
    open_study,
    other_inputs,
    write,
)
from .options import (
    choice,
    event_options,
    factor,
    feedback_options,
    map_options,
    output_option,
    population_option,
    scenario_option,
)

__all__ = ["analyze", "compare", "render", "report", "summary"]


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a terminal summary; json: the report contract; markdown: for a PR or wiki.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="How many bottlenecks, handoffs, items and leaks to show and turn into findings.",
)
@output_option(required=False, help="Write to this file (atomically) instead of standard output.")
@population_option
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**32 - 1),
    default=0,
    show_default=True,
    help="Seed of the simulation of end-to-end time (run when durations carry p90).",
)
@click.option(
    "--runs",
    type=click.IntRange(min=100, max=1_000_000),
    default=10_000,
    show_default=True,
    help="People simulated for the p50/p90 of end-to-end time.",
)
@event_options
@feedback_options
def analyze(
    paths: tuple[str, ...],
    fmt: str,
    top: int,
    output: str | None,
    population: int | None,
    seed: int,
    runs: int,
    **events: Any,
) -> None:
    """Analyse journeys: bottlenecks, handoffs, duplicate data requests, drop-off, time tax.

    One file gives its report; several files or a directory also give the portfolio view
    (data items asked most across journeys, agency pairs that hand people off most).
    With an event log (--events, or the journey's events: block) the observed numbers replace
    the authored ones and a designed-vs-observed section is added.

    \b
    Examples:
        journeymap analyze examples/life_events/approaching-retirement.yaml
        journeymap analyze examples/life_events/having-a-child.yaml --format json
        journeymap analyze examples/life_events --format markdown -o portfolio.md
        journeymap analyze examples/life_events/disaster-recovery.yaml --min-cell 10
    """
    from ..analysis.portfolio import build_portfolio
    from ..render.text import render_json, render_markdown, render_portfolio, render_text
    from ..report import Portfolio, Report

    files = journey_files(paths)
    inputs: list[str | Path] = [*files, *other_inputs(events)]
    check_output(output, inputs)
    knobs = {"population": population, "seed": seed, "runs": runs, "top": top}
    studies = [open_study(f, events, **knobs) for f in files]
    result: Report | Portfolio = studies[0].report()
    if len(files) > 1 or any(Path(p).is_dir() for p in paths):
        result = build_portfolio([s.journey for s in studies], [s.report() for s in studies])
    if fmt == "json":
        text = render_json(result)
    elif isinstance(result, Report):
        text = (
            render_markdown(result, top=top) if fmt == "markdown" else render_text(result, top=top)
        )
    else:
        text = render_portfolio(result, fmt_name=fmt, top=max(top, 10))
    write(output, text, inputs=inputs)


@cli.command()
@click.argument("path", type=click.Path())
@output_option(required=True, help="The HTML file to write (atomically).")
@map_options(engines=("auto", "system", "wasm", "none"))
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, exists=True),
    help="Templates that override the defaults (an agency's branding).",
)
@population_option
@event_options
@feedback_options
@scenario_option
def report(
    path: str,
    output: str,
    template_dir: str | None,
    population: int | None,
    scenario: str | None,
    **kw: Any,
) -> None:
    """Write the HTML report: one self-contained, accessible page about a journey.

    Headline figures, the journey map, a stage-by-stage story, ranked findings, the data
    request and handoff matrices, the drop-off funnel, the feelings curve and the evidence,
    in one file that works offline and prints cleanly. With an event log, every number on
    the page is the observed one, and a designed-vs-observed section is added. With
    customer feedback, measured trust per step and a customer-feedback section; with
    --scenario, a current-vs-future section.

    \b
    Examples:
        journeymap report examples/life_events/having-a-child.yaml -o having-a-child.html
        journeymap report my-journey.yaml -o out.html --template-dir branding/
        journeymap report examples/life_events/transition-to-civilian-life.yaml -o t.html \
            --feedback examples/life_events/data/transition-feedback-a11v2.csv \
            --scenario dd214-shared-by-dod
    """
    from ..render.html import write_narrative

    journey_file = one_journey(path)
    check_output(output, [journey_file, *other_inputs(kw)])
    study = open_study(journey_file, kw, population=population)
    result = study.report()
    comparison = study.compare((scenario,)) if scenario is not None else None
    options = None if kw["engine"] == "none" else map_settings(kw)
    why = write_narrative(
        result, output, map_options=options, template_dir=template_dir, comparison=comparison
    )
    if why:
        echo_err(f"warning: the report has no map: {why}")
    click.echo(
        terminal_text(f"{output}: report on {result.title} ({len(result.touchpoints)} touchpoints)")
    )


@cli.command()
@click.argument("path", type=click.Path())
@output_option(
    required=True, help="The file; its suffix picks the format: .svg, .png, .pdf or .dot."
)
@map_options(engines=("auto", "system", "wasm"))
@population_option
@scenario_option
@event_options
@feedback_options
def render(path: str, output: str, population: int | None, scenario: str | None, **kw: Any) -> None:
    """Draw a journey map: agency swimlanes, stage order, heat, handoffs, re-asked data.

    The format comes from the suffix of -o. SVG, PNG and PDF need the system Graphviz;
    without it SVG still works through WebAssembly (pip install 'journeymap[wasm]').
    The file is written atomically: complete, or not at all. With an event log the map
    shows the observed numbers, as the analysis does. The HTML page is `journeymap report`.

    \b
    Examples:
        journeymap render examples/life_events/approaching-retirement.yaml -o map.svg
        journeymap render my-journey.yaml -o map.png --lanes blueprint --top 5
        journeymap render my-journey.yaml -o map.dot
        journeymap render my-journey.yaml -o map.svg --feedback a11.csv --colour-by trust
        journeymap render my-journey.yaml -o map.svg --events log.csv --overlay conformance
        journeymap render my-journey.yaml -o future.svg --scenario ask-once-dd214
    """
    from ..render.map import choose_engine, format_from_suffix, write_map

    if Path(output).suffix.lower() in (".html", ".htm"):
        msg = (
            f"render draws maps (.svg, .png, .pdf, .dot); for the HTML page run: "
            f"journeymap report {path} -o {output}"
        )
        raise click.UsageError(msg)
    fmt = format_from_suffix(output)
    chosen = choose_engine(kw["engine"], fmt)
    journey_file = one_journey(path)
    check_output(output, [journey_file, *other_inputs(kw)])
    result = open_study(journey_file, kw, population=population).report(scenario)
    used = write_map(result, output, map_settings(kw, chosen if chosen != "none" else "auto"))
    how = {"system": "system Graphviz", "wasm": "WebAssembly Graphviz", "none": "DOT source"}
    click.echo(
        terminal_text(
            f"{output}: map of {len(result.touchpoints)} touchpoints in "
            f"{len(result.agencies)} agencies ({fmt}, {how.get(used, used)})"
        )
    )


@cli.command()
@click.argument("path", type=click.Path())
@event_options
def summary(path: str, **kw: Any) -> None:
    """Outline a journey: agencies, stages and touchpoints in order with their medians.

    The medians are those the analysis uses (observed ones with an event log).

    \b
    Example:
        journeymap summary examples/life_events/approaching-retirement.yaml
    """
    from ..render.text import render_outline

    result = open_study(one_journey(path), kw).report()
    click.echo(render_outline(result), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--scenario",
    "scenario_ids",
    multiple=True,
    help="Compare only this scenario of the journey (repeat for several). Default: all.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "html"]),
    default="text",
    show_default=True,
    help="text: a terminal table; markdown: for a PR or briefing; json: the contract in "
    "docs/scenarios.md; html: one self-contained page.",
)
@output_option(required=False, help="Write to this file (atomically) instead of standard output.")
@population_option
@click.option(
    "--suggest",
    is_flag=True,
    help="Propose candidate changes from the findings, ranked, each as a scenario to paste.",
)
@choice(
    "--rank-by",
    ["hours", "completions"],
    "hours",
    "With --suggest: rank by people-hours saved per period, or by completions gained.",
)
@factor(
    "--warm-handoff-factor",
    0.5,
    "With --suggest: a warm handoff multiplies the drop-off after it by this.",
)
@factor(
    "--faster-factor", 0.5, "With --suggest: a faster bottleneck's duration is multiplied by this."
)
@click.option(
    "--effort-saved",
    default="15min",
    show_default=True,
    help="With --suggest: the person's effort saved per request removed by asking once.",
)
@event_options
def compare(paths: tuple[str, ...], fmt: str, output: str | None, **kw: Any) -> None:
    """Compare a journey with its scenarios, or a current journey file with a future one.

    Completion, failure and abandonment, days, time tax, requests, repeat requests and
    handoffs, before and after, by the same model as `analyze`; the difference, its
    attribution to each change, and the assumptions beside the numbers.

    \b
    Examples:
        journeymap compare examples/life_events/transition-to-civilian-life.yaml
        journeymap compare journey.yaml --scenario ask-once-dd214 --format markdown
        journeymap compare current.yaml future.yaml --format html -o compare.html
        journeymap compare journey.yaml --suggest --rank-by completions
    """
    from ..render import compare as out
    from ..scenarios.suggesting import CandidateAssumptions

    if len(paths) > 2:
        msg = "compare takes one journey file (with scenarios) or two (current and future)"
        raise click.UsageError(msg)
    files = [one_journey(p) for p in paths]
    check_output(output, [*files, *other_inputs(kw)])
    if kw["suggest"] and (len(paths) != 1 or kw["scenario_ids"] or fmt == "html"):
        msg = "--suggest takes one journey file and writes text, markdown or json"
        raise click.UsageError(msg)
    studies = [open_study(f, kw, population=kw["population"]) for f in files]
    if kw["suggest"]:
        assumptions = CandidateAssumptions(
            warm_handoff_drop_off_factor=kw["warm_handoff_factor"],
            faster_duration_factor=kw["faster_factor"],
            effort_saved_per_request=kw["effort_saved"],
        )
        found = studies[0].suggest(assumptions=assumptions, rank_by=kw["rank_by"])
        write(output, out.render_suggestions(found, fmt_name=fmt), inputs=files)
        return
    other = studies[1] if len(studies) == 2 else None
    result = studies[0].compare(kw["scenario_ids"], other=other)
    render = {
        "text": out.render_compare_text,
        "markdown": out.render_compare_markdown,
        "json": out.render_compare_json,
        "html": out.render_compare_html,
    }[fmt]
    write(output, render(result), inputs=files)
