"""The JSON Schema of journey files, generated from the models (``journeymap schema``).

The committed copy lives in ``schemas/journey.schema.json``; a test fails when it drifts.
Shorthands the loader accepts (``next: B2``, ``duration: 5d``...) are written into the schema
so editors do not flag valid files, and the rules the schema can express are written exactly
as ``validate`` applies them: durations (the pattern accepts what
:func:`journeymap.durations.parse_duration` parses), ids, control characters, ranges, at least
one agency and one touchpoint, no unknown keys.

For editors (yaml-language-server), every key carries the meaning and an example from
:mod:`journeymap.schema_docs`: ``description`` and ``markdownDescription`` show on hover,
``examples`` fill the value a completion inserts.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .durations import UNIT_WORDS
from .models import MAX_PEOPLE, Journey
from .schema_docs import KEY_DOCS

__all__ = [
    "DURATION_PATTERN",
    "ID_PATTERN",
    "SCHEMA_ID",
    "TEXT_PATTERN",
    "journey_schema",
    "journey_schema_json",
]

SCHEMA_ID = "https://journeymap.dev/schemas/journey.schema.json"


def _char_class(codes: list[int] | range, *, negate: bool = False) -> str:
    """A regex character class valid alike in Python ``re`` and ECMAScript (``u`` flag)."""
    ranges: list[list[int]] = []
    for code in sorted(set(codes)):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])

    def char(code: int) -> str:
        if chr(code).isascii() and chr(code).isalnum():
            return chr(code)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    parts = [
        char(a) if a == b else f"{char(a)}{char(b)}" if b == a + 1 else f"{char(a)}-{char(b)}"
        for a, b in ranges
    ]
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


# what str.strip() and re's \s take for whitespace (all of it below U+3001)
_SPACE = [c for c in range(0x3001) if chr(c).isspace()]
_CONTROL = [*range(0x20), *range(0x7F, 0xA0)]
_ZERO_WIDTH = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]
_BIDI = [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]

_WS = _char_class(_SPACE)
_NUM = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


def _iso_letter(letter: str) -> str:
    """The characters whose upper case is ``letter`` (parse_duration upper-cases ISO text)."""
    found = [c for c in range(0x3001) if chr(c).upper() == letter]
    return _char_class(found)


def _iso_pattern() -> str:
    num = r"[0-9]+(?:[.,][0-9]+)?"
    y, m, w, d, t, h, s = (_iso_letter(x) for x in "YMWDTHS")
    return (
        f"[pP](?!{_WS}*$)(?:{num}{y})?(?:{num}{m})?(?:{num}{w})?(?:{num}{d})?"
        f"(?:{t}(?=[0-9])(?:{num}{h})?(?:{num}{m})?(?:{num}{s})?)?"
    )


_UNITS = "|".join(_any_case(u) for u in sorted(UNIT_WORDS, key=lambda u: (-len(u), u)))
#: A duration as parse_duration reads it: ``5d``, ``3 weeks``, ``1.5h``, ``P1DT12H``...
#: (the 100-year limit is a number, not a shape: only validate checks it).
DURATION_PATTERN = f"^{_WS}*(?:{_NUM}{_WS}*(?:{_UNITS})|{_iso_pattern()}){_WS}*$"
#: An id: not empty, no whitespace, no control or invisible character.
#: (``(?!\n)``: Python's ``$`` also matches before a final newline, ECMAScript's does not)
ID_PATTERN = "^" + _char_class([*_SPACE, *_CONTROL, *_ZERO_WIDTH, *_BIDI], negate=True)
ID_PATTERN += r"+$(?!\n)"
#: Free text: not empty, no control character but tab and newline.
TEXT_PATTERN = "^" + _char_class([c for c in _CONTROL if c not in (9, 10)], negate=True) + "+$"

_DURATION_HELP = (
    "A duration is a number with a unit: 30min, 2h, 5d, 3w, 2mo (30 days), 10y (365 days), "
    "long forms such as 3 days, or ISO 8601 such as P5D, PT45M (at most 100 years)"
)
_ID_HELP = "An id is not empty and has no spaces, control or invisible characters"
_TEXT_HELP = "Text is not empty and has no control characters (tab and newline are allowed)"

_DURATION: dict[str, Any] = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "patternErrorMessage": _DURATION_HELP,
}
_ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN, "patternErrorMessage": _ID_HELP}
_IDS: dict[str, Any] = {"anyOf": [_ID, {"type": "array", "items": _ID}]}
_TEXT: dict[str, Any] = {
    "type": "string",
    "pattern": TEXT_PATTERN,
    "patternErrorMessage": _TEXT_HELP,
}
_TEXTS: dict[str, Any] = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}
_NULL = {"type": "null"}
# keys whose value is an id or a reference to one (a reference with a space never resolves)
_ID_KEYS = {
    "Journey": ("start",),
    "Agency": ("id",),
    "DataItem": ("id",),
    "Stage": ("id",),
    "Touchpoint": ("id", "agency", "stage"),
    "Transition": ("to",),
}


def journey_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a journey file, as a dict."""
    schema = Journey.model_json_schema(mode="validation")
    defs = schema["$defs"]
    # one named definition for durations, used everywhere a duration is expected
    old_pattern = defs["DurationStats"]["properties"]["median"]["pattern"]
    _replace_duration(schema, old_pattern)
    defs["Duration"] = dict(_DURATION)
    _clean(schema)
    _shorthands(defs)
    for name, keys in _ID_KEYS.items():
        props = (schema if name == "Journey" else defs[name])["properties"]
        for key in keys:
            optional = "anyOf" in props[key]
            props[key] = {"anyOf": [dict(_ID), _NULL]} if optional else dict(_ID)
    schema["properties"]["population"]["anyOf"][0]["maximum"] = MAX_PEOPLE
    _document(schema, defs)
    for definition in defs.values():
        # a shared definition's title and words would hide the key's own on hover
        definition.pop("title", None)
        if "description" in definition:
            definition["$comment"] = definition.pop("description")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "journeymap journey file (format version 1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _shorthands(defs: dict[str, Any]) -> None:
    """Write the shorthands the loader accepts (``next: B2``, ``duration: 5d``...)."""
    tp = defs["Touchpoint"]["properties"]
    tp["next"] = {
        "anyOf": [
            dict(_ID),
            {
                "type": "array",
                "items": {"anyOf": [dict(_ID), {"$ref": "#/$defs/Transition"}]},
            },
        ],
    }
    tp["duration"] = {
        "anyOf": [{"$ref": "#/$defs/Duration"}, {"$ref": "#/$defs/DurationStats"}, _NULL],
    }
    tp["forms"] = {
        "type": "array",
        "items": {"anyOf": [dict(_TEXT), {"$ref": "#/$defs/Form"}]},
    }
    for key in ("asks", "gives"):
        tp[key] = copy.deepcopy(_IDS)
    for key in ("pain_points", "opportunities"):
        tp[key] = copy.deepcopy(_TEXTS)
    for name, key in (("EventsSpec", "path"), ("FeedbackSpec", "path"), ("DataItem", "aliases")):
        defs[name]["properties"][key] = copy.deepcopy(_TEXTS)


