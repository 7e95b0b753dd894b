"""Located errors: one exact message per rule, with file:line:col, field and fix."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import tiny_journey_text

from journeymap import (
    Channel,
    Duration,
    JourneyFileError,
    check_journey,
    check_journey_file,
    dump_journey,
    load_journey,
    parse_journey,
)
from journeymap.yamlsafe import MAX_VALUES


def errors_of(text: str | bytes, source: str = "j.yaml") -> list[str]:
    result = check_journey(text, source=source)
    return [str(p) for p in result.errors]


def replace(old: str, new: str) -> str:
    text = tiny_journey_text()
    assert old in text
    return text.replace(old, new, 1)


def test_contract_example_validates_exactly_as_written(contract_text: str) -> None:
    result = check_journey(contract_text, source="contract.yaml")
    assert result.problems == ()
    j = result.journey
    assert j is not None
    assert j.id == "start-small-business"
    assert [a.id for a in j.agencies] == ["STATE-SOS", "IRS"]
    b1, b2 = j.touchpoints
    assert b1.channel is Channel.ONLINE
    assert b1.effort == Duration(45)
    assert b1.duration is not None
    assert b1.duration.median == Duration.parse("5d")
    assert [t.to for t in b1.next] == ["B2"]
    assert b2.duration is not None
    assert b2.duration.p90 == Duration.parse("3d")
    assert b2.end_outcome is not None
    assert b2.end_outcome.value == "success"
    assert j.data_item("ein").name == "Employer Identification Number"
    assert j.data_item("owner_ssn").sensitive is True
    assert j.population == 1000
    assert j.persona is not None
    assert j.persona.name == "Marcus"


def test_tiny_is_valid() -> None:
    assert check_journey(tiny_journey_text()).problems == ()


# --- the bad inputs of the acceptance list ---------------------------------------------


def test_unknown_agency() -> None:
    assert errors_of(replace("    agency: SSA\n", "    agency: SSA2\n")) == [
        "j.yaml:10:13: touchpoints[0].agency: 'SSA2' is not an agency of this journey "
        "(known: SSA, DMV); did you mean 'SSA'?"
    ]


def test_unknown_agency_without_close_match() -> None:
    assert errors_of(replace("    agency: SSA\n", "    agency: USPS\n")) == [
        "j.yaml:10:13: touchpoints[0].agency: 'USPS' is not an agency of this journey "
        "(known: SSA, DMV)"
    ]


def test_unknown_next_target() -> None:
    assert errors_of(replace("next: b\n", "next: bb\n")) == [
        "j.yaml:14:11: touchpoints[0].next: 'bb' is not a touchpoint of this journey "
        "(known: a, b, c)"
    ]


def test_unknown_next_in_alternatives() -> None:
    text = replace(
        "next: b\n", "next:\n      - {to: b, share: 0.5}\n      - {to: zz, share: 0.5}\n"
    )
    assert errors_of(text) == [
        "j.yaml:16:14: touchpoints[0].next[1].to: 'zz' is not a touchpoint of this journey "
        "(known: a, b, c)"
    ]


def test_duplicate_touchpoint_id() -> None:
    assert errors_of(replace("  - id: c\n", "  - id: b\n")) == [
        "j.yaml:20:11: touchpoints[1].next: 'c' is not a touchpoint of this journey (known: a, b)",
        "j.yaml:21:9: touchpoints[2].id: duplicate touchpoint id 'b' "
        "(already used by touchpoints[1]); ids must be unique",
    ]


def test_duplicate_yaml_key() -> None:
    assert errors_of(replace("    duration: 5d\n", "    duration: 5d\n    duration: 6d\n")) == [
        "j.yaml:13:5: touchpoints[0].duration: duplicate key 'duration' (first written on "
        "line 12); each key may appear once in a mapping: remove one"
    ]


def test_bare_number_duration() -> None:
    assert errors_of(replace("duration: 5d", "duration: 5")) == [
        "j.yaml:12:15: touchpoints[0].duration: a bare number (5) is not a duration: add a "
        "unit; write a number with a unit: 30min, 2h, 5d, 3w, 2mo (30 days), 10y (365 days), "
        "or ISO 8601 such as P5D"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "1.5",
            "1.5 is out of range: drop_off is a share of the people who arrive here, "
            "from 0 to 1 (0.05 means 5 %)",
        ),
        (
            ".nan",
            "nan is not a finite number: drop_off is a share of the people who arrive "
            "here, from 0 to 1 (0.05 means 5 %)",
        ),
        (
            "-0.1",
            "-0.1 is out of range: drop_off is a share of the people who arrive here, "
            "from 0 to 1 (0.05 means 5 %)",
        ),
        (
            ".inf",
            "inf is not a finite number: drop_off is a share of the people who arrive "
            "here, from 0 to 1 (0.05 means 5 %)",
        ),
        (
            "'0.1'",
            "expected a number (a share of the people who arrive here, from 0 to 1 "
            "(0.05 means 5 %)), got '0.1'",
        ),
    ],
)
def test_bad_drop_off(value: str, message: str) -> None:
    assert errors_of(replace("drop_off: 0.1", f"drop_off: {value}")) == [
        f"j.yaml:13:15: touchpoints[0].drop_off: {message}"
    ]


def test_misspelt_key_suggests() -> None:
    assert errors_of(replace("duration: 5d", "duraton: 5d")) == [
        "j.yaml:12:5: touchpoints[0].duraton: unknown key 'duraton'; did you mean 'duration'?"
    ]


def test_misspelt_top_level_key() -> None:
    assert errors_of(replace("title: Tiny journey", "titel: Tiny journey")) == [
        "j.yaml:1:1: missing required key 'title'",
        "j.yaml:3:1: titel: unknown key 'titel'; did you mean 'title'?",
    ]


def test_unknown_channel_lists_allowed() -> None:
    assert errors_of(replace("    asks: [ssn]\n", "    channel: fax\n    asks: [ssn]\n")) == [
        "j.yaml:11:14: touchpoints[0].channel: 'fax' is not a valid channel (allowed: online, "
        "phone, in_person, mail, email, text, chat, kiosk, automated)"
    ]


def test_shares_do_not_sum_to_one() -> None:
    text = replace("next: b\n", "next:\n      - {to: b, share: 0.6}\n      - {to: c, share: 0.3}\n")
    assert errors_of(text) == [
        "j.yaml:15:7: touchpoints[0].next: shares of the alternatives sum to 0.9, not 1 "
        "(0.6 + 0.3); they are parts of the people who go on, so they must add up to 1"
    ]


def test_shares_within_tolerance_pass() -> None:
    text = replace(
        "next: b\n", "next:\n      - {to: b, share: 0.3333}\n      - {to: c, share: 0.6667}\n"
    )
    assert errors_of(text) == []
    text = replace(
        "next: b\n", "next:\n      - {to: b, share: 0.333}\n      - {to: c, share: 0.665}\n"
    )
    assert len(errors_of(text)) == 1


def test_alternatives_need_shares() -> None:
    assert errors_of(replace("next: b\n", "next: [b, c]\n")) == [
        "j.yaml:14:11: touchpoints[0].next: 2 next touchpoints without share on 'b', 'c': give "
        "each alternative a share (the shares sum to 1), or add split: all if the person does "
        "every branch"
    ]


def test_bad_indentation() -> None:
    assert errors_of(replace("    name: Licence\n", "   name: Licence\n")) == [
        "j.yaml:16:4: invalid YAML: did not find expected '-' indicator (while parsing a block "
        "collection); check the indentation of this line and the one before, and quote text "
        "containing ': '"
    ]


def test_python_tag_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = replace(
        "title: Tiny journey", f'title: !!python/object/apply:os.system ["touch {marker}"]'
    )
    assert errors_of(text) == [
        "j.yaml:3:8: title: the tag '!!python/object/apply:os.system' is not allowed: journey "
        "files hold plain text, numbers, true/false, lists and mappings; remove the tag"
    ]
    assert not marker.exists()


def test_alias_bomb_fails_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    errors = errors_of("\n".join(lines) + "\n")
    assert errors == [
        f"j.yaml:6:4: the document expands to more than {MAX_VALUES:,} values (an alias bomb?); "
        "journey files are written by hand: remove the aliases"
    ]


def test_recursive_alias() -> None:
    assert errors_of("a: &x [1, *x]\n") == [
        "j.yaml:1:4: an alias refers to a list or mapping that contains it; remove the recursion"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(text: str) -> None:
    assert errors_of(text) == [
        "j.yaml:1:1: the file is empty; a journey file has at least journeymap: 1, id:, title:, "
        "agencies: and touchpoints: (see docs/format.md)"
    ]


def test_top_level_list() -> None:
    assert errors_of("- id: a\n- id: b\n") == [
        "j.yaml:1:1: the top level is a list, but a journey file is a mapping of keys "
        "(journeymap: 1, id:, title:, agencies:, touchpoints:)"
    ]


def test_invalid_utf8() -> None:
    raw = tiny_journey_text().encode().replace(b"Tiny journey", b"Tiny \xff journey")
    assert errors_of(raw) == [
        "j.yaml:3:13: the file is not valid UTF-8 (byte 0xff); save it with UTF-8 encoding"
    ]


def test_utf8_bom_is_fine() -> None:
    assert errors_of(b"\xef\xbb\xbf" + tiny_journey_text().encode()) == []


def test_split_without_join() -> None:
    text = replace("    next: b\n", "    split: all\n    next: [b, c]\n")
    assert errors_of(text) == [
        "j.yaml:14:12: touchpoints[0].split: the parallel split at 'a' is not closed by a "
        "join: all (the branches first meet at 'c', which has no join: all); lead every branch "
        "to one touchpoint marked join: all"
    ]


def test_split_with_join_is_valid() -> None:
    text = replace("    next: b\n", "    split: all\n    next: [b, c]\n").replace(
        "    agency: DMV\n\n", "    agency: DMV\n"
    )
    text = text.replace("  - id: c\n    name: Done\n", "  - id: c\n    name: Done\n    join: all\n")
    assert errors_of(text) == []


def test_split_branch_that_ends_before_join() -> None:
    text = (
        tiny_journey_text()
        .replace("    next: b\n", "    split: all\n    next: [b, c]\n")
        .replace("    next: c\n", "")
        .replace("    name: Done\n", "    name: Done\n    join: all\n")
    )
    assert errors_of(text) == [
        "j.yaml:14:12: touchpoints[0].split: the parallel split at 'a' is not closed by a "
        "join: all (a branch can end the journey before the branches meet); lead every branch "
        "to one touchpoint marked join: all",
        "j.yaml:23:11: touchpoints[2].join: join: all at 'c' closes no parallel split "
        "(split: all); remove join or add the split",
    ]


def test_unknown_data_item_suggests_catalog_id_from_alias() -> None:
    assert errors_of(replace("asks: [ssn]", "asks: [Social Security number]")) == [
        "j.yaml:11:12: touchpoints[0].asks[0]: 'Social Security number' is not a declared data "
        "item nor a catalog id; did you mean 'ssn'? declare it under data: with an id and name, "
        "or use a catalog id (see `journeymap catalog`)"
    ]


def test_unknown_data_item_suggests_by_spelling() -> None:
    assert errors_of(replace("asks: [ssn]", "asks: [date_of_brith]")) == [
        "j.yaml:11:12: touchpoints[0].asks[0]: 'date_of_brith' is not a declared data item nor "
        "a catalog id; did you mean 'date_of_birth'? declare it under data: with an id and "
        "name, or use a catalog id (see `journeymap catalog`)"
    ]


# --- more rules --------------------------------------------------------------------------


def test_all_errors_reported_together() -> None:
    text = (
        tiny_journey_text()
        .replace("    agency: SSA\n", "    agency: NOPE\n")
        .replace("drop_off: 0.1", "drop_off: 2")
        .replace("duration: 1d", "duration: 1")
        .replace("next: c", "next: cc")
    )
    errors = errors_of(text)
    assert [e.split(": ")[0] for e in errors] == [
        "j.yaml:10:13",
        "j.yaml:13:15",
        "j.yaml:19:15",
        "j.yaml:20:11",
    ]


def test_outcome_only_on_end() -> None:
    assert errors_of(replace("    next: b\n", "    next: b\n    outcome: failure\n")) == [
        "j.yaml:15:14: touchpoints[0].outcome: outcome 'failure' is only allowed on an end "
        "touchpoint (one without next); remove next or remove outcome"
    ]


def test_unknown_stage() -> None:
    assert errors_of(replace("    agency: SSA\n", "    agency: SSA\n    stage: apply\n")) == [
        "j.yaml:11:12: touchpoints[0].stage: 'apply' is not a stage of this journey (no stages "
        "are declared: add it under stages:)"
    ]


def test_loop_without_exit() -> None:
    text = replace("  - id: c\n    name: Done\n    agency: DMV\n", "")
    text = text.replace("next: c", "next: a")
    assert errors_of(text) == [
        "j.yaml:14:11: touchpoints[0].next: from 'a' no end of the journey can be reached: "
        "people would loop forever; give the loop a way out (a next that leads to an end)",
        "j.yaml:20:11: touchpoints[1].next: from 'b' no end of the journey can be reached: "
        "people would loop forever; give the loop a way out (a next that leads to an end)",
    ]


def test_loop_with_exit_is_valid() -> None:
    text = replace("next: c", "next:\n      - {to: a, share: 0.2}\n      - {to: c, share: 0.8}")
    assert errors_of(text) == []


def test_journey_id_slug() -> None:
    assert errors_of(replace("id: tiny", "id: Tiny Journey")) == [
        "j.yaml:2:5: id: 'Tiny Journey' is not a valid journey id: use lowercase letters, "
        "digits, '-' and '_' (for example 'having-a-child')"
    ]


def test_number_where_text_expected() -> None:
    assert errors_of(replace("title: Tiny journey", "title: 1984")) == [
        "j.yaml:3:8: title: expected text, got 1984; put it in quotes: '1984'"
    ]


def test_yaml_12_booleans_and_norway() -> None:
    # YAML 1.1 would read 'no' and 'on' as booleans; journey files use YAML 1.2
    text = replace("name: Licence", "name: no").replace("name: Done", "name: on")
    j = parse_journey(text)
    assert [t.name for t in j.touchpoints] == ["Apply", "no", "on"]


def test_unsupported_version() -> None:
    assert errors_of(replace("journeymap: 1", "journeymap: 2")) == [
        "j.yaml:1:13: journeymap: unsupported format version 2: this journeymap reads "
        "'journeymap: 1'"
    ]


def test_missing_required_key_points_at_the_mapping() -> None:
    assert errors_of(replace("    name: Licence\n", "")) == [
        "j.yaml:15:5: touchpoints[1]: missing required key 'name'"
    ]


def test_warnings_do_not_invalidate() -> None:
    text = replace(
        "  - {id: DMV, name: State DMV, level: state}\n",
        "  - {id: DMV, name: State DMV, level: state}\n  - {id: IRS, name: IRS}\n",
    )
    result = check_journey(text, source="j.yaml")
    assert result.ok
    assert [str(p) for p in result.warnings] == [
        "j.yaml:7:10: warning: agencies[2].id: agency 'IRS' owns no touchpoint"
    ]


def test_unreachable_touchpoint_is_a_warning() -> None:
    text = replace("next: b\n", "next: c\n")
    result = check_journey(text, source="j.yaml")
    assert result.ok
    assert [str(p) for p in result.warnings] == [
        "j.yaml:15:9: warning: touchpoints[1].id: touchpoint 'b' cannot be reached from the "
        "start ('a'): no next leads to it"
    ]


def test_huge_file_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * (6 * 1024 * 1024))
    result = check_journey_file(path)
    assert [str(p) for p in result.problems] == [
        f"{path}: the file is 6,291,458 bytes, more than the 5,242,880 a journey file may have; "
        "is this really a journey file?"
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(JourneyFileError) as err:
        load_journey(tmp_path / "nope.yaml")
    assert str(err.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_parse_raises_with_all_problems() -> None:
    with pytest.raises(JourneyFileError) as err:
        parse_journey(replace("drop_off: 0.1", "drop_off: 7"), source="x.yaml")
    assert len(err.value.problems) == 1
    assert err.value.problems[0].line == 13
    assert err.value.problems[0].path == "touchpoints[0].drop_off"


def test_dump_round_trips(contract_text: str) -> None:
    j = parse_journey(contract_text)
    text = dump_journey(j)
    assert text.startswith("# yaml-language-server: $schema=../../schemas/journey.schema.json\n")
    assert parse_journey(text) == j


def test_non_finite_satisfaction() -> None:
    text = replace("    drop_off: 0.1\n", "    drop_off: 0.1\n    satisfaction: .nan\n")
    assert errors_of(text) == [
        "j.yaml:14:19: touchpoints[0].satisfaction: nan is not a finite number: satisfaction is "
        "the A-11 score from 1 to 5"
    ]
    assert math.isnan(float("nan"))


def test_comma_in_flow_mapping_hint() -> None:
    text = replace(
        "  - {id: DMV, name: State DMV, level: state}\n",
        "  - {id: DMV, name: State DMV, roads and more, level: state}\n",
    )
    assert errors_of(text) == [
        "j.yaml:6:32: agencies[1].roads and more: unknown key 'roads and more'; allowed keys: "
        "id, name, level, department, delivery_model (inside {...} a comma ends a value: put "
        "text with commas in quotes)"
    ]
