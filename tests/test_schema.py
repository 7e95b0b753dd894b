"""The committed JSON Schema matches the models, and accepts every valid shorthand."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import journeys

from journeymap.durations import parse_duration
from journeymap.schema import DURATION_PATTERN, ID_PATTERN, journey_schema, journey_schema_json
from journeymap.schema_docs import KEY_DOCS

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
    assert tp["properties"]["channel"]["anyOf"][0] == {"$ref": "#/$defs/Channel"}
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
    assert tp["properties"]["next"]["anyOf"][0] == {
        "type": "string",
        "pattern": ID_PATTERN,
        "patternErrorMessage": (
            "An id is not empty and has no spaces, control or invisible characters"
        ),
    }
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


# the editor experience: words, examples, and rules that agree with validate ----------------


def _walk(node: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def test_every_key_has_meaning_and_example() -> None:
    schema = journey_schema()
    missing = []
    for name, definition in [("Journey", schema), *schema["$defs"].items()]:
        for key, prop in definition.get("properties", {}).items():
            if name == "Scenario" or key in KEY_DOCS.get(name, {}):
                assert prop["title"] == key
                assert prop["markdownDescription"].replace("`", "") == prop["description"]
                assert len(prop["examples"]) == 1
            elif "Change" not in name:
                missing.append(f"{name}.{key}")
    assert missing == [], f"document these keys in journeymap/schema_docs.py: {missing}"


def test_no_null_defaults_and_arrays_use_min_items() -> None:
    for path, node in _walk(journey_schema()):
        assert "default" not in node, path
        if node.get("type") == "array":
            assert "minLength" not in node, path
    props = journey_schema()["properties"]
    assert props["agencies"]["minItems"] == 1
    assert props["touchpoints"]["minItems"] == 1


def test_examples_are_valid_values() -> None:
    import jsonschema

    schema = journey_schema()
    for name, keys in KEY_DOCS.items():
        for key, (_, example) in keys.items():
            sub = (
                {"$defs": schema["$defs"], **schema["properties"][key]}
                if name == "Journey"
                else {
                    "$defs": schema["$defs"],
                    **schema["$defs"][name]["properties"][key],
                }
            )
            errors = list(jsonschema.Draft202012Validator(sub).iter_errors(example))
            assert errors == [], (name, key, [e.message for e in errors])


def _docs_table(heading: str, *, examples: bool = False) -> dict[str, list[str]]:
    """The rows of the key table under ``heading`` in docs/format.md, by key."""
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = text.split(heading + "\n", 1)[1]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines()[2:]:
        if not line.startswith("| `"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        names = re.findall(r"`([a-z_]+)`", cells[0].split("(")[0])
        for i, name in enumerate(names):  # a shared row's example is its first key's
            rows[name] = cells[1:] if i == 0 or not examples else [*cells[1:-1], ""]
    return rows


def test_docs_tables_say_what_the_schema_says() -> None:
    from journeymap.yamlsafe import load_located

    schema = journey_schema()
    top = _docs_table("## Top-level keys")
    assert top, "the top-level table of docs/format.md was not found"
    for key, (required, meaning) in top.items():
        assert KEY_DOCS["Journey"][key][0] == meaning, key
        assert (required == "yes") == (key in schema["required"]), key
    touchpoint = _docs_table("## Touchpoints", examples=True)
    assert len(touchpoint) >= 24, touchpoint
    for key, (meaning, example) in touchpoint.items():
        words, documented_example = KEY_DOCS["Touchpoint"][key]
        assert words == meaning, key
        if example:
            value = load_located(example.strip("`")).data
            assert value == documented_example, (key, example)
        prop = schema["$defs"]["Touchpoint"]["properties"][key]
        assert prop["markdownDescription"].startswith(meaning[0].upper() + meaning[1:] + ".")


# durations: the schema pattern accepts exactly what parse_duration parses ------------------

_KNOWN = ["3 wks", "2w", "P30D", "1.5h", "90min", "3 weeks", "5 Days", "P1DT12H", "pt45m"]
_KNOWN += ["5", "P", "PT", "5 m", "5 fortnights", "1e3min", "5.", ".5h", "P1,5D", "5 d x"]
_DURATION_ALPHABET = st.sampled_from(
    [*"0123456789.,eE+-PpTtYyMmWwDdHhSsinourekaws ", "\t", "\n", "\u3000", "\u017f", "x"]
)


def _parses(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError as err:
        return "longer than 100 years" in str(err)  # a number too big, not a bad shape
    return True


def _matches(text: str) -> bool:
    return re.search(DURATION_PATTERN, text) is not None


@pytest.mark.parametrize(
    ("text", "ok"),
    [("3 wks", False), ("2w", True), ("P30D", True), ("1.5h", True), ("90min", True)],
)
def test_duration_pattern_known_cases(text: str, ok: bool) -> None:
    assert _matches(text) is ok
    assert _parses(text) is ok


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.sampled_from(_KNOWN),
        st.text(_DURATION_ALPHABET, max_size=12),
        st.from_regex(DURATION_PATTERN, fullmatch=True),
        st.text(max_size=8),
    )
)
def test_duration_pattern_accepts_exactly_what_parse_duration_parses(text: str) -> None:
    # one known difference: parse_duration also reads non-ASCII decimal digits ("5\u0665d")
    assume(not any(c.isdigit() and not c.isascii() for c in text))
    assert _matches(text) == _parses(text), text


def test_non_ascii_digits_are_refused_by_both() -> None:
    assert not _parses("\u0665d") and not _matches("\u0665d")


# ids and text: the schema patterns refuse what validate refuses --------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=6))
def test_touchpoint_id_pattern_agrees_with_validate(ident: str) -> None:
    from conftest import tiny_journey_text

    from journeymap.loading import check_journey

    quoted = '"' + "".join(f"\\U{ord(c):08x}" for c in ident) + '"'  # YAML escapes
    text = tiny_journey_text().replace("  - id: a\n", f"  - id: {quoted}\n", 1)
    text = text.replace("next: a", "next: b")  # keep references out of the picture
    problems = [p for p in check_journey(text).problems if p.path == "touchpoints[0].id"]
    refused = any(p.severity == "error" for p in problems)
    assert (re.search(ID_PATTERN, ident) is None) == refused, (ident, problems)
