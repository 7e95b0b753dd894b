"""The command line: exit codes, text and JSON output, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, tiny_journey_text

from journeymap.cli import cli
from journeymap.schema import journey_schema_json


def run(*args: str) -> tuple[int, str, str]:
    """Run the real entry point (main) as the console script does."""
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(tiny_journey_text(), encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(tiny_journey_text().replace("    agency: SSA\n", "    agency: XX\n"))
    return path


def test_validate_ok(good: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(good)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == f"{good}: ok (3 touchpoints, 2 agencies)\n"


def test_validate_bad_exits_1_with_located_line(bad: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:10:13: touchpoints[0].agency: 'XX' is not an agency of this journey "
        "(known: SSA, DMV)",
        f"{bad}:5:10: warning: agencies[0].id: agency 'SSA' owns no touchpoint",
    ]
    assert result.stderr == "1 file checked: 0 valid, 1 invalid (1 error, 1 warning)\n"


def test_validate_directory_and_mixed(good: Path, bad: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "-q", str(good.parent)])
    assert result.exit_code == 1
    assert result.stderr == "2 files checked: 1 valid, 1 invalid (1 error, 1 warning)\n"


def test_validate_json(good: Path, bad: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(bad), str(good)])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] == 1
    assert doc["invalid"] == 1
    first = doc["files"][0]
    assert first["file"] == str(bad)
    assert first["valid"] is False
    assert first["problems"][0] == {
        "file": str(bad),
        "line": 10,
        "column": 13,
        "path": "touchpoints[0].agency",
        "message": "'XX' is not an agency of this journey (known: SSA, DMV)",
        "severity": "error",
    }
    assert doc["files"][1] == {
        "file": str(good),
        "valid": True,
        "errors": 0,
        "warnings": 0,
        "problems": [],
    }


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(tiny_journey_text().replace("next: b\n", "next: c\n"))
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0
    assert CliRunner().invoke(cli, ["validate", "--strict", str(path)]).exit_code == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _out, err = run("validate", str(tmp_path / "missing.yaml"))
    assert code == 2
    assert f"Error: {tmp_path / 'missing.yaml'}: no such file or directory" in err
    code, _, err = run("validate")
    assert code == 2
    assert "Missing argument 'PATHS...'" in err
    code, _, err = run("validate", "--format", "xml", "x.yaml")
    assert code == 2
    assert "Invalid value for '--format'" in err
    code, _, err = run("validate", str(tmp_path))
    assert code == 2
    assert "no journey files (*.yaml, *.yml) found in" in err
    assert "Traceback" not in err


def test_real_process_no_traceback_on_bad_data(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_bytes(b"\x00\xff garbage: [")
    code, out, err = run("validate", str(path))
    assert code == 1
    assert "Traceback" not in out + err
    assert out.startswith(f"{path}:1:2: the file is not valid UTF-8 (byte 0xff)")


def test_summary(good: Path) -> None:
    result = CliRunner().invoke(cli, ["summary", str(good)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        "Tiny journey (tiny)",
        "3 touchpoints, 2 agencies, 0 stages",
        "Agencies:",
    ]
    assert "  a [SSA] Apply, 5 days" in result.output


def test_summary_of_bad_file_exits_1(bad: Path) -> None:
    code, _out, err = run("summary", str(bad))
    assert code == 1
    assert err.startswith(f"{bad}:10:13: touchpoints[0].agency: 'XX' is not an agency")
    assert "Traceback" not in err


def test_schema_prints_committed_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert result.output == journey_schema_json()
    out = tmp_path / "s.json"
    CliRunner().invoke(cli, ["schema", "-o", str(out)], catch_exceptions=False)
    assert out.read_text() == journey_schema_json()


def test_catalog_lists_items() -> None:
    result = CliRunner().invoke(cli, ["catalog", "--format", "json"], catch_exceptions=False)
    items = {i["id"]: i for i in json.loads(result.output)}
    assert items["dd214"]["government_issued"] is True
    assert "DD-214" in items["dd214"]["aliases"]
    text = CliRunner().invoke(cli, ["catalog"]).output
    assert text.splitlines()[0].startswith("ssn ")


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.startswith("journeymap, version ")
    for command in cli.commands.values():
        assert command.help, f"{command.name} has no help"
        result = CliRunner().invoke(cli, [command.name or "", "--help"])
        assert result.exit_code == 0


def test_shim_runs_from_checkout(good: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "validate", str(good)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout == f"{good}: ok (3 touchpoints, 2 agencies)\n"


def test_analyze_text(good: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(good)], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Tiny journey (tiny)"
    assert lines[1] == "1,000 people start per period (default; set population: in the journey)"
    assert "  Completion     900 of 1,000 finish (90%); 0 fail; 100 give up" in lines
    assert "  Critical path  6 days: a → b → c" in lines


def test_analyze_json_contract(good: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", "--format", "json", str(good)])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert (doc["contract"], doc["contract_version"]) == ("report", "3.0")
    assert doc["journey"] == "tiny"
    m = doc["metrics"]
    assert m["completion_rate"] == 0.9
    assert m["failure_rate"] == 0.0
    assert m["abandon_rate"] == 0.1
    assert m["critical_path"] == ["a", "b", "c"]
    assert m["critical_path_days"] == 6.0
    assert m["expected_effort_hours"] is None
    assert (m["handoff_count"], m["touchpoint_count"], m["agency_count"]) == (1, 3, 2)
    assert doc["bottlenecks"][0]["touchpoint"] == "a"
    assert doc["bottlenecks"][0]["agency"] == "SSA"
    assert doc["handoffs"] == [
        {
            "from_touchpoint": "a",
            "to_touchpoint": "b",
            "from_agency": "SSA",
            "to_agency": "DMV",
            "boundary": "level",
            "from_level": "federal",
            "to_level": "state",
            "from_department": None,
            "to_department": None,
            "people": 900.0,
            "share_of_starters": 0.9,
            "wait_days": None,
            "people_lost_after": 0.0,
            "ping_pong": False,
            "kind": "sequence",
            "via": [],
            "rank": 1,
        }
    ]
    dup = doc["duplicate_requests"][0]
    assert (dup["item"], dup["scope"], dup["touchpoints"], dup["agencies"]) == (
        "ssn",
        "cross_agency",
        ["a", "b"],
        ["SSA", "DMV"],
    )
    assert doc["drop_off"][0] == {
        "touchpoint": "a",
        "name": "Apply",
        "agency": "SSA",
        "rate": 0.1,
        "arrivals": 1000.0,
        "people_lost": 100.0,
        "share_of_losses": 1.0,
        "after_handoff": False,
        "in_parallel_block": False,
    }
    for finding in doc["findings"]:
        assert set(finding) >= {"kind", "severity", "title", "detail", "recommendation"}
    again = CliRunner().invoke(cli, ["analyze", "--format", "json", str(good)])
    assert again.output == result.output


def test_analyze_markdown_and_output_file(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = CliRunner().invoke(
        cli,
        ["analyze", "--format", "markdown", "-o", str(out), str(good)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert result.output == ""
    text = out.read_text()
    assert text.startswith("## Tiny journey (tiny)\n")
    assert "| Completion | 900 of 1,000 finish (90%); 0 fail; 100 give up |" in text


def test_analyze_portfolio(good: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(tiny_journey_text().replace("id: tiny", "id: other"))
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("Portfolio of 2 journeys\n")
    assert "Data items asked most across journeys" in result.output
    doc = json.loads(CliRunner().invoke(cli, ["analyze", "--format", "json", str(tmp_path)]).output)
    assert [r["journey"] for r in doc["reports"]] == ["tiny", "other"]
    assert doc["items"][0]["item"] == "ssn"
    assert doc["items"][0]["journeys"] == ["tiny", "other"]
    assert doc["agency_pairs"][0]["from_agency"] == "SSA"
    assert doc["agency_pairs"][0]["people"] == 1800.0


def test_analyze_bad_file_exits_1_and_writes_nothing(bad: Path, tmp_path: Path) -> None:
    out = tmp_path / "never.json"
    code, _stdout, err = run("analyze", str(bad), "-o", str(out))
    assert code == 1
    assert err.startswith(f"{bad}:10:13: touchpoints[0].agency:")
    assert "Traceback" not in err
    assert not out.exists()


def test_analyze_bad_flag_exits_2(good: Path) -> None:
    code, _, err = run("analyze", str(good), "--top", "0")
    assert code == 2
    assert "Invalid value for '--top'" in err


def test_report_writes_self_contained_html(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(good), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.endswith(f"{out}: report on Tiny journey (3 touchpoints)\n")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert 'id="map-frame"' in text or "This copy has no map" in text
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not private like a temp file


def test_render_html_suffix_points_to_report(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, err = run("render", str(good), "-o", str(out))
    assert code == 2
    assert "render draws maps (.svg, .png, .pdf, .dot); for the HTML page run: " in err
    assert f"journeymap report {good} -o {out}" in err
    assert not out.exists()


def test_missing_input_exits_2_in_every_command(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    out = str(tmp_path / "out.x")
    for args in (
        ["validate", missing],
        ["analyze", missing],
        ["summary", missing],
        ["render", missing, "-o", out + ".svg"],
        ["report", missing, "-o", out + ".html"],
    ):
        code, _, err = run(*args)
        assert code == 2, args
        assert f"Error: {missing}: no such file or directory" in err, args


def test_report_without_map_and_bad_input(good: Path, bad: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(good), "-o", str(out), "--engine", "none"])
    assert result.exit_code == 0
    assert "This copy has no map" in out.read_text(encoding="utf-8")
    code, _, err = run("report", str(bad), "-o", str(tmp_path / "no.html"))
    assert code == 1
    assert err.startswith(f"{bad}:10:13:")
    assert not (tmp_path / "no.html").exists()
    code, _, err = run("report", str(good), "-o", str(tmp_path / "missing" / "x.html"))
    assert code == 2
    assert "does not exist" in err
