"""A-11 customer feedback: ingestion, rejections, measures with Wilson intervals, periods,
segments, mapping, suppression, privacy, the joined findings and paperwork burden."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from journeymap import parse_journey
from journeymap.analysis import analyze
from journeymap.analysis.feedback_join import wilson
from journeymap.cli import cli
from journeymap.exceptions import FeedbackError, UsageError
from journeymap.feedback import read_feedback
from journeymap.frozen import settle
from journeymap.render.text import render_json, render_markdown, render_text
from journeymap.study import FeedbackOptions, analyze_file

JOURNEY = """
journeymap: 1
id: fb
title: Feedback test
agencies: [{id: A, name: Agency A}, {id: B, name: Agency B}]
stages: [{id: apply, name: Apply}, {id: decide, name: Decision}]
touchpoints:
  - id: t1
    name: Apply online
    agency: A
    stage: apply
    channel: online
    duration: 2d
    effort: 2h
    forms: [{id: F1, omb: "1234-5678", burden: 20min}]
    next: t2
  - {id: t2, name: Decision letter, agency: B, stage: decide, channel: mail, duration: 30d}
"""
J = parse_journey(JOURNEY)
SECRET_ID = "RESP-7f3a9c"
SECRET_TEXT = "my caseworker Jane Q. Doe at 555-0199"


def _csv(path: Path, header: str, rows: list[str]) -> str:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def _tally(obs: object, tp: str | None, item: str, kind: str = "agree") -> tuple[int, int]:
    cell = next(
        c
        for c in obs.cells  # type: ignore[attr-defined]
        if c.touchpoint == tp and c.period is None and c.segment is None
    )
    t = getattr(cell, kind)[item]
    return (t.answered, t.count)


# -- Wilson ----------------------------------------------------------------------------------


def test_wilson_hand_computed() -> None:
    # p = 0.8, n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38415 = 0.71685,
    # half 1.96 / 1.38415 * sqrt(0.016 + 0.0096040) = 0.22665
    low, high = wilson(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson(0, 5)[0] == 0.0
    assert wilson(5, 5)[1] == 1.0


@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_wilson_contains_the_share(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


# -- v1 Likert ---------------------------------------------------------------------------------


def test_v1_shares_means_and_blanks(tmp_path: Path) -> None:
    rows = [f"t1,{s},{e}" for s, e in [(5, 4), (4, ""), (3, 2), (1, ""), (5, 5)]]
    path = _csv(tmp_path / "v1.csv", "touchpoint,satisfaction,ease", rows)
    obs = read_feedback([path], journey=J, min_cell=1)
    assert obs.instrument == "a11_v1"
    assert obs.instrument_note == (
        "a11_v1 (inferred: Likert items and no positive_*/negative_* columns)"
    )
    assert (obs.rows_read, obs.rows_used, obs.rejected) == (5, 5, {})
    assert _tally(obs, "t1", "satisfaction") == (5, 3)
    assert _tally(obs, "t1", "ease") == (3, 2)  # blanks are not answered, never zero
    report = analyze(J, feedback=obs)
    assert report.feedback is not None
    row = report.feedback.touchpoints[0]
    sat = row.measure("satisfaction")
    assert sat is not None and sat.share == 0.6 and sat.mean == pytest.approx(18 / 5)
    ease = row.measure("ease")
    assert ease is not None and ease.mean == pytest.approx(11 / 3)
    low, high = wilson(2, 3)
    assert (ease.low, ease.high) == (settle(low), settle(high))  # the Report's 12 digits


# -- v2 thumbs and Likert ------------------------------------------------------------------------


def test_v2_thumbs_and_likert_files_mixed(tmp_path: Path) -> None:
    thumbs = _csv(
        tmp_path / "a.csv",
        "touchpoint,trust,negative_ease",
        ["t1,up,0", "t1,down,1", "t1,1,", "t1,0,1", "t1,YES,0"],
    )
    likert = _csv(tmp_path / "b.csv", "touchpoint,trust", ["t1,5", "t1,4", "t1,2", "t1,1"])
    obs = read_feedback([thumbs, likert], journey=J, min_cell=1)
    assert obs.instrument == "a11_v2" and obs.trust_scale == "mixed"
    # thumbs file: up, 1, yes agree (3 of 5); Likert file: 4 and 5 agree, 1 is a score (2 of 4)
    assert _tally(obs, "t1", "trust") == (9, 5)
    assert _tally(obs, "t1", "ease", "negative") == (4, 2)


def test_v2_inferred_from_thumbs_words(tmp_path: Path) -> None:
    path = _csv(tmp_path / "t.csv", "touchpoint,trust", ["t1,up", "t2,down"])
    obs = read_feedback([path], journey=J, min_cell=1)
    assert obs.instrument_note == "a11_v2 (inferred: trust is answered with thumbs up/down)"


def test_every_rejection_reason_is_located(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "bad.csv",
        "touchpoint,submitted,trust,positive_ease",
        [
            "t1,2024-10-01,up,1",  # row 2 used
            ",2024-10-01,up,1",  # 3 missing touchpoint
            "nowhere,2024-10-01,up,1",  # 4 unknown touchpoint
            "t1,2024-10-01,maybe,1",  # 5 unparsable trust
            "t1,2024-10-01,7,1",  # 6 out of range
            "t1,2024-10-01,up,2",  # 7 unparsable flag
            "t1,not a date,up,1",  # 8 unparsable date
            "t1,2024-10-01,,",  # 9 nothing answered
            "t" + "x" * 1001 + ",2024-10-01,up,1",  # 10 over-long touchpoint
        ],
    )
    obs = read_feedback([path], journey=J, min_cell=1)
    assert obs.rejected == {
        "missing touchpoint": 1,
        "touchpoint value longer than 1,000 characters": 1,
        "unknown touchpoint": 1,
        "trust: unparsable value": 1,
        "trust: score out of range (1 to 5)": 1,
        "positive_ease: unparsable value (use 0 or 1)": 1,
        "submitted: unparsable date": 1,
        "no question answered": 1,
    }
    assert obs.rejected_examples["missing touchpoint"] == (f"{path}:row 3",)
    assert obs.rejected_examples["trust: score out of range (1 to 5)"] == (f"{path}:row 6",)
    assert obs.rejected_examples["touchpoint value longer than 1,000 characters"] == (
        f"{path}:row 10",
    )
    assert obs.rows_read == obs.rows_used + sum(obs.rejected.values()) == 9


def test_ambiguous_value_is_rejected(tmp_path: Path) -> None:
    two = parse_journey(JOURNEY.replace("channel: mail", "channel: online"))
    path = _csv(tmp_path / "c.csv", "touchpoint,trust", ["online,up", "t1,up"])
    obs = read_feedback([path], journey=two, min_cell=1)
    assert obs.rejected == {"ambiguous touchpoint (matches several touchpoints; map it)": 1}


def test_mapping_by_map_stage_channel_and_omb(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "m.csv",
        "service,trust",
        ["1234-5678,up", "Decision,down", "mail,up", "Front door,up", "APPLY ONLINE,up"],
    )
    obs = read_feedback(
        [path], journey=J, touchpoint_column="service", mapping={"Front door": "t1"}, min_cell=1
    )
    assert obs.mapped == (
        ("1234-5678", "t1", "OMB number"),
        ("APPLY ONLINE", "t1", "name"),
        ("Decision", "t2", "stage"),
        ("Front door", "t1", "map"),
        ("mail", "t2", "channel"),
    )
    assert _tally(obs, "t1", "trust") == (3, 3)
    assert _tally(obs, "t2", "trust") == (2, 1)


def test_map_to_unknown_touchpoint_is_a_usage_error(tmp_path: Path) -> None:
    path = _csv(tmp_path / "m.csv", "touchpoint,trust", ["t1,up"])
    with pytest.raises(UsageError, match="sends 'x' to 'nope', which is not a touchpoint"):
        read_feedback([path], journey=J, mapping={"x": "nope"})


def test_missing_touchpoint_column_and_no_items(tmp_path: Path) -> None:
    path = _csv(tmp_path / "n.csv", "stage,trust", ["t1,up"])
    with pytest.raises(FeedbackError, match="no column 'touchpoint'"):
        read_feedback([path], journey=J)
    path = _csv(tmp_path / "o.csv", "touchpoint,score", ["t1,5"])
    with pytest.raises(FeedbackError, match="no A-11 item column"):
        read_feedback([path], journey=J)


# -- suppression, periods, segments --------------------------------------------------------------


def test_small_cells_are_suppressed(tmp_path: Path) -> None:
    rows = ["t1,up"] * 12 + ["t2,down"] * 3
    path = _csv(tmp_path / "s.csv", "touchpoint,trust", rows)
    obs = read_feedback([path], journey=J)  # min_cell 10 by default
    report = analyze(J, feedback=obs)
    fb = report.feedback
    assert fb is not None and fb.min_cell == 10
    t2 = next(r for r in fb.touchpoints if r.touchpoint == "t2")
    trust = t2.measure("trust")
    assert trust is not None and trust.suppressed and trust.share is None
    assert t2.responses == 3
    assert "suppressed (<10)" in render_text(report)


def test_fiscal_quarters(tmp_path: Path) -> None:
    dates = ["2024-09-30", "2024-10-01", "2024-12-31T23:00:00Z", "2025-01-01", "2025-07-01"]
    path = _csv(
        tmp_path / "q.csv", "touchpoint,submitted,trust", [f"t1,{d},up" for d in dates] + ["t1,,up"]
    )
    obs = read_feedback([path], journey=J, every="quarter", min_cell=1)
    periods = {c.period: c.responses for c in obs.cells if c.period and c.touchpoint is None}
    assert periods == {"FY2024 Q4": 1, "FY2025 Q1": 2, "FY2025 Q2": 1, "FY2025 Q4": 1}
    assert "1 responses without a date are in no quarter" in obs.notes
    years = read_feedback([path], journey=J, every="year", min_cell=1)
    assert {c.period for c in years.cells if c.period} == {"FY2024", "FY2025"}
    months = read_feedback([path], journey=J, every="month", min_cell=1)
    assert {c.period for c in months.cells if c.period} == {
        "2024-09",
        "2024-10",
        "2024-12",
        "2025-01",
        "2025-07",
    }


def test_periods_are_cut_in_the_engine_time_zone(tmp_path: Path) -> None:
    """The time zone events use (EngineSettings.timezone) also cuts feedback periods: 02:00
    UTC on 1 October is still 30 September (FY2024) in New York; a naive date is read there."""
    rows = ["t1,2024-10-01T02:00:00+00:00,up", "t1,2024-10-01,up"]
    path = _csv(tmp_path / "z.csv", "touchpoint,submitted,trust", rows)

    def periods(timezone: str) -> dict[str | None, int]:
        obs = read_feedback([path], journey=J, every="quarter", min_cell=1, timezone=timezone)
        return {c.period: c.responses for c in obs.cells if c.period and c.touchpoint is None}

    assert periods("UTC") == {"FY2025 Q1": 2}
    assert periods("America/New_York") == {"FY2024 Q4": 1, "FY2025 Q1": 1}
    obs = read_feedback([path], journey=J, min_cell=1, timezone="America/New_York")
    assert (obs.first_submitted, obs.last_submitted) == ("2024-09-30", "2024-10-01")


def test_segments_small_ones_not_named(tmp_path: Path) -> None:
    rows = ["t1,up,English"] * 10 + ["t1,down,Spanish"] * 10 + [f"t1,up,{SECRET_ID}"]
    path = _csv(tmp_path / "g.csv", "touchpoint,trust,language", rows)
    obs = read_feedback([path], journey=J, by="language")
    segs = {c.segment for c in obs.cells if c.segment}
    assert segs == {"English", "Spanish"}
    assert "1 language value (1 responses) with fewer than 10 responses" in obs.notes[0]
    with pytest.raises(FeedbackError, match="no column 'nope' to break the responses down by"):
        read_feedback([path], journey=J, by="nope")


# -- privacy -------------------------------------------------------------------------------------


def test_no_identifier_or_free_text_in_any_output(tmp_path: Path) -> None:
    rows = [f"{SECRET_ID}{i},t1,up,1,{SECRET_TEXT}" for i in range(12)]
    rows += [f"{SECRET_ID}x,{SECRET_TEXT},up,1,{SECRET_TEXT}"]  # unknown touchpoint
    rows += [f"{SECRET_ID}y,t1,{SECRET_TEXT},1,{SECRET_TEXT}"]  # unparsable trust
    path = _csv(tmp_path / "p.csv", "respondent_id,touchpoint,trust,positive_ease,comment", rows)
    obs = read_feedback([path], journey=J, by="respondent_id")
    report = analyze(J, feedback=obs)
    for out in (render_text(report), render_markdown(report), render_json(report)):
        assert SECRET_ID not in out
        assert "Jane" not in out and "555-0199" not in out


# -- joined findings, burden, pipeline and CLI ---------------------------------------------------


def test_trust_drop_and_driver_findings(tmp_path: Path) -> None:
    rows = ["t1,up,0"] * 40 + ["t1,down,0"] * 10 + ["t2,up,0"] * 10 + ["t2,down,1"] * 40
    path = _csv(tmp_path / "d.csv", "touchpoint,trust,negative_efficiency", rows)
    report = analyze(J, feedback=read_feedback([path], journey=J))
    titles = [f.title for f in report.findings if f.kind == "feedback"]
    assert "Trust drops from Apply online to Decision letter" in titles
    assert "Trust stands out at Decision letter (t2)" in titles
    assert "Lower trust goes with efficiency" in titles
    drop = next(f for f in report.findings if f.title.startswith("Trust drops"))
    assert drop.numbers == {"trust_before": 0.8, "trust_after": 0.2}
    assert "median time 30 days (bottleneck #1)" in drop.detail
    link = report.feedback.trust_links[0]  # type: ignore[union-attr]
    assert (link.with_n, link.with_share, link.without_n, link.without_share) == (
        40,
        0.0,
        60,
        settle(50 / 60),
    )
    assert link.supported


def test_no_finding_when_intervals_overlap(tmp_path: Path) -> None:
    rows = ["t1,up"] * 7 + ["t1,down"] * 3 + ["t2,up"] * 5 + ["t2,down"] * 5
    path = _csv(tmp_path / "e.csv", "touchpoint,trust", rows)
    report = analyze(J, feedback=read_feedback([path], journey=J))
    assert [f for f in report.findings if f.kind == "feedback"] == []


def test_burden_beside_effort() -> None:
    report = analyze(J)
    b = report.burden
    assert b is not None
    row = b.rows[0]
    assert (row.touchpoint, row.forms, row.omb) == ("t1", ("F1",), ("1234-5678",))
    assert row.burden_hours == pytest.approx(1 / 3) and row.ratio == pytest.approx(6.0)
    assert row.gap and b.public_burden_hours == pytest.approx(1000 / 3)
    finding = next(f for f in report.findings if f.kind == "burden")
    assert finding.title == "Effort at Apply online is 6.0x the paperwork burden estimate"


def test_response_rate_from_the_analysis(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", "touchpoint,trust", ["t1,up"] * 20)
    report = analyze(J, population=400, feedback=read_feedback([path], journey=J))
    row = report.feedback.touchpoints[0]  # type: ignore[union-attr]
    assert (row.people_served, row.response_rate) == (400.0, 0.05)
    assert row.served_from == "the analysis (people arriving per period)"


def test_journey_block_and_pipeline(tmp_path: Path) -> None:
    _csv(tmp_path / "resp.csv", "stage_name,trust", ["Apply,up"] * 10)
    text = JOURNEY + (
        "feedback:\n  path: resp.csv\n  columns: {touchpoint: stage_name}\n  min_cell: 5\n"
    )
    (tmp_path / "j.yaml").write_text(text, encoding="utf-8")
    report = analyze_file(tmp_path / "j.yaml")
    assert report.feedback is not None and report.feedback.min_cell == 5
    assert report.feedback.touchpoints[0].responses == 10
    off = analyze_file(tmp_path / "j.yaml", feedback=FeedbackOptions(use_journey_block=False))
    assert off.feedback is None


def test_cli_feedback_options(tmp_path: Path) -> None:
    (tmp_path / "j.yaml").write_text(JOURNEY, encoding="utf-8")
    path = _csv(
        tmp_path / "f.csv",
        "touchpoint,submitted,trust,channel",
        ["t1,2024-11-01,up,web"] * 10 + ["t2,2025-02-01,down,web"] * 10,
    )
    result = CliRunner().invoke(
        cli,
        [
            "analyze",
            str(tmp_path / "j.yaml"),
            "--feedback",
            path,
            "--every",
            "quarter",
            "--by",
            "channel",
            "--instrument",
            "a11_v2",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    fb = json.loads(result.output)["feedback"]
    assert fb["instrument_note"] == "a11_v2 (as given)"
    assert [p["period"] for p in fb["periods"] if p["touchpoint"] is None] == [
        "FY2025 Q1",
        "FY2025 Q2",
    ]
    assert {s["segment"] for s in fb["segments"]} == {"web"}
    assert math.isclose(fb["journey"]["measures"][0]["share"], 0.5)
    bad = CliRunner().invoke(cli, ["analyze", str(tmp_path / "j.yaml"), "--feedback", "nope.csv"])
    assert bad.exit_code == 2
    assert "Invalid value for '--feedback': feedback file 'nope.csv': no such file" in bad.output
