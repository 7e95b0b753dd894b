"""Event logs: statistics computed by hand on small logs, bad data, and the merge."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from journeymap import analyze, parse_journey
from journeymap.cli import cli
from journeymap.events import ColumnMap, EventLogError, read_event_log
from journeymap.exceptions import UsageError
from journeymap.render.text import render_json, render_text
from journeymap.report import Count

SMALL = DATA / "eventlogs" / "small.csv"
JOURNEY = parse_journey(
    """
journeymap: 1
id: t
title: T
agencies: [{id: A, name: A}]
touchpoints:
  - {id: a, name: Apply, agency: A, duration: 1d, drop_off: 0.5, next: b}
  - id: b
    name: Review
    agency: A
    duration: 10d
    next: [{to: a, share: 0.2}, {to: c, share: 0.8}]
  - {id: c, name: Decide, agency: A}
"""
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestSmallLog:
    """tests/data/eventlogs/small.csv, computed by hand.

    c1: a, b, c (complete); c2: a, b, a, b, c (rework, complete); c3: a, b (abandoned at b);
    c4: a, zz (zz unmapped; last event on 1 March = end of log, so open);
    c5: a with a bad timestamp (rejected) and a duplicated a (abandoned at a).
    """

    log = read_event_log([SMALL], journey=JOURNEY)

    def test_reconciliation(self) -> None:
        assert self.log.rows_read == 15
        assert self.log.rows_used == 12
        assert self.log.rejected == {
            "unparsable or missing timestamp": 1,
            "activity not mapped to a touchpoint": 1,
            "duplicate event": 1,
        }
        assert self.log.rows_used + sum(self.log.rejected.values()) == self.log.rows_read
        # located by file:row only: the bad value itself is never repeated
        assert self.log.rejected_examples == {
            "unparsable or missing timestamp": (f"{SMALL}:row 14",),
            "duplicate event": (f"{SMALL}:row 15",),
        }
        assert self.log.unmapped_activities == (("zz", 1),)

    def test_cases_and_censoring(self) -> None:
        assert (self.log.cases, self.log.completed, self.log.abandoned, self.log.open) == (
            5,
            2,
            2,
            1,
        )

    def test_touchpoints(self) -> None:
        a, b, c = (self.log.touchpoints[k] for k in "abc")
        assert (a.cases, a.visits, a.repeat_visits) == (5, 6, 1)
        # a: 6 visits, 1 by the open case; c5 abandoned at a
        assert (a.dropped, a.closed_visits, a.drop_off) == (1, 5, 0.2)
        # b: time since the previous event: 2, 4, 2, 1 days
        assert (b.median_days, b.mean_days, b.duration_n) == (2.0, 2.25, 4)
        assert b.p90_days == pytest.approx(3.4)
        assert (b.dropped, b.closed_visits, b.drop_off) == (1, 4, 0.25)
        assert (c.visits, c.median_days, c.drop_off) == (2, 1.0, 0.0)

    def test_transitions_and_variants(self) -> None:
        got = {(t.source, t.target): (t.count, t.share, t.in_journey) for t in self.log.transitions}
        assert got == {
            ("a", "b"): (4, 1.0, True),
            ("b", "a"): (1, 1 / 3, True),
            ("b", "c"): (2, 2 / 3, True),
        }
        assert self.log.variants[0] == (("a",), 2)
        assert set(self.log.variants[1:]) == {
            (("a", "b"), 1),
            (("a", "b", "a", "b", "c"), 1),
            (("a", "b", "c"), 1),
        }

    def test_case_durations(self) -> None:
        # spans: c1 3 days, c2 8, c3 1, c4 0, c5 0
        assert self.log.case_median_days == 1.0
        assert self.log.case_mean_days == pytest.approx(12 / 5)
        # the two that reached the end, c1 (3 days) and c2 (8 days): comparable with the
        # model's elapsed time, which is for people who finish
        assert self.log.completed_median_days == pytest.approx(5.5)
        assert self.log.completed_p90_days == pytest.approx(3 + 0.9 * 5)


def test_timezones_and_ties(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tz.csv",
        "case,activity,timestamp\n"
        "x,a,2024-03-10 01:00:00-05:00\n"  # 06:00 UTC
        "x,b,2024-03-10 08:00:00+01:00\n"  # 07:00 UTC: one hour later
        "y,b,2024-03-10 00:00:00\n"  # naive: taken as UTC
        "y,a,2024-03-10 00:00:00\n"  # same time: file order breaks the tie
        "y,c,2024-03-10 12:00:00Z\n",
    )
    log = read_event_log([path], journey=JOURNEY, cutoff_days=0)
    assert log.touchpoints["b"].median_days == pytest.approx(1 / 24)
    assert {(t.source, t.target): t.count for t in log.transitions} == {
        ("a", "b"): 1,
        ("b", "a"): 1,
        ("a", "c"): 1,
    }
    assert log.transitions[0].in_journey is True
    assert next(t for t in log.transitions if not t.in_journey).target == "c"


def test_lifecycle_start_complete(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "lc.csv",
        "case_id,activity,timestamp,lifecycle\n"
        "k,a,2024-01-01T00:00:00Z,start\n"
        "k,a,2024-01-03T00:00:00Z,complete\n"
        "k,b,2024-01-04T00:00:00Z,start\n"
        "k,b,2024-01-04T12:00:00Z,complete\n"
        "k,c,2024-01-05T00:00:00Z,complete\n",
    )
    log = read_event_log([path], journey=JOURNEY)
    assert log.convention.startswith("lifecycle")
    assert log.touchpoints["a"].median_days == 2.0
    assert log.touchpoints["b"].median_days == 0.5
    assert log.touchpoints["a"].visits == 1
    assert log.completed == 1


def test_parallel_activities_in_parquet_and_jsonl(tmp_path: Path) -> None:
    import duckdb

    journey = parse_journey(
        """
