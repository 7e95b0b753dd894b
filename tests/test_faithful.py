"""Outputs faithful to how people move: hand checks on three outside-style journeys.

The journeys are in tests/data/faithful-*.yaml; every expected number below is worked out by
hand in the comments (see docs/methods.md for the definitions).
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from journeymap import load_journey, parse_journey
from journeymap.analysis import analyze, find_flow, simulate
from journeymap.analysis.timing import find_expected_days, quantile_top
from journeymap.graph import build_graph
from journeymap.render.html.story import stage_stories
from journeymap.render.text import render_markdown, render_text
from journeymap.report import Report

DATA = ROOT / "tests" / "data"


def report_of(name: str) -> Report:
    return analyze(load_journey(DATA / f"faithful-{name}.yaml"))


def story_of(report: Report) -> dict[str, str]:
    return {
        t: p
        for s in stage_stories(report)
        for t, p in zip(s.touchpoints, s.paragraphs, strict=True)
    }


class TestNaturalization:
    """n1 (USCIS) -> n2 FBI check (backstage, automated) -> n3 (USCIS) -> n4 (USCIS, split)
    -> p1 DOS 42d | p2 SSA 1d | p3 STATE-DMV 2d -> m (USCIS milestone, join)."""

    @pytest.fixture
    def report(self) -> Report:
        return report_of("naturalization")

    def test_handoffs_are_the_three_the_person_feels(self, report: Report) -> None:
        # the FBI check is passed through (USCIS -> USCIS), the milestone join counts for no
        # agency: only the three branches of the oath ceremony send the person elsewhere
        pairs = [(h.from_touchpoint, h.to_touchpoint, h.to_agency) for h in report.handoffs]
        assert pairs == [("n4", "p1", "DOS"), ("n4", "p2", "SSA"), ("n4", "p3", "STATE-DMV")]
        # reach of n4: 0.95 (n1) x 0.9 (n3) = 0.855; each branch is crossed by everyone there
        assert report.metrics.handoff_count == 3
        assert report.metrics.expected_handoffs_per_person == pytest.approx(3 * 0.855)
        assert not any(h.ping_pong for h in report.handoffs)
        assert not any(f.kind == "ping_pong" for f in report.findings)

    def test_the_fbi_check_is_behind_the_scenes(self, report: Report) -> None:
        rows = [(x.from_touchpoint, x.to_touchpoint, x.people) for x in report.behind_the_scenes]
        assert rows == [("n1", "n2", pytest.approx(950)), ("n2", "n3", pytest.approx(950))]
        assert report.metrics.exchange_count == 2
        assert report.metrics.expected_exchanges_per_person == pytest.approx(1.9)
        assert report.edge("n1", "n2").behind_the_scenes
        assert not report.edge("n1", "n2").handoff
        assert not report.edge("p1", "m").handoff and not report.edge("p1", "m").behind_the_scenes
        text = render_text(report)
        assert "2 exchanges between agencies behind the scenes, not counted" in text
        assert "Behind the scenes\n" in text
        assert "### Behind the scenes" in render_markdown(report)

    def test_bottlenecks_by_effect_with_slack(self, report: Report) -> None:
        # n3 60 x 0.95 = 57; p1 42 x 0.855 = 35.91 (the slowest branch); n1 30; n2 20 x 0.95 =
        # 19; n4 14 x 0.855 = 11.97; p3 and p2 add nothing: slack 42 - 2 = 40 and 42 - 1 = 41
        rows = [(b.touchpoint, round(b.expected_days, 9)) for b in report.bottlenecks]
        assert rows == [
            ("n3", 57),
            ("p1", 35.91),
            ("n1", 30),
            ("n2", 19),
            ("n4", 11.97),
            ("p3", 0),
            ("p2", 0),
        ]
        by = {b.touchpoint: b for b in report.bottlenecks}
        assert by["p3"].slack_days == pytest.approx(40)
        assert by["p2"].slack_days == pytest.approx(41)
        assert by["p1"].case == "slowest_branch" and by["p2"].case == "parallel_slack"
        assert by["n3"].share == pytest.approx(57 / 153.88)
        assert report.metrics.main_path == ("n1", "n2", "n3", "n4", "p1", "m")
        assert report.metrics.main_path_days == pytest.approx(166)

    def test_reissue_by_the_government(self, report: Report) -> None:
        (reissue,) = report.reissued_requests
        assert (reissue.item, reissue.given_at, reissue.asked_at) == (
            "citizenship_proof",
            ("n4",),
            ("p1", "p2"),
        )
        assert reissue.government is True

    def test_story(self, report: Report) -> None:
        story = story_of(report)
        assert story["n2"] == (
            "Behind the scenes, the Federal Bureau of Investigation works on the case: "
            "Background check. This usually takes 20 days."
        )
        assert story["m"] == (
            "The person reaches a milestone: Settled as a citizen. The journey ends here in "
            "success for 855 of every 1,000 who start."
        )
        assert story["n4"].endswith(
            "Next, the person goes through these steps at the same time: Apply for a passport "
            "with the Department of State, Update the Social Security record with the Social "
            "Security Administration and Update the driver's licence record with the State "
            "DMV; the journey goes on when all of them are done."
        )
        assert (
            "The proof of US citizenship asked for here was issued by the government itself "
            "earlier in the journey." in story["p1"]
        )


class TestClaim:
    """a1 (Acme Staffing, private) gives a separation notice -> a2 claim (drop 0.1) -> 85 %
    a3 first payment | 15 % a4 interview -> 60 % a6 denied (failure) | 40 % back to a2."""

    @pytest.fixture
    def report(self) -> Report:
        return report_of("claim")

    def test_flow_by_hand(self, report: Report) -> None:
        # v(a2) = 1 + 0.4 v(a4), v(a4) = 0.9 x 0.15 v(a2) = 0.135 v(a2) -> v(a2) = 1 / 0.946
        v2 = 1 / 0.946
        assert report.touchpoint("a2").expected_visits == pytest.approx(v2)
        assert report.metrics.completion_rate == pytest.approx(0.765 * v2)  # 0.808668
        assert report.metrics.failure_rate == pytest.approx(0.6 * 0.135 * v2)  # 0.085624
        assert report.metrics.abandon_rate == pytest.approx(0.1 * v2)  # 0.105708

    def test_outcomes_add_up_to_the_population(self, report: Report) -> None:
        # 808.668 + 85.624 + 105.708: plain rounding says 809 + 86 + 106 = 1,001; the largest
        # remainders (.708, .668) get the two missing units: 809 + 85 + 106 = 1,000
        assert "809 of 1,000 finish (81%); 85 fail; 106 give up" in render_text(report)

    def test_one_handoff_from_the_employer(self, report: Report) -> None:
        assert [(h.from_agency, h.to_agency) for h in report.handoffs] == [("EMPLOYER", "STATE-UI")]
        assert report.metrics.expected_handoffs_per_person == pytest.approx(1)

    def test_reasks_honest_about_loops(self, report: Report) -> None:
        a2, a4 = report.touchpoint("a2"), report.touchpoint("a4")
        # a4 follows a2 on a path without the loop: household members really asked again there
        assert a4.asks_again == ("household_members",)
        # at a2 every repeat comes from the loop back from a4
        assert a2.asks_again == ()
        assert a2.asks_when_sent_back == ("household_members", "separation_notice", "ssn")
        dups = {d.item: d for d in report.duplicate_requests}
        assert dups["ssn"].only_when_sent_back is True
        assert dups["household_members"].only_when_sent_back is False
        # asked again with probability: 0.135 v(a2)... ssn: P(back to a2) = 0.135 x 0.4 / ...
        (reissue,) = report.reissued_requests
        assert reissue.government is False  # a private employer is not the government

    def test_main_path_leaves_the_loop_out(self, report: Report) -> None:
        assert report.metrics.main_path == ("a1", "a2", "a3")
        assert report.metrics.main_path_days == pytest.approx(2 + 3 + 14)
        assert report.metrics.critical_path is None  # the loop: no longest path

    def test_story(self, report: Report) -> None:
        story = story_of(report)
        assert story["a2"] == (
            "The person then deals with the State unemployment insurance agency, online: File "
            "an unemployment claim. This usually takes 3 days. The State unemployment insurance "
            "agency asks for the Social Security number, separation notice and household "
            "members. People sent back here are asked for the Social Security number, "
            "separation notice and household members again. The separation notice asked for "
            "here was issued earlier in the journey by Acme Staffing. About 10% of the people "
            "who get here give up (106 of every 1,000 who start). Most people who go on (85%) "
            "go to First payment; the others (15%) go to Fact-finding interview."
        )
        assert story["a4"] == (
            "Only some people come this way (15% of those who go on from File an unemployment "
            "claim): the person then deals with the State unemployment insurance agency, by "
            "phone: Fact-finding interview. This usually takes 7 days. The person is asked "
            "again for the household members, already given earlier. Most people who go on "
            "(60%) go to Claim denied; the others (40%) are sent back to File an unemployment "
            "claim. That sends people back 57 times for every 1,000 who start."
        )
        # 1,000 x 0.808668 and 1,000 x 0.085624
        assert story["a3"].endswith(
            "The journey ends here in success for 809 of every 1,000 who start."
        )
        assert story["a6"].endswith(
            "The journey ends here without success for 86 of every 1,000 who start."
        )

    def test_findings_grammar(self, report: Report) -> None:
        texts = [f"{f.title} {f.detail} {f.recommendation}" for f in report.findings]
        joined = " ".join(texts)
        assert "1 touchpoint asks for the Social Security number (a2)" in joined
        assert "Only people sent back through a loop are asked for it again." in joined
        assert "reuse them within STATE-UI" in joined  # the household members
        assert "issued by the government" not in joined
        assert "'Get a separation notice' (EMPLOYER) issued it earlier in the journey." in joined


class TestParallel:
    """s (CITY, 2d) splits into b1 STATE 30d | c1 IRS 5d -> c2 IRS 3d; they join at j (1d);
    then 90 % k (1d), 10 % r rework (20d) -> k."""

    @pytest.fixture
    def report(self) -> Report:
        return report_of("parallel")

    def test_bottleneck_order_and_slack(self, report: Report) -> None:
        # effects: b1 30 (slowest branch: 30 > 5 + 3), s 2, r 20 x 0.1 = 2, j 1, k 1,
        # c1 and c2 0 with slack 30 - 8 = 22; ties go to less slack, then file order
        rows = [(b.touchpoint, round(b.expected_days, 9)) for b in report.bottlenecks]
        assert rows == [
            ("b1", 30),
            ("s", 2),
            ("r", 2),
            ("j", 1),
            ("k", 1),
            ("c1", 0),
            ("c2", 0),
        ]
        by = {b.touchpoint: b for b in report.bottlenecks}
        assert by["b1"].share == pytest.approx(30 / 36)
        assert by["c1"].slack_days == pytest.approx(22) and by["c2"].slack_days == pytest.approx(22)
        # the old ranking (visits x median) put c1 second with 5 days
        advice = {
            f.touchpoints[0]: f.recommendation for f in report.findings if f.kind == "bottleneck"
        }
        assert "c1" not in advice
        assert "slowest of the work done at the same time" in advice["b1"]
        assert not any("critical path" in a for a in advice.values())

    def test_cutting_the_branch_with_slack_changes_nothing(self) -> None:
        text = (DATA / "faithful-parallel.yaml").read_text(encoding="utf-8")
        faster = analyze(parse_journey(text.replace("duration: 5d", "duration: 1d")))
        base = report_of("parallel")
        assert sum(b.expected_days for b in faster.bottlenecks) == pytest.approx(
            sum(b.expected_days for b in base.bottlenecks)
        )
        assert faster.metrics.expected_days_for_completers == pytest.approx(
            base.metrics.expected_days_for_completers
        )

    def test_main_path_skips_the_rework_branch(self, report: Report) -> None:
        m = report.metrics
        assert m.main_path == ("s", "b1", "j", "k")
        assert m.main_path_days == pytest.approx(2 + 30 + 1 + 1)
        assert m.critical_path == ("s", "b1", "j", "r", "k")  # longest: 54 days
        assert m.critical_path_days == pytest.approx(54)
        marks = {b.touchpoint for b in report.bottlenecks if b.on_main_path}
        assert marks == {"s", "b1", "j", "k"}
        assert "most people's time depends on" in m.main_path_rule

    def test_handoffs_and_ping_pong(self, report: Report) -> None:
        pairs = [(h.from_touchpoint, h.to_touchpoint, h.ping_pong) for h in report.handoffs]
        # the city sends the person to the state and the IRS at once; they come back to the
        # city from the state, whose branch (30 days) they finish last: the IRS's (8 days) was
        # done in parallel, earlier, so c2 -> j is no handoff
        assert pairs == [
            ("s", "b1", True),
            ("s", "c1", True),
            ("b1", "j", False),
        ]
        assert report.handoffs[2].people == pytest.approx(1000)
        assert len([f for f in report.findings if f.kind == "ping_pong"]) == 2

    def test_story(self, report: Report) -> None:
        story = story_of(report)
        assert story["j"].endswith(
            "Most people who go on (90%) go to Licence issued; the others (10%) go to Resubmit "
            "the plans."
        )
        assert story["r"].startswith(
            "Only some people come this way (10% of those who go on from Plan review): the "
            "person then deals with the City licensing office: Resubmit the plans."
        )


class TestTiming:
    def test_quantiles_through_median_p90_and_mean(self) -> None:
        # mean of the piecewise-linear quantile function 0 -> 2 -> 10 -> top:
        # 0.25 x 2 + 0.2 x (2 + 10) + 0.05 x (10 + top) = 5  ->  top = 32
        assert quantile_top(2, 10, 5) == pytest.approx(32)
        journey = parse_journey(
            "journeymap: 1\nid: t\ntitle: T\nagencies: [{id: A, name: A}]\ntouchpoints:\n"
            "  - {id: a, name: A, agency: A, duration: {median: 2d, p90: 10d, mean: 5d}}\n"
        )
        G = build_graph(journey)
        flow = find_flow(G)
        sim = simulate(G, flow=flow, runs=20_000, seed=1)
        assert sim.p50_days == pytest.approx(2, rel=0.03)
        # the p90 sits where the steep top segment starts (220 days per unit of probability),
        # so a sampling error of 0.002 in probability moves it by about 0.4 days
        assert sim.p90_days == pytest.approx(10, abs=1)
        assert sim.note is not None and "median, p90 and mean" in sim.note
        assert find_expected_days(G, flow=flow)[0] == pytest.approx(5)

    def test_expected_uses_the_simulated_distribution_mean(self) -> None:
        # lognormal through median 5 and p90 10: sigma = ln 2 / 1.2816, mean = 5 exp(s^2 / 2)
        import math

        journey = parse_journey(
            "journeymap: 1\nid: t\ntitle: T\nagencies: [{id: A, name: A}]\ntouchpoints:\n"
            "  - {id: a, name: A, agency: A, duration: {median: 5d, p90: 10d}}\n"
        )
        G = build_graph(journey)
        sigma = math.log(2) / 1.2815515655446004
        expected = find_expected_days(G, flow=find_flow(G))[0]
        assert expected == pytest.approx(5 * math.exp(sigma**2 / 2))
        assert expected > 5  # never below the median of a right-skewed step


MEETING = """journeymap: 1
id: meeting
title: Meeting point
agencies:
  - {id: A, name: Agency A}
  - {id: B, name: Agency B}
  - {id: C, name: Agency C}
  - {id: D, name: Agency D}
