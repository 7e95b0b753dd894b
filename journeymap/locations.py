"""Where a source's files are: the files a caller names (taken as given) and those a
journey's block names (in the journey's folder, and kept inside it).

A path that exists is read as written (even ``log[1].csv``), otherwise it is a glob; a URL
(``s3a://``, ``hdfs://``, ``https://``...) goes to the engine as written. A journey someone
else wrote must not make journeymap read, and quote from, any file the user can read: a file
its block names must be inside its folder after following links, and never a URL.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .exceptions import JourneymapError, UsageError

__all__ = ["Source", "expand", "is_url"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(path: str) -> bool:
    """True for a URL (``s3a://``, ``hdfs://``, ``https://``...): the engine reads it."""
    return _URL.match(path) is not None


def expand(path: str) -> list[str]:
    """The files ``path`` names: itself when it exists or is a URL, else the glob's matches
    (sorted), else none."""
    if is_url(path) or os.path.exists(path):
        return [path]
    return sorted(glob.glob(path)) if glob.has_magic(path) else []


def _missing(written: str, what: str, parameter: str) -> UsageError:
    msg = f"{what} {written!r}: no such file (or no file matches the pattern)"
    return UsageError(msg, parameter=parameter)


def _given_files(written: Sequence[str], *, what: str, parameter: str) -> tuple[str, ...]:
    """Files named by the caller, taken as given (a URL, a file, or a glob that matches)."""
    out: list[str] = []
    for path in written:
        found = expand(path)
        if not found:
            raise _missing(path, what, parameter)
        out += found
    return tuple(out)


def _inside(path: str, folder: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real == folder or folder in real.parents


def _block_files(
    written: Sequence[str],
    journey_path: str | os.PathLike[str] | None,
    *,
    key: str,
    what: str,
    parameter: str,
    error: type[JourneymapError],
) -> tuple[str, ...]:
    """Files named in a journey's block, resolved in the journey's folder and kept inside it."""
    base = Path(journey_path).parent if journey_path is not None else Path.cwd()
    folder = Path(os.path.realpath(base))
    out: list[str] = []
    for path_written in written:
        if is_url(path_written):
            msg = (
                f"{key} {path_written!r} is a URL; a journey file names files in its own "
                "folder, and a log elsewhere is read only when given explicitly"
            )
            raise error(msg)
        joined = str(base / path_written)
        found = expand(joined)
        for path in found or [joined]:
            if not _inside(path, folder):
                msg = (
                    f"{key} {path_written!r} points outside the journey's folder ({folder}); "
                    "a file elsewhere is read only when given explicitly, not from the "
                    "journey file"
                )
                raise error(msg)
            if not found:
                raise _missing(path_written, what, parameter)
            out.append(path)
    return tuple(out)


_T = TypeVar("_T")


@dataclass(frozen=True)
class Source:
    """How the files of one kind of source are named in messages: the block's ``key``, what
    a file is, the Python parameter, the error a bad block raises."""

    key: str
    what: str
    parameter: str
    error: type[JourneymapError]

    def merged(
        self, options: _T, spec: Any, journey_path: str | os.PathLike[str] | None
    ) -> _T | None:
        """``options`` (EventOptions or FeedbackOptions) with its files found and, over the
        journey's block ``spec``, what it does not give itself; None when no file is named."""
        given: Any = options
        paths = self.files(given.paths, spec.path if spec else (), journey_path)
        if not paths:
            return None
        over = given.over(spec) if spec is not None else {}
        merged: _T = dataclasses.replace(given, paths=paths, **over)
        return merged

    def files(
        self,
        given: Sequence[str],
        written: Sequence[str],
        journey_path: str | os.PathLike[str] | None,
    ) -> tuple[str, ...]:
        """The files the caller gives, else those the journey's block names."""
        paths = _given_files(given, what=self.what, parameter=self.parameter)
        if paths or not written:
            return paths
        return _block_files(
            written,
            journey_path,
            key=self.key,
            what=self.what,
            parameter=self.parameter,
            error=self.error,
        )
