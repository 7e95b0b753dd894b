"""Periods and dates, once for every source: calendar months and federal fiscal quarters and
years (FY2025 Q1 = October to December 2024), cut in the engine's time zone
(:attr:`~journeymap.specs.EngineSettings.timezone`, the session time zone of both engines).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["MAX_US", "MIN_US", "date_of", "micros", "period_sql", "seconds"]

#: Microseconds since the epoch of 0001-01-01 and of the last microsecond of 9999.
MIN_US, MAX_US = -62_135_596_800_000_000, 253_402_300_799_999_999
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def period_sql(every: str, t: str) -> str:
    """SQL for the label of the period of the timestamp ``t`` (fixed text: no user value).

    ``month``: ``2024-10``; ``quarter``: ``FY2025 Q1``; ``year``: ``FY2025``.
    """
    year, month = f"year({t})", f"month({t})"
    if every == "month":
        return (
            f"lpad(CAST({year} AS VARCHAR), 4, '0') || '-' || "
            f"lpad(CAST({month} AS VARCHAR), 2, '0')"
        )
    fiscal = f"'FY' || CAST({year} + CASE WHEN {month} >= 10 THEN 1 ELSE 0 END AS VARCHAR)"
    if every == "year":
        return fiscal
    quarter = (
        f"CASE WHEN {month} >= 10 THEN 1 WHEN {month} <= 3 THEN 2 "
        f"WHEN {month} <= 6 THEN 3 ELSE 4 END"
    )
    return f"{fiscal} || ' Q' || CAST({quarter} AS VARCHAR)"


def seconds(us: str) -> str:
    """SQL for the timestamp of ``us`` microseconds since the epoch."""
    return f"to_timestamp(({us}) / 1000000.0)"


def micros(value: datetime) -> int:
    """Microseconds since the epoch, as an integer (safe to write into SQL)."""
    delta = value - datetime(1970, 1, 1, tzinfo=value.tzinfo)
    offset = value.utcoffset()
    if offset is not None:
        delta -= offset
    return int(delta.days) * 86_400_000_000 + delta.seconds * 1_000_000 + delta.microseconds


def date_of(us: int, timezone: str) -> str:
    """The calendar date of a time (microseconds since the epoch) in ``timezone``."""
    moment = _EPOCH + timedelta(microseconds=int(us))
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d")