touchpoints:
  - {id: s, name: Start, agency: A, split: all, next: [b, c]}
  - {id: b, name: With B, agency: B, next: m}
  - {id: c, name: With C, agency: C, next: m}
  - {id: m, name: Both done, agency: A, kind: milestone, join: all, next: v}
  - {id: v, name: With D, agency: D}
"""


def test_a_milestone_join_is_passed_through() -> None:
    # s -> b (A to B) and s -> c (A to C); b and c meet at the milestone m, which counts for
    # no agency; m -> v: the person comes from B (half the flow into m) and C (the other half),
    # both other than D, so one handoff row carries everyone, named after B (the first of the
    # tied agencies). Without the milestone: b -> m (B to A), c -> m (C to A), m -> v (A to D).
    r = analyze(parse_journey(MEETING))
    rows = [
        (h.from_touchpoint, h.to_touchpoint, h.from_agency, h.people, h.via) for h in r.handoffs
    ]
    assert rows == [
        ("s", "b", "A", 1000, ()),
        ("s", "c", "A", 1000, ()),
        ("m", "v", "B", 1000, ("m",)),
    ]
    assert r.metrics.expected_handoffs_per_person == pytest.approx(3)
    assert r.behind_the_scenes == ()
    plain = analyze(parse_journey(MEETING.replace(" kind: milestone,", "")))
    assert plain.metrics.handoff_count == 5  # s->b, s->c, b->m, c->m, m->v


IDENTITY_THEFT = """journeymap: 1
id: identity-theft
title: Recovering from identity theft
agencies:
  - {id: FTC, name: Federal Trade Commission, level: federal}
  - {id: IRS, name: Internal Revenue Service, level: federal}
  - {id: EXP, name: Experian, level: private}
  - {id: DMV, name: State DMV, level: state}
