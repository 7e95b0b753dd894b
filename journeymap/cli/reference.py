"""The commands about the journey format itself: validate, schema, catalog.

``journeymap validate`` loads no analysis, rendering or engine code, so it stays quick enough
for an editor's on-save hook.
"""

from __future__ import annotations

import json
import sys

import click

from ..fmt import json_text, terminal_text
from ..report import CONTRACT_VERSION
from .app import cli, echo_err
from .glue import journey_files, write
from .options import output_option

__all__ = ["catalog", "schema", "validate"]


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

    results = [check_journey_file(path) for path in journey_files(paths)]
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

        write(output, journey_schema_json())
        return
    from ..contract import schema as contract_schema

    write(output, json_text(contract_schema(kind)))


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
