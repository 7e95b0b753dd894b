"""Safe, located YAML: the YAML 1.2 core schema, with positions for every key and value.

Only plain data is built: strings, numbers, booleans, null, lists and mappings. A tag such as
``!!python/object/apply`` is an error and never runs; duplicate keys are errors; alias expansion
and nesting are bounded so an "alias bomb" fails fast. Every value keeps the line and column
where it was written, so validation errors can point at the culprit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .quoting import quoted

__all__ = ["MAX_DEPTH", "MAX_VALUES", "Located", "YamlProblem", "dump_yaml", "load_located"]

#: The most values alias expansion may add to those written in the file (an "alias bomb" limit).
#: The values written are bounded by the file size limit (``loading.MAX_FILE_BYTES``) instead.
MAX_VALUES = 500_000
#: The deepest nesting of lists and mappings a file may have.
MAX_DEPTH = 64

Loc = tuple[str | int, ...]
Position = tuple[int, int]

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE_RESOLVERS: list[tuple[str, re.Pattern[str], list[str]]] = [
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), list("~nN")),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    (
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
]


def _core_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, regexp, first in _CORE_RESOLVERS:
        for ch in first:
            table.setdefault(ch, []).append((tag, regexp))
    table.setdefault("", []).append(("tag:yaml.org,2002:null", re.compile(r"^$")))
    return table


_RESOLVERS = _core_resolvers()


class _CoreLoader(_BaseLoader):  # type: ignore[misc]
    """PyYAML's safe loader, resolving plain scalars by the YAML 1.2 core schema."""

    yaml_implicit_resolvers = _RESOLVERS

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """PyYAML's ``resolve`` without path resolvers (none are used): about 3x faster."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A YAML-level problem at a 1-based line and column."""

    line: int | None
    column: int | None
    message: str
    path: Loc = ()


