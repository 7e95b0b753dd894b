"""What pydantic found wrong, as located one-line problems in the words of the file.

:func:`problems_from_pydantic` turns a :class:`~pydantic.ValidationError` of
:class:`~journeymap.models.Journey` into :class:`~journeymap.exceptions.Problem` entries, each at
``file:line:col`` with the field, the value (quoted short) and how to fix it. :func:`locate`
and :func:`dotted` place any other problem the same way.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .exceptions import Problem
from .models import MAX_PEOPLE, MIN_SHARE, Journey
from .quoting import quoted
from .rules import Issues
from .yamlsafe import Located

__all__ = ["Loc", "dotted", "locate", "problems_from_pydantic"]

Loc = tuple[str | int, ...]


def dotted(loc: Iterable[str | int]) -> str:
    """A location as the file reads it: ``touchpoints[0].duration.p90``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def locate(
    located: Located,
    source: str,
    loc: Loc,
    message: str,
    severity: Any = "error",
    *,
    key: bool = False,
) -> Problem:
    """The problem at ``loc`` (its key's position with ``key``), as near as the file has it."""
    pos, found = located.position(loc, key=key)
    line, col = pos if pos else (None, None)
    return Problem(source, line, col, dotted(found if pos else loc), message, severity)


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


def problems_from_pydantic(
    err: ValidationError, located: Located, source: str
) -> list[tuple[Problem, Loc]]:
    """Each error of ``err`` as a located problem, with the location pydantic gave it."""
    problems: list[tuple[Problem, Loc]] = []
    for e in err.errors(include_url=False):
        loc: Loc = tuple(e["loc"])
        found = _Found(e["type"], loc, e.get("input"), e.get("ctx") or {}, e["msg"])
        if found.kind == "value_error" and isinstance(found.ctx.get("error"), Issues):
            for sub_loc, message in found.ctx["error"].issues:
                full = (*loc, *sub_loc)
                problems.append((locate(located, source, full, message), full))
        elif found.kind == "extra_forbidden":
            problems.append((locate(located, source, loc, _unknown_key(loc), key=True), loc))
        elif found.kind == "missing":
            message = f"missing required key {found.field!r}"
            if loc == ("journeymap",):
                message += " (the format version: add 'journeymap: 1' at the top)"
            problems.append((locate(located, source, loc[:-1], message), loc))
        else:
            problems.append((locate(located, source, loc, found.message()), loc))
    return problems


def _unknown_key(loc: Loc) -> str:
    model = _model_at(loc[:-1])
    allowed = list(model.model_fields) if model else []
    guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
    if guess:
        hint = f"did you mean {guess[0]!r}?"
    else:
        hint = f"allowed keys: {', '.join(allowed)}" if allowed else "remove it"
    message = f"unknown key {quoted(loc[-1])}; {hint}"
    if " " in str(loc[-1]):
        message += " (inside {...} a comma ends a value: put text with commas in quotes)"
    return message


@dataclass(frozen=True)
class _Found:
    """One pydantic error: its type, where, the value and what pydantic said."""

    kind: str
    loc: Loc
    value: Any
    ctx: dict[str, Any]
    msg: str

    @property
    def field(self) -> str:
        return next((str(p) for p in reversed(self.loc) if isinstance(p, str)), "value")

    @property
    def shown(self) -> str:
        return quoted(self.value)

    def message(self) -> str:
        """The problem in the words of the file: the value, and what to write instead."""
        write = _MESSAGES.get(self.kind)
        if write is not None:
            return write(self)
        if self.kind.startswith(("duration_", "id_format", "finite", "version")):
            return self.msg
        return f"{self.msg} (got {self.shown})"


def _enum(f: _Found) -> str:
    expected = str(f.ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
    return f"{f.shown} is not a valid {f.field} (allowed: {expected})"


def _literal(f: _Found) -> str:
    if f.field == "journeymap":
        return f"unsupported format version {f.shown}: this journeymap reads 'journeymap: 1'"
    return f"{f.shown} is not allowed here; use {f.ctx.get('expected')}"


def _text(f: _Found) -> str:
    if isinstance(f.value, bool | int | float):
        return f"expected text, got {f.shown}; put it in quotes: {quoted(str(f.value))}"
    return f"expected text, got {_kind(f.value)}"


def _number(f: _Found) -> str:
    wanted = "a whole number" if f.kind.startswith("int") else "a number"
    if f.field in _RANGE_HELP:
        wanted += f" ({_RANGE_HELP[f.field]})"
    return f"expected {wanted}, got {f.shown}"


def _finite(f: _Found) -> str:
    help_text = _RANGE_HELP.get(f.field, "a finite number")
    return f"{f.shown} is not a finite number: {f.field} is {help_text}"


def _range(f: _Found) -> str:
    help_text = _RANGE_HELP.get(f.field, f.msg[0].lower() + f.msg[1:])
    return f"{f.shown} is out of range: {f.field} is {help_text}"


def _pattern(f: _Found) -> str:
    if f.field == "id":
        return (
            f"{f.shown} is not a valid journey id: use lowercase letters, digits, '-' and '_' "
            "(for example 'having-a-child')"
        )
    if f.field == "omb":
        return f"{f.shown} is not an OMB control number; write it as NNNN-NNNN (e.g. '2900-0747')"
    return f"{f.shown} does not match the expected pattern {f.ctx.get('pattern')!r}"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return quoted(value)


def _messages() -> dict[str, Callable[[_Found], str]]:
    table: dict[str, Callable[[_Found], str]] = {
        "enum": _enum,
        "literal_error": _literal,
        "bool_type": lambda f: f"expected true or false, got {f.shown}",
        "finite_number": _finite,
        "string_pattern_mismatch": _pattern,
        "string_too_short": lambda f: "must not be empty",
        "too_short": lambda f: f"needs at least {f.ctx.get('min_length', 1)} entry; got none",
        "value_error": lambda f: f.msg.removeprefix("Value error, "),
    }
    groups: list[tuple[tuple[str, ...], Callable[[_Found], str]]] = [
        (("string_type", "str_type"), _text),
        (("float_type", "int_type", "int_from_float", "float_parsing", "int_parsing"), _number),
        (("greater_than", "greater_than_equal", "less_than", "less_than_equal"), _range),
        (("tuple_type", "list_type"), lambda f: f"expected a list, got {_kind(f.value)}"),
        (
            ("model_type", "dict_type", "model_attributes_type"),
            lambda f: f"expected a mapping (key: value pairs), got {_kind(f.value)}",
        ),
    ]
    for kinds, write in groups:
        table.update(dict.fromkeys(kinds, write))
    return table


#: How each kind of pydantic error is said.
_MESSAGES = _messages()
