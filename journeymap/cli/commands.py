"""The commands: each parses its options, calls one library function and writes the result.

Heavy modules (networkx, jinja2, graphviz, duckdb) are imported inside the command bodies, so
``journeymap validate`` loads none of them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..exceptions import UsageError
from ..fmt import json_text, terminal_text
from ..report import CONTRACT_VERSION
from .app import cli, echo_err
from .options import (
    event_options,
    feedback_options,
    map_options,
    output_option,
    population_option,
    scenario_option,
)

if TYPE_CHECKING:
    from ..render.map import MapOptions
    from ..study import Study

__all__ = ["analyze", "catalog", "compare", "render", "report", "schema", "summary", "validate"]


def _journey_files(paths: Sequence[str]) -> list[Path]:
    from ..loading import find_journey_files

    files = list(find_journey_files(paths))
    if not files:
        msg = f"no journey files (*.yaml, *.yml) found in {', '.join(paths)}"
        raise UsageError(msg)
    return files


def _one_journey(path: str) -> Path:
    """The one journey file a command works on (a folder is a usage error)."""
    if Path(path).is_dir():
        msg = f"{path}: is a folder; this command takes one journey file"
        raise UsageError(msg)
    return _journey_files([path])[0]


def _write(output: str | None, text: str, *, inputs: Sequence[str | Path] = ()) -> None:
    """Write to standard output, or to a file by the rules of :mod:`journeymap.output`."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from ..output import write_output

    write_output(output, text.encode("utf-8"), inputs=inputs)


def _check_output(output: str | None, inputs: Sequence[str | Path]) -> None:
    """Refuse a bad output path before any work is done."""
    if output is not None and output != "-":
        from ..output import check_output

        check_output(output, inputs=inputs)


def _sources(kw: dict[str, Any]) -> dict[str, Any]:
    """The event-log, feedback and engine options of a command, as the Study takes them."""
    from ..loading import load_mapping
    from ..observed import ColumnMap
    from ..specs import EngineSettings, EventOptions, FeedbackOptions

    return {
        "events": EventOptions(
            paths=tuple(kw["event_logs"]),
            activity_map=load_mapping(kw["map_file"]) if kw["map_file"] else {},
            columns=ColumnMap(
                case=kw["case_column"],
                activity=kw["activity_column"],
                timestamp=kw["timestamp_column"],
                lifecycle=kw["lifecycle_column"],
            ),
            since=kw["since"],
            until=kw["until"],
            cutoff_days=kw["cutoff"],
            min_cell=kw["min_cell"] or 1,
            use_journey_block=not kw["no_events"],
            strict=kw["strict_log"],
            ends=tuple(kw["ends"]),
            by=kw.get("by"),
            every=kw.get("every"),
        ),
        "feedback": FeedbackOptions(
            paths=tuple(kw.get("feedback_files", ())),
            instrument=kw.get("instrument"),
            mapping=load_mapping(kw["feedback_map"]) if kw.get("feedback_map") else {},
            every=kw.get("every"),
            by=kw.get("by"),
            min_cell=kw["min_cell"],
        ),
        "engine": EngineSettings(
            engine=kw.get("log_engine") or "duckdb",
            timezone=kw["timezone"],
            master=kw.get("spark_master"),
        ),
    }


def _inputs(kw: dict[str, Any]) -> list[str | Path]:
    """The files a command reads besides the journey (never to be overwritten)."""
    named = [kw.get("map_file"), kw.get("feedback_map")]
    return [*kw["event_logs"], *kw.get("feedback_files", ()), *(n for n in named if n)]


def _study(path: Path, kw: dict[str, Any], **options: Any) -> Study:
    """The Study of one journey file with the command's sources and analysis options."""
    from ..specs import AnalysisOptions
    from ..study import Study

    return Study.open(
        path, options=AnalysisOptions(**options), progress=_progress(), **_sources(kw)
    )


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    return lambda stage: echo_err(f"events: {stage}...")


