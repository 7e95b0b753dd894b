"""The HTML narrative in a real browser: Playwright driving Debian's Chromium, plus axe-core.

Outside CI these tests skip when Chromium is missing; in CI (CI=true) they must run.
Install: apt-get install chromium fonts-liberation; pip install playwright
axe-playwright-python (never `playwright install`: it downloads its own browser).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, EXAMPLES, tiny_journey_text

from journeymap import Journey, analyze, load_journey, parse_journey
from journeymap.render.html import render_narrative
from journeymap.render.html.writer import load_page, make_environment, render_page

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (
        p
        for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "")
        if p and Path(p).exists()
    ),
    None,
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed: pip install playwright axe-playwright-python")
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must apt-get install chromium")
        pytest.skip("Chromium is missing: apt-get install chromium fonts-liberation")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _render(journey: Journey, tmp_path: Path, name: str) -> Path:
    """The real report, map included (system Graphviz, else WebAssembly, else no map)."""
    from journeymap.render.html import write_narrative

    path = tmp_path / f"{name}.html"
    write_narrative(analyze(journey), path)
    return path


class Page:
    """A page opened from file:// with every console error, request and dialog recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.page.close()


def _axe_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    result = Axe().run(page, options=WCAG)
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result.response["violations"]
    ]


JOURNEYS = [("tiny", None), ("hostile", DATA / "hostile.yaml")] + [(p.stem, p) for p in EXAMPLES]


@pytest.mark.parametrize(("name", "path"), JOURNEYS, ids=[n for n, _ in JOURNEYS])
def test_loads_offline_cleanly_and_passes_axe(
    browser: Any, tmp_path: Path, name: str, path: Path | None
) -> None:
    journey = load_journey(path) if path else parse_journey(tiny_journey_text())
    page = Page(browser, _render(journey, tmp_path, name))
    try:
        assert page.errors == []
        assert page.dialogs == []
        assert page.requests == [page.url]  # the file itself, nothing else
        assert page.page.locator("h1").inner_text() == journey.title
        shot = tmp_path / f"{name}.png"
        page.page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert _axe_violations(page.page) == []
        assert page.errors == []
        assert page.dialogs == []
    finally:
        page.close()


def test_keyboard(browser: Any, tmp_path: Path) -> None:
    journey = parse_journey(tiny_journey_text())
    path = tmp_path / "k.html"
    template = load_page(make_environment())
    html = render_page(
        analyze(journey),
        template=template,
        map_svg="<svg role='img'><title>m</title></svg>",
        map_note=None,
    )
    path.write_text(html)
    page = Page(browser, path)
    try:
        p = page.page
        p.keyboard.press("Tab")
        assert p.evaluate("document.activeElement.className") == "skip"
        button = p.locator("button[data-zoom]")
        button.focus()
        p.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "true"
        assert "fit" not in (p.locator("#map-frame").get_attribute("class") or "")
        p.keyboard.press("Space")
        assert button.get_attribute("aria-pressed") == "false"
        summary = p.locator("#map details summary")
        summary.focus()
        p.keyboard.press("Enter")
        assert p.locator("#map details").evaluate("d => d.open") is True
        region = p.locator("#map-frame")
        assert region.get_attribute("tabindex") == "0"
        assert page.errors == []
    finally:
        page.close()


def test_print_opens_collapsed_sections(browser: Any, tmp_path: Path) -> None:
    journey = parse_journey(tiny_journey_text())
    path = tmp_path / "p.html"
    path.write_text(render_narrative(analyze(journey), map_options=None)[0])
    page = Page(browser, path)
    try:
        page.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
        pdf = page.page.pdf()
        assert pdf[:5] == b"%PDF-"
    finally:
        page.close()


def test_report_with_observed_evidence_passes_axe(browser: Any, tmp_path: Path) -> None:
    from conftest import ROOT

    from journeymap.events import read_event_log
    from journeymap.render.html import write_narrative

    journey = load_journey(ROOT / "examples" / "life_events" / "disaster-recovery.yaml")
    log = read_event_log(
        [ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"],
        journey=journey,
    )
    path = tmp_path / "observed.html"
    write_narrative(analyze(journey, observed=log), path)
    page = Page(browser, path)
    try:
        heading = page.page.locator("#evidence h3", has_text="Designed vs observed")
        assert heading.count() == 1
        assert page.page.locator("ul.observed li").count() >= 5
        assert _axe_violations(page.page) == []
        assert page.errors == []
        assert page.requests == [page.url]
    finally:
        page.close()


def test_report_with_feedback_and_scenario_passes_axe(browser: Any, tmp_path: Path) -> None:
    from conftest import ROOT

    from journeymap.render.html import write_narrative
    from journeymap.scenarios import compare
    from journeymap.study import FeedbackOptions, analyze_file

    journey = ROOT / "examples" / "life_events" / "transition-to-civilian-life.yaml"
    responses = ROOT / "examples" / "life_events" / "data" / "transition-feedback-a11v2.csv"
    report = analyze_file(
        journey,
        feedback=FeedbackOptions(paths=(str(responses),), every="quarter", by="channel"),
    )
    comparison = compare(load_journey(journey), scenarios=["dd214-and-warm-enrollment"])
    path = tmp_path / "voice.html"
    write_narrative(report, path, comparison=comparison)
    page = Page(browser, path)
    try:
        p = page.page
        assert p.locator("#trust-table tbody tr").count() == 11
        assert p.locator("#feedback h3", has_text="Paperwork burden").count() == 1
        assert p.locator("#scenario h3").first.inner_text() == "Scenario dd214-and-warm-enrollment"
        for section in ("charts", "feedback", "scenario"):
            shot = tmp_path / f"{section}.png"
            p.locator(f"#{section}").screenshot(path=str(shot))
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert _axe_violations(p) == []
        assert page.errors == []
        assert page.requests == [page.url]
    finally:
        page.close()
