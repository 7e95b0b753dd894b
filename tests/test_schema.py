"""The committed JSON Schema matches the models, and accepts every valid shorthand."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES, ROOT
from hypothesis import given, settings
from strategies import journeys

from journeymap.schema import journey_schema, journey_schema_json

SCHEMA_PATH = ROOT / "schemas" / "journey.schema.json"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == journey_schema_json(), (
        "schemas/journey.schema.json is out of date: run `make schema`"
    )


def test_schema_shape() -> None:
    schema = journey_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["journeymap", "id", "title", "agencies", "touchpoints"]
    tp = schema["$defs"]["Touchpoint"]
    assert tp["additionalProperties"] is False
    assert schema["$defs"]["Channel"]["enum"] == [
        "online",
        "phone",
        "in_person",
        "mail",
        "email",
        "text",
        "chat",
        "kiosk",
        "automated",
    ]
    # shorthands are allowed by the schema, so editors accept what the loader accepts
    assert {"type": "string"} in tp["properties"]["next"]["anyOf"]
    assert {"$ref": "#/$defs/Duration"} in tp["properties"]["duration"]["anyOf"]
    assert tp["properties"]["effort"]["anyOf"][0] == {"$ref": "#/$defs/Duration"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_start_with_schema_comment(path: object) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]  # type: ignore[attr-defined]
    assert first == "# yaml-language-server: $schema=../../schemas/journey.schema.json"


def test_schema_is_valid_json() -> None:
    json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_accepts_contract_example_and_examples() -> None:
    import yaml
    from conftest import DATA

    validator = _validator()
    for path in [DATA / "contract-example.yaml", *EXAMPLES]:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == [], (path.name, errors)


def test_schema_rejects_what_the_loader_rejects() -> None:
    import yaml
    from conftest import DATA

    validator = _validator()
    doc = yaml.safe_load((DATA / "contract-example.yaml").read_text(encoding="utf-8"))
    doc["touchpoints"][0]["channel"] = "fax"
    doc["touchpoints"][0]["duraton"] = "5d"
    doc["touchpoints"][1]["duration"] = "5"
    messages = sorted(e.message for e in validator.iter_errors(doc))
    assert len(messages) == 3


@settings(max_examples=50, deadline=None)
@given(journeys())
def test_schema_accepts_generated_journeys(doc: dict[str, object]) -> None:
    assert list(_validator().iter_errors(doc)) == []