touchpoints:
  - {id: report, name: Report the theft, agency: FTC, duration: 1d, split: all,
     next: [irs, credit, licence]}
  - {id: irs, name: Identity protection PIN and corrected return, agency: IRS, duration: 390d,
     drop_off: 0.1, next: together}
  - {id: credit, name: Credit freeze, agency: EXP, duration: 3d, next: together}
  - {id: licence, name: Replace the driver licence, agency: DMV, duration: 14d, next: together}
  - {id: together, name: Everything is filed, agency: FTC, kind: milestone, join: all,
     next: refund}
  - {id: refund, name: Receive the corrected refund, agency: IRS, duration: 21d}
"""


def test_out_of_a_join_the_person_comes_from_the_branch_they_finish_last() -> None:
    """The IRS branch takes 13 months, the others weeks: people finish the block with the IRS,
    the next step's agency, so the arrow out of the join is no handoff, and no arrow into it
    from the credit bureau or the DMV is one either."""
    report = analyze(parse_journey(IDENTITY_THEFT))
    pairs = [(h.from_touchpoint, h.to_touchpoint, h.from_agency) for h in report.handoffs]
    assert pairs == [
        ("report", "irs", "FTC"),
        ("report", "credit", "FTC"),
        ("report", "licence", "FTC"),
    ]
    assert report.handoff_matrix == {"FTC": {"IRS": 1000.0, "EXP": 1000.0, "DMV": 1000.0}}
    # the DMV's branch made slowest: people now come to the IRS refund from the DMV
    slow = analyze(parse_journey(IDENTITY_THEFT.replace("duration: 14d", "duration: 500d")))
    last = slow.handoffs[-1]
    assert (last.from_touchpoint, last.to_touchpoint, last.from_agency, last.to_agency) == (
        "together",
        "refund",
        "DMV",
        "IRS",
    )
    assert last.via == ("together",)
    assert last.people == pytest.approx(900)  # the 10% who give up with the IRS never join


def test_handoffs_carry_their_rank_and_the_metrics_the_ping_pong_count() -> None:
    slow = analyze(parse_journey(IDENTITY_THEFT.replace("duration: 14d", "duration: 500d")))
    ranks = [(h.from_touchpoint, h.to_touchpoint, h.rank) for h in slow.handoffs]
    # 1,000 people each on the three arrows out of the report (file order breaks the tie),
    # 900 on the way out of the block
    assert ranks == [
        ("report", "irs", 1),
        ("report", "credit", 2),
        ("report", "licence", 3),
        ("together", "refund", 4),
    ]
    assert slow.metrics.ping_pong_count == sum(h.ping_pong for h in slow.handoffs)
