from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap import Duration, parse_duration
from journeymap.durations import MAX_MINUTES

HELP = (
    "write a number with a unit: 30min, 2h, 5d, 3w, 2mo (30 days), 10y (365 days), "
    "or ISO 8601 such as P5D"
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30min", 30),
        ("2h", 120),
        ("5d", 7200),
        ("3w", 30240),
        ("2mo", 86400),
        ("1.5d", 2160),
        (".5h", 30),
        ("P5D", 7200),
        ("PT45M", 45),
        ("P1DT12H", 2160),
        ("P1Y", 525600),
        ("P2M", 86400),
        ("P1W", 10080),
        ("PT90S", 1.5),
        ("2 hours", 120),
        ("3 days", 4320),
        ("5D", 7200),
        ("10y", 5256000),
        ("1 yr", 525600),
        ("2 years", 1051200),
        ("1 Year", 525600),
    ],
)
def test_parse(text: str, minutes: float) -> None:
    assert parse_duration(text).minutes == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "5",
            "'5' has no unit; " + HELP,
        ),
        (
            "5m",
            "'5m' has an unknown unit 'm'; " + HELP,
        ),
        (
            "P",
            "'P' is not a valid ISO 8601 duration; " + HELP,
        ),
        (
            "soon",
            "'soon' is not a duration; " + HELP,
        ),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_duration(text)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (30, "30min"),
        (120, "2h"),
        (2160, "36h"),
        (7200, "5d"),
        (10080, "1w"),
        (43200, "1mo"),
        (0, "0min"),
        (0.5, "0.5min"),
        (90, "90min"),
    ],
)
def test_str_is_canonical(minutes: float, text: str) -> None:
    assert str(Duration(minutes)) == text


def test_units_and_order() -> None:
    d = Duration.of(days=1, hours=12)
    assert (d.minutes, d.hours, d.days) == (2160, 36, 1.5)
    assert Duration.parse("1d") < Duration.parse("25h")
    assert {Duration.parse("1d"), Duration.parse("24h")} == {Duration(1440)}


def test_negative_and_infinite_refused() -> None:
    with pytest.raises(ValueError, match="finite, non-negative"):
        Duration(-1)
    with pytest.raises(ValueError, match="finite, non-negative"):
        Duration(float("inf"))


@given(st.floats(min_value=0, max_value=MAX_MINUTES, allow_nan=False))
def test_str_round_trips(minutes: float) -> None:
    assert parse_duration(str(Duration(minutes))) == Duration(minutes)
