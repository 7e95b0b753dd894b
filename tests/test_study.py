"""The Study behind the commands: what the CLI does, Python does with the same calls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, tiny_journey_text

from journeymap import load_journey
from journeymap.cli import cli
from journeymap.exceptions import EventLogError, JourneymapTypeError, UsageError
from journeymap.observed import ColumnMap
from journeymap.render.text import render_json
from journeymap.report import Portfolio, Report
from journeymap.specs import EngineSettings
from journeymap.study import EventOptions, Study, analyze_file, analyze_paths

EXAMPLES = ROOT / "examples" / "life_events"
LOG = EXAMPLES / "data" / "disaster-recovery-events.csv"


@pytest.fixture
def measured(tmp_path: Path) -> Path:
    """The disaster journey with an events: block naming its log (copied beside it)."""
    (tmp_path / "data").mkdir()
    shutil.copy(LOG, tmp_path / "data" / LOG.name)
    text = (EXAMPLES / "disaster-recovery.yaml").read_text(encoding="utf-8")
    block = (
        "events:\n"
        f"  path: data/{LOG.name}\n"
        "  columns: {case: case_id, activity: activity}\n"
        "  timezone: America/Chicago\n"
    )
    path = tmp_path / "disaster.yaml"
    path.write_text(text.rstrip() + "\n" + block, encoding="utf-8")
    return path


def test_block_and_overrides_merge(measured: Path) -> None:
    journey = load_journey(measured)
    study = Study(journey, path=measured)
    request = study.events
    assert request is not None
    assert request.paths == (str(measured.parent / "data" / LOG.name),)
    assert request.columns == ColumnMap(case="case_id", activity="activity")
    assert study.engine.zone == "America/Chicago"
    assert (request.cutoff_days, request.min_cell) == (30.0, 1)
    elsewhere = measured.parent / "elsewhere[1].csv"
    elsewhere.write_text("case_id,activity,timestamp\n")
    other = Study(
        journey,
        path=measured,
        events=EventOptions(
            paths=(str(elsewhere),),
            columns=ColumnMap(case="id"),
            activity_map={"Call": "D1"},
            min_cell=5,
        ),
        engine=EngineSettings(timezone="UTC"),
    )
    assert other.events is not None
    assert other.events.paths == (str(elsewhere),)
    assert other.events.columns == ColumnMap(case="id", activity="activity")
    assert other.events.activity_map == {"Call": "D1"}
    assert (other.engine.zone, other.events.min_cell) == ("UTC", 5)
    assert EventOptions(use_journey_block=False).merged(journey.events, measured) is None
    with pytest.raises(UsageError) as info:
        Study(journey, events=EventOptions(paths=("nothing-*.csv",)))
    assert str(info.value) == (
        "event log 'nothing-*.csv': no such file (or no file matches the pattern)"
    )
    result = CliRunner().invoke(cli, ["analyze", str(measured), "--events", "nothing-*.csv"])
    assert result.exit_code == 2
    assert "Invalid value for '--events': event log 'nothing-*.csv'" in result.output


def test_analyze_file_equals_the_command(measured: Path) -> None:
    report = analyze_file(measured, events=EventOptions(min_cell=3))
    assert report.observed is not None
    assert report.observed.min_cell == 3
    result = CliRunner().invoke(
        cli, ["analyze", str(measured), "--format", "json", "--min-cell", "3"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == render_json(report)
    authored = analyze_file(measured, events=EventOptions(use_journey_block=False))
    assert authored.observed is None
    plain = CliRunner().invoke(cli, ["analyze", str(measured), "--format", "json", "--no-events"])
    assert json.loads(plain.output) == json.loads(render_json(authored))


def test_events_block_may_not_leave_the_journey_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret" / "token.txt"
    secret.parent.mkdir()
    secret.write_text("ghp_SECRETTOKEN123\n")
    folder = tmp_path / "journeys"
    folder.mkdir()
    (folder / "inner.csv").symlink_to(secret)
    for written in ("../secret/token.txt", str(secret), "inner.csv", "../secret/*.txt"):
        path = folder / "j.yaml"
        path.write_text(tiny_journey_text() + f"events:\n  path: {written!r}\n")
        with pytest.raises(EventLogError) as info:
            analyze_file(path)
        assert "points outside the journey's folder" in str(info.value)
        assert "ghp_" not in str(info.value)
        result = CliRunner().invoke(cli, ["analyze", str(path)])
        assert result.exit_code == 1
        assert "ghp_" not in result.output


def test_paths_and_population_contracts(tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    path.write_text(tiny_journey_text())
    with pytest.raises(JourneymapTypeError, match="not one string"):
        analyze_paths(str(path))  # type: ignore[arg-type]
    with pytest.raises(JourneymapTypeError, match="not one string"):
        EventOptions(paths="log.csv")  # type: ignore[arg-type]
    with pytest.raises(UsageError) as info:
        analyze_file(path, population=0)
    assert info.value.parameter == "population"
    with pytest.raises(UsageError, match="min_cell must be"):
        EventOptions(min_cell=0)
    with pytest.raises(JourneymapTypeError, match="journey must be a Journey"):
        Study("j.yaml")  # type: ignore[arg-type]
    assert isinstance(analyze_paths([path]), Report)
    assert isinstance(analyze_paths([tmp_path]), Portfolio)


def test_urls_are_passed_to_the_engine_as_written(measured: Path) -> None:
    """hdfs:// and s3a:// paths are for Spark: the pipeline does not look for them on disk."""
    journey = load_journey(measured)
    request = EventOptions(paths=("s3a://bucket/claims/*.parquet", "hdfs://nn/x.csv")).merged(
        journey.events, measured
    )
    assert request is not None
    assert request.paths == ("s3a://bucket/claims/*.parquet", "hdfs://nn/x.csv")
    # DuckDB reads local files only, and says so as a usage error
    result = CliRunner().invoke(cli, ["analyze", str(measured), "--events", "s3a://b/x.parquet"])
    assert result.exit_code == 2
    assert (
        "s3a://b/x.parquet: no such event log file on this machine (DuckDB reads local files; "
        "a URL needs engine 'spark')" in result.output
    )


