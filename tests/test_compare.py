"""The compare command, the renderers of a Comparison, and the ranked suggestions."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import EXAMPLES, tiny_journey_text

from journeymap import load_journey, parse_journey
from journeymap.cli import cli
from journeymap.render.compare import (
    render_compare_html,
    render_compare_json,
    render_compare_markdown,
    render_compare_text,
    render_suggestions,
)
from journeymap.scenarios import CandidateAssumptions, compare, suggest

SCENARIOS = """scenarios:
  - id: ssn-once
    title: DMV gets the SSN from SSA
    assumptions: SSA shares it <b>electronically</b>
    changes:
      - ask_once: ssn
        effort_saved: 30min
  - id: nothing
    changes: []
"""


def journey_file(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "j.yaml"
    path.write_text(text or tiny_journey_text() + SCENARIOS, encoding="utf-8")
    return path


def run(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_text_shows_measures_assumptions_and_equal_results(tmp_path: Path) -> None:
    result = run("compare", journey_file(tmp_path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Scenario ssn-once" in out and "Assumptions: SSA shares it <b>electronically</b>" in out
    assert (
        "  Requests                     per starter                    2.80      1.90       −0.90"
        in out
    )
    assert "The result equals the baseline: no measure changes (no changes)." in out


def test_one_scenario_by_id_as_json(tmp_path: Path) -> None:
    result = run("compare", journey_file(tmp_path), "--scenario", "ssn-once", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [a["id"] for a in data["alternatives"]] == ["ssn-once"]
    alt = data["alternatives"][0]
    assert alt["difference"]["requests"] == pytest.approx(-0.9)
    assert alt["difference"]["time_tax_hours"] is None  # the tiny journey gives no effort
    assert alt["structure"]["requests_removed"] == [{"touchpoint": "b", "item": "ssn"}]
    assert data["population"] == 1000 and data["population_is_default"] is True


def test_markdown_escapes_the_journey_s_words(tmp_path: Path) -> None:
    result = run("compare", journey_file(tmp_path), "--format", "markdown")
    assert result.exit_code == 0
    assert "Assumptions: SSA shares it \\<b\\>electronically\\</b\\>" in result.output
    assert "| Requests | per starter | 2.80 | 1.90 | −0.90 |" in result.output


def test_two_files(tmp_path: Path) -> None:
    current = journey_file(tmp_path)
    future = tmp_path / "future.yaml"
    future.write_text(tiny_journey_text().replace("asks: [ssn, photo_id]", "asks: [photo_id]"))
    result = run("compare", current, future, "--format", "json")
    assert result.exit_code == 0
    alt = json.loads(result.output)["alternatives"][0]
    assert alt["kind"] == "file" and alt["structure"]["requests_removed"] == [
        {"touchpoint": "b", "item": "ssn"}
    ]
    assert alt["structure"]["touchpoints_changed"] == [{"touchpoint": "b", "keys": ["asks"]}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "nope"], "no scenario 'nope' in journey 'tiny' (known: ssn-once, nothing)"),
        (["--suggest", "--format", "html"], "--suggest takes one journey file"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run("compare", journey_file(tmp_path), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_no_scenarios_and_three_files_exit_2(tmp_path: Path) -> None:
    plain = journey_file(tmp_path, tiny_journey_text())
    result = run("compare", plain)
    assert result.exit_code == 2
    assert "journey 'tiny' has no scenarios" in result.output
    result = run("compare", plain, plain, plain)
    assert result.exit_code == 2
    assert "compare takes one journey file (with scenarios) or two" in result.output
    result = run("compare", plain, plain, "--scenario", "x")
    assert result.exit_code == 2


def test_a_bad_scenario_exits_1_with_a_located_error(tmp_path: Path) -> None:
    text = tiny_journey_text() + "scenarios:\n  - id: s\n    changes:\n      - remove: c\n"
    result = run("compare", journey_file(tmp_path, text))
    assert result.exit_code == 1
    assert "j.yaml:27:17: scenarios[0].changes[0].remove: cannot remove 'c': it is an end" in (
        result.output
    )


def test_html_structure(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    result = run("compare", journey_file(tmp_path), "--format", "html", "-o", out)
    assert result.exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.html is not None and soup.html["lang"] == "en"
    assert soup.find("script") is None and soup.find("link") is None
    assert soup.h1 is not None and soup.h1.get_text() == "Compare: Tiny journey"
    assert [h.get_text() for h in soup.find_all("h2")] == ["Scenario ssn-once", "Scenario nothing"]
    table = soup.find("table")
    assert table is not None and table.caption is not None
    assert table.caption.get_text() == "Measures"
    headers = [th.get_text() for th in table.thead.find_all("th")]
    assert headers == ["measure", "unit", "as written", "ssn-once", "difference"]
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    requests = next(r for r in table.tbody.find_all("tr") if r.th.get_text() == "Requests")
    assert [td.get_text() for td in requests.find_all("td")] == [
        "per starter",
        "2.80",
        "1.90",
        "−0.90",
    ]
    assumptions = soup.find("p", class_="assumptions")
    assert assumptions is not None and assumptions.find("b") is None  # escaped, not markup
    assert "<b>electronically</b>" in assumptions.get_text()


def test_renderers_say_the_same_numbers() -> None:
    c = compare(parse_journey(tiny_journey_text() + SCENARIOS))
    for text in (render_compare_text(c), render_compare_markdown(c), render_compare_html(c)):
        assert "2.80" in text and "1.90" in text and "−0.90" in text
    assert json.loads(render_compare_json(c))["alternatives"][1]["same_as_baseline"] is True


@pytest.mark.parametrize("path", [p for p in EXAMPLES if "scenarios:" in p.read_text()])
def test_examples_with_scenarios_compare(path: Path) -> None:
    c = compare(load_journey(path))
    assert c.alternatives
    for alt in c.alternatives:
        assert alt.assumptions
        assert not alt.same_as_baseline
        assert alt.difference.requests <= 1e-9 or alt.difference.completion_per_1000 > 0


def test_three_examples_carry_scenarios() -> None:
    assert len([p for p in EXAMPLES if "\nscenarios:" in p.read_text()]) >= 3


# suggestions -----------------------------------------------------------------------------

TRANSITION = next(p for p in EXAMPLES if p.name == "transition-to-civilian-life.yaml")


def test_suggestions_are_ranked_and_pasteable() -> None:
    journey = load_journey(TRANSITION)
    s = suggest(journey)
    hours = [round(c.hours_saved_per_period, 6) for c in s.candidates]
    assert hours == sorted(hours, reverse=True)
    kinds = {c.kind for c in s.candidates}
    assert {"ask_once", "warm_handoff", "faster"} <= kinds
    dd214 = next(c for c in s.candidates if c.id == "ask-once-dd214")
    assert dd214.yaml.startswith("- id: ask-once-dd214\n")
    text = TRANSITION.read_text().split("\nscenarios:")[0] + "\nscenarios:\n" + dd214.yaml
    pasted = parse_journey(text)
    again = compare(pasted).alternatives[0]
    assert again.difference.time_tax_hours_per_period == pytest.approx(
        -dd214.hours_saved_per_period
    )


def test_warm_handoff_halves_the_drop_off_after_it() -> None:
    journey = load_journey(TRANSITION)
    s = suggest(journey, assumptions=CandidateAssumptions(warm_handoff_drop_off_factor=0.5))
    warm = next(c for c in s.candidates if c.id == "warm-handoff-t5")
    assert "drop_off: 0.1\n" in warm.yaml  # T5's 0.2, halved
    assert warm.completions_gained_per_period > 0


def test_rank_by_completions(tmp_path: Path) -> None:
    result = run("compare", TRANSITION, "--suggest", "--rank-by", "completions", "--format", "json")
    assert result.exit_code == 0
    gained = [c["completions_gained_per_period"] for c in json.loads(result.output)["candidates"]]
    assert [round(g, 6) for g in gained] == sorted((round(g, 6) for g in gained), reverse=True)


def test_bad_assumption_is_a_usage_error() -> None:
    result = run("compare", TRANSITION, "--suggest", "--effort-saved", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a duration" in result.output
    with pytest.raises(ValueError, match="faster_duration_factor must be a number from 0 to 1"):
        CandidateAssumptions(faster_duration_factor=2)


def test_suggestions_text() -> None:
    s = suggest(load_journey(TRANSITION))
    text = render_suggestions(s)
    assert "What would help most" in text and "Paste under scenarios:" in text


# browser -----------------------------------------------------------------------------------

CHROMIUM = next(
    (
        p
        for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "")
        if p and Path(p).exists()
    ),
    None,
)


@pytest.mark.browser
def test_html_passes_axe(tmp_path: Path) -> None:
    try:
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Chromium is missing")
    path = tmp_path / "c.html"
    path.write_text(render_compare_html(compare(load_journey(TRANSITION))), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(path.resolve().as_uri())
        options = {
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        }
        result = Axe().run(page, options=options)
        browser.close()
    assert [v["id"] for v in result.response["violations"]] == []
