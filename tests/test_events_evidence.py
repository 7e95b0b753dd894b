"""Event-log evidence on generated logs whose truth is known: lifecycle abandonment, unlogged
ends, censoring by cohorts, conformance, segments and the trend over time."""

from __future__ import annotations

import csv
import dataclasses
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from conftest import PERMIT_JOURNEY, REAL_LOGS, ROOT

from journeymap import analyze, parse_journey
from journeymap.cli import cli
from journeymap.events import read_event_log
from journeymap.exceptions import EventLogError, UsageError
from journeymap.render.text import render_markdown, render_text
from journeymap.report import TrendEvent

T0 = datetime(2024, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 1, 1, tzinfo=UTC)  # as_of far after every log: every case is old

LINEAR = parse_journey(
    """
journeymap: 1
id: lin
title: Linear
agencies: [{id: A, name: A}, {id: B, name: B}]
touchpoints:
  - {id: a, name: Apply, agency: A, next: b}
  - {id: b, name: Review application, agency: B, next: c}
  - {id: c, name: Decide, agency: A, next: d}
  - {id: d, name: Notify, agency: A}
"""
)


def write_log(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def at(day: float) -> str:
    return (T0 + timedelta(days=day)).isoformat()


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


class TestLifecycleAbandonment:
    """10 cases finish a-b-c-d (start and complete each, 2 days' wait between steps); 4 start
    b and stop, 3 start c and stop, 2 only start a (their only event is a start)."""

    @staticmethod
    def rows() -> list[list[str]]:
        out: list[list[str]] = []

        def case(name: str, day: float, steps: str, last_start: str | None) -> None:
            t = day
            for tp in steps:
                out.append([name, tp, at(t), "start"])
                out.append([name, tp, at(t + 1), "complete"])
                t += 3  # one day at the step, then a 2-day wait
            if last_start:
                out.append([name, last_start, at(t), "start"])

        for i in range(10):
            case(f"done{i}", i, "abcd", None)
        for i in range(4):
            case(f"atb{i}", i, "a", "b")
        for i in range(3):
            case(f"atc{i}", i, "ab", "c")
        for i in range(2):
            case(f"ata{i}", i, "", "a")
        return out

    def test_a_last_start_is_abandonment_there(self, tmp_path: Path) -> None:
        path = write_log(tmp_path / "lc.csv", ["case", "activity", "ts", "lifecycle"], self.rows())
        log = read_event_log([path], journey=LINEAR, as_of=LATER)
        assert (log.cases, log.completed, log.abandoned, log.open) == (19, 10, 9, 0)
        assert (log.cases_seen, log.cases_rejected) == (19, {})
        tps = log.touchpoints
        assert {t: (o.dropped, o.closed_visits) for t, o in tps.items()} == {
            "a": (2, 19),
            "b": (4, 17),
            "c": (3, 13),
            "d": (0, 10),
        }
        assert tps["b"].drop_off == 4 / 17
        assert log.completion == 10 / 19
        # a step's time runs from its start to its complete; a start alone has no duration
        assert (tps["a"].median_days, tps["a"].duration_n) == (1.0, 17)
        waits = {(t.source, t.target): (t.wait_median_days, t.wait_n) for t in log.transitions}
        assert waits == {("a", "b"): (2.0, 17), ("b", "c"): (2.0, 13), ("c", "d"): (2.0, 10)}
        report = analyze(LINEAR, observed=log)
        assert report.observed is not None
        assert report.observed.waits[0] == ("a", "b", 2.0, 17)
        assert report.metrics.completion_rate == pytest.approx(10 / 19)


class TestUnloggedEnds:
    """d (the end) is never logged: 6 cases reach c, 3 stop at a."""

    @staticmethod
    def log_path(tmp_path: Path) -> Path:
        rows = [[f"k{i}", s, at(i + j)] for i in range(6) for j, s in enumerate("abc")]
        rows += [[f"s{i}", "a", at(i)] for i in range(3)]
        return write_log(tmp_path / "u.csv", ["case", "activity", "ts"], rows)

    def test_the_last_logged_step_before_an_unlogged_end_counts(self, tmp_path: Path) -> None:
        log = read_event_log([self.log_path(tmp_path)], journey=LINEAR, as_of=LATER)
        assert (log.completed, log.abandoned, log.ends_used) == (6, 3, ("c",))
        assert log.warnings == ()
        assert (
            "the end d has no events in the log: a case whose last event is at c counts as "
            "having reached it"
        ) in log.notes

    def test_explicit_ends_and_the_headline_warning(self, tmp_path: Path) -> None:
        path = self.log_path(tmp_path)
        log = read_event_log([path], journey=LINEAR, as_of=LATER, ends=["d"])
        assert (log.completed, log.abandoned) == (0, 9)
        assert log.warnings == (
            "0 of 9 cases finish in the event log (none reached an end): check that the "
            "journey's end is logged, or name the touchpoints that count as an end (events ends)",
        )
        report = analyze(LINEAR, observed=log)
        text = render_text(report)
        assert text.splitlines()[3].startswith("Warning: 0 of 9 cases finish")
        assert render_markdown(report).splitlines()[4].startswith("> **Warning:** 0 of 9")
        with pytest.raises(UsageError) as err:
            read_event_log([path], journey=LINEAR, ends=["zz"])
        assert (str(err.value), err.value.parameter) == (
            "ends: 'zz' is not a touchpoint of the journey",
            "ends",
        )

    def test_most_rows_unmapped_and_suggestions(self, tmp_path: Path) -> None:
        rows = [[f"k{i}", "Apply", at(i)] for i in range(3)]
        rows += [[f"k{i}", "Reveiw application", at(i + 1)] for i in range(3)]
        rows += [[f"k{i}", "DECIDE!", at(i + 2)] for i in range(3)]
        rows += [["k0", "Decide?!", at(5)]]  # a name but for punctuation, in one case only
        path = write_log(tmp_path / "m.csv", ["case", "activity", "ts"], rows)
        log = read_event_log([path], journey=LINEAR, as_of=LATER, min_cell=2)
        assert log.suggestions == (("DECIDE!", "c"), ("Reveiw application", "b"))
        assert log.warnings[0] == (
            "70% of the event log's rows (7 of 10) are activities the journey does not map: "
            "the observed numbers rest on the rest; map the activities (events map)"
        )
        report = analyze(LINEAR, observed=log)
        assert report.observed is not None
        assert report.observed.warnings[-2:] == (
            "unmapped activity 'DECIDE!' may be c (Decide): add it to the events map",
            "unmapped activity 'Reveiw application' may be b (Review application): add it to "
            "the events map",
        )
        assert "Decide?!" not in render_text(report)


def test_censoring_by_cohort_on_a_right_censored_log(tmp_path: Path) -> None:
    """One case starts each day for 400 days; 3 in 5 finish 60 days later, the others stop
    at b on day 5. The log ends on day 399: recent cases are cut off (right-censored)."""
    rows: list[list[str]] = []
    for i in range(400):
        rows.append([f"c{i}", "a", at(i)])
        if i + 5 <= 399:
            rows.append([f"c{i}", "b", at(i + 5)])
        if i % 5 < 3 and i + 60 <= 399:
            rows.append([f"c{i}", "d", at(i + 60)])
    path = write_log(tmp_path / "r.csv", ["case", "activity", "ts"], rows)
    log = read_event_log([path], journey=LINEAR)
    # the horizon is the completed cases' 95th percentile: 60 days; cohort: days 0 to 339
    assert (log.cohort_horizon_days, log.cohort_cases) == (60.0, 340)
    assert (log.cohort_completed, log.cohort_closed) == (204, 340)
    assert log.completion == 0.6  # the truth: 3 in 5
    # counting every closed case instead: 204 + 36 finished of 400 - 30 open
    assert log.completed / (log.completed + log.abandoned) == 204 / (204 + 136 + 24)
    assert log.touchpoints["b"].drop_off == 136 / 340


class TestConformance:
    """a-b-c-d, with e an alternative end after b (b -> c 90 %, b -> e 10 %)."""

    JOURNEY = parse_journey(
        """
journeymap: 1
id: conf
title: Conformance
agencies: [{id: A, name: A}]
touchpoints:
  - {id: a, name: A, agency: A, next: b}
  - {id: b, name: B, agency: A, next: [{to: c, share: 0.9}, {to: e, share: 0.1}]}
  - {id: c, name: C, agency: A, next: d}
  - {id: d, name: D, agency: A}
  - {id: e, name: E, agency: A}
"""
    )
    CASES: ClassVar[dict[str, int]] = {
        "abcd": 5,
        "acd": 3,
        "abce": 2,
        "abbcd": 4,
        "acbd": 1,
        "bcd": 1,
    }

    def test_each_kind_of_deviation(self, tmp_path: Path) -> None:
        rows = [
            [f"{path}-{n}", tp, at(n + j)]
            for path, count in self.CASES.items()
            for n in range(count)
            for j, tp in enumerate(path)
        ]
        log = read_event_log(
            [write_log(tmp_path / "c.csv", ["case", "activity", "ts"], rows)],
            journey=self.JOURNEY,
            as_of=LATER,
        )
        c = log.conformance
        assert c is not None
        assert (c.cases, c.fitting, c.hidden) == (16, 5, 0)
        assert set(map(dataclasses.astuple, c.deviations)) == {
            ("skipped", "b", None, None, 4),  # acd x3, acbd
            ("skipped", "c", None, None, 1),  # acbd: b -> d
            ("skipped", "a", None, None, 1),  # bcd starts past the start
            ("out of order", "b", None, None, 1),
            ("not in the journey", "e", None, None, 2),
            ("repeated", "b", None, None, 4),
            ("skipped", "c", "a", "c", 4),
            ("skipped", "d", "b", "d", 1),
            ("skipped", "b", None, "b", 1),
            ("out of order", "b", "c", "b", 1),
            ("not in the journey", "e", "c", "e", 2),
            ("repeated", "b", "b", "b", 4),
        }
        assert c.deviations[0].cases == 4
        hidden = read_event_log(
            [tmp_path / "c.csv"], journey=self.JOURNEY, as_of=LATER, min_cell=3
        ).conformance
        assert hidden is not None
        assert (len(hidden.deviations), hidden.hidden) == (4, 8)

    def test_the_example_log_fits_its_journey(self) -> None:
        from journeymap import load_journey

        journey = load_journey(ROOT / "examples" / "life_events" / "disaster-recovery.yaml")
        log = read_event_log(
            [ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"],
            journey=journey,
        )
        assert log.conformance is not None
        assert (log.conformance.cases, log.conformance.fitting) == (513, 513)


def _segment_log(tmp_path: Path) -> Path:
    """online: 40 cases, 30 finish (in 10 days); paper: 40 cases, 10 finish (in 30 days);
    fax: 1 case. XES column names: the channel is ``case:channel``."""
    rows: list[list[str]] = []
    for channel, n, done, days in (("online", 40, 30, 10), ("paper", 40, 10, 30), ("fax", 1, 1, 5)):
        for i in range(n):
            case = f"{channel}{i}"
            rows.append([case, "a", at(i), channel])
            rows.append([case, "b", at(i + 1), channel])
            if i < done:
                rows.append([case, "d", at(i + days), channel])
    header = ["case:concept:name", "concept:name", "time:timestamp", "case:channel"]
    return write_log(tmp_path / "s.csv", header, rows)


def test_segments_with_intervals_and_small_cells(tmp_path: Path) -> None:
    log = read_event_log([_segment_log(tmp_path)], journey=LINEAR, as_of=LATER, by="channel")
    segs = log.segments
    assert segs is not None
    assert (segs.column, segs.hidden_segments, segs.hidden_cases) == ("channel", 0, 0)
    by = {s.value: s for s in segs.segments}
    assert list(by) == ["fax", "online", "paper"]
    online, paper = by["online"], by["paper"]
    assert (online.cases, online.completed, online.closed) == (40, 30, 40)
    assert (online.completion_low, online.completion_high) == pytest.approx(wilson(30, 40))
    assert (paper.completion, by["fax"].completion) == (0.25, 1.0)
    # days to finish: online 10 for all 30, paper 30; the interval is of order statistics
    assert (online.median_days, online.median_low, online.median_high) == (10.0, 10.0, 10.0)
    assert paper.median_days == 30.0
    assert {d.touchpoint: (d.dropped, d.visits) for d in paper.drop_off} == {
        "a": (0, 40),
        "b": (30, 40),
        "d": (0, 10),
    }
    small = read_event_log(
        [_segment_log(tmp_path)], journey=LINEAR, as_of=LATER, by="channel", min_cell=5
    ).segments
    assert small is not None
    assert [s.value for s in small.segments] == ["online", "paper"]
    assert (small.hidden_segments, small.hidden_cases) == (1, 1)
    lo, hi = wilson(30, 40)
    plo, phi = wilson(10, 40)
    gap = small.findings[0]
    assert (gap.column, gap.kind, gap.touchpoint, gap.high_value, gap.low_value) == (
        "channel",
        "completion",
        None,
        "online",
        "paper",
    )
    assert (gap.high_rate, gap.low_rate) == (0.75, 0.25)
    assert (gap.high_low, gap.high_high) == pytest.approx((lo, hi))
    assert gap.sentence == (
        f"completion by channel: 75% for online ({lo:.0%}-{hi:.0%}) against 25% for paper "
        f"({plo:.0%}-{phi:.0%})"
    )
    assert (small.findings[1].kind, small.findings[1].touchpoint) == ("drop_off", "b")
    assert small.findings[1].sentence.startswith("drop-off at b by channel: 75% for paper")
    with pytest.raises(EventLogError, match="no column 'region' to segment by"):
        read_event_log([_segment_log(tmp_path)], journey=LINEAR, by="region")


def test_a_slowdown_in_one_quarter(tmp_path: Path) -> None:
    """Eight federal fiscal quarters of 20 cases each; b takes 5 days, 20 in FY2025 Q2."""
    rows: list[list[str]] = []
    for q in range(8):
        start = datetime(2023, 10, 1, tzinfo=UTC) + timedelta(days=91 * q)
        slow = q == 5
        for i in range(20):
            t = start + timedelta(days=10 + i)
            b = t + timedelta(days=20 if slow else 5)
            rows += [[f"q{q}c{i}", "a", t.isoformat()], [f"q{q}c{i}", "b", b.isoformat()]]
            rows.append([f"q{q}c{i}", "d", (b + timedelta(days=1)).isoformat()])
    path = write_log(tmp_path / "q.csv", ["case", "activity", "ts"], rows)
    log = read_event_log([path], journey=LINEAR, every="quarter")
    trend = log.trend
    assert trend is not None
    labels = [p.label for p in trend.periods]
    assert labels == [f"FY{2024 + q // 4} Q{q % 4 + 1}" for q in range(8)]
    assert [p.arrivals for p in trend.periods] == [20] * 8
    assert [{t.touchpoint: t.median_days for t in p.touchpoints}["b"] for p in trend.periods] == [
        5.0,
        5.0,
        5.0,
        5.0,
        5.0,
        20.0,
        5.0,
        5.0,
    ]
    assert trend.findings == (
        TrendEvent("slowdown", "FY2025 Q2", 20.0, 5.0, touchpoint="b"),
        TrendEvent("slowdown", "FY2025 Q2", 20.0, 5.0, source="a", target="b"),
    )
    assert [f.sentence for f in trend.findings] == [
        "slowdown: b took a median 20.0 days in FY2025 Q2, against a usual 5.0",
        "slowdown: the handoff a -> b took a median 20.0 days in FY2025 Q2, against a usual 5.0",
    ]
    with pytest.raises(UsageError, match="every: 'week' is not a period"):
        read_event_log([path], journey=LINEAR, every="week")
    # the slowdowns are findings of the report, in every output
    report = analyze(LINEAR, observed=log)
    trends = [f for f in report.findings if f.kind == "trend"]
    assert [(f.severity, f.title) for f in trends] == [
        ("medium", "A slowdown beyond the usual spread")
    ] * 2
    assert (
        trends[0].detail == "Slowdown: b took a median 20.0 days in FY2025 Q2, against a usual 5.0."
    )
    assert trends[0].evidence == "observed"
    assert trends[0].title in render_markdown(report)


def test_segment_gaps_are_findings(tmp_path: Path) -> None:
    log = read_event_log(
        [_segment_log(tmp_path)], journey=LINEAR, as_of=LATER, by="channel", min_cell=5
    )
    report = analyze(LINEAR, observed=log)
    gaps = [f for f in report.findings if f.kind == "segment_gap"]
    assert log.segments is not None
    assert len(gaps) == len(log.segments.findings) >= 1
    assert gaps[0].title == "People fare differently by channel: completion by channel"
    assert gaps[0].detail.startswith("Completion by channel: 75% for online")


def _permit_journey(tmp_path: Path) -> Path:
    path = tmp_path / "permit.yaml"
    path.write_text(PERMIT_JOURNEY.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize("which", ["example", "permit"])
def test_cli_by_channel_every_quarter(tmp_path: Path, which: str) -> None:
    if which == "example":
        journey = ROOT / "examples" / "life_events" / "disaster-recovery.yaml"
        log = ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"
    else:
        log = REAL_LOGS / "receipt.csv"
        if not log.exists():
            pytest.skip("the shared real-log folder is not beside this checkout")
        journey = _permit_journey(tmp_path)
    args = ["--events", str(log), "--by", "channel", "--every", "quarter"]
    result = CliRunner().invoke(cli, ["analyze", str(journey), *args])
    assert result.exit_code == 0, result.output
    assert "Conformance: " in result.output
    assert "By channel (completion and days to finish with 95 % intervals):" in result.output
    assert "Per quarter: arrivals, completion (95 % interval):" in result.output
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(journey), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for anchor in ('id="conformance-h"', 'id="segments-h"', 'id="trend-h"', 'id="trend-t"'):
        assert anchor in html


@pytest.mark.browser
def test_the_log_sections_pass_axe(tmp_path: Path) -> None:
    """The report with warnings, conformance, segments and the trend: axe-clean in Chromium."""
    import test_browser

    if test_browser.CHROMIUM is None:
        pytest.skip("Chromium is missing: apt-get install chromium fonts-liberation")
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from journeymap import load_journey
    from journeymap.render.html import write_narrative

    journey = load_journey(ROOT / "examples" / "life_events" / "disaster-recovery.yaml")
    log = read_event_log(
        [ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"],
        journey=journey,
        by="channel",
        every="quarter",
        ends=["D6"],  # an odd choice of end, so that the page also carries a warning
    )
    path = tmp_path / "log.html"
    write_narrative(analyze(journey, observed=log), path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=test_browser.CHROMIUM, args=test_browser.ARGS)
        page = test_browser.Page(browser, path)
        try:
            for anchor in ("#log-warnings li", "#conformance-h", "#segments-h", "#trend-t"):
                assert page.page.locator(anchor).count() >= 1, anchor
            assert test_browser._axe_violations(page.page) == []
            assert page.errors == []
            assert page.requests == [page.url]
        finally:
            page.close()
            browser.close()


def test_the_events_block_needs_no_path_and_the_cli_sets_every_key(tmp_path: Path) -> None:
    """A block with only a map and ends; the log, strictness and ends from the command line."""
    from journeymap.study import EventOptions, analyze_file

    journey = tmp_path / "j.yaml"
    journey.write_text(
        "journeymap: 1\nid: j\ntitle: J\nagencies: [{id: A, name: A}]\ntouchpoints:\n"
        "  - {id: a, name: Apply, agency: A, next: b}\n"
        "  - {id: b, name: Review, agency: A}\n"
        "events:\n  map: {Submitted: a}\n  ends: [a]\n",
        encoding="utf-8",
    )
    log = write_log(
        tmp_path / "l.csv",
        ["case", "activity", "ts"],
        [["x", "Submitted", at(0)], ["y", "Submitted", at(0)], ["y", "b", at(1)], ["", "b", at(2)]],
    )
    from journeymap import load_journey

    block = load_journey(journey).events
    assert EventOptions().merged(block, journey) is None
    request = EventOptions(paths=(str(log),)).merged(block, journey)
    assert request is not None
    assert (request.activity_map, request.ends) == ({"Submitted": "a"}, ("a",))
    report = analyze_file(journey, events=EventOptions(paths=(str(log),), ends=("b",)))
    assert report.observed is not None
    assert (report.observed.completed, report.observed.ends_used) == (1, ("b",))
    runner = CliRunner()
    result = runner.invoke(cli, ["analyze", str(journey), "--events", str(log), "--strict-log"])
    assert result.exit_code == 1
    assert f"{log}:row 5: missing case id; fix the row" in result.output
    result = runner.invoke(
        cli, ["analyze", str(journey), "--events", str(log), "--end", "zz", "--format", "json"]
    )
    assert result.exit_code == 2
    assert "--end" in result.output and "'zz' is not a touchpoint" in result.output
    result = runner.invoke(cli, ["analyze", str(journey), "--events", str(log), "--end", "b"])
    assert "Reaching an end: last event at b" in result.output


def test_lifecycle_abandonment_on_a_simulated_journey(tmp_path: Path) -> None:
    """The disaster-recovery journey simulated with start/complete events, where giving up
    logs only the start (benchmarks/generate_event_log.py --lifecycle): every case, the
    completion and the drop-off at each touchpoint are exactly the simulation's."""
    import sys

    from journeymap import load_journey

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate_event_log as gen

    journey = load_journey(gen.DEFAULT_JOURNEY)
    rows = gen.simulate(journey, 30_000, 1, lifecycle=True)
    last: dict[str, tuple[str, str]] = {}
    for (case, activity, _, _), phase in sorted(
        zip(rows, gen.PHASES, strict=True), key=lambda r: (r[0][0], r[0][2])
    ):
        last[case] = (activity, phase)
    ids = {t.name: t.id for t in journey.touchpoints}
    ends = {t.id for t in journey.touchpoints if t.is_end}
    finished = sum(1 for a, p in last.values() if p == "complete" and ids[a] in ends)
    gave_up: dict[str, int] = {}
    for a, p in last.values():
        if not (p == "complete" and ids[a] in ends):
            gave_up[ids[a]] = gave_up.get(ids[a], 0) + 1
    path = tmp_path / "lc.parquet"
    gen.write(rows, path, lifecycle=True)
    log = read_event_log([path], journey=journey, as_of=LATER.replace(year=2100))
    assert (log.cases, log.completed) == (len(last), finished)
    assert log.completion == finished / len(last)
    assert {t: o.dropped for t, o in log.touchpoints.items() if o.dropped} == gave_up


def test_a_rare_segment_value_is_never_named(tmp_path: Path) -> None:
    """A case id planted in the segment column of one case: counted, never shown."""
    secret = "case-4711-SSN-078-05-1120"
    rows = [[f"k{i}", tp, at(i + j), "web"] for i in range(3) for j, tp in enumerate("abd")]
    rows += [["z", "a", at(0), secret], ["z", "b", at(1), secret]]
    path = write_log(tmp_path / "h.csv", ["case", "activity", "ts", "region"], rows)
    log = read_event_log([path], journey=LINEAR, by="region", every="month", min_cell=2)
    assert log.segments is not None
    assert [s.value for s in log.segments.segments] == ["web"]
    assert (log.segments.hidden_segments, log.segments.hidden_cases) == (1, 1)
    report = analyze(LINEAR, observed=log)
    from journeymap.render.html import render_narrative
    from journeymap.render.text import render_json

    for text in (render_text(report), render_json(report), render_narrative(report)[0]):
        assert secret not in text