def _clean(node: Any, key: str = "") -> None:
    """Editor-friendly: no ``null`` defaults to complete, ``minItems`` on arrays, no
    generated property titles ("Drop Off"), the text pattern on every free text."""
    if isinstance(node, list):
        for item in node:
            _clean(item)
        return
    if not isinstance(node, dict):
        return
    node.pop("default", None)
    if node.get("type") == "array" and "minLength" in node:
        node["minItems"] = node.pop("minLength")
    if node.get("type") == "string" and node.get("minLength") == 1 and "pattern" not in node:
        del node["minLength"]
        node.update(_TEXT)
    properties = node.get("properties")
    if isinstance(properties, dict):
        for value in properties.values():
            if isinstance(value, dict):
                value.pop("title", None)
    for name, value in node.items():
        _clean(value, name)


def _replace_duration(node: Any, pattern: str) -> None:
    """Replace each inline duration schema (``pattern`` is its pattern) by the shared $ref."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, dict) and value.get("pattern") == pattern:
            node[key] = {"$ref": "#/$defs/Duration"}
        elif isinstance(value, dict | list):
            _replace_duration(value, pattern)


def _document(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """Write the meaning, allowed values and an example of every documented key."""
    for name, keys in KEY_DOCS.items():
        props = (schema if name == "Journey" else defs[name])["properties"]
        for key, (meaning, example) in keys.items():
            prop = props[key]
            allowed = _allowed(prop, defs, meaning)
            markdown = meaning[0].upper() + meaning[1:] + "."
            if allowed:
                markdown += f"\n\nAllowed: {allowed}."
            prop["title"] = key
            # yaml-language-server merges the words of options it cannot tell apart by
            # title on hover ("drop_off || drop_off"): leave only the first untitled
            for option in prop.get("anyOf", [])[1:]:
                if "$ref" not in option:
                    option["title"] = key
            prop["description"] = markdown.replace("`", "")
            prop["markdownDescription"] = markdown
            prop["examples"] = [example]


def _allowed(prop: dict[str, Any], defs: dict[str, Any], meaning: str) -> str:
    """The values a key takes, in words (empty when the meaning already lists them)."""
    options = [_resolve(p, defs) for p in prop.get("anyOf", [prop])]
    words = [w for w in (_one_allowed(o, meaning) for o in options) if w]
    return "; or ".join(words)


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return defs[ref.rsplit("/", 1)[1]] if isinstance(ref, str) else node


def _one_allowed(node: dict[str, Any], meaning: str) -> str:
    kind = node.get("type")
    if "enum" in node or "const" in node:
        values = node.get("enum", [node.get("const")])
        if all(f"`{v}`" in meaning for v in values):
            return ""
        return "one of " + ", ".join(f"`{json.dumps(v)}`" for v in values)
    if node.get("pattern") == DURATION_PATTERN:
        return "a duration such as `30min`, `2h`, `5d`, `3w`, `2mo`, `P5D` (at most 100 years)"
    if node.get("pattern") == ID_PATTERN:
        return "an id (no spaces)"
    if kind in ("number", "integer"):
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum")
        what = "a whole number" if kind == "integer" else "a number"
        low_word = "above" if "exclusiveMinimum" in node else "from"
        if low is not None and high is not None:
            return f"{what} {low_word} {_num(low)} to {_num(high)}"
        if low is not None:
            return f"{what} {'above' if low_word == 'above' else 'at least'} {_num(low)}"
        return what
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "null":
        return ""
    if kind == "array":
        items = node.get("items", {})
        of = " of ids" if items.get("pattern") == ID_PATTERN else ""
        if items.get("pattern") == TEXT_PATTERN:
            of = " of texts"
        least = node.get("minItems", 0)
        return f"a list{of}" + (f", at least {least}" if least else "")
    return ""


def _num(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return re.sub(r"0+$", "", f"{value:.6f}")


def journey_schema_json() -> str:
    """The JSON Schema as stable, indented JSON text (what is committed in ``schemas/``)."""
    return json.dumps(journey_schema(), indent=2, ensure_ascii=False) + "\n"