journeymap: 1
id: p
title: P
agencies: [{id: A, name: A}, {id: B, name: B}]
touchpoints:
  - {id: s, name: S, agency: A, split: all, next: [x, y]}
  - {id: x, name: X, agency: A, next: j}
  - {id: y, name: Y, agency: B, next: j}
  - {id: j, name: J, agency: A, join: all}
"""
    )
    rows = [
        ("1", "s", "2024-01-01 00:00:00+00"),
        ("1", "y", "2024-01-02 00:00:00+00"),
        ("1", "x", "2024-01-04 00:00:00+00"),
        ("1", "j", "2024-01-05 00:00:00+00"),
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE e (case_id VARCHAR, activity VARCHAR, timestamp TIMESTAMPTZ)")
    con.executemany("INSERT INTO e VALUES (?, ?, CAST(? AS TIMESTAMPTZ))", rows)
    con.execute(f"COPY e TO '{tmp_path / 'e.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY e TO '{tmp_path / 'e.jsonl'}' (FORMAT json)")
    for name in ("e.parquet", "e.jsonl"):
        log = read_event_log([tmp_path / name], journey=journey)
        assert [(t.source, t.target) for t in log.transitions] == [
            ("s", "y"),
            ("x", "j"),
            ("y", "x"),
        ]
        assert log.completed == 1
        assert log.touchpoints["x"].median_days == 2.0


def test_min_cell_suppresses(tmp_path: Path) -> None:
    log = read_event_log([SMALL], journey=JOURNEY, min_cell=3)
    assert log.touchpoints["c"].suppressed is True  # 2 cases
    assert log.touchpoints["c"].median_days is None
    assert log.touchpoints["a"].suppressed is False
    assert all(n >= 3 for _, n in log.variants)
    assert [t.suppressed for t in log.transitions] == [False, True, True]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "who,what,when\n1,a,2024-01-01\n",
            "no column for the case (looked for case:concept:name, case_id, case, caseid, "
            "case id, application_id; columns are who, what, when); "
            "name it in the column map (ColumnMap(case=...))",
        ),
        ("case,activity,timestamp\n", "the event log has no rows"),
    ],
)
def test_bad_logs(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(EventLogError) as err:
        read_event_log([path], journey=JOURNEY)
    assert str(err.value) == f"{path}: {message}"


def test_bad_paths_and_columns(tmp_path: Path) -> None:
    missing = "': no such file (or no file matches the pattern)"
    with pytest.raises(UsageError) as err:
        read_event_log([tmp_path / "nope.csv"], journey=JOURNEY)
    assert str(err.value) == f"event log '{tmp_path / 'nope.csv'}{missing}"
    with pytest.raises(UsageError) as err:
        read_event_log([str(tmp_path / "*.csv")], journey=JOURNEY)
    assert str(err.value) == f"event log '{tmp_path / '*.csv'}{missing}"
    path = write(tmp_path, "x.xlsx", "")
    with pytest.raises(UsageError, match="unknown event log format"):
        read_event_log([path], journey=JOURNEY)
    with pytest.raises(EventLogError, match="no column 'step' for the activity"):
        read_event_log([SMALL], journey=JOURNEY, columns=ColumnMap(activity="step"))
    with pytest.raises(UsageError, match="which is not a touchpoint"):
        read_event_log([SMALL], journey=JOURNEY, activity_map={"zz": "nope"})


def test_merge_into_analysis_and_no_case_ids(tmp_path: Path) -> None:
    log = read_event_log([SMALL], journey=JOURNEY, activity_map={"zz": "c"})
    report = analyze(JOURNEY, observed=log)
    flows = {t.touchpoint: t for t in report.touchpoints}
    assert flows["a"].evidence == "observed"
    # with zz -> c, case c4 reaches an end, but it started on 1 March, within the 30-day
    # horizon of the end of the log: left out; 5 visits at a by the cohort, one lost (c5)
    assert flows["a"].drop_off_rate == pytest.approx(1 / 5)
    assert flows["b"].median_days == pytest.approx(2.0)
    o = report.observed
    assert o is not None
    assert o.unmapped_activities == ()
    assert ("a", "drop_off") in {(f.touchpoint, f.metric) for f in o.far_off}
    text = render_json(report) + render_text(report)
    for case_id in ("c1", "c2", "c3", "c4", "c5"):
        assert f'"{case_id}"' not in text
        assert f" {case_id} " not in text
    assert "Designed vs observed" in text


def test_cli_events_and_journey_block(tmp_path: Path) -> None:
    journey_file = write(
        tmp_path,
        "j.yaml",
        (DATA / "contract-example.yaml").read_text(encoding="utf-8")
        + "events:\n  path: log.csv\n  map: {Articles: B1, EIN: B2}\n",
    )
    write(
        tmp_path,
        "log.csv",
        "case,activity,timestamp\n1,Articles,2024-01-01\n1,EIN,2024-01-03\n2,Articles,2024-01-01\n",
    )
    result = CliRunner().invoke(
        cli,
        ["analyze", str(journey_file), "--format", "json", "--cutoff", "1d"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["observed"]["cases"] == 2
    assert doc["observed"]["completed"] == 1
    assert doc["observed"]["abandoned"] == 1
    b1 = next(t for t in doc["touchpoints"] if t["touchpoint"] == "B1")
    assert b1["drop_off_rate"] == 0.5
    assert b1["evidence"] == "observed"
    bad = CliRunner().invoke(cli, ["analyze", str(journey_file), "--cutoff", "soon"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(
        cli, ["analyze", str(journey_file), "--events", str(tmp_path / "none.csv")]
    )
    assert missing.exit_code == 2


def test_the_example_log_reconciles_and_disagrees_where_expected() -> None:
    from conftest import ROOT

    from journeymap import load_journey

    journey = load_journey(ROOT / "examples" / "life_events" / "disaster-recovery.yaml")
    path = ROOT / "examples" / "life_events" / "data" / "disaster-recovery-events.csv"
    log = read_event_log([path], journey=journey)
    assert log.rows_read == 3124
    assert log.rows_used == 3000
    assert log.rejected == {
        "missing case id": 3,
        "unparsable or missing timestamp": 4,
        "activity not mapped to a touchpoint": 99,
        "duplicate event": 18,
    }
    assert log.unmapped_activities == (("Call the FEMA helpline", 99),)
    assert analyze(journey, observed=log).observed.unmapped_activities == (  # type: ignore[union-attr]
        Count("Call the FEMA helpline", 99),
    )
    assert log.out_of_order > 0  # parallel branches were written one after the other
    # moves between the parallel branches are interleavings, not missing edges
    assert [t for t in log.transitions if not t.in_journey] == []
    report = analyze(journey, observed=log)
    assert report.observed is not None
    far = {(f.touchpoint, f.metric) for f in report.observed.far_off}
    assert ("D3", "median_days") in far  # the log was made with the SBA step 2.5x slower
    pairs = {(m.source, m.target) for m in report.observed.handoffs}
    assert ("FEMA", "SBA") in pairs
    assert all(a != b for a, b in pairs)


def test_real_permit_log(tmp_path: Path) -> None:
    """A real municipal permit log (DST offsets, rework, cases that stop early)."""
    from conftest import PERMIT_JOURNEY, REAL_LOGS

    log_path = REAL_LOGS / "receipt.csv"
    if not log_path.exists():
        pytest.skip("the shared real-log folder is not beside this checkout")
    from journeymap import load_journey

    journey = load_journey(PERMIT_JOURNEY)
    log = read_event_log([log_path], journey=journey)
    assert (log.rows_read, log.rows_used) == (8577, 5409)
    assert log.rejected == {"activity not mapped to a touchpoint": 3168}
    assert (log.cases, log.completed, log.abandoned, log.open) == (1434, 1300, 131, 3)
    assert log.variants[0] == (("R1", "R2", "R3", "R4"), 1268)
    assert log.touchpoints["R2"].repeat_visits == 52


class TestStrict:
    """``strict=True``: the first row with a defect raises, located by ``file:row``."""

    def test_the_first_bad_row_in_file_order(self, tmp_path: Path) -> None:
        first = write(tmp_path, "1.csv", "case,activity,timestamp\nx,a,2024-01-01\n,b,2024-01-02\n")
        second = write(tmp_path, "2.csv", "case,activity,timestamp\nx,b,yesterday\n")
        with pytest.raises(EventLogError) as err:
            read_event_log([second, first], journey=JOURNEY, strict=True)
        assert str(err.value) == (
            f"{second}:row 2: unparsable or missing timestamp; "
            "fix the row, or read without strict to count it"
        )
        with pytest.raises(EventLogError) as err:
            read_event_log([first, second], journey=JOURNEY, strict=True)
        assert str(err.value).startswith(f"{first}:row 3: missing case id; ")

    def test_a_duplicate(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "d.csv",
            "case,activity,timestamp\nx,a,2024-01-01\nx,a,2024-01-01\nx,b,2024-01-02\n",
        )
        with pytest.raises(EventLogError) as err:
            read_event_log([path], journey=JOURNEY, strict=True)
        assert str(err.value) == (
            f"{path}:row 2: duplicate event (the same case, touchpoint, time and lifecycle "
            "as another row); fix the row, or read without strict to count it"
        )

    def test_unmapped_and_outside_the_window_are_not_defects(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "w.csv",
            "case,activity,timestamp\nx,a,2023-12-01\nx,a,2024-01-01\nx,zz,2024-01-02\n"
            "x,b,2024-01-03\n",
        )
        window = {"since": datetime(2024, 1, 1, tzinfo=UTC)}
        strict = read_event_log([path], journey=JOURNEY, strict=True, **window)
        assert strict == read_event_log([path], journey=JOURNEY, **window)
        assert strict.rejected == {
            "outside since/until": 1,
            "activity not mapped to a touchpoint": 1,
        }


def test_the_events_package_does_not_import_the_analysis() -> None:
    import ast

    from conftest import ROOT

    for path in sorted((ROOT / "journeymap" / "events").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = "." * node.level + (node.module or "")
                names = [target + "." + a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any("analysis" in n for n in names), (path.name, names)
