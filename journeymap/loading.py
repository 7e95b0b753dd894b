"""Reading journey files: the only input I/O of journeymap.

``parse_journey`` turns YAML text into a :class:`~journeymap.models.Journey`;
``load_journey`` does the same for a file; ``check_journey`` and ``check_journey_file`` return
every problem (errors and warnings) instead of raising, for ``journeymap validate``.
Each problem names ``file:line:col``, the field, the bad value and how to fix it.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import os
import stat
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .exceptions import JourneyFileError, JourneymapTypeError, Problem, UsageError
from .models import MAX_PEOPLE, MIN_SHARE, Journey
from .quoting import quoted
from .rules import Issues, check_journey_data
from .yamlsafe import Located, dump_yaml, load_located

__all__ = [
    "MAX_FILE_BYTES",
    "SCHEMA_COMMENT",
    "ValidationResult",
    "check_journey",
    "check_journey_file",
    "dump_journey",
    "find_journey_files",
    "load_journey",
    "load_mapping",
    "parse_journey",
    "read_regular_file",
]

#: The largest journey file read (journey files are written by hand; this is generous).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Above this size, the garbage collector is paused while a file is checked.
_PAUSE_GC_BYTES = 256 * 1024
#: The first line of a journey file, so YAML editors complete and check it.
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/journey.schema.json"

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What checking one journey file found: the journey (if valid) and every problem."""

    source: str
    journey: Journey | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return self.journey is not None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def parse_journey(text: str | bytes, *, source: str = "<string>") -> Journey:
    """Parse and validate a journey from YAML text.

    Parameters
    ----------
    text:
        The YAML document (``bytes`` are decoded as UTF-8).
    source:
        The name used in error messages (usually the file name).

    Raises
    ------
    JourneyFileError
        With every error found, each located at ``source:line:col``.

    Examples
    --------
    >>> j = parse_journey('''
    ... journeymap: 1
    ... id: tiny
    ... title: Tiny
    ... agencies: [{id: SSA, name: Social Security Administration}]
    ... touchpoints:
    ...   - {id: a, name: Apply, agency: SSA}
    ... ''')
    >>> j.touchpoints[0].name
    'Apply'
    """
    result = check_journey(text, source=source)
    if result.journey is None:
        raise JourneyFileError(result.errors)
    return result.journey


def load_journey(path: str | os.PathLike[str]) -> Journey:
    """Read and validate a journey file; raises :class:`JourneyFileError` listing every error."""
    result = check_journey_file(path)
    if result.journey is None:
        raise JourneyFileError(result.errors)
    return result.journey


def check_journey_file(path: str | os.PathLike[str]) -> ValidationResult:
    """Check a journey file and return every problem found (never raises for bad content).

    Only regular files are read: a FIFO, a device, a socket or a directory is refused before
    anything is read from it (opening is non-blocking), so nothing can make validation hang.
    """
    source = _path(path, "path")
    raw = read_regular_file(source)
    if isinstance(raw, str):
        return _fail(source, None, raw)
    return check_journey(raw, source=source)


def _path(value: object, parameter: str) -> str:
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


