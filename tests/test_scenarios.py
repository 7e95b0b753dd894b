"""Scenarios: validation with located errors, applying changes, exact comparisons by hand."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import tiny_journey_text
from hypothesis import HealthCheck, given, settings
from strategies import flow_journeys

from journeymap import Journey, JourneyFileError, parse_journey
from journeymap.comparison import Measures
from journeymap.report import Arrow, Request
from journeymap.scenarios import Scenario, apply_scenario, compare
from journeymap.scenarios.comparing import compare_journeys

HEAD = """journeymap: 1
id: t
title: T
agencies: [{id: SSA, name: SSA}, {id: DMV, name: DMV}]
"""


def errors(text: str) -> list[str]:
    with pytest.raises(JourneyFileError) as info:
        parse_journey(text, source="j.yaml")
    return [str(p) for p in info.value.problems]


def with_scenarios(block: str, base: str | None = None) -> str:
    return (base or tiny_journey_text()) + "scenarios:\n" + block


def scenario(changes: list[dict[str, Any]]) -> Scenario:
    return Scenario.model_validate({"id": "s", "changes": changes})


# located errors --------------------------------------------------------------------------


def test_unknown_touchpoint_is_located_at_the_change() -> None:
    text = with_scenarios("  - id: s\n    changes:\n      - remove: z\n")
    assert errors(text) == [
        "j.yaml:27:17: scenarios[0].changes[0].remove: 'z' is not a touchpoint of this journey "
        "(known: a, b, c)"
    ]


def test_unknown_touchpoint_suggests_the_near_one() -> None:
    text = with_scenarios("  - id: s\n    changes:\n      - {touchpoint: B, drop_off: 0.1}\n")
    assert errors(text) == [
        "j.yaml:27:22: scenarios[0].changes[0].touchpoint: 'B' is not a touchpoint of this "
        "journey; did you mean 'b'?"
    ]


@pytest.mark.parametrize(
    ("target", "why"),
    [("a", "is where the journey starts"), ("c", "is an end of the journey")],
)
def test_start_and_end_cannot_be_removed(target: str, why: str) -> None:
    text = with_scenarios(f"  - id: s\n    changes:\n      - remove: {target}\n")
    assert errors(text) == [
        f"j.yaml:27:17: scenarios[0].changes[0].remove: cannot remove {target!r}: it {why}; "
        "change it with a touchpoint: change instead"
    ]


PARALLEL = (
    HEAD
    + """touchpoints:
  - {id: s, name: S, agency: SSA, split: all, next: [x, y]}
  - {id: x, name: X, agency: SSA, asks: [ssn], drop_off: 0.2, next: j}
  - {id: y, name: Y, agency: DMV, asks: [ssn], next: j}
  - {id: j, name: J, agency: SSA, join: all, next: e}
  - {id: e, name: E, agency: SSA}
