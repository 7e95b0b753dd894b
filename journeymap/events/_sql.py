"""SQL pieces the event-log stages share: times are integer microseconds since the epoch."""

from __future__ import annotations

from typing import Any

__all__ = ["DAY_US", "days", "quantiles"]

#: Microseconds in a day: times are integer microseconds since the epoch in the SQL.
DAY_US = 86_400_000_000.0


def quantiles(x: str) -> str:
    """Median and p90 (linear interpolation, one exact quantile aggregate) and mean of ``x``
    (microseconds); :func:`days` turns the two values into (median, p90, mean) in days."""
    return f"quantile_cont({x}, [0.5, 0.9]), avg({x})"


def days(pair: Any, mean: Any) -> tuple[float | None, float | None, float | None]:
    """(median, p90, mean) in days from what :func:`quantiles` returned."""
    if pair is None or mean is None:
        return None, None, None
    return float(pair[0]) / DAY_US, float(pair[1]) / DAY_US, float(mean) / DAY_US
