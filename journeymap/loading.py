"""Reading journey files: the only input I/O of journeymap.

``parse_journey`` turns YAML text into a :class:`~journeymap.models.Journey`;
``load_journey`` does the same for a file; ``check_journey`` and ``check_journey_file`` return
every problem (errors and warnings) instead of raising, for ``journeymap validate``.
Each problem names ``file:line:col``, the field, the bad value and how to fix it.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .exceptions import JourneyFileError, JourneymapTypeError, Problem
from .files import MAX_FILE_BYTES, find_journey_files, path_text, read_regular_file
from .messages import dotted, locate, problems_from_pydantic
from .models import Journey
from .quoting import quoted
from .rules import check_journey_data
from .yamlsafe import Located, dump_yaml, load_located

__all__ = [
    "SCHEMA_COMMENT",
    "ValidationResult",
    "check_journey",
    "check_journey_file",
    "dump_journey",
    "load_journey",
    "load_mapping",
    "parse_journey",
]
# kept here for the modules that import them from here; they live in .files
__all__ += [
    "MAX_FILE_BYTES",
    "find_journey_files",
    "read_regular_file",
]

#: Above this size, the garbage collector is paused while a file is checked.
_PAUSE_GC_BYTES = 256 * 1024
#: The first line of a journey file, so YAML editors complete and check it.
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/journey.schema.json"


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
    source = path_text(path, "path")
    raw = read_regular_file(source)
    if isinstance(raw, str):
        return _fail(source, None, raw)
    return check_journey(raw, source=source)


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
    problems = _yaml_problems(located, source)
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
        problems.append(locate(located, source, issue.loc, issue.message, issue.severity))
    journey: Journey | None = None
    try:
        journey = Journey.model_validate(data, context={"skip_cross_references": True})
    except ValidationError as err:
        # a value the YAML layer already rejected (a forbidden tag...) is not reported twice
        yaml_locs = [p.path for p in located.problems if p.path]
        problems.extend(
            p
            for p, loc in problems_from_pydantic(err, located, source)
            if not any(loc[: len(bad)] == bad for bad in yaml_locs)
        )
    has_errors = any(p.severity == "error" for p in problems)
    ordered = _dedupe(sorted(problems, key=_sort_key))
    return ValidationResult(source, None if has_errors else journey, ordered)


def _yaml_problems(located: Located, source: str) -> list[Problem]:
    return [Problem(source, p.line, p.column, dotted(p.path), p.message) for p in located.problems]


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


def load_mapping(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read an activity -> touchpoint mapping file (a YAML mapping of text to text).

    Raises
    ------
    JourneyFileError
        If the file is not a flat mapping of text to text (each problem located).
    """
    source = path_text(path, "path")
    raw = read_regular_file(source)
    if isinstance(raw, str):
        raise JourneyFileError([Problem(source, None, None, "", raw)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        message = f"cannot read: not valid UTF-8 (byte 0x{raw[err.start : err.start + 1].hex()})"
        raise JourneyFileError([Problem(source, None, None, "", message)]) from err
    located = load_located(text)
    problems = _yaml_problems(located, source)
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
