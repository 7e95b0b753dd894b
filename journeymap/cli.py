"""The ``journeymap`` command line: glue over the library, nothing more.

Exit codes: 0 success, 1 bad data (an invalid journey, a bad event log), 2 bad usage (an
unknown option, a missing file). Errors are one line each, ``file:line:col: field: message``;
never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .exceptions import JourneyFileError, JourneymapError, UsageError
from .render.command import lanes_option, render_command, top_option

__all__ = ["cli", "main"]

# This process is the command line, not a host application: pydantic plugins (scanned from
# every installed distribution's metadata, ~50 ms) serve nothing here. Users can still set it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns journeymap's own errors into click's, so every way of running a command (the
    console script, ``python -m``, CliRunner) gives the same message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            raise click.UsageError(str(err), ctx=ctx) from err
        except JourneyFileError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            raise click.exceptions.Exit(1) from err
        except JourneymapError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="journeymap")
def cli() -> None:
    """Map cross-agency life-experience journeys: validate, analyse and draw them.

    \b
    Start here:
        journeymap validate examples/life_events
        journeymap analyze examples/life_events/approaching-retirement.yaml
        journeymap analyze examples/life_events

    Docs: docs/index.md (format: docs/format.md, commands: docs/cli.md).
    """


def _expand(paths: Sequence[str]) -> list[Path]:
    from .loading import find_journey_files

    try:
        files = list(find_journey_files(paths))
    except UsageError as err:
        raise click.UsageError(str(err)) from err
    if not files:
        msg = f"no journey files (*.yaml, *.yml) found in {', '.join(paths)}"
        raise click.UsageError(msg)
    return files


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
    from .loading import check_journey_file

    results = [check_journey_file(path) for path in _expand(paths)]
    failed = [r for r in results if not r.ok or (strict and r.warnings)]
    if fmt == "json":
        doc = {
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
        click.echo(json.dumps(doc, indent=2))
    else:
        for r in results:
            for problem in r.problems:
                click.echo(str(problem))
            if r.journey is not None and not quiet and r not in failed:
                j = r.journey
                click.echo(
                    f"{r.source}: ok ({len(j.touchpoints)} touchpoints, {len(j.agencies)} agencies)"
                )
        if len(results) > 1 or failed:
            errors = sum(len(r.errors) for r in results)
            warnings = sum(len(r.warnings) for r in results)
            click.echo(
                f"{len(results)} file{'s' if len(results) != 1 else ''} checked: "
                f"{len(results) - len(failed)} valid, {len(failed)} invalid "
                f"({errors} error{'s' if errors != 1 else ''}, "
                f"{warnings} warning{'s' if warnings != 1 else ''})",
                err=True,
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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file (atomically) instead of standard output.",
)
@click.option(
    "--population",
    type=click.IntRange(min=1),
    help="People who start per period (default: the journey's population, else 1,000).",
)
@click.option(
    "--seed",
    type=int,
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
@click.option(
    "--events",
    "event_logs",
    multiple=True,
    help="Event log(s) to measure the journey with: Parquet, CSV or JSON Lines; a glob works. "
    "Default: the journey's events: block.",
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False),
    help="YAML mapping of log activities to touchpoint ids ({activity: touchpoint}).",
)
@click.option(
    "--case-column", help="Column of the case id (default: case:concept:name, case_id...)."
)
@click.option(
    "--activity-column", help="Column of the activity (default: concept:name, activity...)."
)
@click.option(
    "--timestamp-column", help="Column of the timestamp (default: time:timestamp, timestamp...)."
)
@click.option(
    "--lifecycle-column", help="Column of lifecycle start/complete (default: lifecycle:transition)."
)
@click.option("--since", help="Use events from this date (ISO 8601, e.g. 2024-01-01).")
@click.option("--until", help="Use events up to this date (ISO 8601).")
@click.option(
    "--cutoff",
    default="30d",
    show_default=True,
    help="Cases whose last event is this close to the end of the log are still open, not lost.",
)
@click.option(
    "--min-cell",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Suppress statistics computed from fewer cases than this (small-cell suppression).",
)
@click.option("--timezone", help="Time zone of timestamps without an offset (default UTC).")
def analyze(
    paths: tuple[str, ...],
    fmt: str,
    top: int,
    output: str | None,
    population: int | None,
    seed: int,
    runs: int,
    event_logs: tuple[str, ...],
    map_file: str | None,
    case_column: str | None,
    activity_column: str | None,
    timestamp_column: str | None,
    lifecycle_column: str | None,
    since: str | None,
    until: str | None,
    cutoff: str,
    min_cell: int,
    timezone: str | None,
) -> None:
    """Analyse journeys: bottlenecks, handoffs, duplicate data requests, drop-off, time tax.

    One file gives its report; several files or a directory also give the portfolio view
    (data items asked most across journeys, agency pairs that hand people off most).

    \b
    Examples:
        journeymap analyze examples/life_events/approaching-retirement.yaml
        journeymap analyze examples/life_events/having-a-child.yaml --format json
        journeymap analyze examples/life_events --format markdown -o portfolio.md
    """
    from .analysis import analyze as run_analysis
    from .analysis.portfolio import build_portfolio
    from .loading import load_journey
    from .render.text import render_json, render_markdown, render_portfolio, render_text

    files = _expand(paths)
    journeys = [load_journey(path) for path in files]
    reports = []
    for path, journey in zip(files, journeys, strict=True):
        observed = _observe(
            path,
            journey,
            event_logs=event_logs,
            map_file=map_file,
            columns=(case_column, activity_column, timestamp_column, lifecycle_column),
            since=since,
            until=until,
            cutoff=cutoff,
            min_cell=min_cell,
            timezone=timezone,
        )
        reports.append(
            run_analysis(
                journey, population=population, seed=seed, runs=runs, top=top, observed=observed
            )
        )
    if len(reports) == 1 and not any(Path(p).is_dir() for p in paths):
        report = reports[0]
        if fmt == "json":
            text = render_json(report)
        elif fmt == "markdown":
            text = render_markdown(report, top=top)
        else:
            text = render_text(report, top=top)
    else:
        portfolio = build_portfolio(journeys, reports)
        if fmt == "json":
            text = render_json(portfolio)
        else:
            text = render_portfolio(portfolio, fmt_name=fmt, top=max(top, 10))
    _write_text(output, text)


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the schema to this file instead of standard output.",
)
def schema(output: str | None) -> None:
    """Print the JSON Schema of journey files (for editors and other tools).

    \b
    Example:
        journeymap schema -o schemas/journey.schema.json
    """
    from .schema import journey_schema_json

    _write_text(output, journey_schema_json())


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def catalog(fmt: str) -> None:
    """List the built-in data items journeys may ask for without declaring them."""
    from .catalog import CATALOG

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
def summary(path: str) -> None:
    """Describe a journey: agencies, stages and touchpoints in order.

    \b
    Example:
        journeymap summary examples/life_events/approaching-retirement.yaml
    """
    from .loading import load_journey

    journey = load_journey(path)
    lines = [f"{journey.title} ({journey.id})"]
    if journey.life_experience:
        lines.append(f"Life experience: {journey.life_experience}")
    if journey.persona:
        lines.append(f"Persona: {journey.persona.name}")
    lines.append(
        f"{len(journey.touchpoints)} touchpoints, {len(journey.agencies)} agencies, "
        f"{len(journey.stages)} stages"
    )
    lines.append("Agencies:")
    for agency in journey.agencies:
        level = f" [{agency.level.value}]" if agency.level else ""
        lines.append(f"  {agency.id}: {agency.name}{level}")
    by_stage: dict[str | None, list[Any]] = {}
    for tp in journey.touchpoints:
        by_stage.setdefault(tp.stage, []).append(tp)
    names = {s.id: s.name for s in journey.stages}
    for stage_id in [*names, None]:
        for i, tp in enumerate(by_stage.get(stage_id, [])):
            if i == 0:
                lines.append(f"Stage: {names[stage_id]}" if stage_id else "No stage:")
            median = f", {tp.duration.median}" if tp.duration else ""
            lines.append(f"  {tp.id} [{tp.agency}] {tp.name}{median}")
    click.echo("\n".join(lines))


def _observe(
    path: Path,
    journey: Any,
    *,
    event_logs: tuple[str, ...],
    map_file: str | None,
    columns: tuple[str | None, ...],
    since: str | None,
    until: str | None,
    cutoff: str,
    min_cell: int,
    timezone: str | None,
) -> Any:
    """Read the event log for a journey (from --events or its events: block), or None."""
    spec = journey.events
    logs = list(event_logs)
    if not logs and spec is not None:
        logs = [str(Path(path).parent / p) for p in spec.path]
    if not logs:
        return None
    from .durations import parse_duration
    from .events import ColumnMap, parse_when, read_event_log
    from .loading import load_mapping

    mapping = dict(spec.map) if spec else {}
    if map_file:
        mapping.update(load_mapping(map_file))
    base = spec.columns if spec else None
    given = ColumnMap(
        case=columns[0] or (base.case if base else None),
        activity=columns[1] or (base.activity if base else None),
        timestamp=columns[2] or (base.timestamp if base else None),
        lifecycle=columns[3] or (base.lifecycle if base else None),
    )
    try:
        cutoff_days = parse_duration(cutoff).days
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--cutoff") from err
    progress = None
    if sys.stderr.isatty():

        def progress(stage: str) -> None:
            click.echo(f"events: {stage}...", err=True)

    return read_event_log(
        logs,
        journey=journey,
        columns=given,
        activity_map=mapping,
        since=parse_when(since) if since else None,
        until=parse_when(until) if until else None,
        cutoff_days=cutoff_days,
        min_cell=min_cell,
        timezone=timezone or (spec.timezone if spec and spec.timezone else "UTC"),
        progress=progress,
    )


@cli.command()
@click.argument("path", type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write (atomically).",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "system", "wasm", "none"]),
    default="auto",
    show_default=True,
    help="Graphviz for the map: system 'dot', WebAssembly, or none (no map).",
)
@lanes_option
@top_option
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, exists=True),
    help="Templates that override the defaults (an agency's branding).",
)
@click.option(
    "--population",
    type=click.IntRange(min=1),
    help="People who start per period (default: the journey's population, else 1,000).",
)
@click.option(
    "--events",
    "event_logs",
    multiple=True,
    help="Event log(s) to measure the journey with (as for analyze; default: the events: block).",
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False),
    help="YAML mapping of log activities to touchpoint ids.",
)
def report(
    path: str,
    output: str,
    engine: str,
    lanes: str,
    top: int,
    template_dir: str | None,
    population: int | None,
    event_logs: tuple[str, ...],
    map_file: str | None,
) -> None:
    """Write the HTML narrative: one self-contained, accessible page about a journey.

    Headline figures, the journey map, a stage-by-stage story, ranked findings, the data
    request and handoff matrices, the drop-off funnel, the feelings curve and the evidence,
    in one file that works offline and prints cleanly.

    \b
    Examples:
        journeymap report examples/life_events/having-a-child.yaml -o having-a-child.html
        journeymap report my-journey.yaml -o out.html --template-dir branding/
    """
    _write_narrative(
        path,
        output,
        engine=engine,
        lanes=lanes,
        top=top,
        template_dir=template_dir,
        population=population,
        event_logs=event_logs,
        map_file=map_file,
    )


def _write_narrative(
    path: str,
    output: str,
    *,
    engine: str,
    lanes: str,
    top: int,
    template_dir: str | None = None,
    population: int | None = None,
    event_logs: tuple[str, ...] = (),
    map_file: str | None = None,
) -> None:
    from .analysis import analyze as run_analysis
    from .loading import load_journey
    from .render.html import write_narrative

    folder = Path(output).parent
    if not folder.is_dir():
        msg = f"cannot write {output!r}: the folder {str(folder)!r} does not exist"
        raise click.UsageError(msg)
    journey = load_journey(path)
    observed = _observe(
        Path(path),
        journey,
        event_logs=event_logs,
        map_file=map_file,
        columns=(None, None, None, None),
        since=None,
        until=None,
        cutoff="30d",
        min_cell=1,
        timezone=None,
    )
    result = run_analysis(journey, population=population, observed=observed)
    why = write_narrative(
        journey, result, output, engine=engine, lanes=lanes, top=top, template_dir=template_dir
    )
    if why:
        click.echo(f"warning: the report has no map: {why}", err=True)
    click.echo(f"{output}: report on {journey.title} ({len(journey.touchpoints)} touchpoints)")


def _write_text(output: str | None, text: str) -> None:
    """Write to a file atomically (nothing half-written) or to standard output."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from .output import write_atomic

    write_atomic(Path(output), text.encode("utf-8"))


cli.add_command(render_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; library errors become one-line messages and exit codes, never tracebacks."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except UsageError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(2)
    except JourneyFileError as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except JourneymapError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as err:  # the last line of defence: never a traceback
        click.echo(
            f"journeymap: internal error: {type(err).__name__}: {err} "
            "(please report this with the file that caused it)",
            err=True,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
