"""Event logs from hostile or careless sources: nothing in them leaks into an output or an
error, nothing in them reaches SQL as text, and nothing in them crashes the engine."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from journeymap import parse_journey
from journeymap.events import ColumnMap, EventLogError, ObservedLog, read_event_log
from journeymap.exceptions import UsageError

duckdb = pytest.importorskip("duckdb")

SECRET = "SECRETCASE-11068"
JOURNEY = parse_journey(
    """
journeymap: 1
id: t
title: T
agencies: [{id: A, name: A}]
touchpoints:
  - {id: a, name: Apply, agency: A, next: b}
  - {id: b, name: Review, agency: A, next: c}
  - {id: c, name: Decide, agency: A}
"""
)
HEADER = "case_id,activity,timestamp\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def strings(value: Any) -> list[str]:
    """Every string inside a value: dataclass fields, dict keys and values, sequences."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in strings(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for item in value for s in strings(item)]
    return []


def assert_no_secret(log: ObservedLog) -> None:
    found = [s for s in strings(log) if SECRET in s]
    assert found == []
    assert SECRET not in repr(log)


# --------------------------------------------------------------------------- privacy


def test_a_planted_case_id_reaches_no_string_of_the_result(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.csv",
        HEADER
        + f"{SECRET},a,2024-01-01\n"  # row 2
        + f"{SECRET},b,{SECRET}\n"  # row 3: the case id where the timestamp belongs
        + f"{SECRET},b,2024-01-02\n"  # row 4
        + f"{SECRET},b,2024-01-02\n"  # row 5: duplicate
        + f"{SECRET},zz,2024-01-03\n"  # row 6: unmapped
        + f"x,{SECRET},2024-01-03\n",  # row 7: the case id where the activity belongs
    )
    log = read_event_log([path], journey=JOURNEY, min_cell=2)
    assert_no_secret(log)
    assert log.rejected_examples == {
        "unparsable or missing timestamp": (f"{path}:row 3",),
        "duplicate event": (f"{path}:row 4",),
    }
    # the activity that is a case id occurs in one case: counted, not named
    assert log.rejected["activity not mapped to a touchpoint"] == 2
    assert log.unmapped_activities == ()
    assert log.notes == (
        "cases: 2 seen = 1 used + 1 whose every row was rejected",
        "the end c has no events in the log: a case whose last event is at b counts as "
        "having reached it",
        NO_COHORT,
        "2 unmapped activities (2 rows) seen in fewer than 2 cases: counted, not named",
    )
    assert log.cases_rejected == {"activity not mapped to a touchpoint": 1}  # case x
    with pytest.raises(EventLogError) as err:
        read_event_log([path], journey=JOURNEY, strict=True)
    assert str(err.value) == (
        f"{path}:row 3: unparsable or missing timestamp; "
        "fix the row, or read without strict to count it"
    )


def test_unmapped_activities_are_named_only_from_min_cell_cases(tmp_path: Path) -> None:
    rows = [f"k{i},a,2024-01-0{i + 1}\nk{i},Call us,2024-01-0{i + 2}\n" for i in range(3)]
    path = write(tmp_path / "u.csv", HEADER + "".join(rows) + "k9,Fax,2024-01-02\n")
    log = read_event_log([path], journey=JOURNEY, min_cell=3)
    assert log.unmapped_activities == (("Call us", 3),)
    assert log.rejected["activity not mapped to a touchpoint"] == 4
    assert log.notes[-1] == (
        "1 unmapped activity (1 rows) seen in fewer than 3 cases: counted, not named"
    )
    log = read_event_log([path], journey=JOURNEY)
    assert log.unmapped_activities == (("Call us", 3), ("Fax", 1))


NO_COHORT = (
    "no case started long enough before the end of the log to have had time to finish: "
    "completion and drop-off count every case that is not open"
)


