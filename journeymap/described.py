"""The journey's own words for renderers: its context, agencies, stages, data items and
forms as written (:attr:`Report.context <journeymap.report.Report.context>`,
``agencies``, ``stages``, ``data_items``). Re-exported by :mod:`journeymap.report`."""

from __future__ import annotations

from .frozen import record

__all__ = [
    "AgencyInfo",
    "FormInfo",
    "ItemInfo",
    "JourneyContext",
    "StageInfo",
]


@record
class FormInfo:
    """A form a touchpoint uses (``omb``: its OMB control number, when known)."""

    id: str
    omb: str | None
    name: str | None


@record
class AgencyInfo:
    """An agency as written in the journey, with the touchpoints it owns (in telling order)."""

    id: str
    name: str
    level: str | None
    department: str | None
    touchpoints: tuple[str, ...]


@record
class StageInfo:
    """A stage of the journey, in written order."""

    id: str
    name: str
    description: str | None
    #: the map column where the stage's band starts (None: no touchpoint is in it)
    column: int | None = None


@record
class ItemInfo:
    """A data item the journey asks for or gives. ``short_name`` is its shortest real
    abbreviation ("SSN", "DD-214"), else its name."""

    id: str
    name: str
    short_name: str
    sensitive: bool
    government_issued: bool
    #: the touchpoints that ask for it, in telling order
    asked_at: tuple[str, ...] = ()


@record
class JourneyContext:
    """The journey's own words, for renderers: who, when, what, and where it comes from."""

    summary: str | None = None
    persona_name: str | None = None
    persona_description: str | None = None
    occasion: str | None = None
    offering: str | None = None
    source: str | None = None
    start: str | None = None