"""
)


def test_split_and_join_cannot_be_removed() -> None:
    text = with_scenarios(
        "  - id: s1\n    changes:\n      - remove: j\n",
        base=PARALLEL.replace("{id: s,", "{id: p0, name: P, agency: SSA, next: s}\n  - {id: s,"),
    )
    assert errors(text) == [
        "j.yaml:15:17: scenarios[0].changes[0].remove: cannot remove 'j': it closes a parallel "
        "block (join: all); change it with a touchpoint: change instead"
    ]
    text = with_scenarios(
        "  - id: s1\n    changes:\n      - remove: s\n",
        base=PARALLEL.replace("{id: s,", "{id: p0, name: P, agency: SSA, next: s}\n  - {id: s,"),
    )
    assert errors(text)[0].endswith(
        "cannot remove 's': it opens a parallel block (split: all); change it with a "
        "touchpoint: change instead"
    )


def test_a_bad_value_is_located_at_its_key() -> None:
    text = with_scenarios("  - id: s\n    changes:\n      - touchpoint: b\n        drop_off: 2\n")
    assert errors(text) == [
        "j.yaml:28:19: scenarios[0].changes[0].drop_off: drop_off: input should be less than "
        "or equal to 1 (got 2)"
    ]


def test_a_change_that_breaks_the_journey_is_located_at_that_change() -> None:
    text = with_scenarios(
        "  - id: s\n    changes:\n      - add: {id: q, name: Q, agency: SSX, next: c}\n"
    )
    assert errors(text) == [
        "j.yaml:27:14: scenarios[0].changes[0].add: after this change the journey is invalid: "
        "touchpoint 'q': 'SSX' is not an agency of this journey (known: SSA, DMV)"
    ]


def test_a_change_that_breaks_a_parallel_block_is_located_at_that_change() -> None:
    base = PARALLEL.replace("{id: s,", "{id: p0, name: P, agency: SSA, next: s}\n  - {id: s,")
    text = with_scenarios("  - id: s1\n    changes:\n      - {touchpoint: x, next: e}\n", base)
    assert errors(text) == [
        "j.yaml:15:22: scenarios[0].changes[0].touchpoint: after this change the journey is "
        "invalid: touchpoint 'j': join: all at 'j' closes no parallel split (split: all); "
        "remove join or add the split",
        "j.yaml:15:22: scenarios[0].changes[0].touchpoint: after this change the journey is "
        "invalid: touchpoint 's': the parallel split at 's' is not closed by a join: all (the "
        "branches first meet at 'e', which has no join: all); lead every branch to one "
        "touchpoint marked join: all",
    ]


def test_ids_items_and_agencies_are_checked() -> None:
    text = with_scenarios(
        "  - id: s\n    changes:\n      - {ask_once: snn, agencies: [DMV, XX]}\n"
        "  - id: s\n    changes: []\n"
    )
    assert errors(text) == [
        "j.yaml:27:20: scenarios[0].changes[0].ask_once: 'snn' is not a declared data item nor "
        "a catalog id; use an id from data: or from `journeymap catalog`",
        "j.yaml:27:41: scenarios[0].changes[0].agencies[1]: 'XX' is not an agency of this "
        "journey (known: SSA, DMV)",
        "j.yaml:28:9: scenarios[1].id: duplicate scenario id 's' (already used by scenarios[0]); "
        "scenario ids must be unique",
    ]


def test_a_change_is_exactly_one_kind() -> None:
    text = with_scenarios("  - id: s\n    changes:\n      - {remove: b, ask_once: ssn}\n")
    assert errors(text) == [
        "j.yaml:27:9: scenarios[0].changes[0]: a change is exactly one of ask_once:, "
        "touchpoint:, remove: or add: (this one has ask_once:, remove:); write each change as "
        "its own list entry"
    ]


def test_the_id_of_a_touchpoint_cannot_change() -> None:
    text = with_scenarios("  - id: s\n    changes:\n      - {touchpoint: b, id: z}\n")
    assert errors(text) == [
        "j.yaml:27:29: scenarios[0].changes[0].id: the id of a touchpoint cannot be changed; "
        "remove it and add a new one"
    ]


def test_apply_scenario_raises_with_the_change_as_path() -> None:
    j = parse_journey(tiny_journey_text())
    with pytest.raises(JourneyFileError) as info:
        apply_scenario(j, scenario([{"remove": "nope"}]))
    assert str(info.value) == (
        "scenario 's': changes[0].remove: 'nope' is not a touchpoint of this journey "
        "(known: a, b, c)"
    )


# applying --------------------------------------------------------------------------------

ALTERNATIVES = (
    HEAD
    + """touchpoints:
  - id: a
    name: A
    agency: SSA
    next: [{to: b, share: 0.5}, {to: c, share: 0.5, wait: 2d}]
  - {id: b, name: B, agency: SSA, asks: [ssn], duration: 4d, next: d}
  - id: c
    name: C
    agency: DMV
    duration: 2d
    drop_off: 0.2
    next: [{to: d, share: 0.6, wait: 1d}, {to: e, share: 0.4}]
  - {id: d, name: D, agency: DMV, asks: [ssn], duration: 1d, next: e}
  - {id: e, name: E, agency: DMV}
"""
)


def test_remove_leads_arrows_on_with_shares_multiplied_and_waits_added() -> None:
    j = parse_journey(ALTERNATIVES)
    future = apply_scenario(j, scenario([{"remove": "c"}]))
    a = future.touchpoint("a")
    assert [(n.to, n.share, str(n.wait) if n.wait else None) for n in a.next] == [
        ("b", 0.5, None),
        ("d", 0.3, "3d"),
        ("e", 0.2, "2d"),
    ]
    assert [t.id for t in future.touchpoints] == ["a", "b", "d", "e"]


def test_partial_ask_once_stays_in_the_file() -> None:
    j = parse_journey(ALTERNATIVES)
    future = apply_scenario(j, scenario([{"ask_once": "ssn"}]))
    assert future.touchpoint("d").asks == ("ssn",)  # people who came through c were not asked


# exact comparisons -----------------------------------------------------------------------


def measures_of(text: str, changes: list[dict[str, Any]]) -> tuple[Measures, Measures]:
    data = yaml.safe_load(text)
    data["scenarios"] = [{"id": "s", "changes": changes}]
    c = compare(Journey.model_validate(data))
    return c.baseline, c.alternatives[0].measures


LINEAR = (
    HEAD
    + """touchpoints:
  - {id: a, name: A, agency: SSA, asks: [ssn], effort: 1h, duration: 5d, drop_off: 0.1, next: b}
  - {id: b, name: B, agency: DMV, asks: [ssn, photo_id], effort: 2h, duration: 1d, next: c}
  - {id: c, name: C, agency: DMV}