def _map_options(kw: dict[str, Any], engine: str | None = None) -> MapOptions:
    from ..render.map import MapOptions

    options: MapOptions = MapOptions(
        lanes=kw["lanes"],
        direction=kw["direction"],
        engine=engine or kw["engine"],  # type: ignore[arg-type]  # click.Choice checked it
        top=kw["mark_top"],
        theme=kw["theme"],
        colour_by=kw["colour_by"],
        overlay=kw["overlay"],
    )
    return options


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: a document for editors and CI.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, not the 'ok' lines.")
def validate(paths: tuple[str, ...], fmt: str, strict: bool, quiet: bool) -> None:
    """Check journey files (or directories of them) against the format.

    Every problem is reported, located as file:line:col, with the field, the bad value and
    how to fix it. Exits 0 when all files are valid, 1 when any is not, 2 on bad usage.

    \b
    Examples:
        journeymap validate examples/life_events
        journeymap validate my-journey.yaml --format json
    """
    from ..loading import check_journey_file

    results = [check_journey_file(path) for path in _journey_files(paths)]
    failed = [r for r in results if not r.ok or (strict and r.warnings)]
    if fmt == "json":
        doc = {
            "contract": "validation",
            "contract_version": CONTRACT_VERSION,
            "valid": len(results) - len(failed),
            "invalid": len(failed),
            "files": [
                {
                    "file": r.source,
                    "valid": r not in failed,
                    "errors": len(r.errors),
                    "warnings": len(r.warnings),
                    "problems": [p.to_dict() for p in r.problems],
                }
                for r in results
            ],
        }
        click.echo(json_text(doc), nl=False)
    else:
        for r in results:
            for problem in r.problems:
                click.echo(terminal_text(str(problem)))
            if r.journey is not None and not quiet and r not in failed:
                n, a = len(r.journey.touchpoints), len(r.journey.agencies)
                click.echo(terminal_text(f"{r.source}: ok ({n} touchpoints, {a} agencies)"))
        if len(results) > 1 or failed:
            errors = sum(len(r.errors) for r in results)
            warnings = sum(len(r.warnings) for r in results)
            echo_err(
                f"{len(results)} file{'s' if len(results) != 1 else ''} checked: "
                f"{len(results) - len(failed)} valid, {len(failed)} invalid "
                f"({errors} error{'s' if errors != 1 else ''}, "
                f"{warnings} warning{'s' if warnings != 1 else ''})"
            )
    if failed:
        sys.exit(1)


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

    files = _journey_files(paths)
    inputs: list[str | Path] = [*files, *_inputs(events)]
    _check_output(output, inputs)
    knobs = {"population": population, "seed": seed, "runs": runs, "top": top}
    studies = [_study(f, events, **knobs) for f in files]
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
    _write(output, text, inputs=inputs)


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

    journey_file = _one_journey(path)
    _check_output(output, [journey_file, *_inputs(kw)])
    study = _study(journey_file, kw, population=population)
    result = study.report()
    comparison = study.compare((scenario,)) if scenario is not None else None
    options = None if kw["engine"] == "none" else _map_options(kw)
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
    journey_file = _one_journey(path)
    _check_output(output, [journey_file, *_inputs(kw)])
    result = _study(journey_file, kw, population=population).report(scenario)
    used = write_map(result, output, _map_options(kw, chosen if chosen != "none" else "auto"))
    how = {"system": "system Graphviz", "wasm": "WebAssembly Graphviz", "none": "DOT source"}
    click.echo(
        terminal_text(
            f"{output}: map of {len(result.touchpoints)} touchpoints in "
            f"{len(result.agencies)} agencies ({fmt}, {how.get(used, used)})"
        )
    )


@cli.command()
@output_option(required=False, help="Write the schema to this file instead of standard output.")
@click.option(
    "--report", "kind", flag_value="report", help="The schema of analyze's JSON (the Report)."
)
@click.option("--comparison", "kind", flag_value="comparison", help="The schema of compare's JSON.")
@click.option(
    "--suggestions",
    "kind",
    flag_value="suggestions",
    help="The schema of --suggest's JSON.",
)
@click.option(
    "--portfolio", "kind", flag_value="portfolio", help="The schema of analyze DIR's JSON."
)
def schema(output: str | None, kind: str | None) -> None:
    """Print a JSON Schema: of journey files (the default, for editors), or of the JSON
    documents journeymap writes (each names its contract and contract_version).

    \b
    Examples:
        journeymap schema -o schemas/journey.schema.json
        journeymap schema --report -o schemas/report.schema.json
    """
    if kind is None:
        from ..schema import journey_schema_json

        _write(output, journey_schema_json())
        return
    from ..contract import schema as contract_schema

    _write(output, json_text(contract_schema(kind)))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def catalog(fmt: str) -> None:
    """List the built-in data items journeys may ask for without declaring them."""
    from ..catalog import CATALOG

    if fmt == "json":
        items = [
            {
                "id": i.id,
                "name": i.name,
                "aliases": list(i.aliases),
                "sensitive": i.sensitive,
                "government_issued": i.government_issued,
            }
            for i in CATALOG.values()
        ]
        click.echo(json.dumps(items, indent=2))
        return
    width = max(len(i) for i in CATALOG)
    for item in CATALOG.values():
        flags = ", ".join(
            f for f, on in (("sensitive", item.sensitive), ("issued", item.government_issued)) if on
        )
        click.echo(f"{item.id:<{width}}  {item.name}" + (f"  [{flags}]" if flags else ""))


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

    result = _study(_one_journey(path), kw).report()
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
@click.option(
    "--rank-by",
    type=click.Choice(["hours", "completions"]),
    default="hours",
    show_default=True,
    help="With --suggest: rank by people-hours saved per period, or by completions gained.",
)
@click.option(
    "--warm-handoff-factor",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="With --suggest: a warm handoff multiplies the drop-off after it by this.",
)
@click.option(
    "--faster-factor",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="With --suggest: a faster bottleneck's duration is multiplied by this.",
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
    files = [_one_journey(p) for p in paths]
    _check_output(output, [*files, *_inputs(kw)])
    if kw["suggest"] and (len(paths) != 1 or kw["scenario_ids"] or fmt == "html"):
        msg = "--suggest takes one journey file and writes text, markdown or json"
        raise click.UsageError(msg)
    studies = [_study(f, kw, population=kw["population"]) for f in files]
    if kw["suggest"]:
        assumptions = CandidateAssumptions(
            warm_handoff_drop_off_factor=kw["warm_handoff_factor"],
            faster_duration_factor=kw["faster_factor"],
            effort_saved_per_request=kw["effort_saved"],
        )
        found = studies[0].suggest(assumptions=assumptions, rank_by=kw["rank_by"])
        _write(output, out.render_suggestions(found, fmt_name=fmt), inputs=files)
        return
    other = studies[1] if len(studies) == 2 else None
    result = studies[0].compare(kw["scenario_ids"], other=other)
    render = {
        "text": out.render_compare_text,
        "markdown": out.render_compare_markdown,
        "json": out.render_compare_json,
        "html": out.render_compare_html,
    }[fmt]
    _write(output, render(result), inputs=files)
