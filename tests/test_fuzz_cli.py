"""Fuzzing the command line: hostile journeys, event logs, paths and arguments.

Whatever the input, every command (validate, analyze, render, report, summary, schema,
compare):

- never fails with an internal error or a traceback;
- exits by class, the same in every command: 0 ok, 1 bad data, 2 bad usage, 130 interrupted;
- changes no input file (journey, log, mapping), whatever ``-o`` points at;
- writes no case id of a log and no secret of a file that is not a log, anywhere;
- passes no terminal escape to the terminal and no raw HTML to Markdown, HTML or SVG.

Commands run in-process through click's CliRunner; a handful run as real processes
(``python -m journeymap``). Examples are derandomized (the ``fuzz`` profile of conftest.py),
so CI runs the same ones every time; a longer local hunt::

    JOURNEYMAP_FUZZ_SCALE=10 .venv/bin/pytest tests/test_fuzz_cli.py tests/test_fuzz_api.py

The loader is also fuzzed with atheris (coverage-guided, not run by CI):
``tests/fuzz/fuzz_loader.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from conftest import tiny_journey_text
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from strategies import (
    ESCAPES,
    SECRET_CASE,
    SECRET_TOKEN,
    escaped_texts,
    event_log_csvs,
    hostile_journeys,
    hostile_names,
    hostile_texts,
)

from journeymap import Journey, dump_journey
from journeymap.cli import cli
from journeymap.fmt import terminal_text


def fuzz(examples: int) -> settings:
    """The ``fuzz`` profile of conftest.py (derandomized, no deadline) with this many
    examples, times ``JOURNEYMAP_FUZZ_SCALE`` (default 1; raise it for a longer local run;
    ``JOURNEYMAP_FUZZ_NOSHRINK=1`` reports a failure without minimising it)."""
    scale = int(os.environ.get("JOURNEYMAP_FUZZ_SCALE", "1"))
    return settings(settings.get_profile("fuzz"), max_examples=examples * scale, phases=PHASES)


PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target] + (
    [] if os.environ.get("JOURNEYMAP_FUZZ_NOSHRINK") else [Phase.shrink]
)

TOKEN = SECRET_TOKEN + "Zx81kQ2mRb7TnVw0aLp4sYd9cJe6uHf3gKi5"
COMMANDS = ("validate", "analyze", "render", "report", "summary", "schema", "compare")

# --------------------------------------------------------------------------- invariants

_MARKUP_MD = re.compile(r"(?<!\\)<(?:script|svg|img|b>)|(?<!\\)\]\(javascript:", re.IGNORECASE)
_MARKUP_HTML = re.compile(
    r"<script>alert|<svg/onload|<img src=x|<b>x</b>|(?:href|src)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)


def written_files(folder: Path, before: set[Path]) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p not in before]


def check_outputs(result: Result, args: Sequence[str], files: Sequence[Path] = ()) -> None:
    """Every invariant of every output of one run."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}") from result.exception
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    terminal = result.stdout + result.stderr
    for word in ("internal error", "Traceback", SECRET_CASE, SECRET_TOKEN):
        assert word not in terminal, (word, terminal)
    assert terminal_text(terminal) == terminal, ascii(terminal)
    if "markdown" in args:
        assert _MARKUP_MD.search(result.stdout) is None, _MARKUP_MD.search(result.stdout)
    for path in files:
        data = path.read_bytes().decode("utf-8")
        assert SECRET_CASE not in data and SECRET_TOKEN not in data, path.name
        if path.suffix == ".md":
            assert _MARKUP_MD.search(data) is None, (path.name, _MARKUP_MD.search(data))
        if path.suffix in (".html", ".svg"):
            assert _MARKUP_HTML.search(data) is None, (path.name, _MARKUP_HTML.search(data))
        if path.suffix == ".json":
            json.loads(data)
        if path.suffix in (".json", ".md"):
            assert terminal_text(data) == data, path.name


