"""Fuzzing the Python API: wrong types and out-of-range values give the library's own errors.

A caller who passes None, one string for a list of paths, a dict for a Journey, a float for a
whole number or a bool gets a :class:`~journeymap.exceptions.JourneymapTypeError`; a value out
of range (population 0, min_cell 0, a negative cutoff) a
:class:`~journeymap.exceptions.UsageError`. Both derive from
:class:`~journeymap.exceptions.JourneymapError`; never an AttributeError or a KeyError from
deep inside.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import tiny_journey_text
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap import analyze, parse_journey
from journeymap.durations import parse_duration
from journeymap.events import read_event_log
from journeymap.exceptions import JourneymapError, JourneymapTypeError, UsageError
from journeymap.loading import (
    check_journey,
    check_journey_file,
    dump_journey,
    find_journey_files,
    load_journey,
    load_mapping,
)
from journeymap.observed import ColumnMap
from journeymap.output import write_output
from journeymap.render.html import write_narrative
from journeymap.render.map import MapOptions, render_map, write_map
from journeymap.render.text import render_json, render_markdown, render_outline, render_text
from journeymap.specs import AnalysisOptions, EngineSettings
from journeymap.study import EventOptions, FeedbackOptions, Study, analyze_file, analyze_paths

JOURNEY = parse_journey(tiny_journey_text())
REPORT = analyze(JOURNEY)

#: Values of every wrong kind: nothing, text, bytes, numbers at and past every bound, bools,
#: containers, and the library's own objects where another one belongs.
WRONG = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            0,
            -5,
            10**400,
            2.5,
            5.0,
            float("nan"),
            float("inf"),
            -0.0,
            "",
            "j.yaml",
            b"j.yaml",
            [],
            {},
            ["j.yaml", 3],
            {"journeymap": 1},
            JOURNEY.model_dump(),
            JOURNEY,
            REPORT,
            ColumnMap(),
            object(),
        ]
    ),
    st.text(max_size=8),
    st.integers(),
    st.floats(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A journey, a log and a mapping; the tests run with this folder as the current one."""
    path = tmp_path_factory.mktemp("api")
    (path / "j.yaml").write_text(tiny_journey_text())
    (path / "log.csv").write_text(
        "case_id,activity,timestamp\nx,a,2024-01-01\nx,b,2024-01-02\nx,c,2024-01-03\n"
    )
    (path / "map.yaml").write_text("Apply: a\n")
    old = os.getcwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(old)


# One valid call per function; the fuzzer replaces one argument with a wrong value.
Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
CALLS: dict[str, Call] = {
    "check_journey": (check_journey, (tiny_journey_text(),), {"source": "s.yaml"}),
    "load_journey": (load_journey, ("j.yaml",), {}),
    "check_journey_file": (check_journey_file, ("j.yaml",), {}),
    "load_mapping": (load_mapping, ("map.yaml",), {}),
    "dump_journey": (dump_journey, (JOURNEY,), {"schema_comment": True}),
    "find_journey_files": (lambda p: list(find_journey_files(p)), (["j.yaml"],), {}),
    "analyze": (analyze, (JOURNEY,), {"population": 10, "runs": 100, "seed": 1, "top": 3}),
    "analyze.observed": (analyze, (JOURNEY,), {"observed": None, "feedback": None}),
    "analyze_file": (
        analyze_file,
        ("j.yaml",),
        {"population": 10, "seed": 0, "runs": 100, "top": 5, "events": None, "feedback": None},
    ),
    "analyze_paths": (
        analyze_paths,
        (["j.yaml"],),
        {"population": 10, "seed": 0, "runs": 100, "top": 5, "events": None, "feedback": None},
    ),
    "EventOptions": (
        EventOptions,
        (),
        {
            "paths": ("log.csv",),
            "activity_map": {},
            "columns": ColumnMap(),
            "since": None,
            "until": None,
            "cutoff_days": 30.0,
            "min_cell": 1,
            "ends": (),
            "by": None,
            "every": None,
        },
    ),
    "FeedbackOptions": (FeedbackOptions, (), {"paths": (), "mapping": {}, "min_cell": None}),
    "Study": (
        Study,
        (JOURNEY,),
        {"path": "j.yaml", "events": None, "feedback": None, "engine": None, "options": None},
    ),
    "EngineSettings": (
        EngineSettings,
        (),
        {"engine": "duckdb", "timezone": "UTC", "memory_limit": "1GB", "threads": 2},
    ),
    "AnalysisOptions": (AnalysisOptions, (), {"population": 10, "runs": 100, "seed": 0, "top": 5}),
    "read_event_log": (
        read_event_log,
        (["log.csv"],),
        {
            "journey": JOURNEY,
            "columns": None,
            "activity_map": None,
            "since": None,
            "until": None,
            "cutoff_days": 30.0,
            "min_cell": 1,
            "timezone": "UTC",
            "ends": None,
            "by": None,
            "every": None,
        },
    ),
    "render_text": (render_text, (REPORT,), {"top": 5}),
    "render_markdown": (render_markdown, (REPORT,), {"top": 5}),
    "render_json": (render_json, (REPORT,), {}),
    "render_outline": (render_outline, (REPORT,), {}),
    "render_map": (render_map, (REPORT, MapOptions()), {"format": "dot"}),
    "write_map": (write_map, (REPORT, "out.dot"), {}),
    "write_narrative": (
        write_narrative,
        (REPORT, "out.html"),
        {"map_options": None, "template_dir": None},
    ),
    "parse_duration": (parse_duration, ("5d",), {}),
    "write_output": (write_output, ("out.txt", b"x"), {"inputs": ()}),
}


