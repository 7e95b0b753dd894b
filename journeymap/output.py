"""Writing output files: every writer goes through here.

Rules, so that no output ever destroys or surprises:

- an output that is one of the inputs (the same file, through any path or link) is refused,
  and so is an existing ``.yaml``/``.yml`` file (journeymap writes no YAML);
- a regular file is written atomically (a temporary file in the same folder, then a rename):
  complete, or untouched; an existing file keeps its permissions;
- a symbolic link is written *through*: its target is replaced, the link stays;
- a device, a pipe or a socket (``/dev/null``, ``/dev/stdout``, a shell's ``>(...)``) is
  written to in place, never replaced by a regular file;
- a folder, a missing folder or a name the system cannot hold is refused with a
  :class:`~journeymap.exceptions.UsageError` before any work is done.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .exceptions import JourneymapTypeError, UsageError

__all__ = ["PROTECTED_SUFFIXES", "check_output", "write_atomic", "write_output"]

PathLike = str | os.PathLike[str]

#: Existing files with these suffixes are never overwritten: journeymap writes no YAML, and a
#: YAML file beside a journey is most likely a journey or a mapping someone wrote by hand.
PROTECTED_SUFFIXES = (".yaml", ".yml")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(path: PathLike, *, inputs: Iterable[PathLike] = ()) -> Path:
    """Check that ``path`` can be written without harm; return the path to write to.

    The answer is the link's target for a symbolic link, else ``path`` itself.

    Raises
    ------
    UsageError
        If ``path`` is one of ``inputs``, a folder, in a folder that does not exist, or
        a name too long for the file system.
    """
    inputs = _sequence(inputs)
    for value, name in ((path, "output"), *((i, "inputs[]") for i in inputs)):
        if not isinstance(value, str | os.PathLike) or not isinstance(os.fspath(value), str):
            msg = f"{name} must be a path (str or os.PathLike), not {type(value).__name__}"
            raise JourneymapTypeError(msg)
    out = Path(os.fspath(path))
    shown = os.fspath(path)
    if not shown or "\x00" in shown:
        msg = f"cannot write {shown!r}: it is not a file name"
        raise UsageError(msg, parameter="output")
    if any(len(os.fsencode(part)) > 255 for part in out.parts) or len(os.fsencode(shown)) > 4000:
        msg = f"cannot write {shown[:60]!r}...: the file name is longer than 255 bytes"
        raise UsageError(msg, parameter="output")
    for source in inputs:
        src = Path(os.fspath(source))
        if src.exists() and out.exists() and _same_file(out, src):
            msg = (
                f"cannot write {shown!r}: it is the input {os.fspath(source)!r}, which would be "
                "overwritten; choose another output file"
            )
            raise UsageError(msg, parameter="output")
    target = Path(os.path.realpath(out)) if out.is_symlink() else out
    if target.suffix.lower() in PROTECTED_SUFFIXES and target.exists():
        msg = (
            f"cannot write {shown!r}: journeymap never writes over a YAML file (a journey or a "
            "mapping); choose another output file"
        )
        raise UsageError(msg, parameter="output")
    if target.is_dir():
        msg = f"cannot write {shown!r}: it is a folder; name a file inside it"
        raise UsageError(msg, parameter="output")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        msg = f"cannot write {shown!r}: the folder {str(folder)!r} does not exist"
        raise UsageError(msg, parameter="output")
    return target


def _sequence(inputs: object) -> list[PathLike]:
    if isinstance(inputs, str | bytes | os.PathLike) or not isinstance(inputs, Iterable):
        msg = f"inputs must be a sequence of paths, not {type(inputs).__name__}"
        raise JourneymapTypeError(msg)
    return list(inputs)


def _special(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to the regular file ``path`` through a temporary file and a rename.

    An existing file keeps its permission bits; a new one gets the mode ``open()`` would give.

    Raises
    ------
    OSError
        If the folder is not writable; ``path`` is then left as it was.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=".journeymap-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(path: PathLike, data: bytes, *, inputs: Iterable[PathLike] = ()) -> Path:
    """Write ``data`` to ``path`` by the rules of this module; return the file written.

    Raises
    ------
    UsageError
        As :func:`check_output`, or when the system refuses the write (a read-only folder,
        no permission, a full disk), with the reason.
    """
    given: object = data
    if not isinstance(given, bytes | bytearray):
        msg = f"data must be bytes, not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    target = check_output(path, inputs=inputs)
    try:
        if _special(target):
            with open(target, "wb") as handle:
                handle.write(data)
        else:
            write_atomic(target, data)
    except OSError as err:
        reason = os.strerror(err.errno) if err.errno else str(err)
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason += " (the folder or file is not writable)"
        msg = f"cannot write {os.fspath(path)!r}: {reason}"
        raise UsageError(msg, parameter="output") from err
    return target
