"""The JSON contract: versioned, schema-valid, read back to an equal record, the same bytes
on every run and under any hash seed; the Report deeply immutable and hashable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import ROOT

from journeymap import read_document
from journeymap.cli import cli
from journeymap.contract import ContractError, dumps, schema
from journeymap.frozen import FrozenMap
from journeymap.report import CONTRACT_VERSION
from journeymap.study import FeedbackOptions, Study

EXAMPLES = ROOT / "examples" / "life_events"
TRANSITION = EXAMPLES / "transition-to-civilian-life.yaml"
FEEDBACK = EXAMPLES / "data" / "transition-feedback-a11v2.csv"
DISASTER = EXAMPLES / "disaster-recovery.yaml"
LOG = EXAMPLES / "data" / "disaster-recovery-events.csv"


@pytest.fixture(scope="module")
def studies() -> dict[str, Study]:
    from journeymap.study import EventOptions

    return {
        "plain": Study.open(EXAMPLES / "having-a-child.yaml"),
        "feedback": Study.open(
            TRANSITION, feedback=FeedbackOptions(paths=(str(FEEDBACK),), every="quarter")
        ),
        "events": Study.open(
            DISASTER, events=EventOptions(paths=(str(LOG),), by="channel", every="quarter")
        ),
    }


@pytest.mark.parametrize("name", ["plain", "feedback", "events"])
def test_a_report_reads_back_equal_and_fits_its_schema(
    studies: dict[str, Study], name: str
) -> None:
    report = studies[name].report()
    text = dumps(report)
    data = json.loads(text)
    assert list(data)[:2] == ["contract", "contract_version"]
    assert (data["contract"], data["contract_version"]) == ("report", CONTRACT_VERSION)
    jsonschema.Draft202012Validator(schema("report")).validate(data)
    again = read_document(text)
    assert again == report
    assert hash(again) == hash(report)
    assert dumps(again) == text


def test_a_scenario_report_and_the_comparison_read_back(studies: dict[str, Study]) -> None:
    study = studies["feedback"]
    future = study.report("dd214-shared-by-dod")
    assert future.changes is not None
    assert read_document(dumps(future)) == future
    comparison = study.compare()
    data = json.loads(dumps(comparison))
    jsonschema.Draft202012Validator(schema("comparison")).validate(data)
    again = read_document(data)
    assert again == comparison  # the Reports inside are not part of the document
    assert again.baseline_report is None and comparison.baseline_report is not None
    suggestions = study.suggest()
    assert read_document(dumps(suggestions)) == suggestions


def test_the_report_is_deeply_immutable(studies: dict[str, Study]) -> None:
    report = studies["events"].report()
    assert isinstance(report.handoff_matrix, FrozenMap)
    assert all(isinstance(row, FrozenMap) for row in report.handoff_matrix.values())
    with pytest.raises(TypeError):
        report.metrics.effort_hours_by_agency["SSA"] = 1.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        report.title = "changed"  # type: ignore[misc]
    assert report.observed is not None
    assert isinstance(report.observed.rejected, FrozenMap)
    assert len({report, read_document(dumps(report))}) == 1


def test_documents_that_are_not_this_contract_are_refused() -> None:
    cases = [
        ("{", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2"),
        ("[1]", "not a journeymap document: a JSON list, not an object"),
        (
            '{"journey": "x"}',
            "not a journeymap document: 'contract' is None, not one of report, portfolio, "
            "comparison, suggestions",
        ),
        (
            '{"contract": "report", "contract_version": "2.1"}',
            "contract_version '2.1' is not readable by this journeymap, which reads 3.x; "
            "analyse the journey again to write it anew",
        ),
    ]
    for text, message in cases:
        with pytest.raises(ContractError) as err:
            read_document(text)
        assert str(err.value).startswith(message), str(err.value)
    data = json.loads(dumps(Study.open(EXAMPLES / "having-a-child.yaml").report()))
    data["metrics"]["completion_rate"] = "most"
    with pytest.raises(ContractError) as err:
        read_document(data)
    assert str(err.value) == (
        "report field metrics.completion_rate: input should be a valid number, unable to "
        "parse string as a number (found 'most')"
    )


def test_schema_command_prints_each_contract(tmp_path: Path) -> None:
    for flag, kind in (("--report", "report"), ("--comparison", "comparison")):
        result = CliRunner().invoke(cli, ["schema", flag])
        assert result.exit_code == 0, result.output
        printed = json.loads(result.output)
        assert printed == schema(kind)
        assert printed["properties"]["contract"] == {
            "const": kind,
            "description": "What the document holds.",
        }
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(TRANSITION)])
    doc = json.loads(result.output)
    assert (doc["contract"], doc["contract_version"]) == ("validation", CONTRACT_VERSION)


def _run(args: list[str], seed: str, cwd: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "journeymap", *args], env=env, cwd=cwd, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", str(TRANSITION), "--format", "json", "--feedback", str(FEEDBACK)],
        ["compare", str(TRANSITION), "--format", "json"],
        ["analyze", str(DISASTER), "--format", "json", "--events", str(LOG)],
    ],
    ids=["feedback", "compare", "events"],
)
def test_the_same_bytes_under_any_hash_seed(args: list[str], tmp_path: Path) -> None:
    outputs = {_run(args, seed, tmp_path) for seed in ("0", "1", "2", "12345")}
    assert len(outputs) == 1
