"""The ``journeymap`` command line: glue over the library, nothing more.

Each command is a few lines over a library function a Python user can call with the same
effect (:mod:`journeymap.study`, :mod:`journeymap.render`). Exit codes, the same in every
command: 0 success, 1 bad data (an invalid journey, a bad event log), 2 bad usage (an unknown
option, a missing input file, an output that cannot be written), 130 interrupted. Errors are
one line each, ``file:line:col: field: message``; never a traceback, never a terminal escape.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from ..exceptions import JourneyFileError, JourneymapError, UsageError
from . import commands as commands
from . import reference as reference
from .app import cli, echo_err, usage_error

__all__ = ["cli", "main"]


def _terminated(signum: int, frame: Any) -> NoReturn:
    """SIGTERM unwinds like Ctrl-C, so child processes (Graphviz) are killed and temporary
    files removed on the way out."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; library errors become one-line messages and exit codes, never tracebacks."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Abort:
        echo_err("Interrupted.")
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except UsageError as err:
        usage_error(err).show()
        sys.exit(2)
    except JourneyFileError as err:
        for problem in err.problems:
            echo_err(str(problem))
        sys.exit(1)
    except JourneymapError as err:
        echo_err(f"Error: {err}")
        sys.exit(1)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        echo_err("Interrupted.")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except RecursionError:
        echo_err("journeymap: the input is nested too deeply to process")
        sys.exit(1)
    except MemoryError:
        echo_err("journeymap: out of memory; the input is too large for this machine")
        sys.exit(1)
    except Exception as err:  # the last line of defence: never a traceback
        echo_err(
            f"journeymap: internal error: {type(err).__name__} "
            "(please report this with the file that caused it)"
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