def invoke(args: Sequence[str], cwd: Path) -> Result:
    """Run one command in ``cwd``; check that no file but the output changed and every
    invariant of the outputs; return the result."""
    before = {p: digest(p) for p in cwd.rglob("*") if p.is_file()}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    finally:
        os.chdir(old)
    target = args[list(args).index("-o") + 1] if "-o" in args else None
    changed = [
        p.name for p, h in before.items() if (not p.exists() or digest(p) != h) and p.name != target
    ]
    assert changed == [], ("an input changed", changed, args)
    check_outputs(result, args, written_files(cwd, set(before)))
    return result


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder per example: ``jm/`` holds the journey, beside it a secret file."""
    with tempfile.TemporaryDirectory(prefix="jm-fuzz-") as tmp:
        root = Path(tmp)
        (root / "secret.txt").write_text(f"token: {TOKEN}\n{SECRET_CASE}99,a,2024-01-01\n")
        (root / "jm").mkdir()
        yield root / "jm"


def journey_text(doc: dict[str, Any]) -> str:
    return dump_journey(Journey.model_validate(doc))


# --------------------------------------------------------------------------- hostile journeys

RUNS = (
    ["validate", "j.yaml"],
    ["validate", "j.yaml", "--format", "json", "--strict"],
    ["analyze", "j.yaml"],
    ["analyze", "j.yaml", "--format", "json", "-o", "out.json"],
    ["analyze", "j.yaml", "--format", "markdown", "-o", "out.md"],
    ["analyze", ".", "--format", "markdown"],
    ["summary", "j.yaml"],
    ["render", "j.yaml", "-o", "map.dot"],
    ["report", "j.yaml", "-o", "page.html", "--engine", "none"],
    ["compare", "j.yaml", "j.yaml", "--format", "markdown", "-o", "cmp.md"],
    ["compare", "j.yaml", "j.yaml", "--format", "html", "-o", "cmp.html"],
    ["compare", "j.yaml", "--suggest", "--format", "json"],
)


SCENARIO_RUNS = (
    ["compare", "j.yaml"],
    ["compare", "j.yaml", "--format", "markdown", "-o", "scn.md"],
    ["compare", "j.yaml", "--format", "html", "-o", "scn.html"],
    ["compare", "j.yaml", "--format", "json", "-o", "scn.json"],
)


@fuzz(20)
@given(hostile_journeys(), st.sampled_from(["none", "inside", "outside"]))
def test_hostile_journeys_in_every_command(doc: dict[str, Any], events: str) -> None:
    """Markup and odd Unicode in every name; an events: block that points at the journey's
    own log or at a secret outside its folder."""
    with workspace() as cwd:
        text = journey_text(doc)
        if events == "inside":
            ids = [t["id"] for t in doc["touchpoints"]]
            rows = "".join(f"{SECRET_CASE}{i},{t},2024-01-0{i + 1}\n" for i, t in enumerate(ids))
            (cwd / "log.csv").write_text("case_id,activity,timestamp\n" + rows)
            text += "events: {path: log.csv}\n"
        elif events == "outside":
            text += "events: {path: ../secret.txt}\n"
        (cwd / "j.yaml").write_text(text, encoding="utf-8")
        runs = RUNS + (SCENARIO_RUNS if "scenarios" in doc else ())
        codes = {tuple(args): invoke(args, cwd).exit_code for args in runs}
        analysed = {k: v for k, v in codes.items() if k[0] in EVENT_COMMANDS}
        assert set(codes.values()) <= {0, 1}, codes
        if events == "outside":  # the secret is never read: bad data in every event command
            assert set(analysed.values()) == {1}, codes


@fuzz(6)
@given(hostile_journeys())
def test_hostile_journeys_drawn_by_graphviz(doc: dict[str, Any]) -> None:
    """The SVG map and the HTML page with its map: no markup passes through."""
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(journey_text(doc), encoding="utf-8")
        for args, name in (
            (["render", "j.yaml", "-o", "map.svg", "--engine", "system"], "map.svg"),
            (["report", "j.yaml", "-o", "page.html", "--engine", "system"], "page.html"),
        ):
            result = invoke(args, cwd)
            # a valid journey is drawn: the markup checks of invoke() read a real file
            assert result.exit_code == 0, result.output
            assert (cwd / name).stat().st_size > 0


# --------------------------------------------------------------------------- event logs

LOG_RUNS = (
    ["analyze", "j.yaml", "--events", "log.csv"],
    ["analyze", "j.yaml", "--events", "log.csv", "--format", "json", "--min-cell", "2"],
    ["analyze", "j.yaml", "--events", "log.csv", "--format", "markdown", "-o", "a.md"],
    ["summary", "j.yaml", "--events", "log.csv", "--map", "map.yaml"],
    ["render", "j.yaml", "--events", "log.csv", "-o", "m.dot"],
    ["report", "j.yaml", "--events", "log.csv", "-o", "r.html", "--engine", "none"],
)


@fuzz(20)
@given(st.data())
def test_hostile_event_logs(data: st.DataObject) -> None:
    """Case ids are planted secrets; activities carry markup and terminal escapes; some
    timestamps are bad. One command per example (DuckDB costs ~100 ms a run)."""
    doc = data.draw(hostile_journeys())
    ids = [t["id"] for t in doc["touchpoints"]]
    log = data.draw(event_log_csvs(ids))
    args = data.draw(st.sampled_from(LOG_RUNS))
    segments = (
        [["--by", "activity"], ["--every", "quarter"]] if args[0] in ("analyze", "report") else []
    )
    extra = data.draw(st.sampled_from([[], ["--strict-log"], ["--cutoff", "0d"], *segments]))
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(journey_text(doc), encoding="utf-8")
        (cwd / "log.csv").write_text(log, encoding="utf-8", errors="surrogatepass")
        (cwd / "map.yaml").write_text(f'"{ESCAPES[0]}x": {ids[0]}\n'.replace("\x1b", "\\e"))
        result = invoke([*args, *extra], cwd)
        assert result.exit_code in (0, 1), result.output


@fuzz(12)
@given(st.data())
def test_hostile_feedback(data: st.DataObject) -> None:
    """A-11 responses whose respondent and comment columns hold planted case ids and tokens
    (never read), whose touchpoint column holds markup and escapes, some answers unparsable."""
    touchpoint = st.one_of(st.sampled_from(["a", "b", "c", "Apply"]), hostile_texts, escaped_texts)
    answer = st.sampled_from(["1", "2", "3", "4", "5", "", "yes", "n/a", "9", "-1"])
    rows = ["touchpoint,satisfaction,trust,respondent,comment,channel"]
    for n in range(data.draw(st.integers(min_value=1, max_value=30))):
        name = data.draw(touchpoint).replace('"', '""')
        rows.append(
            f'"{name}",{data.draw(answer)},{data.draw(answer)},{SECRET_CASE}{n},'
            f'"{TOKEN} {data.draw(hostile_texts).replace(chr(34), "")}",web'
        )
    fmt = data.draw(st.sampled_from(["text", "markdown", "json"]))
    extra = data.draw(st.sampled_from([[], ["--every", "month"], ["--by", "channel"]]))
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        (cwd / "fb.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        result = invoke(["analyze", "j.yaml", "--feedback", "fb.csv", "--format", fmt, *extra], cwd)
        assert result.exit_code in (0, 1), result.output


@fuzz(20)
@given(escaped_texts, st.sampled_from(["title", "name", "agency", "pain"]))
def test_escapes_in_journey_text_are_refused(escape: str, where: str) -> None:
    """C0/C1/CSI/OSC in journey text: validate says where, exit 1, nothing reaches the
    terminal; every other command refuses the file the same way."""
    quoted = json.dumps(escape)  # a YAML double-quoted scalar with \u escapes
    text = tiny_journey_text()
    text = {
        "title": text.replace("title: Tiny journey", f"title: {quoted}"),
        "name": text.replace("name: Apply", f"name: {quoted}"),
        "agency": text.replace("name: State DMV", f"name: {quoted}"),
        "pain": text.replace("    name: Done\n", f"    name: Done\n    pain_points: [{quoted}]\n"),
    }[where]
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(text, encoding="utf-8")
        for args in (
            ["validate", "j.yaml"],
            ["analyze", "j.yaml"],
            ["summary", "j.yaml"],
            ["render", "j.yaml", "-o", "m.dot"],
            ["report", "j.yaml", "-o", "r.html", "--engine", "none"],
            ["compare", "j.yaml", "j.yaml"],
        ):
            result = invoke(args, cwd)
            assert result.exit_code == 1, (args, result.output)
            assert "control character" in result.output or "escape" in result.output, ascii(
                result.output
            )


# --------------------------------------------------------------------------- exit codes

JOURNEY_COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "{j}"],
    "analyze": ["analyze", "{j}"],
    "render": ["render", "{j}", "-o", "m.dot"],
    "report": ["report", "{j}", "-o", "r.html", "--engine", "none"],
    "summary": ["summary", "{j}"],
    "compare": ["compare", "{j}", "{j}"],
}
EVENT_COMMANDS = ("analyze", "render", "report", "summary")
OUTPUT_COMMANDS: dict[str, list[str]] = {
    "analyze": ["analyze", "j.yaml", "-o", "{out}"],
    "render": ["render", "j.yaml", "-o", "{out}"],
    "report": ["report", "j.yaml", "-o", "{out}", "--engine", "none"],
    "schema": ["schema", "-o", "{out}"],
    "compare": ["compare", "j.yaml", "j.yaml", "-o", "{out}"],
}

BREAKAGES = (
    ("agency: SSA\n    asks: [ssn]", "agency: XX\n    asks: [ssn]"),
    ("next: b", "next: nowhere"),
    ("journeymap: 1", "journeymap: 2"),
    ("drop_off: 0.1", "drop_off: 7"),
    ("duration: 5d", "duration: five days"),
    ("touchpoints:", "touchpoints: 3\nx:"),
    ("id: tiny", "id: Tiny Journey"),
    ("  - id: a\n", "  - id: a\n    id: a\n"),
)


def codes_by_command(
    cwd: Path, commands: dict[str, list[str]], extra: Sequence[str] = (), **names: str
) -> dict[str, int]:
    out = {}
    for name, template in commands.items():
        args = [a.format(**names) for a in template] + list(extra)
        out[name] = invoke(args, cwd).exit_code
    return out


@fuzz(15)
@given(st.sampled_from(BREAKAGES), st.binary(max_size=8))
def test_bad_data_exits_1_in_every_command(breakage: tuple[str, str], junk: bytes) -> None:
    old, new = breakage
    with workspace() as cwd:
        (cwd / "j.yaml").write_bytes(tiny_journey_text().replace(old, new).encode() + junk)
        codes = codes_by_command(cwd, JOURNEY_COMMANDS, j="j.yaml")
        assert set(codes.values()) == {1}, codes


@fuzz(15)
@given(hostile_names)
def test_missing_input_exits_2_in_every_command(name: str) -> None:
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        codes = codes_by_command(cwd, JOURNEY_COMMANDS, j=name)
        assert set(codes.values()) == {2}, codes


@fuzz(10)
@given(hostile_names)
def test_hostile_file_names_are_read_and_never_echo_escapes(name: str) -> None:
    with workspace() as cwd:
        try:
            (cwd / name).write_text(tiny_journey_text())
        except OSError:
            return  # the file system refuses the name (too long in bytes)
        path = str(cwd / name)
        codes = codes_by_command(cwd, JOURNEY_COMMANDS, j=path)
        assert set(codes.values()) == {0}, codes


@fuzz(10)
@given(st.sampled_from(["--bogus", "--bogus=1", "-Z"]))
def test_unknown_flags_exit_2_in_every_command(flag: str) -> None:
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        codes = codes_by_command(
            cwd, {**JOURNEY_COMMANDS, "schema": ["schema"]}, extra=[flag], j="j.yaml"
        )
        assert set(codes.values()) == {2}, codes


@fuzz(12)
@given(
    st.sampled_from(
        [
            ["--population", "0"],
            ["--population", "-5"],
            ["--population", "9" * 400],
            ["--population", "1.5"],
            ["--population", "true"],
            ["--min-cell", "0"],
            ["--min-cell", "2.0"],
            ["--cutoff", "-3d"],
            ["--cutoff", "forever"],
            ["--since", "yesterday"],
            ["--until", "2024-13-01"],
            ["--lanes", "nope"],
            ["--top", "-1"],
        ]
    )
)
def test_bad_option_values_exit_2_in_every_command(option: list[str]) -> None:
    commands = {
        "analyze": ["analyze", "j.yaml"],
        "render": ["render", "j.yaml", "-o", "m.dot"],
        "report": ["report", "j.yaml", "-o", "r.html", "--engine", "none"],
        "summary": ["summary", "j.yaml"],
        "compare": ["compare", "j.yaml", "--suggest"],
    }
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        codes = {name: invoke_in(cwd, [*args, *option]) for name, args in commands.items()}
        known = {k: v for k, v in codes.items() if v != -1}
        assert set(known.values()) == {2}, codes


def invoke_in(cwd: Path, args: list[str]) -> int:
    """The exit code, or -1 when the command has no such option (also exit 2, by click)."""
    result = invoke(args, cwd)
    if "No such option" in result.stderr:
        return -1
    return result.exit_code


@fuzz(10)
@given(
    st.one_of(
        st.sampled_from(["Mars/Olympus", "UTC+99", "", " ", "../../etc/localtime", "EST5EDT,x"]),
        escaped_texts,
    )
)
def test_bad_time_zone_exits_2_in_every_event_command(zone: str) -> None:
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        (cwd / "log.csv").write_text(f"case_id,activity,timestamp\n{SECRET_CASE}1,a,2024-01-01\n")
        commands = {k: JOURNEY_COMMANDS[k] for k in EVENT_COMMANDS}
        codes = codes_by_command(
            cwd, commands, extra=["--events", "log.csv", "--timezone", zone], j="j.yaml"
        )
        assert set(codes.values()) == {2}, codes


@fuzz(10)
@given(
    st.sampled_from(
        [
            "",
            "case_id,activity,timestamp\n",
            "id,what,when\n1,a,2024-01-01\n",
            f"case_id,activity,timestamp\n{SECRET_CASE}1,zz,2024-01-01\n",
            f"case_id,activity,timestamp\n{SECRET_CASE}1,a,never\n",
            "\x00\x01\x02 PAR1",
            f"case_id,activity,timestamp\n{SECRET_CASE}1,a,2024-01-01,extra,{TOKEN}\n",
        ]
    )
)
def test_bad_event_logs_exit_1_in_every_event_command(log: str) -> None:
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        (cwd / "log.csv").write_text(log)
        commands = {k: JOURNEY_COMMANDS[k] for k in EVENT_COMMANDS}
        codes = codes_by_command(cwd, commands, extra=["--events", "log.csv"], j="j.yaml")
        assert set(codes.values()) == {1}, codes


# --------------------------------------------------------------------------- outputs


@fuzz(20)
@given(
    st.sampled_from(sorted(OUTPUT_COMMANDS)),
    st.sampled_from(["j.yaml", "log.csv", "map.yaml", "link.svg", "link.json", "other.yml"]),
)
def test_outputs_never_overwrite_an_input(command: str, target: str) -> None:
    """-o at the journey, the log, the mapping, a link to the journey or a log, an existing
    YAML file: refused with exit 2, and every file is unchanged."""
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        (cwd / "log.csv").write_text(f"case_id,activity,timestamp\n{SECRET_CASE}1,a,2024-01-01\n")
        (cwd / "map.yaml").write_text("Apply: a\n")
        (cwd / "other.yml").write_text("journeymap: 1\n")
        (cwd / "link.svg").symlink_to(cwd / "j.yaml")
        (cwd / "link.json").symlink_to(cwd / "log.csv")
        if command not in EVENT_COMMANDS and target in ("log.csv", "link.json"):
            return  # not an input of schema or compare: only YAML files are protected
        args = [a.format(out=target) for a in OUTPUT_COMMANDS[command]]
        if command in EVENT_COMMANDS:
            args += ["--events", "log.csv", "--map", "map.yaml"]
        before = {p.name: digest(p) for p in cwd.iterdir()}
        result = invoke(args, cwd)
        after = {p.name: digest(p) for p in cwd.iterdir()}
        assert before == after
        assert result.exit_code == 2, (args, result.output)


@fuzz(10)
@given(st.sampled_from(sorted(OUTPUT_COMMANDS)), hostile_names)
def test_output_in_a_missing_folder_exits_2(command: str, name: str) -> None:
    with workspace() as cwd:
        (cwd / "j.yaml").write_text(tiny_journey_text())
        out = "no-such-folder/" + name.replace(".yaml", ".dot")
        result = invoke([a.format(out=out) for a in OUTPUT_COMMANDS[command]], cwd)
        assert result.exit_code == 2, result.output
