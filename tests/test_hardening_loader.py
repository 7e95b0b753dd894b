"""Hostile files, paths and numbers: located errors, never a hang or a crash (loader side)."""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import tiny_journey_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap import JourneyFileError, check_journey, check_journey_file, parse_journey
from journeymap.analysis import analyze
from journeymap.exceptions import UsageError
from journeymap.loading import find_journey_files, load_mapping
from journeymap.yamlsafe import MAX_VALUES


def problems_of(text: str) -> list[str]:
    return [str(p) for p in check_journey(text, source="j.yaml").problems]


def replace(old: str, new: str) -> str:
    text = tiny_journey_text()
    assert old in text
    return text.replace(old, new, 1)


def finishes(work: Any, seconds: float = 20.0) -> list[Any]:
    """Run ``work`` in a thread; fail (instead of hanging) when it does not return in time."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked: the call did not return"
    return out


# --- special files and paths -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    (result,) = finishes(lambda: check_journey_file(fifo))
    assert [str(p) for p in result.problems] == [
        f"{fifo}: is a named pipe (FIFO), not a journey file; give the path of a .yaml file"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_mapping_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "map.yaml"
    os.mkfifo(fifo)

    def load() -> str:
        with pytest.raises(JourneyFileError) as err:
            load_mapping(fifo)
        return str(err.value)

    assert finishes(load) == [
        f"{fifo}: is a named pipe (FIFO), not a journey file; give the path of a .yaml file"
    ]


def test_directory_is_refused(tmp_path: Path) -> None:
    result = check_journey_file(tmp_path)
    assert [str(p) for p in result.problems] == [
        f"{tmp_path}: is a directory, not a journey file; give the path of a .yaml file"
    ]


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_device_is_refused() -> None:
    result = check_journey_file("/dev/null")
    assert [str(p) for p in result.problems] == [
        "/dev/null: is a character device, not a journey file; give the path of a .yaml file"
    ]


def test_a_300_character_file_name_is_an_error_not_a_crash(tmp_path: Path) -> None:
    name = tmp_path / ("a" * 295 + ".yaml")
    result = check_journey_file(name)
    assert [str(p) for p in result.problems] == [
        f"{name}: cannot read the file: File name too long"
    ]
    with pytest.raises(UsageError) as err:
        list(find_journey_files([name]))
    shown = str(name)[:60] + "..." + str(name)[-40:]
    assert str(err.value) == f"{shown}: cannot read: File name too long"


def test_directories_yield_only_regular_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(tiny_journey_text(), encoding="utf-8")
    (tmp_path / "sub.yaml").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
    assert list(find_journey_files([tmp_path])) == [tmp_path / "a.yaml"]


# --- the format version ------------------------------------------------------------------


@pytest.mark.parametrize(("written", "shown"), [("1.0", "1.0"), ("true", "true")])
def test_version_must_be_the_integer_1(written: str, shown: str) -> None:
    assert problems_of(replace("journeymap: 1", f"journeymap: {written}")) == [
        f"j.yaml:1:13: journeymap: unsupported format version {shown}: the version is the "
        "whole number 1; write 'journeymap: 1'"
    ]


# --- numbers that the analysis could not use ---------------------------------------------


def test_population_is_bounded() -> None:
    assert (
        problems_of(replace("title: Tiny journey", "title: Tiny journey\npopulation: 10000000000"))
        == []
    )
    text = replace("title: Tiny journey", "title: Tiny journey\npopulation: 10000000001")
    assert problems_of(text) == [
        "j.yaml:4:13: population: 10000000001 is out of range: population is a whole number "
        "of people from 1 to 10,000,000,000"
    ]
    huge = "1" + "0" * 400
    assert problems_of(
        replace("title: Tiny journey", f"title: Tiny journey\npopulation: {huge}")
    ) == [
        f"j.yaml:4:13: population: {huge[:40]}… (401 digits) is out of range: population is a "
        "whole number of people from 1 to 10,000,000,000"
    ]


def test_starts_is_bounded() -> None:
    assert problems_of(
        replace("    drop_off: 0.1\n", "    drop_off: 0.1\n    starts: 10000000001\n")
    ) == [
        "j.yaml:14:13: touchpoints[0].starts: 10000000001 is out of range: starts is a whole "
        "number of people from 0 to 10,000,000,000"
    ]


@pytest.mark.parametrize(
    ("duration", "column", "message"),
    [
        (
            "{median: 5d, p90: 1e300d}",
            33,
            "touchpoints[0].duration.p90: '1e300d' is longer than 100 years, the longest "
            "duration a journey file may give; check the number and the unit",
        ),
        (
            "36501d",
            15,
            "touchpoints[0].duration: '36501d' is longer than 100 years, the longest duration "
            "a journey file may give; check the number and the unit",
        ),
        (
            "P101Y",
            15,
            "touchpoints[0].duration: 'P101Y' is longer than 100 years, the longest duration "
            "a journey file may give; check the number and the unit",
        ),
        (
            "1e400d",
            15,
            "touchpoints[0].duration: '1e400d' is longer than 100 years, the longest duration "
            "a journey file may give; check the number and the unit",
        ),
    ],
)
def test_durations_are_bounded(duration: str, column: int, message: str) -> None:
    assert problems_of(replace("duration: 5d", f"duration: {duration}")) == [
        f"j.yaml:12:{column}: {message}"
    ]


def test_a_hundred_years_is_allowed() -> None:
    assert problems_of(replace("duration: 5d", "duration: 36500d")) == []


def test_share_has_a_minimum() -> None:
    text = replace("next: b\n", "next:\n      - {to: b, share: 1}\n      - {to: c, share: 1e-7}\n")
    assert problems_of(text) == [
        "j.yaml:16:24: touchpoints[0].next[1].share: 1e-07 is out of range: share is a share "
        "of the people who go on, from 0.000001 to 1"
    ]


def test_share_beside_one_in_a_loop_is_analysed_exactly() -> None:
    # 1 + 0.0009 is within the tolerance; the shares are used as parts of their sum
    text = replace(
        "next: b\n", "next:\n      - {to: a, share: 1.0}\n      - {to: b, share: 0.0009}\n"
    )
    journey = parse_journey(text)
    report = analyze(journey)
    a = report.touchpoint("a")
    # leaving a: 0.9 go on x 0.0009/1.0009 of them to b; the rest come back
    back = 0.9 * 1.0 / 1.0009
    assert a.expected_visits == pytest.approx(1 / (1 - back), rel=1e-12)
    assert report.metrics.completion_rate == pytest.approx(
        0.9 * 0.0009 / 1.0009 / (1 - back), rel=1e-12
    )


# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "code"), [("\\x07", "0007"), ("\\x85", "0085"), ("\\x7f", "007F"), ("\\x1b", "001B")]
)
def test_control_characters_are_located_errors(escape: str, code: str) -> None:
    shown = repr("Ap" + chr(int(code, 16)) + "ply")
    assert problems_of(replace("name: Apply", f'name: "Ap{escape}ply"')) == [
        f"j.yaml:9:11: touchpoints[0].name: {shown} contains the control character U+{code}: "
        "remove it; control characters are invisible in editors and break reports and maps"
    ]


def test_tab_and_newline_are_fine_in_free_text() -> None:
    assert (
        problems_of(replace("name: Apply", 'name: "Ap\\tply"\n    description: "one\\ntwo"')) == []
    )


def test_zero_width_character_in_an_id_is_an_error() -> None:
    text = replace("  - id: c\n", '  - id: "c\\u200b"\n').replace("next: c\n", 'next: "c\\u200b"\n')
    assert problems_of(text) == [
        "j.yaml:20:11: touchpoints[1].next: the id 'c\\u200b' contains the invisible character "
        "U+200B ZERO WIDTH SPACE: remove it; an id must look exactly like what it is",
        "j.yaml:21:9: touchpoints[2].id: the id 'c\\u200b' contains the invisible character "
        "U+200B ZERO WIDTH SPACE: remove it; an id must look exactly like what it is",
    ]


def test_bidi_override_in_text_is_a_warning() -> None:
    assert problems_of(replace("title: Tiny journey", 'title: "Tiny \\u202ejourney"')) == [
        "j.yaml:3:8: warning: title: 'Tiny \\u202ejourney' contains the bidirectional control "
        "U+202E RIGHT-TO-LEFT OVERRIDE, which can make text display in another order than it "
        "is written; remove it"
    ]


def test_homoglyph_ids_are_warned() -> None:
    text = replace(
        "  - {id: DMV, name: State DMV, level: state}\n",
        "  - {id: DMV, name: State DMV, level: state}\n  - {id: DМV, name: Other DMV}\n",
    )
    text = text.replace("    name: Done\n    agency: DMV\n", "    name: Done\n    agency: DМV\n")
    assert problems_of(text) == [
        "j.yaml:7:10: warning: agencies[2].id: agency id 'DМV' looks the same as 'DMV' "
        "(agencies[1]) but is spelt differently (they differ in U+041C CYRILLIC CAPITAL LETTER "
        "EM); use one spelling, in plain letters"
    ]


def test_reference_to_a_look_alike_id_says_so() -> None:
    text = replace("  - id: c\n", "  - id: с\n")  # Cyrillic es
    assert problems_of(text) == [
        "j.yaml:20:11: touchpoints[1].next: 'c' is not a touchpoint of this journey; did you "
        "mean 'с'? It looks the same but is spelt differently (they differ in U+0441 CYRILLIC "
        "SMALL LETTER ES)"
    ]


# --- sizes ---------------------------------------------------------------------------------


def test_many_values_without_aliases_are_not_an_alias_bomb() -> None:
    many = ", ".join(["x"] * (MAX_VALUES + 10))
    text = replace("    asks: [ssn]\n", f"    asks: [ssn]\n    pain_points: [{many}]\n")
    result = check_journey(text, source="j.yaml")
    assert result.problems == ()
    assert result.journey is not None
    assert len(result.journey.touchpoints[0].pain_points) == MAX_VALUES + 10


def test_aliases_that_expand_past_the_limit_are_still_an_alias_bomb() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert problems_of("\n".join(lines) + "\n") == [
        f"j.yaml:6:4: the document expands to more than {MAX_VALUES:,} values (an alias bomb?); "
        "journey files are written by hand: remove the aliases"
    ]


# --- every number the loader accepts can be analysed ---------------------------------------

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["1e400", "-1e400", "1e-400", ".inf", "-.inf", ".nan", "0", "1" + "0" * 400, "0x7f"]
    ),
)
unit = st.sampled_from(["min", "h", "d", "w", "mo"])
durations = st.one_of(
    st.builds(lambda n, u: f"{n}{u}", st.floats(min_value=0, allow_infinity=True).map(repr), unit),
    st.builds(lambda n: f"P{n}Y", st.integers(min_value=0, max_value=10**6)),
    st.sampled_from(["1e300d", "1e308w", "P1e3Y", "36500d", "52560000min", "0min"]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["drop_off", "share", "population", "starts", "satisfaction", "emotion"]),
    numbers,
    durations,
    durations,
)
def test_hostile_numbers_give_a_journey_file_error_or_an_analysable_journey(
    field: str, number: str, median: str, p90: str
) -> None:
    text = replace("duration: 5d", f"duration: {{median: {median}, p90: {p90}}}")
    if field == "drop_off":
        text = text.replace("drop_off: 0.1", f"drop_off: {number}")
    elif field == "share":
        text = text.replace(
            "next: b\n",
            f"next:\n      - {{to: a, share: {number}}}\n      - {{to: b, share: 0.5}}\n",
        )
    elif field == "population":
        text = text.replace("title: Tiny journey", f"title: Tiny journey\npopulation: {number}")
    else:
        text = text.replace("    drop_off: 0.1\n", f"    drop_off: 0.1\n    {field}: {number}\n")
    try:
        journey = parse_journey(text)
    except JourneyFileError:
        return
    report = analyze(journey, runs=100)
    m = report.metrics
    assert 0 <= m.completion_rate <= 1
    assert m.expected_days_for_completers is None or m.expected_days_for_completers >= 0


def test_checking_a_large_text_restores_the_collector() -> None:
    import gc

    padding = "# " + "x" * 300_000 + "\n"
    assert check_journey(padding + tiny_journey_text()).problems == ()
    assert gc.isenabled()


# --- a value of 5,000 characters is quoted short ---------------------------------------------

_DIGITS = "1234567890" * 500
_SHOWN = "'1234567890123456789012345678901234567890…'"


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "title: Tiny journey",
            f"title: Tiny journey\npopulation: {_DIGITS}",
            "4:13: population",
            f"{_SHOWN} (5,000 digits) is too large a number",
        ),
        (
            "title: Tiny journey",
            f"title: Tiny journey\npopulation: -{_DIGITS}",
            "4:13: population",
            "'-123456789012345678901234567890123456789…' (5,000 digits) is too large a number",
        ),
        (
            "title: Tiny journey",
            f"title: Tiny journey\npopulation: {_DIGITS}.5",
            "4:13: population",
            f"{_SHOWN} is too large a number (the largest is about 1.8e308); check it",
        ),
        (
            "title: Tiny journey",
            f"title: Tiny journey\npopulation: 0x{'f' * 5000}",
            "4:13: population",
            "a whole number of about 6,021 digits is out of range: population is a whole number "
            "of people from 1 to 10,000,000,000",
        ),
        (
            "duration: 5d",
            f"duration: {_DIGITS}d",
            "12:15: touchpoints[0].duration",
            f"{_SHOWN} is longer than 100 years, the longest duration a journey file may give; "
            "check the number and the unit",
        ),
        (
            "duration: 5d",
            f"duration: {_DIGITS}x",
            "12:15: touchpoints[0].duration",
            f"{_SHOWN} has an unknown unit 'x'; write a number with a unit: 30min, 2h, 5d, 3w, "
            "2mo (30 days), 10y (365 days), or ISO 8601 such as P5D",
        ),
        (
            "duration: 5d",
            f"duration: {{median: 1d, p90: P{_DIGITS}D}}",
            "12:33: touchpoints[0].duration.p90",
            "'P123456789012345678901234567890123456789…' is longer than 100 years, the longest "
            "duration a journey file may give; check the number and the unit",
        ),
        (
            "name: Apply",
            f"name: {_DIGITS}",
            "9:11: touchpoints[0].name",
            f"{_SHOWN} (5,000 digits) is too large a number",
        ),
        (
            "name: Apply",
            f"name: {_DIGITS[:4000]}",
            "9:11: touchpoints[0].name",
            "expected text, got 1234567890123456789012345678901234567890… (4,000 digits); put "
            f"it in quotes: {_SHOWN}",
        ),
    ],
)
def test_a_value_of_5000_characters_is_quoted_short(
    old: str, new: str, where: str, message: str
) -> None:
    assert problems_of(replace(old, new)) == [f"j.yaml:{where}: {message}"]


# --- a median and a p90 that no time can be drawn from -------------------------------------


@pytest.mark.parametrize(
    ("duration", "column", "message"),
    [
        (
            "{median: 5e-21min, p90: P1Y}",
            39,
            "p90 '365d' is more than 100 times the median '5e-21min', too wide a spread to "
            "draw times from; give the mean too (mean: ...), or make the slow cases an "
            "alternative of their own",
        ),
        (
            "{median: 1min, p90: 101min}",
            35,
            "p90 '101min' is more than 100 times the median '1min', too wide a spread to "
            "draw times from; give the mean too (mean: ...), or make the slow cases an "
            "alternative of their own",
        ),
        (
            "{median: 2y, p90: 100y}",
            33,
            "with the median '730d' and p90 '36500d' the times drawn (a lognormal through "
            "them) average 211 years, more than the 100 a duration may be; give the mean too "
            "(mean: ...), or check the numbers",
        ),
        (
            "{median: 10d, p90: 5d}",
            34,
            "p90 '5d' is shorter than the median '10d'; the 90th percentile is at least the median",
        ),
    ],
)
def test_a_spread_no_time_can_be_drawn_from_is_a_located_error(
    duration: str, column: int, message: str
) -> None:
    assert problems_of(replace("duration: 5d", f"duration: {duration}")) == [
        f"j.yaml:12:{column}: touchpoints[0].duration.p90: {message}"
    ]


@pytest.mark.parametrize(
    "duration",
    [
        "{median: 1d, p90: 100d}",  # 100 times: the widest spread without a mean
        "{median: 5e-21min, p90: P1Y, mean: 30d}",  # with the mean, the mean is used
        "{median: 0min, p90: 2d}",  # no lognormal is drawn from a median of 0
        "{median: 365d, p90: 730d}",  # examples/life_events/disaster-recovery.yaml
        "{median: 1y, p90: 10y}",
    ],
)
def test_realistic_spreads_are_valid(duration: str) -> None:
    assert problems_of(replace("duration: 5d", f"duration: {duration}")) == []


def test_the_overflowing_pair_is_an_error_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from journeymap.cli import cli

    path = tmp_path / "j.yaml"
    path.write_text(replace("duration: 5d", "duration: {median: 5e-21min, p90: P1Y}"))
    result = CliRunner().invoke(cli, ["analyze", str(path)])
    assert result.exit_code == 1
    assert "internal error" not in result.output + result.stderr
    assert f"{path}:12:39: touchpoints[0].duration.p90: p90 '365d' is more than 100 times" in (
        result.stderr
    )


def test_a_scenario_may_not_change_a_duration_to_an_impossible_spread() -> None:
    text = tiny_journey_text() + (
        "scenarios:\n"
        "  - id: wide\n"
        "    changes:\n"
        "      - {touchpoint: a, duration: {median: 1min, p90: 1y}}\n"
    )
    assert problems_of(text) == [
        "j.yaml:27:55: scenarios[0].changes[0].duration.p90: p90 '365d' is more than 100 times "
        "the median '1min', too wide a spread to draw times from; give the mean too "
        "(mean: ...), or make the slow cases an alternative of their own"
    ]


def test_removing_a_touchpoint_may_not_join_waits_into_more_than_100_years() -> None:
    text = replace("    next: b\n", "    next: [{to: b, wait: 60y}]\n").replace(
        "    duration: 1d\n    next: c\n", "    duration: 1d\n    next: [{to: c, wait: 60y}]\n"
    ) + ("scenarios:\n  - id: quicker\n    changes:\n      - remove: b\n")
    assert problems_of(text) == [
        "j.yaml:27:17: scenarios[0].changes[0].remove: cannot remove 'b': it has waits before "
        "and after it that add up to more than 100 years (from 'a' to 'c'), the longest a "
        "wait may be; change it with a touchpoint: change instead"
    ]


_MAX_DAYS = 36500.0
amounts = st.one_of(
    st.floats(min_value=1e-30, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-21, 1e-300, 5e-324, 0.0, 1.0, 100.0, 36500.0, 52560000.0]),
)
units = st.sampled_from(["min", "h", "d", "y"])
written = st.builds(lambda n, u: f"{n!r}{u}", amounts, units)
# a p90 as a multiple of the median, mostly near the limits of what is accepted
spreads = st.one_of(
    st.floats(min_value=1, max_value=100),
    st.floats(min_value=1, max_value=1e30),
    st.sampled_from([1.0, 26.6, 99.99, 100.0, 100.01]),
)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(amounts, units, spreads, st.one_of(st.none(), written), written)
def test_every_duration_pair_the_loader_accepts_gives_bounded_numbers(
    median_amount: float, unit: str, spread: float, mean: str | None, effort: str
) -> None:
    median, p90 = f"{median_amount!r}{unit}", f"{median_amount * spread!r}{unit}"
    stats = f"median: {median}, p90: {p90}" + (f", mean: {mean}" if mean else "")
    text = replace("duration: 5d", f"duration: {{{stats}}}\n    effort: {effort}")
    try:
        journey = parse_journey(text)
    except JourneyFileError:
        return
    m = analyze(journey).metrics
    # a: at most 100 years on average (the second touchpoint, b, takes 1 day)
    for value, bound in [
        (m.expected_days_for_completers, _MAX_DAYS + 1),
        (m.critical_path_days, _MAX_DAYS + 1),
        (m.elapsed_p50_days, 2 * _MAX_DAYS + 1),
        (m.elapsed_p90_days, 2 * _MAX_DAYS + 1),
        (m.expected_effort_hours, _MAX_DAYS * 24),
    ]:
        assert value is None or (math.isfinite(value) and 0 <= value <= bound * (1 + 1e-9))


@pytest.mark.parametrize("factor", [0.1, 0.3, 0.7, 1 / 3, 0.9, 1e-5])
def test_a_pair_at_the_limit_scaled_by_a_factor_stays_valid(factor: float) -> None:
    """Scenario suggestions scale median and p90 alike: rounding must not push them over."""
    from journeymap import Duration, DurationStats

    for median in (3.0, 7.0, 1440.0, 11.0):
        stats = DurationStats(median=Duration(median * factor), p90=Duration(100 * median * factor))
        assert stats.spread_problem() is None


def test_a_5000_character_value_is_quoted_short_in_every_rule() -> None:
    """Whole-journey rules quote values as the loader does: 40 characters and an ellipsis."""
    from journeymap import check_journey

    long = "X" * 5000
    result = check_journey(
        "journeymap: 1\nid: t\ntitle: T\nagencies: [{id: A, name: A}]\n"
        f"touchpoints:\n  - {{id: a, name: A, agency: {long}, next: {long}}}\n",
        source="j.yaml",
    )
    lines = [str(p) for p in result.problems]
    assert lines[:2] == [
        f"j.yaml:6:30: touchpoints[0].agency: '{'X' * 40}…' is not an agency of this journey "
        "(known: A)",
        f"j.yaml:6:5038: touchpoints[0].next: '{'X' * 40}…' is not a touchpoint of this journey "
        "(known: a)",
    ]
    assert all(len(line) < 200 for line in lines)
