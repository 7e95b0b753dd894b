"""Reading files safely: paths checked, only regular files of a bounded size read.

A FIFO, a device, a socket or a directory is refused before anything is read from it, so
nothing a user names can make journeymap hang; directories expand to the journey files in them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from .exceptions import JourneymapTypeError, UsageError
from .quoting import quoted

__all__ = ["MAX_FILE_BYTES", "find_journey_files", "path_text", "read_regular_file"]

#: The largest journey file read (journey files are written by hand; this is generous).
MAX_FILE_BYTES = 5 * 1024 * 1024


def path_text(value: object, parameter: str) -> str:
    """``value`` as a path string, or a :class:`JourneymapTypeError` naming ``parameter``."""
    if not isinstance(value, str | os.PathLike) or isinstance(value, bytes):
        msg = f"{parameter} must be a path (str or os.PathLike), not {type(value).__name__}"
        raise JourneymapTypeError(msg)
    shown = os.fspath(value)
    if not isinstance(shown, str):
        msg = f"{parameter} must be a path (str or os.PathLike), not a bytes path {shown!r}"
        raise JourneymapTypeError(msg)
    return shown


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"is {kind}, not a journey file; give the path of a .yaml file"


def read_regular_file(source: str, limit: int | None = None) -> bytes | str:
    """The bytes of a regular file of at most ``limit`` bytes, or a one-line reason why not.

    Refuses FIFOs, devices, sockets and directories before reading (``os.stat``, then a
    non-blocking open checked again with ``fstat``), and files over the size limit.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        reason = _not_regular(os.stat(source).st_mode)
        if reason:
            return reason
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return "no such file"
    except OSError as err:
        return f"cannot read the file: {err.strerror or err}"
    except ValueError:  # a NUL character: no file system has such a name
        return "no such file (the name has a NUL character)"
    try:
        info = os.fstat(fd)
        reason = _not_regular(info.st_mode)
        if reason:
            return reason
        if info.st_size > limit:
            return (
                f"the file is {info.st_size:,} bytes, more than the {limit:,} a journey file "
                "may have; is this really a journey file?"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(limit + 1)
    except OSError as err:
        return f"cannot read the file: {err.strerror or err}"
    finally:
        os.close(fd)
    if len(raw) > limit:
        return f"the file is more than the {limit:,} bytes a journey file may have"
    return raw


def find_journey_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Expand files and directories into journey files (``*.yaml``/``*.yml``, sorted).

    A path that is not a directory is yielded as it is (checking it says what is wrong with
    it); inside directories only regular files are taken.

    Raises
    ------
    UsageError
        If a path does not exist, or cannot be looked at (a name too long...).
    """
    if isinstance(paths, str | bytes | os.PathLike) or not isinstance(paths, Iterable):
        msg = f"paths must be a sequence of paths, not {type(paths).__name__} ({quoted(paths)})"
        raise JourneymapTypeError(msg)
    for raw in paths:
        path = Path(path_text(raw, "paths[]"))
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            msg = f"{_shown_path(raw)}: no such file or directory"
            raise UsageError(msg) from None
        except OSError as err:
            msg = f"{_shown_path(raw)}: cannot read: {err.strerror or err}"
            raise UsageError(msg) from None
        except ValueError:
            msg = f"{_shown_path(raw)!r}: no such file or directory (a NUL character)"
            raise UsageError(msg) from None
        if stat.S_ISDIR(mode):
            found = sorted(
                p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and _is_regular(p)
            )
            yield from found
        else:
            yield path


def _shown_path(raw: str | os.PathLike[str]) -> str:
    text = os.fspath(raw)
    return text if len(text) <= 120 else text[:60] + "..." + text[-40:]


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