"""
)


def test_linear_ask_once_by_hand() -> None:
    base, after = measures_of(LINEAR, [{"ask_once": "ssn", "effort_saved": "30min"}])
    assert base.completion_per_1000 == pytest.approx(900)
    assert base.expected_days == pytest.approx(6) and base.critical_path_days == pytest.approx(6)
    assert base.requests == pytest.approx(1 + 0.9 * 2)
    assert base.repeat_requests == pytest.approx(0.9)
    assert base.time_tax_hours == pytest.approx(1 + 0.9 * 2)
    assert base.handoffs == pytest.approx(0.9)
    assert after.requests == pytest.approx(1 + 0.9)
    assert after.repeat_requests == pytest.approx(0)
    assert after.time_tax_hours == pytest.approx(1 + 0.9 * 1.5)
    assert after.time_tax_hours_per_period == pytest.approx(1000 * 2.35)
    assert (after.completion_per_1000, after.expected_days, after.handoffs) == (
        base.completion_per_1000,
        base.expected_days,
        base.handoffs,
    )


def test_linear_touchpoint_change_by_hand() -> None:
    _, after = measures_of(
        LINEAR, [{"touchpoint": "b", "duration": "3d"}, {"touchpoint": "a", "drop_off": 0.5}]
    )
    assert after.expected_days == pytest.approx(8)
    assert after.critical_path_days == pytest.approx(8)
    assert after.completion_per_1000 == pytest.approx(500)
    assert after.abandonment_per_1000 == pytest.approx(500)
    assert after.requests == pytest.approx(1 + 0.5 * 2)
    assert after.handoffs == pytest.approx(0.5)


def test_alternatives_partial_ask_once_by_hand() -> None:
    base, after = measures_of(ALTERNATIVES, [{"ask_once": "ssn"}])
    # visits: b 0.5, c 0.5, d 0.5 + 0.5 * 0.8 * 0.6 = 0.74
    assert base.requests == pytest.approx(0.5 + 0.74)
    assert base.repeat_requests == pytest.approx(0.5)  # b then d: asked twice
    assert after.requests == pytest.approx(0.5 + 0.24)  # d asks only those who came via c
    assert after.repeat_requests == pytest.approx(0)
    assert base.completion_per_1000 == pytest.approx(900)
    assert base.handoffs == pytest.approx(0.5 + 0.5 + 0)  # a->c, b->d (SSA->DMV)


LOOP = (
    HEAD
    + """touchpoints:
  - {id: a, name: A, agency: SSA, asks: [ssn], effort: 1h, next: b}
  - {id: b, name: B, agency: SSA, duration: 2d, next: [{to: a, share: 0.5}, {to: c, share: 0.5}]}
  - {id: c, name: C, agency: SSA}