def test_feedback_block_may_not_leave_the_journey_folder(tmp_path: Path) -> None:
    """The same rule as for event logs: a responses file named in the journey file must be
    inside the journey's folder; elsewhere it must be given explicitly."""
    from journeymap.exceptions import FeedbackError
    from journeymap.study import FeedbackOptions

    secret = tmp_path / "secret.csv"
    secret.write_text("touchpoint,trust\nghp_SECRETTOKEN123,5\n")
    folder = tmp_path / "journeys"
    folder.mkdir()
    path = folder / "j.yaml"
    path.write_text(tiny_journey_text() + "feedback:\n  path: ../secret.csv\n")
    journey = load_journey(path)
    with pytest.raises(FeedbackError) as info:
        Study(journey, path=path)
    assert str(info.value).startswith("feedback.path '../secret.csv' points outside the journey's")
    assert "ghp_" not in str(info.value)
    given = Study(journey, path=path, feedback=FeedbackOptions(paths=(str(secret),))).feedback
    assert given is not None
    assert given.paths == (str(secret),)
    result = CliRunner().invoke(cli, ["analyze", str(path)])
    assert result.exit_code == 1
    assert "ghp_" not in result.output


SCENARIO = """scenarios:
  - id: fast-sba
    title: SBA decides in a day
    changes:
      - {touchpoint: D3, duration: 1d}
  - id: ssn-once
    title: The SSN is asked once
    changes:
      - {ask_once: ssn}
"""


@pytest.fixture
def measured_with_scenario(measured: Path) -> Path:
    measured.write_text(measured.read_text(encoding="utf-8") + SCENARIO, encoding="utf-8")
    return measured


