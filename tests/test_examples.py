"""Every example validates cleanly, is analysed, and its top findings are what we expect."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, ROOT

from journeymap import analyze, check_journey_file
from journeymap.cli import cli

FEDERAL = {
    "Navigating the transition to civilian life",
    "Approaching retirement",
    "Having a child and early childhood",
    "Facing a financial shock",
    "Recovering from a disaster",
}


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 1


def test_validate_directory_exits_0() -> None:
    result = CliRunner().invoke(cli, ["validate", str(ROOT / "examples" / "life_events")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_is_clean_and_complete(path: Path) -> None:
    result = check_journey_file(path)
    assert result.problems == (), [str(p) for p in result.problems]
    j = result.journey
    assert j is not None
    assert j.id == path.stem
    assert len({t.agency for t in j.touchpoints}) >= 3
    levels = {j.agency(t.agency).level for t in j.touchpoints}
    assert levels - {"federal"}, "needs a state or local agency"
    assert all(t.stage for t in j.touchpoints)
    assert any(t.asks for t in j.touchpoints)
    assert any(t.duration for t in j.touchpoints)
    assert any(t.drop_off for t in j.touchpoints)
    for tp in j.touchpoints:
        if tp.evidence in ("observed", "estimated"):
            assert tp.source, f"{tp.id} has {tp.evidence} numbers without a source"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_analysis(path: Path) -> None:
    from journeymap import load_journey

    report = analyze(load_journey(path))
    m = report.metrics
    assert abs(m.completion_rate + m.failure_rate + m.abandon_rate - 1) < 1e-9
    assert report.findings
    assert report.bottlenecks
    assert m.handoff_count >= 2


def test_examples_cover_the_flow_features() -> None:
    from journeymap import load_journey

    journeys = [load_journey(p) for p in EXAMPLES]
    tps = [t for j in journeys for t in j.touchpoints]
    assert any(len(t.next) > 1 and t.split is None for t in tps), "alternatives"
    assert any(t.split == "all" for t in tps), "a parallel split"
    assert any(t.outcome is not None and t.outcome.value == "failure" for t in tps), "failure"
    assert any(t.effort for t in tps)
    assert any(t.satisfaction is not None for t in tps)
    assert any(analyze(j).metrics.critical_path is None for j in journeys), "a loop"


def test_start_small_business_findings() -> None:
    from journeymap import load_journey

    r = analyze(load_journey(ROOT / "examples" / "life_events" / "start-small-business.yaml"))
    top = r.findings[0]
    assert top.kind == "bottleneck"
    assert top.touchpoints == ("B5",)  # the inspection loop
    assert top.severity == "high"
    # 0.97 x 0.96 arrive, and each visit returns with 0.95 x 0.25
    assert r.bottlenecks[0].expected_visits == pytest.approx(0.97 * 0.96 / 0.7625, rel=1e-9)
    dup = r.duplicate_requests[0]
    assert (dup.item, dup.scope) == ("business_legal_name", "cross_agency")
    assert dup.agencies == ("STATE-SOS", "IRS", "STATE-DOR", "CITY")
    assert {x.item for x in r.reissued_requests} == {
        "articles_of_organization",
        "business_license",
        "ein",
    }
    assert r.metrics.failure_rate > 0
    assert r.metrics.critical_path is None  # the inspection can repeat


TOP = {
    # example: (top bottleneck, top duplicate item, biggest leak, re-requested issued documents)
    "approaching-retirement": ("R5", "ssn", "R1", {"medicare_number"}),
    "disaster-recovery": (
        "D8",
        "household_income",
        "D3",
        {"fema_registration_id", "sba_loan_status"},
    ),
    "financial-shock": ("F2", "ssn", "F1", {"ui_award_letter"}),
    "first-trip-abroad": ("N8", "photo_id", "N2", {"citizenship_proof", "passport"}),
    "having-a-child": ("C3", "child_name", "C7", {"birth_certificate", "child_ssn"}),
    "start-small-business": (
        "B5",
        "business_legal_name",
        "B5",
        {"articles_of_organization", "business_license", "ein"},
    ),
    "transition-to-civilian-life": ("T3", "ssn", "T6", {"dd214"}),
}


@pytest.mark.parametrize("name", sorted(TOP))
def test_example_top_findings(name: str) -> None:
    from journeymap import load_journey

    r = analyze(load_journey(ROOT / "examples" / "life_events" / f"{name}.yaml"))
    bottleneck, item, leak, reissued = TOP[name]
    assert r.bottlenecks[0].touchpoint == bottleneck
    assert r.duplicate_requests[0].item == item
    assert r.duplicate_requests[0].scope == "cross_agency"
    assert r.drop_off[0].touchpoint == leak
    assert {x.item for x in r.reissued_requests} == reissued
    assert r.findings[0].severity == "high"