def test_rows_and_cases_reconcile(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        HEADER
        + "x,a,2024-01-01\nx,b,2024-01-02\n"  # used
        + "y,a,soon\ny,zz,2024-01-02\n"  # every row of y rejected
        + ",a,2024-01-01\n"  # no case id: not a case
        + "z,c,2024-01-05\n",  # used
    )
    log = read_event_log([path], journey=JOURNEY)
    assert (log.rows_read, log.rows_used) == (6, 3)
    assert log.rejected == {
        "missing case id": 1,
        "unparsable or missing timestamp": 1,
        "activity not mapped to a touchpoint": 1,
    }
    assert log.rows_used + sum(log.rejected.values()) == log.rows_read
    assert log.cases == 2
    assert log.notes == ("cases: 3 seen = 2 used + 1 whose every row was rejected", NO_COHORT)
    # y's rows: a bad timestamp (reason 5) and an unmapped activity: the first reason counts
    assert (log.cases_seen, log.cases_rejected) == (3, {"unparsable or missing timestamp": 1})


# --------------------------------------------------------------------------- DuckDB errors


def test_a_malformed_csv_line_past_the_sniffer_is_not_echoed(tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", HEADER + "x,a,2024-01-01\n")
    lines = "".join(f"c{i},a,2024-01-01\n" for i in range(30_000))
    bad = write(tmp_path / "bad.csv", HEADER + lines + f'{SECRET},a,2024-01-01,extra,"x\n')
    with pytest.raises(EventLogError) as err:
        read_event_log([good, bad], journey=JOURNEY)
    assert str(err.value) == (
        f"{bad}: reading the rows failed: the file is malformed (a line with the wrong "
        "number of fields, bad quoting, bad encoding or broken JSON); fix or remove the bad "
        "lines, or export the log as Parquet"
    )
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    path = write(tmp_path / "log.parquet", f"{SECRET} is not parquet")
    with pytest.raises(EventLogError) as err:
        read_event_log([path], journey=JOURNEY)
    assert str(err.value).startswith(f"{path}: reading the columns of the parquet file failed: ")
    assert SECRET not in str(err.value)


def test_a_token_file_is_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path / "token.csv", "ghp_SECRETTOKEN123\n")
    with pytest.raises(EventLogError) as err:
        read_event_log([path], journey=JOURNEY)
    assert str(err.value) == (
        f"{path}: no column for the case (looked for case:concept:name, case_id, case, caseid, "
        "case id, application_id; the file has 1 column, whose names are not shown as they "
        "do not look like a header); name it in the column map (ColumnMap(case=...))"
    )
    long_name = "x" * 65
    path = write(tmp_path / "wide.csv", f"who,what,{long_name}\n1,2,3\n")
    with pytest.raises(EventLogError) as err:
        read_event_log([path], journey=JOURNEY, columns=ColumnMap(case="who"))
    assert long_name not in str(err.value)
    assert "the file has 3 columns, whose names are not shown" in str(err.value)


# --------------------------------------------------------------------------- SQL and options


def test_quotes_in_paths_and_column_names_are_data_not_sql(tmp_path: Path) -> None:
    case = "case\"'; DROP TABLE raw; --"
    path = write(
        tmp_path / 'it\'s "log".csv',
        f'"{case.replace(chr(34), chr(34) * 2)}",activity,timestamp\n'
        "x,a,2024-01-01\nx,b,2024-01-02\n",
    )
    log = read_event_log([path], journey=JOURNEY, columns=ColumnMap(case=case))
    assert (log.rows_used, log.cases) == (2, 1)


def test_a_bad_time_zone_names_the_parameter() -> None:
    with pytest.raises(UsageError) as err:
        read_event_log([Path(__file__)], journey=JOURNEY, timezone="Mars/Olympus")
    assert str(err.value) == (
        "timezone: unknown time zone 'Mars/Olympus'; use an IANA name such as 'America/New_York'"
    )
    assert err.value.parameter == "timezone"
    with pytest.raises(UsageError) as err:
        read_event_log([Path(__file__)], journey=JOURNEY, timezone="UTC'; SELECT 1; --")
    assert err.value.parameter == "timezone"
    with pytest.raises(UsageError) as err:
        read_event_log([Path(__file__)], journey=JOURNEY, memory_limit="1GB'; SELECT 1; --")
    assert err.value.parameter == "memory_limit"