@st.composite
def wrong_calls(draw: st.DrawFn) -> tuple[str, str, Callable[[], Any]]:
    name = draw(st.sampled_from(sorted(CALLS)))
    func, args, kwargs = CALLS[name]
    slots = [*range(len(args)), *kwargs]
    slot = draw(st.sampled_from(slots))
    value = draw(WRONG)
    new_args, new_kwargs = list(args), dict(kwargs)
    if isinstance(slot, int):
        new_args[slot] = value
    else:
        new_kwargs[slot] = value
    return name, str(slot), lambda: func(*new_args, **new_kwargs)


@settings(
    settings.get_profile("fuzz"),
    max_examples=400 * int(os.environ.get("JOURNEYMAP_FUZZ_SCALE", "1")),
)
@given(wrong_calls())
def test_wrong_arguments_raise_only_library_errors(
    folder: Path, call: tuple[str, str, Callable[[], Any]]
) -> None:
    """Any argument replaced by a value of any kind: the call works, or raises a
    JourneymapError (DurationError from parse_duration, UsageError from the writers)."""
    _name, _slot, run = call
    with contextlib.suppress(JourneymapError):
        run()


# --------------------------------------------------------------------------- contracts


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (
            lambda: analyze_file("j.yaml", population=0),
            UsageError,
            "population must be a whole number from 1 to 10,000,000,000, not 0",
        ),
        (
            lambda: analyze_file("j.yaml", population=-5),
            UsageError,
            "population must be a whole number from 1 to 10,000,000,000, not -5",
        ),
        (
            lambda: analyze_paths(["j.yaml"], population=5.0),  # type: ignore[arg-type]
            JourneymapTypeError,
            "population must be a whole number from 1 to 10,000,000,000, not float 5.0",
        ),
        (
            lambda: analyze_paths(["j.yaml"], population=True),
            JourneymapTypeError,
            "population must be a whole number from 1 to 10,000,000,000, not bool True",
        ),
        (
            lambda: EventOptions(min_cell=0),
            UsageError,
            "min_cell must be a whole number of cases, at least 1, not 0",
        ),
        (
            lambda: EventOptions(min_cell=True),
            JourneymapTypeError,
            "min_cell must be a whole number of cases, at least 1, not bool True",
        ),
        (
            lambda: EventOptions(cutoff_days=-1),
            UsageError,
            "cutoff_days must be a number of days from 0 to 36500, not -1",
        ),
        (
            lambda: EventOptions(cutoff_days=True),
            JourneymapTypeError,
            "cutoff_days must be a number of days, not bool (True)",
        ),
        (
            lambda: EventOptions(paths="log.csv"),  # type: ignore[arg-type]
            JourneymapTypeError,
            "paths must be a sequence of paths, not one string ('log.csv')",
        ),
        (
            lambda: EventOptions(paths=None),  # type: ignore[arg-type]
            JourneymapTypeError,
            "paths must be a sequence of paths, not NoneType (None)",
        ),
        (
            lambda: EventOptions(paths=("log.csv", 3)),  # type: ignore[arg-type]
            JourneymapTypeError,
            "paths[] must be a path (str or os.PathLike), not int (3)",
        ),
        (
            lambda: EventOptions(ends=None),  # type: ignore[arg-type]
            JourneymapTypeError,
            "ends must be a sequence of touchpoint ids, not NoneType (None)",
        ),
        (
            lambda: EventOptions(columns={"case": "id"}),  # type: ignore[arg-type]
            JourneymapTypeError,
            "columns must be a ColumnMap, not dict ({'case': 'id'})",
        ),
        (
            lambda: EventOptions(since="2024-01-01"),  # type: ignore[arg-type]
            JourneymapTypeError,
            "since must be a datetime or None, not str ('2024-01-01')",
        ),
        (
            lambda: EngineSettings(timezone=5),  # type: ignore[arg-type]
            JourneymapTypeError,
            "timezone must be text or None, not int (5)",
        ),
        (
            lambda: FeedbackOptions(paths=None),  # type: ignore[arg-type]
            JourneymapTypeError,
            "paths must be a sequence of paths, not NoneType (None)",
        ),
        (
            lambda: analyze_file("j.yaml", events="log.csv"),  # type: ignore[arg-type]
            JourneymapTypeError,
            "events must be EventOptions or None, not str ('log.csv')",
        ),
        (
            lambda: analyze_paths(None),  # type: ignore[arg-type]
            JourneymapTypeError,
            "paths must be a sequence of paths, not NoneType (None)",
        ),
        (
            lambda: analyze_file(None),  # type: ignore[arg-type]
            JourneymapTypeError,
            "path must be a path (str or os.PathLike), not NoneType",
        ),
        (
            lambda: analyze(JOURNEY.model_dump()),  # type: ignore[arg-type]
            JourneymapTypeError,
            "journey must be a Journey (from load_journey or parse_journey) or its graph from "
            "build_graph, not dict {'journeymap': 1, 'id': 'tiny', 'titl...",
        ),
        (
            lambda: analyze(JOURNEY, observed="log.csv"),  # type: ignore[arg-type]
            JourneymapTypeError,
            "observed must be an ObservedLog (from read_event_log) or None, not str 'log.csv'",
        ),
        (
            lambda: analyze(JOURNEY, feedback="answers.csv"),  # type: ignore[arg-type]
            JourneymapTypeError,
            "feedback must be an ObservedFeedback (from read_feedback), not str",
        ),
    ],
)
def test_documented_errors(folder: Path, call: Callable[[], Any], kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        call()
    assert str(err.value) == message
    assert isinstance(err.value, JourneymapError)


# --------------------------------------------------------------------------- regressions
# Minimal examples the fuzzer found (each was an AttributeError or TypeError from inside).


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check_journey(None), "text must be YAML text (str or bytes), not NoneType"),
        (lambda: check_journey([]), "text must be YAML text (str or bytes), not list"),
        (lambda: load_journey(None), "path must be a path (str or os.PathLike), not NoneType"),
        (lambda: load_mapping(3), "path must be a path (str or os.PathLike), not int"),
        (lambda: dump_journey({}), "journey must be a Journey (from load_journey), not dict"),
        (
            lambda: list(find_journey_files("j.yaml")),
            "paths must be a sequence of paths, not str ('j.yaml')",
        ),
        (
            lambda: list(find_journey_files([b"j.yaml"])),
            "paths[] must be a path (str or os.PathLike), not bytes",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=None),
            "journey must be a Journey (from load_journey), not NoneType (None)",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=JOURNEY, columns="case_id"),
            "columns must be a ColumnMap, not str ('case_id')",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=JOURNEY, activity_map="a"),
            "activity_map must be a mapping of text to touchpoint ids, not str ('a')",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=JOURNEY, since="2024-01-01"),
            "since must be a datetime or None, not str ('2024-01-01')",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=JOURNEY, min_cell=None),
            "min_cell must be a whole number of cases, at least 1, not NoneType None",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=JOURNEY, by=5),
            "by must be text or None, not int (5)",
        ),
        (
            lambda: read_event_log(["log.csv"], journey=JOURNEY, ends=5),
            "ends must be a sequence of touchpoint ids, not int (5)",
        ),
        (lambda: render_text(None), "report must be a Report (from analyze), not NoneType"),
        (lambda: render_markdown(JOURNEY), "report must be a Report (from analyze), not Journey"),
        (
            lambda: render_json({}),
            "report must be a Report or a Portfolio (from analyze), not dict",
        ),
        (lambda: render_outline(None), "report must be a Report (from analyze), not NoneType"),
        (lambda: render_text(REPORT, top=None), "top must be a whole number, not NoneType (None)"),
        (lambda: render_map(None), "report must be a Report (from analyze), not NoneType"),
        (lambda: render_map(REPORT, None), "options must be MapOptions, not NoneType"),
        (lambda: write_map(REPORT, None), "path must be a path (str or os.PathLike), not NoneType"),
        (
            lambda: write_narrative(None, "x.html"),
            "report must be a Report (from analyze), not NoneType",
        ),
        (
            lambda: write_narrative(REPORT, "x.html", map_options="svg"),
            "map_options must be MapOptions or None, not str",
        ),
        (
            lambda: write_narrative(REPORT, None),
            "output must be a path (str or os.PathLike), not NoneType",
        ),
        (
            lambda: parse_duration(None),
            "text must be a duration as text ('5d', 'P5D'), not NoneType",
        ),
        (
            lambda: write_output(None, b"x"),
            "output must be a path (str or os.PathLike), not NoneType",
        ),
        (lambda: write_output("o.txt", None), "data must be bytes, not NoneType"),
        (
            lambda: write_output("o.txt", b"x", inputs=None),
            "inputs must be a sequence of paths, not NoneType",
        ),
    ],
)
def test_wrong_types_found_by_the_fuzzer(
    folder: Path, call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(JourneymapTypeError) as err:
        call()
    assert str(err.value) == message
    assert isinstance(err.value, TypeError)


def test_a_huge_cutoff_is_a_usage_error(folder: Path) -> None:
    with pytest.raises(UsageError) as err:
        read_event_log(["log.csv"], journey=JOURNEY, cutoff_days=10**400)
    assert str(err.value) == (
        "cutoff_days must be a number of days from 0 to 36500, not a 401-digit number"
    )
    assert err.value.parameter == "cutoff_days"


def test_right_types_still_work(folder: Path) -> None:
    """The checks refuse nothing valid: PathLike paths, lists for tuples, datetimes."""
    options = EventOptions(
        paths=[Path("log.csv")],  # type: ignore[arg-type]
        since=datetime(2023, 1, 1, tzinfo=UTC),
        ends=["c"],  # type: ignore[arg-type]
    )
    assert options.paths == ("log.csv",)
    assert options.ends == ("c",)
    report = analyze_file(Path("j.yaml"), events=options)
    assert report.observed is not None
    assert report.observed.cases == 1
    assert list(find_journey_files([Path(".")])) == [Path("j.yaml"), Path("map.yaml")]


def test_a_nul_character_in_a_path_is_a_located_error_not_a_value_error(folder: Path) -> None:
    result = check_journey_file("j\x00.yaml")
    assert [str(p) for p in result.problems] == [
        "j\x00.yaml: no such file (the name has a NUL character)"
    ]
    with pytest.raises(UsageError) as usage:
        list(find_journey_files(["j\x00.yaml"]))
    assert str(usage.value) == "'j\\x00.yaml': no such file or directory (a NUL character)"
    for call, message in (
        (
            lambda: write_output("o\x00.txt", b"x"),
            "cannot write 'o\\x00.txt': it is not a file name",
        ),
        (lambda: write_output("", b"x"), "cannot write '': it is not a file name"),
        (lambda: write_map(REPORT, ""), "path: '' is not a file name"),
        (lambda: write_narrative(REPORT, "x\x00.html"), "output: 'x\\x00.html' is not a file name"),
    ):
        with pytest.raises(UsageError) as err:
            call()
        assert str(err.value) == message


@pytest.mark.parametrize("name", ["financial-shock.yaml", "transition-to-civilian-life.yaml"])
def test_dump_journey_keeps_the_keys_a_scenario_change_replaces(name: str) -> None:
    """Found by the atheris harness on its seed corpus: the keys a touchpoint change replaces
    were left out, so the written journey did not load again."""
    root = Path(__file__).resolve().parent.parent
    journey = load_journey(root / "examples" / "life_events" / name)
    text = dump_journey(journey)
    assert parse_journey(text) == journey
    if name == "financial-shock.yaml":
        assert "  - touchpoint: F7\n    asks: [ssn, household_members]\n    effort: 15min\n" in text
