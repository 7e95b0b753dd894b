"""Words a person would write: agreement, articles, rounding that adds up."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap import fmt, parse_journey
from journeymap.analysis import analyze
from journeymap.render.html.story import stage_stories
from journeymap.render.text import render_text
from journeymap.report import ObservedSummary


@pytest.mark.parametrize(
    ("name", "plural"),
    [
        ("Household members", True),
        ("Service treatment records", True),
        ("Articles of Organization", True),
        ("Social Security number", False),
        ("Proof of address", False),
        ("Immigration status", False),
        ("Business", False),
        ("DD-214 (discharge papers)", False),
        ("SSN", False),
    ],
)
def test_is_plural(name: str, plural: bool) -> None:
    assert fmt.is_plural(name) is plural


def test_verb_agrees_with_items_and_lists() -> None:
    assert fmt.verb("Household members", "is", "are") == "are"
    assert fmt.verb("Tax return", "is", "are") == "is"
    assert fmt.verb(["FEMA registration number", "SBA loan decision"], "was", "were") == "were"
    assert fmt.verb(["FEMA registration number"], "was", "were") == "was"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("FEMA Individual Assistance", "FEMA Individual Assistance"),
        ("FEMA", "FEMA"),
        ("USCIS Field Office", "USCIS Field Office"),
        ("Social Security Administration", "the Social Security Administration"),
        ("IRS", "the IRS"),
        ("The Hospital", "The Hospital"),
        ("Employer's HR office", "Employer's HR office"),
    ],
)
def test_the(name: str, said: str) -> None:
    assert fmt.the(name) == said


def test_largest_remainder_by_hand() -> None:
    # 507.4 + 431.6 + 61.0 = 1,000: rounding each gives 507 + 432 + 61 = 1,000 here, but
    # 808.668 + 85.624 + 105.708 rounds to 1,001; the largest remainders win the 2 units
    assert fmt.largest_remainder([808.668, 85.624, 105.708], 1000) == [809, 85, 106]
    assert fmt.largest_remainder([0.5, 0.5], 1) == [1, 0]


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=8))
def test_largest_remainder_adds_up(values: list[float]) -> None:
    total = round(sum(values))
    parts = fmt.largest_remainder(values, total)
    assert sum(parts) == total
    assert all(abs(p - v) < 1 + 1e-6 for p, v in zip(parts, values, strict=True))


def test_numbers_rounded_for_people() -> None:
    assert fmt.number(365.881) == "366"
    assert fmt.number(0.000539705) == "0.00054"
    assert fmt.days(0.000000539705) == "under a minute"
    assert fmt.days(0.99999) == "1 day"


GRAMMAR = """journeymap: 1
id: grammar
title: Grammar
agencies:
  - {id: FEMA, name: FEMA Individual Assistance, level: federal}
  - {id: SBA, name: Small Business Administration, level: federal}
data:
  - {id: fema_id, name: FEMA registration number}
  - {id: sba_decision, name: SBA loan decision}
touchpoints:
  - {id: a, name: Register, agency: FEMA, gives: [fema_id], asks: [household_members], next: b}
  - {id: b, name: Loan, agency: SBA, gives: [sba_decision], asks: [household_members], next: c}
  - {id: c, name: Grant, agency: FEMA, asks: [fema_id, sba_decision, household_members]}
"""


def test_sentences_agree_in_number() -> None:
    report = analyze(parse_journey(GRAMMAR))
    story = {
        t: p
        for s in stage_stories(report)
        for t, p in zip(s.touchpoints, s.paragraphs, strict=True)
    }
    assert story["a"].startswith("The person starts with FEMA Individual Assistance: Register.")
    assert (
        "The FEMA registration number and SBA loan decision asked for here were issued by the "
        "government itself earlier in the journey." in story["c"]
    )
    titles = [f.title for f in report.findings]
    assert "Ask once: the household members are requested by FEMA and SBA" in titles
    assert not any("the FEMA Individual" in p for p in story.values())


def test_observed_case_durations_beside_the_model() -> None:
    report = analyze(parse_journey(GRAMMAR))
    observed = ObservedSummary(
        files=("log.csv",),
        first_event="2024-01-01",
        last_event="2024-12-31",
        rows_read=10,
        rows_used=10,
        rejected={},
        rejected_examples={},
        unmapped_activities=(),
        cases=5,
        completed=5,
        abandoned=0,
        open=0,
        convention="start to next start",
        min_cell=1,
        replaced=(),
        never_seen=(),
        unexpected_transitions=(),
        handoffs=(),
        rework=(),
        variants=(),
        far_off=(),
        case_median_days=3.2,
        case_p90_days=13.9,
        notes=(),
    )
    text = render_text(dataclasses.replace(report, observed=observed))
    assert "observed cases p50 3.2 days, p90 14 days" in text