def test_infinite_and_out_of_range_timestamps_are_rejected_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path / "inf.csv",
        HEADER + "x,a,2024-01-01\nx,b,infinity\nx,b,-infinity\nx,b,294277-01-01\nx,c,2024-01-03\n",
    )
    log = read_event_log([path], journey=JOURNEY)
    assert log.rejected == {
        "unparsable or missing timestamp": 1,
        "timestamp infinite or outside the years 1 to 9999": 2,
    }
    assert log.rejected_examples["timestamp infinite or outside the years 1 to 9999"] == (
        f"{path}:row 3",
        f"{path}:row 4",
    )
    assert (log.completed, log.case_median_days) == (1, 2.0)


def test_megabyte_values_in_a_tiny_parquet_are_rejected_within_the_memory_limit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huge.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'c' || (i % 50) AS case_id, "
        "CASE WHEN i % 2 = 0 THEN repeat('X', 1000000) ELSE 'a' END AS activity, "
        "TIMESTAMPTZ '2024-01-01' + to_minutes(i) AS timestamp FROM range(3000) t(i)) "
        f"TO '{path}' (FORMAT parquet, COMPRESSION zstd)"
    )
    con.execute(
        "COPY (SELECT repeat('K', 5000) AS case_id, 'a' AS activity, "
        f"TIMESTAMPTZ '2024-01-01' AS timestamp) TO '{tmp_path / 'long-case.parquet'}' "
        "(FORMAT parquet)"
    )
    con.close()
    assert path.stat().st_size < 100_000  # 1.5 GB of text once expanded
    log = read_event_log(
        [path, tmp_path / "long-case.parquet"], journey=JOURNEY, memory_limit="64MB"
    )
    assert log.rejected == {
        "case id longer than 1,000 characters": 1,
        "activity longer than 1,000 characters": 1500,
    }
    assert log.rows_used == 1500
    assert log.rejected_examples["activity longer than 1,000 characters"] == (
        f"{path}:row 1",
        f"{path}:row 3",
        f"{path}:row 5",
    )


# --------------------------------------------------------------------------- names


def test_input_columns_named_like_the_engines_own(tmp_path: Path) -> None:
    path = tmp_path / "own.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'x' AS why, i AS file_row_number, i AS f, 'zz' AS r, "
        "CASE WHEN i = 0 THEN 'a' WHEN i = 1 THEN 'b' ELSE 'c' END AS k, "
        "CASE WHEN i = 1 THEN 'never' ELSE CAST(TIMESTAMPTZ '2024-01-01' + to_days(i) "
        "AS VARCHAR) END AS pos FROM range(3) t(i)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    log = read_event_log(
        [path], journey=JOURNEY, columns=ColumnMap(case="why", activity="k", timestamp="pos")
    )
    assert (log.rows_read, log.rows_used) == (3, 2)
    assert log.rejected_examples == {"unparsable or missing timestamp": (f"{path}:row 2",)}
    assert [(t.source, t.target) for t in log.transitions] == [("a", "c")]


def test_glob_characters_in_a_file_name_are_literal(tmp_path: Path) -> None:
    literal = write(tmp_path / "log[1].csv", HEADER + "x,a,2024-01-01\nx,c,2024-01-02\n")
    write(tmp_path / "log1.csv", HEADER + "y,a,2024-01-01\ny,b,2024-01-02\n")  # a decoy
    log = read_event_log([literal], journey=JOURNEY)
    assert log.files == (str(literal),)
    assert [(t.source, t.target) for t in log.transitions] == [("a", "c")]
    both = read_event_log([str(tmp_path / "log*.csv")], journey=JOURNEY)
    assert both.files == (str(tmp_path / "log1.csv"), str(literal))
    assert both.cases == 2
