"""Options shared by several commands, each defined once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

__all__ = [
    "LIBRARY_PARAMETERS",
    "event_options",
    "feedback_options",
    "map_options",
    "output_option",
    "population_option",
    "scenario_option",
]

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # click >= 8.2 types ParamType as a generic; older releases do not
    _ParamType = click.ParamType[Any, Any]
else:
    _ParamType = click.ParamType

#: Library parameter names (UsageError.parameter) and the option that sets each one here.
LIBRARY_PARAMETERS = {
    "population": "--population",
    "min_cell": "--min-cell",
    "cutoff_days": "--cutoff",
    "timezone": "--timezone",
    "since": "--since",
    "until": "--until",
    "output": "-o/--output",
    "engine": "--engine",
    "lanes": "--lanes",
    "direction": "--direction",
    "top": "--top",
    "theme": "--theme",
    "colour_by": "--colour-by",
    "overlay": "--overlay",
    "scenario": "--scenario",
    "template_dir": "--template-dir",
    "paths": "--events",
    "feedback": "--feedback",
    "feedback_map": "--feedback-map",
    "instrument": "--instrument",
    "every": "--every",
    "by": "--by",
    "ends": "--end",
    "log_engine": "--log-engine",
    "master": "--spark-master",
    "scenarios": "--scenario",
}


class _When(_ParamType):
    """An ISO 8601 date or date-time; naive means UTC."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as 2024-01-31 or 2024-01-31T08:00:00Z")
        return when if when.tzinfo else when.replace(tzinfo=UTC)


class _Days(_ParamType):
    """A duration such as 30d, 2w or P30D, converted to days."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ..durations import parse_duration

        try:
            return parse_duration(str(value)).days
        except ValueError as err:
            self.fail(str(err))


def _apply(f: F, decorators: list[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def output_option(*, required: bool, help: str) -> Callable[[F], F]:
    """``-o/--output FILE``."""
    return click.option(
        "-o", "--output", required=required, type=click.Path(dir_okay=False), help=help
    )


population_option = click.option(
    "--population",
    type=click.IntRange(min=1, max=10**10),
    help="People who start per period (default: the journey's population, else 1,000).",
)

#: One scenario of the journey's ``scenarios:`` block (``report``: the current-vs-future
#: section; ``render``: the map of that future state).
scenario_option = click.option(
    "--scenario",
    "scenario",
    metavar="ID",
    help="A scenario of the journey (its scenarios: block) to set against the journey as written.",
)


def event_options(f: F) -> F:
    """Every option of the event log; each overrides the journey's ``events:`` block."""
    return _apply(
        f,
        [
            click.option(
                "--events",
                "event_logs",
                multiple=True,
                help="Event log(s) to measure the journey with: Parquet, CSV or JSON Lines; "
                "repeat or use a glob. Default: the journey's events: block.",
            ),
            click.option(
                "--no-events",
                is_flag=True,
                help="Ignore the journey's events: block (analyse the authored numbers).",
            ),
            click.option(
                "--map",
                "map_file",
                type=click.Path(dir_okay=False),
                help="YAML mapping of log activities to touchpoint ids ({activity: touchpoint}).",
            ),
            click.option("--case-column", help="Column of the case id (default: found by name)."),
            click.option("--activity-column", help="Column of the activity."),
            click.option("--timestamp-column", help="Column of the timestamp."),
            click.option("--lifecycle-column", help="Column of lifecycle start/complete."),
            click.option("--since", type=_When(), help="Use events from this date (ISO 8601)."),
            click.option("--until", type=_When(), help="Use events up to this date (ISO 8601)."),
            click.option(
                "--cutoff",
                type=_Days(),
                default="30d",
                show_default=True,
                help="Cases whose last event is this close to the end of the log are still "
                "open, not lost.",
            ),
            click.option(
                "--min-cell",
                type=click.IntRange(min=1),
                default=None,
                help="Suppress statistics from fewer cases (event logs; default 1) or responses "
                "(feedback; default 10) than this (small-cell suppression).",
            ),
            click.option(
                "--timezone", help="Time zone of timestamps without an offset (default UTC)."
            ),
            click.option(
                "--strict-log",
                is_flag=True,
                help="Stop at the first bad row of the event log (file:row and why) instead "
                "of counting it.",
            ),
            click.option(
                "--log-engine",
                type=click.Choice(["duckdb", "spark"]),
                default=None,
                help="Engine that reads the event log: duckdb (one machine, the default) or "
                "spark (PySpark: pip install 'journeymap[spark]').",
            ),
            click.option(
                "--spark-master",
                metavar="URL",
                default=None,
                help="Spark master URL with --log-engine spark (default local[*]; "
                "e.g. spark://host:7077, yarn).",
            ),
            click.option(
                "--end",
                "ends",
                multiple=True,
                help="A touchpoint id that counts as reaching an end of the journey (repeat; "
                "default: the journey's ends, or the last logged step before an unlogged end).",
            ),
        ],
    )


