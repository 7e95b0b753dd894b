"""Every output escapes for its medium: terminals get no escape sequences, Markdown no HTML or
links, JSON is valid UTF-8."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from journeymap import analyze, parse_journey
from journeymap.cli import cli
from journeymap.fmt import json_text, markdown_text, terminal_text
from journeymap.render.text import render_markdown, render_text

HOSTILE = """journeymap: 1
id: hostile
title: "<script>alert(1)</script> [click](javascript:alert(2)) | pipe"
agencies:
  - {id: A, name: "<svg/onload=alert(3)>"}
  - {id: B, name: "B & co"}
touchpoints:
  - id: a
    name: "[x](javascript:alert(4)) <img src=x onerror=alert(5)>"
    agency: A
    asks: [ssn]
    duration: 5d
    drop_off: 0.2
    next: b
  - {id: b, name: "`code` *bold* ![i](javascript:x) & co", agency: B, asks: [ssn], duration: 1d}
"""


def test_markdown_passes_no_html_and_no_link() -> None:
    report = analyze(parse_journey(HOSTILE))
    md = render_markdown(report)
    for raw in ("<script>", "<svg", "<img", "[click]", "`code`"):
        assert re.search(r"(?<!\\)" + re.escape(raw), md) is None, raw
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\[click\\](javascript:alert(2))" in md
    assert "&amp; co" in md


@given(st.text())
def test_terminal_text_leaves_no_control_character(text: str) -> None:
    clean = terminal_text(text)
    assert all(c in "\t\n" or (ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F) for c in clean)
    assert "\x1b" not in clean
    clean.encode("utf-8")  # no lone surrogate


@given(st.text())
def test_markdown_text_has_no_unescaped_markup(text: str) -> None:
    md = markdown_text(text)
    assert "\n" not in md
    for i, c in enumerate(md):
        if c in "<>[]|`":
            assert md[i - 1] == "\\", (text, md)


@given(st.recursive(st.text(), lambda xs: st.lists(xs) | st.dictionaries(st.text(), xs)))
def test_json_text_is_always_valid_utf8(value: object) -> None:
    out = json_text(value)
    json.loads(out.encode("utf-8").decode("utf-8"))


def test_terminal_escapes_in_validate_messages_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "esc.yaml"
    path.write_text(
        'journeymap: 1\nid: t\ntitle: T\n"x\\e]0;pwned\\a\\e[2J": 1\n'
        "agencies: [{id: A, name: A}]\ntouchpoints: [{id: a, name: A, agency: A}]\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout + proc.stderr
    assert "\x07" not in proc.stdout + proc.stderr
    assert "unknown key" in proc.stdout


def test_text_report_has_no_control_characters() -> None:
    report = analyze(parse_journey(HOSTILE))
    text = render_text(report)
    assert terminal_text(text) == text
    result = CliRunner().invoke(cli, ["catalog"])
    assert terminal_text(result.output) == result.output