"""
)


def test_loop_ask_once_by_hand() -> None:
    base, after = measures_of(LOOP, [{"ask_once": "ssn", "effort_saved": "1h"}])
    assert base.requests == pytest.approx(2)  # a is visited 1 / (1 - 0.5) times
    assert base.repeat_requests == pytest.approx(1)
    assert base.time_tax_hours == pytest.approx(2)
    assert after.requests == pytest.approx(1)
    assert after.repeat_requests == pytest.approx(0)
    assert after.time_tax_hours == pytest.approx(1)
    assert after.expected_days == pytest.approx(base.expected_days) == pytest.approx(4)


def test_parallel_block_by_hand() -> None:
    base, after = measures_of(PARALLEL, [{"ask_once": "ssn"}, {"touchpoint": "y", "drop_off": 0.5}])
    assert base.completion_per_1000 == pytest.approx(800)
    assert base.requests == pytest.approx(2)
    assert base.repeat_requests == pytest.approx(1)
    assert after.completion_per_1000 == pytest.approx(400)
    assert after.requests == pytest.approx(1)  # x asks everyone; y (a later branch) no longer
    assert after.repeat_requests == pytest.approx(0)
    # s->y, and y->j for the half who finish with the DMV: without durations the branches
    # tie, so people are split equally between the branches they finish last
    assert base.handoffs == pytest.approx(1.5)
    future = apply_scenario(parse_journey(PARALLEL), scenario([{"ask_once": "ssn"}]))
    assert future.touchpoint("y").asks == ()


def test_removing_an_empty_step_changes_only_the_touchpoint_count() -> None:
    text = LINEAR.replace("next: b}", "next: m}\n  - {id: m, name: M, agency: SSA, next: b}")
    base, after = measures_of(text, [{"remove": "m"}])
    assert after.minus(base) == Measures(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1)


def test_attribution_sums_exactly_to_the_total() -> None:
    data = yaml.safe_load(LINEAR)
    data["scenarios"] = [
        {
            "id": "s",
            "changes": [
                {"ask_once": "ssn", "effort_saved": "30min"},
                {"touchpoint": "a", "drop_off": 0.3},
                {"add": {"id": "q", "name": "Q", "agency": "DMV", "duration": "2d", "next": "c"}},
                {"touchpoint": "b", "next": "q"},
            ],
        }
    ]
    alt = compare(Journey.model_validate(data)).alternatives[0]
    assert [a.changes for a in alt.attribution] == [(0,), (1,), (2, 3), ()]
    total = alt.attribution[0].difference
    assert total is not None
    for part in alt.attribution[1:]:
        assert part.difference is not None
        total = total.plus(part.difference)
    for name, value in vars_of(total).items():
        assert value == pytest.approx(vars_of(alt.difference)[name], abs=1e-9)


def vars_of(m: Measures) -> dict[str, Any]:
    return {k: getattr(m, k) for k in m.__dataclass_fields__}


def test_a_scenario_that_changes_nothing_says_so() -> None:
    data = yaml.safe_load(LINEAR)
    data["scenarios"] = [{"id": "nothing", "changes": [{"ask_once": "email"}]}]
    alt = compare(Journey.model_validate(data)).alternatives[0]
    assert alt.same_as_baseline and alt.structure.is_empty()


def test_two_files_structural_difference() -> None:
    current = parse_journey(LINEAR)
    future = parse_journey(
        LINEAR.replace("asks: [ssn, photo_id], effort: 2h", "asks: [photo_id], effort: 1h").replace(
            "agency: DMV, asks", "agency: SSA, asks"
        )
    )
    c = compare_journeys(current, future)
    s = c.alternatives[0].structure
    assert s.touchpoints_changed[0].touchpoint == "b"
    assert s.touchpoints_changed[0].keys == ("agency", "asks", "effort")
    assert s.requests_removed == (Request("b", "ssn"),)
    assert s.handoffs_removed == (Arrow("a", "b"),) and s.handoffs_added == (Arrow("b", "c"),)
    assert c.alternatives[0].difference.time_tax_hours == pytest.approx(-0.9)


# properties ------------------------------------------------------------------------------

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(flow_journeys())
def test_an_empty_scenario_equals_the_baseline(doc: dict[str, Any]) -> None:
    doc = {**doc, "scenarios": [{"id": "empty", "changes": []}]}
    alt = compare(Journey.model_validate(doc)).alternatives[0]
    assert alt.same_as_baseline
    assert alt.difference.is_zero()


@SETTINGS
@given(flow_journeys())
def test_ask_once_never_increases_requests(doc: dict[str, Any]) -> None:
    items = sorted({i for t in doc["touchpoints"] for i in t.get("asks", [])})[:3]
    doc = {**doc, "scenarios": [{"id": "once", "changes": [{"ask_once": i} for i in items]}]}
    c = compare(Journey.model_validate(doc))
    after = c.alternatives[0].measures
    assert after.requests <= c.baseline.requests + 1e-9
    assert after.repeat_requests <= c.baseline.repeat_requests + 1e-9
    assert after.completion_per_1000 == pytest.approx(c.baseline.completion_per_1000)


def test_an_unknown_touchpoint_key_is_named() -> None:
    text = with_scenarios("  - id: s\n    changes:\n      - {touchpoint: b, durations: 2d}\n")
    assert errors(text) == [
        "j.yaml:27:36: scenarios[0].changes[0].durations: unknown touchpoint key 'durations'; "
        "did you mean 'duration'?"
    ]


def test_the_package_exports_the_functions() -> None:
    import journeymap
    from journeymap import scenarios
    from journeymap.scenarios.comparing import compare
    from journeymap.scenarios.suggesting import suggest

    assert journeymap.compare is scenarios.compare is compare
    assert journeymap.suggest is scenarios.suggest is suggest
    assert journeymap.apply_scenario is scenarios.apply_scenario


def test_compare_checks_the_population_as_the_analysis_does() -> None:
    from journeymap.exceptions import UsageError

    journey = parse_journey(PARALLEL)
    with pytest.raises(UsageError) as err:
        compare_journeys(journey, journey, population=0)
    assert str(err.value) == "population must be a whole number from 1 to 10,000,000,000, not 0"
    assert err.value.parameter == "population"