@contextlib.contextmanager
def _collector_paused(size: int) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large file is read.

    Reading a file near the size limit makes about a million objects, none of them garbage;
    the collector would scan them again and again (3 of 4.5 seconds at 5 MB). Small files are
    read with the collector on; it is switched back on (if it was) however reading ends.
    """
    if size < _PAUSE_GC_BYTES or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def check_journey(text: str | bytes, *, source: str = "<string>") -> ValidationResult:
    """Check YAML text as a journey; return the journey (or None) and every problem found."""
    given: object = text
    if not isinstance(given, str | bytes):
        msg = f"text must be YAML text (str or bytes), not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    with _collector_paused(len(text)):
        return _check_journey(text, source=source)


def _check_journey(text: str | bytes, *, source: str) -> ValidationResult:
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = raw.count(b"\n", 0, err.start) + 1
            line_start = raw.rfind(b"\n", 0, err.start) + 1
            col = len(raw[line_start : err.start].decode("utf-8", errors="replace")) + 1
            bad = raw[err.start : err.start + 1].hex()
            return _fail(
                source,
                (line, col),
                f"the file is not valid UTF-8 (byte 0x{bad}); save it with UTF-8 encoding",
            )
    if len(text) > MAX_FILE_BYTES:
        return _fail(source, None, f"the text is longer than {MAX_FILE_BYTES:,} characters")
    located = load_located(text)
    problems = [
        Problem(source, p.line, p.column, _dotted(p.path), p.message) for p in located.problems
    ]
    data = located.data
    if not problems and data is None:
        return _fail(
            source,
            (1, 1),
            "the file is empty; a journey file has at least journeymap: 1, id:, title:, "
            "agencies: and touchpoints: (see docs/format.md)",
        )
    if data is not None and not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({quoted(data)})"
        pos = located.values.get((), (1, 1))
        problems.append(
            Problem(
                source,
                pos[0],
                pos[1],
                "",
                f"the top level is {kind}, but a journey file is a mapping of keys "
                "(journeymap: 1, id:, title:, agencies:, touchpoints:)",
            )
        )
        return ValidationResult(source, None, tuple(problems))
    if not isinstance(data, dict):
        return ValidationResult(source, None, tuple(problems))

    for issue in check_journey_data(data):
        problems.append(_locate(located, source, issue.loc, issue.message, issue.severity))
    journey: Journey | None = None
    try:
        journey = Journey.model_validate(data, context={"skip_cross_references": True})
    except ValidationError as err:
        # a value the YAML layer already rejected (a forbidden tag...) is not reported twice
        yaml_locs = [p.path for p in located.problems if p.path]
        problems.extend(
            p
            for p, loc in _from_pydantic(err, located, source)
            if not any(loc[: len(bad)] == bad for bad in yaml_locs)
        )
    has_errors = any(p.severity == "error" for p in problems)
    ordered = _dedupe(sorted(problems, key=_sort_key))
    return ValidationResult(source, None if has_errors else journey, ordered)


def _fail(source: str, pos: tuple[int, int] | None, message: str) -> ValidationResult:
    line, col = pos if pos else (None, None)
    return ValidationResult(source, None, (Problem(source, line, col, "", message),))


def _sort_key(p: Problem) -> tuple[int, int, int, str]:
    return (0 if p.severity == "error" else 1, p.line or 0, p.column or 0, p.message)


def _dedupe(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.line, p.column, p.path, p.message, p.severity)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return tuple(out)


def _dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _locate(
    located: Located,
    source: str,
    loc: Loc,
    message: str,
    severity: Any = "error",
    *,
    key: bool = False,
) -> Problem:
    pos, found = located.position(loc, key=key)
    line, col = pos if pos else (None, None)
    return Problem(source, line, col, _dotted(found if pos else loc), message, severity)


# pydantic errors -> problems -----------------------------------------------------------

_RANGE_HELP = {
    "drop_off": "a share of the people who arrive here, from 0 to 1 (0.05 means 5 %)",
    "share": f"a share of the people who go on, from {MIN_SHARE:.6f} to 1",
    "satisfaction": "the A-11 score from 1 to 5",
    "emotion": "from -2 (very negative) to +2 (very positive)",
    "population": f"a whole number of people from 1 to {MAX_PEOPLE:,}",
    "starts": f"a whole number of people from 0 to {MAX_PEOPLE:,}",
}


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (for key suggestions)."""
    model: type[BaseModel] | None = Journey
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _find_model(field.annotation)
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _find_model(typing.get_args(annotation)[0])
    if origin in (tuple, list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _find_model(arg)
            if found is not None:
                return found
    return None


def _from_pydantic(
    err: ValidationError, located: Located, source: str
) -> list[tuple[Problem, Loc]]:
    problems: list[tuple[Problem, Loc]] = []
    for e in err.errors(include_url=False):
        loc: Loc = tuple(e["loc"])
        kind = e["type"]
        value = e.get("input")
        ctx = e.get("ctx") or {}
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
        if kind == "value_error" and isinstance(ctx.get("error"), Issues):
            for sub_loc, message in ctx["error"].issues:
                full = (*loc, *sub_loc)
                problems.append((_locate(located, source, full, message), full))
            continue
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = list(model.model_fields) if model else []
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            hint = (
                f"did you mean {guess[0]!r}?"
                if guess
                else f"allowed keys: {', '.join(allowed)}"
                if allowed
                else "remove it"
            )
            message = f"unknown key {quoted(loc[-1])}; {hint}"
            if " " in str(loc[-1]):
                message += " (inside {...} a comma ends a value: put text with commas in quotes)"
            problems.append((_locate(located, source, loc, message, key=True), loc))
            continue
        if kind == "missing":
            message = f"missing required key {field!r}"
            if loc == ("journeymap",):
                message += " (the format version: add 'journeymap: 1' at the top)"
            problems.append((_locate(located, source, loc[:-1], message), loc))
            continue
        message = _message(kind, field, value, ctx, e["msg"])
        problems.append((_locate(located, source, loc, message), loc))
    return problems


def _message(kind: str, field: str, value: Any, ctx: dict[str, Any], msg: str) -> str:
    shown = quoted(value)
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{shown} is not a valid {field} (allowed: {expected.replace(' or ', ', ')})"
    if kind == "literal_error":
        if field == "journeymap":
            return f"unsupported format version {shown}: this journeymap reads 'journeymap: 1'"
        return f"{shown} is not allowed here; use {ctx.get('expected')}"
    if kind in ("string_type", "str_type"):
        if isinstance(value, bool | int | float):
            return f"expected text, got {shown}; put it in quotes: {quoted(str(value))}"
        return f"expected text, got {_kind(value)}"
    if kind in ("float_type", "int_type", "int_from_float", "float_parsing", "int_parsing"):
        wanted = "a whole number" if kind.startswith("int") else "a number"
        if field in _RANGE_HELP:
            wanted += f" ({_RANGE_HELP[field]})"
        return f"expected {wanted}, got {shown}"
    if kind == "bool_type":
        return f"expected true or false, got {shown}"
    if kind == "finite_number":
        help_text = _RANGE_HELP.get(field, "a finite number")
        return f"{shown} is not a finite number: {field} is {help_text}"
    if kind in (
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    ):
        help_text = _RANGE_HELP.get(field, msg[0].lower() + msg[1:])
        return f"{shown} is out of range: {field} is {help_text}"
    if kind == "string_pattern_mismatch":
        if field == "id":
            return (
                f"{shown} is not a valid journey id: use lowercase letters, digits, '-' and '_' "
                "(for example 'having-a-child')"
            )
        if field == "omb":
            return f"{shown} is not an OMB control number; write it as NNNN-NNNN (e.g. '2900-0747')"
        return f"{shown} does not match the expected pattern {ctx.get('pattern')!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} entry; got none"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {_kind(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping (key: value pairs), got {_kind(value)}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind.startswith(("duration_", "id_format", "finite", "version")):
        return msg
    return f"{msg} (got {shown})"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return quoted(value)


# files -------------------------------------------------------------------------------


def load_mapping(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read an activity -> touchpoint mapping file (a YAML mapping of text to text).

    Raises
    ------
    JourneyFileError
        If the file is not a flat mapping of text to text (each problem located).
    """
    source = _path(path, "path")
    raw = read_regular_file(source)
    if isinstance(raw, str):
        raise JourneyFileError([Problem(source, None, None, "", raw)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        message = f"cannot read: not valid UTF-8 (byte 0x{raw[err.start : err.start + 1].hex()})"
        raise JourneyFileError([Problem(source, None, None, "", message)]) from err
    located = load_located(text)
    problems = [
        Problem(source, p.line, p.column, _dotted(p.path), p.message) for p in located.problems
    ]
    data = located.data
    if not problems and not isinstance(data, dict):
        problems.append(Problem(source, 1, 1, "", "expected a mapping of activity: touchpoint"))
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(value, str):
                line, col = located.values.get((key,), (None, None))
                problems.append(
                    Problem(
                        source, line, col, key, f"expected a touchpoint id, got {quoted(value)}"
                    )
                )
    if problems:
        raise JourneyFileError(problems)
    return {str(k): str(v) for k, v in data.items()}


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
        path = Path(_path(raw, "paths[]"))
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


def dump_journey(journey: Journey, *, schema_comment: bool = True) -> str:
    """Write a journey back as YAML; ``parse_journey(dump_journey(j)) == j``.

    Shorthands are used where they say the same thing: ``next: B2``, ``duration: 5d``.
    """
    given: object = journey
    if not isinstance(given, Journey):
        msg = f"journey must be a Journey (from load_journey), not {type(given).__name__}"
        raise JourneymapTypeError(msg)
    data = journey.model_dump(mode="json", exclude_defaults=True)
    data = {"journeymap": 1, **data}
    for tp in data.get("touchpoints", []):
        _compact_touchpoint(tp)
    text = dump_yaml(data)
    return f"{SCHEMA_COMMENT}\n{text}" if schema_comment else text


def _compact_touchpoint(tp: dict[str, Any]) -> None:
    duration = tp.get("duration")
    if isinstance(duration, dict) and set(duration) == {"median"}:
        tp["duration"] = duration["median"]
    nexts = tp.get("next")
    if isinstance(nexts, list):
        compact = [n["to"] if set(n) == {"to"} else n for n in nexts]
        tp["next"] = compact[0] if len(compact) == 1 and isinstance(compact[0], str) else compact
    forms = tp.get("forms")
    if isinstance(forms, list):
        tp["forms"] = [f["id"] if set(f) == {"id"} else f for f in forms]
