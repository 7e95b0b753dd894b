"""The JSON contract: its JSON Schema, and the reader that turns a document back into records.

Every JSON document journeymap writes starts with ``"contract"`` (what it is: "report",
"portfolio", "comparison", "suggestions" or "validation") and ``"contract_version"``
(:data:`~journeymap.report.CONTRACT_VERSION`); its other keys are the record's field names.
:func:`schema` gives the JSON Schema of a kind, :func:`read` the record back, equal to the
one written::

    >>> import journeymap
    >>> report = journeymap.analyze(journeymap.parse_journey('''
    ... journeymap: 1
    ... id: tiny
    ... title: Tiny
    ... agencies: [{id: SSA, name: SSA}]
    ... touchpoints: [{id: a, name: Apply, agency: SSA, duration: 5d}]
    ... '''))
    >>> read(dumps(report)) == report
    True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from .exceptions import JourneymapError
from .fmt import json_text
from .report import CONTRACT_VERSION

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["KINDS", "ContractError", "dumps", "read", "schema"]

#: The kinds of document and the record each holds.
KINDS = {
    "report": ("journeymap.report", "Report"),
    "portfolio": ("journeymap.report", "Portfolio"),
    "comparison": ("journeymap.comparison", "Comparison"),
    "suggestions": ("journeymap.comparison", "Suggestions"),
}


class ContractError(JourneymapError, ValueError):
    """A document that is not journeymap JSON of a version this journeymap reads."""


def _record(kind: str) -> type:
    import importlib

    module, name = KINDS[kind]
    record: type = getattr(importlib.import_module(module), name)
    return record


@cache
def _adapter(kind: str) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(_record(kind))


def _kind(kind: str) -> str:
    if kind not in KINDS:
        msg = f"kind: {kind!r} is not a kind of document; use one of {', '.join(KINDS)}"
        raise ContractError(msg)
    return kind


def dumps(record: Any) -> str:
    """``record`` (a Report, Portfolio, Comparison or Suggestions) as its JSON document."""
    data: dict[str, Any] = record.to_dict()
    return json_text(data)


def schema(kind: str = "report") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of document."""
    body: dict[str, Any] = _adapter(_kind(kind)).json_schema(mode="serialization")
    properties = {
        "contract": {"const": kind, "description": "What the document holds."},
        "contract_version": {
            "type": "string",
            "pattern": r"^\d+\.\d+$",
            "description": "major.minor: a new major renames or removes fields; a new minor "
            f"adds fields. This journeymap writes {CONTRACT_VERSION}.",
        },
        **body.get("properties", {}),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://journeymap.dev/schemas/{kind}-{CONTRACT_VERSION}.json",
        **body,
        "title": f"journeymap {kind}",
        "properties": properties,
        "required": ["contract", "contract_version", *body.get("required", [])],
    }


def read(document: str | bytes | Mapping[str, Any]) -> Any:
    """The record a JSON document holds (text, bytes, or the parsed mapping).

    Raises
    ------
    ContractError
        Not JSON, not a journeymap document, another major version, or a document whose
        fields do not fit its kind (the message names the first field and what it holds).
    """
    data = _parse(document)
    kind, version = data.get("contract"), data.get("contract_version")
    if not isinstance(kind, str) or kind not in KINDS:
        msg = (
            f"not a journeymap document: 'contract' is {kind!r:.40}, not one of {', '.join(KINDS)}"
        )
        raise ContractError(msg)
    major = CONTRACT_VERSION.split(".")[0]
    if not isinstance(version, str) or version.split(".")[0] != major:
        msg = (
            f"contract_version {version!r:.20} is not readable by this journeymap, which "
            f"reads {major}.x; analyse the journey again to write it anew"
        )
        raise ContractError(msg)
    body = {k: v for k, v in data.items() if k not in ("contract", "contract_version")}
    if kind == "comparison":
        body.pop("measures", None)
    return _validate(kind, body)


def _parse(document: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(document, Mapping):
        return dict(document)
    try:
        data = json.loads(document)
    except (ValueError, UnicodeDecodeError) as err:
        msg = f"not JSON: {err}"
        raise ContractError(msg) from None
    if not isinstance(data, dict):
        msg = f"not a journeymap document: a JSON {type(data).__name__}, not an object"
        raise ContractError(msg)
    return data


def _validate(kind: str, body: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return _adapter(kind).validate_python(body)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(document)"
        value = repr(first.get("input"))
        shown = value if len(value) <= 40 else value[:39] + "…"
        msg = f"{kind} field {where}: {first['msg'].lower()} (found {shown})"
        raise ContractError(msg) from None
