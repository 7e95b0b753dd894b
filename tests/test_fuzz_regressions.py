"""The command line's exit codes on interruption, the same rules in real processes
(``python -m journeymap``), and the minimal examples the fuzzers of test_fuzz_cli.py and
test_fuzz_api.py found, kept as plain tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, tiny_journey_text
from strategies import SECRET_CASE, SECRET_TOKEN
from test_fuzz_cli import (
    _MARKUP_HTML,
    _MARKUP_MD,
    COMMANDS,
    EVENT_COMMANDS,
    JOURNEY_COMMANDS,
    TOKEN,
    digest,
)

from journeymap.cli import cli, main

# --------------------------------------------------------------------------- interrupted

INTERRUPT_AT = {
    "validate": "journeymap.loading.check_journey_file",
    "analyze": "journeymap.study.Study.report",
    "render": "journeymap.study.Study.report",
    "report": "journeymap.study.Study.report",
    "summary": "journeymap.study.Study.report",
    "schema": "journeymap.schema.journey_schema_json",
    "compare": "journeymap.study.Study.compare",
}


@pytest.mark.parametrize("command", COMMANDS)
def test_interrupted_exits_130_in_every_command(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(INTERRUPT_AT[command], interrupted)
    journey = tmp_path / "j.yaml"
    journey.write_text(tiny_journey_text())
    args = {
        **{k: [a.format(j=journey) for a in v] for k, v in JOURNEY_COMMANDS.items()},
        "schema": ["schema"],
    }[command]
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 130
    assert capsys.readouterr().err.strip() == "Interrupted."


# --------------------------------------------------------------------------- real processes


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "journeymap", *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=60,
    )


def test_real_processes_keep_every_rule(tmp_path: Path) -> None:
    """The same rules through ``python -m journeymap``: a hostile journey with a log of
    planted case ids, a missing file, a bad time zone and an escape in a journey's text."""
    (tmp_path / "secret.txt").write_text(TOKEN)
    cwd = tmp_path / "jm"
    cwd.mkdir()
    hostile = tiny_journey_text().replace(
        "title: Tiny journey", 'title: "<script>alert(1)</script> [x](javascript:y)"'
    )
    (cwd / "j.yaml").write_text(hostile)
    (cwd / "log.csv").write_text(
        "case_id,activity,timestamp\n"
        f'{SECRET_CASE}1,a,2024-01-01\n{SECRET_CASE}1,"\x1b]0;pwned\x07",2024-01-02\n'
        f"{SECRET_CASE}2,a,{SECRET_CASE}2\n"
    )
    (cwd / "esc.yaml").write_text(tiny_journey_text().replace("Apply", '"\\e[2J"'))
    (cwd / "leak.yaml").write_text(tiny_journey_text() + "events: {path: ../secret.txt}\n")
    before = {p.name: digest(p) for p in cwd.iterdir()}
    expected = [
        (["analyze", "j.yaml", "--events", "log.csv", "--format", "markdown"], 0),
        (["report", "j.yaml", "--events", "log.csv", "-o", "r.html", "--engine", "none"], 0),
        (["analyze", "missing.yaml"], 2),
        (["summary", "j.yaml", "--events", "log.csv", "--timezone", "Mars/Olympus"], 2),
        (["validate", "esc.yaml"], 1),
        (["analyze", "leak.yaml"], 1),
        (["analyze", "j.yaml", "-o", "j.yaml"], 2),
    ]
    for args, code in expected:
        proc = run(*args, cwd=cwd)
        out = (proc.stdout + proc.stderr).decode("utf-8")
        assert proc.returncode == code, (args, out)
        for word in ("internal error", "Traceback", SECRET_CASE, SECRET_TOKEN, "\x1b", "\x07"):
            assert word not in out, (args, word, out)
        if "markdown" in args:
            assert _MARKUP_MD.search(out) is None
    page = (cwd / "r.html").read_text()
    assert SECRET_CASE not in page and _MARKUP_HTML.search(page) is None
    assert {p.name: digest(p) for p in cwd.iterdir() if p.name in before} == before


# --------------------------------------------------------------------------- regressions
# Minimal examples the fuzzers found, kept as plain tests.

NO_CASE = (
    "Error: {name}: no column for the case (looked for case:concept:name, case_id, case, "
    "caseid, case id, application_id; the file has {n} columns, whose names are not shown as "
    "they do not look like a header); name it in the column map (ColumnMap(case=...))\n"
)