def test_a_scenario_overrides_the_observed_numbers_and_is_credited(
    measured_with_scenario: Path,
) -> None:
    study = Study.open(measured_with_scenario)
    now, future = study.report(), study.report("fast-sba")
    assert now.touchpoint("D3").evidence == "observed"
    assert now.touchpoint("D3").median_days > 100  # the log: months, not a day
    d3 = future.touchpoint("D3")
    assert (d3.median_days, d3.evidence) == (1.0, "estimated")
    assert d3.source == "scenario fast-sba: SBA decides in a day"
    assert future.changes is not None and future.changes.changed == ("D3",)
    # the other touchpoints keep the log's numbers
    assert future.touchpoint("D1") == now.touchpoint("D1")
    assert future.observed == now.observed
    # the command draws the same Report
    dot = measured_with_scenario.parent / "future.dot"
    result = CliRunner().invoke(
        cli, ["render", str(measured_with_scenario), "--scenario", "fast-sba", "-o", str(dot)]
    )
    assert result.exit_code == 0, result.output
    assert "1 day" in dot.read_text(encoding="utf-8")
    assert "118.6" not in dot.read_text(encoding="utf-8")


def test_one_baseline_for_the_report_the_comparison_and_the_suggestions(
    measured_with_scenario: Path,
) -> None:
    study = Study.open(measured_with_scenario)
    report = study.report()
    comparison = study.compare(("fast-sba",))
    assert comparison.baseline_report is report
    assert comparison.baseline.completion_per_1000 == report.metrics.completion_rate * 1000
    alternative = comparison.alternatives[0]
    assert alternative.measures.completion_per_1000 == pytest.approx(
        study.report("fast-sba").metrics.completion_rate * 1000, abs=1e-9
    )
    assert alternative.measures.expected_days == pytest.approx(
        study.report("fast-sba").metrics.expected_days_for_completers, abs=1e-9
    )
    assert study.suggest().candidates  # evaluated against the same measured baseline
    page = measured_with_scenario.parent / "page.html"
    result = CliRunner().invoke(
        cli,
        ["report", str(measured_with_scenario), "--scenario", "fast-sba", "-o", str(page)],
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    future = html[html.index('id="scenario-h"') :]
    shown = f"{report.metrics.completion_rate * 1000:,.1f}"
    assert shown in future  # the comparison's baseline is the page's measured journey
    assert comparison.baseline_label == "as measured"
    assert "Both sides start from the event log" in future
    unmeasured = Study.open(measured_with_scenario, events=EventOptions(use_journey_block=False))
    assert f"{unmeasured.report().metrics.completion_rate * 1000:,.1f}" not in future


def test_the_study_reads_the_log_once(measured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import journeymap.events as events

    calls: list[int] = []
    real = events.read_events

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(events, "read_events", counted)
    study = Study.open(measured)
    study.report()
    study.compare(other=Study.open(measured))
    assert len(calls) == 2  # one per study, not one per variant


def test_a_misspelt_keyword_is_a_type_error_naming_the_ones_taken(measured: Path) -> None:
    with pytest.raises(JourneymapTypeError) as err:
        Study.open(measured, evnts=EventOptions())  # type: ignore[call-arg]
    assert str(err.value) == (
        "Study() got an unknown keyword 'evnts'; it takes events, feedback, engine, options, "
        "progress"
    )
    with pytest.raises(JourneymapTypeError) as err:
        analyze_file(measured, popluation=5)  # type: ignore[call-arg]
    assert str(err.value).startswith("got an unknown keyword 'popluation'; it takes events,")


def test_a_scenario_that_changes_only_requests_keeps_the_observed_numbers(
    measured_with_scenario: Path,
) -> None:
    study = Study.open(measured_with_scenario)
    now, future = study.report(), study.report("ssn-once")
    assert future.changes is not None and future.changes.removed_requests
    for r in future.changes.removed_requests:
        before, after = now.touchpoint(r.touchpoint), future.touchpoint(r.touchpoint)
        assert (after.evidence, after.source) == (before.evidence, before.source)
        assert after.median_days == before.median_days
    observed = [
        r
        for r in future.changes.removed_requests
        if now.touchpoint(r.touchpoint).evidence == "observed"
    ]
    assert observed  # the requests removed were at touchpoints the log measured