def feedback_options(f: F) -> F:
    """The options of A-11 customer feedback; each overrides the journey's ``feedback:``
    block (its small-cell threshold is the shared ``--min-cell``)."""
    return _apply(
        f,
        [
            click.option(
                "--feedback",
                "feedback_files",
                multiple=True,
                help="A-11 survey responses to join to the touchpoints: CSV, Parquet or JSON "
                "Lines; repeat or use a glob. Default: the journey's feedback: block.",
            ),
            click.option(
                "--feedback-map",
                type=click.Path(dir_okay=False),
                help="YAML mapping of values of the touchpoint column (a stage, channel, OMB "
                "number...) to touchpoint ids.",
            ),
            click.option(
                "--instrument",
                type=click.Choice(["a11_v1", "a11_v2"]),
                help="The survey instrument (default: inferred from the file, and said).",
            ),
            click.option(
                "--every",
                type=click.Choice(["month", "quarter", "year"]),
                help="Feedback and event-log trend per period: calendar month, or federal "
                "fiscal quarter or year (FY2025 Q1 = Oct-Dec 2024).",
            ),
            click.option(
                "--by",
                help="Feedback, and event-log completion, drop-off and time, per value of this "
                "column (a segment: channel, state...).",
            ),
        ],
    )


def choice(flag: str, choices: Sequence[str], default: str, help: str) -> Callable[[F], F]:
    """An option taking one of ``choices``, ``default`` shown in the help."""
    return click.option(
        flag, type=click.Choice(list(choices)), default=default, show_default=True, help=help
    )


def factor(flag: str, default: float, help: str) -> Callable[[F], F]:
    """An option taking a factor from 0 to 1."""
    return click.option(
        flag, type=click.FloatRange(0, 1), default=default, show_default=True, help=help
    )


def map_options(*, engines: tuple[str, ...]) -> Callable[[F], F]:
    """How the map is drawn: lanes, direction, engine, marked bottlenecks, theme."""
    from ..render.map.colour import COLOUR_BY
    from ..render.map.options import OVERLAYS
    from ..render.theme import THEMES

    def decorate(f: F) -> F:
        return _apply(
            f,
            [
                choice(
                    "--lanes",
                    ["agency", "stage", "blueprint"],
                    "agency",
                    "One lane per agency, per stage, or per service-blueprint lane.",
                ),
                choice(
                    "--direction",
                    ["LR", "TB"],
                    "LR",
                    "LR: the flow runs left to right; TB: top to bottom.",
                ),
                choice(
                    "--engine",
                    list(engines),
                    "auto",
                    "Graphviz for the map: the system 'dot', WebAssembly (SVG only)"
                    + (", or none (no map)." if "none" in engines else "."),
                ),
                click.option(
                    "--top",
                    "mark_top",
                    type=click.IntRange(min=0),
                    default=3,
                    show_default=True,
                    help="How many of the top bottlenecks the map marks (0: none).",
                ),
                choice(
                    "--theme",
                    sorted(THEMES),
                    "default",
                    "Colours: 'default' (colour-blind-safe heat) or 'mono' (greyscale).",
                ),
                choice(
                    "--colour-by",
                    list(COLOUR_BY),
                    "time",
                    "What the map's fill shows: share of the expected time, or the share "
                    "agreeing on trust or another A-11 driver (needs --feedback).",
                ),
                click.option(
                    "--overlay",
                    type=click.Choice(list(OVERLAYS)),
                    default=None,
                    help="Draw over the map: conformance (moves cases made that the journey "
                    "lacks, skipped and repeated touchpoints; needs an event log).",
                ),
            ],
        )

    return decorate