@pytest.mark.parametrize(
    ("name", "text", "n"),
    [
        # a data row with more cells than the header: DuckDB takes it for the header
        ("a.csv", f"case_id,activity,timestamp\n{SECRET_CASE}1,a,2024-01-01,extra,{TOKEN}\n", 5),
        # a secrets file given as a log: its token is a "column name"
        ("b.csv", f"{TOKEN},{TOKEN},{TOKEN}\n{TOKEN},{TOKEN},{TOKEN}\n", 3),
        ("c.txt", f'{{"{TOKEN}": 1, "a": 2, "b": 3}}\n', 3),
        ("d.jsonl", f'{{"{TOKEN}": 1, "a": 2, "b": 3}}\n', 3),
    ],
)
def test_column_names_that_are_data_are_not_shown(
    name: str, text: str, n: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "j.yaml").write_text(tiny_journey_text())
    (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["analyze", "j.yaml", "--events", name])
    assert result.exit_code == 1
    assert result.stderr == NO_CASE.format(name=name, n=n)


def test_column_names_of_a_header_are_still_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "j.yaml").write_text(tiny_journey_text())
    (tmp_path / "log.csv").write_text(f"user,token,scope\nme,{TOKEN},repo\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["analyze", "j.yaml", "--events", "log.csv"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: log.csv: no column for the case (looked for case:concept:name, case_id, case, "
        "caseid, case id, application_id; columns are user, token, scope); name it in the "
        "column map (ColumnMap(case=...))\n"
    )


def test_a_journey_with_a_log_and_a_touchpoint_change_is_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the fuzzer: measuring a journey with a log re-validates it without the keys
    its scenario's touchpoint change replaces (a pydantic ValidationError, an internal
    error)."""
    (tmp_path / "j.yaml").write_text(
        tiny_journey_text()
        + "events: {path: log.csv}\n"
        + "scenarios:\n  - id: s1\n    changes: [{touchpoint: a, drop_off: 0.05}]\n"
    )
    (tmp_path / "log.csv").write_text(
        "case_id,activity,timestamp\nk1,a,2024-01-01\nk1,b,2024-01-02\nk1,c,2024-01-03\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["analyze", "j.yaml", "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["observed"]["cases"] == 1


@pytest.mark.parametrize("command", EVENT_COMMANDS)
def test_an_empty_time_zone_is_a_usage_error(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the fuzzer: ``--timezone ''`` was taken as no time zone (UTC), silently."""
    (tmp_path / "j.yaml").write_text(tiny_journey_text())
    (tmp_path / "log.csv").write_text("case_id,activity,timestamp\nk,a,2024-01-01\n")
    monkeypatch.chdir(tmp_path)
    args = [a.format(j="j.yaml") for a in JOURNEY_COMMANDS[command]]
    result = CliRunner().invoke(cli, [*args, "--events", "log.csv", "--timezone", ""])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--timezone': timezone: unknown time zone ''; use an IANA "
        "name such as 'America/New_York'\n"
    )


def test_a_token_as_a_feedback_column_name_is_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by fuzzing the feedback options: the columns of a file named in an error."""
    (tmp_path / "j.yaml").write_text(tiny_journey_text())
    (tmp_path / "fb.csv").write_text(f"touchpoint,{TOKEN},trust\na,4,5\n")
    monkeypatch.chdir(tmp_path)
    args = ["analyze", "j.yaml", "--feedback", "fb.csv", "--by", "channel"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1  # the file lacks the column: bad data, as for event logs
    assert result.stderr == (
        "Error: fb.csv: no column 'channel' to break the responses down by (the file has 3 "
        "columns, whose names are not shown as they do not look like a header)\n"
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_real_process_interrupted_exits_130(signum: int, tmp_path: Path) -> None:
    """Ctrl-C or SIGTERM while a command works: exit 130, one line, no traceback."""
    (tmp_path / "j.yaml").write_text(tiny_journey_text())
    probe = (
        "import sys, time\n"
        "import journeymap.study as p\n"
        "def slow(*a, **k):\n"
        "    print('working', file=sys.stderr, flush=True)\n"
        "    time.sleep(30)\n"
        "p.Study.report = slow\n"
        "from journeymap.cli import main\n"
        "main(['analyze', 'j.yaml'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    assert proc.stderr.readline() == "working\n"
    proc.send_signal(signum)
    rest = proc.stderr.read()
    assert proc.wait(timeout=30) == 130
    assert rest.strip() == "Interrupted."
