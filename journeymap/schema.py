"""The JSON Schema of journey files, generated from the models (``journeymap schema``).

The committed copy lives in ``schemas/journey.schema.json``; a test fails when it drifts.
Shorthands the loader accepts (``next: B2``, ``duration: 5d``...) are written into the schema
so editors do not flag valid files.
"""

from __future__ import annotations

import json
from typing import Any

from .models import Journey

__all__ = ["SCHEMA_ID", "journey_schema", "journey_schema_json"]

SCHEMA_ID = "https://journeymap.dev/schemas/journey.schema.json"


def _strings_or_list(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    }


def journey_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a journey file, as a dict."""
    schema = Journey.model_json_schema(mode="validation")
    defs = schema["$defs"]
    tp = defs["Touchpoint"]["properties"]
    tp["next"] = {
        "description": tp["next"].get("description", "Where people go after this touchpoint."),
        "anyOf": [
            {"type": "string"},
            {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/Transition"}]},
            },
        ],
    }
    tp["duration"] = {
        "description": tp["duration"].get("description", "Elapsed time at the touchpoint."),
        "anyOf": [{"$ref": "#/$defs/Duration"}, {"$ref": "#/$defs/DurationStats"}],
    }
    tp["forms"] = {
        "description": tp["forms"].get("description", "Forms used here."),
        "type": "array",
        "items": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/Form"}]},
    }
    for key in ("asks", "gives", "pain_points", "opportunities"):
        tp[key] = _strings_or_list(tp[key].get("description", key))
    events = defs["EventsSpec"]["properties"]
    events["path"] = _strings_or_list(events["path"].get("description", "Event log file(s)."))
    feedback = defs["FeedbackSpec"]["properties"]
    feedback["path"] = _strings_or_list("A-11 response file(s): CSV, Parquet or JSON Lines.")
    defs["DataItem"]["properties"]["aliases"] = _strings_or_list("Other names for the item.")
    # one named definition for durations, used everywhere a duration is expected
    duration_schema = defs["DurationStats"]["properties"]["median"]
    defs["Duration"] = {k: v for k, v in duration_schema.items() if k != "title"}
    _replace_duration(schema, defs["Duration"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "journeymap journey file (format version 1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _replace_duration(node: Any, duration: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and value.get("pattern") == duration.get("pattern"):
                if value is not duration:
                    node[key] = {"$ref": "#/$defs/Duration"}
            else:
                _replace_duration(value, duration)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict) and value.get("pattern") == duration.get("pattern"):
                node[i] = {"$ref": "#/$defs/Duration"}
            else:
                _replace_duration(value, duration)


def journey_schema_json() -> str:
    """The JSON Schema as stable, indented JSON text (what is committed in ``schemas/``)."""
    return json.dumps(journey_schema(), indent=2, ensure_ascii=False) + "\n"
