"""The command group, its error translation and the one-line error writer.

The commands register themselves on :data:`cli` in :mod:`journeymap.cli.commands`.

Each command is a few lines over a library function a Python user can call with the same
effect (:mod:`journeymap.study`, :mod:`journeymap.render`). Exit codes, the same in every
command: 0 success, 1 bad data (an invalid journey, a bad event log), 2 bad usage (an unknown
option, a missing input file, an output that cannot be written), 130 interrupted. Errors are
one line each, ``file:line:col: field: message``; never a traceback, never a terminal escape.
"""

from __future__ import annotations

import os
from typing import Any

import click

from .. import __version__
from ..exceptions import JourneyFileError, JourneymapError, JourneymapTypeError, UsageError
from ..fmt import terminal_text
from .options import LIBRARY_PARAMETERS

__all__ = ["cli", "echo_err", "usage_error"]

# This process is the command line, not a host application: pydantic plugins (scanned from
# every installed distribution's metadata, ~50 ms) serve nothing here. Users can still set it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def echo_err(message: str) -> None:
    """One line on standard error, with control and escape sequences removed."""
    click.echo(terminal_text(message), err=True)


def usage_error(err: UsageError) -> click.UsageError:
    flag = LIBRARY_PARAMETERS.get(err.parameter or "")
    if flag:
        return click.BadParameter(terminal_text(str(err)), param_hint=f"'{flag}'")
    return click.UsageError(terminal_text(str(err)))


class _Group(click.Group):
    """Turns journeymap's own errors into click's, so every way of running a command (the
    console script, ``python -m``, CliRunner) gives the same message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            raise usage_error(err) from err
        except JourneyFileError as err:
            for problem in err.problems:
                echo_err(str(problem))
            raise click.exceptions.Exit(1) from err
        except (JourneymapError, JourneymapTypeError) as err:
            raise click.ClickException(terminal_text(str(err))) from err


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="journeymap")
def cli() -> None:
    """Map cross-agency life-experience journeys: validate, analyse and draw them.

    \b
    Start here:
        journeymap validate examples/life_events
        journeymap analyze examples/life_events/approaching-retirement.yaml
        journeymap report examples/life_events/disaster-recovery.yaml -o report.html

    Docs: docs/index.md (format: docs/format.md, commands: docs/cli.md).
    """