@dataclass(slots=True)
class Located:
    """Plain data from a YAML document plus where each part of it was written."""

    data: Any
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[Position | None, Loc]:
        """The position of ``loc`` (or of its nearest written ancestor) and the loc found."""
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            table = self.keys if key and end == len(loc) else self.values
            if prefix in table:
                return table[prefix], prefix
        return None, ()


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _TooBig(Exception):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class _Builder:
    def __init__(self, out: Located) -> None:
        self.out = out

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        if depth > MAX_DEPTH:
            msg = (
                f"lists and mappings are nested more than {MAX_DEPTH} deep "
                "(a recursive alias?); flatten the document"
            )
            raise _TooBig(msg, _mark(node))
        self.out.values.setdefault(loc, _mark(node))
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            line, col = _mark(node)
            self.out.problems.append(
                YamlProblem(
                    line,
                    col,
                    f"the tag {shown!r} is not allowed: journey files hold plain text, numbers, "
                    "true/false, lists and mappings; remove the tag",
                    loc,
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                line, col = _mark(key_node)
                self.out.problems.append(
                    YamlProblem(line, col, "a key must be plain text, not a list or mapping", loc)
                )
                continue
            key = key_node.value
            key_pos = _mark(key_node)
            if key in first_seen:
                first_line = first_seen[key][0]
                self.out.problems.append(
                    YamlProblem(
                        key_pos[0],
                        key_pos[1],
                        f"duplicate key {key!r} (first written on line {first_line}); "
                        "each key may appear once in a mapping: remove one",
                        (*loc, key),
                    )
                )
                continue
            first_seen[key] = key_pos
            self.out.keys[(*loc, key)] = key_pos
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        value: str = node.value
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        try:
            number = _number(value, tag)
        except ValueError:
            kind = "whole number" if tag.endswith("int") else "number"
            message = f"{quoted(value)} is not a valid {kind}"
            if value.strip("+-").isdigit():  # more digits than Python reads
                digits = len(value.lstrip("+-"))
                message = f"{quoted(value)} ({digits:,} digits) is too large a number"
            self.out.problems.append(YamlProblem(*_mark(node), message, loc))
            return value
        if isinstance(number, float) and math.isinf(number) and "inf" not in value.lower():
            message = (
                f"{quoted(value)} is too large a number (the largest is about 1.8e308); check it"
            )
            self.out.problems.append(YamlProblem(*_mark(node), message, loc))
            return value
        return number


def _number(value: str, tag: str) -> int | float:
    """A plain scalar resolved as an int or a float, as the YAML 1.2 core schema reads it."""
    if tag == "tag:yaml.org,2002:int":
        text = value.replace("_", "")
        if text.startswith(("0o", "0x")):
            return int(text, 0)
        return int(text, 10)
    low = value.lower()
    if low in (".nan",):
        return math.nan
    if low in (".inf", "+.inf"):
        return math.inf
    if low == "-.inf":
        return -math.inf
    return float(value)


def _check_size(root: yaml.Node) -> None:
    """Fail fast when alias expansion or nesting would exceed the limits (no building).

    Only expansion is limited here: a node that expands to more than :data:`MAX_VALUES`
    values beyond every value written in the document can only come from aliases. A large
    file without aliases is limited by its size in bytes, never called an alias bomb.
    """
    written: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in written:
            continue
        written.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
    limit = len(written) + MAX_VALUES
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            msg = "an alias refers to a list or mapping that contains it; remove the recursion"
            raise _TooBig(msg, _mark(node))
        if depth > MAX_DEPTH:
            msg = (
                f"lists and mappings are nested more than {MAX_DEPTH} deep "
                "(a recursive alias?); flatten the document"
            )
            raise _TooBig(msg, _mark(node))
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        active.discard(key)
        if total > limit:
            msg = (
                f"the document expands to more than {MAX_VALUES:,} values (an alias bomb?); "
                "journey files are written by hand: remove the aliases"
            )
            raise _TooBig(msg, _mark(node))
        sizes[key] = total
        return total

    size(root, 0)


def load_located(text: str) -> Located:
    """Parse one YAML document into plain data with positions; never raises for bad YAML.

    Problems (syntax errors, forbidden tags, duplicate keys, size limits) are listed in
    ``Located.problems``; ``data`` is ``None`` when the document could not be read at all.
    """
    out = Located(data=None)
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or "invalid YAML"
        context = f" ({err.context})" if err.context and err.context != problem else ""
        hint = _syntax_hint(f"{problem} {err.context or ''}")
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        out.problems.append(YamlProblem(line, col, f"invalid YAML: {problem}{context}{hint}"))
        return out
    except yaml.reader.ReaderError as err:
        line, col = _line_col(text, err.position)
        out.problems.append(
            YamlProblem(
                line,
                col,
                f"invalid character {chr(err.character)!r} (U+{err.character:04X}): "
                "YAML files may not contain control characters; remove it",
            )
        )
        return out
    except yaml.YAMLError as err:
        out.problems.append(YamlProblem(None, None, f"invalid YAML: {err}"))
        return out
    finally:
        loader.dispose()
    if node is None:
        return out
    try:
        if "&" in text:  # without an anchor there is no alias, so nothing to expand
            _check_size(node)
        out.data = _Builder(out).build(node, (), 0)
    except _TooBig as err:
        out.data = None
        out.problems.append(YamlProblem(err.position[0], err.position[1], err.message))
    except RecursionError:
        out.data = None
        out.problems.append(
            YamlProblem(None, None, "the document is nested too deeply to read; flatten it")
        )
    return out


def _syntax_hint(problem: str) -> str:
    if any(
        words in problem
        for words in (
            "mapping values are not allowed",
            "expected <block end>",
            "did not find expected key",
            "could not find expected ':'",
            "did not find expected '-'",
        )
    ):
        return (
            "; check the indentation of this line and the one before, "
            "and quote text containing ': '"
        )
    if "found character '\\t'" in problem:
        return "; YAML indents with spaces, not tabs"
    if "found undefined alias" in problem:
        return "; define the anchor (&name) before using the alias (*name)"
    if "expected a single document" in problem:
        return "; a journey file holds one document: remove the extra '---'"
    return ""


def _line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    line = before.count("\n") + 1
    col = index - (before.rfind("\n") + 1) + 1
    return line, col


class _Dumper(yaml.SafeDumper):
    """Quotes any plain scalar that YAML 1.1 *or* 1.2 would read as something else."""


for _tag, _regexp, _first in _CORE_RESOLVERS:
    _Dumper.add_implicit_resolver(_tag, _regexp, _first)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    """Short lists of plain values in flow style (``asks: [ssn, dd214]``), others as blocks."""
    flat = all(
        isinstance(v, int | float | bool) or (isinstance(v, str) and "\n" not in v) for v in data
    )
    short = flat and sum(len(str(v)) + 2 for v in data) <= 60
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short)


_Dumper.add_representer(list, _represent_list)


def dump_yaml(data: Any) -> str:
    """Serialise plain data as block-style YAML that :func:`load_located` reads back equal."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
